"""Who may do what in the campaign. Small predicates, used by services, selectors, views, admin.

- The 办领导 and the 牵头科室's 科室负责人 (综合科 in 2024) run the campaign: they set up the
  lists for every unit, teams, competitions, the quarterly stars, and copy the year.
- A 科室负责人 keeps the lists of their own unit and reports its progress.
- The 办领导 verify progress and confirm the monthly ranking (through the engine).
- A person's yearly record is seen by the person, their 科室负责人 and the office's
  leadership (办领导, 办党组), nobody else.
"""

from __future__ import annotations

from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, Role
from qpdo.org.need_to_know import is_office_member, reads_across_units
from qpdo.org.scoping import has_role, user_staff, user_unit

from .enums import ExchangeKind

LEADERSHIP_ROLES = (Role.OFFICE_LEADER, Role.PARTY_GROUP)


def is_office_staff(user) -> bool:
    """Return whether the user belongs to the office (not a 街镇 or member unit reporter):
    the campaign's shared records are theirs (need_to_know.OFFICE_SHARED)."""
    return is_office_member(user)


def is_leadership(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *LEADERSHIP_ROLES)


def is_coordinator(user, campaign) -> bool:
    """Return whether the user heads the campaign's 牵头科室."""
    unit = user_unit(user)
    return (
        campaign is not None
        and campaign.coordinator_unit_id is not None
        and unit is not None
        and unit.pk == campaign.coordinator_unit_id
        and has_role(user, Role.SECTION_HEAD)
    )


def may_manage(user, campaign) -> bool:
    """Return whether the user runs the campaign (every unit's lists and activities)."""
    return (
        bool(getattr(user, "is_superuser", False))
        or has_role(user, Role.OFFICE_LEADER)
        or is_coordinator(user, campaign)
    )


def heads_unit(user, unit) -> bool:
    """Return whether the user is the 科室负责人 of `unit` (a unit or its id)."""
    own = user_unit(user)
    unit_id = getattr(unit, "pk", unit)
    return own is not None and own.pk == unit_id and has_role(user, Role.SECTION_HEAD)


def sees_all(user, campaign) -> bool:
    """Return whether the user reads every unit's campaign records (need_to_know's readers of
    campaigns.WorkItem, or the campaign's organiser)."""
    return reads_across_units(user, "campaigns.WorkItem") or may_manage(user, campaign)


