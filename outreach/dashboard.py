"""The 六进 dashboards: the office's 看板 of every unit's year, and the panel on the 工作台."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    Q,
)
from django.db.models.functions import TruncDate

from qpdo.org import clock
from qpdo.org.enums import UnitKind
from qpdo.org.models import Unit
from qpdo.org.sql import subquery_count
from qpdo.workflow.enums import State

from . import rules
from .enums import (
    FILED_STATES,
    OWED_AMBER_DAYS,
    OWED_RED_DAYS,
    REPORT_STATE_LABELS,
    REPORT_TIMELY_DAYS,
)
from .models import Front, Plan, Report
from .selectors import (
    KeyDayReports,
    OwedItem,
    PlanStatus,
    agreement_in_force,
    community_coverage,
    enterprise_coverage,
    first_submitted_at,
    fronts_all,
    key_day_windows,
    key_days_with_reports,
    latest_adopted_reports,
    outreach_year,
    party_school_year,
    plan_due_date,
    plan_items_owed,
    plan_statuses,
    reporting_units,
    reporting_units_with_plan_handed_in,
    reports_per_day,
    responsible_fronts,
    school_coverage,
    tally_key_days,
)

# --- the office dashboard ------------------------------------------------------------------


@dataclass
class FrontCell:
    front: Front
    responsible: bool
    adopted: int = 0


@dataclass
class UnitProgress:
    """One unit's year: plan, reports by state, fronts covered by adopted reports."""

    unit: Unit
    plan: PlanStatus
    cells: list[FrontCell]
    states: Counter = field(default_factory=Counter)
    timely: int = 0
    late: int = 0
    last_held_on: datetime.date | None = None
    owed: list[OwedItem] = field(default_factory=list)

    @property
    def owed_flagged(self) -> list[OwedItem]:
        """Return the owed activities past the amber limit (shown on the dashboard)."""
        return [o for o in self.owed if o.is_flagged]

    @property
    def owed_level_class(self) -> str:
        levels = {o.level for o in self.owed}
        for level in ("red", "amber", "due"):
            if level in levels:
                return OwedItem.LEVELS[level]
        return ""

    @property
    def responsible_count(self) -> int:
        return sum(cell.responsible for cell in self.cells)

    @property
    def fronts_covered(self) -> int:
        return sum(1 for cell in self.cells if cell.responsible and cell.adopted)

    @property
    def adopted(self) -> int:
        return self.states[State.APPROVED]

    @property
    def pending(self) -> int:
        return self.states[State.IN_REVIEW]

    @property
    def returned(self) -> int:
        return self.states[State.RETURNED]

    @property
    def filed(self) -> int:
        return sum(self.states[s] for s in FILED_STATES)

    @property
    def expected(self) -> int:
        """Return what is expected of the unit: its plan and one adopted report per front."""
        return 1 + self.responsible_count

    @property
    def achieved(self) -> int:
        plan_done = self.plan.plan is not None and self.plan.state == State.APPROVED
        return int(plan_done) + self.fronts_covered

    @property
    def completeness(self) -> int:
        return round(self.achieved * 100 / self.expected) if self.expected else 0

    @property
    def has_no_plan(self) -> bool:
        return self.plan.is_missing

    @property
    def has_no_report(self) -> bool:
        return self.filed == 0

    @property
    def is_behind(self) -> bool:
        return self.has_no_plan or self.has_no_report


