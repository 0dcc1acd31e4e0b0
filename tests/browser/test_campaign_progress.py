"""A work item's progress in real Chromium: the 工程指挥科 head reports the item done with
evidence (工作痕迹), the office leader verifies it from the 待办 (组织单位核验), and the head then
sees the item done with the signed opinions and the evidence."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns import services
from campaigns.models import Campaign, KeyTask
from qpdo.org import clock
from qpdo.org.models import Staff, Unit

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "campaign-progress"
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def item(seeded_transactional_db, clock_at):
    """This year's campaign (copied from 2024), with an item due in three weeks."""
    coordinator = get_user_model().objects.get(username="zonghe_head")
    today = clock.today()
    if today.month < 3:
        # The campaign runs from March: report progress within its period.
        clock_at(today.year, 3, 15)
        today = clock.today()
    campaign, _log = services.campaign_copy(
        acting_user=coordinator,
        source=Campaign.objects.get(year=2024),
        year=today.year,
        doc_number=f"青国动〔{today.year}〕7号",
    )
    deadline = max(min(today + datetime.timedelta(days=21), campaign.end), today)
    return services.item_create(
        acting_user=coordinator,
        campaign=campaign,
        key_task=KeyTask.objects.get(campaign=campaign, order=2),
        kind="task",
        title="开展人防工程质量监督业务培训",
        goal="覆盖全区在建人防工程监督人员。",
        measures="编写课件，组织两期集中培训。",
        unit=Unit.objects.get(code="gongcheng"),
        owner=Staff.objects.get(name="刘洋"),
        deadline=deadline,
        milestones=[{"title": "完成培训课件", "due_on": deadline}],
    )


def test_head_reports_with_evidence_and_the_leader_verifies(signed_in_page, portal_url, item):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    head = signed_in_page("gongcheng_head")
    expect(head.get_by_test_id("campaigns-panel")).to_contain_text("开展人防工程质量监督业务培训")
    head.get_by_role("link", name="实践活动").first.click()
    head.get_by_role("link", name="工作清单").click()
    head.get_by_role("link", name="开展人防工程质量监督业务培训").click()
    head.get_by_test_id("report-create").click()

    form = head.get_by_test_id("report-form")
    milestone = item.milestones.get()
    form.get_by_label("本次达到的节点").select_option(label=str(milestone))
    form.get_by_label("完成进度（%）").fill("100")
    form.get_by_label("进展情况").fill("两期培训已完成，共培训监督人员46人次，签到表和课件附后。")
    form.get_by_label("已全部完成，申请核验（整改事项即申请销号）").check()
    form.get_by_label("工作痕迹（佐证材料）").set_input_files(
        [
            {"name": "培训签到表.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "培训课件.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ]
    )
    head.screenshot(path=str(ARTIFACTS / "1-report-form.png"), full_page=True)
    form.get_by_role("button", name="保存并提交核验").click()
    expect(head.get_by_test_id("report-state")).to_have_text("审核中（组织单位核验）")
    expect(head.get_by_test_id("evidence-list")).to_contain_text("培训签到表.pdf")
    head.screenshot(path=str(ARTIFACTS / "2-submitted.png"), full_page=True)

    leader = signed_in_page("office_leader")
    expect(leader.get_by_test_id("todo-count")).to_have_text("1")
    leader.get_by_role(
        "link", name=re.compile("开展人防工程质量监督业务培训：完成报告")
    ).first.click()
    leader.get_by_role("link", name="打开原件").click()
    decision = leader.get_by_test_id("decision-form")
    decision.get_by_role("radio", name="核验通过", exact=True).check()
    decision.get_by_label("意见").fill("签到表、课件齐全，核验通过。")
    decision.get_by_role("button", name="提交核验意见").click()
    expect(leader.get_by_test_id("report-state")).to_have_text("已通过")
    leader.screenshot(path=str(ARTIFACTS / "3-verified.png"), full_page=True)

    head.goto(portal_url(item.get_absolute_url()))
    expect(head.get_by_test_id("item-status")).to_have_text("已完成")
    expect(head.get_by_test_id("milestones")).to_contain_text("达到")
    head.get_by_role("link", name=re.compile("完成报告")).click()
    signatures = head.get_by_test_id("opinion-signature")
    expect(signatures).to_have_count(2)
    expect(signatures.nth(0)).to_contain_text("张卫东（工程指挥科")
    expect(signatures.nth(1)).to_contain_text("沈建国（办领导")
    href = head.get_by_role("link", name="培训签到表.pdf").get_attribute("href")
    evidence = head.request.get(portal_url(href))
    assert evidence.ok and evidence.headers["content-type"] == "application/pdf"
    head.screenshot(path=str(ARTIFACTS / "4-done.png"), full_page=True)
