"""The 年度考核参考 list in real Chromium: the 办党组 marks a person from the list for 年度考核
优秀等次 with the reason, sees the mark with its signed, dated opinion on the list, decides it
on the 审批单 opened from the list, and finds the decision on the list and the person's record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns import services
from campaigns.models import AppraisalRecommendation, Campaign
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow.enums import State

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appraisal"


@pytest.fixture
def campaign(seeded_transactional_db):
    """This year's campaign (copied from 2024), whatever the clock's year."""
    today = clock.today()
    existing = Campaign.objects.filter(year=today.year).first()
    if existing is not None:
        return existing
    campaign, _log = services.campaign_copy(
        acting_user=get_user_model().objects.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=today.year,
        doc_number=f"青国动〔{today.year}〕7号",
    )
    return campaign


def test_party_group_marks_from_the_reference_list(signed_in_page, portal_url, campaign):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    today = clock.today()
    signed_on = f"{today.year}年{today.month}月{today.day}日"
    person = Staff.objects.get(name="刘洋")
    page = signed_in_page("party_group")
    page.goto(portal_url(f"/campaigns/{campaign.year}/"))
    page.get_by_test_id("tab-appraisal").click()
    expect(page.get_by_role("heading", name=f"{campaign.year}年度考核参考")).to_be_visible()
    expect(page.get_by_test_id("appraisal-rule")).to_contain_text("统计期间")
    row = page.get_by_test_id(f"appraisal-row-{person.pk}")
    row.get_by_test_id("appraisal-mark").click()

    form = page.locator("form[method=post]")
    form.get_by_label("年度考核优秀等次").check()
    form.get_by_label("推荐理由").fill("带队完成28处工程现场踏勘，一贯表现优秀。")
    page.screenshot(path=str(ARTIFACTS / "1-mark.png"), full_page=True)
    form.get_by_role("button", name="提交推荐意见").click()

    row = page.get_by_test_id(f"appraisal-row-{person.pk}")
    marks = row.get_by_test_id("appraisal-marks")
    expect(marks).to_contain_text("年度考核优秀等次 · 待办党组研究确定")
    expect(marks).to_contain_text(
        f"提出推荐：带队完成28处工程现场踏勘，一贯表现优秀。 — 陆振华 {signed_on}"
    )
    page.screenshot(path=str(ARTIFACTS / "2-marked.png"), full_page=True)

    # The 办党组 decides on the 审批单 opened from the list.
    row.get_by_test_id("appraisal-decide").click()
    decision = page.get_by_test_id("decision-form")
    decision.get_by_role("radio", name="确定推荐", exact=True).check()
    decision.get_by_label("意见").fill("经党组会议研究，同意确定为年度考核优秀等次。")
    decision.get_by_role("button", name="提交审批意见").click()
    page.wait_for_load_state("domcontentloaded")
    recommendation = AppraisalRecommendation.objects.get(staff=person, campaign=campaign)
    assert recommendation.approval.state == State.APPROVED

    page.goto(portal_url(f"/campaigns/{campaign.year}/appraisal/?sort=-marks"))
    first = page.get_by_test_id("appraisal-list").locator("tbody tr").first
    expect(first).to_contain_text("刘洋")
    expect(first).to_contain_text("年度考核优秀等次 · 办党组已确定推荐")
    expect(first).to_contain_text(
        re.compile(f"确定推荐：经党组会议研究，同意确定为年度考核优秀等次。 — 陆振华 {signed_on}")
    )
    page.screenshot(path=str(ARTIFACTS / "3-decided.png"), full_page=True)
    page.goto(portal_url(f"/campaigns/{campaign.year}/records/{person.pk}/"))
    expect(page.get_by_test_id("record-appraisal")).to_contain_text("办党组已确定推荐")

    # A section head has neither the tab nor the list.
    head = signed_in_page("gongcheng_head")
    head.goto(portal_url(f"/campaigns/{campaign.year}/"))
    expect(head.get_by_test_id("tab-appraisal")).to_have_count(0)
    response = head.goto(portal_url(f"/campaigns/{campaign.year}/appraisal/"))
    assert response.status == 404
