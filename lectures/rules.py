"""Who may do what in the lecture series."""

from qpdo.org.enums import CAMPAIGN_UNIT_KINDS, Role
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
