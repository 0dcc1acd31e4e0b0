"""Word building blocks: page setup, CJK faces on runs, fixed tables, merges, the response."""

from __future__ import annotations

import zipfile
from io import BytesIO

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from qpdo.documents import word
from qpdo.documents.uploads import detect_content


def _sample() -> bytes:
    doc = word.new_document(title="样表", author="青浦区国防动员办公室")
    word.add_title(doc, "青浦区国防动员办公室\n样表")
    word.add_paragraph(doc, "正文第一段。", first_line_indent=True, size=word.SIZE_3)
    table = word.add_table(doc, widths_mm=(30, 50, 76))
    word.add_row(table, ["姓名", "王海燕", "综合科"], header=True, bold=True)
    word.add_row(table, ["主要事迹", "第一段\n第二行", ""], height_mm=40, align="left")
    word.add_row(table, ["意见", "", ""])
    word.set_cell(table.cell(1, 1), ["甲段", "乙段"], align="left", first_line_indent=True)
    word.merge_cells(table, 1, 1, 1, 2)
    word.merge_cells(table, 1, 0, 2, 0)
    word.add_page_number_footer(doc, template="第 {page} 页 共 {pages} 页")
    return word.render_docx(doc)


def test_new_document_is_a4_with_official_margins():
    doc = word.read_docx(_sample())
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(section.page_width / Mm(1)) == 210
    assert round(section.page_height / Mm(1)) == 297
    margins = [round(getattr(section, f"{edge}_margin") / Mm(1)) for edge in word.EDGES]
    assert margins == [37, 35, 28, 26]
    assert doc.core_properties.title == "样表"


def test_landscape_document_swaps_the_page():
    doc = word.read_docx(word.render_docx(word.new_document(landscape=True)))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width / Mm(1)) == 297
    assert round(word.content_width_mm(doc)) == 297 - 30


def test_every_run_carries_the_chinese_face():
    doc = word.read_docx(_sample())
    runs = [run for paragraph in doc.paragraphs for run in paragraph.runs]
    runs += [
        run
        for row in doc.tables[0].rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
    ]
    assert runs
    for run in runs:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == word.BODY_FONT
        assert fonts.get(qn("w:ascii")) == word.BODY_FONT
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == word.BODY_FONT
    title = doc.paragraphs[0]
    assert title.text == "青浦区国防动员办公室\n样表"
    assert title.runs[0].font.size.pt == word.SIZE_2
    assert title.runs[0].font.bold


def test_table_has_fixed_widths_merges_and_repeated_header():
    doc = word.read_docx(_sample())
    table = doc.tables[0]
    grid = [round(col.w / Mm(1)) for col in table._tbl.tblGrid.gridCol_lst]
    assert grid == [30, 50, 76]
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    # The merged deeds cell spans two columns and keeps only its own text.
    assert table.cell(1, 1)._tc is table.cell(1, 2)._tc
    assert table.cell(1, 1)._tc.grid_span == 2
    assert [p.text for p in table.cell(1, 1).paragraphs] == ["甲段", "乙段"]
    # The label merged over two rows.
    assert table.cell(1, 0)._tc is table.cell(2, 0)._tc
    assert table.cell(1, 0).text == "主要事迹"
    assert round(table.rows[1].height / Mm(1)) == 40
    assert [c.text for c in table.rows[0].cells] == ["姓名", "王海燕", "综合科"]


def test_footer_holds_page_fields():
    data = _sample()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        footer = next(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/footer")
        )
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert "第 " in footer and " 页 共 " in footer


def test_docx_response_is_an_attachment_that_sniffs_as_docx():
    data = _sample()
    assert detect_content(BytesIO(data)) == {"docx"}
    response = word.docx_response(data, filename="岗位之星申报表-王海燕.docx")
    assert response["Content-Type"] == word.DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="download.docx"')
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_paragraphs_of_drops_blank_lines():
    assert word.paragraphs_of("一\n\n  二  \n") == ["一", "二"]
    assert word.paragraphs_of(None) == []


def _tags(element) -> list[str]:
    return [child.tag.split("}")[1] for child in element]


def test_properties_are_written_in_schema_order():
    """Word refuses (or "repairs") a file whose property elements are out of order."""
    doc = word.new_document()
    table = word.add_table(doc, widths_mm=(40, 40))
    word.set_cell_margins(table)
    word.add_row(table, ["甲", "乙"], height_mm=10, header=True)
    word.set_cell_shading(table.cell(0, 0), "F2F2F2")
    word.add_section(doc)
    doc = word.read_docx(word.render_docx(doc))
    tbl_pr = _tags(doc.tables[0]._tbl.tblPr)
    assert tbl_pr == sorted(tbl_pr, key=word.TBL_PR_ORDER.index)
    tc_pr = _tags(doc.tables[0].cell(0, 0)._tc.tcPr)
    assert tc_pr == sorted(tc_pr, key=word.TC_PR_ORDER.index)
    for section in doc.sections:
        sect_pr = _tags(section._sectPr)
        assert sect_pr == sorted(sect_pr, key=word.SECT_PR_ORDER.index)


def test_sections_restart_numbering_and_carry_their_own_footer():
    doc = word.new_document()
    word.add_paragraph(doc, "第一份")
    word.add_page_number_footer(doc, template="第一份 {page}")
    second = word.add_section(doc)
    word.add_paragraph(doc, "第二份")
    word.add_page_number_footer(doc, section=second, template="第二份 {page}")
    doc = word.read_docx(word.render_docx(doc))
    assert len(doc.sections) == 2
    assert doc.sections[1]._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    footers = [s.footer.paragraphs[0].text for s in doc.sections]
    assert footers[0].startswith("第一份") and footers[1].startswith("第二份")


def test_add_picture_embeds_png():
    from qpdo.documents.qr import qr_png

    doc = word.new_document()
    word.add_picture(doc.add_paragraph(), qr_png("https://portal.example/v"), width_mm=17)
    doc = word.read_docx(word.render_docx(doc))
    assert len(doc.inline_shapes) == 1
    assert round(doc.inline_shapes[0].width / Mm(1)) == 17
