"""Annual plans: one per unit and year, an activity for every front, late flagged."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from outreach import dashboard, selectors, services
from outreach.selectors import plan_timing
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State

from .conftest import plan_rows


def test_plan_lists_each_front_of_the_unit(make_plan, in_2024):
    plan = make_plan("zhujiajiao")
    assert sorted(plan.items.values_list("front__name", flat=True)) == sorted(
        ["进机关", "进学校", "进企业", "进社区", "进网络"]
    )
    party_school = selectors.fronts_of_unit(plan.unit.__class__.objects.get(code="dangxiao"))
    assert [f.name for f in party_school] == ["进党校", "进机关", "进网络"]


def test_a_plan_missing_a_front_is_not_handed_in(make_plan, demo_user, in_2024):
    unit = demo_user("zhujiajiao").staff.unit
    rows = [r for r in plan_rows(unit) if r["front"].name != "进学校"]
    plan = make_plan("zhujiajiao", items=rows)
    with pytest.raises(workflow.TransitionRefused, match="进学校"):
        services.plan_submit(acting_user=demo_user("zhujiajiao"), plan=plan)
    empty = make_plan("zhujiajiao", year=2025, items=[])
    with pytest.raises(workflow.TransitionRefused, match="至少填写一项"):
        services.plan_submit(acting_user=demo_user("zhujiajiao"), plan=empty)


def test_one_plan_per_unit_and_year(make_plan, in_2024):
    make_plan("zhujiajiao", year=2024)
    with pytest.raises(ValidationError) as caught:
        make_plan("zhujiajiao", year=2024)
    assert "已有2024年度的计划" in caught.value.message_dict["year"][0]
    make_plan("jiaoyuju", year=2024)  # another unit: fine


def test_a_year_far_away_is_refused(make_plan, in_2024):
    with pytest.raises(ValidationError):
        make_plan("zhujiajiao", year=2030)


@pytest.mark.parametrize(
    ("first", "today", "expected"),
    [
        (datetime.date(2024, 2, 20), datetime.date(2024, 6, 1), "on_time"),
        (datetime.date(2024, 2, 29), datetime.date(2024, 6, 1), "on_time"),
        (datetime.date(2024, 3, 1), datetime.date(2024, 6, 1), "late"),
        (None, datetime.date(2024, 2, 29), "not_due"),
        (None, datetime.date(2024, 3, 1), "overdue"),
    ],
)
def test_plan_timing(first, today, expected):
    assert plan_timing(first, datetime.date(2024, 2, 29), today) == expected


def test_late_plans_are_flagged_by_the_first_hand_in(make_plan, demo_user, reviewer, unit):
    reporter = demo_user("zhujiajiao")
    with clock.frozen(clock.at(2024, 2, 20)):
        plan = make_plan("zhujiajiao")
        services.plan_submit(acting_user=reporter, plan=plan)
    with clock.frozen(clock.at(2024, 2, 26)):
        services.subject_review(
            acting_user=reviewer, subject=plan, decision="return", opinion="请补充经费。"
        )
    with clock.frozen(clock.at(2024, 3, 5)):  # handed in again after the deadline
        services.plan_submit(acting_user=reporter, plan=plan)
        late = make_plan("jiaoyuju")
        services.plan_submit(acting_user=demo_user("jiaoyuju"), plan=late)
        statuses = selectors.plan_statuses(
            year=2024, units=[unit("zhujiajiao"), unit("jiaoyuju"), unit("xiayang")]
        )
    assert statuses[unit("zhujiajiao").pk].timing == "on_time"
    assert statuses[unit("jiaoyuju").pk].timing == "late"
    assert statuses[unit("xiayang").pk].timing == "overdue"
    assert statuses[unit("xiayang").pk].is_missing


def test_update_replaces_items_but_keeps_those_reports_carry_out(
    make_plan, make_report, demo_user, in_2024
):
    plan = make_plan("zhujiajiao")
    reporter = demo_user("zhujiajiao")
    school_item = plan.items.get(front__name="进学校")
    make_report("zhujiajiao", fronts=("进学校",), plan_item=school_item)
    data = {"goals": "新目标", "measures": "", "contact_name": "沈丹", "contact_phone": "1"}
    rows = [r for r in plan_rows(plan.unit) if r["front"].name != "进学校"]
    with pytest.raises(ValidationError, match="已有活动信息对应"):
        services.plan_update(acting_user=reporter, plan=plan, **data, items=rows)
    kept = [{"id": school_item.pk, **plan_rows(plan.unit)[1], "title": "改名"}]
    services.plan_update(acting_user=reporter, plan=plan, **data, items=rows + kept)
    school_item.refresh_from_db()
    assert school_item.title == "改名"
    assert plan.items.count() == len(rows) + 1


def test_another_unit_cannot_edit_a_plan(make_plan, demo_user, in_2024):
    plan = make_plan("zhujiajiao")
    with pytest.raises(Refused):
        services.plan_update(
            acting_user=demo_user("jiaoyuju"),
            plan=plan,
            goals="x",
            contact_name="x",
            contact_phone="x",
            items=[],
        )


def test_approved_plan_counts_towards_completeness(make_plan, make_report, adopt, unit, in_2024):
    adopt(make_plan("zhujiajiao"))
    adopt(make_report("zhujiajiao", fronts=("进学校", "进网络")))
    progress = dashboard.unit_progress(year=2024, units=[unit("zhujiajiao")])[0]
    assert progress.plan.state == State.APPROVED
    assert (progress.responsible_count, progress.fronts_covered) == (5, 2)
    assert (progress.achieved, progress.expected, progress.completeness) == (3, 6, 50)
    assert not progress.is_behind
