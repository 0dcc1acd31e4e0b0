"""The portal's clock. Services read the time here, so demo seeding can date records in the
campaign year (and tests can fix the clock) without touching the system time."""

from __future__ import annotations

import contextlib
import datetime
import threading

from django.utils import timezone

_local = threading.local()


def now() -> datetime.datetime:
    fixed = getattr(_local, "fixed", None)
    return fixed if fixed is not None else timezone.now()


def today() -> datetime.date:
    return timezone.localtime(now()).date()


@contextlib.contextmanager
def frozen(moment: datetime.datetime):
    """Run the block as if it were `moment` (an aware datetime)."""
    previous = getattr(_local, "fixed", None)
    _local.fixed = moment
    try:
        yield
    finally:
        _local.fixed = previous


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """Return an aware datetime in the portal's time zone (for demo data and tests)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))
