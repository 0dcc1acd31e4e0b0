"""The iCalendar (.ics) schedule of the series and the signed subscription link for it.

Calendar programs cannot sign in, so a subscription URL carries a token naming the user,
signed with a salt that includes the user's session hash (derived from the password hash):
changing the password revokes every link given out before, the way Django revokes sessions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from qpdo.org import clock

from .models import Lecture

TOKEN_SALT = "lectures.calendar-feed"
TOKEN_SEP = "."
CALENDAR_NAME = "国动小讲堂"
PRODID = "-//青浦区国防动员办公室//qpdo 国动小讲堂//ZH"


def event_uid(lecture: Lecture) -> str:
    """Return the lecture's UID: stable, so a moved lecture updates the same calendar entry."""
    return f"lecture-{lecture.pk}@qpdo"


def event_summary(lecture: Lecture) -> str:
    return f"国动小讲堂：{lecture.topic.title}（{lecture.topic.speaker.name}）"


def event_description(lecture: Lecture, *, url: str = "") -> str:
    lines = [
        f"单位：{lecture.topic.unit.name}",
        f"主讲人：{lecture.topic.speaker.name}",
        f"讲述事件：{lecture.topic.event}",
    ]
    if url:
        lines.append(f"详情：{url}")
    return "\n".join(lines)


def build_calendar(lectures: Iterable[Lecture], *, campaign: Campaign, absolute_url=None) -> bytes:
    """Return an .ics with one VEVENT per lecture, in Asia/Shanghai time with its VTIMEZONE.

    `absolute_url(path)` makes each lecture's page link absolute (request.build_absolute_uri).
    """
    zone = timezone.get_default_timezone()
    name = f"{CALENDAR_NAME}（{campaign.year}年）"
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=name,
        description="“国动小讲堂·身边人讲身边事”讲述安排",
        uid=f"lectures-{campaign.year}@qpdo",
        refresh_interval=datetime.timedelta(hours=6),
    )
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("x-published-ttl", "PT6H")
    stamp = clock.now().astimezone(datetime.UTC).replace(microsecond=0)
    for lecture in lectures:
        starts = timezone.localtime(lecture.starts_at, zone).replace(microsecond=0)
        url = absolute_url(lecture.get_absolute_url()) if absolute_url else ""
        event = icalendar.Event.new(
            uid=event_uid(lecture),
            stamp=stamp,
            start=starts,
            end=starts + datetime.timedelta(minutes=lecture.duration_minutes),
            summary=event_summary(lecture),
            location=lecture.held_place or lecture.place,
            description=event_description(lecture, url=url),
            categories=[CALENDAR_NAME],
            url=url or None,
        )
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    # Only the campaign year's rules: Asia/Shanghai has kept +08:00 without DST since 1991.
    calendar.add_missing_timezones(
        first_date=datetime.date(campaign.year, 1, 1),
        last_date=datetime.date(campaign.year + 1, 1, 1),
    )
    return calendar.to_ical()


# The subscription token -------------------------------------------------------------------


def _signer(user) -> signing.Signer:
    return signing.Signer(salt=f"{TOKEN_SALT}:{user.get_session_auth_hash()}", sep=TOKEN_SEP)


def calendar_token(user) -> str:
    """Return the user's subscription token: their id and a signature only they can have."""
    return _signer(user).sign(str(user.pk))


def calendar_user_for_token(token: str):
    """Return the active user a token was made for; a bad or revoked token is a 404."""
    user_id, _, _ = token.partition(TOKEN_SEP)
    if not user_id.isdigit():
        raise Http404("订阅链接无效。")
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None:
        raise Http404("订阅链接无效。")
    try:
        _signer(user).unsign(token)
    except signing.BadSignature:
        raise Http404("订阅链接无效或已失效。") from None
    return user


def calendar_url_for(user, request) -> str:
    """Return the absolute URL of the user's calendar subscription (for the schedule page)."""
    path = reverse("lectures:calendar-feed", args=[calendar_token(user)])
    return request.build_absolute_uri(path)
