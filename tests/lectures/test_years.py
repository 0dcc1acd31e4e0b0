"""The lecture pages open on this year, reach every past year through the year selector (from
the first year to this one, none skipped), and a closed year is read-only."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from campaigns import services as campaign_services
from lectures import selectors, services
from qpdo.org import clock
from tests.conftest import TEST_NOW, TEST_TODAY


def options(html: str) -> list[int]:
    select = re.search(r'<select id="year-select".*?</select>', html, re.S).group(0)
    return [int(y) for y in re.findall(r'<option value="(\d+)"', select)]


@pytest.mark.parametrize("path", ["/lectures/", "/lectures/topics/", "/lectures/schedule/"])
def test_pages_open_on_this_year_and_list_every_year(client, login, make_topic, clock_at, path):
    topic = make_topic("gongcheng_head")  # in the 2024 campaign
    clock_at(TEST_NOW.year, TEST_NOW.month, TEST_NOW.day)
    login("gongcheng_head")
    html = client.get(path).content.decode()
    assert options(html) == list(range(TEST_TODAY.year, 2023, -1))
    assert f'<option value="{TEST_TODAY.year}" selected>' in html
    assert f"{TEST_TODAY.year}年度实践活动尚未建立，由综合科建立" in html
    past = client.get(f"{path}?year=2024")
    assert past.status_code == 200
    past_html = past.content.decode()
    assert '<option value="2024" selected>' in past_html
    if path == "/lectures/topics/":
        assert topic.title in past_html and topic.title not in html
    # The tabs keep the year shown.
    assert 'href="/lectures/topics/?year=2024"' in past_html
    assert 'href="/lectures/schedule/?year=2024"' in past_html


def test_a_past_year_offers_no_proposal(client, login, make_topic, clock_at):
    make_topic("gongcheng_head")
    clock_at(TEST_NOW.year, TEST_NOW.month, TEST_NOW.day)
    login("gongcheng_head")
    for path in ("/lectures/?year=2024", "/lectures/topics/?year=2024"):
        assert "lectures/topics/new/" not in client.get(path).content.decode(), path


def test_a_closed_year_is_read_only(client, login, approved_topic, demo_user, clock_at):
    topic = approved_topic()
    slot = selectors.slots_of(topic.campaign).filter(unit=topic.unit).first()
    clock_at(2025, 1, 10)
    campaign_services.campaign_close(
        acting_user=demo_user("office_leader"), campaign=topic.campaign
    )
    topic = type(topic).objects.get(pk=topic.pk)
    slot = type(slot).objects.get(pk=slot.pk)
    login("zonghe_staff")
    html = client.get("/lectures/schedule/?year=2024").content.decode()
    assert "2024年度工作已经结束，只能查看。" in html
    assert "取消场次" not in html and "待安排的选题" not in html
    with pytest.raises(ValidationError, match="只能查看"):
        services.lecture_schedule(
            acting_user=demo_user("zonghe_staff"),
            topic=topic,
            slot=slot,
            starts_at=clock.at(2024, slot.month, 20, 14, 30),
            place="会议室",
        )
    with pytest.raises(ValidationError, match="只能查看"):
        services.slot_cancel(acting_user=demo_user("zonghe_staff"), slot=slot)


def test_a_malformed_year_is_a_404(client, login):
    login("gongcheng_head")
    for path in ("/lectures/?year=abc", "/lectures/topics/?year=99999"):
        assert client.get(path).status_code == 404, path
