"""Reads of the org app."""

from __future__ import annotations

from django.db.models import QuerySet

from .enums import CAMPAIGN_UNIT_KINDS, Role
from .models import Staff, Unit
from .scoping import units_user_may_see, user_roles, user_staff


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
