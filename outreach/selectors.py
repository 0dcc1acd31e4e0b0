"""Reads of the 六进 programme: the one place that decides what a user may see.

A 填报员 sees only their own unit's plans, reports and files, and (for a 街镇) its own
registers; the office-wide roles see every unit. Anything outside a user's scope is a 404,
the same as a missing record. List reads run a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404

from campaigns.models import Campaign, KeyDate, Programme
from campaigns.selectors import campaign_current, key_dates_of
from qpdo.org import clock
from qpdo.org.caching import cached
from qpdo.org.dates import local_date
from qpdo.org.enums import UnitKind
from qpdo.org.models import Unit
from qpdo.org.need_to_know import units_user_may_read
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion

from . import rules
from .coverage import Coverage, tally_coverage
from .enums import (
    FILED_STATES,
    KEY_DAY_WINDOW_DAYS,
    OWED_AMBER_DAYS,
    OWED_RED_DAYS,
    PLAN_STATE_LABELS,
    REPORT_STATE_LABELS,
    REPORT_TIMELY_DAYS,
    REPORTING_UNIT_KINDS,
    ExerciseKind,
    KeyDateCode,
    Register,
    TeamMemberKind,
)
from .keydates import RULE_CODES, KeyDay, computed_days, end_of_february
from .models import (
    BaseVisit,
    Community,
    CommunityAirRaidPlan,
    CommunityExercise,
    CommunityTeamMember,
    Enterprise,
    EnterpriseDrill,
    EnterpriseDrillPlan,
    EvacuationPlan,
    Front,
    PartySchoolAgreement,
    PartySchoolCourse,
    Plan,
    PlanItem,
    Report,
    ReportAttachment,
    ReportPhoto,
    School,
    SchoolCourse,
    SchoolDrill,
)
from .services import plan_years_open

# --- years, fronts, units ------------------------------------------------------------------


def outreach_year() -> int:
    """Return the working year: this calendar year (六进 is a standing duty of every year,
    with or without a 实践活动 campaign)."""
    return clock.today().year


def _record_years() -> list[int]:
    """Return the campaigns' years and every year between the first and last plan or report.

    Min/Max read the ends of the (year) and (held_on) indexes instead of a DISTINCT over
    every row; the result is cached until the next write.
    """

    def compute() -> list[int]:
        years = set(Campaign.objects.values_list("year", flat=True))
        plans = Plan.objects.aggregate(first=Min("year"), last=Max("year"))
        reports = Report.objects.aggregate(first=Min("held_on"), last=Max("held_on"))
        ends = [y for y in (plans["first"], plans["last"]) if y]
        ends += [d.year for d in (reports["first"], reports["last"]) if d]
        if ends:
            years.update(range(min(ends), max(ends) + 1))
        return sorted(years)

    return cached(("outreach-years",), compute)


def year_choices() -> list[int]:
    """Return the years a page may show, newest first, none skipped: from the first plan,
    report or campaign to this year (or to a later year already planned)."""
    years = [outreach_year(), *_record_years()]
    return list(range(max(years), min(years) - 1, -1))


def fronts_all() -> list[Front]:
    return list(Front.objects.prefetch_related("units"))


def reporting_units() -> QuerySet[Unit]:
    """Return the units that file plans and reports: the office, the 街镇, the member units."""
    return Unit.objects.filter(kind__in=REPORTING_UNIT_KINDS, is_active=True).order_by(
        "order", "id"
    )


def towns() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("order", "id")


def front_unit_ids(front: Front, units: Iterable[Unit]) -> set[int]:
    """Return the ids of the reporting units responsible for a front (uses prefetched units)."""
    named = {u.pk for u in front.units.all()}
    return {
        u.pk
        for u in units
        if u.pk in named
        or (front.includes_towns and u.kind == UnitKind.TOWN)
        or (front.includes_member_units and u.kind == UnitKind.MEMBER_UNIT)
    }


def responsible_fronts(fronts: list[Front], units: Iterable[Unit]) -> dict[int, list[Front]]:
    """Return, per unit id, the fronts the notice makes the unit responsible for."""
    units = list(units)
    result: dict[int, list[Front]] = {u.pk: [] for u in units}
    for front in fronts:
        for unit_id in front_unit_ids(front, units):
            result[unit_id].append(front)
    return result


def fronts_of_unit(unit: Unit) -> list[Front]:
    return responsible_fronts(fronts_all(), [unit])[unit.pk]


def front_for_register(register: Register) -> Front | None:
    return Front.objects.filter(register=register).first()


# --- key dates -----------------------------------------------------------------------------


def _stored_key_dates(year: int) -> tuple[dict[str, KeyDay], datetime.date | None]:
    """Return the year's stored 六进 key dates and its stored plan due date, in one statement.

    Cached under the data version (a changed key date bumps it): the 工作台 panel, the
    dashboard and the plan pages each ask for both.
    """

    def compute():
        current = campaign_current()
        if current is not None and current.year == year:
            stored = key_dates_of(current)  # the 工作台's other panels read the same list
        else:
            stored = KeyDate.objects.filter(campaign__year=year).filter(
                Q(programme=Programme.OUTREACH, code__in=RULE_CODES) | Q(code=KeyDateCode.PLAN_DUE)
            )
        days: dict[str, KeyDay] = {}
        plan_due = None
        for kd in sorted(stored, key=lambda kd: (kd.date, kd.pk)):
            if kd.code == KeyDateCode.PLAN_DUE and plan_due is None:
                plan_due = kd.date
            if kd.programme == Programme.OUTREACH and kd.code in RULE_CODES:
                days[kd.code] = KeyDay(kd.code, kd.title, kd.date, kd.is_deadline, kd.note)
        return days, plan_due

    return cached(("outreach-key-dates", year), compute)


def key_days_for(year: int) -> list[KeyDay]:
    """Return the 六进 key dates of a year: those stored on its campaign, else the rules'."""
    stored = _stored_key_dates(year)[0]
    days = [stored.get(day.code, day) for day in computed_days(year)]
    return sorted(days, key=lambda day: (day.date, day.code))


