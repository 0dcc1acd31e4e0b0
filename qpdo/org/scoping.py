"""Who a user is in the office, and which units they may act for or see.

Every selector, view, export and admin page asks this module; nothing else decides scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from .enums import ADMIN_ROLES, OFFICE_WIDE_ROLES, Role
from .models import Staff, Unit

_ROLE_BY_LABEL = {role.label: role for role in Role}


def roles_from_names(names: Iterable[str]) -> frozenset[Role]:
    """Return the roles named by these group names (other groups are ignored)."""
    return frozenset(_ROLE_BY_LABEL[n] for n in names if n in _ROLE_BY_LABEL)


def user_roles(user) -> frozenset[Role]:
    """Return the roles the user holds (cached on the user object for the request)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_qpdo_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = roles_from_names(names)
        user._qpdo_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def user_staff(user) -> Staff | None:
    """Return the staff record behind a sign-in (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_qpdo_staff"):
        user._qpdo_staff = (
            Staff.objects.select_related("unit").filter(user=user, is_active=True).first()
        )
    return user._qpdo_staff


def user_unit(user) -> Unit | None:
    staff = user_staff(user)
    return staff.unit if staff else None


def is_office_wide(user) -> bool:
    """Return whether the user reviews or leads across all units."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *OFFICE_WIDE_ROLES)


# Roles that read every record of their own unit; a plain 科员 sees only their own records.
UNIT_WIDE_ROLES = frozenset({Role.SECTION_HEAD, Role.OUTREACH_REPORTER})


def units_user_may_see(user) -> QuerySet[Unit]:
    """Return the units all of whose records the user may read."""
    if is_office_wide(user):
        return Unit.objects.all()
    unit = user_unit(user)
    if unit is None or not has_role(user, *UNIT_WIDE_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(pk=unit.pk)


def units_user_may_act_for(user, role: Role) -> QuerySet[Unit]:
    """Return the units for which the user may act in `role`: their own unit, if they hold it."""
    unit = user_unit(user)
    if unit is None or not has_role(user, role):
        return Unit.objects.none()
    return Unit.objects.filter(pk=unit.pk)


def may_act_for_unit(user, role: Role, unit: Unit | int | None) -> bool:
    if unit is None:
        return False
    own = user_unit(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return own is not None and own.pk == unit_id and has_role(user, role)


def may_see_unit(user, unit: Unit | int | None) -> bool:
    """Return whether the user may read all records of `unit`."""
    if unit is None:
        return False
    if is_office_wide(user):
        return True
    own = user_unit(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return own is not None and own.pk == unit_id and has_role(user, *UNIT_WIDE_ROLES)


def users_with_role(role: Role, *, unit: Unit | None = None, unit_code: str | None = None):
    """Return the active users holding `role`, optionally only those of one unit."""

    users = get_user_model().objects.filter(is_active=True, groups__name=Role(role).label)
    if unit is not None:
        users = users.filter(staff__unit=unit, staff__is_active=True)
    if unit_code is not None:
        users = users.filter(staff__unit__code=unit_code, staff__is_active=True)
    return users.distinct()


def needs_admin_access(roles: Iterable[Role]) -> bool:
    """Return whether holding these roles means working in the Django admin."""
    return bool(set(roles) & ADMIN_ROLES)


def display_name(user) -> str:
    """Return the person's name as printed on forms (falls back to the sign-in name)."""
    staff = user_staff(user)
    if staff:
        return staff.name
    return (user.get_full_name() or user.get_username()) if user else ""
