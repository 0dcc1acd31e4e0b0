"""Reads of the lists: work items with their status, progress reports, evidence."""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from qpdo.org import clock
from qpdo.org.dates import local_date
from qpdo.org.enums import OUTREACH_UNIT_KINDS
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import units_user_may_see, user_staff, user_unit
from qpdo.org.selectors import campaign_units
from qpdo.workflow.enums import FINAL_STATES, State

from .. import rules
from ..enums import DUE_SOON_DAYS, STATUS_FLAGS, ItemKind, ItemStatus
from ..models import Campaign, Evidence, Milestone, ProgressReport, Recheck, WorkItem

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

    return (
        Staff.objects.filter(is_active=True, unit__is_active=True)
        .exclude(unit__kind__in=OUTREACH_UNIT_KINDS)
        .select_related("unit")
        .order_by("unit__order", "id")
    )
