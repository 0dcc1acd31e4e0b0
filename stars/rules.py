"""Who may do what in the 岗位之星 programme: small named predicates, for views, services and
the admin alike. Each answers False for a missing object."""

from __future__ import annotations

from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, Role
from qpdo.org.scoping import has_role, user_unit
from qpdo.workflow.enums import EDITABLE_STATES, State


def _own_unit_id(user) -> int | None:
    unit = user_unit(user)
    return unit.pk if unit is not None else None


def is_section_head_of(user, unit_id: int | None) -> bool:
    """Return whether the user heads the unit (科室负责人 of that very unit)."""
    return (
        unit_id is not None and has_role(user, Role.SECTION_HEAD) and _own_unit_id(user) == unit_id
    )


# Posts and plans ----------------------------------------------------------------------------


def may_file_plan(user, post) -> bool:
    """Return whether the user files the plan of a post: the head of its responsible section,
    or the 机关党支部 for its own post (基层党建)."""
    if post is None or _own_unit_id(user) != post.unit_id:
        return False
    return has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)


def may_edit_plan(user, plan) -> bool:
    return (
        plan is not None
        and plan.approval.state in EDITABLE_STATES
        and _own_unit_id(user) == plan.unit_id
        and has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
    )


def may_delete_plan(user, plan) -> bool:
    return may_edit_plan(user, plan) and plan.approval.round == 0


def may_upload_summary(user, unit, responsible_unit_ids) -> bool:
    """Return whether the user reports the unit's 培树工作总结: its head (or the branch's own)."""
    if unit is None or unit.pk not in responsible_unit_ids or _own_unit_id(user) != unit.pk:
        return False
    return has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)


# Nominations ----------------------------------------------------------------------------------


def may_nominate(user) -> bool:
    """Return whether the user fills 申报表: the head of a section or of the centre."""
    unit = user_unit(user)
    return (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_edit_nomination(user, nomination) -> bool:
    """Return whether the user may change the 申报表 now: its section's head, while a draft or
    after it was returned or withdrawn."""
    return (
        nomination is not None
        and nomination.approval.state in EDITABLE_STATES
        and is_section_head_of(user, nomination.unit_id)
    )


def may_delete_nomination(user, nomination) -> bool:
    """Return whether the user may delete a 申报表: only a draft never submitted."""
    return (
        may_edit_nomination(user, nomination)
        and nomination.approval.state == State.DRAFT
        and nomination.approval.round == 0
    )


def may_submit_nomination(user, nomination) -> bool:
    return may_edit_nomination(user, nomination)


# Choosing the stars ----------------------------------------------------------------------------


def may_see_selection(user) -> bool:
    """Return whether the user sees the comparison page and scores (办党组, 机关党支部, 办领导)."""
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.PARTY_GROUP, Role.PARTY_BRANCH, Role.OFFICE_LEADER
    )


def may_select(user) -> bool:
    """Return whether the user scores nominees and chooses the stars: a 办党组 member."""
    return has_role(user, Role.PARTY_GROUP)


def is_scorable(nomination) -> bool:
    """Return whether the 办党组 may score the nomination: it has reached them."""
    if nomination is None:
        return False
    approval = nomination.approval
    at_group = approval.state == State.IN_REVIEW and approval.step is not None
    return (at_group and approval.step.code == "group") or approval.state == State.APPROVED


def may_score(user, nomination, star_year) -> bool:
    return (
        may_select(user)
        and is_scorable(nomination)
        and star_year is not None
        and not star_year.is_announced
    )


def is_selectable(nomination) -> bool:
    """Return whether the nomination may become a star: all three opinions were 同意."""
    return nomination is not None and nomination.approval.state == State.APPROVED


def may_edit_citation(user) -> bool:
    """Return whether the user writes the stars' 事迹简介 for the 交流展示 (办党组, 机关党支部)."""
    return has_role(user, Role.PARTY_GROUP, Role.PARTY_BRANCH)


def may_handle_objections(user) -> bool:
    """机关党支部 (who runs the 公示) and 办党组 record and conclude 公示 objections."""
    return has_role(user, Role.PARTY_BRANCH, Role.PARTY_GROUP)


# 交流展示 (11月上旬) -------------------------------------------------------------------------


def may_record_sharing(user) -> bool:
    """Return whether the user records the stars' 交流展示 session: the 机关党支部."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.PARTY_BRANCH)


# 组织实施 and 督查 -------------------------------------------------------------------------------


def may_record_activity(user, plan) -> bool:
    """Return whether the user records activities under a plan: the head of the section
    responsible for its post (or the 机关党支部 for its own post, 基层党建), once it is filed."""
    return (
        plan is not None
        and plan.approval.round > 0
        and _own_unit_id(user) == plan.unit_id
        and has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
    )


def may_delete_activity(user, activity) -> bool:
    """Return whether the user may delete an activity: its section (a wrong entry)."""
    return (
        activity is not None
        and _own_unit_id(user) == activity.unit_id
        and has_role(user, Role.SECTION_HEAD, Role.PARTY_BRANCH)
    )


def may_record_visit(user) -> bool:
    """Return whether the user records 督查 visits: the 机关党支部 (附件2 五（二）: 负责培树工作的
    整体指导、协调和督查)."""
    return has_role(user, Role.PARTY_BRANCH)


def may_record_follow_up(user, visit) -> bool:
    """Return whether the user records that a visit's follow-up was done: the visited section's
    head (who did it) or the 机关党支部, while it is open."""
    if visit is None or not visit.follow_up_open:
        return False
    return may_record_visit(user) or is_section_head_of(user, visit.unit_id)
