"""The 岗位之星 panel on the 工作台: the year's 申报表, what waits for the person, the stars."""

from __future__ import annotations

from django.db.models import Count, Q

from campaigns.selectors import campaign_current
from qpdo.org.enums import Role
from qpdo.org.scoping import has_role, user_unit
from qpdo.workflow.enums import State
from qpdo.workflow.models import Approval
from qpdo.workflow.rules import inbox_q

from . import rules
from .enums import KeyDateCode
from .models import Star, SummaryReport
from .selectors import (
    deadline_info,
    key_date,
    nomination_list_for,
    publicity_for,
    star_year_for,
    visit_list_for,
)


def panel_context(*, user) -> dict | None:
    """Return the 岗位之星 panel of the 工作台 (a fixed number of queries), or None."""
    roles_here = (Role.SECTION_HEAD, Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER)
    if not has_role(user, *roles_here):
        return None
    star_year = star_year_for(campaign_current())
    if star_year is None:
        return None
    campaign = star_year.campaign
    due = deadline_info(key_date(campaign, KeyDateCode.NOMINATION_DEADLINE))
    nominations = nomination_list_for(user=user, campaign=campaign)
    counts = nominations.aggregate(
        total=Count("pk", filter=~Q(approval__state=State.WITHDRAWN)),
        drafts=Count("pk", filter=Q(approval__state__in=[State.DRAFT, State.RETURNED])),
        in_review=Count("pk", filter=Q(approval__state=State.IN_REVIEW)),
        approved=Count("pk", filter=Q(approval__state=State.APPROVED)),
    )
    waiting = Approval.objects.filter(
        chain_code__startswith="stars.", state=State.IN_REVIEW
    ).filter(inbox_q(user))
    unit = user_unit(user)
    summary_done = None
    if unit is not None and has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH):
        summary_done = SummaryReport.objects.filter(campaign=campaign, unit=unit).exists()
    return {
        "star_year": star_year,
        "due": due,
        "counts": counts,
        "waiting": waiting.count(),
        "stars_chosen": Star.objects.filter(campaign=campaign).count()
        if star_year.is_announced or rules.may_see_selection(user)
        else None,
        "summary_done": summary_done,
        # 公示 before 公布: what the 机关党支部 and the 办党组 follow on their 工作台.
        "publicity": publicity_for(star_year)
        if has_role(user, Role.PARTY_BRANCH, Role.PARTY_GROUP)
        and (star_year.is_publicized or star_year.is_announced)
        else None,
        "may_nominate": rules.may_nominate(user),
        "may_select": rules.may_select(user),
        # 督查 follow-ups still open: the visited section's and the 机关党支部's to follow.
        "open_follow_ups": visit_list_for(user=user, campaign=campaign)
        .filter(follow_up_required=True, follow_up_done_on__isnull=True)
        .count()
        if has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
        else 0,
    }
