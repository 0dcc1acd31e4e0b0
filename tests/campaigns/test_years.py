"""The working year is the clock's year: no fallback to an old campaign, every year in the
selector, a closed year read-only, and from 1 December a banner for the coming year."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campaigns import selectors, services
from campaigns.models import Campaign
from qpdo.errors import Refused
from qpdo.org import clock
from tests.campaigns.conftest import d


def test_current_campaign_is_this_years_or_none(campaign, clock_at):
    assert selectors.campaign_current() is None  # the test year has no campaign
    clock_at(2024, 6, 1)
    assert selectors.campaign_current() == campaign


def test_year_span_has_no_gaps(campaign):
    year = clock.today().year
    assert selectors.year_span() == list(range(year, 2023, -1))
    assert 2025 in selectors.year_span()


def test_closed_year_is_read_only(campaign, demo_user, make_item, client, login):
    with pytest.raises(Refused):
        services.campaign_close(acting_user=demo_user("gongcheng_head"), campaign=campaign)
    services.campaign_close(acting_user=demo_user("zonghe_head"), campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.is_closed
    with pytest.raises(ValidationError, match="年度工作已经结束"):
        make_item(deadline=d(6, 30))
    login("zonghe_head")
    page = client.get("/campaigns/2024/").content.decode()
    assert "本年度已结束（只读）" in page
    response = client.post("/campaigns/2024/items/new/", {"title": "x"})
    assert response.status_code == 302 and response["Location"] == "/campaigns/2024/"
    assert Campaign.objects.get(year=2024).work_items.count() == 0


def test_december_banner_for_the_coming_year(campaign, client, login, clock_at):
    clock_at(2024, 11, 30)
    login("zonghe_head")
    assert 'data-testid="next-year-banner"' not in client.get("/").content.decode()
    clock_at(2024, 12, 1)
    page = client.get("/").content.decode()
    assert 'data-testid="next-year-banner"' in page and "/campaigns/new-year/?year=2025" in page
    login("gongcheng_head")
    assert 'data-testid="next-year-banner"' not in client.get("/").content.decode()
    login("zonghe_head")
    services.campaign_copy(
        acting_user=demo_user_of("zonghe_head"),
        source=campaign,
        year=2025,
        doc_number="青国动〔2025〕1号",
    )
    assert 'data-testid="next-year-banner"' not in client.get("/").content.decode()


def demo_user_of(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_home_of_a_year_without_campaign_names_who_sets_it_up(campaign, client, login):
    year = clock.today().year
    login("gongcheng_head")
    page = client.get("/").content.decode()
    assert f"{year}年度实践活动尚未建立，由综合科建立" in page
    assert "青国动〔2024〕7号" not in page


def test_only_this_or_next_year_can_be_set_up(campaign, client, login):
    year = clock.today().year
    login("zonghe_head")
    assert client.get(f"/campaigns/new-year/?year={year + 1}").status_code == 200
    assert client.get(f"/campaigns/new-year/?year={year + 2}").status_code == 404
    page = client.get(f"/campaigns/?year={year + 2}").content.decode()
    assert "尚未建立" in page and "/campaigns/new-year/" not in page


def test_closed_year_refuses_the_programmes_writes_too(campaign, demo_user):
    from lectures import services as lecture_services

    services.campaign_close(acting_user=demo_user("zonghe_head"), campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="年度工作已经结束"):
        lecture_services.topic_create(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            title="选题",
            speaker=None,
            event="事件",
            event_date=None,
        )


def test_the_current_campaign_brings_its_key_dates_and_tasks_in_its_statement(campaign, in_2024):
    """The 工作台 reads the campaign, its key dates and its 重点任务 in one statement."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import KeyDate, KeyTask
    from campaigns.selectors import campaign_current, key_dates_of

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        current = campaign_current()
        tasks = list(current.key_tasks.all())
        dates = key_dates_of(current)
    assert len(queries) == 1
    assert current == campaign
    assert tasks == list(KeyTask.objects.filter(campaign=campaign).order_by("order", "pk"))
    assert dates == list(KeyDate.objects.filter(campaign=campaign))
    fields = [f.attname for f in KeyDate._meta.concrete_fields]
    assert [[getattr(d, f) for f in fields] for d in dates] == [
        [getattr(d, f) for f in fields] for d in KeyDate.objects.filter(campaign=campaign)
    ]
    assert tasks and dates
