"""Official documents (公文) as Word files: GB/T 9704 page, title, 文号 line, numbered sections.

Built on the portal's Word blocks (`word.py`: page setup, faces on runs, fixed tables, page
numbers). What is particular to an official document lives here: the 二号 title, the 文号
line left for the office, headings numbered 一、 （一） 1. (the Word heading styles, so the
navigation pane lists them), 三号 body text at a fixed 28-point line indented by two
characters, and the issuing unit with its date. The faces are the installed CJK ones the PDFs
use: the serif face stands for 仿宋/小标宋, the sans face for 黑体.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from . import word
from .pdf import render_pdf

LINE_PT = 28  # GB/T 9704: 22 lines of 28 characters on a page of 三号 text
TABLE_SIZE = word.SIZE_5

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 一 … 九十九 for 1 … 99 (section numbers of an official document)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


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


def _fixed_line(paragraph, points: float = LINE_PT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)


def _style_faces(style, *, font: str, bold: bool) -> None:
    """Give a heading style the document's faces: black, upright, 三号 (not Word's blue)."""
    style.font.name = font
    style.font.size = Pt(word.SIZE_3)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:cs"), font)
    # Word's heading styles carry theme fonts, which win over the names set above.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


class OfficialDocument:
    """Build a Word official document block by block; `render()` returns the bytes."""

    # level → (face, bold): 一、 in 黑体, （一） and 1. in the body face, bold.
    HEADING_FACES = {
        1: (word.HEADING_FONT, False),
        2: (word.BODY_FONT, True),
        3: (word.BODY_FONT, True),
    }

    def __init__(self, *, title: str = "", author: str = "") -> None:
        self.document = word.new_document(title=title, author=author, size=word.SIZE_3)
        word.add_page_number_footer(self.document, size=word.SIZE_4)
        for level, (face, bold) in self.HEADING_FACES.items():
            style = self.document.styles[f"Heading {level}"]
            _style_faces(style, font=face, bold=bold)

    def title(self, text: str) -> None:
        paragraph = word.add_title(self.document, text, size=word.SIZE_2, space_after=6)
        _fixed_line(paragraph, 36)

    def doc_number(self, text: str) -> None:
        """Add the 文号 line (left for the office to fill in), centred under the title."""
        paragraph = word.add_paragraph(
            self.document, text, size=word.SIZE_3, align="center", space_after=12
        )
        _fixed_line(paragraph)

    def heading(self, level: int, text: str) -> None:
        """Add a heading of level 1–3 whose text already carries its number (see Numbering)."""
        face, bold = self.HEADING_FACES[level]
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(2 * word.SIZE_3)
        fmt.keep_with_next = True
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        _fixed_line(paragraph)
        word.add_text(paragraph, text, font=face, size=word.SIZE_3, bold=bold)

    def paragraph(self, text: str, *, center: bool = False, size: float = word.SIZE_3) -> None:
        """Add body text; each line of `text` becomes a paragraph indented by two characters."""
        for line in word.paragraphs_of(text):
            paragraph = word.add_paragraph(
                self.document,
                line,
                size=size,
                align="center" if center else "justify",
                first_line_indent=not center,
            )
            _fixed_line(paragraph, LINE_PT if size == word.SIZE_3 else size * 1.5)

    def table(self, headers: list[str], rows: list[list], *, widths_mm: list[float]):
        """Add a bordered table in 五号 text: a header row repeated on every page, then rows."""
        table = word.add_table(self.document, widths_mm=widths_mm)
        word.add_row(table, headers, header=True, font=word.HEADING_FONT, size=TABLE_SIZE)
        for values in rows:
            word.add_row(table, ["" if v is None else str(v) for v in values], size=TABLE_SIZE)
        # The PDF's cells: 五号 on 14.7 pt lines, 1 mm above and below (a "multiple" spacing
        # of the CJK face would make every row a third higher than the PDF's).
        word.set_cell_margins(table, left_mm=0.8, right_mm=0.8, top_mm=1, bottom_mm=1)
        word.set_lines_exactly(word.table_paragraphs(table), TABLE_SIZE * 1.4)
        spacer = word.add_paragraph(self.document, "", size=word.SIZE_5)
        word.set_lines_exactly([spacer], TABLE_SIZE * 1.4)
        return table

    def picture(self, data: bytes, *, width_mm: float, caption: str = "") -> None:
        paragraph = word.add_paragraph(self.document, align="center", space_before=4)
        paragraph.paragraph_format.keep_with_next = bool(caption)
        word.add_picture(paragraph, data, width_mm=width_mm)
        if caption:
            self.paragraph(caption, center=True, size=word.SIZE_5)

    def signature(self, unit_name: str, date_text: str) -> None:
        """Add the issuing unit and the date, right-aligned, after a blank line."""
        blank = word.add_paragraph(self.document, "", size=word.SIZE_3)
        # The unit and its date stay together on one page (never the date alone on the last).
        blank.paragraph_format.keep_with_next = True
        for text in (unit_name, date_text):
            paragraph = word.add_paragraph(self.document, text, size=word.SIZE_3, align="right")
            paragraph.paragraph_format.right_indent = Pt(4 * word.SIZE_3)
            paragraph.paragraph_format.keep_with_next = text == unit_name
            _fixed_line(paragraph)

    def render(self) -> bytes:
        return word.render_docx(self.document)


# An official document as an outline of blocks, rendered alike as Word and as PDF ---------


@dataclass
class Block:
    """One piece of an official document (the same outline renders to Word and to PDF)."""

    kind: str  # title, number, heading, para, table, image, note, signature
    text: str = ""
    level: int = 0
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    data: bytes = b""
    width_mm: float = 0
    lines: list[str] = field(default_factory=list)

    @property
    def width_percents(self) -> list[float]:
        """Return the table's column widths as shares of its width (for the PDF)."""
        total = sum(self.widths)
        return [round(100 * w / total, 2) for w in self.widths] if total else []

    @property
    def data_uri(self) -> str:
        kind = "png" if self.data[:4] == b"\x89PNG" else "jpeg"
        return f"data:image/{kind};base64,{base64.b64encode(self.data).decode()}"


def outline_docx(blocks: list[Block]) -> bytes:
    """Return the outline as a Word official document."""
    document = OfficialDocument(title=blocks[0].text)
    for block in blocks:
        if block.kind == "title":
            document.title(block.text)
        elif block.kind == "number":
            document.doc_number(block.text)
        elif block.kind == "heading":
            document.heading(block.level, block.text)
        elif block.kind in ("para", "note"):
            document.paragraph(block.text)
        elif block.kind == "table":
            document.table(block.headers, block.rows, widths_mm=block.widths)
        elif block.kind == "image":
            document.picture(block.data, width_mm=block.width_mm, caption=block.text)
        elif block.kind == "signature":
            document.signature(*block.lines)
    return document.render()


def outline_pdf(blocks: list[Block], *, title: str) -> bytes:
    """Return the outline as an A4 PDF laid out like the Word file (templates/documents)."""
    return render_pdf("documents/official.html", {"blocks": blocks, "title": title})
