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
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Aggregate, CharField, FilteredRelation, Q

from .caching import DEFAULT_TIMEOUT, cached, data_version, versioned_key
from .models import AccountSecurity, Staff
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
        .select_related("active_staff__unit", "security")
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


def _security_row(user) -> dict:
    """Return the fields security_of() caches, from the row loaded with the user ({} if none)."""
    try:
        security = user.security
    except AccountSecurity.DoesNotExist:
        return {}
    fields = ("id", "password_changed_at", "must_change_password", "demo_exempt")
    return {name: getattr(security, name) for name in fields}


def user_row(user_id):
    """Return the bare user row by primary key, or None.

    Read on every request once the roles and staff are cached: a raw statement, which costs
    about half of what compiling `filter(pk=…).first()` costs each time.
    """
    model = get_user_model()
    meta = model._meta
    table, column = (
        connection.ops.quote_name(meta.db_table),
        connection.ops.quote_name(meta.pk.column),
    )
    try:
        pk = meta.pk.to_python(user_id)
    except ValidationError:  # not a primary key: no such user
        return None
    # The names come from the model's meta, quoted; the value is a parameter.
    sql = f"SELECT * FROM {table} WHERE {column} = %s"  # noqa: S608
    rows = model._default_manager.raw(sql, [pk])
    return next(iter(rows), None)


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

        version = data_version()  # taken before the data is read (see qpdo.org.caching)
        key = versioned_key(*_identity_key(user_id), version=version)
        identity = cache.get(key)
        if identity is not None:
            user = user_row(user_id)
            if user is not None:
                user._qpdo_roles, user._qpdo_staff = identity
        else:
            user = load_user_with_roles(user_id)
            if user is not None:
                cache.set(key, (user._qpdo_roles, user._qpdo_staff), DEFAULT_TIMEOUT)
                # The account's security row came in the same statement: every page asks for
                # it next (qpdo.org.password_policy.security_of), so it needs no statement.
                cache.set(
                    versioned_key("security", user_id, version=version),
                    _security_row(user),
                    DEFAULT_TIMEOUT,
                )
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
