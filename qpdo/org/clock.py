"""The portal's clock. Services read the time here, so demo seeding can date records in the
campaign year (and tests can fix the clock) without touching the system time.

Two ways to fix it:
- `frozen(moment)` for the calling thread only (demo seeding dates each record it writes);
- `pinned(moment)` for the whole process, so threads the code did not start itself (the live
  server of browser tests, concurrent approvers) see the same day. The test suite pins the
  clock for every test.
A thread's `frozen` moment wins over the process's pinned one.
"""

from __future__ import annotations

import contextlib
import datetime
import threading

from django.utils import timezone

_local = threading.local()
_pinned: datetime.datetime | None = None


def now() -> datetime.datetime:
    fixed = getattr(_local, "fixed", None)
    if fixed is not None:
        return fixed
    if _pinned is not None:
        return _pinned
    return timezone.now()


def today() -> datetime.date:
    return timezone.localtime(now()).date()


@contextlib.contextmanager
def frozen(moment: datetime.datetime):
    """Run the block as if it were `moment` (an aware datetime), in this thread."""
    previous = getattr(_local, "fixed", None)
    _local.fixed = moment
    try:
        yield
    finally:
        _local.fixed = previous


def pin(moment: datetime.datetime | None) -> None:
    """Make `moment` the time of every thread of the process (None: the real time again)."""
    global _pinned
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("pin() needs an aware datetime")
    _pinned = moment


@contextlib.contextmanager
def pinned(moment: datetime.datetime):
    """Run the block with the whole process's clock at `moment`."""
    previous = _pinned
    pin(moment)
    try:
        yield
    finally:
        pin(previous)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """Return an aware datetime in the portal's time zone (for demo data and tests)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))
