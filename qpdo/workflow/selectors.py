"""Reads of the approval engine: the 待办, 已办, 我的申报 and 抄送 lists, history, counts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from types import SimpleNamespace

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from qpdo.org import clock
from qpdo.org.caching import cached, cached_in_scope
from qpdo.org.sql import first_rows_of_each

from . import rules
from .duties import duties_for
from .enums import DECISIONS, Flag, State
from .models import Approval, CarbonCopy, CommonOpinion, Notification, Opinion

AMBER_DAYS = 3
# A draft shows in its author's 待办 from this many days before its submission deadline.
DRAFT_DUE_WINDOW_DAYS = 14


def _listing(qs: QuerySet[Approval]) -> QuerySet[Approval]:
    return qs.select_related("unit", "submitter__staff", "created_by__staff", "assignee__staff")


def inbox_for(*, user) -> QuerySet[Approval]:
    """Return the approvals waiting for the user's decision, the most urgent first."""
    return _listing(Approval.objects.filter(rules.inbox_q(user))).order_by(
        "due_on", "step_entered_at", "pk"
    )


def own_todo_q(user, today: datetime.date | None = None) -> Q:
    """Return the filter of the user's own items that need them: returned to them, or drafts
    whose submission deadline is near or past."""
    today = today or clock.today()
    mine = Q(submitter=user) | Q(submitter__isnull=True, created_by=user)
    returned = Q(state=State.RETURNED) & mine
    due = (
        Q(
            state__in=[State.DRAFT, State.WITHDRAWN],
            submit_due_on__lte=today + datetime.timedelta(days=DRAFT_DUE_WINDOW_DAYS),
        )
        & mine
    )
    return returned | due


# 待办: the nearest deadline first (a decision's or a submission's), then the longest waiting.
TODO_ORDERING = [
    Coalesce("due_on", "submit_due_on").asc(nulls_last=True),
    F("step_entered_at").asc(),
    F("pk").asc(),
]


def todo_for(*, user) -> QuerySet[Approval]:
    """Return everything in the user's 待办: items to decide, then their own items to redo."""
    return _listing(Approval.objects.filter(rules.inbox_q(user) | own_todo_q(user))).order_by(
        *TODO_ORDERING
    )


def next_waiting_for(*, user, after: Approval | None = None) -> Approval | None:
    """Return the next item waiting for the user's decision (not `after`), the most urgent."""
    waiting = inbox_for(user=user)
    if after is not None:
        waiting = waiting.exclude(pk=after.pk)
    return waiting.first()


def decisions_scope(user_id) -> str:
    """The cache scope of what depends only on a user's own decisions (see DoneList)."""
    return f"decisions:{user_id}"


