"""The 岗位之星 panel on the 工作台: the year's 申报表, what waits for the person, the stars."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, Value

from campaigns.selectors import campaign_current
from qpdo.org.enums import Role
from qpdo.org.scoping import has_role, user_unit
from qpdo.org.sql import subquery_count
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
    star_year_settings,
    visit_list_for,
)


def panel_context(*, user) -> dict | None:
    """Return the 岗位之星 panel of the 工作台 (a fixed number of queries), or None."""
    roles_here = (Role.SECTION_HEAD, Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER)
    if not has_role(user, *roles_here):
        return None
    campaign = campaign_current()
    if campaign is None:
        return None
    nominations = nomination_list_for(user=user, campaign=campaign)
    waiting = Approval.objects.filter(
        chain_code__startswith="stars.", state=State.IN_REVIEW
    ).filter(inbox_q(user))
    unit = user_unit(user)
    wants_summary = unit is not None and has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
    follows_visits = has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
    # The year's settings and every count of the panel in one statement (the 工作台's budget).
    star_year = (
        star_year_settings()
        .filter(campaign=campaign)
        .annotate(
            n_total=subquery_count(nominations.exclude(approval__state=State.WITHDRAWN)),
            n_drafts=subquery_count(
                nominations.filter(approval__state__in=[State.DRAFT, State.RETURNED])
            ),
            n_in_review=subquery_count(nominations.filter(approval__state=State.IN_REVIEW)),
            n_approved=subquery_count(nominations.filter(approval__state=State.APPROVED)),
            n_waiting=subquery_count(waiting),
            n_summary_done=Exists(SummaryReport.objects.filter(campaign=campaign, unit=unit))
            if wants_summary
            else Value(None, output_field=BooleanField()),
            n_stars_chosen=subquery_count(Star.objects.filter(campaign=campaign)),
            # 督查 follow-ups still open: the visited section's and the 机关党支部's to follow.
            n_open_follow_ups=subquery_count(
                visit_list_for(user=user, campaign=campaign).filter(
                    follow_up_required=True, follow_up_done_on__isnull=True
                )
            )
            if follows_visits
            else Value(0),
        )
        .first()
    )
    if star_year is None:
        return None
    due = deadline_info(key_date(campaign, KeyDateCode.NOMINATION_DEADLINE))
    wants_stars = star_year.is_announced or rules.may_see_selection(user)
    row = {
        name: getattr(star_year, f"n_{name}")
        for name in (
            "total",
            "drafts",
            "in_review",
            "approved",
            "waiting",
            "summary_done",
            "stars_chosen",
            "open_follow_ups",
        )
    }
    counts = {k: row[k] for k in ("total", "drafts", "in_review", "approved")}
    return {
        "star_year": star_year,
        "due": due,
        "counts": counts,
        "waiting": row["waiting"],
        "stars_chosen": row["stars_chosen"] if wants_stars else None,
        "summary_done": row["summary_done"],
        # 公示 before 公布: what the 机关党支部 and the 办党组 follow on their 工作台.
        "publicity": publicity_for(star_year)
        if has_role(user, Role.PARTY_BRANCH, Role.PARTY_GROUP)
        and (star_year.is_publicized or star_year.is_announced)
        else None,
        "may_nominate": rules.may_nominate(user),
        "may_select": rules.may_select(user),
        "open_follow_ups": row["open_follow_ups"],
    }
