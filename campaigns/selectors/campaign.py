"""Reads of the campaign itself: the working year, the campaign of a year, dates."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from qpdo.org import clock
from qpdo.org.caching import DEFAULT_TIMEOUT, cached, versioned_key
from qpdo.org.sql import json_rows, rows_from_json, set_prefetched

from ..models import Campaign, KeyDate, KeyTask


def working_year() -> int:
    """Return the working year: the calendar year of the portal's clock (Asia/Shanghai)."""
    return clock.today().year


def campaign_current() -> Campaign | None:
    """Return this year's campaign, or None when it has not been set up yet (no fallback).

    Cached until the next write (a new or closed campaign bumps the data version).
    """

    year = working_year()

    def find() -> Campaign | bool:
        # Next year's campaign comes in the same statement: from 1 December the 工作台 asks
        # whether it exists (campaign_exists). So do this year's key dates (key_dates_of) and
        # 重点任务 (campaign.key_tasks.all), which the 工作台 and its panels show.
        next_key = versioned_key("campaign-exists", year + 1)
        found = {
            c.year: c
            for c in Campaign.objects.filter(year__in=[year, year + 1]).annotate(
                key_date_rows=json_rows(KeyDate.objects.filter(campaign=OuterRef("pk"))),
                key_task_rows=json_rows(KeyTask.objects.filter(campaign=OuterRef("pk"))),
            )
        }
        cache.set(next_key, year + 1 in found, DEFAULT_TIMEOUT)
        current = found.get(year)
        if current is None:
            return False  # cached as "no campaign yet" (None means a cache miss)
        key_dates = rows_from_json(KeyDate, current.key_date_rows)
        key_dates.sort(key=lambda kd: (kd.date, kd.pk))
        cache.set(versioned_key("key-dates", current.pk), key_dates, DEFAULT_TIMEOUT)
        tasks = rows_from_json(KeyTask, current.key_task_rows)
        set_prefetched(current, "key_tasks", sorted(tasks, key=lambda t: (t.order, t.pk)))
        del current.key_date_rows, current.key_task_rows
        return current

    return cached(("campaign-current", year), find) or None


def campaign_exists(year: int) -> bool:
    """Return whether the year's campaign has been set up (cached until the next write)."""
    return cached(("campaign-exists", year), Campaign.objects.filter(year=year).exists)


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


def who_starts_year(year: int, *, previous: Campaign | None = None) -> str:
    """Return the unit that sets up a year's campaign (the previous year's 牵头科室).

    `previous` is the year's campaign_previous() when the caller has it already.
    """
    previous = campaign_previous(year) if previous is None else previous
    if previous is not None and previous.coordinator_unit is not None:
        return previous.coordinator_unit.name
    return "综合科"


def key_dates_of(campaign: Campaign) -> list[KeyDate]:
    """Return every key date of the campaign in date order (one statement for all of them).

    Cached under the data version: the 工作台's panels each need one or two of the same
    campaign's dates, and a changed key date bumps the version.
    """
    return cached(
        ("key-dates", campaign.pk), lambda: list(KeyDate.objects.filter(campaign=campaign))
    )


def key_date_of(campaign: Campaign, code: str) -> KeyDate | None:
    """Return the campaign's key date `code`, or None."""
    return next((kd for kd in key_dates_of(campaign) if kd.code == code), None)


def key_dates_upcoming(campaign: Campaign, *, today: datetime.date | None = None, limit: int = 6):
    """Return the next key dates of a campaign; when all have passed, its last ones."""
    today = today or clock.today()
    dates = key_dates_of(campaign)  # ordered by date, id
    upcoming = [kd for kd in dates if kd.date >= today][:limit]
    if upcoming:
        return upcoming, False
    past = sorted(dates, key=lambda kd: kd.date, reverse=True)[:limit]
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
