"""Roles as Django groups, and the model permissions each role holds.

Apps declare what their roles may do in the admin with `grant()` from their
`AppConfig.ready()`; `sync_role_groups()` (run after every migrate and by the seed command)
creates the groups and gives them exactly the declared permissions.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .enums import Role

_GRANTS: dict[Role, set[str]] = defaultdict(set)


def grant(role: Role, permissions: list[str] | tuple[str, ...]) -> None:
    """Declare that `role` holds the permissions named "app_label.codename"."""
    _GRANTS[Role(role)].update(permissions)


def declared_permissions(role: Role) -> frozenset[str]:
    return frozenset(_GRANTS.get(Role(role), ()))


def group_name(role: Role) -> str:
    return Role(role).label


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=group_name(role))
    return group


def sync_role_groups() -> None:
    """Create one group per role holding exactly its declared permissions."""
    for role in Role:
        group = role_group(role)
        names = declared_permissions(role)
        query = Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query) if names else [])


# The org app's own grants: the three separated admin roles (等保 三员分立). The 安全管理员
# sees failed sign-ins and lockouts and unlocks accounts, nothing else (not even the accounts).
grant(
    Role.SYSADMIN,
    [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "org.view_unit",
        "org.add_unit",
        "org.change_unit",
        "org.view_staff",
        "org.add_staff",
        "org.change_staff",
    ],
)
grant(
    Role.SECADMIN,
    [
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "org.view_accountsecurity",
        "org.change_accountsecurity",
    ],
)
grant(Role.AUDITOR, ["org.view_auditrecord"])
for _role in (
    Role.LECTURES_COORDINATOR,
    Role.OFFICE_LEADER,
    Role.PARTY_BRANCH,
    Role.PARTY_GROUP,
    Role.OUTREACH_REVIEWER,
):
    grant(_role, ["org.view_unit", "org.view_staff"])
