"""Write Word (.docx) documents with python-docx: the one Word engine of the portal.

Every printed form of the portal is also offered as an editable .docx (offices sign and stamp
on paper, often after small edits in Word or WPS). The building blocks here give those files
the PDFs' layout: A4 with the GB/T 9704-2012 margins (or landscape for wide lists), the CJK
faces installed for the PDFs set on every run for Chinese text (`w:eastAsia`, which Word and
WPS read for Chinese characters; `w:ascii`/`w:hAnsi` alone leave Chinese in the default
face), tables with fixed column widths, merged cells, repeated header rows and rows that do
not split across pages, page numbers in the footer, and the download response.

    doc = new_document(title="审批单")
    add_title(doc, "青浦区国防动员办公室审批单")
    table = add_table(doc, widths_mm=(30, 126))
    row = add_row(table, ["所属单位", "综合科"])
    merge_cells(table, 0, 0, 1, 0)
    return docx_response(render_docx(doc), filename="审批单.docx")
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .pdf import content_disposition

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The faces the PDFs print with (fonts.REQUIRED_FAMILIES): the serif face stands for 仿宋/宋体
# body text, the sans face for 黑体 headings. Word or WPS without them substitutes a Chinese
# face of the same kind, and the layout (sizes, widths, merges) stays.
BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"

# Chinese font sizes (字号) in points.
SIZE_2 = 22.0  # 二号: document titles
SIZE_3 = 16.0  # 三号: official-document body
SIZE_4 = 14.0  # 四号
SIZE_SMALL_4 = 12.0  # 小四: form cells
SIZE_5 = 10.5  # 五号
SIZE_SMALL_5 = 9.0  # 小五

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
VALIGN = {
    "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres."""

    top: float
    bottom: float
    left: float
    right: float


# GB/T 9704-2012: 天头 37 mm, 地脚 35 mm, 订口 28 mm, 切口 26 mm (as the PDFs' @page).
OFFICIAL_MARGINS = Margins(top=37, bottom=35, left=28, right=26)
# Wide lists printed landscape (工作清单, 整改清单): narrower margins leave room for ten columns.
LANDSCAPE_MARGINS = Margins(top=20, bottom=18, left=15, right=15)

# The order of Margins' fields, for loops over a section's margins.
EDGES = ("top", "bottom", "left", "right")

A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0


# The schema's order of the children we add (Word refuses a file whose children are out of order).
TBL_PR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip
TC_PR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark",
)  # fmt: skip
P_PR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
SECT_PR_ORDER = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
    "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings",
)  # fmt: skip


def _child(parent, tag: str, order: Sequence[str]):
    """Return parent's w:tag child, inserting it at its schema position when missing."""
    element = parent.find(qn(f"w:{tag}"))
    if element is not None:
        return element
    element = OxmlElement(f"w:{tag}")
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1 :]}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def set_run_font(
    run: Run,
    *,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool | None = None,
) -> Run:
    """Set a run's face for Latin and Chinese text alike (w:ascii, w:hAnsi, w:eastAsia)."""
    run.font.name = font  # w:ascii and w:hAnsi
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), font)
    r_fonts.set(qn("w:cs"), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    return run


def _set_style_font(style, *, font: str, size: float) -> None:
    style.font.name = font
    style.font.size = Pt(size)
    r_pr = style.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), font)
    r_fonts.set(qn("w:cs"), font)
    # The document's language is Chinese: line breaking and punctuation follow Chinese rules.
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_document(
    *,
    title: str = "",
    author: str = "",
    landscape: bool = False,
    margins: Margins | None = None,
    font: str = BODY_FONT,
    size: float = SIZE_SMALL_4,
) -> DocxDocument:
    """Return an empty A4 document (portrait or landscape) with the body face and margins set."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(A4_HEIGHT_MM), Mm(A4_WIDTH_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(A4_WIDTH_MM), Mm(A4_HEIGHT_MM)
    margins = margins or (LANDSCAPE_MARGINS if landscape else OFFICIAL_MARGINS)
    section.top_margin = Mm(margins.top)
    section.bottom_margin = Mm(margins.bottom)
    section.left_margin = Mm(margins.left)
    section.right_margin = Mm(margins.right)
    section.header_distance = Mm(min(15, margins.top / 2))
    section.footer_distance = Mm(min(15, margins.bottom / 2))
    normal = doc.styles["Normal"]
    _set_style_font(normal, font=font, size=size)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    # No extra space between Chinese and Latin text or digits (Word's and LibreOffice's
    # default): dates print as 2024年10月20日, as on the PDFs, not 2024 年 10 月 20 日.
    p_pr = normal.element.get_or_add_pPr()
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        _child(p_pr, tag, P_PR_ORDER).set(qn("w:val"), "0")
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"
    return doc


def content_width_mm(doc: DocxDocument) -> float:
    """Return the width between the margins of the document's first section, in millimetres."""
    section = doc.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def add_text(
    paragraph: Paragraph,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool | None = None,
) -> Run:
    """Append a run of text to a paragraph; line breaks in the text become Word line breaks."""
    lines = str(text).split("\n")
    run = paragraph.add_run()
    for index, line in enumerate(lines):
        if index:
            run.add_break(WD_BREAK.LINE)
        run.add_text(line)
    return set_run_font(run, font=font, size=size, bold=bold)


