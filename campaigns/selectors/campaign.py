"""Reads of the campaign itself: the working year, the campaign of a year, dates."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from qpdo.org import clock
from qpdo.org.caching import cached

from ..models import Campaign, KeyDate


def working_year() -> int:
    """Return the working year: the calendar year of the portal's clock (Asia/Shanghai)."""
    return clock.today().year


def campaign_current() -> Campaign | None:
    """Return this year's campaign, or None when it has not been set up yet (no fallback).

    Cached until the next write (a new or closed campaign bumps the data version).
    """

    year = working_year()

    def find() -> Campaign | bool:
        # False is cached as "no campaign yet" (None means a cache miss).
        return Campaign.objects.filter(year=year).first() or False

    return cached(("campaign-current", year), find) or None


def campaign_previous(year: int) -> Campaign | None:
    """Return the latest campaign before `year` (the one a new year is made from)."""
    return (
        Campaign.objects.select_related("coordinator_unit")
        .filter(year__lt=year)
        .order_by("-year")
        .first()
    )


def year_span(*first_years: int | None) -> list[int]:
    """Return every year from the earliest given (or campaign) year to this year, newest first.

    No year is skipped: a year without a campaign still appears, so it can be opened and set up.
    """
    this_year = working_year()
    found = [y for y in first_years if y]
    first_campaign = Campaign.objects.order_by("year").values_list("year", flat=True).first()
    if first_campaign:
        found.append(first_campaign)
    first = min([*found, this_year])
    last = max([*found, this_year])
    return list(range(last, first - 1, -1))


@dataclass(frozen=True)
class YearLink:
    year: int
    campaign: Campaign | None


def campaign_years() -> list[YearLink]:
    """Return the years of the campaign selector, each with its campaign (or None)."""
    campaigns = {c.year: c for c in Campaign.objects.all()}
    return [YearLink(y, campaigns.get(y)) for y in year_span()]


def who_starts_year(year: int) -> str:
    """Return the unit that sets up a year's campaign (the previous year's 牵头科室)."""
    previous = campaign_previous(year)
    if previous is not None and previous.coordinator_unit is not None:
        return previous.coordinator_unit.name
    return "综合科"


def key_dates_upcoming(campaign: Campaign, *, today: datetime.date | None = None, limit: int = 6):
    """Return the next key dates of a campaign; when all have passed, its last ones."""
    today = today or clock.today()
    upcoming = list(KeyDate.objects.filter(campaign=campaign, date__gte=today)[:limit])
    if upcoming:
        return upcoming, False
    past = list(KeyDate.objects.filter(campaign=campaign).order_by("-date")[:limit])
    return list(reversed(past)), True


def campaign_get(*, year: int) -> Campaign:
    campaign = (
        Campaign.objects.select_related("organiser", "coordinator_unit").filter(year=year).first()
    )
    if campaign is None:
        raise Http404("未找到该年度的实践活动。")
    return campaign


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.order_by("-year")


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = pycalendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
