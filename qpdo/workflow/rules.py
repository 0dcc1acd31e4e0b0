"""Who may do what to an approval. Pure predicates, used by services, selectors, views and admin.

Each returns a refusal message (Chinese) or None when the move is allowed, so the caller can
show why. `inbox_q()` is the query form of `refusal_to_decide()`: an approval is in a user's
待办 exactly when they may decide it.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from qpdo.org.enums import Role
from qpdo.org.models import Unit
from qpdo.org.need_to_know import READERS, reads_across_units
from qpdo.org.scoping import (
    UNIT_WIDE_ROLES,
    has_role,
    is_office_wide,
    units_user_may_see,
    user_roles,
    user_unit,
)

from .chains import Chain, Step, all_chains
from .enums import EDITABLE_STATES, Action, Mode, Scope, State
from .models import Approval, CarbonCopy, Countersign, Opinion


def _in_step_scope(user, step: Step, approval: Approval) -> bool:
    unit = user_unit(user)
    if step.scope == Scope.OFFICE:
        return True
    if unit is None:
        return False
    if step.scope == Scope.FIXED_UNIT:
        return unit.code == step.unit_code
    return unit.pk == approval.unit_id


def holds_step(user, step: Step, approval: Approval) -> bool:
    """Return whether the user holds the step's role within its scope."""
    return has_role(user, step.role) and _in_step_scope(user, step, approval)


def refusal_to_submit(user, approval: Approval, subject) -> str | None:
    if approval.state not in EDITABLE_STATES:
        return f"该事项当前为“{approval.state_label}”，不能重复提交。"
    chain = approval.chain
    own_unit = user_unit(user)
    by_role = (
        any(has_role(user, role) for role in chain.submitters)
        and own_unit is not None
        and own_unit.pk == approval.unit_id
    )
    if not by_role and user.pk not in subject.workflow_extra_submitters():
        if approval.submitter_id and approval.submitter_id == user.pk:
            return None
        return f"您不能以“{chain.submit_label}”身份提交该事项。"
    return None


def refusal_to_withdraw(user, approval: Approval) -> str | None:
    if approval.state != State.IN_REVIEW:
        return "只有审核中的事项可以撤回。"
    if approval.submitter_id != user.pk:
        return "只有提交人可以撤回。"
    acted = approval.opinions.filter(round=approval.round).exclude(action=Action.SUBMIT).exists()
    if acted or approval.step_index != 0:
        return "已有人处理该事项，不能撤回。"
    return None


def refusal_to_decide(user, approval: Approval, *, expected_step: str | None = None) -> str | None:
    """Return why the user may not decide the approval's current step, or None."""
    step = approval.step
    if approval.state != State.IN_REVIEW or step is None:
        return f"该事项当前为“{approval.state_label}”，无需审批。"
    if expected_step is not None and expected_step != step.code:
        return f"该事项已不在您打开时的环节，当前为“{step.label}”，可能已被他人处理，请刷新后查看。"
    if approval.submitter_id == user.pk and not step.allow_submitter:
        return "不能审批本人提交的事项。"
    if approval.assignee_id is not None:
        if approval.assignee_id != user.pk:
            return f"该事项的“{step.label}”已转办他人处理。"
        return None
    if step.mode == Mode.ALL:
        pending = Countersign.objects.filter(
            approval=approval,
            round=approval.round,
            step_index=approval.step_index,
            user=user,
            signed_at__isnull=True,
        ).exists()
        return None if pending else f"您不是“{step.label}”环节的会签人，或已签署。"
    if not holds_step(user, step, approval):
        return f"您没有“{step.label}”环节的审批权限。"
    return None


def refusal_of_decision(
    step: Step, action: Action, opinion: str, return_to: int | None, current_index: int
) -> str | None:
    if action not in step.decisions:
        return f"“{step.label}”环节不能作出“{action.label}”的决定。"
    if (step.opinion_required or action != Action.APPROVE) and not opinion.strip():
        return "请填写意见。" if action == Action.APPROVE else f"“{action.label}”须填写理由。"
    if return_to is not None and (action != Action.RETURN or not 0 <= return_to < current_index):
        return "只能退回到之前的环节。"
    return None


def refusal_to_transfer(user, approval: Approval, to_user) -> str | None:
    refusal = refusal_to_decide(user, approval)
    if refusal:
        return refusal
    step = approval.step
    if to_user is None or to_user.pk == user.pk:
        return "请选择其他同事转办。"
    if not to_user.is_active or not holds_step(to_user, step, approval):
        return f"只能转办给同样负责“{step.label}”的同事。"
    if approval.submitter_id == to_user.pk and not step.allow_submitter:
        return "不能转办给提交人本人。"
    return None