def _format_paragraph(
    paragraph: Paragraph,
    *,
    align: str | None,
    first_line_indent: bool,
    size: float | None,
    space_before: float | None,
    space_after: float | None,
    line_spacing: float | None,
) -> None:
    fmt = paragraph.paragraph_format
    if align:
        paragraph.alignment = ALIGN[align]
    if first_line_indent:
        fmt.first_line_indent = Pt(2 * (size or SIZE_SMALL_4))  # 首行缩进 2 字
    if space_before is not None:
        fmt.space_before = Pt(space_before)
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if line_spacing is not None:
        fmt.line_spacing = line_spacing


def add_paragraph(
    container,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool | None = None,
    align: str | None = None,
    first_line_indent: bool = False,
    space_before: float | None = None,
    space_after: float | None = None,
    line_spacing: float | None = None,
) -> Paragraph:
    """Add a paragraph to a document or a table cell, its text in the given face and size."""
    paragraph = container.add_paragraph()
    _format_paragraph(
        paragraph,
        align=align,
        first_line_indent=first_line_indent,
        size=size,
        space_before=space_before,
        space_after=space_after,
        line_spacing=line_spacing,
    )
    if text:
        add_text(paragraph, text, font=font, size=size, bold=bold)
    return paragraph


def add_title(
    doc: DocxDocument,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = SIZE_2,
    bold: bool = True,
    space_after: float = 12,
) -> Paragraph:
    """Add a centred document title (二号, bold by default); "\\n" breaks it into lines."""
    return add_paragraph(
        doc,
        text,
        font=font,
        size=size,
        bold=bold,
        align="center",
        space_after=space_after,
        line_spacing=1.3,
    )


