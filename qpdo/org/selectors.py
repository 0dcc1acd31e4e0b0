"""Reads of the org app."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .enums import CAMPAIGN_UNIT_KINDS, Role
from .models import Staff, Unit
from .scoping import has_role, units_user_may_see, user_roles, user_staff


def campaign_units() -> QuerySet[Unit]:
    """Return the office's sections and its centre: the units of the campaign."""
    return Unit.objects.filter(kind__in=CAMPAIGN_UNIT_KINDS, is_active=True)


def staff_list_for(*, user) -> QuerySet[Staff]:
    """Return the staff a user may see: everyone for office-wide roles, else their own unit."""
    return Staff.objects.filter(unit__in=units_user_may_see(user)).select_related("unit")


def staff_of_unit(unit: Unit) -> QuerySet[Staff]:
    return Staff.objects.filter(unit=unit, is_active=True).order_by("id")


def profile_for(*, user) -> dict:
    """Return what the 工作台 shows of the signed-in person."""
    staff = user_staff(user)
    return {
        "staff": staff,
        "unit": staff.unit if staff else None,
        "roles": sorted(user_roles(user), key=lambda r: list(Role).index(r)),
    }


# --- the admin: roster, accounts, the three separated admin roles (三员分立) ---------------

# One person may hold at most one of these; the accounts holding them are managed only by a
# superuser, so no admin can change the account (or the roles) of another.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


def staff_roster_for(*, user) -> QuerySet[Staff]:
    """Return the staff a user may see in the admin roster.

    The 系统管理员 keeps the roster of every unit; everyone else sees what `staff_list_for`
    allows (office-wide roles: every unit).
    """
    if user.is_superuser or has_role(user, Role.SYSADMIN):
        staff = Staff.objects.all()
    else:
        staff = staff_list_for(user=user)
    return staff.select_related("unit", "user")


def may_import_roster(user) -> bool:
    """Return whether the user may import the staff roster: the 系统管理员 only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.SYSADMIN) and user.has_perms(["org.add_staff", "org.change_staff"])


def may_export_roster(user) -> bool:
    """Return whether the user may export the staff roster (those who may view staff)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("org.view_staff")


def roles_assignable_by(user) -> list[Role]:
    """Return the roles the user may give to accounts, in the order of `Role`.

    A superuser gives every role; the 系统管理员 gives the business roles, not the three
    separated admin roles.
    """
    if getattr(user, "is_superuser", False):
        return list(Role)
    if has_role(user, Role.SYSADMIN):
        return [role for role in Role if role not in SEPARATED_ADMIN_ROLES]
    return []


def account_roles(account) -> set[Role]:
    """Return the roles an account holds (from its groups, prefetched or not)."""
    by_label = {role.label: role for role in Role}
    return {by_label[g.name] for g in account.groups.all() if g.name in by_label}


def account_is_protected(account) -> bool:
    """Return whether only a superuser may change this account (superuser or 三员 account)."""
    return account.is_superuser or bool(account_roles(account) & SEPARATED_ADMIN_ROLES)


def may_manage_account(user, account) -> bool:
    """Return whether the user may change this account in the admin."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, Role.SYSADMIN) and not account_is_protected(account)


def account_list_for(*, user):
    """Return the accounts a user may see in the admin; superusers are hidden from others."""

    accounts = get_user_model().objects.select_related("staff__unit").prefetch_related("groups")
    if not getattr(user, "is_superuser", False):
        accounts = accounts.filter(is_superuser=False)
    return accounts
