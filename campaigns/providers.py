"""What the programmes tell the campaign, and how they follow it into next year.

The campaign never imports a programme (see DESIGN.md). Each programme registers, from its
own `AppConfig.ready()`:

- a **provider**: plain data for the monthly section ranking and for each person's yearly
  record (个人实践档案), read in a fixed number of queries however many units or people;

      from campaigns import providers
      providers.register("lectures", providers.Provider(
          label="国动小讲堂", order=30,
          columns=(("lectures_given", "小讲堂讲述"),),
          monthly=monthly_counts,   # (campaign, *, start, end, units) -> {metric: {unit_id: n}}
          record=person_records,    # (campaign, *, staff) -> {staff_id: RecordPart}
          calendar=calendar_events, # (campaign) -> [CalendarEvent]   (optional)
      ))

- a **copy hook**: copies the programme's structure of a year (slots, posts …) when a campaign
  is copied to the next year, inside the copy's transaction;

      providers.register_copy_hook("lectures", label="国动小讲堂场次", copy=copy_slots)
      # copy(source: Campaign, target: Campaign) -> str  (one line for the log, in Chinese)

A programme that is not installed (or not yet registered) simply contributes nothing: the
ranking shows zero for its columns and the record has no section for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .enums import Metric

# Metrics a programme may contribute to (the first three are the campaign's own items).
PROGRAMME_METRICS = frozenset(
    {
        Metric.SPEAKERS_OWED,
        Metric.LECTURES_DELIVERED,
        Metric.NOMINATIONS_FILED,
        Metric.REPORTS_FILED,
    }
)


@dataclass(frozen=True)
class RecordEntry:
    """One line of a person's yearly record: what, when, and a short detail."""

    category: str  # e.g. 讲堂讲述, 申报岗位之星
    title: str
    date: datetime.date | None = None
    detail: str = ""


@dataclass
class RecordPart:
    """What one programme knows of one person in a year: counts (by column) and lines."""

    counts: dict[str, int] = field(default_factory=dict)
    entries: list[RecordEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CalendarEvent:
    """A dated event of a programme for the campaign calendar."""

    date: datetime.date
    title: str
    programme: str  # label, e.g. 国动小讲堂
    url: str = ""
    is_deadline: bool = False


@dataclass(frozen=True)
class SummaryPart:
    """What a programme puts in the year's 实践活动总结: a titled section, a sentence, a table.

    `empty` is printed instead of the table when there are no rows (never an empty table);
    `records` counts the year's records behind the part (a table of posts with no nomination
    is structure, not data: a year of structure only has nothing to sum up).
    """

    heading: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    widths: tuple[float, ...] = ()
    empty: str = ""
    records: int = 0


MonthlyFunc = Callable[..., dict[str, dict[int, int]]]
RecordFunc = Callable[..., dict[int, RecordPart]]
CalendarFunc = Callable[..., list[CalendarEvent]]


@dataclass(frozen=True)
class Provider:
    label: str
    order: int
    columns: Sequence[tuple[str, str]] = ()  # (key, header) of the record's Excel columns
    monthly: MonthlyFunc | None = None
    record: RecordFunc | None = None
    calendar: CalendarFunc | None = None
    # Optional: only the record's counts, aggregated in SQL, for the list of people
    # ((campaign, *, staff) -> {staff_id: {key: n}}); without it the list calls `record`.
    record_counts: Callable[..., dict[int, dict[str, int]]] | None = None
    # Optional: the programme's sections of the 实践活动总结 ((campaign) -> [SummaryPart]).
    summary: Callable[..., list[SummaryPart]] | None = None


@dataclass(frozen=True)
class CopyHook:
    code: str
    label: str
    copy: Callable[..., str]
    order: int = 50
    # preview(source: Campaign, year: int) -> list[str]: what copy() would create (Chinese lines)
    preview: Callable[..., list[str]] | None = None
    # key_dates(year: int) -> {code: date}: dates the programme sets by rule (not shifted)
    key_dates: Callable[..., dict] | None = None


_PROVIDERS: dict[str, Provider] = {}
_COPY_HOOKS: dict[str, CopyHook] = {}


def register(code: str, provider: Provider) -> None:
    """Register (or replace) the provider of a programme."""
    _PROVIDERS[code] = provider


def unregister(code: str) -> None:
    _PROVIDERS.pop(code, None)


def all_providers() -> list[tuple[str, Provider]]:
    return sorted(_PROVIDERS.items(), key=lambda item: (item[1].order, item[0]))


def get(code: str) -> Provider | None:
    return _PROVIDERS.get(code)


def register_copy_hook(
    code: str,
    *,
    label: str,
    copy: Callable[..., str],
    order: int = 50,
    preview: Callable[..., list[str]] | None = None,
    key_dates: Callable[..., dict] | None = None,
):
    """Register what a programme copies when a campaign is copied to another year, and
    (optionally) how it lists what it would copy on the new-year page."""
    _COPY_HOOKS[code] = CopyHook(code, label, copy, order, preview, key_dates)


def unregister_copy_hook(code: str) -> None:
    _COPY_HOOKS.pop(code, None)


def copy_hooks() -> list[CopyHook]:
    return sorted(_COPY_HOOKS.values(), key=lambda hook: (hook.order, hook.code))


# --- gathering ---------------------------------------------------------------------------


def monthly_metrics(campaign, *, start, end, units: Iterable) -> dict[str, dict[int, int]]:
    """Return every provider's contributions for a period, summed per metric and unit."""
    units = list(units)
    total: dict[str, dict[int, int]] = {metric: {} for metric in PROGRAMME_METRICS}
    for code, provider in all_providers():
        if provider.monthly is None:
            continue
        for metric, by_unit in provider.monthly(
            campaign, start=start, end=end, units=units
        ).items():
            if metric not in PROGRAMME_METRICS:
                raise ValueError(f"provider {code}: unknown ranking metric {metric!r}")
            bucket = total[metric]
            for unit_id, count in by_unit.items():
                bucket[unit_id] = bucket.get(unit_id, 0) + int(count)
    return total


def record_parts(
    campaign, *, staff: Sequence, counts_only: bool = False
) -> list[tuple[str, Provider, dict[int, Any]]]:
    """Return, per provider with a record, its parts for the people (keyed by staff id).

    With `counts_only`, a provider that aggregates its counts in SQL (`record_counts`) is asked
    for those only: the parts then have counts and no entries.
    """
    parts = []
    for code, provider in all_providers():
        if provider.record is None:
            continue
        if counts_only and provider.record_counts is not None:
            counts = provider.record_counts(campaign, staff=list(staff))
            by_staff = {pk: RecordPart(counts=dict(c)) for pk, c in counts.items()}
            parts.append((code, provider, by_staff))
            continue
        parts.append((code, provider, provider.record(campaign, staff=list(staff))))
    return parts


def calendar_events(campaign) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    for _code, provider in all_providers():
        if provider.calendar is not None:
            events.extend(provider.calendar(campaign))
    return events


def summary_parts(campaign) -> list[SummaryPart]:
    """Return every provider's sections of the year's 实践活动总结, in provider order."""
    parts: list[SummaryPart] = []
    for _code, provider in all_providers():
        if provider.summary is not None:
            parts.extend(provider.summary(campaign))
    return parts
