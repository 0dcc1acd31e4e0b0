"""Reads of the campaigns app: the one place that decides what a user sees of the campaign.

Lists run a fixed number of queries whatever the number of rows: the status of a work item is
read by subqueries in the same query, the programmes' numbers by their providers (each in a
fixed number of queries).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import units_user_may_see, user_staff, user_unit
from qpdo.org.selectors import campaign_units
from qpdo.workflow.enums import FINAL_STATES, Action, State
from qpdo.workflow.models import Opinion

from . import providers, rules
from .chains import PROGRESS_CHAIN
from .enums import (
    DUE_SOON_DAYS,
    STATUS_FLAGS,
    ItemKind,
    ItemStatus,
    Metric,
    Quarter,
)
from .models import (
    Campaign,
    Competition,
    CompetitionEntry,
    Discussion,
    Evidence,
    KeyDate,
    MentorPair,
    Milestone,
    MonthlyRanking,
    ProgressReport,
    QuarterStar,
    RankingRow,
    Recheck,
    Rotation,
    Team,
    TeamMember,
    WorkItem,
)
from .ranking import Line, rank_lines


def working_year() -> int:
    """Return the working year: the calendar year of the portal's clock (Asia/Shanghai)."""
    return clock.today().year


def campaign_current() -> Campaign | None:
    """Return this year's campaign, or None when it has not been set up yet (no fallback).

    Cached until the next write (a new or closed campaign bumps the data version).
    """
    from qpdo.org.caching import cached

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


def cn_day(day: datetime.date) -> str:
    """Return a date as documents print it: 2024年9月6日."""
    return f"{day.year}年{day.month}月{day.day}日"


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = pycalendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- work items ----------------------------------------------------------------------------


def _approved_reports():
    return ProgressReport.objects.filter(item=OuterRef("pk"), approval__state=State.APPROVED)


