"""六进年度工作总结 in real Chromium: 朱家角镇's 填报员 drafts the year's summary from the data,
edits its text, downloads it as Word and hands it in; 宣教审核 approves it and downloads the PDF."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from PIL import Image
from playwright.sync_api import expect

from outreach import services
from outreach.enums import ReportKind
from outreach.models import Front
from qpdo.org import clock
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

pytestmark = pytest.mark.browser

ARTIFACTS = Path("test-artifacts")


def _adopted_report(held_on: datetime.date):
    users = get_user_model().objects
    clerk, reviewer = users.get(username="zhujiajiao"), users.get(username="outreach_reviewer")
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 160)).save(buffer, format="JPEG")
    report = services.report_create(
        acting_user=clerk,
        kind=ReportKind.ACTIVITY,
        title="全民国防教育日社区疏散演练",
        held_on=held_on,
        place="北大街居委会",
        organiser="朱家角镇",
        participants="社区居民",
        audience_count=260,
        content="组织居民疏散并开展自救互救体验。",
        plan_item=None,
        fronts=[Front.objects.get(name="进社区")],
        photos=[SimpleUploadedFile("现场.jpg", buffer.getvalue())],
    )
    workflow.approval_submit(subject=report, acting_user=clerk)
    services.subject_review(acting_user=reviewer, subject=report, decision=Action.APPROVE)
    return report


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = ARTIFACTS / f"outreach-summary-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_town_drafts_edits_downloads_and_hands_in_its_summary(signed_in_page, portal_url, tmp_path):
    today = clock.today()
    year = today.year
    _adopted_report(max(today - datetime.timedelta(days=5), datetime.date(year, 1, 1)))

    clerk = signed_in_page("zhujiajiao")
    clerk.goto(portal_url("/outreach/"))
    clerk.get_by_role("link", name="年度总结").click()
    clerk.get_by_label("年度").select_option(str(year))
    clerk.get_by_role("button", name="起草本单位总结").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(
        f"朱家角镇{year}年度国防动员宣传教育“六进”工作总结"
    )
    preview = clerk.get_by_test_id("summary-preview")
    expect(preview).to_contain_text("全年报送活动信息1条")
    expect(preview).to_contain_text("1.全民国防教育日社区疏散演练")

    clerk.get_by_role("link", name="修改文字").click()
    clerk.get_by_label("三、主要做法和经验").fill("一是镇村联动。\n二是结合重要节点开展演练。")
    clerk.get_by_role("button", name="保存为新稿").click()
    expect(clerk.get_by_test_id("summary-versions")).to_contain_text("第2稿")
    expect(preview).to_contain_text("二是结合重要节点开展演练。")
    _shoot(clerk, "town")

    with clerk.expect_download() as download:
        clerk.get_by_test_id("summary-docx").click()
    path = tmp_path / "summary.docx"
    download.value.save_as(path)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["一、总体情况", "二、工作开展情况"]
    assert "二是结合重要节点开展演练。" in [p.text for p in document.paragraphs]
    assert [c.text for c in document.tables[0].rows[-1].cells][-1] == "1"

    clerk.get_by_role("button", name="提交宣教审核").click()
    expect(clerk.get_by_test_id("summary-state")).to_have_text("待审核")
    summary_url = clerk.url

    reviewer = signed_in_page("outreach_reviewer")
    reviewer.goto(summary_url)
    review = reviewer.get_by_test_id("review-form")
    review.get_by_label("审核通过").check()
    review.get_by_role("button", name="提交审核意见").click()
    expect(reviewer.get_by_test_id("summary-state")).to_have_text("审核通过")
    expect(reviewer.get_by_test_id("summary-versions")).to_contain_text("已选用")
    _shoot(reviewer, "reviewed")
    with reviewer.expect_download() as download:
        reviewer.get_by_test_id("summary-pdf").click()
    pdf = tmp_path / "summary.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "二是结合重要节点开展演练。" in text.replace("\n", "")
