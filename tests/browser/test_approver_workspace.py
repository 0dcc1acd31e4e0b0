"""The approvers' day in the admin, in real Chromium.

机关党支部 (party_branch) opens 我的待办, signs three 申报表 one after another through 下一条,
batch-approves two 培树计划 and returns the third with a 常用意见; the section head finds the
returned plan in their 待办. 综合科 (zonghe_staff) receives a 讲述稿 in the admin.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns.models import Campaign
from lectures import services as lectures
from lectures.enums import SpeakerPart
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.org.seeds import DEMO_PASSWORD
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from stars import services as stars
from stars.models import CultivationPlan, Nomination, Post
from tests.stars.conftest import nomination_data
from tests.stars.test_plans import PLAN

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "approver-workspace"
PHONE = {"width": 390, "height": 844}
RETURN_OPINION = "请进一步细化培树措施和时间节点后重新报送。"


def user(name):
    return get_user_model().objects.get(username=name)


def build_queue():
    """Three 申报表 and three 培树计划 waiting for the 机关党支部, through the services."""
    campaign = Campaign.objects.get(year=2024)
    nominations, plans = [], []
    for head, nominee, post in (
        ("baozhang_head", "胡晓琳", "通信警报"),
        ("gongcheng_head", "陈志刚", "组织指挥"),
        ("dongyuan_head", "黄俊杰", "潜力调查"),
    ):
        acting = user(head)
        post_obj = Post.objects.get(campaign=campaign, name=post)
        with clock.frozen(clock.at(2024, 10, 15)):
            staff = Staff.objects.get(name=nominee, unit=acting.staff.unit)
            nomination = stars.nomination_create(
                acting_user=acting, campaign=campaign, **nomination_data(staff, post_obj)
            )
            plan = stars.plan_create(acting_user=acting, post=post_obj, **PLAN)
        with clock.frozen(clock.at(2024, 10, 18)):
            stars.nomination_submit(
                acting_user=acting, nomination=nomination, opinion="该同志表现突出，同意推荐。"
            )
        with clock.frozen(clock.at(2024, 10, 19)):
            stars.plan_submit(acting_user=acting, plan=plan)
        nominations.append(nomination)
        plans.append(plan)
    return nominations, plans


def build_manuscript():
    """A 讲述稿 reviewed by its section head, waiting for 综合科收稿."""
    campaign = Campaign.objects.get(year=2024)
    head, speaker = user("gongcheng_head"), user("member")
    with clock.frozen(clock.at(2024, 5, 6)):
        topic = lectures.topic_create(
            acting_user=head,
            campaign=campaign,
            title="人防工程平战转换演练复盘",
            speaker=speaker.staff,
            event="组织全区人防工程平战转换综合演练",
            event_date=datetime.date(2023, 9, 16),
            speaker_part=SpeakerPart.DECIDER,
            summary="从筹划到实施的全过程。",
            preferred_slot=None,
        )
        workflow.approval_submit(subject=topic, acting_user=head)
        for approver in ("zonghe_staff", "office_leader"):
            workflow.approval_transition(
                approval=topic.approval,
                action=Action.APPROVE,
                acting_user=user(approver),
                opinion="同意。",
            )
        manuscript = lectures.manuscript_save(
            acting_user=speaker,
            topic=topic,
            background="背景",
            goals="目标",
            planning="筹划",
            implementation="实施",
            results="成效",
            planned_minutes=14,
        )
        lectures.manuscript_submit(acting_user=speaker, manuscript=manuscript)
        workflow.approval_transition(
            approval=manuscript.approval, action=Action.APPROVE, acting_user=head
        )
    return manuscript


def open_as(browser, browser_context_args, portal_url, username, viewport=None):
    args = dict(browser_context_args)
    if viewport:
        args["viewport"] = viewport
    else:
        args["viewport"] = {"width": 1366, "height": 768}
    page = browser.new_context(**args).new_page()
    page.goto(portal_url("/accounts/login/"))
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def shot(page, name, full=False):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def assert_no_sideways_scroll(page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def test_party_branch_works_a_days_queue_in_the_admin(browser, browser_context_args, portal_url):
    nominations, plans = build_queue()
    branch = open_as(browser, browser_context_args, portal_url, "party_branch")
    branch.goto(portal_url("/admin/"))
    todo = branch.locator("#workflow-todo")
    expect(todo.get_by_role("heading")).to_have_text("我的待办（6）")
    expect(branch.get_by_test_id("todo-counts")).to_contain_text("6件待办")
    shot(branch, "1-admin-index-1366")

    # Three 申报表, one after another: each decision goes straight on to the next item.
    todo.get_by_test_id("todo-item").first.click()
    signed = []
    for n in range(3):
        expect(branch).to_have_url(re.compile(r"/admin/stars/nomination/\d+/change/"))
        panel = branch.get_by_test_id("decision-panel")
        expect(panel).to_be_visible()
        if n == 0:
            shot(branch, "2-nomination-change-1366")
        box = panel.get_by_role("button", name="提交审批意见").bounding_box()
        assert box["y"] + box["height"] <= 768, "the decision is not on the first screen"
        expect(branch.get_by_test_id("stars-sheet")).to_be_visible()
        expect(panel.get_by_test_id("signature-preview")).to_contain_text("蒋丽华")
        signed.append(int(re.search(r"/nomination/(\d+)/", branch.url).group(1)))
        panel.get_by_label("同意", exact=True).check()
        panel.get_by_label("意见", exact=True).fill("经支部委员会研究，同意推荐。")
        panel.get_by_role("button", name="提交审批意见").click()
        expect(branch.locator(".messagelist")).to_contain_text("已同意：")
        expect(branch.locator(".messagelist")).to_contain_text("下一条：")
    assert sorted(signed) == sorted(n.pk for n in nominations)
    for nomination in Nomination.objects.filter(pk__in=signed).select_related("approval"):
        assert nomination.approval.step.code == "group"
    # After the third the next waiting item is a 培树计划.
    expect(branch).to_have_url(re.compile(r"/admin/stars/cultivationplan/\d+/change/"))

    # Two plans at once: 批量同意 with one opinion, each through the engine.
    branch.goto(portal_url("/admin/stars/cultivationplan/"))
    expect(branch).to_have_url(re.compile(r"\?wf_mine=1$"))
    shot(branch, "3-plan-changelist-1366")
    for plan in plans[:2]:
        branch.locator(f"input[name=_selected_action][value='{plan.pk}']").check()
    branch.locator("select[name=action]").select_option("batch_approve")
    branch.get_by_role("button", name="执行").click()
    expect(branch.get_by_test_id("batch-items")).to_contain_text("培树工作实施计划")
    branch.get_by_test_id("common-opinions").select_option("计划目标明确、措施具体，同意实施。")
    expect(branch.get_by_label("意见", exact=True)).to_have_value(
        "计划目标明确、措施具体，同意实施。"
    )
    branch.get_by_role("button", name="同意所选 2 项").click()
    expect(branch.locator(".messagelist")).to_contain_text("已同意 2 项")

    # The third goes back with a 常用意见.
    branch.goto(portal_url(f"/admin/stars/cultivationplan/{plans[2].pk}/change/"))
    panel = branch.get_by_test_id("decision-panel")
    panel.get_by_label("退回修改").check()
    panel.get_by_test_id("common-opinions").select_option(RETURN_OPINION)
    expect(panel.get_by_label("意见", exact=True)).to_have_value(RETURN_OPINION)
    panel.get_by_role("button", name="提交审批意见").click()
    expect(branch.locator(".messagelist")).to_contain_text("已退回修改")
    states = {
        p.pk: p.approval.state
        for p in CultivationPlan.objects.filter(pk__in=[p.pk for p in plans]).select_related(
            "approval"
        )
    }
    assert states == {
        plans[0].pk: State.APPROVED,
        plans[1].pk: State.APPROVED,
        plans[2].pk: State.RETURNED,
    }
    shot(branch, "4-after-return-1366")
    branch.set_viewport_size(PHONE)
    branch.goto(portal_url("/admin/"))
    shot(branch, "5-admin-index-390")

    # The section head finds the returned plan in their 待办.
    head = open_as(browser, browser_context_args, portal_url, "dongyuan_head", viewport=PHONE)
    head.goto(portal_url("/workflow/todo/"))
    shot(head, "6-head-todo-390", full=True)
    expect(head.get_by_test_id("approval-list")).to_contain_text("潜力调查")
    expect(head.get_by_test_id("approval-list")).to_contain_text("退回修改")
    shot(head, "6-head-todo-390", full=True)
    head.get_by_role("link", name=re.compile("潜力调查")).first.click()
    expect(head.locator("body")).to_contain_text(RETURN_OPINION)


def test_zonghe_staff_receives_a_manuscript_in_the_admin(browser, browser_context_args, portal_url):
    manuscript = build_manuscript()
    staff = open_as(browser, browser_context_args, portal_url, "zonghe_staff")
    staff.goto(portal_url("/admin/"))
    staff.locator("#workflow-todo").get_by_role("link", name=re.compile("讲述稿")).first.click()
    expect(staff).to_have_url(re.compile(rf"/admin/lectures/manuscript/{manuscript.pk}/change/"))
    expect(staff.get_by_test_id("paper")).to_contain_text("背景与思考")
    panel = staff.get_by_test_id("decision-panel")
    expect(panel).to_contain_text("综合科收稿")
    shot(staff, "7-manuscript-change-1366")
    panel.get_by_label("同意", exact=True).check()
    panel.get_by_role("button", name="提交审批意见").click()
    expect(staff.locator(".messagelist")).to_contain_text("已同意")
    manuscript.approval.refresh_from_db()
    assert manuscript.approval.state == State.APPROVED
