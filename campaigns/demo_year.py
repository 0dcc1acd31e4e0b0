"""Dating demo records in the working year instead of 2024.

The demo scripts are written in the rhythm of the 2024 notice (topics in April, manuscripts
May–September, 申报表 by 20 October …). `seed --demo` runs each script twice: for last year as
finished history, and for this year up to the seeding moment, so that on whatever day the demo
is built some work is done, some is due this week and some is a few days overdue — never years.

- `at(2024, m, d, h, mi)` / `day(2024, m, d)` / `iso("2024-05-31")` map the seed's day into the
  year being built (2025 in the script maps to the year after, for January follow-ups);
- `when(moment)` sets the clock for a block (like `clock.frozen`) and raises `NotYet` when the
  moment is after the seeding moment: the thing has not happened yet;
- `record()` wraps one record's events: a `NotYet` inside skips the rest of that record only.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Callable

from qpdo.org import clock

TEMPLATE_YEAR = 2024  # the year the demo scripts are written in

_state = threading.local()


class NotYet(Exception):
    """The event is after the seeding moment: it has not happened yet."""


def year() -> int:
    """Return the year being built (the template year outside a demo run)."""
    return getattr(_state, "year", None) or TEMPLATE_YEAR


def until() -> datetime.datetime | None:
    return getattr(_state, "until", None)


def _target(template_year: int) -> int:
    return year() + (template_year - TEMPLATE_YEAR)


def day(template_year: int, month: int, dom: int) -> datetime.date:
    target = _target(template_year)
    try:
        return datetime.date(target, month, dom)
    except ValueError:  # 29 February into a common year
        return datetime.date(target, month, 28)


def at(template_year: int, month: int, dom: int, hour: int = 10, minute: int = 0):
    d = day(template_year, month, dom)
    return clock.at(d.year, d.month, d.day, hour, minute)


def iso(value: str) -> datetime.date:
    d = datetime.date.fromisoformat(value)
    return day(d.year, d.month, d.day)


def iso_at(value: str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    d = iso(value)
    return clock.at(d.year, d.month, d.day, hour, minute)


def happened(moment: datetime.datetime) -> bool:
    limit = until()
    return limit is None or moment <= limit


@contextlib.contextmanager
def when(moment: datetime.datetime):
    """Run the block at `moment`; refuse (NotYet) a moment after the seeding moment."""
    if not happened(moment):
        raise NotYet(moment)
    with clock.frozen(moment):
        yield


@contextlib.contextmanager
def record():
    """One record's events: stop at the first that has not happened yet, keep the rest."""
    with contextlib.suppress(NotYet):
        yield


@contextlib.contextmanager
def building(target: int, limit: datetime.datetime | None):
    previous = (getattr(_state, "year", None), getattr(_state, "until", None))
    _state.year, _state.until = target, limit
    try:
        yield
    finally:
        _state.year, _state.until = previous


def demo_years() -> list[tuple[int, datetime.datetime | None]]:
    """Return the years a demo builds: last year complete, this year up to now."""
    now = clock.now()
    this_year = clock.today().year
    return [(this_year - 1, None), (this_year, now)]


def each_year(build: Callable[..., None], log) -> None:
    """Run a demo script for last year (history) and this year (up to the seeding moment)."""
    for target, limit in demo_years():
        with building(target, limit), contextlib.suppress(NotYet):
            build(log)
