"""交流展示 in real Chromium: a section head records one with a photo and it shows in a
participant's 个人实践档案; the 机关党支部 records the 岗位之星 交流展示 and it shows on 风采展示.
Screenshots at 1366 px and 390 px go to test-artifacts/exchange/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from campaigns.models import Campaign, Exchange
from qpdo.org import clock
from qpdo.org.models import Staff
from stars import services as stars
from stars.models import Post
from tests.stars.conftest import nomination_data

from .test_stars_nomination import sign_in_as

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exchange"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def photo_file(tmp_path, name="IMG_0921.jpg"):
    """A phone-style JPEG with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 6.0, 0.0), 3: "E", 4: (121.0, 3.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 90, 140)).save(buffer, format="JPEG", exif=exif.tobytes())
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_section_head_records_an_exchange_and_it_shows_in_the_record(
    browser, browser_context_args, portal_url, seeded_transactional_db, tmp_path
):
    year = Campaign.objects.get(year=2024).year
    head = sign_in_as(browser, browser_context_args, portal_url, "gongcheng_head")
    head.goto(portal_url(f"/campaigns/{year}/exchanges/"))
    head.get_by_role("link", name="登记交流展示").click()
    head.get_by_label("类别").select_option(label="重大项目观摩")
    head.get_by_label("主题").fill("重点人防工程建设现场观摩")
    head.get_by_label("日期").fill(f"{year}-09-20")
    head.get_by_label("地点").fill("区人防指挥工程施工现场")
    head.get_by_label("组织科室").select_option(label="工程指挥科")
    head.get_by_label("参加人员").select_option(label=["刘洋", "周浩"])
    head.get_by_label("内容摘要").fill("观摩重点人防工程建设，交流质量控制做法。")
    head.get_by_label("现场照片").set_input_files(photo_file(tmp_path))
    shoot(head, "1-form")
    head.get_by_role("button", name="保存").click()
    expect(head.locator(".alert-success")).to_contain_text("交流展示已登记。")
    expect(head.get_by_test_id("photos").locator("img")).to_have_count(1)
    expect(head.get_by_test_id("participants")).to_contain_text("刘洋")
    shoot(head, "2-detail")
    head.goto(portal_url(f"/campaigns/{year}/exchanges/"))
    expect(head.get_by_test_id("exchange-list")).to_contain_text("重点人防工程建设现场观摩")
    shoot(head, "3-list")
    exchange = Exchange.objects.get()
    assert exchange.photos.count() == 1

    # 刘洋 (the demo 科员 `member`) finds it in his 个人实践档案.
    liu = Staff.objects.get(name="刘洋")
    member = sign_in_as(browser, browser_context_args, portal_url, "member")
    member.goto(portal_url(f"/campaigns/{year}/records/{liu.pk}/"))
    expect(member.locator("main")).to_contain_text("交流展示")
    expect(member.locator("main")).to_contain_text("重点人防工程建设现场观摩")
    shoot(member, "4-record")


def _two_nominees(year: int) -> None:
    """Two submitted 申报表 (through the services), so the session has speakers to offer."""
    users = get_user_model().objects
    campaign = Campaign.objects.get(year=year)
    for head, name, post in (
        ("baozhang_head", "胡晓琳", "通信警报"),
        ("dongyuan_head", "黄俊杰", "潜力调查"),
    ):
        acting = users.get(username=head)
        staff = Staff.objects.get(name=name, unit=acting.staff.unit)
        with clock.frozen(clock.at(year, 10, 15)):
            nomination = stars.nomination_create(
                acting_user=acting,
                campaign=campaign,
                **nomination_data(
                    staff, Post.objects.get(campaign=campaign, name=post), source="recommendation"
                ),
            )
            stars.nomination_submit(acting_user=acting, nomination=nomination, opinion="同意推荐。")


def test_the_party_branch_records_the_stars_sharing_and_it_shows_on_the_showcase(
    browser, browser_context_args, portal_url, seeded_transactional_db, tmp_path
):
    year = Campaign.objects.get(year=2024).year
    _two_nominees(year)
    branch = sign_in_as(browser, browser_context_args, portal_url, "party_branch")
    branch.goto(portal_url(f"/stars/showcase/?year={year}"))
    expect(branch.get_by_test_id("sharing-empty")).to_be_visible()
    branch.get_by_role("link", name="登记交流展示").click()
    expect(branch.get_by_label("主题")).to_have_value(f"{year}年度“岗位之星”交流展示会")
    branch.get_by_label("日期").fill(f"{year}-11-06")
    branch.get_by_label("地点").fill("办机关三楼会议室")
    branch.get_by_label("交流情况").fill("“岗位之星”候选人交流岗位建功体会，全体干部职工参加。")
    speakers = branch.get_by_test_id("speakers")
    hu = speakers.get_by_test_id("speaker-row").filter(has_text="胡晓琳")
    hu.get_by_label(re.compile("^胡晓琳")).check()
    hu.get_by_label("交流体会").fill("警报设施检修，一处不落。")
    speakers.get_by_label(re.compile("^黄俊杰")).check()
    branch.get_by_label("现场照片").set_input_files(photo_file(tmp_path, "交流会.jpg"))
    shoot(branch, "5-sharing-form")
    branch.get_by_role("button", name="保存").click()
    expect(branch.locator(".alert-success")).to_contain_text("已保存，并在风采展示页展示")
    session = branch.get_by_test_id("sharing")
    expect(session).to_contain_text(f"{year}年度“岗位之星”交流展示会")
    expect(session.get_by_test_id("sharing-speakers")).to_contain_text("胡晓琳")
    expect(session.get_by_test_id("sharing-speakers")).to_contain_text("黄俊杰")
    expect(session.get_by_test_id("sharing-photos").locator("img")).to_have_count(1)

    # Everyone of the office sees it on 风采展示.
    member = sign_in_as(browser, browser_context_args, portal_url, "member")
    member.goto(portal_url(f"/stars/showcase/?year={year}"))
    hu_card = (
        member.get_by_test_id("sharing-speakers").locator("div.border").filter(has_text="胡晓琳")
    )
    expect(hu_card).to_contain_text("警报设施检修，一处不落。")
    expect(member.get_by_role("link", name="登记交流展示")).to_have_count(0)
    shoot(member, "6-showcase")