def plan_due_date(year: int) -> datetime.date:
    """Return the day the year's plan is due (the stored key date, else the end of February)."""
    return _stored_key_dates(year)[1] or end_of_february(year)


@dataclass
class KeyDayReports:
    day: KeyDay
    window_start: datetime.date
    window_end: datetime.date
    filed: int = 0
    adopted: int = 0

    @property
    def is_past(self) -> bool:
        return self.day.date < clock.today()


def key_days_with_reports(*, year: int, reports: QuerySet[Report]) -> list[KeyDayReports]:
    """Return the year's observances with the reports held around each (one query)."""
    result = key_day_windows(year)
    if not result:
        return result
    rows = reports_per_day(
        reports.filter(approval__state__in=FILED_STATES),
        start=min(r.window_start for r in result),
        end=max(r.window_end for r in result),
    )
    return tally_key_days(result, rows)


def key_day_windows(year: int) -> list[KeyDayReports]:
    """Return the year's observances, each with the days around it that count for it."""
    days = [d for d in key_days_for(year) if not d.is_deadline]
    window = datetime.timedelta(days=KEY_DAY_WINDOW_DAYS)
    return [KeyDayReports(d, d.date - window, d.date + window) for d in days]


def reports_per_day(
    reports: QuerySet[Report], *, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, str, int]]:
    """Return (held on, state, count) of the reports held between two days, counted in SQL."""
    return list(
        reports.prefetch_related(None)
        .filter(held_on__gte=start, held_on__lte=end)
        .values_list("held_on", "approval__state")
        .annotate(n=Count("id"))
        .order_by()
    )


def tally_key_days(result: list[KeyDayReports], rows) -> list[KeyDayReports]:
    """Add the filed and adopted reports of `reports_per_day` rows to each key day's window."""
    for held_on, state, n in rows:
        if state not in FILED_STATES:
            continue
        for entry in result:
            if entry.window_start <= held_on <= entry.window_end:
                entry.filed += n
                entry.adopted += n if state == State.APPROVED else 0
    return result


# --- plans ---------------------------------------------------------------------------------


def first_submitted_at():
    """Return a subquery: when the subject was first handed in (the first 提交 opinion)."""
    return Subquery(
        Opinion.objects.filter(approval=OuterRef("approval"), action=Action.SUBMIT)
        .order_by("at", "id")
        .values("at")[:1]
    )


