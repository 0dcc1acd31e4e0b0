"""The 申报表 as Word: the paper form's grid (merged cells, widths), every field, each opinion
with its signer and date, the 1500-character deeds whole, the verification code in the footer;
the download is scoped and audited like the PDF."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.shared import Mm

from qpdo.documents import word
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from stars import selectors, services
from stars.exports import NominationDocxExporter
from tests.word import docx_of, row_texts, spans

from .test_pdf import TITLE, long_deeds


def render(user, nominations) -> bytes:
    forms = services.nomination_print_forms(
        acting_user=user,
        nominations=[selectors.nomination_get_for(user=user, pk=n.pk) for n in nominations],
        verify_url=lambda code: f"http://portal.test/stars/verify/?code={code}",
    )
    return NominationDocxExporter(forms, title="测试").render()


def test_docx_is_the_paper_grid_with_fields_and_signed_opinions(
    make_nomination, advance, demo_user
):
    nomination = advance(make_nomination("baozhang_head"))
    doc = word.read_docx(render(demo_user("baozhang_head"), [nomination]))
    assert doc.paragraphs[0].text == TITLE
    assert doc.paragraphs[0].runs[0].font.size.pt == word.SIZE_2
    [table] = doc.tables
    grid = [round(col.w / Mm(1)) for col in table._tbl.tblGrid.gridCol_lst]
    assert grid == [28, 30, 22, 26, 24, 26]
    rows = row_texts(table)
    assert rows[:4] == [
        ["姓名", "胡晓琳", "性别", "女", "籍贯", "上海青浦"],
        ["政治面貌", "中共党员", "学历", "大学专科", "出生年月", "1989年8月"],
        ["申报类别", "城市防护", "工作岗位", "通信警报", "在岗年限", "5年"],
        ["推荐科室", "民防管理保障中心"],
    ]
    assert spans(table) == [[1] * 6] * 3 + [[1, 5]] * 5
    assert rows[4][0] == "主要事迹\n（1500字\n以内）"
    assert rows[4][1].startswith("该同志长期从事人民防空通信警报工作")
    assert [r[0] for r in rows[5:]] == ["推荐科室\n意见", "办机关党支部\n意见", "办党组意见"]
    opinions = [r[1].split("\n") for r in rows[5:]]
    assert opinions == [
        ["该同志表现突出，同意推荐。", "签名：徐明", "2024年10月18日"],
        ["经支部委员会研究，同意推荐。", "签名：蒋丽华", "2024年10月21日"],
        ["同意推荐为“岗位之星”候选人选。", "签名：陆振华", "2024年10月28日"],
    ]
    # The header row repeats on a continuation page; the fonts are the Chinese faces.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    fonts = table.cell(0, 1).paragraphs[0].runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == word.BODY_FONT
    section = doc.sections[0]
    assert round(section.top_margin / Mm(1)) == 37 and round(section.left_margin / Mm(1)) == 28


def test_docx_undecided_opinions_leave_a_blank_date(make_nomination, advance, demo_user):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    doc = word.read_docx(render(demo_user("baozhang_head"), [nomination]))
    cells = [r[1] for r in row_texts(doc.tables[0])[5:]]
    assert cells[0].endswith("签名：徐明\n2024年10月18日")
    assert cells[1:] == ["\n\n年　　月　　日"] * 2


def test_docx_keeps_the_1500_characters_of_deeds_whole(make_nomination, advance, demo_user):
    deeds = long_deeds()
    nomination = advance(make_nomination("baozhang_head", deeds=deeds))
    doc = word.read_docx(render(demo_user("baozhang_head"), [nomination]))
    cell = doc.tables[0].cell(4, 1)
    assert [p.text for p in cell.paragraphs] == word.paragraphs_of(deeds)
    assert all(p.paragraph_format.first_line_indent for p in cell.paragraphs)
    # The deeds row may run onto the next page (as the PDF's does); the opinions may not split.
    trs = doc.tables[0].rows
    assert trs[4]._tr.trPr.find(qn("w:cantSplit")) is None
    assert trs[5]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_docx_footer_carries_the_verification_code_and_qr(make_nomination, advance, demo_user):
    nomination = advance(make_nomination("baozhang_head"))
    doc = word.read_docx(render(demo_user("baozhang_head"), [nomination]))
    copy = nomination.printed_copies.get()
    footer = doc.sections[0].footer
    text = "\n".join(footer.tables[0].cell(0, 1).text.split("\n"))
    assert f"校验码 {copy.code[:5]}-{copy.code[5:]}" in text
    assert "打印时状态：已通过" in text
    assert footer.tables[0].cell(0, 0)._tc.xpath(".//pic:pic")


def test_docx_batch_gives_each_form_its_section(approved_nominations, demo_user):
    nominations = approved_nominations(3)
    doc = word.read_docx(render(demo_user("party_branch"), nominations))
    assert len(doc.sections) == 3 and len(doc.tables) == 3
    names = [row_texts(t)[0][1] for t in doc.tables]
    assert names == [n.name for n in nominations]
    footers = [s.footer.tables[0].cell(0, 1).text for s in doc.sections]
    assert all(n.name in f for n, f in zip(nominations, footers, strict=True))


def test_docx_view_is_scoped_and_audited_like_the_pdf(client, login, make_nomination):
    nomination = make_nomination("baozhang_head")
    login("gongcheng_head")
    assert client.get(f"/stars/nominations/{nomination.pk}/form.docx").status_code == 404
    login("baozhang_head")
    before = AuditRecord.objects.filter(action=AuditAction.EXPORT).count()
    doc = docx_of(client.get(f"/stars/nominations/{nomination.pk}/form.docx"))
    assert row_texts(doc.tables[0])[0][1] == nomination.name
    records = AuditRecord.objects.filter(action=AuditAction.EXPORT).order_by("-id")
    assert records.count() == before + 1
    assert records[0].detail.startswith("打印岗位之星申报表：胡晓琳")
    # The printed copy (and so the verification code) is the PDF's.
    assert nomination.printed_copies.count() == 1


def test_detail_page_offers_pdf_and_word(client, login, make_nomination):
    nomination = make_nomination("baozhang_head")
    login("baozhang_head")
    page = client.get(f"/stars/nominations/{nomination.pk}/").content.decode()
    assert f'href="/stars/nominations/{nomination.pk}/form.docx"' in page
    assert f'href="/stars/nominations/{nomination.pk}/form.pdf"' in page


def test_post_table_docx_holds_the_excel_rows_with_merged_categories(
    client, login, approved_nominations
):
    import io

    from openpyxl import load_workbook

    approved_nominations(2)
    login("party_branch")
    doc = docx_of(client.get("/stars/posts.docx?year=2024"))
    assert doc.paragraphs[1].text == "青浦区国防动员办公室“岗位之星”培树工作分工表（2024年）"
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    [table] = doc.tables
    sheet = load_workbook(io.BytesIO(client.get("/stars/posts.xlsx?year=2024").content)).active
    excel = [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    for word_row, excel_row in zip(cells, excel, strict=True):
        assert [word_row[0], *word_row[2:]] == [excel_row[0], *excel_row[2:]]
    assert "胡晓琳（管理保障中心，比武竞赛）" in cells[5][6]
    assert [cells[i][3] for i in (5, 6, 12)] == ["管理保障中心", "管理保障中心", "机关党支部"]
    # Each category merged over its four posts.
    for first in (1, 5, 9):
        assert table.cell(first, 1)._tc is table.cell(first + 3, 1)._tc
    assert [row_texts(table)[i][1] for i in (1, 5, 9)] == ["国动援战", "城市防护", "为民服务"]
    record = AuditRecord.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert record.detail == "导出：2024年度岗位之星培树工作分工表.xlsx"
    earlier = AuditRecord.objects.filter(action=AuditAction.EXPORT).order_by("-id")[1]
    assert earlier.detail == "导出：2024年度岗位之星培树工作分工表.docx"
