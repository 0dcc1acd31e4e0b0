"""Need to know: which office-wide roles read which kind of record, declared in one place.

Office-wide roles (see enums.OFFICE_WIDE_ROLES) review or lead across units, but each only
within its own programme: a 宣教审核 reviews 六进 and has no business with a 岗位之星 申报表
(政治面貌、出生年月、籍贯…). Every selector, export, PDF view and admin page that reads records
of a kind across units asks `reads_across_units(user, kind)`; the record's own unit (科室负责人,
填报员) and the person themself keep their access through the ordinary unit scope.

A kind missing from READERS is open to every office-wide role (the older, blanket rule):
personal data must be declared here.
"""

from __future__ import annotations

from .enums import OFFICE_WIDE_ROLES, Role
from .scoping import has_role

_STARS = frozenset({Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER})

# Model label -> the office-wide roles that read such records of every unit.
READERS: dict[str, frozenset[Role]] = {
    # 岗位之星: the 申报表 with its personal fields, the plans and summaries of the sections.
    "stars.Nomination": _STARS,
    "stars.CultivationPlan": _STARS,
    "stars.SummaryReport": _STARS,
    # 实践活动: a person's yearly record (个人实践档案): the leadership only.
    "campaigns.PersonRecord": frozenset({Role.OFFICE_LEADER, Role.PARTY_GROUP}),
}

# What each kind is called, for documents and tests.
LABELS = {
    "stars.Nomination": "岗位之星申报表",
    "stars.CultivationPlan": "培树工作实施计划",
    "stars.SummaryReport": "培树工作总结",
    "campaigns.PersonRecord": "个人实践档案",
}


def readers(kind: str) -> frozenset[Role]:
    """Return the office-wide roles that read records of `kind` ("app.Model") of every unit."""
    return READERS.get(kind, OFFICE_WIDE_ROLES)


def reads_across_units(user, kind: str) -> bool:
    """Return whether the user reads `kind` records of every unit (not only their own)."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, *readers(kind))


def kind_of(model_or_instance) -> str:
    meta = model_or_instance._meta
    return f"{meta.app_label}.{meta.object_name}"
