"""Who may do what in the lecture series."""

from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, Role
from qpdo.org.need_to_know import reads_office_shared
from qpdo.org.scoping import has_role, user_unit


def may_propose_topic(user) -> bool:
    """Return whether the user may put forward topics: a section head of a campaign unit."""
    unit = user_unit(user)
    return (
        has_role(user, Role.SECTION_HEAD) and unit is not None and unit.kind in CAMPAIGN_UNIT_KINDS
    )


def may_edit_topic(user, topic) -> bool:
    unit = user_unit(user)
    return (
        topic.approval.is_editable
        and has_role(user, Role.SECTION_HEAD)
        and unit is not None
        and unit.pk == topic.unit_id
    )


def may_coordinate(user) -> bool:
    """Return whether the user runs the series (综合科 小讲堂管理): schedules and records."""
    return has_role(user, Role.LECTURES_COORDINATOR)


def may_write_manuscript(user, topic) -> bool:
    """Return whether the user may write the topic's manuscript: its speaker or section head."""
    if topic.approval.state != "approved":
        return False
    if topic.speaker.user_id is not None and topic.speaker.user_id == user.pk:
        return True
    unit = user_unit(user)
    return has_role(user, Role.SECTION_HEAD) and unit is not None and unit.pk == topic.unit_id


def may_view_schedule(user) -> bool:
    """Return whether the user sees the series' schedule: the office's own staff (the
    schedule is shared with the office, need_to_know.OFFICE_SHARED)."""
    return reads_office_shared(user, "lectures.Lecture")


def may_request_slot(user) -> bool:
    """Return whether the user may ask for an extra slot: a section head of a campaign unit."""
    return may_propose_topic(user)


def may_resubmit_slot_request(user, slot_request) -> bool:
    """Return whether the user may change and send again a returned or withdrawn request."""
    unit = user_unit(user)
    return (
        slot_request.approval.is_editable
        and has_role(user, Role.SECTION_HEAD)
        and unit is not None
        and unit.pk == slot_request.unit_id
    )
