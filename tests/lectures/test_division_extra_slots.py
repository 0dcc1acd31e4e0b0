"""附表1 工作分工表 with a granted extra slot (加开场次): the page, the Excel, the PDF and the
Word all print附表1's eight rows first, then a separate block headed “加开场次” with the
granted slot (number 9, the unit and month asked for); a refused request prints nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lectures import services
from lectures.exports import EXTRA_HEADING
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from tests.word import docx_of

from .test_exports import pdf_tool


@pytest.fixture
def granted(demo_user, campaign):
    """工程指挥科 asks for a 9月 slot and 综合科 grants it."""
    slot_request = services.slot_request_create(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        month=9,
        reason="本科室另有两名讲述人。",
    )
    workflow.approval_transition(
        approval=slot_request.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意加开。",
    )
    slot_request.refresh_from_db()
    return slot_request.slot


def _xlsx_rows(client) -> list[list[str]]:
    response = client.get(reverse("lectures:division-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        [str(c.value).lstrip("'") if c.value is not None else "" for c in row]
        for row in sheet.iter_rows(min_row=3)
    ]


def test_division_xlsx_lists_the_extra_slot_after_the_eight(client, login, granted):
    login("member")
    rows = _xlsx_rows(client)
    assert [row[0] for row in rows[:8]] == [str(n) for n in range(1, 9)]
    assert rows[8][0] == EXTRA_HEADING
    assert rows[9] == ["9", "工程指挥科", "9月", "个人自定", "科室推荐"]
    assert len(rows) == 10


def test_division_xlsx_without_a_grant_has_no_extra_block(client, login, demo_user, campaign):
    slot_request = services.slot_request_create(
        acting_user=demo_user("gongcheng_head"), campaign=campaign, month=9, reason="讲述人较多"
    )
    workflow.approval_transition(
        approval=slot_request.approval,
        action=Action.REJECT,
        acting_user=demo_user("zonghe_staff"),
        opinion="场次已满。",
    )
    login("member")
    rows = _xlsx_rows(client)
    assert len(rows) == 8
    assert EXTRA_HEADING not in [row[0] for row in rows]


def test_division_pdf_prints_the_extra_block(client, login, granted, tmp_path):
    login("member")
    response = client.get(reverse("lectures:division-pdf"))
    assert response.status_code == 200
    text = pdf_tool("pdftotext", response.content, tmp_path, "-layout", "-enc", "UTF-8")
    flat = re.sub(r"\s+", "", text)
    assert EXTRA_HEADING in flat
    # After the heading: the ninth slot, its unit and month, the source's rules.
    after = flat.split(EXTRA_HEADING, 1)[1]
    assert after.startswith("9工程指挥科9月个人自定科室推荐"), after[:60]
    # 附表1's eight come first: the heading follows the last of them (管理保障中心 7月).
    assert flat.index("8") < flat.index(EXTRA_HEADING)


def test_division_docx_prints_the_extra_block(client, login, granted):
    login("member")
    doc = docx_of(client.get(reverse("lectures:division-docx")))
    [table] = doc.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert [row[0] for row in cells[1:9]] == [str(n) for n in range(1, 9)]
    assert cells[9] == [EXTRA_HEADING] * 5  # one cell over the five columns
    assert cells[10] == ["9", "工程指挥科", "9月", "个人自定", "科室推荐"]
    assert len(cells) == 11


def test_schedule_page_shows_the_extra_slot_apart(client, login, granted):
    login("member")
    page = client.get(reverse("lectures:schedule") + "?view=division").content.decode()
    division, extra = page.split('data-testid="extra-slots"', 1)
    assert "<td>9</td><td>工程指挥科</td><td>9月</td>" in extra
    assert "<td>9</td>" not in division
    assert "9月" not in division
