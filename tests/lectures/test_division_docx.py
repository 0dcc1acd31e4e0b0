"""附表1 工作分工表 as Word: the Excel's rows, unit cells merged over their months, the header
repeated, the PDF's title and annex line; scoped like the PDF and audited as an export."""

from __future__ import annotations

import io

from django.urls import reverse
from docx.oxml.ns import qn
from openpyxl import load_workbook

from lectures.exports import DIVISION_TITLE_LINES
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from tests.word import docx_of, row_texts

from .test_exports import FORMULA_TITLE, UNITS, programme  # noqa: F401 (fixture)


def test_division_docx_holds_the_excel_rows_with_merged_units(client, login, programme):  # noqa: F811
    login("member")
    doc = docx_of(client.get(reverse("lectures:division-docx")))
    assert doc.paragraphs[0].text == "附表1："
    assert doc.paragraphs[1].text == "\n".join(DIVISION_TITLE_LINES)
    [table] = doc.tables
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    sheet = load_workbook(io.BytesIO(client.get(reverse("lectures:division-xlsx")).content)).active
    excel = [
        [str(c.value).lstrip("'") if c.value is not None else "" for c in row]
        for row in sheet.iter_rows(min_row=2)
    ]
    # Excel repeats nothing in a merged range: compare the unit column where Excel has it.
    for word_row, excel_row in zip(cells, excel, strict=True):
        assert [word_row[0], *word_row[2:]] == [excel_row[0], *excel_row[2:]]
        assert excel_row[1] in ("", word_row[1])
    assert [texts[1] for texts in row_texts(table)[1::2]] == UNITS
    # Each unit cell spans its two months (vertical merge), as on the PDF.
    for first in range(1, 9, 2):
        assert table.cell(first, 1)._tc is table.cell(first + 1, 1)._tc
    assert FORMULA_TITLE in [row[3] for row in cells]
    assert ["8", "管理保障中心", "7月", "本场次已取消", "—"] in cells


def test_division_docx_is_for_office_staff_and_audited(client, login, programme):  # noqa: F811
    login("zhujiajiao")
    assert client.get(reverse("lectures:division-docx")).status_code == 404
    login("member")
    client.get(reverse("lectures:division-docx"))
    record = AuditRecord.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert record.actor.username == "member"
    assert "国动小讲堂工作分工表-2024年.docx" in record.detail


def test_schedule_page_offers_the_table_as_pdf_word_and_excel(client, login, programme):  # noqa: F811
    login("member")
    page = client.get(reverse("lectures:schedule")).content.decode()
    choice = page[page.index('data-testid="division-download"') :]
    choice = choice[: choice.index("</div>")]
    for name, fmt in (("pdf", "pdf"), ("docx", "docx"), ("xlsx", "xlsx")):
        assert f'href="{reverse(f"lectures:division-{name}")}"' in choice
        assert f'data-format="{fmt}"' in choice