def plan_list_for(*, user, year: int | None = None, unit: Unit | None = None) -> QuerySet[Plan]:
    """Return the plans the user may see, with their first hand-in time and item totals."""
    plans = Plan.objects.filter(unit__in=units_user_may_read(user, "outreach.Plan"))
    if year is not None:
        plans = plans.filter(year=year)
    if unit is not None:
        plans = plans.filter(unit=unit)
    return plans.select_related("unit", "approval").annotate(
        first_submitted_at=first_submitted_at(),
        item_count=Count("items", distinct=True),
        budget_total=Sum("items__budget"),
    )


def plan_get_for(*, user, pk: int) -> Plan:
    """Return one plan the user may see; another unit's plan is a 404, like a missing one."""
    plan = plan_list_for(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404("未找到该计划。")
    return plan


def plan_years_free(*, unit: Unit) -> list[int]:
    """Return the years a unit may still file a plan for (open years without its plan)."""

    taken = set(Plan.objects.filter(unit=unit).values_list("year", flat=True))
    return [year for year in plan_years_open() if year not in taken]


def plan_items(plan: Plan) -> list[PlanItem]:
    return list(
        plan.items.select_related("front")
        .annotate(report_count=Count("reports"))
        .order_by("front__order", "month", "order", "id")
    )


def plan_items_for_unit(unit: Unit, years: Iterable[int]) -> QuerySet[PlanItem]:
    """Return the planned activities a report of the unit may carry out."""
    return (
        PlanItem.objects.filter(plan__unit=unit, plan__year__in=list(years))
        .select_related("front", "plan")
        .order_by("-plan__year", "front__order", "month", "id")
    )


@dataclass
class PlanStatus:
    """Where a unit stands with the year's plan: handed in on time, late, or not at all."""

    unit: Unit
    plan: Plan | None
    due: datetime.date
    first_submitted: datetime.date | None
    timing: str  # on_time, late, overdue, not_due
    state: str = ""

    TIMING_LABELS = {
        "on_time": "按时报送",
        "late": "逾期报送",
        "overdue": "逾期未报",
        "not_due": "尚未报送",
    }
    TIMING_CLASSES = {
        "on_time": "success",
        "late": "warning",
        "overdue": "danger",
        "not_due": "secondary",
    }

    @property
    def timing_label(self) -> str:
        return self.TIMING_LABELS[self.timing]

    @property
    def timing_class(self) -> str:
        return self.TIMING_CLASSES[self.timing]

    @property
    def state_label(self) -> str:
        return PLAN_STATE_LABELS.get(self.state, "未填报") if self.plan else "未填报"

    @property
    def is_missing(self) -> bool:
        return self.first_submitted is None


def plan_timing(
    first_submitted: datetime.date | None, due: datetime.date, today: datetime.date
) -> str:
    """Return on_time / late / overdue / not_due for a plan handed in on a day (or not)."""
    if first_submitted is not None:
        return "on_time" if first_submitted <= due else "late"
    return "overdue" if today > due else "not_due"


def reporting_units_with_plan_handed_in(*, year: int, **counts) -> list[Unit]:
    """Return the reporting units, each with `plan_handed_in_at` (when its plan for the year was
    first handed in, or None), in one statement. `counts` (name: subquery_count(...)) ride on
    every row, computed once: a panel reads its totals in the same statement."""
    year_plan = Plan.objects.filter(unit=OuterRef("pk"), year=year)
    return list(
        reporting_units().annotate(
            plan_handed_in_at=Subquery(
                year_plan.annotate(at=first_submitted_at()).values("at")[:1]
            ),
            **counts,
        )
    )


def plan_statuses(*, year: int, units: list[Unit]) -> dict[int, PlanStatus]:
    """Return the plan status of each unit for a year (two queries)."""
    due = plan_due_date(year)
    today = clock.today()
    plans = {
        p.unit_id: p
        for p in Plan.objects.filter(year=year, unit__in=[u.pk for u in units])
        .select_related("approval")
        .annotate(first_submitted_at=first_submitted_at())
    }
    result = {}
    for unit in units:
        plan = plans.get(unit.pk)
        first = local_date(plan.first_submitted_at) if plan else None
        result[unit.pk] = PlanStatus(
            unit=unit,
            plan=plan,
            due=due,
            first_submitted=first,
            timing=plan_timing(first, due, today),
            state=plan.approval.state if plan else "",
        )
    return result


# --- reports owed --------------------------------------------------------------------------

# Plans whose activities are owed reports: handed in and not refused (a draft is not a plan yet).
OWING_PLAN_STATES = (State.IN_REVIEW, State.RETURNED, State.APPROVED)


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class OwedItem:
    """A planned activity whose month has ended with no report handed in for it (待报送)."""

    item: PlanItem
    month_end: datetime.date
    days_late: int

    LEVELS = {"due": "secondary", "amber": "warning", "red": "danger"}

    @property
    def level(self) -> str:
        """Return due (within a week of its month), amber (> 7 days) or red (> 30 days)."""
        if self.days_late > OWED_RED_DAYS:
            return "red"
        if self.days_late > OWED_AMBER_DAYS:
            return "amber"
        return "due"

    @property
    def level_class(self) -> str:
        return self.LEVELS[self.level]

    @property
    def is_flagged(self) -> bool:
        return self.level != "due"


def plan_items_owed(
    *,
    units: Iterable[Unit] | None = None,
    year: int | None = None,
    since_year: int | None = None,
    today: datetime.date | None = None,
) -> list[OwedItem]:
    """Return the planned activities owed a report, as of today (one query).

    An activity is owed once the month its plan schedules it for has ended, until a report
    linked to it is handed in (a draft does not count; a returned one does, the unit is on it).
    """
    today = today or clock.today()
    items = PlanItem.objects.filter(plan__approval__state__in=OWING_PLAN_STATES).filter(
        Q(plan__year__lt=today.year) | Q(plan__year=today.year, month__lt=today.month)
    )
    if units is not None:
        items = items.filter(plan__unit__in=[u.pk for u in units])
    if year is not None:
        items = items.filter(plan__year=year)
    if since_year is not None:
        items = items.filter(plan__year__gte=since_year)
    filed = Report.objects.filter(plan_item=OuterRef("pk"), approval__state__in=FILED_STATES)
    items = (
        items.annotate(reported=Exists(filed))
        .filter(reported=False)
        .select_related("plan__unit", "front")
        .order_by("plan__year", "month", "plan__unit__order", "front__order", "id")
    )
    owed = []
    for item in items:
        end = month_end(item.plan.year, item.month)
        owed.append(OwedItem(item, end, (today - end).days))
    return owed


# --- reports -------------------------------------------------------------------------------


def _photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=ReportPhoto.objects.order_by("order", "id"))


