"""The schedule as iCalendar: right Asia/Shanghai times, stable UIDs, a signed feed link."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from lectures import services
from lectures.calendar import calendar_token, calendar_url_for
from lectures.models import Slot
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

SHANGHAI = ZoneInfo("Asia/Shanghai")


def approve(topic, demo_user, *, head: str):
    """Submit a topic and approve it at both steps, as the rightful people do."""
    workflow.approval_submit(subject=topic, acting_user=demo_user(head))
    for approver in ("zonghe_staff", "office_leader"):
        workflow.approval_decide(
            subject=topic,
            acting_user=demo_user(approver),
            decision=Action.APPROVE,
            opinion="同意。",
        )
    topic.refresh_from_db()
    return topic


@pytest.fixture
def lectures(make_topic, demo_user, campaign):
    """Two scheduled lectures: 工程指挥科 on 18 June 14:30, 综合科 on 28 May 09:00."""
    coordinator = demo_user("zonghe_staff")
    made = []
    for head, number, when, title, speaker in [
        ("gongcheng_head", 3, clock.at(2024, 6, 18, 14, 30), "人防工程平战转换演练复盘", "陈志刚"),
        ("zonghe_head", 1, clock.at(2024, 5, 28, 9, 0), "机关公文处理流程再造", "朱晓东"),
    ]:
        topic = approve(
            make_topic(head, title=title, speaker=Staff.objects.get(name=speaker)),
            demo_user,
            head=head,
        )
        made.append(
            services.lecture_schedule(
                acting_user=coordinator,
                topic=topic,
                slot=Slot.objects.get(campaign=campaign, number=number),
                starts_at=when,
                place="区国动办三楼会议室",
            )
        )
    return made


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_ics_has_one_event_per_lecture_at_shanghai_time(client, login, lectures):
    login("member")
    calendar = parse(client.get(reverse("lectures:calendar-ics")))
    events = {str(event["UID"]): event for event in calendar.events}

    assert set(events) == {f"lecture-{lecture.pk}@qpdo" for lecture in lectures}
    june = events[f"lecture-{lectures[0].pk}@qpdo"]
    assert june.start == datetime.datetime(2024, 6, 18, 14, 30, tzinfo=SHANGHAI)
    assert june.start.astimezone(datetime.UTC) == datetime.datetime(
        2024, 6, 18, 6, 30, tzinfo=datetime.UTC
    )
    assert june["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert june.end - june.start == datetime.timedelta(minutes=30)
    may = events[f"lecture-{lectures[1].pk}@qpdo"]
    assert may.start == datetime.datetime(2024, 5, 28, 9, 0, tzinfo=SHANGHAI)
    # The time zone is defined in the file, so a calendar program needs no guess.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_ics_event_says_what_who_where(client, login, lectures):
    login("member")
    calendar = parse(client.get(reverse("lectures:calendar-ics")))
    event = next(e for e in calendar.events if e["UID"] == f"lecture-{lectures[0].pk}@qpdo")

    assert str(event["SUMMARY"]) == "国动小讲堂：人防工程平战转换演练复盘（陈志刚）"
    assert str(event["LOCATION"]) == "区国动办三楼会议室"
    description = str(event["DESCRIPTION"])
    assert "单位：工程指挥科" in description
    assert "讲述事件：组织全区人防工程平战转换综合演练" in description
    assert f"/lectures/lectures/{lectures[0].pk}/" in description


def test_ics_uids_are_stable_across_downloads(client, login, lectures):
    login("member")
    url = reverse("lectures:calendar-ics")
    first = [str(e["UID"]) for e in parse(client.get(url)).events]
    second = [str(e["UID"]) for e in parse(client.get(url)).events]
    assert first == second
    assert len(set(first)) == len(lectures)


def test_ics_query_count_does_not_grow(client, login, lectures, make_topic, demo_user, campaign):
    login("member")
    url = reverse("lectures:calendar-ics")
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    topic = approve(make_topic("dongyuan_head"), demo_user, head="dongyuan_head")
    services.lecture_schedule(
        acting_user=demo_user("zonghe_staff"),
        topic=topic,
        slot=Slot.objects.get(campaign=campaign, number=5),
        starts_at=clock.at(2024, 5, 30, 14, 0),
        place="会议室",
    )
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(two)


def test_ics_download_needs_sign_in(client):
    response = client.get(reverse("lectures:calendar-ics"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ics_download_is_not_for_outside_units(client, login, lectures):
    login("zhujiajiao")
    assert client.get(reverse("lectures:calendar-ics")).status_code == 404


# The subscription feed ------------------------------------------------------------------------


def test_feed_works_without_a_session(demo_user, lectures):
    token = calendar_token(demo_user("member"))
    anonymous = Client()
    calendar = parse(anonymous.get(reverse("lectures:calendar-feed", args=[token])))
    assert len(calendar.events) == len(lectures)
    assert "sessionid" not in anonymous.cookies


def test_feed_with_a_tampered_token_is_404(client, demo_user, lectures):
    token = calendar_token(demo_user("member"))
    user_id, signature = token.split(".", 1)
    other = demo_user("office_leader")
    tampered = [
        f"{other.pk}.{signature}",  # someone else's id with this signature
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        user_id,
        "not-a-token",
        f"{user_id}.",
    ]
    for bad in tampered:
        assert client.get(reverse("lectures:calendar-feed", args=[bad])).status_code == 404, bad


def test_feed_link_is_revoked_by_a_password_change(client, demo_user, lectures):
    user = demo_user("member")
    url = reverse("lectures:calendar-feed", args=[calendar_token(user)])
    assert client.get(url).status_code == 200
    user.set_password("另一个安全的密码-2024")
    user.save()
    assert client.get(url).status_code == 404


def test_feed_of_an_inactive_or_outside_user_is_404(client, demo_user, lectures):
    outside = demo_user("zhujiajiao")
    assert (
        client.get(reverse("lectures:calendar-feed", args=[calendar_token(outside)])).status_code
        == 404
    )
    user = demo_user("member")
    token = calendar_token(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("lectures:calendar-feed", args=[token])).status_code == 404


def test_calendar_url_for_is_the_users_absolute_feed_link(rf, demo_user):
    user = demo_user("member")
    url = calendar_url_for(user, rf.get("/lectures/schedule/"))
    assert url.startswith("http://testserver/lectures/calendar/")
    match = resolve(url.removeprefix("http://testserver"))
    assert match.view_name == "lectures:calendar-feed"
    assert match.kwargs["token"] == calendar_token(user)
    assert calendar_url_for(demo_user("office_leader"), rf.get("/")) != url
