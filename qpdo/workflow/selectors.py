"""Reads of the approval engine: the 待办, 已办, 我的申报 and 抄送 lists, history, counts."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from qpdo.org import clock

from . import rules
from .enums import DECISIONS, Flag, State
from .models import Approval, CarbonCopy, Notification, Opinion

AMBER_DAYS = 3


def _listing(qs: QuerySet[Approval]) -> QuerySet[Approval]:
    return qs.select_related("unit", "submitter__staff", "created_by__staff", "assignee__staff")


def inbox_for(*, user) -> QuerySet[Approval]:
    """Return the approvals waiting for the user's decision, the most urgent first."""
    return _listing(Approval.objects.filter(rules.inbox_q(user))).order_by(
        "due_on", "step_entered_at", "pk"
    )


def done_for(*, user) -> QuerySet[Approval]:
    """Return the approvals the user has decided at some step, latest decision first."""
    return _listing(
        Approval.objects.filter(opinions__actor=user, opinions__action__in=DECISIONS)
        .annotate(my_last_at=Max("opinions__at"))
        .order_by("-my_last_at", "-pk")
    )


def mine_for(*, user) -> QuerySet[Approval]:
    """Return the user's own subjects: drafts they created and everything they submitted."""
    from django.db.models import Q

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


def flag_for(approval: Approval, today: datetime.date | None = None) -> Flag:
    if approval.state != State.IN_REVIEW or approval.due_on is None:
        return Flag.NONE
    today = today or clock.today()
    if approval.due_on < today:
        return Flag.RED
    if (approval.due_on - today).days <= AMBER_DAYS:
        return Flag.AMBER
    return Flag.GREEN


def subject_admin_url(approval: Approval) -> str:
    content_type = ContentType.objects.get_for_id(approval.content_type_id)
    try:
        return reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change", args=[approval.object_id]
        )
    except NoReverseMatch:
        return ""


def badge_counts_for(*, user) -> dict[str, int]:
    """Return the counts shown in the navigation: 待办 (approvals and duties), unread messages."""
    from .duties import duties_for

    return {
        "todo": Approval.objects.filter(rules.inbox_q(user)).count() + len(duties_for(user)),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def dashboard_panels_for(*, user, limit: int = 5) -> dict:
    """Return the 工作台's workflow panels: the first waiting items and my latest submissions."""
    from .duties import duties_for

    inbox = inbox_for(user=user)
    duties = duties_for(user)
    return {
        "todo_items": list(inbox[:limit]),
        "todo_total": inbox.count() + len(duties),
        "duties": duties[:limit],
        "duties_total": len(duties),
        "my_items": list(mine_for(user=user)[:limit]),
        "notifications": list(
            Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit]
        ),
    }


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
