"""The sign-in backend: Django's ModelBackend, loading the user with roles and staff at once.

Every request loads the signed-in user. ModelBackend does that in one statement and the pages
then ask for the user's groups and staff record in two more; here the user row, the active
staff record with its unit, and the role (group) names come back in one statement and are
stored where `qpdo.org.scoping` looks for them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, FilteredRelation, Q

from .models import Staff

SEPARATOR = "\x1f"


class GroupNames(Aggregate):
    """A user's group names joined by SEPARATOR (STRING_AGG, or GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, '\x1f')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def load_user_with_roles(user_id):
    """Return the user with `_qpdo_roles` and `_qpdo_staff` filled in, or None."""
    from .scoping import roles_from_names

    user_model = get_user_model()
    row = (
        user_model._default_manager.filter(pk=user_id)
        .annotate(
            active_staff=FilteredRelation("staff", condition=Q(staff__is_active=True)),
            qpdo_group_names=GroupNames("groups__name"),
        )
        .select_related("active_staff__unit")
        .first()
    )
    if row is None:
        return None
    names = row.qpdo_group_names.split(SEPARATOR) if row.qpdo_group_names else []
    row._qpdo_roles = roles_from_names(names)
    staff = getattr(row, "active_staff", None)
    if isinstance(staff, Staff) and staff.pk is not None:
        row._qpdo_staff = staff
    else:
        row._qpdo_staff = None
    return row


class PortalBackend(ModelBackend):
    """ModelBackend whose get_user() is one statement for user, roles and staff."""

    def get_user(self, user_id):
        user = load_user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
