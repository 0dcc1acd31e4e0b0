"""Reads of the overview, the calendar of the year and the 工作台 panel."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from qpdo.org.dates import local_date
from qpdo.org.scoping import user_staff, user_unit
from qpdo.org.selectors import campaign_units
from qpdo.org.sql import first_rows_of_each
from qpdo.workflow.enums import State

from .. import providers, rules
from ..enums import DUE_SOON_DAYS, ItemKind, ItemStatus
from ..models import (
    Campaign,
    Competition,
    Discussion,
    KeyDate,
    MentorPair,
    Programme,
    ProgressReport,
    QuarterStar,
    RankingRow,
    Rotation,
    Team,
    WorkItem,
)
from .items import decorate, status_of, with_progress
from .ranking import latest_published_ranking, months_to_compile

# --- the overview ----------------------------------------------------------------------------


@dataclass
class Progress:
    """Counts of items by status for one key task or one section."""

    label: str
    key: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ItemStatus})
    percents: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[ItemStatus.DONE] + self.counts[ItemStatus.DONE_LATE]

    @property
    def overdue(self) -> int:
        return self.counts[ItemStatus.OVERDUE]

    @property
    def rate(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None

    @property
    def average_percent(self) -> int | None:
        return round(sum(self.percents) / len(self.percents)) if self.percents else None

    def add(self, status: ItemStatus, percent: int) -> None:
        self.counts[status] += 1
        self.percents.append(percent)


def overview_progress(*, campaign: Campaign, today: datetime.date) -> dict:
    """Return the items' progress per key task and per section (two queries + the items')."""
    tasks = list(campaign.key_tasks.order_by("order"))
    units = list(campaign_units())
    by_task = {task.pk: Progress(label=task.title, key=task.pk) for task in tasks}
    by_unit = {unit.pk: Progress(label=unit.display_name, key=unit.pk) for unit in units}
    overall = Progress(label="全部事项")
    rows = with_progress(WorkItem.objects.filter(campaign=campaign), today=today).values(
        "key_task_id", "unit_id", "deadline", "done_at", "late_milestones", "percent_verified"
    )
    for row in rows:
        done_on = local_date(row["done_at"])
        status = status_of(
            deadline=row["deadline"],
            done_on=done_on,
            today=today,
            late_milestones=row["late_milestones"],
        )
        percent = 100 if done_on else row["percent_verified"]
        overall.add(status, percent)
        if row["key_task_id"] in by_task:
            by_task[row["key_task_id"]].add(status, percent)
        if row["unit_id"] in by_unit:
            by_unit[row["unit_id"]].add(status, percent)
    return {
        "overall": overall,
        "tasks": list(by_task.values()),
        "units": list(by_unit.values()),
    }


def activity_counts(*, campaign: Campaign) -> dict[str, int]:
    """Return how many teams, pairs, rotations, competitions, stars and discussions there are."""
    return {
        "teams": Team.objects.filter(campaign=campaign).count(),
        "pairs": MentorPair.objects.filter(campaign=campaign).count(),
        "rotations": Rotation.objects.filter(campaign=campaign).count(),
        "competitions": Competition.objects.filter(campaign=campaign).count(),
        "quarter_stars": QuarterStar.objects.chosen().filter(campaign=campaign).count(),
        "discussions": Discussion.objects.filter(campaign=campaign).count(),
    }


# --- the calendar of the year ------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: datetime.date | None
    events: list = field(default_factory=list)


@dataclass
class CalendarMonth:
    month: int
    weeks: list[list[CalendarDay]]
    events: list


def calendar_events(*, campaign: Campaign) -> list[providers.CalendarEvent]:
    """Return the year's key dates of every programme and the programmes' own dated events."""

    labels = dict(Programme.choices)
    events = [
        providers.CalendarEvent(
            date=kd.date,
            title=kd.title,
            programme=labels.get(kd.programme, kd.programme),
            is_deadline=kd.is_deadline,
        )
        for kd in KeyDate.objects.filter(campaign=campaign).order_by("date", "id")
    ]
    events += providers.calendar_events(campaign)
    return sorted(events, key=lambda e: (e.date, e.programme, e.title))


def calendar_months(*, campaign: Campaign) -> list[CalendarMonth]:
    """Return the campaign's months as week grids (Monday first) with the events of each day."""
    by_day = defaultdict(list)
    events = calendar_events(campaign=campaign)
    for event in events:
        by_day[event.date].append(event)
    months = sorted(
        {*campaign.months, *(e.date.month for e in events if e.date.year == campaign.year)}
    )
    grid = pycalendar.Calendar(firstweekday=0)
    result = []
    for month in months:
        weeks = [
            [
                CalendarDay(
                    day if day.month == month else None,
                    by_day.get(day, []) if day.month == month else [],
                )
                for day in week
            ]
            for week in grid.monthdatescalendar(campaign.year, month)
        ]
        month_events = [e for e in events if e.date.year == campaign.year and e.date.month == month]
        result.append(CalendarMonth(month, weeks, month_events))
    return result


