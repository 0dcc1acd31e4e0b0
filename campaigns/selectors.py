"""Reads of the campaigns app."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import Campaign, KeyDate


def campaign_current() -> Campaign | None:
    """Return this year's campaign, else the latest one."""
    year = timezone.localdate().year
    return (
        Campaign.objects.filter(year=year).first()
        or Campaign.objects.filter(year__lt=year).order_by("-year").first()
        or Campaign.objects.order_by("year").first()
    )


def key_dates_upcoming(campaign: Campaign, *, today: datetime.date | None = None, limit: int = 6):
    """Return the next key dates of a campaign; when all have passed, its last ones."""
    today = today or timezone.localdate()
    upcoming = list(KeyDate.objects.filter(campaign=campaign, date__gte=today)[:limit])
    if upcoming:
        return upcoming, False
    past = list(KeyDate.objects.filter(campaign=campaign).order_by("-date")[:limit])
    return list(reversed(past)), True
