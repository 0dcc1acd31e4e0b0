"""The 六进 annual plan in real Chromium, posted exactly as the browser posts it.

朱家角镇's 填报员 fills next year's plan, leaving the page's blank rows blank, saves a draft,
submits it; the office's 宣教审核 returns it (退回修改); 朱家角镇 changes one row and
resubmits from the returned page. Nobody ticks 删除. A row half filled in is named in the error
summary at the top of the page, which takes the focus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outreach.models import Plan
from qpdo.org import clock
from qpdo.workflow.enums import State

pytestmark = pytest.mark.browser

ROWS = {
    "进机关": ("3", "机关干部国防动员专题讲座", "lecture", "镇机关干部"),
    "进学校": ("5", "全国防灾减灾日学校疏散演练", "drill", "辖区中小学师生"),
    "进企业": ("9", "企业人防疏散演练", "drill", "园区企业职工"),
    "进社区": ("9", "全民国防教育日社区集中宣传", "campaign", "社区居民"),
    "进网络": ("11", "公众号国防知识专栏", "online", "镇域群众"),
}


def row(page, number: int):
    return page.locator(f"#items-row-{number}")


def test_town_files_next_years_plan_and_resubmits_it_after_a_return(
    signed_in_page, portal_url, request
):
    def shot(on, name):
        folder = Path(request.config.rootpath) / "test-artifacts"
        folder.mkdir(exist_ok=True)
        on.screenshot(path=str(folder / f"outreach_plan-{name}.png"))

    year = clock.today().year + 1
    clerk = signed_in_page("zhujiajiao")
    clerk.goto(portal_url("/outreach/plans/new/"))
    clerk.get_by_label("年度").select_option(str(year))
    clerk.get_by_label("工作目标与思路").fill("围绕“六进”全覆盖，突出重要节点集中宣传。")
    clerk.get_by_label("联系电话").fill("021-59230000")
    rows = clerk.get_by_test_id("plan-row")
    expect(rows).to_have_count(7)

    # A half-filled row: the page comes back with the summary focused and a link to the row.
    clerk.get_by_label("第 7 行月份").select_option("6")
    clerk.get_by_role("button", name="保存草稿").click()
    summary = clerk.get_by_test_id("plan-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("计划活动第 7 行"))).to_be_visible()
    shot(clerk, "errors")
    summary.get_by_role("link", name=re.compile("计划活动第 7 行")).click()
    expect(clerk.get_by_label("第 7 行所属方面")).to_be_focused()
    clerk.get_by_label("第 7 行月份").select_option("")

    for number, (front, (month, title, form, audience)) in enumerate(ROWS.items(), start=1):
        expect(
            clerk.get_by_label(f"第 {number} 行所属方面").locator("option:checked")
        ).to_have_text(front)
        clerk.get_by_label(f"第 {number} 行月份").select_option(month)
        clerk.get_by_label(f"第 {number} 行活动内容").fill(title)
        clerk.get_by_label(f"第 {number} 行形式").select_option(form)
        clerk.get_by_label(f"第 {number} 行参加对象").fill(audience)
    clerk.get_by_label("第 1 行经费预算（元）").fill("3000")
    clerk.get_by_role("button", name="保存草稿").click()
    expect(clerk.get_by_test_id("plan-state")).to_have_text("草稿")
    plan = Plan.objects.get(unit__code="zhujiajiao", year=year)
    assert plan.items.count() == 5

    clerk.get_by_role("link", name="修改", exact=True).click()
    expect(clerk.get_by_test_id("plan-row")).to_have_count(8)
    clerk.get_by_role("button", name="保存并提交").click()
    expect(clerk.get_by_test_id("plan-state")).to_have_text("待审核")

    reviewer = signed_in_page("outreach_reviewer")
    reviewer.goto(portal_url(plan.get_absolute_url()))
    review = reviewer.get_by_test_id("review-form")
    review.get_by_label("退回修改").check()
    review.get_by_label("意见").fill("进企业活动请写明园区名称。")
    review.get_by_role("button", name="提交审核意见").click()
    expect(reviewer.get_by_test_id("plan-state")).to_have_text("退回修改")

    clerk.goto(portal_url(plan.get_absolute_url()))
    expect(clerk.get_by_test_id("plan-state")).to_have_text("退回修改")
    clerk.get_by_role("link", name="修改", exact=True).click()
    expect(clerk.get_by_test_id("return-reason")).to_contain_text("进企业活动请写明园区名称。")
    shot(clerk, "returned")
    titles = [clerk.get_by_label(f"第 {n} 行活动内容").input_value() for n in range(1, 6)]
    number = titles.index("企业人防疏散演练") + 1
    clerk.get_by_label(f"第 {number} 行活动内容").fill("青浦工业园区企业人防疏散演练")
    clerk.get_by_role("button", name="保存并提交").click()
    expect(clerk.get_by_test_id("plan-state")).to_have_text("待审核")

    plan.approval.refresh_from_db()
    assert plan.approval.state == State.IN_REVIEW
    assert plan.approval.round == 2
    assert sorted(plan.items.values_list("title", flat=True)) == sorted(
        [
            *(t for _m, t, _f, _a in ROWS.values() if t != "企业人防疏散演练"),
            "青浦工业园区企业人防疏散演练",
        ]
    )