def _reads_subject_across_units(user, approval: Approval) -> bool:
    if not is_office_wide(user):
        return False
    content_type = ContentType.objects.get_for_id(approval.content_type_id)
    return reads_across_units(
        user, f"{content_type.app_label}.{content_type.model_class().__name__}"
    )


def _closed_kinds_q(user) -> Q:
    """Return the filter of approvals whose subject kind need_to_know keeps from this user."""
    closed = []
    for kind in READERS:
        if not reads_across_units(user, kind):
            app_label, model = kind.split(".")
            try:
                closed.append(ContentType.objects.get_by_natural_key(app_label, model.lower()).pk)
            except ContentType.DoesNotExist:
                continue
    return Q(content_type_id__in=closed) if closed else Q(pk__in=[])


def _own_unit_ids(user):
    unit = user_unit(user)
    if unit is None or not has_role(user, *UNIT_WIDE_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(pk=unit.pk)


def may_view(user, approval: Approval) -> bool:
    """Return whether the user may open the approval (and so the subject's 审批单).

    Office-wide roles open every unit's approvals except those of the kinds need_to_know
    keeps from them (a 宣教审核 does not open a 岗位之星 申报表's approval).
    """
    if _reads_subject_across_units(user, approval):
        return True
    if approval.submitter_id == user.pk or approval.assignee_id == user.pk:
        return True
    own_units = _own_unit_ids(user) if is_office_wide(user) else units_user_may_see(user)
    if own_units.filter(pk=approval.unit_id).exists():
        return True
    if refusal_to_decide(user, approval) is None:
        return True
    return (
        Opinion.objects.filter(approval=approval, actor=user).exists()
        or Opinion.objects.filter(approval=approval, target_user=user).exists()
        or CarbonCopy.objects.filter(approval=approval, user=user).exists()
        or Countersign.objects.filter(approval=approval, user=user).exists()
    )


def visible_q(user) -> Q:
    """Return the filter of approvals the user may open (the query form of `may_view`)."""
    personal = (
        Q(submitter=user)
        | Q(assignee=user)
        | Q(pk__in=Opinion.objects.filter(actor=user).values("approval"))
        | Q(pk__in=CarbonCopy.objects.filter(user=user).values("approval"))
        | Q(pk__in=Countersign.objects.filter(user=user).values("approval"))
        | inbox_q(user)
    )
    if is_office_wide(user):
        return ~_closed_kinds_q(user) | personal | Q(unit__in=_own_unit_ids(user))
    return (
        Q(unit__in=units_user_may_see(user))
        | Q(submitter=user)
        | Q(assignee=user)
        | Q(pk__in=Opinion.objects.filter(actor=user).values("approval"))
        | Q(pk__in=CarbonCopy.objects.filter(user=user).values("approval"))
        | Q(pk__in=Countersign.objects.filter(user=user).values("approval"))
        | inbox_q(user)
    )


def _step_scope_q(user, step: Step) -> Q | None:
    if step.scope == Scope.OFFICE:
        return Q()
    unit = user_unit(user)
    if unit is None:
        return None
    if step.scope == Scope.FIXED_UNIT:
        return Q() if unit.code == step.unit_code else None
    return Q(unit_id=unit.pk)


def inbox_q(user, chains: list[Chain] | None = None) -> Q:
    """Return the filter of approvals waiting for the user's decision."""
    roles: frozenset[Role] = user_roles(user)
    by_role = Q(pk__in=[])
    for chain in chains or all_chains():
        for index, step in enumerate(chain.steps):
            if step.mode != Mode.ANY or step.role not in roles:
                continue
            scope = _step_scope_q(user, step)
            if scope is None:
                continue
            q = Q(chain_code=chain.code, step_index=index) & scope
            if not step.allow_submitter:
                q &= ~Q(submitter=user)
            by_role |= q
    pending_sign = Countersign.objects.filter(
        approval=OuterRef("pk"),
        round=OuterRef("round"),
        step_index=OuterRef("step_index"),
        user=user,
        signed_at__isnull=True,
    )
    return Q(state=State.IN_REVIEW) & (
        (Q(assignee__isnull=True) & (by_role | Exists(pending_sign))) | Q(assignee=user)
    )
