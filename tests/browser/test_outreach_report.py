"""六进 in real Chromium: the demo 朱家角镇 填报员 files an activity report with a photo in the
portal, the office's 宣教审核 adopts it (采用) and marks it 报市国动办, and the 填报员 sees it
adopted; the dashboard then counts it for 朱家角镇."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from qpdo.org import clock
from qpdo.org.seeds import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in_as(browser, browser_context_args, portal_url, username):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(portal_url("/accounts/login/"))
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    return page


def photo_file(tmp_path):
    """Return a phone-style JPEG with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 6.0, 0.0), 3: "E", 4: (121.0, 3.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 40, 40)).save(buffer, format="JPEG", exif=exif.tobytes())
    path = tmp_path / "IMG_20240921_1015.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_town_files_a_report_with_a_photo_and_the_office_adopts_it(
    browser, browser_context_args, portal_url, tmp_path, screenshot
):
    # An activity held a few days ago (within this year when the year is young).
    today = clock.today()
    held_on = max(today - datetime.timedelta(days=5), today.replace(month=1, day=1))
    clerk = sign_in_as(browser, browser_context_args, portal_url, "zhujiajiao")
    expect(clerk.get_by_test_id("outreach-panel")).to_be_visible()
    clerk.get_by_test_id("outreach-panel").get_by_role("link", name="报送活动信息").click()
    clerk.get_by_role("checkbox", name=re.compile("^进学校")).check()
    clerk.get_by_role("checkbox", name=re.compile("^进网络")).check()
    clerk.get_by_label("标题").fill("全民国防教育日：朱家角中学防空警报试鸣疏散演练")
    clerk.get_by_label("活动日期").fill(held_on.isoformat())
    clerk.get_by_label("地点").fill("青浦区朱家角中学")
    clerk.get_by_label("参加人员").fill("全校师生")
    clerk.get_by_label("参加人数").fill("1260")
    clerk.get_by_label("活动内容").fill("防空警报试鸣期间，全校师生 4 分钟完成疏散集结。")
    clerk.get_by_label("现场照片").set_input_files(photo_file(tmp_path))
    clerk.screenshot(path=str(tmp_path / "1-form.png"), full_page=True)
    clerk.get_by_role("button", name="保存并提交").click()
    expect(clerk.get_by_test_id("report-state")).to_have_text("待审核")
    expect(clerk.get_by_test_id("photos").locator("img")).to_have_count(1)
    report_url = clerk.url

    reviewer = sign_in_as(browser, browser_context_args, portal_url, "outreach_reviewer")
    expect(reviewer.get_by_test_id("todo-count")).to_have_text("1")
    reviewer.get_by_role("link", name="宣传教育“六进”").first.click()
    reviewer.get_by_role("link", name="活动信息", exact=True).click()
    reviewer.get_by_role("link", name=re.compile("朱家角中学防空警报试鸣疏散演练")).click()
    expect(reviewer.get_by_test_id("photos").locator("img")).to_have_count(1)
    review = reviewer.get_by_test_id("review-form")
    review.get_by_label("采用").check()
    review.get_by_label("意见").fill("内容翔实，予以采用。")
    review.get_by_role("button", name="提交审核意见").click()
    expect(reviewer.get_by_test_id("report-state")).to_have_text("已采用")
    reviewer.get_by_role("button", name="标记为已报市国动办").click()
    expect(reviewer.get_by_test_id("promoted")).to_contain_text("已报市国动办")
    reviewer.screenshot(path=str(tmp_path / "2-adopted.png"), full_page=True)

    clerk.goto(report_url)
    expect(clerk.get_by_test_id("report-state")).to_have_text("已采用")
    expect(clerk.get_by_test_id("history")).to_contain_text("内容翔实，予以采用。")

    reviewer.goto(portal_url(f"/outreach/dashboard/?year={held_on.year}"))
    matrix = reviewer.get_by_test_id("matrix")
    headers = [h.strip() for h in matrix.locator("thead th").all_inner_texts()]
    cells = matrix.locator("tr[data-unit=zhujiajiao] td")
    # The one adopted report counts under both of its fronts and once in the unit's total.
    expect(cells.nth(headers.index("进学校"))).to_have_text("1")
    expect(cells.nth(headers.index("进网络"))).to_have_text("1")
    expect(cells.nth(headers.index("进社区"))).to_have_text("0")
    expect(cells.nth(headers.index("已采用"))).to_have_text("1")
    expect(reviewer.get_by_test_id("coverage-chart")).to_be_visible()
    screenshot("dashboard")
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    for png in tmp_path.glob("*.png"):
        shutil.copy(png, out / f"outreach-report-{png.name}")
