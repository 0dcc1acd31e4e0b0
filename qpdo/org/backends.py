"""The sign-in backend: Django's ModelBackend, loading the user with roles and staff at once.

Every request loads the signed-in user. ModelBackend does that in one statement and the pages
then ask for the user's groups and staff record in two more; here the user row, the active
staff record with its unit, and the role (group) names come back in one statement and are
stored where `qpdo.org.scoping` looks for them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import Aggregate, CharField, FilteredRelation, Q

from .caching import DEFAULT_TIMEOUT, cached, versioned_key
from .models import Staff
from .scoping import roles_from_names

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


def _identity_key(user_id) -> tuple:
    return ("identity", user_id)


class PortalBackend(ModelBackend):
    """ModelBackend whose get_user() loads user, roles and staff in one statement.

    The roles and the staff record (not the user row, which holds the password hash) are then
    kept in the cache under the data version: a later request loads the bare user row by its
    primary key (a statement Django compiles quickly) and takes the rest from the cache. Any
    change of roles, staff or account bumps the version.
    """

    def get_user(self, user_id):

        key = versioned_key(*_identity_key(user_id))
        identity = cache.get(key)
        if identity is not None:
            user = get_user_model()._default_manager.filter(pk=user_id).first()
            if user is not None:
                user._qpdo_roles, user._qpdo_staff = identity
        else:
            user = load_user_with_roles(user_id)
            if user is not None:
                cache.set(key, (user._qpdo_roles, user._qpdo_staff), DEFAULT_TIMEOUT)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        """ModelBackend's permission sets, kept in the cache under the data version.

        Pages that ask `has_perm` would otherwise run two statements (the user's own and the
        groups' permissions) on every request; a change of groups, permissions or the account
        bumps the version. ModelBackend (listed after this backend) finds the same per-request
        attributes filled in and reads nothing again.
        """
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, name):
            parent = super()._get_permissions
            setattr(
                user_obj,
                name,
                cached(("perms", from_name, user_obj.pk), lambda: parent(user_obj, obj, from_name)),
            )
        return getattr(user_obj, name)