def report_state_counts(*, year: int, unit_ids: list[int]) -> list[dict]:
    """Return, per unit and approval state, the year's reports: how many (`n`), the latest
    activity date (`last_held`), and how many were handed in within REPORT_TIMELY_DAYS of it
    (`timely`) or later (`late`). Counted in SQL; the reports never reach Python."""
    first_day = TruncDate(first_submitted_at(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    deadline = ExpressionWrapper(
        F("held_on") + datetime.timedelta(days=REPORT_TIMELY_DAYS), output_field=DateField()
    )
    # NULL (never handed in), true or false: one comparison, so the first 提交 of each report
    # is looked up once (a CASE would look it up once per branch).
    in_time = ExpressionWrapper(
        Q(first_day__lte=F("deadline")), output_field=BooleanField(null=True)
    )
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = (
        Report.objects.filter(unit_id__in=unit_ids, held_on__range=(start, end))
        .annotate(first_day=first_day, deadline=deadline)
        .annotate(in_time=in_time)
        .values("unit_id", "approval__state", "in_time")
        .annotate(n=Count("id"), last_held=Max("held_on"))
        .order_by()
    )
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = (row["unit_id"], row["approval__state"])
        entry = merged.setdefault(
            key,
            {
                "unit_id": key[0],
                "approval__state": key[1],
                "n": 0,
                "last_held": None,
                "timely": 0,
                "late": 0,
            },
        )
        entry["n"] += row["n"]
        if row["last_held"] is not None:
            entry["last_held"] = max(filter(None, (entry["last_held"], row["last_held"])))
        if row["in_time"] is True:
            entry["timely"] += row["n"]
        elif row["in_time"] is False:
            entry["late"] += row["n"]
    return list(merged.values())


def unit_progress(*, year: int, units: list[Unit] | None = None) -> list[UnitProgress]:
    """Return each reporting unit's progress in a year (a fixed number of queries)."""
    units = list(reporting_units()) if units is None else units
    unit_ids = [u.pk for u in units]
    fronts = fronts_all()
    responsible = responsible_fronts(fronts, units)
    statuses = plan_statuses(year=year, units=units)

    adopted = Counter(
        {
            (row["report__unit_id"], row["front_id"]): row["n"]
            for row in Report.fronts.through.objects.filter(
                report__unit_id__in=unit_ids,
                report__held_on__year=year,
                report__approval__state=State.APPROVED,
            )
            .values("report__unit_id", "front_id")
            .annotate(n=Count("report_id"))
        }
    )
    states: dict[int, Counter] = defaultdict(Counter)
    last_held: dict[int, datetime.date] = {}
    timely: Counter = Counter()
    late: Counter = Counter()
    # Counted in SQL, one row per unit and state (the year's reports never reach Python).
    for row in report_state_counts(year=year, unit_ids=unit_ids):
        unit_id, state = row["unit_id"], row["approval__state"]
        states[unit_id][state] += row["n"]
        if state in FILED_STATES:
            if row["last_held"] is not None:
                last_held[unit_id] = max(last_held.get(unit_id, row["last_held"]), row["last_held"])
            timely[unit_id] += row["timely"]
            late[unit_id] += row["late"]

    owed: dict[int, list[OwedItem]] = defaultdict(list)
    for entry in plan_items_owed(units=units, year=year):
        owed[entry.item.plan.unit_id].append(entry)

    progress = []
    for unit in units:
        own = {f.pk for f in responsible[unit.pk]}
        progress.append(
            UnitProgress(
                unit=unit,
                plan=statuses[unit.pk],
                cells=[FrontCell(f, f.pk in own, adopted[(unit.pk, f.pk)]) for f in fronts],
                states=states[unit.pk],
                timely=timely[unit.pk],
                late=late[unit.pk],
                last_held_on=last_held.get(unit.pk),
                owed=owed.get(unit.pk, []),
            )
        )
    return progress


def dashboard_for(*, year: int) -> dict:
    """Return everything the office dashboard shows for a year (a fixed number of queries)."""
    units = list(reporting_units())
    town_list = [u for u in units if u.kind == UnitKind.TOWN]
    progress = unit_progress(year=year, units=units)
    owed = [entry for p in progress for entry in p.owed]
    fronts = [cell.front for cell in progress[0].cells] if progress else fronts_all()
    front_totals = [sum(p.cells[i].adopted for p in progress) for i in range(len(fronts))]
    year_reports = Report.objects.filter(held_on__year=year)
    totals = Counter()
    for p in progress:
        totals.update(p.states)
    plans_on_time = sum(p.plan.timing == "on_time" for p in progress)
    plans_late = sum(p.plan.timing == "late" for p in progress)
    agreement = agreement_in_force(year)
    return {
        "year": year,
        "fronts": fronts,
        "front_totals": front_totals,
        "progress": progress,
        "no_plan": [p.unit for p in progress if p.has_no_plan],
        "no_report": [p.unit for p in progress if p.has_no_report],
        "plan_due": plan_due_date(year),
        "plans_on_time": plans_on_time,
        "plans_late": plans_late,
        "plans_missing": len(progress) - plans_on_time - plans_late,
        "report_totals": totals,
        "adopted_total": totals[State.APPROVED],
        "pending_total": totals[State.IN_REVIEW],
        "returned_total": totals[State.RETURNED],
        "promoted_total": year_reports.filter(promoted_to_city=True).count(),
        "school_coverage": school_coverage(year=year, town_list=town_list),
        "community_coverage": community_coverage(year=year, town_list=town_list),
        "enterprise_coverage": enterprise_coverage(year=year, town_list=town_list),
        "party_school": party_school_year(year),
        "agreement": agreement,
        "key_days": key_days_with_reports(year=year, reports=year_reports),
        "latest": latest_adopted_reports(limit=8, year=year),
        "owed": sorted((o for o in owed if o.is_flagged), key=lambda o: -o.days_late),
        "owed_total": len(owed),
        "owed_amber_days": OWED_AMBER_DAYS,
        "owed_red_days": OWED_RED_DAYS,
    }


# --- the 工作台 panel ----------------------------------------------------------------------


def panel_context(*, user) -> dict | None:
    """Return the 六进 panel of the 工作台, or None for users with no part in it."""
    year = outreach_year()
    unit = rules.reporting_unit(user)
    if unit is not None:
        status = plan_statuses(year=year, units=[unit])[unit.pk]
        reports = Report.objects.filter(unit=unit)
        # The year's reports per state and the key days' reports in one statement: one row per
        # day and state, over the year and the key days' windows.
        windows = key_day_windows(year)
        rows = reports_per_day(
            reports,
            start=min([datetime.date(year, 1, 1), *(w.window_start for w in windows)]),
            end=max([datetime.date(year, 12, 31), *(w.window_end for w in windows)]),
        )
        counts = Counter()
        for held_on, state, n in rows:
            if held_on.year == year:
                counts[state] += n
        returned = list(
            reports.filter(approval__state=State.RETURNED).select_related("approval")[:3]
        )
        upcoming = _upcoming(tally_key_days(windows, rows))
        return {
            "mode": "unit",
            "year": year,
            "unit": unit,
            "plan": status,
            "counts": {REPORT_STATE_LABELS[s]: counts[s] for s in REPORT_STATE_LABELS},
            "adopted": counts[State.APPROVED],
            "returned": returned,
            "key_days": upcoming,
        }
    if not rules.may_see_dashboard(user):
        return None
    # The units, whether each handed in its plan, and both totals waiting for review in one
    # statement (the 工作台 runs at most fifteen in all, cold).
    units = reporting_units_with_plan_handed_in(
        year=year,
        pending_plans=subquery_count(Plan.objects.filter(approval__state=State.IN_REVIEW)),
        pending_reports=subquery_count(Report.objects.filter(approval__state=State.IN_REVIEW)),
    )
    pending_plans = units[0].pending_plans if units else 0
    pending_reports = units[0].pending_reports if units else 0
    no_plan = [u for u in units if u.plan_handed_in_at is None]
    upcoming = _upcoming(
        key_days_with_reports(year=year, reports=Report.objects.filter(held_on__year=year))
    )
    return {
        "mode": "office",
        "year": year,
        "pending_plans": pending_plans,
        "pending_reports": pending_reports,
        "no_plan": no_plan,
        "unit_count": len(units),
        "plan_due": plan_due_date(year),
        "key_days": upcoming,
        "may_review": rules.may_review(user),
    }


def _upcoming(days: list[KeyDayReports], limit: int = 4) -> list[KeyDayReports]:
    """Return the coming key dates; when all have passed, the year's last ones."""
    today = clock.today()
    coming = [d for d in days if d.window_end >= today]
    return (coming or days[-limit:])[:limit]
