"""The four stars go through 公示 to 公布 in real Chromium: the 办党组 publishes the 公示 (5
working days by default, the dates on the page), the 机关党支部 records an objection and its
handling, 公布 is held back (with the reason) until the period has ended, then the 办党组
announces and the stars are on the 风采展示 page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns.models import Campaign
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from stars import services as stars
from stars.models import Post
from tests.stars.conftest import nomination_data

from .test_stars_nomination import sign_in_as

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "stars-publicity"
PHONE = {"width": 390, "height": 844}
FOUR = (
    ("baozhang_head", "胡晓琳", "通信警报"),
    ("dongyuan_head", "黄俊杰", "潜力调查"),
    ("gongcheng_head", "陈志刚", "组织指挥"),
    ("zonghe_head", "曹文婷", "文秘宣传"),
)


def user(name):
    return get_user_model().objects.get(username=name)


def four_chosen():
    """Four 申报表 with all three opinions, chosen by the 办党组, through the services."""
    campaign = Campaign.objects.get(year=2024)
    for head, name, post in FOUR:
        acting = user(head)
        staff = Staff.objects.get(name=name, unit=acting.staff.unit)
        post_obj = Post.objects.get(campaign=campaign, name=post)
        with clock.frozen(clock.at(2024, 10, 15)):
            nomination = stars.nomination_create(
                acting_user=acting,
                campaign=campaign,
                **nomination_data(staff, post_obj, source="recommendation"),
            )
            stars.nomination_submit(acting_user=acting, nomination=nomination, opinion="同意推荐。")
        for approver, day in (("party_branch", 21), ("party_group", 28)):
            with clock.frozen(clock.at(2024, 10, day)):
                workflow.approval_decide(
                    subject=nomination,
                    acting_user=user(approver),
                    decision=Action.APPROVE,
                    opinion="同意。",
                )
        with clock.frozen(clock.at(2024, 10, 28, 15)):
            stars.star_select(acting_user=user("party_group"), nomination=nomination)


def test_four_stars_go_through_publicity_to_announcement(
    browser, browser_context_args, portal_url, seeded_transactional_db, clock_at
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    four_chosen()
    clock_at(2024, 10, 29)  # a Tuesday: 5 working days end on Monday 4 November

    group = sign_in_as(browser, browser_context_args, portal_url, "party_group")
    group.goto(portal_url("/stars/selection/?year=2024"))
    publicity = group.get_by_test_id("publicity")
    expect(publicity.get_by_test_id("publicity-state")).to_have_text("尚未公示")
    expect(group.get_by_test_id("announce-form")).to_have_count(0)
    expect(group.get_by_test_id("announce-blockers")).to_contain_text("尚未公示")
    publicity.get_by_role("button", name="发布公示").click()
    expect(group.locator(".alert-success")).to_contain_text(
        "已发布公示：2024年10月29日至2024年11月4日。"
    )
    expect(publicity.get_by_test_id("publicity-dates")).to_have_text(
        "公示期：2024年10月29日 至 2024年11月4日"
    )
    expect(publicity.get_by_test_id("publicity-state")).to_have_text("公示中")

    clock_at(2024, 10, 31)
    branch = sign_in_as(browser, browser_context_args, portal_url, "party_branch")
    branch.goto(portal_url("/stars/selection/?year=2024"))
    branch.get_by_text("登记收到的异议").click()
    form = branch.get_by_test_id("objection-form")
    form.get_by_label("涉及人选").select_option(label="曹文婷（文秘宣传）")
    form.get_by_label("收到日期").fill("2024-10-31")
    form.get_by_label("反映内容").fill("反映该同志有一份材料未按期报送。")
    form.get_by_role("button", name="登记异议").click()
    expect(branch.locator(".alert-success")).to_contain_text("公示异议已登记")
    branch.goto(portal_url("/"))
    expect(branch.get_by_test_id("panel-publicity")).to_contain_text("1 件异议待办结")
    branch.goto(portal_url("/stars/selection/?year=2024"))
    row = branch.get_by_test_id("objections").locator("tbody tr").first
    row.get_by_label("核查处理情况").fill("经核实系按要求调整报送时间，不属逾期。")
    row.get_by_label("经核查不属实，维持人选").check()
    row.get_by_role("button", name="办结").click()
    expect(branch.locator(".alert-success")).to_contain_text("对曹文婷的公示异议已办结。")
    row = branch.get_by_test_id("objections").locator("tbody tr").first
    expect(row).to_contain_text("经核查不属实，维持人选")
    expect(row).to_contain_text("蒋丽华 · 2024年10月31日 办结")
    branch.set_viewport_size(PHONE)
    branch.screenshot(path=str(ARTIFACTS / "2-objection-phone.png"), full_page=True)

    # Still within the 公示: no 公布, and the page says why.
    group.reload()
    expect(group.get_by_test_id("announce-form")).to_have_count(0)
    expect(group.get_by_test_id("announce-blockers")).to_have_text(
        "暂不能公布：公示期为2024年10月29日至2024年11月4日，期满后方可公布。"
    )
    group.screenshot(path=str(ARTIFACTS / "1-publicity.png"), full_page=True)

    clock_at(2024, 11, 5)
    group.reload()
    expect(group.get_by_test_id("publicity-state")).to_have_text("公示期满")
    group.once("dialog", lambda dialog: dialog.accept())
    group.get_by_test_id("announce-form").get_by_role("button", name="公布“岗位之星”").click()
    group.wait_for_url(re.compile(r"/stars/showcase/"))
    expect(group.locator(".alert-success")).to_contain_text("已公布")
    for _head, name, _post in FOUR:
        expect(group.locator("main")).to_contain_text(name)
    group.screenshot(path=str(ARTIFACTS / "3-announced.png"), full_page=True)
