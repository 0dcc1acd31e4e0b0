"""The office's own share: 区国动办 files a plan and reports for the fronts where the notice
names it (进党校、进学校、进企业、进社区), and the dashboard counts it like any other unit."""

from __future__ import annotations

import pytest

from outreach import dashboard, rules, selectors, services
from outreach.models import Report
from qpdo.workflow.enums import State


def test_the_office_reporter_reports_for_the_office(demo_user, unit):
    user = demo_user("quguodong")
    assert rules.reporting_unit(user) == unit("qpdo")
    assert not rules.may_see_dashboard(user)


def test_the_office_is_responsible_for_its_four_fronts(unit):
    fronts = [f.name for f in selectors.fronts_of_unit(unit("qpdo"))]
    assert fronts == ["进党校", "进学校", "进企业", "进社区"]


def test_the_office_files_a_plan_that_must_cover_its_fronts(make_plan, demo_user, in_2024):
    plan = make_plan("quguodong", year=2024)
    assert plan.unit.code == "qpdo"
    assert sorted(plan.items.values_list("front__name", flat=True)) == sorted(
        ["进党校", "进学校", "进企业", "进社区"]
    )
    services.plan_submit(acting_user=demo_user("quguodong"), plan=plan)
    plan.approval.refresh_from_db()
    assert plan.approval.state == State.IN_REVIEW


def test_the_office_files_a_party_school_report_that_is_adopted(make_report, adopt, unit, in_2024):
    report = make_report("quguodong", fronts=("进党校",), title="区委党校主体班国防动员专题课")
    adopt(report)
    assert report.approval.state == State.APPROVED
    progress = {p.unit.code: p for p in dashboard.unit_progress(year=2024)}
    office = progress["qpdo"]
    assert office.responsible_count == 4
    assert office.fronts_covered == 1
    assert [c.adopted for c in office.cells if c.front.name == "进党校"] == [1]


def test_the_dashboard_lists_the_office_as_a_unit(client, login, make_report, adopt, in_2024):
    adopt(make_report("quguodong", fronts=("进党校",)))
    login("outreach_reviewer")
    page = client.get("/outreach/dashboard/?year=2024").content.decode()
    assert 'data-unit="qpdo"' in page
    data = dashboard.dashboard_for(year=2024)
    assert "qpdo" in {p.unit.code for p in data["progress"]}
    assert data["adopted_total"] == 1


def test_a_town_reporter_cannot_see_the_offices_report(client, login, make_report, in_2024):
    report = make_report("quguodong", fronts=("进企业",))
    login("zhujiajiao")
    assert client.get(report.get_absolute_url()).status_code == 404
    login("quguodong")
    assert client.get(report.get_absolute_url()).status_code == 200


def test_the_office_report_form_offers_its_fronts(client, login, in_2024):
    login("quguodong")
    page = client.get("/outreach/reports/new/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["fronts"].field.queryset.count() == 6


@pytest.mark.parametrize("username", ["zhujiajiao", "jiaoyuju", "quguodong"])
def test_every_reporting_unit_kind_reports(username, make_report, in_2024):
    assert isinstance(make_report(username, fronts=("进学校",)), Report)
