"""What 岗位之星 tells the campaign: ranking counts, personal records, calendar, year copy."""

from __future__ import annotations

import datetime

from campaigns import providers
from campaigns.enums import Metric
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from stars import services
from stars.models import Post, PostCategory, StarYear
from stars.providers import monthly, record
from stars.services import posts_copy as copy_posts

from .conftest import pdf_upload, publicize


def test_stars_provider_is_registered():
    assert providers.get("stars") is not None
    assert any(hook.code == "stars" for hook in providers.copy_hooks())


def test_monthly_counts_first_submissions_and_reports(
    make_nomination, advance, demo_user, campaign
):
    advance(make_nomination("baozhang_head"), to="branch")  # submitted 18 October
    services.summary_upload(
        acting_user=demo_user("baozhang_head"), campaign=campaign, upload=pdf_upload()
    )
    units = Unit.objects.filter(code__in=["baozhang", "gongcheng"])
    october = monthly(
        campaign, start=datetime.date(2024, 10, 1), end=datetime.date(2024, 10, 31), units=units
    )
    baozhang = Unit.objects.get(code="baozhang").pk
    assert october[Metric.NOMINATIONS_FILED] == {baozhang: 1}
    assert october[Metric.REPORTS_FILED] == {baozhang: 1}
    september = monthly(
        campaign, start=datetime.date(2024, 9, 1), end=datetime.date(2024, 9, 30), units=units
    )
    assert september[Metric.NOMINATIONS_FILED] == {}


def test_record_lists_nominations_and_announced_stars(
    approved_nominations, demo_user, campaign, star_year
):
    nominations = approved_nominations(4)
    for nomination in nominations:
        services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    staff = list(Staff.objects.filter(pk__in=[n.nominee_id for n in nominations]))
    before = record(campaign, staff=staff)
    assert all(part.counts == {"star_nominations": 1, "stars": 0} for part in before.values())
    publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 11, 1)):
        services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)
    after = record(campaign, staff=staff)
    hu = after[nominations[0].nominee_id]
    assert hu.counts == {"star_nominations": 1, "stars": 1}
    assert hu.entries[-1].title == "2024年度“岗位之星”（通信警报）"


def test_copy_posts_to_next_year(campaign):
    target = campaign.__class__.objects.create(
        name="下一年度实践活动",
        doc_number="青国动〔2025〕1号",
        year=2025,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 12, 31),
        organiser=campaign.organiser,
    )
    line = copy_posts(campaign, target)
    assert line == "培树岗位 12 个，名额 4 名"
    assert Post.objects.filter(campaign=target).count() == 12
    assert PostCategory.objects.filter(campaign=target).count() == 3
    assert StarYear.objects.get(campaign=target).quota == 4
    assert copy_posts(campaign, target) == "培树岗位 0 个，名额 4 名"
