"""Writes of the 年度考核 recommendations: a 办领导 or a 办党组 member marks a person of the
年度考核参考 list for 优秀等次 or 评先表彰 with the reason; the 办党组 decides.

The decision is a move of the approval engine (`qpdo.workflow.services`), made on the 审批单
page or in the admin; this module creates the mark and hands it in with its opinion.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import EDITABLE_STATES

from .. import rules, selectors
from ..enums import AppraisalKind
from ..models import AppraisalRecommendation, Campaign
from .common import _audit, _refuse, check_open

REASON_MAX = 800


@transaction.atomic
def appraisal_recommend(
    *,
    acting_user: User,
    campaign: Campaign,
    staff: Staff,
    kind: str,
    reason: str,
) -> AppraisalRecommendation:
    """Mark a person for 年度考核优秀等次 or 评先表彰, the reason being the proposer's signed
    opinion, and hand it to the 办党组.

    One mark per person, year and kind; the proposer's own withdrawn mark is handed in again
    with the new reason.
    """
    check_open(campaign)
    if not rules.may_mark_appraisal(acting_user, campaign):
        raise Refused("年度考核优秀等次、评先表彰的推荐由办领导、办党组成员提出。")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if kind not in AppraisalKind.values:
        errors["kind"] = "请选择推荐类别。"
    if not reason:
        errors["reason"] = "请填写推荐理由（将作为推荐意见签署）。"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"推荐理由不超过 {REASON_MAX} 字。"
    if staff is None or not selectors.campaign_staff().filter(pk=staff.pk).exists():
        errors["staff"] = "只能推荐机关科室和民防管理保障中心的在职干部职工。"
    _refuse(errors)
    existing = (
        AppraisalRecommendation.objects.select_for_update()
        .select_related("approval")
        .filter(campaign=campaign, staff=staff, kind=kind)
        .first()
    )
    label = AppraisalKind(kind).label
    if existing is not None:
        if existing.approval.state not in EDITABLE_STATES or existing.proposed_by_id != (
            acting_user.pk
        ):
            _refuse(
                {
                    "kind": f"{staff.name}已有{campaign.year}年{label}推荐"
                    f"（{existing.approval.get_state_display()}），不能重复推荐。"
                }
            )
        existing.reason = reason
        existing.proposed_on = clock.today()
        existing.save(update_fields=["reason", "proposed_on"])
        _audit(acting_user, existing, f"重新提出{existing.get_workflow_title()}")
        workflow.approval_submit(subject=existing, acting_user=acting_user, opinion=reason)
        return existing
    recommendation = workflow.subject_create(
        AppraisalRecommendation(
            campaign=campaign,
            staff=staff,
            kind=kind,
            reason=reason,
            proposed_on=clock.today(),
            proposed_by=acting_user,
        ),
        acting_user=acting_user,
    )
    _audit(acting_user, recommendation, f"提出{recommendation.get_workflow_title()}")
    workflow.approval_submit(subject=recommendation, acting_user=acting_user, opinion=reason)
    return recommendation
