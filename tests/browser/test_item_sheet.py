"""综合科 prints the 整改清单 as of a chosen day in real Chromium: the print form on the list
page, the PDF download, its text read back with pdftotext (the items as they stood that day)."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns import services
from campaigns.models import Campaign, KeyTask
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "item-sheet"
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _item(campaign, coordinator, *, unit: str, owner: str, title: str):
    return services.item_create(
        acting_user=coordinator,
        campaign=campaign,
        key_task=KeyTask.objects.get(campaign=campaign, order=3),
        kind="rectification",
        title=title,
        goal="",
        problem="巡察反馈问题。",
        measures="建立台账，逐项整改。",
        rectify_mode="immediate",
        unit=Unit.objects.get(code=unit),
        owner=Staff.objects.get(name=owner),
        deadline=datetime.date(2024, 6, 28),
        recheck_on=None,
        milestones=[],
    )


@pytest.fixture
def rectification(seeded_transactional_db):
    """Two 2024 整改 items: one closed on 20 June (verified 25 June), one still open."""
    users = get_user_model().objects
    coordinator = users.get(username="zonghe_head")
    campaign = Campaign.objects.get(year=2024)
    with clock.frozen(clock.at(2024, 6, 3, 9)):
        closed = _item(campaign, coordinator, unit="gongcheng", owner="刘洋", title="值班台账缺项")
        _item(campaign, coordinator, unit="dongyuan", owner="许婷", title="保密检查记录不全")
    from django.core.files.uploadedfile import SimpleUploadedFile

    head = users.get(username="gongcheng_head")
    with clock.frozen(clock.at(2024, 6, 20, 16)):
        report = services.report_save(
            acting_user=head,
            item=closed,
            milestone=None,
            percent=100,
            text="台账已补齐。",
            is_final=True,
            files=[SimpleUploadedFile("台账.pdf", PDF_BYTES, content_type="application/pdf")],
        )
        services.report_submit(acting_user=head, report=report)
    with clock.frozen(clock.at(2024, 6, 25, 9)):
        workflow.approval_decide(
            subject=report,
            acting_user=users.get(username="office_leader"),
            decision=Action.APPROVE,
            opinion="核验通过。",
        )
    return campaign


def test_coordinator_prints_the_rectification_list_as_of_a_day(
    signed_in_page, portal_url, rectification, tmp_path
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = signed_in_page("zonghe_head")
    page.goto(portal_url("/campaigns/2024/items/?kind=rectification"))
    form = page.get_by_test_id("sheet-form")
    expect(form.get_by_label("清单")).to_have_value("rectification")
    form.get_by_label("截至日期").fill("2024-06-22")
    form.get_by_label("范围").select_option(label="全办")
    page.screenshot(path=str(ARTIFACTS / "list-1366.png"), full_page=True)
    with page.expect_download() as download_info:
        form.get_by_test_id("sheet-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "2024年整改清单-全办-截至20240622.pdf"
    path = tmp_path / "sheet.pdf"
    download.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "2024年度实践活动整改清单" in flat and "截至2024年6月22日" in flat
    assert "值班台账缺项" in flat and "保密检查记录不全" in flat
    # On 22 June the closing request was sent but not yet verified.
    assert "销号申请待核验（6月20日报送）" in flat and "共2项：已销号0项" in flat
    for header in ("序号", "问题", "责任科室", "责任人", "措施", "节点", "时限", "进展", "核验"):
        assert header in flat, header
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / "pdf")],
        check=True,
    )

    # The same list a week later: closed and verified.
    form.get_by_label("截至日期").fill("2024-06-30")
    with page.expect_download() as download_info:
        form.get_by_test_id("sheet-pdf").click()
    download_info.value.save_as(path)
    later = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "共2项：已销号1项" in re.sub(r"\s+", "", later)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("sheet-form")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "list-390.png"), full_page=True)