def report_list_for(
    *,
    user,
    year: int | None = None,
    unit: Unit | None = None,
    front: Front | None = None,
    kind: str = "",
    state: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    query: str = "",
    promoted: bool | None = None,
) -> QuerySet[Report]:
    """Return the reports the user may see, filtered, with fronts and photos prefetched."""
    reports = Report.objects.filter(unit__in=units_user_may_read(user, "outreach.Report"))
    if year is not None:
        reports = reports.filter(held_on__year=year)
    if unit is not None:
        reports = reports.filter(unit=unit)
    if front is not None:
        reports = reports.filter(fronts=front)
    if kind:
        reports = reports.filter(kind=kind)
    if state:
        reports = reports.filter(approval__state=state)
    if date_from is not None:
        reports = reports.filter(held_on__gte=date_from)
    if date_to is not None:
        reports = reports.filter(held_on__lte=date_to)
    if query:
        reports = reports.filter(
            Q(title__icontains=query) | Q(place__icontains=query) | Q(content__icontains=query)
        )
    if promoted is not None:
        reports = reports.filter(promoted_to_city=promoted)
    return (
        reports.select_related("unit", "approval", "plan_item__front", "plan_item__plan")
        .prefetch_related("fronts", _photos_prefetch())
        .order_by("-held_on", "-id")
    )