def may_create_items(user, campaign) -> bool:
    unit = user_unit(user)
    return may_manage(user, campaign) or (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_edit_items_of(user, campaign, unit) -> bool:
    """Return whether the user may list or change work items of `unit`."""
    return may_manage(user, campaign) or heads_unit(user, unit)


def is_owner(user, item) -> bool:
    staff = user_staff(user)
    return staff is not None and staff.pk == item.owner_id


def may_write_report(user, item) -> bool:
    """Return whether the user may draft a progress report: the unit's head or the owner."""
    return heads_unit(user, item.unit_id) or is_owner(user, item)


def may_recheck(user, item) -> bool:
    """Return whether the user may record the item's 回头看: owner, unit head, organisers."""
    return is_owner(user, item) or heads_unit(user, item.unit_id) or may_manage(user, item.campaign)


def may_edit_team(user, team) -> bool:
    staff = user_staff(user)
    return (
        may_manage(user, team.campaign)
        or heads_unit(user, team.lead_unit_id)
        or (staff is not None and staff.pk == team.leader_id)
    )


def may_create_team(user, campaign) -> bool:
    return may_create_items(user, campaign)


def may_edit_pair(user, pair) -> bool:
    return may_manage(user, pair.campaign) or heads_unit(user, pair.mentee.unit_id)


def may_check_in(user, pair) -> bool:
    staff = user_staff(user)
    in_pair = staff is not None and staff.pk in (pair.mentor_id, pair.mentee_id)
    return in_pair or may_edit_pair(user, pair) or heads_unit(user, pair.mentor.unit_id)


def may_see_check_ins(user, pair) -> bool:
    return may_check_in(user, pair) or reads_across_units(user, "campaigns.MentorCheckIn")


def may_edit_rotation(user, rotation) -> bool:
    return may_manage(user, rotation.campaign) or heads_unit(user, rotation.from_unit_id)


def may_create_unit_records(user, campaign) -> bool:
    """Pairs, rotations, discussions: the organisers, and section heads for their own unit."""
    return may_create_items(user, campaign)


def may_run_competitions(user, campaign) -> bool:
    return may_manage(user, campaign)


def may_recommend_quarter_star(user, campaign) -> bool:
    """科室负责人 of a 机关科室 (or the 民防管理保障中心) recommend their own people."""
    unit = user_unit(user)
    return (
        unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS and has_role(user, Role.SECTION_HEAD)
    )


def may_see_quarter_star_recommendations(user, campaign, unit) -> bool:
    """Everyone sees the chosen stars; the recommendations in progress are seen by the
    recommending 科室负责人, the 牵头科室, the 办领导 and the 办党组."""
    return sees_all(user, campaign) or heads_unit(user, unit)


def may_record_discussion(user, campaign, unit) -> bool:
    return may_manage(user, campaign) or heads_unit(user, unit)


def may_see_discussion(user, discussion) -> bool:
    staff = user_staff(user)
    if sees_all(user, discussion.campaign) or heads_unit(user, discussion.unit_id):
        return True
    return staff is not None and (
        staff.pk == discussion.host_id or discussion.participants.filter(pk=staff.pk).exists()
    )


def may_compile_ranking(user, campaign) -> bool:
    """Return whether the user compiles the monthly ranking: the 牵头科室's head."""
    return bool(getattr(user, "is_superuser", False)) or is_coordinator(user, campaign)


def may_preview_ranking(user, campaign) -> bool:
    """Return whether the user sees a month's ranking before it is published."""
    return may_manage(user, campaign) or reads_across_units(user, "campaigns.MonthlyRanking")


def may_view_record(user, staff) -> bool:
    """Return whether the user may read `staff`'s yearly record (个人实践档案)."""
    if staff is None or not getattr(user, "is_authenticated", False):
        return False
    if reads_across_units(user, "campaigns.PersonRecord"):
        return True
    if staff.user_id is not None and staff.user_id == user.pk:
        return True
    return heads_unit(user, staff.unit_id)


def may_list_records(user) -> bool:
    """Return whether the user opens other people's records: the leadership, a section head."""
    unit = user_unit(user)
    return reads_across_units(user, "campaigns.PersonRecord") or (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_start_year(user, source) -> bool:
    """Return whether the user sets up a new year from `source` (last year's campaign): the
    牵头科室's head, the 办领导, or the 系统管理员."""
    return may_manage(user, source) or has_role(user, Role.SYSADMIN)


def may_copy_campaign(user, campaign) -> bool:
    return may_start_year(user, campaign)


def may_write(user, campaign) -> bool:
    """Return whether the year is still open for writing (a closed year is read-only)."""
    return campaign is not None and not campaign.is_closed


def may_close_campaign(user, campaign) -> bool:
    return may_manage(user, campaign) and not campaign.is_closed


def may_print_sheets(user, campaign) -> bool:
    """Return whether the user may print the 工作清单/整改清单: the organisers and office-wide
    readers the whole office's, a section head their section's."""
    unit = user_unit(user)
    return sees_all(user, campaign) or (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_record_exchange(user, campaign, unit, kind) -> bool:
    """Return whether the user may record a 交流展示 of `kind` organised by `unit`: the
    岗位之星 session is the 机关党支部's; the others a 科室负责人's for their own unit, and the
    牵头科室's (综合科) for any."""
    if getattr(user, "is_superuser", False):
        return True
    if kind == ExchangeKind.STAR_SHARING:
        return has_role(user, Role.PARTY_BRANCH)
    return is_coordinator(user, campaign) or (unit is not None and heads_unit(user, unit))


def may_create_exchanges(user, campaign) -> bool:
    """Return whether the user opens the form of a section's 交流展示."""
    unit = user_unit(user)
    return is_coordinator(user, campaign) or (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_edit_exchange(user, exchange) -> bool:
    return may_record_exchange(user, exchange.campaign, exchange.unit_id, exchange.kind)


def may_view_appraisal(user) -> bool:
    """Return whether the user opens the 年度考核参考 list and its recommendations: the 办领导
    and the 办党组 (need_to_know), not a 科室负责人."""
    return bool(getattr(user, "is_authenticated", False)) and reads_across_units(
        user, "campaigns.AppraisalRecommendation"
    )


def may_mark_appraisal(user, campaign) -> bool:
    """Return whether the user marks people for 优秀等次 or 评先表彰: a 办领导 or a member of the
    办党组, while the year is open."""
    return (
        campaign is not None
        and not campaign.is_closed
        and has_role(user, Role.OFFICE_LEADER, Role.PARTY_GROUP)
    )
