"""The campaign's panel on the 工作台: my items, 回头看 that come back to me, returned reports,
how my section ranked, and for the 牵头科室 the months waiting to be compiled."""

from __future__ import annotations

from qpdo.org import clock

from . import rules, selectors


def panel_context(*, user) -> dict | None:
    """Return the panel's context, or None when the campaign means nothing to the user."""
    if not rules.is_office_staff(user):
        return None
    campaign = selectors.campaign_current()
    if campaign is None:
        return None
    return selectors.panel_for(user=user, campaign=campaign, today=clock.today())
