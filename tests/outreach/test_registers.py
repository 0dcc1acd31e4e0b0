"""Registers of every front: 企业（园区）, the 居民区's yearly records, school courses, 党校.

Each imports (enterprises) or is kept on its page through services, counts per year against
its target, exports, and refuses bad input: another 街镇's row by its row number, a drill
outside the register year with the field named, nothing saved from a file with one bad row.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from outreach import selectors, services
from outreach.enums import DrillOccasion, TeamMemberKind
from outreach.models import (
    BaseVisit,
    Community,
    Enterprise,
    EnterpriseDrill,
    PartySchoolCourse,
    School,
)
from qpdo.errors import Refused
from tests.utils import assert_constant_queries, element_text

from .conftest import PDF_BYTES, upload

HEADER = ["街镇", "企业名称", "所在园区", "已成立工作小组", "专人", "联系电话"]


def rows(*lines):
    return [(number, list(cells)) for number, cells in enumerate(lines, start=1)]


@pytest.fixture
def enterprise(unit):
    return Enterprise.objects.create(town=unit("zhujiajiao"), name="上海朱家角精密机械有限公司")


# --- 企业（园区）: import --------------------------------------------------------------------


def test_enterprise_import_refuses_another_towns_row_by_its_number(demo_user):
    result = services.register_import_check(
        user=demo_user("zhujiajiao"),
        spec_code="enterprises",
        raw_rows=rows(
            HEADER,
            ["朱家角镇", "上海朱家角精密机械有限公司", "朱家角工业园区", "是", "陈刚", "021-1"],
            ["夏阳街道", "上海夏阳物流有限公司", "", "否", "", ""],
        ),
    )
    assert not result.is_clean
    problems = {row.line: row.errors for row in result.rows if row.errors}
    assert list(problems) == [3]
    assert problems[3] == ["街镇：只能导入本街镇（朱家角镇）的企业（园区）"]


def test_enterprise_registered_in_another_town_is_refused(reviewer, unit):
    Enterprise.objects.create(town=unit("xiayang"), name="上海夏阳物流有限公司")
    result = services.register_import_check(
        user=reviewer,
        spec_code="enterprises",
        raw_rows=rows(HEADER, ["朱家角镇", "上海夏阳物流有限公司", "", "", "", ""]),
    )
    (row,) = result.rows
    assert row.line == 2
    assert row.errors == [
        "企业名称：“上海夏阳物流有限公司”已登记在夏阳街道，如需调整所属街镇请联系区国动办"
    ]


def test_enterprise_file_with_one_bad_row_saves_nothing(reviewer):
    result = services.register_import(
        acting_user=reviewer,
        spec_code="enterprises",
        raw_rows=rows(
            HEADER,
            ["朱家角镇", "上海朱家角精密机械有限公司", "朱家角工业园区", "是", "陈刚", ""],
            ["朱家角镇", "", "", "", "", ""],
        ),
    )
    assert not result.applied
    assert {row.line: row.errors for row in result.rows if row.errors} == {3: ["企业名称不能为空"]}
    assert not Enterprise.objects.exists()


def test_enterprise_import_creates_the_register(reviewer, unit):
    result = services.register_import(
        acting_user=reviewer,
        spec_code="enterprises",
        raw_rows=rows(
            HEADER,
            ["朱家角镇", "上海朱家角精密机械有限公司", "朱家角工业园区", "是", "陈刚", "021-1"],
            ["夏阳", "上海夏阳物流有限公司", "", "否", "", ""],
        ),
    )
    assert result.applied
    made = {e.name: e for e in Enterprise.objects.all()}
    assert made["上海朱家角精密机械有限公司"].has_group is True
    assert made["上海朱家角精密机械有限公司"].contact_name == "陈刚"
    assert made["上海夏阳物流有限公司"].town == unit("xiayang")
    assert made["上海夏阳物流有限公司"].has_group is False


def test_enterprise_import_page_dry_runs_then_confirms(client, login):
    from .conftest import xlsx_bytes

    login("zhujiajiao")
    data = xlsx_bytes([HEADER, ["", "上海朱家角精密机械有限公司", "", "是", "陈刚", ""]])
    page = client.post(
        "/outreach/import/enterprises/",
        {"file": upload("企业名单.xlsx", data)},
    )
    assert page.status_code == 200
    assert not Enterprise.objects.exists()
    token = page.context["token"]
    response = client.post("/outreach/import/enterprises/", {"confirm": "1", "token": token})
    assert response.status_code == 302 and response["Location"] == "/outreach/enterprises/"
    assert Enterprise.objects.get().town.code == "zhujiajiao"


# --- 企业（园区）: year records and coverage ----------------------------------------------------


def test_a_drill_outside_the_register_year_is_refused_with_the_field(reviewer, enterprise, in_2024):
    with pytest.raises(ValidationError) as refused:
        services.enterprise_drill_record(
            acting_user=reviewer,
            enterprise=enterprise,
            held_on=datetime.date(2023, 11, 9),
            occasion=DrillOccasion.FIRE_DAY,
            year=2024,
        )
    assert list(refused.value.message_dict) == ["held_on"]
    assert "不在2024年度内" in refused.value.message_dict["held_on"][0]
    assert not EnterpriseDrill.objects.exists()


def test_school_and_community_drills_outside_the_year_are_refused(reviewer, unit, in_2024):
    school = School.objects.create(town=unit("zhujiajiao"), name="青浦区朱家角中学")
    community = Community.objects.create(town=unit("zhujiajiao"), name="北大街居委会")
    with pytest.raises(ValidationError) as refused:
        services.school_drill_record(
            acting_user=reviewer, school=school, held_on=datetime.date(2023, 9, 1), year=2024
        )
    assert list(refused.value.message_dict) == ["held_on"]
    with pytest.raises(ValidationError) as refused:
        services.community_exercise_record(
            acting_user=reviewer,
            community=community,
            kind="drill",
            held_on=datetime.date(2023, 9, 1),
            year=2024,
        )
    assert list(refused.value.message_dict) == ["held_on"]


def test_the_drill_form_names_the_field_on_the_page(client, login, enterprise, in_2024):
    login("zhujiajiao")
    response = client.post(
        f"{enterprise.get_absolute_url()}?year=2024",
        {"record_drill": "1", "held_on": "2023-11-09", "occasion": "fire_day"},
    )
    assert response.status_code == 200
    form = response.context["action_forms"]["record_drill"]
    assert "held_on" in form.errors and "不在2024年度内" in form.errors["held_on"][0]
    assert not EnterpriseDrill.objects.exists()


def _cover(reviewer, enterprise):
    services.enterprise_group_set(
        acting_user=reviewer,
        enterprise=enterprise,
        has_group=True,
        group_basis="安全生产部门",
        contact_name="陈刚",
        contact_phone="021-1",
    )
    services.enterprise_drill_plan_add(
        acting_user=reviewer,
        enterprise=enterprise,
        compiled_on=datetime.date(2024, 3, 1),
        upload=upload("演练方案.pdf", PDF_BYTES),
    )
    services.enterprise_drill_record(
        acting_user=reviewer,
        enterprise=enterprise,
        held_on=datetime.date(2024, 9, 21),
        occasion=DrillOccasion.DEFENCE_DAY,
        year=2024,
    )


def test_enterprise_coverage_needs_group_person_plan_and_drill(reviewer, enterprise, unit, in_2024):
    other = Enterprise.objects.create(town=unit("zhujiajiao"), name="上海朱家角纺织有限公司")
    services.enterprise_group_set(
        acting_user=reviewer,
        enterprise=other,
        has_group=True,
        group_basis="",
        contact_name="李明",
        contact_phone="",
    )
    _cover(reviewer, enterprise)
    coverage = selectors.enterprise_coverage(year=2024)
    row = next(r for r in coverage.rows if r.town.code == "zhujiajiao")
    assert (row.total, row.covered) == (2, 1)
    assert row.parts == {"group": 2, "plan": 1, "drill": 1}
    assert coverage.target == 100
    assert coverage.district.rate == 50.0
    assert selectors.enterprise_coverage(year=2025).district.covered == 0


def test_a_group_without_a_person_is_refused(reviewer, enterprise):
    with pytest.raises(ValidationError) as refused:
        services.enterprise_group_set(
            acting_user=reviewer,
            enterprise=enterprise,
            has_group=True,
            group_basis="",
            contact_name="",
            contact_phone="",
        )
    assert list(refused.value.message_dict) == ["contact_name"]


def test_enterprise_pages_are_scoped_and_kept_by_the_town(client, login, enterprise, unit, in_2024):
    other = Enterprise.objects.create(town=unit("xiayang"), name="上海夏阳物流有限公司")
    login("zhujiajiao")
    assert client.get(other.get_absolute_url()).status_code == 404
    page = client.get("/outreach/enterprises/?year=2024")
    listed = element_text(page.content, "enterprise-list")
    assert enterprise.name in listed and other.name not in listed
    response = client.post(
        f"{enterprise.get_absolute_url()}?year=2024",
        {"set_group": "1", "has_group": "on", "contact_name": "陈刚", "contact_phone": "1"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.has_group and enterprise.contact_name == "陈刚"
    login("jiaoyuju")
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_enterprise_list_query_count_is_fixed(client, login, unit, in_2024):
    login("outreach_reviewer")
    counter = {"n": 0}

    def add(n):
        for _ in range(n):
            counter["n"] += 1
            Enterprise.objects.create(town=unit("zhujiajiao"), name=f"企业{counter['n']}")

    assert_constant_queries(client, "/outreach/enterprises/?year=2024", add, few=2, many=10)


def test_enterprise_register_exports_typed_cells(client, login, reviewer, enterprise, in_2024):
    _cover(reviewer, enterprise)
    login("outreach_reviewer")
    response = client.get("/outreach/enterprises/export.xlsx?year=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = list(sheet.iter_rows(values_only=True))
    header = data[1]
    row = dict(zip(header, data[2], strict=True))
    assert row["企业名称"] == enterprise.name
    assert row["专人"] == "陈刚"
    assert row["方案编制日期"] == datetime.datetime(2024, 3, 1)
    assert row["2024年演练次数"] == 1
    assert row["结合重要节点演练"] == "是" and row["是否全覆盖"] == "是"


def test_the_dashboard_counts_enterprises_against_the_target(
    client, login, reviewer, enterprise, in_2024
):
    _cover(reviewer, enterprise)
    login("outreach_reviewer")
    page = client.get("/outreach/dashboard/?year=2024")
    assert "100%" in element_text(page.content, "enterprise-rate")
    assert "目标 100%" in element_text(page.content, "enterprise-rate")
    table = element_text(page.content, "coverage-enterprises")
    assert "朱家角镇" in table


# --- 居民区, schools, 党校 ---------------------------------------------------------------------


def test_community_keeps_plan_revision_positions_and_team(client, login, unit, in_2024):
    community = Community.objects.create(town=unit("zhujiajiao"), name="北大街居委会")
    login("zhujiajiao")
    url = f"{community.get_absolute_url()}?year=2024"
    assert (
        client.post(url, {"add_air_raid_plan": "1", "compiled_on": "2024-04-01"}).status_code == 302
    )
    assert client.post(url, {"set_positions": "1", "has_micro_museum": "on"}).status_code == 302
    for kind, name in (("committee", "王芳"), ("property", "赵强"), ("volunteer", "孙丽")):
        client.post(url, {"add_member": "1", "kind": kind, "name": name})
    community.refresh_from_db()
    assert community.has_micro_museum and not community.has_story_corridor
    assert sorted(community.team.values_list("kind", flat=True)) == sorted(
        [TeamMemberKind.COMMITTEE, TeamMemberKind.PROPERTY, TeamMemberKind.VOLUNTEER]
    )
    coverage = selectors.community_coverage(year=2024)
    row = next(r for r in coverage.rows if r.town.code == "zhujiajiao")
    assert row.parts["plan_revised"] == 1
    assert row.covered == 0  # revision alone is not training and drill
    response = client.post(url, {"add_air_raid_plan": "1", "compiled_on": "2023-04-01"})
    assert "compiled_on" in response.context["action_forms"]["add_air_raid_plan"].errors
    page = client.get(url)
    assert "微展馆 ✓" in element_text(page.content, "positions")
    assert "孙丽" in element_text(page.content, "team")


def test_school_courses_and_hours_per_year(client, login, unit, in_2024):
    school = School.objects.create(town=unit("zhujiajiao"), name="青浦区朱家角中学")
    login("zhujiajiao")
    url = f"{school.get_absolute_url()}?year=2024"
    response = client.post(url, {"add_course": "1", "title": "防空警报识别", "hours": "2"})
    assert response.status_code == 302
    (course,) = school.courses.all()
    assert (course.year, course.hours) == (2024, 2)
    coverage = selectors.school_coverage(year=2024)
    row = next(r for r in coverage.rows if r.town.code == "zhujiajiao")
    assert row.parts["courses"] == 1
    assert "防空警报识别" in element_text(client.get(url).content, "school-courses")


def test_party_school_register_is_kept_by_the_party_school_and_the_office(
    client, login, demo_user, in_2024
):
    login("outreach_reviewer")
    url = "/outreach/party-school/?year=2024"
    response = client.post(
        url,
        {
            "add_course": "1",
            "title": "总体国家安全观",
            "class_name": "中青班",
            "hours": "3",
            "taught_on": "2024-05-16",
        },
    )
    assert response.status_code == 302
    login("quguodong")  # the office's own 填报员: 区国动办 is named for 进党校
    response = client.post(
        url,
        {
            "record_visit": "1",
            "visited_on": "2024-06-20",
            "class_name": "中青班",
            "participants": "45",
        },
    )
    assert response.status_code == 302
    register = selectors.party_school_year(2024)
    assert (len(register.courses), register.course_hours, register.visitors) == (1, 3, 45)
    assert register.parts == {"agreement": False, "courses": True, "visits": True}
    with pytest.raises(Refused):
        services.base_visit_record(
            acting_user=demo_user("zhujiajiao"),
            visited_on=datetime.date(2024, 6, 1),
            class_name="x",
            participants=1,
        )
    login("zhujiajiao")
    assert client.get(url).status_code == 403
    login("outreach_reviewer")
    data = list(
        load_workbook(
            io.BytesIO(client.get("/outreach/party-school/export.xlsx?year=2024").content)
        ).active.iter_rows(values_only=True)
    )
    assert data[2][:5] == (
        "培训计划课程",
        datetime.datetime(2024, 5, 16),
        "总体国家安全观",
        "中青班",
        3,
    )
    assert data[3][0] == "参观科普教育基地" and data[3][5] == 45
    assert PartySchoolCourse.objects.count() == 1 and BaseVisit.objects.count() == 1


def test_the_office_keeps_enterprises_in_the_admin(client, login, enterprise):
    login("outreach_reviewer")
    page = client.get("/admin/outreach/enterprise/")
    assert page.status_code == 200
    assert enterprise.name in page.content.decode()
    assert client.get(f"/admin/outreach/enterprise/{enterprise.pk}/change/").status_code == 200


def test_a_sheet_without_a_column_leaves_that_field_untouched(reviewer, enterprise):
    services.enterprise_group_set(
        acting_user=reviewer,
        enterprise=enterprise,
        has_group=True,
        group_basis="",
        contact_name="陈刚",
        contact_phone="",
    )
    result = services.register_import(
        acting_user=reviewer,
        spec_code="enterprises",
        raw_rows=rows(
            ["街镇", "企业名称", "所在园区"], ["朱家角镇", enterprise.name, "朱家角工业园区"]
        ),
    )
    assert result.applied and result.rows[0].action == "update"
    enterprise.refresh_from_db()
    assert enterprise.park == "朱家角工业园区"
    assert enterprise.has_group and enterprise.contact_name == "陈刚"
