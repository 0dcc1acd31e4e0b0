"""Standing duties shown in a person's 待办 beside the approvals waiting for them.

Some things wait for a person without being an approval step: an activity a plan scheduled for
a month that has passed with no report (待报送), for instance. Each programme registers a
provider from its `AppConfig.ready()`, the way 工作台 panels are registered
(`qpdo.org.dashboard`); this module never imports a programme. A provider takes the user and
returns their duties, running a fixed number of queries (none for users it does not concern).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from qpdo.org import clock
from qpdo.org.caching import data_version

# How late a duty is, as a Bootstrap colour: due (just fallen due), warning, danger.
LEVELS = ("secondary", "warning", "danger")


@dataclass(frozen=True)
class Duty:
    label: str  # what is to be done, short: 待报送
    title: str
    unit_name: str
    url: str
    due_on: datetime.date
    days_late: int
    level: str = "secondary"
    note: str = ""
    action_label: str = "办理"


_PROVIDERS: dict[str, Callable[..., list[Duty]]] = {}


def register(*, code: str, provider: Callable[..., list[Duty]]) -> None:
    _PROVIDERS[code] = provider


def duties_for(user) -> list[Duty]:
    """Return the user's standing duties, the longest overdue first.

    Kept on the user object for the rest of the request while the data version and the day stay
    the same: the header's badge and the 工作台's 待办 panel both ask (one set of statements).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    stamp = (data_version(), clock.today())
    kept = getattr(user, "_qpdo_duties", None)
    if kept is not None and kept[0] == stamp:
        return list(kept[1])
    found: list[Duty] = []
    for code in sorted(_PROVIDERS):
        found.extend(_PROVIDERS[code](user=user))
    duties = sorted(found, key=lambda duty: (-duty.days_late, duty.due_on, duty.title))
    user._qpdo_duties = (stamp, tuple(duties))
    return duties