def my_last_decisions(*, user) -> QuerySet[Opinion]:
    """Return the user's latest decision on each approval they decided, latest first.

    Read from the opinions table along its (actor, time) index of decisions, so a page costs
    the same whether the reviewer has decided a hundred items or a hundred thousand.
    """
    decisions = Opinion.objects.filter(actor=user, action__in=DECISIONS)
    later = decisions.filter(approval=OuterRef("approval")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    return decisions.filter(~Exists(later)).order_by("-at", "-pk")


class DoneList(Sequence):
    """The 已办 list as a sliceable sequence for the paginator.

    A slice reads one page of the user's latest decisions and then those approvals. The total
    (the approvals the user decided, one line each) is the only statement that grows with the
    reviewer's history: it is cached under the user's own decisions version (decisions_scope),
    which only their decisions bump, so no other write makes it be counted again.
    """

    def __init__(self, user) -> None:
        self.user = user
        self.decisions = my_last_decisions(user=user)

    def count(self) -> int:
        def compute() -> int:
            decided = Opinion.objects.filter(actor=self.user, action__in=DECISIONS)
            return decided.aggregate(n=Count("approval", distinct=True))["n"]

        return cached_in_scope(decisions_scope(self.user.pk), ("done-count",), compute)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        rows = list(self.decisions.values_list("approval_id", "at")[index])
        by_pk = _listing(Approval.objects.filter(pk__in=[pk for pk, _ in rows])).in_bulk()
        page = []
        for pk, at in rows:
            approval = by_pk.get(pk)
            if approval is not None:
                approval.my_last_at = at
                page.append(approval)
        return page


def done_for(*, user) -> DoneList:
    """Return the approvals the user has decided at some step, latest decision first."""
    return DoneList(user)


def mine_for(*, user) -> QuerySet[Approval]:
    """Return the user's own subjects: drafts they created and everything they submitted."""
    return _listing(Approval.objects.filter(Q(created_by=user) | Q(submitter=user)).order_by("-pk"))


def copied_to(*, user) -> QuerySet[CarbonCopy]:
    return (
        CarbonCopy.objects.filter(user=user)
        .select_related("approval__unit", "approval__submitter__staff")
        .order_by("-at")
    )


def approval_get_for(*, user, pk: int) -> Approval:
    """Return one approval the user may open; anyone else's is a 404, like a missing one."""
    approval = Approval.objects.select_related("unit", "submitter__staff").filter(pk=pk).first()
    if approval is None or not rules.may_view(user, approval):
        raise Http404("未找到该事项。")
    return approval


def history(approval: Approval) -> QuerySet[Opinion]:
    """Return the 流转记录 of an approval, oldest first."""
    return approval.opinions.order_by("at", "id")


def latest_return_reason(approval: Approval) -> Opinion | None:
    """Return the opinion that sent the subject back, shown on the submitter's edit page."""
    if approval.state != State.RETURNED:
        return None
    return approval.opinions.filter(action="return").order_by("-at", "-id").first()


def signed_opinions(approval: Approval) -> dict[str, Opinion]:
    """Return, per step code, the latest decision of the latest round (for printed forms)."""
    result: dict[str, Opinion] = {}
    for opinion in approval.opinions.filter(round=approval.round).order_by("at", "id"):
        if opinion.is_decision or opinion.action == "submit":
            result[opinion.step_code] = opinion
    return result


def due_of(approval: Approval) -> datetime.date | None:
    """Return the day the item is due of whoever holds it: the step's or the submission's."""
    if approval.state == State.IN_REVIEW:
        return approval.due_on
    if approval.is_editable:
        return approval.submit_due_on
    return None


def flag_for(approval: Approval, today: datetime.date | None = None) -> Flag:
    due = due_of(approval)
    if due is None:
        return Flag.NONE
    today = today or clock.today()
    if due < today:
        return Flag.RED
    if (due - today).days <= AMBER_DAYS:
        return Flag.AMBER
    return Flag.GREEN


def subject_admin_url(approval: Approval, user=None) -> str:
    """Return the subject's admin change page, or "" when there is none or `user` (if given)
    could not open it there (then the portal's page is the place to act)."""
    content_type = ContentType.objects.get_for_id(approval.content_type_id)
    if user is not None:
        model_admin = admin.site._registry.get(content_type.model_class())
        probe = SimpleNamespace(user=user)
        if model_admin is None or not (
            user.is_active and user.is_staff and model_admin.has_view_permission(probe)
        ):
            return ""
    try:
        return reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change", args=[approval.object_id]
        )
    except NoReverseMatch:
        return ""


def common_opinions_for(approval: Approval) -> list[str]:
    """Return the 常用意见 offered at the approval's current step."""
    step = approval.step
    if step is None:
        return []
    return list(
        CommonOpinion.objects.filter(chain_code=approval.chain_code, step_code=step.code)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def badge_counts_for(*, user) -> dict[str, int]:
    """Return the counts shown in the navigation: 待办 (approvals and duties), unread messages.

    Cached per user and day under the data version, which the engine and the message service
    bump; duties (reports owed) also change with the date alone.
    """

    def compute() -> dict[str, int]:
        # Both counts in one statement: the header's budget is four statements, cold.
        counts = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                todo=_count_of(Approval.objects.filter(rules.inbox_q(user) | own_todo_q(user))),
                unread=_count_of(Notification.objects.filter(recipient=user, read_at__isnull=True)),
            )
            .values_list("todo", "unread")
            .first()
        ) or (0, 0)
        return {"todo": counts[0] + len(duties_for(user)), "unread": counts[1]}

    return cached(("badges", user.pk, clock.today().isoformat()), compute)


def _count_of(queryset: QuerySet) -> Coalesce:
    """Return `SELECT COUNT(*)` of the queryset as a scalar subquery (0 when empty)."""
    counted = queryset.order_by().values(_one=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def dashboard_panels_for(*, user, limit: int = 5) -> dict:
    """Return the 工作台's workflow panels: the first waiting items and my latest submissions."""

    duties = duties_for(user)
    # The first items of 待办 and of 我的申报 in one statement. Mine are bounded by the pk of my
    # `limit`-th latest subject (an index lookup), so the statement numbers a handful of rows
    # however many subjects the user filed over the years.
    mine_q = Q(created_by=user) | Q(submitter=user)
    latest_pks = Approval.objects.filter(mine_q).order_by("-pk").values("pk")[limit - 1 : limit]
    first = first_rows_of_each(
        _listing(Approval.objects.all()),
        {
            "todo": (rules.inbox_q(user) | own_todo_q(user), TODO_ORDERING, limit),
            "mine": (mine_q & Q(pk__gte=Coalesce(Subquery(latest_pks), 0)), ["-pk"], limit),
        },
    )
    return {
        "todo_items": first["todo"],
        # The header's 待办 badge counts the same approvals and duties (cached, already read).
        "todo_total": badge_counts_for(user=user)["todo"],
        "duties": duties[:limit],
        "duties_total": len(duties),
        "my_items": first["mine"],
        "notifications": list(
            Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit]
        ),
    }


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
