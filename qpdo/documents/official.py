"""Official documents (公文) as Word files: GB/T 9704 page, title, 文号 line, numbered sections.

The layout follows GB/T 9704-2012 as offices apply it: A4, margins 37 mm top, 35 mm bottom,
28 mm left, 26 mm right; title in 二号小标宋, body in 三号仿宋 at a fixed 28-point line;
first-level headings 一、 in 黑体, second-level （一） in 楷体, third-level 1. in 仿宋 bold.
The faces are named as Word and WPS know them on the office's machines; the PDF twin of a
document (templates/documents/official.css) uses the installed Noto CJK faces instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FACE = "方正小标宋简体"
BODY_FACE = "仿宋_GB2312"
HEI_FACE = "黑体"
KAI_FACE = "楷体_GB2312"
LATIN_FACE = "Times New Roman"

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
LINE = Pt(28)

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 一 … 九十九 for 1 … 99 (section numbers of an official document)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _set_faces(run, east_asia: str, *, size=None, bold: bool = False) -> None:
    run.font.name = LATIN_FACE
    run.font.bold = bold
    if size is not None:
        run.font.size = size
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def _fixed_line(paragraph, line=LINE) -> None:
    formatting = paragraph.paragraph_format
    formatting.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    formatting.line_spacing = line
    formatting.space_before = Pt(0)
    formatting.space_after = Pt(0)


@dataclass
class Numbering:
    """The running section numbers: 一、 then （一） then 1."""

    first: int = 0
    second: int = 0
    third: int = 0

    def next(self, level: int) -> str:
        if level == 1:
            self.first, self.second, self.third = self.first + 1, 0, 0
            return f"{chinese_number(self.first)}、"
        if level == 2:
            self.second, self.third = self.second + 1, 0
            return f"（{chinese_number(self.second)}）"
        self.third += 1
        return f"{self.third}."


class OfficialDocument:
    """Build a Word official document paragraph by paragraph; `render()` returns the bytes."""

    HEADING_FACES = {1: (HEI_FACE, False), 2: (KAI_FACE, False), 3: (BODY_FACE, True)}

    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        normal = self.document.styles["Normal"]
        normal.font.name = LATIN_FACE
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FACE)
        for level, (face, bold) in self.HEADING_FACES.items():
            style = self.document.styles[f"Heading {level}"]
            style.font.name = LATIN_FACE
            style.font.size = BODY_SIZE
            style.font.bold = bold
            style.font.italic = False
            style.font.color.rgb = None
            style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)

    @property
    def text_width(self):
        section = self.document.sections[0]
        return section.page_width - section.left_margin - section.right_margin

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph(style="Title")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_line(paragraph, Pt(36))
        paragraph.paragraph_format.space_after = Pt(14)
        run = paragraph.add_run(text)
        _set_faces(run, TITLE_FACE, size=TITLE_SIZE)
        run.font.color.rgb = None

    def doc_number(self, text: str) -> None:
        """Add the 文号 line (left for the office to fill in), centred under the title."""
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_line(paragraph)
        paragraph.paragraph_format.space_after = Pt(14)
        _set_faces(paragraph.add_run(text), BODY_FACE, size=BODY_SIZE)

    def heading(self, level: int, text: str) -> None:
        """Add a heading of level 1–3 whose text already carries its number (see Numbering)."""
        full = text
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        _fixed_line(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.keep_with_next = True
        face, bold = self.HEADING_FACES[level]
        run = paragraph.add_run(full)
        _set_faces(run, face, size=BODY_SIZE, bold=bold)
        run.font.color.rgb = None

    def paragraph(self, text: str, *, center: bool = False, size=None) -> None:
        """Add body text; each line of `text` becomes a paragraph indented by two characters."""
        for line in (text or "").splitlines() or [""]:
            line = line.strip()
            if not line:
                continue
            paragraph = self.document.add_paragraph()
            _fixed_line(paragraph)
            if center:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                paragraph.paragraph_format.first_line_indent = Pt(32)
            _set_faces(paragraph.add_run(line), BODY_FACE, size=size or BODY_SIZE)

    def table(self, headers: list[str], rows: list[list], *, widths_mm: list[float] | None = None):
        """Add a bordered table in 五号 text: a bold header row, then the rows."""
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row_index, values in enumerate([headers, *rows]):
            for column, value in enumerate(values):
                cell = table.cell(row_index, column)
                cell.text = ""
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_faces(
                    paragraph.add_run("" if value is None else str(value)),
                    HEI_FACE if row_index == 0 else BODY_FACE,
                    size=TABLE_SIZE,
                )
        if widths_mm:
            for column, width in enumerate(widths_mm):
                for cell in table.columns[column].cells:
                    cell.width = Mm(width)
        self.document.add_paragraph()
        return table

    def picture(self, data: bytes, *, width_mm: float, caption: str = "") -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))
        if caption:
            self.paragraph(caption, center=True, size=TABLE_SIZE)

    def signature(self, unit_name: str, date_text: str) -> None:
        """Add the issuing unit and the date, right-aligned, after a blank line."""
        self.document.add_paragraph()
        for text in (unit_name, date_text):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(64)
            _fixed_line(paragraph)
            _set_faces(paragraph.add_run(text), BODY_FACE, size=BODY_SIZE)

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(data: bytes, *, filename: str):
    """Return .docx bytes as a download."""
    from django.http import HttpResponse

    from .pdf import content_disposition

    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    return response
