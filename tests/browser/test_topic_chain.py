"""A lecture topic runs its whole chain in real Chromium: the section head proposes it in the
portal, 综合科 screens it in the admin, 办领导 approves it, and the section head sees three
named, dated opinions."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qpdo.org import clock

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "topic-chain"


@pytest.fixture(autouse=True)
def this_years_campaign(seeded_transactional_db):
    """The programmes work in this year's campaign (set up from the 2024 notice)."""
    from django.contrib.auth import get_user_model

    from campaigns import services as campaign_services
    from campaigns.models import Campaign
    from qpdo.org import clock as portal_clock

    year = portal_clock.today().year
    return campaign_services.campaign_copy(
        acting_user=get_user_model().objects.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )[0]


def test_topic_proposed_screened_and_approved(signed_in_page, portal_url):
    artifacts = ARTIFACTS
    artifacts.mkdir(parents=True, exist_ok=True)
    head = signed_in_page("gongcheng_head")
    head.get_by_role("link", name="国动小讲堂").first.click()
    head.get_by_role("link", name="推荐选题").click()
    head.get_by_label("选题名称").fill("城市地下空间人防工程平战转换实战化演练")
    head.locator("#id_speaker").select_option(label="陈志刚（副科长）")
    head.get_by_label("讲述事件").fill("牵头组织全区人防工程平战转换综合演练")
    # An event three years back: within the five-year rule whatever day the suite runs on.
    event_on = datetime.date(clock.today().year - 3, 9, 16)
    head.get_by_label("事件时间").fill(event_on.isoformat())
    head.get_by_label("主讲人在事件中的角色").select_option(label="决策者")
    head.get_by_label("选题简介").fill("从筹划到组织实施的全过程，体现精业务、干成事。")
    head.get_by_role("button", name="保存并提交").click()
    expect(head.get_by_test_id("topic-state")).to_have_text("审核中（综合科初评）")
    head.screenshot(path=str(artifacts / "1-submitted.png"), full_page=True)

    coordinator = signed_in_page("zonghe_staff")
    expect(coordinator.get_by_test_id("todo-count")).to_have_text("1")
    coordinator.goto(portal_url("/admin/lectures/topic/?wf_mine=1"))
    coordinator.get_by_role("link", name="城市地下空间人防工程平战转换实战化演练").click()
    expect(coordinator.get_by_test_id("admin-approval-state")).to_have_text("审核中（综合科初评）")
    form = coordinator.locator("#workflow-panel")
    form.get_by_role("radio", name="同意", exact=True).check()
    form.get_by_label("意见").fill("选题典型，同意推荐。")
    change_url = coordinator.url
    form.get_by_role("button", name="提交审批意见").click()
    # The admin goes straight on to the next waiting item (here none: back to 我的待办).
    expect(coordinator.locator(".messagelist")).to_contain_text("已同意：")
    coordinator.goto(change_url)
    expect(coordinator.get_by_test_id("admin-approval-state")).to_have_text("审核中（办领导审定）")
    coordinator.screenshot(path=str(artifacts / "2-screened-admin.png"), full_page=True)

    leader = signed_in_page("office_leader")
    leader.get_by_role("link", name=re.compile("城市地下空间")).first.click()
    decision = leader.get_by_test_id("decision-form")
    decision.get_by_role("radio", name="同意", exact=True).check()
    decision.get_by_label("意见").fill("同意。")
    decision.get_by_role("button", name="提交审批意见").click()
    expect(leader.get_by_test_id("approval-state")).to_have_text("已通过")

    head.reload()
    expect(head.get_by_test_id("topic-state")).to_have_text("已通过")
    signatures = head.get_by_test_id("opinion-signature")
    expect(signatures).to_have_count(3)
    expect(signatures.nth(0)).to_contain_text("张卫东（工程指挥科")
    expect(signatures.nth(1)).to_contain_text("李静（综合科")
    expect(signatures.nth(2)).to_contain_text("沈建国（办领导")
    for index in range(3):
        expect(signatures.nth(index)).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))
    head.screenshot(path=str(artifacts / "3-approved.png"), full_page=True)
