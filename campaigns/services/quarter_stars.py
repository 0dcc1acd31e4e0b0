"""Writes of the 季度之星: a 科室 recommends, the 牵头科室 reviews, the 办党组 decides.

The decisions themselves are moves of the approval engine (`qpdo.workflow.services`), made on
the approval page or in the admin; this module creates and edits the recommendation and hands
it in.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.enums import CAMPAIGN_UNIT_KINDS
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State

from .. import rules, selectors
from ..enums import Quarter
from ..models import Campaign, QuarterStar
from .common import _active_office_staff, _audit, _refuse, check_open

# States in which a recommendation holds its 科室's one place of the quarter (不同意 frees it).
LIVE_STATES = (State.DRAFT, State.IN_REVIEW, State.RETURNED, State.WITHDRAWN, State.APPROVED)


def _quarter_problem(campaign: Campaign, quarter: int | None) -> str | None:
    if quarter not in selectors.quarters_of(campaign):
        return "实践活动期间没有该季度。"
    start, _end = selectors.quarter_bounds(campaign.year, quarter)
    if start > clock.today():
        return f"{campaign.year}年{Quarter(quarter).label}尚未开始。"
    return None


@transaction.atomic
def quarter_star_recommend(
    *,
    acting_user: AbstractBaseUser,
    campaign: Campaign,
    quarter: int,
    staff: Staff | None,
    deeds: str,
) -> QuarterStar:
    """Recommend one person of the acting 科室负责人's own unit for a quarter, and hand it in.

    One recommendation per 科室 and quarter (a 不同意 frees the place again); the person must
    be active staff of a 机关科室 or the 民防管理保障中心.
    """
    check_open(campaign)
    if not rules.may_recommend_quarter_star(acting_user, campaign):
        raise Refused("“季度之星”由各科室负责人推荐本科室人员。")
    errors: dict[str, str] = {}
    problem = _quarter_problem(campaign, quarter)
    if problem:
        errors["quarter"] = problem
    problem = _active_office_staff(staff, "推荐人选")
    if problem:
        errors["staff"] = problem
    elif staff.unit.kind not in CAMPAIGN_UNIT_KINDS:
        errors["staff"] = "“季度之星”从机关科室和民防管理保障中心的干部职工中评选。"
    elif not rules.heads_unit(acting_user, staff.unit_id):
        errors["staff"] = "只能推荐本科室的人员。"
    elif "quarter" not in errors:
        this_quarter = QuarterStar.objects.filter(campaign=campaign, quarter=quarter)
        earlier = this_quarter.filter(staff=staff).select_related("approval").first()
        if earlier is not None:
            errors["staff"] = (
                f"{staff.name}本季度的推荐未获通过，不能重复推荐。"
                if earlier.approval.state == State.REJECTED
                else f"{staff.name}本季度已被推荐。"
            )
        elif this_quarter.filter(unit=staff.unit, approval__state__in=LIVE_STATES).exists():
            errors["staff"] = f"{staff.unit.name}本季度已推荐过人选，每个科室每季度推荐一人。"
    if not (deeds or "").strip():
        errors["deeds"] = "请填写主要事迹。"
    _refuse(errors)
    star = workflow.subject_create(
        QuarterStar(
            campaign=campaign,
            quarter=quarter,
            staff=staff,
            unit=staff.unit,
            deeds=deeds.strip(),
            chosen_on=clock.today(),
            chosen_by=acting_user,
        ),
        acting_user=acting_user,
    )
    _audit(acting_user, star, f"推荐{star.get_workflow_title()}")
    workflow.approval_submit(subject=star, acting_user=acting_user)
    return star


@transaction.atomic
def quarter_star_update(
    *, acting_user: AbstractBaseUser, star: QuarterStar, deeds: str
) -> QuarterStar:
    """Edit a returned (or withdrawn) recommendation's 主要事迹 and hand it in again."""
    check_open(star.campaign)
    if not rules.heads_unit(acting_user, star.unit_id):
        raise Refused("只有推荐科室的科室负责人可以修改推荐。")
    if not star.approval.is_editable:
        raise ValidationError("该推荐正在审核或已办结，不能修改。")
    if not (deeds or "").strip():
        raise ValidationError({"deeds": "请填写主要事迹。"})
    star.deeds = deeds.strip()
    star.chosen_on = clock.today()
    star.save(update_fields=["deeds", "chosen_on"])
    _audit(acting_user, star, f"修改{star.get_workflow_title()}")
    workflow.approval_submit(subject=star, acting_user=acting_user)
    return star
