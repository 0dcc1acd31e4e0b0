"""Reports owed: a planned activity whose month has ended with no report handed in for it is
待报送 in the unit's 待办, amber on the dashboard 7 days after its month and red after 30; a
report linked to the activity clears it."""

from __future__ import annotations

import datetime

import pytest

from outreach import selectors, services
from outreach.enums import ActivityForm
from qpdo.workflow.duties import duties_for
from qpdo.workflow.selectors import badge_counts_for
from tests.utils import element_text


@pytest.fixture
def submitted_plan(make_plan, demo_user, front, clock_at):
    """朱家角镇's 2025 plan, every activity in May (one 进学校), handed in on 20 February."""
    clock_at(2025, 2, 20)
    plan = make_plan("zhujiajiao", year=2025)
    plan.items.update(month=5)
    item = plan.items.get(front=front("进学校"))
    services.plan_submit(acting_user=demo_user("zhujiajiao"), plan=plan)
    return plan, item


def _owed_ids(**kwargs) -> set[int]:
    return {o.item.pk for o in selectors.plan_items_owed(**kwargs)}


def test_nothing_is_owed_before_the_month_has_ended(submitted_plan, clock_at):
    _plan, item = submitted_plan
    clock_at(2025, 5, 31)
    assert item.pk not in _owed_ids()


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (datetime.date(2025, 6, 1), "due"),
        (datetime.date(2025, 6, 7), "due"),  # 7 days after 31 May: not yet amber
        (datetime.date(2025, 6, 8), "amber"),
        (datetime.date(2025, 6, 30), "amber"),  # 30 days: still amber
        (datetime.date(2025, 7, 1), "red"),
    ],
)
def test_the_level_follows_the_days_after_the_month(submitted_plan, clock_at, today, level):
    _plan, item = submitted_plan
    clock_at(today.year, today.month, today.day)
    (owed,) = [o for o in selectors.plan_items_owed() if o.item.pk == item.pk]
    assert owed.month_end == datetime.date(2025, 5, 31)
    assert owed.days_late == (today - datetime.date(2025, 5, 31)).days
    assert owed.level == level


def test_a_draft_plan_owes_nothing(make_plan, clock_at):
    clock_at(2025, 2, 20)
    plan = make_plan("zhujiajiao", year=2025)
    clock_at(2025, 12, 31)
    assert _owed_ids() & set(plan.items.values_list("pk", flat=True)) == set()


def test_a_linked_report_handed_in_clears_it_a_draft_does_not(
    submitted_plan, make_report, clock_at
):
    _plan, item = submitted_plan
    clock_at(2025, 6, 20)
    report = make_report(
        "zhujiajiao", fronts=("进学校",), held_on=datetime.date(2025, 5, 20), plan_item=item
    )
    assert item.pk in _owed_ids()
    services.report_submit(acting_user=report.approval.created_by, report=report)
    assert item.pk not in _owed_ids()


def test_the_unit_sees_it_in_its_todo_and_others_do_not(
    submitted_plan, demo_user, client, login, clock_at
):
    _plan, item = submitted_plan
    clock_at(2025, 6, 20)
    clerk = demo_user("zhujiajiao")
    (duty,) = [d for d in duties_for(clerk) if f"plan_item={item.pk}" in d.url]
    assert duty.label == "待报送"
    assert duty.level == "warning"
    assert duty.days_late == 20
    assert duties_for(demo_user("jiaoyuju")) == []
    assert duties_for(demo_user("outreach_reviewer")) == []
    assert badge_counts_for(user=clerk)["todo"] == len(duties_for(clerk))

    login("zhujiajiao")
    inbox = element_text(client.get("/workflow/todo/").content, "duties")
    assert "待报送" in inbox and item.title in inbox
    home = client.get("/").content.decode()
    assert f"/outreach/reports/new/?plan_item={item.pk}" in home
    login("jiaoyuju")
    assert f"plan_item={item.pk}" not in client.get("/workflow/todo/").content.decode()


def test_the_duty_link_opens_the_report_form_on_the_planned_activity(
    submitted_plan, client, login, clock_at
):
    _plan, item = submitted_plan
    clock_at(2025, 6, 20)
    login("zhujiajiao")
    form = client.get(f"/outreach/reports/new/?plan_item={item.pk}").context["form"]
    assert form.initial["plan_item"] == item.pk
    assert form.initial["fronts"] == [item.front_id]
    login("jiaoyuju")  # another unit's item selects nothing
    form = client.get(f"/outreach/reports/new/?plan_item={item.pk}").context["form"]
    assert "plan_item" not in form.initial


def test_the_dashboard_shows_an_amber_cell_and_the_limits(submitted_plan, client, login, clock_at):
    _plan, item = submitted_plan
    clock_at(2025, 6, 20)
    login("outreach_reviewer")
    page = client.get("/outreach/dashboard/?year=2025")
    html = page.content.decode()
    assert 'class="owed-cell owed-warning" data-testid="owed-zhujiajiao"' in html
    owed = element_text(page.content, "owed")
    assert item.title in owed and "20 天" in owed
    assert "超过 7 天" in owed and "超过 30 天" in owed
    clock_at(2025, 7, 5)
    html = client.get("/outreach/dashboard/?year=2025").content.decode()
    assert 'class="owed-cell owed-danger" data-testid="owed-zhujiajiao"' in html


def test_owed_items_are_read_in_one_query(
    make_plan, demo_user, clock_at, django_assert_num_queries
):
    clock_at(2025, 2, 20)
    for username in ("zhujiajiao", "jiaoyuju", "quguodong"):
        plan = make_plan(username, year=2025, items=None)
        plan.items.update(month=3, form=ActivityForm.LECTURE)
        services.plan_submit(acting_user=demo_user(username), plan=plan)
    clock_at(2025, 6, 1)
    with django_assert_num_queries(1):
        owed = selectors.plan_items_owed(year=2025)
        titles = [o.item.plan.unit.name + o.item.front.name for o in owed]
    assert len(titles) == 5 + 3 + 4  # one per front of 朱家角镇, 区教育局, 区国动办
