"""Excel exports read back: the rows the user may see, dates as dates, formulas neutralised."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from outreach import services
from outreach.models import School
from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord

from .conftest import PDF_BYTES, upload


def read(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_report_export_is_filtered_scoped_and_neutralised(
    client, login, make_report, adopt, in_2024
):
    adopt(make_report("zhujiajiao", title='=HYPERLINK("http://x","点我")', fronts=("进学校",)))
    make_report("zhujiajiao", title="@社区演练", fronts=("进社区",))
    make_report("jiaoyuju", title="区教育局的活动", fronts=("进学校",))

    login("zhujiajiao")
    rows = read(client.get("/outreach/reports/export.xlsx"))
    assert rows[0][0].startswith("国防动员宣传教育“六进”活动信息")
    header, data = rows[1], rows[2:]
    assert header[:4] == ("序号", "报送单位", "标题", "所属方面")
    titles = {row[2] for row in data}
    assert titles == {'\'=HYPERLINK("http://x","点我")', "'@社区演练"}  # not 区教育局's
    adopted = next(row for row in data if row[2].startswith("'="))
    assert adopted[1] == "朱家角镇" and adopted[3] == "进学校"
    assert adopted[5] == datetime.datetime(2024, 9, 21)  # a real date cell
    assert adopted[12] == "已采用"
    assert isinstance(adopted[13], datetime.datetime)  # first handed in

    login("outreach_reviewer")
    school_front = client.get("/outreach/reports/").context["filter_form"].fields["front"]
    front_id = school_front.queryset.get(name="进学校").pk
    rows = read(client.get(f"/outreach/reports/export.xlsx?front={front_id}&state=approved"))
    assert [row[2] for row in rows[2:]] == ['\'=HYPERLINK("http://x","点我")']
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_school_register_export(client, login, reviewer, unit, in_2024):
    school = School.objects.create(
        town=unit("zhujiajiao"), name="青浦区朱家角中学", contact_phone="+86 21 5970"
    )
    School.objects.create(town=unit("xiayang"), name="青浦区夏阳小学")
    services.evacuation_plan_add(
        acting_user=reviewer,
        school=school,
        upload=upload("方案.pdf", PDF_BYTES),
        compiled_on=datetime.date(2024, 3, 1),
    )
    services.school_drill_record(
        acting_user=reviewer, school=school, held_on=datetime.date(2024, 9, 21)
    )
    services.school_course_add(
        acting_user=reviewer, school=school, year=2024, title="防空警报识别", hours=2
    )
    services.school_course_add(
        acting_user=reviewer, school=school, year=2023, title="往年课程", hours=5
    )
    login("zhujiajiao")
    rows = read(client.get("/outreach/schools/export.xlsx?year=2024"))
    assert rows[1][:2] == ("街镇", "学校名称")
    assert rows[1][8] == "2024年演练次数"
    assert len(rows) == 3  # title, header, the one school of 朱家角镇
    assert rows[2][1] == "青浦区朱家角中学"
    assert rows[2][5] == "'+86 21 5970"
    assert rows[2][6:13] == (
        "有",
        datetime.datetime(2024, 3, 1),
        1,
        datetime.datetime(2024, 9, 21),
        1,  # courses of 2024 only
        2,
        "是",
    )


def test_community_register_export(client, login, unit):
    from outreach.models import Community

    Community.objects.create(town=unit("baihe"), name="赵屯村", kind="village")
    login("outreach_reviewer")
    rows = read(client.get("/outreach/communities/export.xlsx?year=2024"))
    assert rows[2][:3] == ("白鹤镇", "赵屯村", "村委会")
    assert rows[2][3] == "否" and rows[2][7] == "否" and rows[2][16] == "否"
    assert rows[2][8] is None  # no revision this year
    assert rows[2][9:16] == ("否", "否", "否", 0, 0, 0, 0)  # no positions, no team


def test_community_export_has_the_year_revision_and_team_by_kind(client, login, demo_user, unit):
    from outreach.models import Community

    year = clock.today().year
    Community.objects.create(town=unit("zhujiajiao"), name="北大街居委会")
    services.register_import(
        acting_user=demo_user("zhujiajiao"),
        spec_code="community-year",
        raw_rows=[
            (1, ["名称", "防空袭方案修订日期", "宣教队伍（居委）", "宣教队伍（志愿者）"]),
            (2, ["北大街居委会", f"{year}-01-20", "张三、李四", "王五"]),
        ],
        year=year,
    )
    login("zhujiajiao")
    rows = read(client.get(f"/outreach/communities/export.xlsx?year={year}"))
    assert rows[1][7:9] == (f"{year}年修订防空袭方案", f"{year}年防空袭方案修订日期")
    assert rows[1][13:16] == ("宣教队伍（居委）", "宣教队伍（物业）", "宣教队伍（志愿者）")
    assert rows[2][7] == "是"
    assert rows[2][8] == datetime.datetime(year, 1, 20)  # a date cell, not text
    assert rows[2][12:16] == (3, 2, 0, 1)  # counts are numbers
    last_year = read(client.get(f"/outreach/communities/export.xlsx?year={year - 1}"))
    assert last_year[2][7:9] == ("否", None)


def test_party_school_export_has_typed_courses_and_visits(client, login, reviewer):
    year = clock.today().year
    services.register_import(
        acting_user=reviewer,
        spec_code="party-school-courses",
        raw_rows=[
            (1, ["课程名称", "培训班次", "课时", "授课日期"]),
            (2, ["国防动员", "进修班", 3, f"{year}-02-03"]),
        ],
        year=year,
    )
    services.register_import(
        acting_user=reviewer,
        spec_code="base-visits",
        raw_rows=[(1, ["参观日期", "培训班次", "参观人数"]), (2, [f"{year}-01-09", "进修班", 40])],
        year=year,
    )
    login("outreach_reviewer")
    rows = read(client.get(f"/outreach/party-school/export.xlsx?year={year}"))
    assert rows[2][:5] == ("培训计划课程", datetime.datetime(year, 2, 3), "国防动员", "进修班", 3)
    assert rows[3][1] == datetime.datetime(year, 1, 9) and rows[3][5] == 40


def test_year_summary_per_unit(client, login, make_plan, make_report, adopt, in_2024):
    adopt(make_plan("zhujiajiao"))
    adopt(make_report("zhujiajiao", fronts=("进学校",)))
    login("outreach_reviewer")
    rows = read(client.get("/outreach/dashboard/summary.xlsx?year=2024"))
    header = rows[1]
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert len(by_unit) == 17  # the office, 11 街镇 and 5 member units
    assert by_unit["青浦区国防动员办公室"]["类别"] == "本办"
    zhujiajiao = by_unit["朱家角镇"]
    assert zhujiajiao["年度计划"] == "审核通过"
    assert zhujiajiao["计划报送"] == "逾期报送"  # handed in on 10 October 2024
    assert zhujiajiao["已采用"] == 1
    assert zhujiajiao["进学校（采用）"] == 1 and zhujiajiao["进党校（采用）"] is None
    assert (zhujiajiao["涉及方面已覆盖"], zhujiajiao["涉及方面数"]) == (1, 5)
    # 完成度: plan approved + 1 of 5 fronts = 2 of 6, a number shown as a percentage
    assert zhujiajiao["完成度"] == pytest.approx(0.33)
    assert (zhujiajiao["学校已覆盖"], zhujiajiao["学校总数"], zhujiajiao["学校覆盖率"]) == (
        0,
        0,
        None,
    )
    assert by_unit["区教育局"]["年度计划"] == "未填报"
    assert by_unit["区教育局"]["学校总数"] is None


def test_year_summary_percentages_are_numbers_with_a_percent_format(
    client, login, unit, reviewer, in_2024
):
    school = School.objects.create(town=unit("zhujiajiao"), name="青浦区朱家角中学")
    School.objects.create(town=unit("zhujiajiao"), name="青浦区珠溪中学")
    services.evacuation_plan_add(
        acting_user=reviewer,
        school=school,
        upload=upload("方案.pdf", PDF_BYTES),
        compiled_on=datetime.date(2024, 3, 1),
    )
    services.school_drill_record(
        acting_user=reviewer, school=school, held_on=datetime.date(2024, 9, 20)
    )
    login("outreach_reviewer")
    response = client.get("/outreach/dashboard/summary.xlsx?year=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "朱家角镇")
    rate = row[header.index("学校覆盖率")]
    assert rate.value == pytest.approx(0.5) and rate.number_format.endswith("%")
    assert row[header.index("学校已覆盖")].value == 1
    assert row[header.index("学校总数")].value == 2
    done = row[header.index("完成度")]
    assert done.value == 0 and done.number_format.endswith("%")
    assert row[header.index("首次报送日期")].value is None


def test_reporter_may_not_export_the_year_summary(client, login):
    login("zhujiajiao")
    assert client.get("/outreach/dashboard/summary.xlsx").status_code == 403
