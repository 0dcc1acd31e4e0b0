"""Writes of the org app."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from .enums import Role
from .models import Staff, Unit
from .roles import role_group
from .scoping import needs_admin_access


def unit_upsert(*, code: str, name: str, kind: str, short_name: str = "", order: int = 0) -> Unit:
    """Create or update a unit by its code; an unchanged unit is not written."""
    unit = Unit.objects.filter(code=code).first()
    values = {"name": name, "kind": kind, "short_name": short_name, "order": order}
    if unit is None:
        return Unit.objects.create(code=code, **values)
    if any(getattr(unit, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(unit, key, value)
        unit.save()
    return unit


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    year, month = value.split("-")[:2]
    return datetime.date(int(year), int(month), 1)


@transaction.atomic
def staff_upsert(*, unit: Unit, name: str, **fields) -> Staff:
    """Create or update a staff member identified by unit and name."""
    for key in ("birth_month", "post_since"):
        if isinstance(fields.get(key), str):
            fields[key] = _month(fields[key])
    staff = Staff.objects.filter(unit=unit, name=name).first()
    if staff is None:
        return Staff.objects.create(unit=unit, name=name, **fields)
    changed = [k for k, v in fields.items() if getattr(staff, k) != v]
    for key in changed:
        setattr(staff, key, fields[key])
    if changed:
        staff.save(update_fields=changed)
    return staff


@transaction.atomic
def account_ensure(*, staff: Staff, username: str, roles: list[Role], password: str):
    """Give a staff member a sign-in with these roles; an existing password is kept."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
        user.set_password(password)
    user.first_name = staff.name
    user.is_staff = needs_admin_access(roles)
    user.is_active = True
    user.save()
    user.groups.add(*[role_group(role) for role in roles])
    if staff.user_id != user.pk:
        staff.user = user
        staff.save(update_fields=["user"])
    return user
