"""实践活动总结 in real Chromium: 综合科's head drafts last year's summary from the records,
picks a highlight and writes the experience, and downloads the Word file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from playwright.sync_api import expect

from campaigns.models import Campaign
from qpdo.org import clock

pytestmark = pytest.mark.browser

ARTIFACTS = Path("test-artifacts")


def test_lead_section_drafts_edits_and_downloads_the_summary(signed_in_page, portal_url, tmp_path):
    call_command("seed", "--demo", verbosity=0)
    campaign = Campaign.objects.get(year=clock.today().year - 1)
    competition = campaign.competitions.order_by("held_on", "id").first()

    head = signed_in_page("zonghe_head")
    head.goto(portal_url(f"/campaigns/{campaign.year}/"))
    head.get_by_role("link", name="年度总结").click()
    head.get_by_role("button", name="起草实践活动总结").click()
    preview = head.get_by_test_id("summary-preview")
    expect(preview).to_contain_text("二、重点任务完成情况")
    expect(preview).to_contain_text("未选取工作亮点。")

    head.get_by_role("link", name="修改文字、选取亮点").click()
    head.get_by_label(f"比武：{competition.title}").check()
    head.get_by_label("五、经验做法").fill("一是目标清单化。\n二是责任节点化。")
    head.get_by_role("button", name="保存为新稿").click()
    expect(head.get_by_test_id("summary-versions")).to_contain_text("第2稿")
    expect(preview).to_contain_text("二是责任节点化。")
    expect(preview).to_contain_text(competition.title)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        head.set_viewport_size({"width": width, "height": height})
        head.screenshot(path=str(ARTIFACTS / f"campaign-summary-{width}.png"), full_page=True)
    head.set_viewport_size({"width": 1366, "height": 768})

    with head.expect_download() as download:
        head.get_by_test_id("summary-docx").click()
    path = tmp_path / "summary.docx"
    download.value.save_as(path)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[3:5] == ["四、工作亮点", "五、经验做法"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert competition.title in text and "二是责任节点化。" in text
