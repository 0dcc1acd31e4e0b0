"""Starting a new year in real Chromium: on 1 December the 综合科 head sees the banner for the
coming year, opens the new-year page, moves a key date in the preview and saves; in January
the lectures, stars and 六进 pages open on the new year and the moved date is the deadline."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns import services
from campaigns.models import Campaign, KeyDate
from lectures.models import Slot
from outreach.keydates import third_saturday_of_september
from qpdo.org import clock
from stars.models import Post

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "new-year"


def test_zonghe_head_starts_next_year_in_the_browser(
    seeded_transactional_db, clock_at, signed_in_page, portal_url
):
    year = clock.today().year
    head = get_user_model().objects.get(username="zonghe_head")
    services.campaign_copy(
        acting_user=head,
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )
    clock_at(year, 12, 1, 9, 0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = signed_in_page("zonghe_head")
    banner = page.get_by_test_id("next-year-banner")
    expect(banner).to_contain_text(f"{year + 1}年度即将开始")
    banner.get_by_role("link", name=f"建立{year + 1}年度").click()
    expect(page.get_by_role("heading", name=f"建立{year + 1}年度实践活动")).to_be_visible()
    # The preview shows what will be created: tasks, key dates, slots, posts, 六进 dates.
    expect(page.get_by_test_id("preview-tasks").locator("li")).to_have_count(5)
    expect(page.get_by_test_id("preview-programme").first).to_contain_text("第1场")
    expect(page.get_by_text("全民国防教育日").first).to_be_visible()
    page.get_by_label("文号").fill(f"青国动〔{year + 1}〕5号")
    moved = datetime.date(year + 1, 10, 23)
    page.get_by_label("“岗位之星”申报表及培树工作总结报送截止").fill(moved.isoformat())
    page.screenshot(path=str(ARTIFACTS / "preview.png"), full_page=True)
    page.get_by_test_id("create-year").click()
    expect(page.get_by_test_id("campaign-title")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text(f"已建立{year + 1}年实践活动")
    created = Campaign.objects.get(year=year + 1)
    assert created.doc_number == f"青国动〔{year + 1}〕5号"
    assert KeyDate.objects.get(campaign=created, code="star-nominations").date == moved
    education_day = KeyDate.objects.get(campaign=created, code="defence-education-day").date
    assert education_day == third_saturday_of_september(year + 1)
    assert Slot.objects.filter(campaign=created).exists()
    assert Post.objects.filter(campaign=created).exists()
    # The banner is gone; a second attempt is refused with a clear message.
    page.goto(portal_url("/"))
    expect(page.get_by_test_id("next-year-banner")).to_have_count(0)
    page.goto(portal_url(f"/campaigns/new-year/?year={year + 1}"))
    expect(page.get_by_test_id("year-exists")).to_contain_text("不能重复建立")
    # In January every programme follows the new year.
    clock_at(year + 1, 1, 5, 9, 0)
    page.goto(portal_url("/lectures/schedule/"))
    expect(page.locator("body")).to_contain_text(f"{year + 1}年")
    page.goto(portal_url("/stars/nominations/"))
    expect(page.get_by_test_id("stars-due")).to_contain_text(f"{year + 1}年10月23日")
    outreach = signed_in_page("zhujiajiao")
    outreach.goto(portal_url("/outreach/"))
    expect(outreach.locator("body")).to_contain_text(f"{year + 1}")
    outreach.screenshot(path=str(ARTIFACTS / "outreach.png"), full_page=True)
