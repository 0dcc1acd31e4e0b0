"""Days as the portal reads and prints them, beside the clock (`qpdo.org.clock`).

`local_date` is the day of a moment in Asia/Shanghai; `cn_date` prints a day the way the
office's documents do: 2024年9月6日, never 2024年09月06日 (the printed forms must not pad).
The template filters of the same names (`qpdo.org.templatetags.qpdo`) call these.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    """Return the day of an aware moment in the portal's time zone (None stays None)."""
    return timezone.localtime(moment).date() if moment else None


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """Return a day as documents print it: 2024年9月6日 (a moment: its local day)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: datetime.date | None) -> str:
    """Return a month as documents print it: 2024年9月."""
    return f"{value.year}年{value.month}月" if value else ""


def cn_datetime(value: datetime.datetime | None) -> str:
    """Return a moment as documents print it, in local time: 2024年9月6日 14:30."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