# --- the 工作台 ------------------------------------------------------------------------------


def panel_for(*, user, campaign: Campaign, today: datetime.date) -> dict:
    """Return what the 工作台 shows of the campaign (a fixed number of queries)."""
    staff = user_staff(user)
    unit = user_unit(user)
    items = with_progress(WorkItem.objects.filter(campaign=campaign), today=today).select_related(
        "unit", "owner", "campaign"
    )
    head = unit is not None and rules.heads_unit(user, unit)
    mine_q = Q(owner=staff) if staff is not None else Q(pk__in=[])
    if head:
        mine_q |= Q(unit=unit)
    recheck_until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # My open items and my 整改 items due for 回头看, in one statement.
    mine = first_rows_of_each(
        items.filter(mine_q),
        {
            "open": (Q(done_at__isnull=True), ["deadline", "number", "pk"], 6),
            "recheck": (
                Q(
                    kind=ItemKind.RECTIFICATION,
                    done_at__isnull=False,
                    recheck_on__lte=recheck_until,
                    recheck_count=0,
                ),
                ["recheck_on", "pk"],
                5,
            ),
        },
    )
    open_items = decorate(mine["open"], today=today)
    rechecks = decorate(mine["recheck"], today=today)
    returned = []
    if staff is not None:
        returned = list(
            ProgressReport.objects.filter(
                item__campaign=campaign,
                approval__state=State.RETURNED,
            )
            .filter(Q(author=user) | (Q(item__unit=unit) if head else Q(pk__in=[])))
            .select_related("item__campaign", "approval")[:5]
        )
    # The unit's line of the latest ranking comes in the ranking's own statement.
    latest = latest_published_ranking(campaign, unit=unit)
    my_row = None
    if latest is not None and getattr(latest, "unit_rank", None) is not None:
        my_row = RankingRow(
            ranking=latest, unit=unit, rank=latest.unit_rank, score=latest.unit_score
        )
    compile_months = (
        months_to_compile(campaign, today=today)
        if rules.may_compile_ranking(user, campaign)
        else []
    )
    # The latest quarter's 季度之星 (at most one per 科室), for everyone on the 工作台.
    stars = list(
        QuarterStar.objects.chosen()
        .filter(campaign=campaign)
        .select_related("staff", "unit")
        .order_by("-quarter", "unit__order")[:12]
    )
    quarter_stars = [s for s in stars if s.quarter == stars[0].quarter] if stars else []
    overdue_total = None
    if rules.sees_all(user, campaign):
        overdue_total = items.filter(done_at__isnull=True, deadline__lt=today).count()
    return {
        "campaign": campaign,
        "open_items": open_items,
        "rechecks": rechecks,
        "returned": returned,
        "latest": latest,
        "my_row": my_row,
        "compile_months": compile_months,
        "overdue_total": overdue_total,
        "quarter_stars": quarter_stars,
        "is_head": head,
        "today": today,
    }
