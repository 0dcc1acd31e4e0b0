"""Uploads in real Chromium: a form with files shows its progress while it is sent, the
server's answer is handled as a normal submit would (the page with its errors, the redirect
with its message), and photos chosen before an error of another field are kept."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from outreach.models import Report
from qpdo.org import clock

pytestmark = pytest.mark.browser

# Records, across page loads, the highest value the upload progress bar showed.
WATCH_PROGRESS = """
new MutationObserver(() => {
  const bar = document.querySelector('[data-testid=upload-progress] [role=progressbar]');
  if (bar) {
    const seen = Number(sessionStorage.getItem('progress') || -1);
    const now = Number(bar.getAttribute('aria-valuenow'));
    sessionStorage.setItem('progress', String(Math.max(seen, now)));
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def photo(tmp_path, name):
    buffer = io.BytesIO()
    # Noise does not compress: a photo of about 1 MB, as a phone would take.
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(buffer, format="JPEG", quality=95)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_report_upload_shows_progress_and_keeps_photos_after_an_error(
    page, sign_in, portal_url, tmp_path, screenshot
):
    today = clock.today()
    held_on = max(today - datetime.timedelta(days=3), today.replace(month=1, day=1))
    upload_headers = []
    page.on(
        "request",
        lambda r: (
            r.method == "POST"
            and "/outreach/" in r.url
            and upload_headers.append(r.headers.get("x-qpdo-upload"))
        ),
    )
    page.add_init_script(WATCH_PROGRESS)
    sign_in("zhujiajiao")
    page.goto(portal_url("/outreach/reports/new/"))
    page.get_by_role("checkbox", name=re.compile("^进学校")).check()
    page.get_by_label("标题").fill("朱家角中学疏散演练")
    page.get_by_label("活动日期").fill((today + datetime.timedelta(days=2)).isoformat())
    page.get_by_label("地点").fill("朱家角中学")
    page.get_by_label("参加人员").fill("全校师生")
    page.get_by_label("参加人数").fill("1200")
    page.get_by_label("活动内容").fill("全校师生 4 分钟完成疏散。")
    page.get_by_label("现场照片").set_input_files(
        [photo(tmp_path, "集合.jpg"), photo(tmp_path, "疏散.jpg")]
    )
    # A slow line (about 1 MB/s up): the bar is seen while the photos are on their way.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1048576},
    )
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_test_id("upload-progress")).to_contain_text("正在上传")
    expect(page.get_by_role("button", name="保存并提交")).to_be_disabled()
    screenshot("progress")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    # The form comes back with the date's error; the photos are kept, not chosen again.
    expect(page.get_by_text("活动日期不能晚于今天", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("kept-photos")).to_have_text(
        "已选文件：集合.jpg、疏散.jpg（已保留，可重新选择替换）"
    )
    assert page.url == portal_url("/outreach/reports/new/")
    assert upload_headers == ["1"]  # sent by the upload script, with its progress
    assert page.evaluate("sessionStorage.getItem('progress')") == "100"
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("kept-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    # Fixed date, and a document chosen now: the upload's redirect lands with its message.
    page.get_by_label("活动日期").fill(held_on.isoformat())
    document = tmp_path / "方案.pdf"
    document.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    page.get_by_label("其他材料").set_input_files(document)
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("活动信息已提交，等待区国动办宣教审核。")).to_be_visible()
    expect(page.get_by_test_id("report-state")).to_have_text("待审核")
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(2)
    assert upload_headers == ["1", "1"]
    screenshot("submitted")
    report = Report.objects.get(title="朱家角中学疏散演练")
    assert sorted(p.original_name for p in report.photos.all()) == ["疏散.jpg", "集合.jpg"]
    assert [a.original_name for a in report.attachments.all()] == ["方案.pdf"]
