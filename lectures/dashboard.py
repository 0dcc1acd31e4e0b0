"""The lecture series' panel on the 工作台: what the signed-in person owes or runs next."""

from __future__ import annotations

from campaigns.selectors import campaign_current
from qpdo.org import clock
from qpdo.org.enums import Role
from qpdo.org.scoping import has_role, user_staff, user_unit
from qpdo.workflow.enums import EDITABLE_STATES, State

from . import rules, selectors
from .models import Lecture, Topic


def panel_context(*, user) -> dict | None:
    """Return the panel's context, or None when the series means nothing to the user."""
    if not rules.may_view_schedule(user):
        return None
    campaign = campaign_current()
    if campaign is None:
        return None
    staff = user_staff(user)
    unit = user_unit(user)
    context: dict = {
        "campaign": campaign,
        "next_lecture": Lecture.objects.filter(
            slot__campaign=campaign, held_on__isnull=True, starts_at__gte=clock.now()
        )
        .select_related("topic__speaker", "topic__unit")
        .order_by("starts_at")
        .first(),
        "manuscript_due": selectors.manuscript_due_date(campaign),
        "section_line": None,
        "to_write": [],
        "to_schedule": 0,
    }
    if has_role(user, Role.SECTION_HEAD) and unit is not None:
        lines = selectors.section_overview_for(user=user, campaign=campaign)
        context["section_line"] = next((line for line in lines if line.unit.pk == unit.pk), None)
    if staff is not None:
        # Approved topics the person speaks on (or heads) whose manuscript is not yet in.
        topics = Topic.objects.filter(campaign=campaign, approval__state=State.APPROVED)
        mine = topics.filter(speaker=staff)
        if has_role(user, Role.SECTION_HEAD) and unit is not None:
            mine = mine | topics.filter(unit=unit)
        context["to_write"] = [
            t
            for t in mine.select_related("manuscript__approval").distinct()
            if not hasattr(t, "manuscript") or t.manuscript.approval.state in EDITABLE_STATES
        ][:5]
    if rules.may_coordinate(user):
        context["to_schedule"] = selectors.schedulable_topics(campaign=campaign).count()
    return context