def with_progress(items: QuerySet[WorkItem], *, today: datetime.date) -> QuerySet[WorkItem]:
    """Annotate items with where they stand: done when, verified percent, late milestones.

    - done_at: when the verified final report was submitted (the unit's completion);
    - verified_at: when it was verified;
    - percent_verified: the highest verified percentage;
    - open_state: the state of a report not yet decided (draft, in review, returned …);
    - late_milestones: milestones past their date without a verified report reaching them;
    - next_milestone_on: the next milestone not yet reached.
    """
    final = _approved_reports().filter(is_final=True).order_by("approval__submitted_at")
    unreached = Milestone.objects.filter(item=OuterRef("pk")).exclude(
        reports__approval__state=State.APPROVED
    )
    open_reports = ProgressReport.objects.filter(item=OuterRef("pk")).exclude(
        approval__state__in=FINAL_STATES
    )
    return items.annotate(
        done_at=Subquery(final.values("approval__submitted_at")[:1], output_field=DateTimeField()),
        verified_at=Subquery(
            final.values("approval__decided_at")[:1], output_field=DateTimeField()
        ),
        percent_verified=Coalesce(
            Subquery(
                _approved_reports().order_by("-percent").values("percent")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        open_state=Subquery(open_reports.order_by("-pk").values("approval__state")[:1]),
        open_report_id=Subquery(open_reports.order_by("-pk").values("pk")[:1]),
        late_milestones=Coalesce(
            Subquery(
                unreached.filter(due_on__lt=today)
                .order_by()
                .values("item")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        next_milestone_on=Subquery(unreached.order_by("due_on").values("due_on")[:1]),
        recheck_count=Coalesce(
            Subquery(
                Recheck.objects.filter(item=OuterRef("pk"))
                .order_by()
                .values("item")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def status_of(
    *,
    deadline: datetime.date,
    done_on: datetime.date | None,
    today: datetime.date,
    late_milestones: int = 0,
) -> ItemStatus:
    """Return an item's status on a day: done (on time or late), overdue, due soon, on track."""
    if done_on is not None:
        return ItemStatus.DONE if done_on <= deadline else ItemStatus.DONE_LATE
    if deadline < today:
        return ItemStatus.OVERDUE
    if (deadline - today).days <= DUE_SOON_DAYS or late_milestones:
        return ItemStatus.DUE_SOON
    return ItemStatus.ON_TRACK


def status_label(status: ItemStatus, kind: str) -> str:
    """Return how a status reads: a rectification item is 销号, not 完成."""
    if kind == ItemKind.RECTIFICATION and status == ItemStatus.DONE:
        return "已销号"
    if kind == ItemKind.RECTIFICATION and status == ItemStatus.DONE_LATE:
        return "逾期销号"
    return status.label


def decorate(items, *, today: datetime.date) -> list[WorkItem]:
    """Set status, flag, done_on and days_left on annotated items (no queries)."""
    result = []
    for item in items:
        item.done_on = local_date(item.done_at)
        item.status = status_of(
            deadline=item.deadline,
            done_on=item.done_on,
            today=today,
            late_milestones=item.late_milestones,
        )
        item.flag = STATUS_FLAGS[item.status]
        item.status_label = status_label(item.status, item.kind)
        item.days_left = (item.deadline - today).days
        item.days_overdue = max(0, -item.days_left) if item.done_on is None else 0
        item.is_done = item.done_on is not None
        item.recheck_due = bool(
            item.is_done
            and item.kind == ItemKind.RECTIFICATION
            and item.recheck_on
            and not item.recheck_count
        )
        result.append(item)
    return result


def item_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[WorkItem]:
    """Return the work items the user may see: all for the organisers and office-wide roles,
    their unit's for a section head, the items a person owns. Without a campaign: every
    year's (for the admin)."""
    campaigns = [campaign] if campaign is not None else list(Campaign.objects.all())
    whole = [c.pk for c in campaigns if rules.sees_all(user, c)]
    visible = Q(campaign_id__in=whole) | Q(unit__in=units_user_may_see(user))
    staff = user_staff(user)
    if staff is not None:
        visible |= Q(owner=staff)
    items = WorkItem.objects.filter(visible)
    if campaign is not None:
        items = items.filter(campaign=campaign)
    return items.select_related("key_task", "unit", "owner", "campaign")


def item_get_for(*, user, campaign: Campaign, pk: int) -> WorkItem:
    item = (
        with_progress(item_list_for(user=user, campaign=campaign), today=clock.today())
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("未找到该清单事项。")
    return decorate([item], today=clock.today())[0]


def item_filter(
    items: QuerySet[WorkItem],
    *,
    key_task: int | None = None,
    unit: int | None = None,
    kind: str = "",
    status: str = "",
    today: datetime.date,
) -> QuerySet[WorkItem]:
    """Filter annotated items by key task, unit, kind and status (in the database)."""
    if key_task:
        items = items.filter(key_task_id=key_task)
    if unit:
        items = items.filter(unit_id=unit)
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    if status == "done":
        items = items.filter(done_at__isnull=False)
    elif status == ItemStatus.OVERDUE:
        items = items.filter(done_at__isnull=True, deadline__lt=today)
    elif status == ItemStatus.DUE_SOON:
        items = items.filter(done_at__isnull=True, deadline__gte=today).filter(
            Q(deadline__lte=soon) | Q(late_milestones__gt=0)
        )
    elif status == "open":
        items = items.filter(done_at__isnull=True)
    elif status == "recheck":
        items = items.filter(
            kind=ItemKind.RECTIFICATION,
            done_at__isnull=False,
            recheck_on__isnull=False,
            recheck_count=0,
        )
    return items


def milestones_of(item: WorkItem) -> list[Milestone]:
    """Return an item's milestones with the day each was reached (by a verified report)."""
    reached = ProgressReport.objects.filter(
        milestone=OuterRef("pk"), approval__state=State.APPROVED
    ).order_by("approval__submitted_at")
    milestones = list(
        item.milestones.annotate(
            reached_at=Subquery(
                reached.values("approval__submitted_at")[:1], output_field=DateTimeField()
            )
        ).order_by("due_on", "order")
    )
    today = clock.today()
    for milestone in milestones:
        milestone.reached_on = local_date(milestone.reached_at)
        milestone.is_late = milestone.reached_on is None and milestone.due_on < today
    return milestones


def reports_of(item: WorkItem) -> list[ProgressReport]:
    return list(
        item.reports.select_related("approval", "milestone", "author__staff")
        .prefetch_related("evidence")
        .order_by("-created_at", "-id")
    )


def report_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[ProgressReport]:
    """Return the reports of the items the user may see."""
    return ProgressReport.objects.filter(
        item__in=item_list_for(user=user, campaign=campaign).values("pk")
    ).select_related("item__unit", "item__owner", "item__key_task", "item__campaign", "approval")


def report_get_for(*, user, campaign: Campaign, pk: int) -> ProgressReport:
    report = (
        report_list_for(user=user, campaign=campaign)
        .select_related("milestone", "author__staff")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("未找到该进展报告。")
    return report


def evidence_get_for(*, user, campaign: Campaign, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(
            pk=pk, report__in=report_list_for(user=user, campaign=campaign).values("pk")
        )
        .select_related("report__item")
        .first()
    )
    if evidence is None:
        raise Http404("未找到该文件。")
    return evidence


def owners_for_unit(unit: Unit) -> QuerySet[Staff]:
    """Return who may own an item of a unit: its active staff."""
    return Staff.objects.filter(unit=unit, is_active=True).order_by("id")


def item_units_for(*, user, campaign: Campaign) -> QuerySet[Unit]:
    """Return the units the user may list items for."""
    units = campaign_units()
    if rules.may_manage(user, campaign):
        return units
    unit = user_unit(user)
    return units.filter(pk=unit.pk if unit else None)


def campaign_staff() -> QuerySet[Staff]:
    """Return the active staff of the office's sections and centre."""
    return (
        Staff.objects.filter(unit__in=campaign_units(), is_active=True)
        .select_related("unit")
        .order_by("unit__order", "id")
    )


def office_people() -> QuerySet[Staff]:
    """Return active staff who may take part: the sections, the centre and the leadership."""
    from qpdo.org.enums import OUTREACH_UNIT_KINDS

    return (
        Staff.objects.filter(is_active=True, unit__is_active=True)
        .exclude(unit__kind__in=OUTREACH_UNIT_KINDS)
        .select_related("unit")
        .order_by("unit__order", "id")
    )


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
        "quarter_stars": QuarterStar.objects.filter(campaign=campaign).count(),
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
    from .models import Programme

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


# --- the monthly ranking ---------------------------------------------------------------------


def ranking_lines(*, campaign: Campaign, month: int, units=None) -> list[Line]:
    """Compute a month's lines for the sections (live, from the records as they stand now).

    Items: 到期事项 = deadline in the month; 按期完成 = of those, done (verified) by the
    deadline; 逾期未完成 = deadline by the month's end, not done by then. Reports: progress
    reports first submitted in the month. The programmes add theirs through providers.
    """
    units = list(units if units is not None else campaign_units())
    start, end = month_bounds(campaign.year, month)
    counts: dict[int, dict[str, int]] = {u.pk: defaultdict(int) for u in units}
    items = with_progress(
        WorkItem.objects.filter(campaign=campaign, unit__in=units, deadline__lte=end),
        today=end,
    ).values("unit_id", "deadline", "done_at")
    for row in items:
        line = counts[row["unit_id"]]
        done_on = local_date(row["done_at"])
        if row["deadline"] >= start:
            line[Metric.ITEMS_DUE] += 1
            if done_on is not None and done_on <= row["deadline"]:
                line[Metric.ITEMS_DONE] += 1
        if done_on is None or done_on > end:
            line[Metric.ITEMS_OVERDUE] += 1
    filed = (
        Opinion.objects.filter(
            approval__chain_code=PROGRESS_CHAIN.code,
            action=Action.SUBMIT,
            round=1,
            at__gte=day_start(start),
            at__lt=day_start(end + datetime.timedelta(days=1)),
            approval__unit__in=units,
        )
        .values("approval__unit")
        .annotate(n=Count("pk"))
    )
    for row in filed:
        counts[row["approval__unit"]][Metric.REPORTS_FILED] += row["n"]
    for metric, by_unit in providers.monthly_metrics(
        campaign, start=start, end=end, units=units
    ).items():
        for unit_id, n in by_unit.items():
            if unit_id in counts:
                counts[unit_id][metric] += n
    return rank_lines(Line(unit=u, metrics=dict(counts[u.pk])) for u in units)


def stored_lines(ranking: MonthlyRanking) -> list[Line]:
    """Return the lines of a compiled month as they were stored (and confirmed)."""
    rows = RankingRow.objects.filter(ranking=ranking).select_related("unit")
    return [_line_of(row) for row in rows.order_by("rank", "unit__order")]


def _line_of(row: RankingRow) -> Line:
    metrics = {metric: getattr(row, metric) for metric in Metric.values}
    return Line(unit=row.unit, metrics=metrics, score=row.score, rank=row.rank)


def rankings_of(campaign: Campaign) -> dict[int, MonthlyRanking]:
    """Return the campaign's compiled months (with their approval), by month."""
    return {
        r.month: r
        for r in MonthlyRanking.objects.filter(campaign=campaign).select_related("approval")
    }


def ranking_get(*, campaign: Campaign, month: int) -> MonthlyRanking | None:
    return (
        MonthlyRanking.objects.filter(campaign=campaign, month=month)
        .select_related("approval", "compiled_by__staff")
        .first()
    )


def ranking_view(*, user, campaign: Campaign, month: int) -> dict:
    """Return what the user sees of a month's ranking.

    Published (confirmed) months are shown to all staff as stored. Before that only the
    organisers and office-wide roles see the month: the submitted numbers while it waits for
    confirmation, else the live numbers.
    """
    ranking = ranking_get(campaign=campaign, month=month)
    state = ranking.approval.state if ranking else None
    published = state == State.APPROVED
    preview = rules.may_preview_ranking(user, campaign)
    if published:
        lines, source = stored_lines(ranking), "published"
    elif not preview:
        lines, source = [], "hidden"
    elif ranking is not None and state == State.IN_REVIEW:
        lines, source = stored_lines(ranking), "submitted"
    else:
        lines, source = ranking_lines(campaign=campaign, month=month), "live"
    return {
        "ranking": ranking,
        "lines": lines,
        "source": source,
        "published": published,
        "published_at": ranking.approval.decided_at if published else None,
    }


def ranking_trend(*, user, campaign: Campaign) -> dict[int, dict[int, Line]]:
    """Return per month the stored lines the user may see (published, or all compiled for the
    organisers), keyed by unit id: the month-by-month picture."""
    rows = RankingRow.objects.filter(ranking__campaign=campaign).select_related(
        "unit", "ranking__approval"
    )
    if not rules.may_preview_ranking(user, campaign):
        rows = rows.filter(ranking__approval__state=State.APPROVED)
    trend: dict[int, dict[int, Line]] = defaultdict(dict)
    for row in rows:
        trend[row.ranking.month][row.unit_id] = _line_of(row)
    return dict(trend)


def latest_published_ranking(campaign: Campaign) -> MonthlyRanking | None:
    return (
        MonthlyRanking.objects.filter(campaign=campaign, approval__state=State.APPROVED)
        .select_related("approval")
        .order_by("-month")
        .first()
    )


def months_to_compile(campaign: Campaign, *, today: datetime.date) -> list[int]:
    """Return the ended months of the campaign that have no compiled ranking yet."""
    done = set(MonthlyRanking.objects.filter(campaign=campaign).values_list("month", flat=True))
    return [
        m for m in campaign.months if month_bounds(campaign.year, m)[1] < today and m not in done
    ]


# --- people's activities -----------------------------------------------------------------------


def team_list(*, campaign: Campaign) -> QuerySet[Team]:
    """Return the year's teams with their leaders and counts (open to the office's staff)."""
    return (
        Team.objects.filter(campaign=campaign)
        .select_related("leader", "lead_unit", "key_task")
        .annotate(
            member_count=Count("members", distinct=True),
            output_count=Count("outputs", distinct=True),
        )
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("staff__unit"))
        )
        .order_by("formed_on", "id")
    )


def team_get(*, campaign: Campaign, pk: int) -> Team:
    team = (
        Team.objects.filter(campaign=campaign, pk=pk)
        .select_related("leader__unit", "lead_unit", "key_task", "campaign")
        .first()
    )
    if team is None:
        raise Http404("未找到该团队。")
    return team


def pair_list(*, campaign: Campaign) -> QuerySet[MentorPair]:
    return (
        MentorPair.objects.filter(campaign=campaign)
        .select_related("mentor__unit", "mentee__unit", "campaign")
        .annotate(check_in_count=Count("check_ins"))
        .order_by("starts_on", "id")
    )


def pair_get(*, campaign: Campaign, pk: int) -> MentorPair:
    pair = (
        MentorPair.objects.filter(campaign=campaign, pk=pk)
        .select_related("mentor__unit", "mentee__unit", "campaign")
        .first()
    )
    if pair is None:
        raise Http404("未找到该带教记录。")
    return pair


def rotation_list(*, campaign: Campaign) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(campaign=campaign)
        .select_related("staff", "from_unit", "to_unit", "campaign")
        .order_by("starts_on", "id")
    )


def rotation_get(*, campaign: Campaign, pk: int) -> Rotation:
    rotation = rotation_list(campaign=campaign).filter(pk=pk).first()
    if rotation is None:
        raise Http404("未找到该交流锻炼记录。")
    return rotation


def competition_list(*, campaign: Campaign) -> QuerySet[Competition]:
    return (
        Competition.objects.filter(campaign=campaign)
        .annotate(entry_count=Count("entries"))
        .order_by("held_on", "id")
    )


def competition_get(*, campaign: Campaign, pk: int) -> Competition:
    competition = (
        Competition.objects.filter(campaign=campaign, pk=pk).select_related("campaign").first()
    )
    if competition is None:
        raise Http404("未找到该比武。")
    return competition


def ranked(entries) -> list[CompetitionEntry]:
    """Rank entries by score (higher first; equal scores share a rank); unscored come last."""
    scored = sorted((e for e in entries if e.score is not None), key=lambda e: (-e.score, e.pk))
    previous, rank = None, 0
    for position, entry in enumerate(scored, start=1):
        if entry.score != previous:
            rank, previous = position, entry.score
        entry.rank = rank
    unscored = [e for e in entries if e.score is None]
    for entry in unscored:
        entry.rank = None
    return scored + unscored


def standings(competition: Competition) -> list[CompetitionEntry]:
    return ranked(list(competition.entries.select_related("staff", "unit")))


def result_text(entry: CompetitionEntry, competition: Competition) -> str:
    """Return a result as a nomination cites it: 通信警报专业技能比武 第1名（95分，一等奖）."""
    parts = []
    if entry.score is not None:
        parts.append(f"{entry.score.normalize():f}分")
    if entry.award:
        parts.append(entry.award)
    place = f"第{entry.rank}名" if entry.rank else "参赛"
    detail = f"（{'，'.join(parts)}）" if parts else ""
    return f"{competition.title} {place}{detail}"


def competition_results_of(staff_ids, *, year: int | None = None) -> dict[int, list[dict]]:
    """Return each person's 比武 results (two queries), for the record and for nominations.

    A 岗位之星 申报表 may cite one: {"competition": title, "result": "第1名（95分）", "text": …}.
    """
    staff_ids = list(staff_ids)
    entries = CompetitionEntry.objects.filter(staff_id__in=staff_ids)
    if year is not None:
        entries = entries.filter(competition__campaign__year=year)
    competition_ids = set(entries.values_list("competition_id", flat=True))
    everyone = defaultdict(list)
    competitions = {}
    for entry in CompetitionEntry.objects.filter(competition_id__in=competition_ids).select_related(
        "competition"
    ):
        everyone[entry.competition_id].append(entry)
        competitions[entry.competition_id] = entry.competition
    results: dict[int, list[dict]] = defaultdict(list)
    for competition_id, entries_of in everyone.items():
        competition = competitions[competition_id]
        for entry in ranked(entries_of):
            if entry.staff_id not in staff_ids:
                continue
            text = result_text(entry, competition)
            results[entry.staff_id].append(
                {
                    "competition": competition.title,
                    "discipline": competition.discipline,
                    "held_on": competition.held_on,
                    "level": competition.get_level_display(),
                    "rank": entry.rank,
                    "score": entry.score,
                    "award": entry.award,
                    "result": text.removeprefix(competition.title).strip(),
                    "text": text,
                }
            )
    for rows in results.values():
        rows.sort(key=lambda r: r["held_on"])
    return dict(results)


def quarter_star_list(*, campaign: Campaign) -> QuerySet[QuarterStar]:
    return (
        QuarterStar.objects.filter(campaign=campaign)
        .select_related("staff", "unit")
        .order_by("quarter", "unit__order", "id")
    )


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = 3 * (quarter - 1) + 1
    return month_bounds(year, first)[0], month_bounds(year, first + 2)[1]


def quarters_of(campaign: Campaign) -> list[Quarter]:
    """Return the quarters the campaign runs in."""
    return [
        q
        for q in Quarter
        if quarter_bounds(campaign.year, q)[1] >= campaign.start
        and quarter_bounds(campaign.year, q)[0] <= campaign.end
    ]


def discussion_list_for(*, user, campaign: Campaign) -> QuerySet[Discussion]:
    """Return the discussions the user may read: all for office-wide roles and the organisers,
    a section's own for its head, those a person took part in."""
    discussions = Discussion.objects.filter(campaign=campaign)
    if not rules.sees_all(user, campaign):
        visible = Q(unit__in=units_user_may_see(user))
        staff = user_staff(user)
        if staff is not None:
            visible |= Q(participants=staff) | Q(host=staff)
        discussions = discussions.filter(visible).distinct()
    return (
        discussions.select_related("unit", "host", "campaign")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-held_on", "id")
    )


def discussion_get_for(*, user, campaign: Campaign, pk: int) -> Discussion:
    discussion = discussion_list_for(user=user, campaign=campaign).filter(pk=pk).first()
    if discussion is None:
        raise Http404("未找到该讨论记录。")
    return discussion


def discussion_units(*, campaign: Campaign) -> list[dict]:
    """Return per section how many discussions it held and when the last was (two queries)."""
    held = {
        row["unit"]: row
        for row in Discussion.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
    }
    last = {}
    for row in Discussion.objects.filter(campaign=campaign).values("unit", "held_on"):
        if row["held_on"] > last.get(row["unit"], datetime.date.min):
            last[row["unit"]] = row["held_on"]
    return [
        {"unit": unit, "count": held.get(unit.pk, {}).get("n", 0), "last": last.get(unit.pk)}
        for unit in campaign_units()
    ]


# --- personal yearly record (个人实践档案) -------------------------------------------------------


@dataclass
class RecordSection:
    code: str
    label: str
    entries: list


@dataclass
class PersonRecord:
    staff: Staff
    campaign: Campaign
    counts: dict[str, int]
    sections: list[RecordSection]

    @property
    def total_entries(self) -> int:
        return sum(len(s.entries) for s in self.sections)


def record_columns() -> list[tuple[str, str]]:
    """Return the record's count columns, in provider order (the Excel's columns)."""
    return [column for _code, provider in providers.all_providers() for column in provider.columns]


def records_for(*, campaign: Campaign, staff, counts_only: bool = False) -> list[PersonRecord]:
    """Return the yearly records of these people, gathered from every registered provider.

    Each provider runs a fixed number of queries whatever the number of people. With
    `counts_only` (the list of people), providers that can count in SQL load no entries.
    """
    staff = list(staff)
    parts = providers.record_parts(campaign, staff=staff, counts_only=counts_only)
    records = []
    for person in staff:
        counts: dict[str, int] = {}
        sections = []
        for code, provider, by_staff in parts:
            for key, _header in provider.columns:
                counts[key] = 0
            part = by_staff.get(person.pk)
            if part is None:
                continue
            counts.update(part.counts)
            if part.entries:
                entries = sorted(part.entries, key=lambda e: (e.date or datetime.date.max, e.title))
                sections.append(RecordSection(code, provider.label, entries))
        records.append(PersonRecord(person, campaign, counts, sections))
    return records


def record_get_for(*, user, campaign: Campaign, staff_pk: int) -> PersonRecord:
    """Return one person's record if the user may see it; anyone else's is a 404."""
    staff = Staff.objects.select_related("unit", "user").filter(pk=staff_pk).first()
    if staff is None or not rules.may_view_record(user, staff):
        raise Http404("未找到该人员的实践档案。")
    return records_for(campaign=campaign, staff=[staff])[0]


def record_people_for(*, user, campaign: Campaign) -> QuerySet[Staff]:
    """Return the people whose records the user may open: the leadership everyone of the
    sections, a section head their unit, anyone else themselves."""
    people = campaign_staff()
    if rules.is_leadership(user):
        return people
    unit = user_unit(user)
    if unit is not None and rules.heads_unit(user, unit):
        return people.filter(unit=unit)
    staff = user_staff(user)
    return people.filter(pk=staff.pk if staff else None)


def own_record_parts(campaign: Campaign, *, staff) -> dict[int, providers.RecordPart]:
    """The campaign's own part of each person's record (a provider; a fixed number of queries).

    Items owned, teams led or joined, mentoring given or received, rotations, 比武 results,
    quarterly stars and the 四个够不够 discussions taken part in.
    """
    ids = [s.pk for s in staff]
    parts: dict[int, providers.RecordPart] = defaultdict(providers.RecordPart)
    RecordEntry = providers.RecordEntry
    today = clock.today()
    year_end = min(today, campaign.end)

    items = with_progress(
        WorkItem.objects.filter(campaign=campaign, owner_id__in=ids), today=year_end
    ).select_related("key_task")
    for item in decorate(items, today=year_end):
        part = parts[item.owner_id]
        part.counts["items_owned"] = part.counts.get("items_owned", 0) + 1
        if item.status == ItemStatus.DONE:
            part.counts["items_on_time"] = part.counts.get("items_on_time", 0) + 1
        if item.status in (ItemStatus.OVERDUE, ItemStatus.DONE_LATE):
            part.counts["items_late"] = part.counts.get("items_late", 0) + 1
        when = f"（{cn_day(item.done_on)}）" if item.done_on else ""
        part.entries.append(
            RecordEntry(
                "负责事项",
                f"{item.code} {item.title}",
                item.deadline,
                f"{item.key_task.title}；时限{item.deadline.month}月{item.deadline.day}日；"
                f"{item.status_label}{when}",
            )
        )

    for team in Team.objects.filter(campaign=campaign, leader_id__in=ids).annotate(
        outputs_n=Count("outputs")
    ):
        part = parts[team.leader_id]
        part.counts["teams"] = part.counts.get("teams", 0) + 1
        part.entries.append(
            RecordEntry(
                "攻坚团队",
                f"{team.get_kind_display()}“{team.name}”",
                team.formed_on,
                f"负责人；形成成果 {team.outputs_n} 项",
            )
        )
    for member in TeamMember.objects.filter(
        team__campaign=campaign, staff_id__in=ids
    ).select_related("team"):
        part = parts[member.staff_id]
        part.counts["teams"] = part.counts.get("teams", 0) + 1
        part.entries.append(
            RecordEntry(
                "攻坚团队",
                f"{member.team.get_kind_display()}“{member.team.name}”",
                member.team.formed_on,
                f"成员{('，' + member.duty) if member.duty else ''}",
            )
        )

    pairs = (
        MentorPair.objects.filter(campaign=campaign)
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
        .select_related("mentor", "mentee")
        .annotate(check_in_n=Count("check_ins"))
    )
    for pair in pairs:
        period = (
            f"{pair.starts_on.year}年{pair.starts_on.month}月至{pair.ends_on.month}月，"
            f"带教记录 {pair.check_in_n} 次"
        )
        if pair.mentor_id in ids:
            part = parts[pair.mentor_id]
            part.counts["mentoring"] = part.counts.get("mentoring", 0) + 1
            part.entries.append(
                RecordEntry("岗位带教", f"带教 {pair.mentee.name}", pair.starts_on, period)
            )
        if pair.mentee_id in ids:
            part = parts[pair.mentee_id]
            part.counts["mentoring"] = part.counts.get("mentoring", 0) + 1
            part.entries.append(
                RecordEntry("岗位带教", f"接受 {pair.mentor.name} 带教", pair.starts_on, period)
            )

    for rotation in Rotation.objects.filter(campaign=campaign, staff_id__in=ids).select_related(
        "to_unit", "from_unit"
    ):
        part = parts[rotation.staff_id]
        part.counts["rotations"] = part.counts.get("rotations", 0) + 1
        part.entries.append(
            RecordEntry(
                "交流锻炼",
                f"赴{rotation.destination}（{rotation.post}）",
                rotation.starts_on,
                f"{cn_day(rotation.starts_on)}至{cn_day(rotation.ends_on)}",
            )
        )

    for staff_id, results in competition_results_of(ids, year=campaign.year).items():
        part = parts[staff_id]
        part.counts["competitions"] = len(results)
        for result in results:
            part.entries.append(
                RecordEntry("比武", result["competition"], result["held_on"], result["result"])
            )

    for star in QuarterStar.objects.filter(campaign=campaign, staff_id__in=ids):
        part = parts[star.staff_id]
        part.counts["quarter_stars"] = part.counts.get("quarter_stars", 0) + 1
        part.entries.append(
            RecordEntry(
                "季度之星",
                f"{campaign.year}年{star.get_quarter_display()}“季度之星”",
                star.chosen_on,
                star.deeds[:40] + ("…" if len(star.deeds) > 40 else ""),
            )
        )

    taken_part = Discussion.participants.through.objects.filter(
        discussion__campaign=campaign, staff_id__in=ids
    ).select_related("discussion__unit")
    for row in taken_part:
        part = parts[row.staff_id]
        part.counts["discussions"] = part.counts.get("discussions", 0) + 1
        part.entries.append(
            RecordEntry(
                "“四个够不够”大讨论",
                f"{row.discussion.unit.display_name}大讨论",
                row.discussion.held_on,
                row.discussion.place,
            )
        )
    return dict(parts)


OWN_RECORD_COLUMNS = (
    ("items_owned", "负责事项"),
    ("items_on_time", "按期完成"),
    ("items_late", "逾期"),
    ("teams", "攻坚团队"),
    ("mentoring", "岗位带教"),
    ("rotations", "交流锻炼"),
    ("competitions", "比武"),
    ("quarter_stars", "季度之星"),
    ("discussions", "大讨论"),
)


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
    open_items = decorate(
        items.filter(mine_q, done_at__isnull=True).order_by("deadline", "number")[:6],
        today=today,
    )
    recheck_until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rechecks = decorate(
        items.filter(
            mine_q,
            kind=ItemKind.RECTIFICATION,
            done_at__isnull=False,
            recheck_on__lte=recheck_until,
            recheck_count=0,
        ).order_by("recheck_on")[:5],
        today=today,
    )
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
    latest = latest_published_ranking(campaign)
    my_row = None
    if latest is not None and unit is not None:
        my_row = RankingRow.objects.filter(ranking=latest, unit=unit).first()
    compile_months = (
        months_to_compile(campaign, today=today)
        if rules.may_compile_ranking(user, campaign)
        else []
    )
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
        "is_head": head,
        "today": today,
    }