def paragraphs_of(text: str) -> list[str]:
    """Return the non-empty paragraphs of a text (one per line)."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


# Tables ----------------------------------------------------------------------------------------


def _set_borders(table: Table, *, size_eighths: int = 6) -> None:
    """Give every cell of the table a single black border (size in eighths of a point)."""
    borders = _child(table._tbl.tblPr, "tblBorders", TBL_PR_ORDER)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = borders.find(qn(f"w:{edge}"))
        if element is None:
            element = OxmlElement(f"w:{edge}")
            borders.append(element)
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size_eighths))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")


def _set_fixed_layout(table: Table, widths_mm: Sequence[float]) -> None:
    tbl_pr = table._tbl.tblPr
    _child(tbl_pr, "tblLayout", TBL_PR_ORDER).set(qn("w:type"), "fixed")
    width = _child(tbl_pr, "tblW", TBL_PR_ORDER)
    width.set(qn("w:w"), str(round(sum(widths_mm) * 1440 / 25.4)))
    width.set(qn("w:type"), "dxa")
    for column, column_width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(column_width)


def add_table(
    container,
    *,
    widths_mm: Sequence[float],
    align: str = "center",
    border_eighths: int = 6,
) -> Table:
    """Add an empty table with fixed column widths (mm); add rows with add_row.

    Cells get a single black border of border_eighths eighths of a point (0: no border, for
    layout tables such as a footer's).
    """
    if isinstance(container, DocxDocument | _Cell):
        table = container.add_table(0, len(widths_mm))
    else:  # a header or footer: python-docx asks for the table's width there
        table = container.add_table(0, len(widths_mm), Mm(sum(widths_mm)))
    table.alignment = {"left": 0, "center": 1, "right": 2}[align]
    table.autofit = False
    _set_fixed_layout(table, widths_mm)
    if border_eighths:
        _set_borders(table, size_eighths=border_eighths)
    return table


def set_cell(
    cell: _Cell,
    text: str | Iterable[str] = "",
    *,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool | None = None,
    align: str = "center",
    valign: str = "center",
    first_line_indent: bool = False,
) -> _Cell:
    """Replace a cell's text: a string (line breaks kept) or a list of paragraphs."""
    pieces = [text] if isinstance(text, str) else list(text)
    for paragraph in cell.paragraphs[1:]:
        paragraph._element.getparent().remove(paragraph._element)
    first = cell.paragraphs[0]
    for run in list(first.runs):
        run._element.getparent().remove(run._element)
    for index, piece in enumerate(pieces or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        _format_paragraph(
            paragraph,
            align=align,
            first_line_indent=first_line_indent,
            size=size,
            space_before=None,
            space_after=None,
            line_spacing=None,
        )
        if piece:
            add_text(paragraph, piece, font=font, size=size, bold=bold)
    cell.vertical_alignment = VALIGN[valign]
    return cell


def add_row(
    table: Table,
    values: Sequence[str] = (),
    *,
    height_mm: float | None = None,
    exact: bool = False,
    header: bool = False,
    keep_together: bool = True,
    font: str = BODY_FONT,
    size: float | None = None,
    bold: bool | None = None,
    align: str = "center",
    valign: str = "center",
) -> _Row:
    """Append a row, filling its cells with values (fewer values leave the rest empty).

    `header=True` repeats the row at the top of every page; `keep_together` stops Word from
    splitting the row across pages; `height_mm` is a minimum (or exact) row height.
    """
    row = table.add_row()
    widths = [grid_col.w for grid_col in table._tbl.tblGrid.gridCol_lst]
    for index, cell in enumerate(row.cells):
        if widths[index] is not None:
            cell.width = widths[index]
        if index < len(values):
            set_cell(
                cell, values[index], font=font, size=size, bold=bold, align=align, valign=valign
            )
        else:
            cell.vertical_alignment = VALIGN[valign]
    if height_mm is not None:
        row.height = Mm(height_mm)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST
    tr_pr = row._tr.get_or_add_trPr()
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    if keep_together:
        tr_pr.append(OxmlElement("w:cantSplit"))
    return row


def set_lines_exactly(paragraphs: Iterable[Paragraph], points: float) -> None:
    """Give paragraphs an exact line height, as the PDFs' CSS `line-height` does.

    A "multiple" line spacing is a multiple of the face's own line height, and the CJK faces'
    is about 1.45 em: 1.25 lines of 12 pt text take 21.7 pt in Word and LibreOffice, against
    the PDF's 18 pt, and a form that fits one page as PDF runs onto a second as Word. Never
    for paragraphs holding pictures (an exact line height clips them).
    """
    for paragraph in paragraphs:
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(points)


def table_paragraphs(table: Table) -> list[Paragraph]:
    """Return every paragraph of a table's cells, a merged cell's once."""
    seen, paragraphs = set(), []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                paragraphs += cell.paragraphs
    return paragraphs


def merge_cells(table: Table, row1: int, col1: int, row2: int, col2: int) -> _Cell:
    """Merge the rectangle from (row1, col1) to (row2, col2) and return the merged cell.

    The text of the first cell is kept; python-docx would otherwise join the texts of all
    merged cells, so the others are emptied first.
    """
    first = table.cell(row1, col1)
    for row in range(row1, row2 + 1):
        for col in range(col1, col2 + 1):
            if (row, col) != (row1, col1):
                set_cell(table.cell(row, col), "")
    merged = first.merge(table.cell(row2, col2))
    # Merging leaves an empty paragraph per absorbed cell: drop the empty trailing ones.
    while len(merged.paragraphs) > 1 and not merged.paragraphs[-1].text:
        element = merged.paragraphs[-1]._element
        element.getparent().remove(element)
    return merged


def set_cell_shading(cell: _Cell, fill: str) -> None:
    """Fill a cell's background with a hex colour (e.g. "F2F2F2" for header cells)."""
    shading = _child(cell._tc.get_or_add_tcPr(), "shd", TC_PR_ORDER)
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)


def set_cell_margins(
    table: Table,
    *,
    left_mm: float = 1.8,
    right_mm: float = 1.8,
    top_mm: float | None = None,
    bottom_mm: float | None = None,
) -> None:
    """Set the table's default cell padding (left and right; top and bottom when given)."""
    margins = _child(table._tbl.tblPr, "tblCellMar", TBL_PR_ORDER)
    edges = [("left", left_mm), ("right", right_mm)]
    edges += [(edge, v) for edge, v in (("top", top_mm), ("bottom", bottom_mm)) if v is not None]
    for edge, value in edges:
        element = _child(margins, edge, ("top", "left", "start", "bottom", "right", "end"))
        element.set(qn("w:w"), str(round(value * 1440 / 25.4)))
        element.set(qn("w:type"), "dxa")


# Pages -----------------------------------------------------------------------------------------


def add_field(
    paragraph: Paragraph, instruction: str, *, font: str = BODY_FONT, size: float = SIZE_5
) -> Run:
    """Append a Word field (PAGE, NUMPAGES) that Word and WPS fill in when they lay out."""
    run = paragraph.add_run()
    set_run_font(run, font=font, size=size)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._element.append(element)
    return run


def add_page_number_footer(
    doc: DocxDocument,
    *,
    section=None,
    template: str = "— {page} —",
    align: str = "center",
    font: str = BODY_FONT,
    size: float = SIZE_5,
) -> Paragraph:
    """Put the page number in every page's footer: `{page}` and `{pages}` become fields.

    The footer is the first section's (the whole document's unless sections were added), or
    the given section's; a footer that already holds text gets a new paragraph.
    """
    footer = (section or doc.sections[0]).footer
    paragraph = footer.paragraphs[0]
    if paragraph.text or len(footer.paragraphs) > 1 or footer.tables:
        paragraph = footer.add_paragraph()
    paragraph.alignment = ALIGN[align]
    rest = template
    while rest:
        positions = [p for p in (rest.find("{page}"), rest.find("{pages}")) if p >= 0]
        if not positions:
            add_text(paragraph, rest, font=font, size=size)
            break
        at = min(positions)
        if at:
            add_text(paragraph, rest[:at], font=font, size=size)
        if rest.startswith("{pages}", at):
            add_field(paragraph, "NUMPAGES", font=font, size=size)
            rest = rest[at + len("{pages}") :]
        else:
            add_field(paragraph, "PAGE", font=font, size=size)
            rest = rest[at + len("{page}") :]
    return paragraph


def add_picture(paragraph: Paragraph, data: bytes, *, width_mm: float) -> Run:
    """Append a picture (PNG or JPEG bytes) to a paragraph, scaled to width_mm."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(data), width=Mm(width_mm))
    return run


def add_section(doc: DocxDocument, *, restart_numbering: bool = True):
    """Start a new page as a new section with the same page setup and its own footer.

    A batch of forms puts each form in its own section, so each carries its own footer and,
    as on the PDF, its pages are numbered from 1.
    """
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.footer.is_linked_to_previous = False
    if restart_numbering:
        _child(section._sectPr, "pgNumType", SECT_PR_ORDER).set(qn("w:start"), "1")
    return section


def add_page_break(doc: DocxDocument) -> None:
    """Start a new page (between forms of a batch)."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(doc: DocxDocument) -> bytes:
    """Return the document as .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(data: bytes, *, filename: str) -> HttpResponse:
    """Return .docx bytes as a download (Word files are always saved, never shown inline)."""
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def read_docx(data: bytes) -> DocxDocument:
    """Open .docx bytes with python-docx (for tests and checks)."""
    return Document(io.BytesIO(data))
