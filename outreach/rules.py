"""Who may do what in the 六进 programme. Small predicates, used by services, views and admin.

A predicate answers False for a missing object. Scope (which records a user may read) is the
selectors' business; these say who may act.
"""

from __future__ import annotations

from qpdo.org.enums import Role, UnitKind
from qpdo.org.need_to_know import reads_across_units
from qpdo.org.scoping import has_role, user_unit
from qpdo.workflow.enums import State

from .enums import REPORTING_UNIT_KINDS

# The units the notice names for 进党校 (fixtures/outreach_fronts.json: 区国动办、区委党校).
PARTY_SCHOOL_UNIT_CODES = frozenset({"qpdo", "dangxiao"})


def reporting_unit(user):
    """Return the unit the user reports for, or None.

    A 填报员 reports for their own unit: a 街镇, a member unit, or the office itself (its own
    share of the fronts where the notice names 区国动办).
    """
    unit = user_unit(user)
    if unit is None or unit.kind not in REPORTING_UNIT_KINDS:
        return None
    return unit if has_role(user, Role.OUTREACH_REPORTER) else None


def may_report(user) -> bool:
    """Return whether the user files plans and reports for a unit."""
    return reporting_unit(user) is not None


def _own(user, unit_id) -> bool:
    unit = reporting_unit(user)
    return unit is not None and unit.pk == unit_id


def may_edit_plan(user, plan) -> bool:
    return plan is not None and plan.approval.is_editable and _own(user, plan.unit_id)


def may_edit_report(user, report) -> bool:
    return report is not None and report.approval.is_editable and _own(user, report.unit_id)


def may_delete_report(user, report) -> bool:
    """Return whether the report is a never-submitted draft of the user's own unit."""
    return (
        report is not None
        and report.approval.state == State.DRAFT
        and report.approval.round == 0
        and _own(user, report.unit_id)
    )


def may_review(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.OUTREACH_REVIEWER)


def may_promote(user, report) -> bool:
    """Return whether the user may mark an adopted report as sent on to the city office."""
    return (
        report is not None
        and may_review(user)
        and report.approval.state == State.APPROVED
        and not report.promoted_to_city
    )


def may_see_dashboard(user) -> bool:
    """Return whether the user reads every unit's 六进 work (need_to_know: 宣教审核, 办领导)."""
    return reads_across_units(user, "outreach.Report")


def may_maintain_town(user, town) -> bool:
    """Return whether the user keeps the registers of a 街镇: the office, or its own 填报员."""
    if town is None or town.kind != UnitKind.TOWN:
        return False
    return may_review(user) or _own(user, town.pk)


def may_import_registers(user) -> bool:
    """Return whether the user may import school or community lists (office or a 街镇)."""
    if may_review(user):
        return True
    unit = reporting_unit(user)
    return unit is not None and unit.kind == UnitKind.TOWN


def may_see_registers(user) -> bool:
    if reads_across_units(user, "outreach.School"):
        return True
    unit = reporting_unit(user)
    return unit is not None and unit.kind == UnitKind.TOWN


def may_keep_party_school(user) -> bool:
    """Return whether the user keeps the 进党校 register: the office's reviewers, the 区委党校's
    or the office's own 填报员 (the two units the notice names for 进党校)."""
    if may_review(user):
        return True
    unit = reporting_unit(user)
    return unit is not None and unit.code in PARTY_SCHOOL_UNIT_CODES


def may_record_agreement(user) -> bool:
    return may_review(user)
