"""Exports of the lecture series: 附表1 工作分工表 (Excel, PDF) and the programme (Excel)."""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from lectures import services
from lectures.exports import DIVISION_TITLE, ProgrammeExporter
from lectures.models import Slot
from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord, Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

FORMULA_TITLE = '=HYPERLINK("http://example.com/x","点击查看")'
UNITS = ["综合科", "工程指挥科", "动员协调科", "管理保障中心"]


def approve(topic, demo_user, *, head: str):
    """Submit a topic and approve it at both steps, as the rightful people do."""
    workflow.approval_submit(subject=topic, acting_user=demo_user(head))
    for approver in ("zonghe_staff", "office_leader"):
        workflow.approval_decide(
            subject=topic,
            acting_user=demo_user(approver),
            decision=Action.APPROVE,
            opinion="同意。",
        )
    topic.refresh_from_db()
    return topic


def schedule(topic, demo_user, campaign, *, number: int, when: datetime.datetime, place="会议室"):
    return services.lecture_schedule(
        acting_user=demo_user("zonghe_staff"),
        topic=topic,
        slot=Slot.objects.get(campaign=campaign, number=number),
        starts_at=when,
        place=place,
    )


@pytest.fixture
def programme(make_topic, demo_user, campaign):
    """Two scheduled 工程指挥科 lectures (one titled like a formula), a 动员协调科 draft and
    a cancelled slot (管理保障中心 7月)."""
    speaker = Staff.objects.get(name="陈志刚")
    first = approve(
        make_topic("gongcheng_head", title="人防工程平战转换演练复盘", speaker=speaker),
        demo_user,
        head="gongcheng_head",
    )
    lecture = schedule(first, demo_user, campaign, number=3, when=clock.at(2024, 6, 18, 14, 30))
    services.lecture_record_delivery(
        acting_user=demo_user("zonghe_staff"),
        lecture=lecture,
        held_on=datetime.date(2024, 6, 18),
        held_place="三楼会议室",
        audience_count=42,
        notes="",
        promoted_district_on=datetime.date(2024, 6, 20),
    )
    second = approve(
        make_topic("gongcheng_head", title=FORMULA_TITLE), demo_user, head="gongcheng_head"
    )
    schedule(second, demo_user, campaign, number=4, when=clock.at(2024, 7, 9, 9, 0))
    make_topic("dongyuan_head", title="潜力调查数据更新攻坚")
    services.slot_cancel(
        acting_user=demo_user("zonghe_staff"), slot=Slot.objects.get(campaign=campaign, number=8)
    )
    return {"first": first, "second": second, "lecture": lecture}


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).active


# 工作分工表: Excel ---------------------------------------------------------------------------