def report_get_for(*, user, pk: int) -> Report:
    """Return one report the user may see; another unit's report is a 404."""
    report = (
        report_list_for(user=user)
        .prefetch_related("attachments")
        .select_related("promoted_by__staff")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("未找到该活动信息。")
    return report


def photo_get_for(*, user, pk: int) -> ReportPhoto:
    photo = (
        ReportPhoto.objects.filter(
            pk=pk, report__unit__in=units_user_may_read(user, "outreach.ReportPhoto")
        )
        .select_related("report")
        .first()
    )
    if photo is None:
        raise Http404("未找到该照片。")
    return photo


def attachment_get_for(*, user, pk: int) -> ReportAttachment:
    attachment = (
        ReportAttachment.objects.filter(
            pk=pk, report__unit__in=units_user_may_read(user, "outreach.ReportAttachment")
        )
        .select_related("report")
        .first()
    )
    if attachment is None:
        raise Http404("未找到该附件。")
    return attachment


def report_state_label(state: str) -> str:
    return REPORT_STATE_LABELS.get(state, state)


def latest_adopted_reports(*, limit: int = 8, year: int | None = None) -> list[Report]:
    reports = Report.objects.filter(approval__state=State.APPROVED)
    if year is not None:
        reports = reports.filter(held_on__year=year)
    return list(
        reports.select_related("unit", "approval")
        .prefetch_related("fronts", _photos_prefetch())
        .order_by("-approval__decided_at", "-id")[:limit]
    )


# --- registers -----------------------------------------------------------------------------


def towns_for(user) -> QuerySet[Unit]:
    """Return the 街镇 whose registers the user may read."""
    if not rules.may_see_registers(user):
        return Unit.objects.none()
    return (
        units_user_may_read(user, "outreach.School")
        .filter(kind=UnitKind.TOWN)
        .order_by("order", "id")
    )


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _schools_annotated(schools: QuerySet[School], year: int) -> QuerySet[School]:
    start, end = _year_range(year)
    plans = EvacuationPlan.objects.filter(school=OuterRef("pk"))
    drills = SchoolDrill.objects.filter(school=OuterRef("pk"), held_on__range=(start, end))
    return schools.annotate(
        has_plan=Exists(plans),
        plan_on=Subquery(plans.order_by("-compiled_on", "-id").values("compiled_on")[:1]),
        drilled=Exists(drills),
        last_drill_on=Subquery(drills.order_by("-held_on").values("held_on")[:1]),
        drill_count=Subquery(
            drills.order_by().values("school").annotate(n=Count("id")).values("n")[:1]
        ),
        course_count=Subquery(
            SchoolCourse.objects.filter(school=OuterRef("pk"), year=year)
            .order_by()
            .values("school")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        course_hours=Subquery(
            SchoolCourse.objects.filter(school=OuterRef("pk"), year=year)
            .order_by()
            .values("school")
            .annotate(n=Sum("hours"))
            .values("n")[:1]
        ),
    )


SCHOOL_STATUS_FILTERS = {
    "covered": Q(has_plan=True, drilled=True),
    "uncovered": Q(has_plan=False) | Q(drilled=False),
    "no_plan": Q(has_plan=False),
    "no_drill": Q(drilled=False),
}
SCHOOL_STATUS_LABELS = {
    "covered": "已全覆盖",
    "uncovered": "未覆盖",
    "no_plan": "缺疏散方案",
    "no_drill": "本年未演练",
}


def school_list_for(
    *, user, year: int, town: Unit | None = None, status: str = "", query: str = ""
) -> QuerySet[School]:
    """Return the active schools the user may see, with their plan and this year's drills."""
    schools = School.objects.filter(town__in=towns_for(user), is_active=True)
    if town is not None:
        schools = schools.filter(town=town)
    if query:
        schools = schools.filter(name__icontains=query)
    schools = _schools_annotated(schools.select_related("town"), year)
    if status in SCHOOL_STATUS_FILTERS:
        schools = schools.filter(SCHOOL_STATUS_FILTERS[status])
    return schools.order_by("town__order", "name")


def school_get_for(*, user, pk: int, year: int | None = None) -> School:
    school = (
        _schools_annotated(
            School.objects.filter(town__in=towns_for(user)).select_related("town"),
            year or outreach_year(),
        )
        .filter(pk=pk)
        .first()
    )
    if school is None:
        raise Http404("未找到该学校。")
    return school


def evacuation_plan_get_for(*, user, pk: int) -> EvacuationPlan:
    plan = (
        EvacuationPlan.objects.filter(pk=pk, school__town__in=towns_for(user))
        .select_related("school")
        .first()
    )
    if plan is None:
        raise Http404("未找到该方案。")
    return plan


def _communities_annotated(communities: QuerySet[Community], year: int) -> QuerySet[Community]:
    start, end = _year_range(year)

    def held(kind: str):
        return CommunityExercise.objects.filter(
            community=OuterRef("pk"), kind=kind, held_on__range=(start, end)
        )

    return communities.annotate(
        trained=Exists(held(ExerciseKind.TRAINING)),
        drilled=Exists(held(ExerciseKind.DRILL)),
        last_training_on=Subquery(
            held(ExerciseKind.TRAINING).order_by("-held_on").values("held_on")[:1]
        ),
        last_drill_on=Subquery(held(ExerciseKind.DRILL).order_by("-held_on").values("held_on")[:1]),
        plan_revised=Exists(
            CommunityAirRaidPlan.objects.filter(
                community=OuterRef("pk"), compiled_on__range=(start, end)
            )
        ),
        plan_revised_on=Subquery(
            CommunityAirRaidPlan.objects.filter(
                community=OuterRef("pk"), compiled_on__range=(start, end)
            )
            .order_by("-compiled_on")
            .values("compiled_on")[:1]
        ),
        team_size=team_count(),
        **{f"team_{kind.value}": team_count(kind=kind) for kind in TeamMemberKind},
    )


def team_count(**filters):
    """A subquery counting a community's active 宣教队伍 members (of one kind when given)."""
    return Subquery(
        CommunityTeamMember.objects.filter(community=OuterRef("pk"), is_active=True, **filters)
        .order_by()
        .values("community")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )


COMMUNITY_STATUS_FILTERS = {
    "covered": Q(trained=True, drilled=True),
    "uncovered": Q(trained=False) | Q(drilled=False),
    "no_training": Q(trained=False),
    "no_drill": Q(drilled=False),
}
COMMUNITY_STATUS_LABELS = {
    "covered": "已全覆盖",
    "uncovered": "未覆盖",
    "no_training": "本年未培训",
    "no_drill": "本年未演练",
}


def community_list_for(
    *, user, year: int, town: Unit | None = None, status: str = "", query: str = ""
) -> QuerySet[Community]:
    communities = Community.objects.filter(town__in=towns_for(user), is_active=True)
    if town is not None:
        communities = communities.filter(town=town)
    if query:
        communities = communities.filter(name__icontains=query)
    communities = _communities_annotated(communities.select_related("town"), year)
    if status in COMMUNITY_STATUS_FILTERS:
        communities = communities.filter(COMMUNITY_STATUS_FILTERS[status])
    return communities.order_by("town__order", "kind", "name")


def community_get_for(*, user, pk: int, year: int | None = None) -> Community:
    community = (
        _communities_annotated(
            Community.objects.filter(town__in=towns_for(user)).select_related("town"),
            year or outreach_year(),
        )
        .filter(pk=pk)
        .first()
    )
    if community is None:
        raise Http404("未找到该社区。")
    return community


def _enterprises_annotated(enterprises: QuerySet[Enterprise], year: int) -> QuerySet[Enterprise]:
    start, end = _year_range(year)
    plans = EnterpriseDrillPlan.objects.filter(enterprise=OuterRef("pk"))
    drills = EnterpriseDrill.objects.filter(enterprise=OuterRef("pk"), held_on__range=(start, end))
    return enterprises.annotate(
        has_plan=Exists(plans),
        plan_on=Subquery(plans.order_by("-compiled_on", "-id").values("compiled_on")[:1]),
        drilled=Exists(drills),
        drilled_at_key_day=Exists(drills.exclude(occasion="other")),
        last_drill_on=Subquery(drills.order_by("-held_on").values("held_on")[:1]),
        drill_count=Subquery(
            drills.order_by().values("enterprise").annotate(n=Count("id")).values("n")[:1]
        ),
    )


ENTERPRISE_STATUS_FILTERS = {
    "covered": Q(has_group=True, has_plan=True, drilled=True) & ~Q(contact_name=""),
    "uncovered": Q(has_group=False) | Q(contact_name="") | Q(has_plan=False) | Q(drilled=False),
    "no_group": Q(has_group=False) | Q(contact_name=""),
    "no_plan": Q(has_plan=False),
    "no_drill": Q(drilled=False),
}
ENTERPRISE_STATUS_LABELS = {
    "covered": "已全覆盖",
    "uncovered": "未覆盖",
    "no_group": "缺工作小组或专人",
    "no_plan": "缺演练方案",
    "no_drill": "本年未演练",
}


def enterprise_list_for(
    *, user, year: int, town: Unit | None = None, status: str = "", query: str = ""
) -> QuerySet[Enterprise]:
    """Return the active enterprises the user may see, with their plan and the year's drills."""
    enterprises = Enterprise.objects.filter(town__in=towns_for(user), is_active=True)
    if town is not None:
        enterprises = enterprises.filter(town=town)
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(park__icontains=query))
    enterprises = _enterprises_annotated(enterprises.select_related("town"), year)
    if status in ENTERPRISE_STATUS_FILTERS:
        enterprises = enterprises.filter(ENTERPRISE_STATUS_FILTERS[status])
    return enterprises.order_by("town__order", "name")


def enterprise_get_for(*, user, pk: int, year: int | None = None) -> Enterprise:
    enterprise = (
        _enterprises_annotated(
            Enterprise.objects.filter(town__in=towns_for(user)).select_related("town"),
            year or outreach_year(),
        )
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404("未找到该企业。")
    return enterprise


def enterprise_drill_plan_get_for(*, user, pk: int) -> EnterpriseDrillPlan:
    plan = (
        EnterpriseDrillPlan.objects.filter(pk=pk, enterprise__town__in=towns_for(user))
        .select_related("enterprise")
        .first()
    )
    if plan is None:
        raise Http404("未找到该方案。")
    return plan


def community_plan_get_for(*, user, pk: int) -> CommunityAirRaidPlan:
    plan = (
        CommunityAirRaidPlan.objects.filter(pk=pk, community__town__in=towns_for(user))
        .exclude(file="")
        .select_related("community")
        .first()
    )
    if plan is None:
        raise Http404("未找到该方案。")
    return plan


@dataclass
class PartySchoolYear:
    """The 进党校 register of a year: courses in the 培训计划, base visits, the agreement."""

    year: int
    courses: list[PartySchoolCourse]
    visits: list[BaseVisit]
    agreement: PartySchoolAgreement | None

    @property
    def course_hours(self) -> int:
        return sum(c.hours for c in self.courses)

    @property
    def visitors(self) -> int:
        return sum(v.participants for v in self.visits)

    @property
    def parts(self) -> dict[str, bool]:
        return {
            "agreement": self.agreement is not None,
            "courses": bool(self.courses),
            "visits": bool(self.visits),
        }

    @property
    def met(self) -> int:
        return sum(self.parts.values())

    @property
    def rate(self) -> float:
        return round(self.met * 100 / len(self.parts), 1)


def party_school_year(year: int) -> PartySchoolYear:
    """Return the 进党校 register of a year (three queries)."""
    start, end = _year_range(year)
    return PartySchoolYear(
        year=year,
        courses=list(PartySchoolCourse.objects.filter(year=year).order_by("taught_on", "id")),
        visits=list(
            BaseVisit.objects.filter(visited_on__range=(start, end)).order_by("visited_on")
        ),
        agreement=agreement_in_force(year),
    )


def agreement_list_for(*, user) -> QuerySet[PartySchoolAgreement]:
    """Return the party-school agreements: for the office and the 区委党校's own 填报员."""
    agreements = PartySchoolAgreement.objects.select_related("partner").order_by("-signed_on")
    if rules.may_see_dashboard(user):
        return agreements
    unit = rules.reporting_unit(user)
    if unit is None:
        return agreements.none()
    return agreements.filter(partner=unit)


def agreement_get_for(*, user, pk: int) -> PartySchoolAgreement:
    agreement = agreement_list_for(user=user).filter(pk=pk).first()
    if agreement is None:
        raise Http404("未找到该协议。")
    return agreement


def agreement_in_force(year: int) -> PartySchoolAgreement | None:
    """Return the party-school agreement in force during a year, the latest signed first."""
    start, end = _year_range(year)
    return (
        PartySchoolAgreement.objects.filter(signed_on__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .select_related("partner")
        .order_by("-signed_on")
        .first()
    )


def _target_of(register: Register, default: int = 100) -> int:
    front = front_for_register(register)
    return front.coverage_target if front and front.coverage_target else default


def school_coverage(*, year: int, town_list: list[Unit] | None = None) -> Coverage:
    """Return school coverage per 街镇: an evacuation plan and a drill in the year."""
    town_list = list(towns()) if town_list is None else town_list
    places = _schools_annotated(
        School.objects.filter(is_active=True, town__in=[t.pk for t in town_list]), year
    ).values_list("town_id", "has_plan", "drilled", "course_count")
    rows, district = tally_coverage(
        town_list,
        (
            (town_id, {"plan": plan, "drill": drill, "courses": bool(courses)})
            for town_id, plan, drill, courses in places
        ),
        ["plan", "drill", "courses"],
        required=["plan", "drill"],
    )
    return Coverage(
        register=Register.SCHOOLS,
        label="学校",
        year=year,
        target=_target_of(Register.SCHOOLS),
        part_labels={
            "plan": "有紧急疏散行动方案",
            "drill": f"{year}年已演练",
            "courses": f"{year}年有课程课时",
        },
        rows=rows,
        district=district,
    )


def community_coverage(*, year: int, town_list: list[Unit] | None = None) -> Coverage:
    """Return community coverage per 街镇: a training and a drill in the year."""
    town_list = list(towns()) if town_list is None else town_list
    places = _communities_annotated(
        Community.objects.filter(is_active=True, town__in=[t.pk for t in town_list]), year
    ).values_list("town_id", "trained", "drilled", "plan_revised")
    rows, district = tally_coverage(
        town_list,
        ((town_id, {"training": t, "drill": d, "plan_revised": p}) for town_id, t, d, p in places),
        ["training", "drill", "plan_revised"],
        required=["training", "drill"],
    )
    return Coverage(
        register=Register.COMMUNITIES,
        label="社区（村、居委）",
        year=year,
        target=_target_of(Register.COMMUNITIES),
        part_labels={
            "training": f"{year}年已培训",
            "drill": f"{year}年已演练",
            "plan_revised": f"{year}年已修订防空袭方案",
        },
        rows=rows,
        district=district,
    )


def enterprise_coverage(*, year: int, town_list: list[Unit] | None = None) -> Coverage:
    """Return enterprise coverage per 街镇: a 工作小组 with its 专人, a drill plan, a drill."""
    town_list = list(towns()) if town_list is None else town_list
    places = _enterprises_annotated(
        Enterprise.objects.filter(is_active=True, town__in=[t.pk for t in town_list]), year
    ).values_list("town_id", "has_group", "contact_name", "has_plan", "drilled")
    rows, district = tally_coverage(
        town_list,
        (
            (town_id, {"group": group and bool(person), "plan": plan, "drill": drill})
            for town_id, group, person, plan, drill in places
        ),
        ["group", "plan", "drill"],
    )
    return Coverage(
        register=Register.ENTERPRISES,
        label="企业（园区）",
        year=year,
        target=_target_of(Register.ENTERPRISES),
        part_labels={
            "group": "有工作小组和专人",
            "plan": "有防空疏散演练方案",
            "drill": f"{year}年已演练",
        },
        rows=rows,
        district=district,
    )


def report_timing(
    held_on: datetime.date, first_submitted: datetime.date | None, days: int = REPORT_TIMELY_DAYS
) -> bool | None:
    """Return whether a report was handed in within `days` of the activity (None: not yet)."""
    if first_submitted is None:
        return None
    return (first_submitted - held_on).days <= days


@dataclass(frozen=True)
class HandIn:
    on: datetime.date
    days_after: int
    timely: bool


def report_hand_in(report: Report) -> HandIn | None:
    """Return when a report was first handed in, and whether that was in time."""
    first = (
        Opinion.objects.filter(approval_id=report.approval_id, action=Action.SUBMIT)
        .order_by("at", "id")
        .values_list("at", flat=True)
        .first()
    )
    if first is None:
        return None
    on = local_date(first)
    return HandIn(on, (on - report.held_on).days, bool(report_timing(report.held_on, on)))


# --- the year summary per unit --------------------------------------------------------------


def budget_by_unit(*, year: int) -> dict[int, Decimal]:
    return dict(
        PlanItem.objects.filter(plan__year=year)
        .values_list("plan__unit_id")
        .annotate(total=Sum("budget"))
        .values_list("plan__unit_id", "total")
    )


def audience_by_unit(*, year: int) -> dict[int, int]:
    return dict(
        Report.objects.filter(held_on__year=year, approval__state=State.APPROVED)
        .values_list("unit_id")
        .annotate(total=Sum("audience_count"))
        .values_list("unit_id", "total")
    )
