"""培树工作实施计划 and the 培树工作总结 due date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qpdo.org import clock
from qpdo.workflow.enums import State
from stars import selectors, services
from stars.models import CultivationPlan

from .conftest import pdf_upload

PLAN = {
    "focus": "提升警报器检测维修和故障排除能力。",
    "method": "both",
    "carriers": ["training", "practice"],
    "standards": "政治素质过硬、业务技能精湛、工作实绩突出。",
    "arrangements": "5月参加比武选拔，6—8月巡检练兵。",
    "deadline": datetime.date(2024, 10, 15),
}


def test_plan_is_filed_by_the_responsible_unit_and_submitted(demo_user, post):
    head = demo_user("baozhang_head")
    plan = services.plan_create(acting_user=head, post=post("通信警报"), **PLAN)
    assert plan.unit.code == "baozhang"
    assert plan.carrier_labels == ["技能培训", "实际实操"]
    services.plan_submit(acting_user=head, plan=plan)
    plan.approval.refresh_from_db()
    assert plan.approval.state == State.IN_REVIEW
    assert plan.approval.title == "“通信警报”岗位培树工作实施计划（管理保障中心）"


def test_plan_of_another_sections_post_is_refused(demo_user, post):
    with pytest.raises(PermissionDenied, match="由工程指挥科制定"):
        services.plan_create(acting_user=demo_user("baozhang_head"), post=post("组织指挥"), **PLAN)


def test_one_plan_per_post(demo_user, post):
    services.plan_create(acting_user=demo_user("baozhang_head"), post=post("通信警报"), **PLAN)
    with pytest.raises(ValidationError, match="已有培树工作实施计划"):
        services.plan_create(acting_user=demo_user("baozhang_head"), post=post("通信警报"), **PLAN)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": datetime.date(2025, 1, 31)}, "deadline", "完成时限须在实践活动期间"),
        ({"deadline": None}, "deadline", "请填写完成时限。"),
        ({"focus": "  "}, "focus", "请填写工作重点。"),
        ({"method": "lottery"}, "method", "请选择培树方式"),
        ({"carriers": ["singing"]}, "carriers", "活动载体只能从"),
        ({"standards": "标" * 1001}, "standards", "培树标准不超过1000字"),
    ],
)
def test_bad_plans_are_refused(demo_user, post, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            acting_user=demo_user("baozhang_head"),
            post=post("通信警报"),
            **{**PLAN, **overrides},
        )
    assert message in error.value.message_dict[field][0]
    assert not CultivationPlan.objects.exists()


def test_summary_due_date_is_the_campaigns_key_date(demo_user, campaign):
    rows = {
        r["unit"].code: r
        for r in selectors.summary_status_for(user=demo_user("party_branch"), campaign=campaign)
    }
    assert set(rows) == {"gongcheng", "dongyuan", "baozhang", "zonghe", "party_branch"}
    with clock.frozen(clock.at(2024, 10, 22)):
        services.summary_upload(
            acting_user=demo_user("baozhang_head"), campaign=campaign, upload=pdf_upload()
        )
        rows = {
            r["unit"].code: r
            for r in selectors.summary_status_for(user=demo_user("party_branch"), campaign=campaign)
        }
    assert rows["baozhang"]["late"] is True
    assert rows["zonghe"]["missing_overdue"] is True
    # Moving the key date (reference data) moves the deadline.
    campaign.key_dates.filter(code="star-nominations").update(date=datetime.date(2024, 10, 25))
    rows = {
        r["unit"].code: r
        for r in selectors.summary_status_for(user=demo_user("party_branch"), campaign=campaign)
    }
    assert rows["baozhang"]["late"] is False