def test_division_xlsx_matches_the_source_table(client, login, programme):
    login("member")
    response = client.get(reverse("lectures:division-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_back(response.content)

    assert sheet["A1"].value == DIVISION_TITLE
    assert "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == ["序号", "单位", "时间", "选题", "人员"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [row[0] for row in body] == list(range(1, 9))
    assert [row[2] for row in body] == ["5月", "8月", "6月", "7月", "5月", "8月", "6月", "7月"]
    # Each unit's cell is merged over its two consecutive rows, as in the source.
    assert {"B3:B4", "B5:B6", "B7:B8", "B9:B10"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [row[1] for row in body[::2]] == UNITS


def test_division_xlsx_shows_real_topics_and_speakers(client, login, programme):
    login("member")
    sheet = read_back(client.get(reverse("lectures:division-xlsx")).content)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}

    assert (rows[3][3].value, rows[3][4].value) == ("人防工程平战转换演练复盘", "陈志刚")
    assert (rows[1][3].value, rows[1][4].value) == ("个人自定", "科室推荐")
    assert (rows[8][3].value, rows[8][4].value) == ("本场次已取消", "—")


def test_division_xlsx_keeps_a_formula_like_title_as_text(client, login, programme):
    login("member")
    cell = read_back(client.get(reverse("lectures:division-xlsx")).content)["D6"]
    assert cell.data_type == "s"
    assert cell.value.lstrip("'") == FORMULA_TITLE
    assert not cell.value.startswith("=")


def test_division_xlsx_query_count_does_not_grow(client, login, make_topic, demo_user, campaign):
    login("member")
    url = reverse("lectures:division-xlsx")
    topic = approve(make_topic("gongcheng_head"), demo_user, head="gongcheng_head")
    schedule(topic, demo_user, campaign, number=3, when=clock.at(2024, 6, 18, 14, 30))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    topic = approve(make_topic("zonghe_head"), demo_user, head="zonghe_head")
    schedule(topic, demo_user, campaign, number=1, when=clock.at(2024, 5, 28, 14, 30))
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    assert len(two) == len(one)


@pytest.mark.parametrize("name", ["lectures:division-xlsx", "lectures:division-pdf"])
def test_division_table_is_not_for_outside_units(client, login, programme, name):
    login("zhujiajiao")  # 街镇 填报员: not office staff
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", ["lectures:division-xlsx", "lectures:programme-xlsx"])
def test_exports_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# 工作分工表: PDF -----------------------------------------------------------------------------


def pdf_tool(tool: str, data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "division.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_division_pdf_prints_the_table_as_text(client, login, programme, tmp_path):
    login("member")
    response = client.get(reverse("lectures:division-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_tool("pdftotext", response.content, tmp_path, "-layout", "-enc", "UTF-8")
    flat = re.sub(r"\s+", "", text)

    assert DIVISION_TITLE in flat
    assert "附表1" in flat
    for word in ["序号", "单位", "时间", "选题", "人员", *UNITS]:
        assert word in flat, word
    for month in ("5月", "6月", "7月", "8月"):
        assert month in text
    assert "陈志刚" in text
    assert "个人自定" in text and "科室推荐" in text
    assert "本场次已取消" in flat
    # Merged unit cells: each unit is printed once.
    assert all(flat.count(unit) == 1 for unit in UNITS)
    # A long topic wraps inside its cell; read in reading order it is whole.
    plain = pdf_tool("pdftotext", response.content, tmp_path, "-enc", "UTF-8")
    assert "人防工程平战转换演练复盘" in re.sub(r"\s+", "", plain)

    fonts = pdf_tool("pdffonts", response.content, tmp_path).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    # The title in the bold serif face; Simplified Chinese faces only (lang="zh-CN").
    assert any("Noto-Serif-CJK-SC-Bold" in line for line in cjk), fonts
    assert all("CJK-SC" in line for line in cjk), fonts
    # Columns: name type encoding emb sub uni object ID; every CJK font embedded as a subset.
    assert cjk and all(line.split()[-5:-3] == ["yes", "yes"] for line in cjk), fonts


def test_division_pdf_template_is_chinese_a4():
    from django.template.loader import get_template

    source = get_template("lectures/exports/division.html").template.source
    assert '<html lang="zh-CN">' in source
    assert "size: A4" in source
    assert '"Noto Serif CJK SC"' in source
    assert 'rowspan="{{ row.unit_rowspan }}"' in source


# The programme -------------------------------------------------------------------------------


def programme_rows_of(client) -> list[list]:
    response = client.get(reverse("lectures:programme-xlsx"))
    assert response.status_code == 200
    sheet = read_back(response.content)
    headers = [c.value for c in sheet[2]]
    return headers, [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def test_programme_xlsx_lists_every_topic_for_the_coordinator(client, login, programme):
    login("zonghe_staff")
    headers, rows = programme_rows_of(client)
    column = {name: index for index, name in enumerate(headers)}
    by_title = {row[column["选题名称"]].lstrip("'"): row for row in rows}

    assert set(by_title) == {"人防工程平战转换演练复盘", FORMULA_TITLE, "潜力调查数据更新攻坚"}
    delivered = by_title["人防工程平战转换演练复盘"]
    assert delivered[column["推荐科室"]] == "工程指挥科"
    assert delivered[column["主讲人"]] == "陈志刚"
    assert delivered[column["选题状态"]] == "已通过"
    assert delivered[column["场次"]] == "工程指挥科 6月"
    assert delivered[column["讲述时间"]] == datetime.datetime(2024, 6, 18, 14, 30)
    assert delivered[column["实际举办日期"]] == datetime.datetime(2024, 6, 18)
    assert delivered[column["听众人数"]] == 42
    assert delivered[column["全区业务系统宣传"]] == datetime.datetime(2024, 6, 20)
    assert delivered[column["讲述稿状态"]] == "未撰写"
    assert by_title["潜力调查数据更新攻坚"][column["选题状态"]] == "草稿"
    assert not by_title[FORMULA_TITLE][column["选题名称"]].startswith("=")


def test_programme_xlsx_of_a_section_head_holds_only_their_unit(client, login, programme):
    login("gongcheng_head")
    headers, rows = programme_rows_of(client)
    units = {row[headers.index("推荐科室")] for row in rows}
    assert units == {"工程指挥科"}
    assert len(rows) == 2

    login("dongyuan_head")
    headers, rows = programme_rows_of(client)
    assert [row[headers.index("选题名称")] for row in rows] == ["潜力调查数据更新攻坚"]


def test_programme_xlsx_title_names_the_scope(demo_user, programme, campaign):
    head = ProgrammeExporter(user=demo_user("gongcheng_head"), campaign=campaign)
    assert head.title == "2024年“国动小讲堂”选题及讲述安排一览表（工程指挥科）"
    leader = ProgrammeExporter(user=demo_user("office_leader"), campaign=campaign)
    assert leader.title == "2024年“国动小讲堂”选题及讲述安排一览表"


def test_programme_xlsx_is_audited(client, login, programme):
    user = login("office_leader")
    client.get(reverse("lectures:programme-xlsx"))
    record = AuditRecord.objects.filter(action=AuditAction.EXPORT, actor=user).get()
    assert "共 3 个选题" in record.detail


def test_programme_xlsx_is_not_for_outside_units(client, login, programme):
    login("zhujiajiao")
    assert client.get(reverse("lectures:programme-xlsx")).status_code == 404
