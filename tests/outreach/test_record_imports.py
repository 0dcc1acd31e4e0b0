"""A register year's records from Excel: courses, 防空袭方案 and 宣教队伍, 党校 courses, visits.

Every sheet goes through the same dry run as the place lists (outreach.imports): each bad row
is listed with its Excel row number, a file with one bad row saves nothing, and the import is
audited. Dates are built from the clock, so the tests pass whatever today is.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from outreach import services
from outreach.enums import TeamMemberKind
from outreach.models import (
    BaseVisit,
    Community,
    CommunityAirRaidPlan,
    CommunityTeamMember,
    PartySchoolCourse,
    School,
    SchoolCourse,
)
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from tests.forms import PageForm

from .conftest import xlsx_bytes
from .test_imports import rows


@pytest.fixture
def year():
    return clock.today().year


@pytest.fixture
def places(db, unit):
    return {
        "school": School.objects.create(town=unit("zhujiajiao"), name="青浦区朱家角中学"),
        "other_school": School.objects.create(town=unit("xiayang"), name="青浦区夏阳小学"),
        "community": Community.objects.create(town=unit("zhujiajiao"), name="北大街居委会"),
        "other_community": Community.objects.create(town=unit("xiayang"), name="塘郁村"),
    }


COURSES = ["学校名称", "课程", "课时", "年度"]


def test_school_courses_import_for_the_register_year(demo_user, places, year):
    user = demo_user("zhujiajiao")
    sheet = rows(
        COURSES,
        ["青浦区朱家角中学", "防空警报识别", 2, year],
        ["青浦区朱家角中学", "应急疏散", "1", ""],
    )
    result = services.register_import(
        acting_user=user, spec_code="school-courses", raw_rows=sheet, year=year, file_name="课.xlsx"
    )
    assert result.applied and result.count("new") == 2
    course = SchoolCourse.objects.get(title="防空警报识别")
    assert (course.school, course.year, course.hours) == (places["school"], year, 2)
    assert course.recorded_by == user
    assert AuditRecord.objects.filter(
        action=AuditAction.IMPORT, detail__contains=f"导入{year}年学校课程与课时《课.xlsx》"
    ).exists()
    again = services.register_import_check(
        user=user, spec_code="school-courses", raw_rows=sheet, year=year
    )
    assert again.count("same") == 2 and again.count("new") == 0


def test_school_courses_one_bad_row_saves_nothing(demo_user, places, year):
    result = services.register_import(
        acting_user=demo_user("zhujiajiao"),
        spec_code="school-courses",
        raw_rows=rows(
            COURSES,
            ["青浦区朱家角中学", "防空警报识别", 2, ""],
            ["青浦区夏阳小学", "应急疏散", 1, ""],  # another 街镇's school
            ["青浦区朱家角中学", "人防知识", 0, ""],
            ["青浦区朱家角中学", "人防知识二", 1, year - 1],
            ["不存在的学校", "人防知识三", 1, ""],
        ),
        year=year,
    )
    assert not result.applied
    problems = {row.line: row.errors for row in result.rows if row.errors}
    assert sorted(problems) == [3, 4, 5, 6]
    assert "是夏阳街道的学校，不能导入朱家角镇的台账" in problems[3][0]
    assert problems[4] == ["课时：应在 1 至 500 之间"]
    assert problems[5] == [f"年度：{year - 1} 与导入年度 {year} 不符"]
    assert "朱家角镇没有登记“不存在的学校”" in problems[6][0]
    assert not SchoolCourse.objects.exists()


COMMUNITY = [
    "名称",
    "防空袭方案修订日期",
    "故事长廊",
    "宣教队伍（居委）",
    "宣教队伍（物业）",
    "宣教队伍（志愿者）",
]


def test_community_year_records_revision_positions_and_team(demo_user, places, year):
    user = demo_user("zhujiajiao")
    revised = datetime.date(year, 1, 15)
    sheet = rows(
        COMMUNITY,
        ["北大街居委会", f"{revised:%Y/%m/%d}", "是", "张三、李四", "王五", "赵六 钱七"],
    )
    check = services.register_import_check(
        user=user, spec_code="community-year", raw_rows=sheet, year=year
    )
    assert check.is_clean and check.count("update") == 1
    assert check.rows[0].detail == (
        f"防空袭方案修订 {revised:%Y-%m-%d}；故事长廊：是；宣教队伍新增 5 人"
    )
    assert not CommunityAirRaidPlan.objects.exists()  # the dry run writes nothing
    result = services.register_import(
        acting_user=user, spec_code="community-year", raw_rows=sheet, year=year
    )
    assert result.applied
    community = Community.objects.get(pk=places["community"].pk)
    plan = community.air_raid_plans.get()
    assert plan.compiled_on == revised and plan.recorded_by == user
    assert community.has_story_corridor and not community.has_micro_museum
    team = set(community.team.values_list("kind", "name"))
    assert team == {
        (TeamMemberKind.COMMITTEE, "张三"),
        (TeamMemberKind.COMMITTEE, "李四"),
        (TeamMemberKind.PROPERTY, "王五"),
        (TeamMemberKind.VOLUNTEER, "赵六"),
        (TeamMemberKind.VOLUNTEER, "钱七"),
    }
    again = services.register_import(
        acting_user=user, spec_code="community-year", raw_rows=sheet, year=year
    )
    assert again.count("same") == 1
    assert CommunityTeamMember.objects.count() == 5 and CommunityAirRaidPlan.objects.count() == 1


def test_community_year_refuses_other_town_and_other_year(demo_user, places, year):
    result = services.register_import(
        acting_user=demo_user("zhujiajiao"),
        spec_code="community-year",
        raw_rows=rows(
            ["名称", "街镇", "防空袭方案修订日期", "宣教队伍（居委）"],
            ["北大街居委会", "", f"{year}-02-01", "张三"],
            ["塘郁村", "夏阳街道", f"{year}-02-01", ""],
            ["北大街居委会", "", f"{year - 1}-12-30", ""],
            ["北大街居委会", "", "去年", ""],
        ),
        year=year,
    )
    assert not result.applied
    problems = {row.line: row.errors for row in result.rows if row.errors}
    assert sorted(problems) == [3, 4, 5]
    assert "只能导入本街镇（朱家角镇）" in problems[3][0]
    assert problems[4] == [f"防空袭方案修订日期：{year - 1}-12-30 不在 {year} 年度内"]
    assert "防空袭方案修订日期：“去年”不是日期" in problems[5][0]
    assert not CommunityAirRaidPlan.objects.exists() and not CommunityTeamMember.objects.exists()


def test_community_sheet_without_a_position_column_keeps_it(demo_user, places, year):
    Community.objects.filter(pk=places["community"].pk).update(has_micro_museum=True)
    services.register_import(
        acting_user=demo_user("zhujiajiao"),
        spec_code="community-year",
        raw_rows=rows(["名称", "故事长廊"], ["北大街居委会", "是"]),
        year=year,
    )
    community = Community.objects.get(pk=places["community"].pk)
    assert community.has_micro_museum and community.has_story_corridor


def test_party_school_courses_and_visits(reviewer, year):
    courses = rows(
        ["课程名称", "培训班次", "课时", "授课日期"],
        ["国防动员形势与任务", "处级干部进修班", 2, f"{year}-03-01"],
        ["人民防空法规", "中青年干部培训班", "", ""],
    )
    result = services.register_import(
        acting_user=reviewer, spec_code="party-school-courses", raw_rows=courses, year=year
    )
    assert result.applied and result.count("new") == 2
    course = PartySchoolCourse.objects.get(title="国防动员形势与任务")
    assert (course.year, course.hours, course.taught_on) == (year, 2, datetime.date(year, 3, 1))
    assert PartySchoolCourse.objects.get(title="人民防空法规").hours == 1

    visits = rows(
        ["参观日期", "培训班次", "参观人数"],
        [f"{year}-04-10 00:00:00", "处级干部进修班", 45],
    )
    result = services.register_import(
        acting_user=reviewer, spec_code="base-visits", raw_rows=visits, year=year
    )
    assert result.applied
    visit = BaseVisit.objects.get()
    assert visit.visited_on == datetime.date(year, 4, 10) and visit.participants == 45
    assert visit.base_name == "青浦区人防科普教育基地"


def test_party_school_rows_outside_the_year_save_nothing(reviewer, year):
    later = clock.today() + datetime.timedelta(days=1)
    result = services.register_import(
        acting_user=reviewer,
        spec_code="base-visits",
        raw_rows=rows(
            ["参观日期", "培训班次", "参观人数"],
            [f"{year}-01-10", "处级干部进修班", 45],
            [f"{year - 1}-06-10", "处级干部进修班", 40],
            [f"{later:%Y-%m-%d}", "中青年干部培训班", 30],
            [f"{year}-01-10", "处级干部进修班", 45],
        ),
        year=year,
    )
    assert not result.applied and not BaseVisit.objects.exists()
    problems = {row.line: row.errors for row in result.rows if row.errors}
    assert problems[3] == [f"参观日期：{year - 1}-06-10 不在 {year} 年度内"]
    assert any("晚于今天" in e for e in problems[4])
    assert "与第 5 行重复" in problems[2][0] and "与第 2 行重复" in problems[5][0]
    result = services.register_import_check(
        user=reviewer,
        spec_code="party-school-courses",
        raw_rows=rows(["课程名称", "培训班次", "授课日期"], ["甲", "乙", f"{year + 1}-01-02"]),
        year=year,
    )
    assert result.rows[0].errors == [f"授课日期：{year + 1}-01-02 不在 {year} 年度内"]


def test_party_school_sheets_only_for_who_keeps_that_register(demo_user, year):
    with pytest.raises(Refused):
        services.register_import_check(
            user=demo_user("zhujiajiao"),
            spec_code="base-visits",
            raw_rows=rows(["参观日期"]),
            year=year,
        )


def test_a_year_outside_the_choices_is_refused(reviewer, year):
    result = services.register_import_check(
        user=reviewer, spec_code="base-visits", raw_rows=rows(["参观日期"]), year=year + 5
    )
    assert "请选择导入年度" in result.file_errors[0]


# -- through the page, as a browser posts it ------------------------------------------------


def _upload_form(client, spec: str, year: int) -> PageForm:
    page = client.get(f"/outreach/import/{spec}/?year={year}")
    form = PageForm.from_response(page, testid="import-upload")
    assert form.value("year") == str(year)
    return form


def test_community_year_page_dry_run_then_confirm(client, login, places, year):
    login("zhujiajiao")
    data = xlsx_bytes([COMMUNITY, ["北大街居委会", f"{year}-01-15", "是", "张三", "", "赵六"]])
    form = _upload_form(client, "community-year", year)
    form.attach("file", SimpleUploadedFile("社区.xlsx", data))
    response = form.submit(client)
    text = response.content.decode()
    assert "更新 <strong>1</strong>" in text and "确认导入" in text
    assert "宣教队伍新增 2 人" in text
    assert not CommunityAirRaidPlan.objects.exists()
    confirm = PageForm.from_response(response, testid="import-confirm-form")
    response = confirm.submit(client, button="confirm")
    assert response.status_code == 302
    assert response["Location"] == f"/outreach/communities/?year={year}"
    assert CommunityAirRaidPlan.objects.get().community == places["community"]
    assert CommunityTeamMember.objects.count() == 2


def test_school_courses_page_lists_bad_rows_and_saves_nothing(client, login, places, year):
    login("zhujiajiao")
    data = xlsx_bytes(
        [COURSES, ["青浦区朱家角中学", "防空警报识别", 2, ""], ["青浦区夏阳小学", "疏散", 1, ""]]
    )
    form = _upload_form(client, "school-courses", year)
    form.attach("file", SimpleUploadedFile("课程.xlsx", data))
    text = form.submit(client).content.decode()
    assert "是夏阳街道的学校，不能导入朱家角镇的台账" in text
    assert "确认导入" not in text
    assert not SchoolCourse.objects.exists()


def test_party_school_page_imports_courses(client, login, year):
    login("outreach_reviewer")
    data = xlsx_bytes([["课程名称", "培训班次"], ["国防动员形势与任务", "处级干部进修班"]])
    form = _upload_form(client, "party-school-courses", year)
    form.attach("file", SimpleUploadedFile("课程.xlsx", data))
    response = form.submit(client)
    PageForm.from_response(response, testid="import-confirm-form").submit(client, button="confirm")
    assert PartySchoolCourse.objects.get().year == year


def test_record_templates_hold_the_columns(client, login):
    login("zhujiajiao")
    response = client.get("/outreach/import/community-year/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["街镇", "名称", "防空袭方案修订日期"]
    assert "宣教队伍（志愿者）" in [c.value for c in sheet[1]]
    assert client.get("/outreach/import/base-visits/template.xlsx").status_code == 403


def test_register_pages_link_to_the_yearly_imports(client, login, year):
    login("zhujiajiao")
    text = client.get(f"/outreach/communities/?year={year}").content.decode()
    assert f"/outreach/import/community-year/?year={year}" in text
    text = client.get(f"/outreach/schools/?year={year}").content.decode()
    assert f"/outreach/import/school-courses/?year={year}" in text
