"""Per-user caches of what every page or the 工作台 shows, kept right by versioned keys.

Every key embeds the current *data version*, a number kept in the default cache
(`django.core.cache.cache`, shared by all app servers in production). Any write to the
portal's data bumps the version (at once, and again after its transaction commits): the approval
engine and the message service call `bump_data_version()` themselves (they write with
bulk_create/update, which send no signals), and every other model save, delete or
many-to-many change bumps it through signals.
A bumped version makes every older key unreachable in every worker at once; old entries simply
age out. Readers take the version *before* they read the data, so a value computed from data
older than a bump is never stored under the new version.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

DATA_VERSION_KEY = "qpdo:data-version"
# Safety net: a cached value lives at most this long even if a bump were ever missed.
DEFAULT_TIMEOUT = 10 * 60

# Models whose writes never change what the cached pages show (audit trail, sessions, axes).
_IGNORED_APPS = frozenset({"sessions", "admin", "axes", "contenttypes"})
_IGNORED_MODELS = frozenset({"org.auditrecord"})


# The version as this request first read it (DataVersionMiddleware binds a slot per request):
# a page asks for it several times (identity, security row, badges, page cache), and one read
# of the shared cache is enough. Taken once before any data, it stays a version read before the
# data (see above). A bump in this process empties the slot, so a request that writes reads the
# new version after its write. Outside a request (jobs, shell, tests) nothing is kept.
_request_version: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "qpdo_request_data_version", default=None
)


def data_version() -> int:
    """Return the current data version (creating it on first use)."""
    slot = _request_version.get()
    if slot is not None and slot[0] is not None:
        return slot[0]
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        # A fresh cache (restart, eviction) must not reuse numbers an old value was stored under.
        cache.add(DATA_VERSION_KEY, time.time_ns() // 1000, None)
        version = cache.get(DATA_VERSION_KEY) or 0
    if slot is not None:
        slot[0] = version
    return version


def _bump_now() -> None:
    slot = _request_version.get()
    if slot is not None:
        slot[0] = None
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:  # not there (fresh or evicted cache): start a new, higher series
        cache.set(DATA_VERSION_KEY, time.time_ns() // 1000, None)


class DataVersionMiddleware:
    """Read the data version at most once per request (until the request itself writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set([None])
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def bump_data_version() -> None:
    """Invalidate every versioned cache entry now and again once the transaction commits.

    The first bump keeps this process (and a test inside one transaction) from reading its own
    stale entries; the second drops what another worker may have cached from the data as it was
    before the commit.
    """
    _bump_now()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_now)


def versioned_key(*parts: Any, version: int | None = None) -> str:
    """Return a cache key for `parts` under the current data version."""
    version = data_version() if version is None else version
    return "qpdo:" + ":".join(str(p) for p in (*parts, version))


def cached(parts: tuple, compute: Callable[[], Any], *, timeout: int = DEFAULT_TIMEOUT) -> Any:
    """Return the value cached under `parts` and the current version, computing it on a miss."""
    key = versioned_key(*parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


# --- narrower versions: values that only some writes change -------------------------------
#
# A value that changes with few writes (a reviewer's 已办 total changes only with their own
# decisions) is kept under a version of its own, bumped by exactly those writes: other writes
# leave it cached. The same rule holds: read the version before the data, bump it at once and
# again after the commit.


def _scope_key(scope: str) -> str:
    return f"qpdo:scope-version:{scope}"


def scope_version(scope: str) -> int:
    """Return the version of one scope (say "decisions:12"), creating it on first use."""
    key = _scope_key(scope)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns() // 1000, None)
        version = cache.get(key) or 0
    return version


def bump_scope_version(scope: str) -> None:
    """Invalidate what is cached under the scope, now and again once the transaction commits."""

    def bump() -> None:
        try:
            cache.incr(_scope_key(scope))
        except ValueError:
            cache.set(_scope_key(scope), time.time_ns() // 1000, None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def cached_in_scope(
    scope: str, parts: tuple, compute: Callable[[], Any], *, timeout: int = 24 * 60 * 60
) -> Any:
    """Return the value cached under `parts` and the scope's version, computing it on a miss."""
    key = "qpdo:" + ":".join(str(p) for p in (*parts, scope, scope_version(scope)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _model_label(sender) -> str:
    meta = getattr(sender, "_meta", None)
    return meta.label_lower if meta is not None else ""


def _on_write(sender, **kwargs) -> None:
    label = _model_label(sender)
    if not label or label in _IGNORED_MODELS or label.split(".")[0] in _IGNORED_APPS:
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires pre_ and post_
        return
    if kwargs.get("raw"):  # loaddata: the seeding command bumps once at its end
        return
    bump_data_version()


def connect_signals() -> None:
    post_save.connect(_on_write, dispatch_uid="qpdo.caching.post_save")
    post_delete.connect(_on_write, dispatch_uid="qpdo.caching.post_delete")
    m2m_changed.connect(_on_write, dispatch_uid="qpdo.caching.m2m_changed")


class CachedCountPaginator(Paginator):
    """A Paginator whose total is cached under the data version.

    The key is the SQL of the listed queryset (with its parameters, so each user's scope and
    filters have their own), which keeps the one statement that grows with the table — the
    COUNT — off the page until something is written.
    """

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        query = getattr(object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0
        digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
        return cached(("count", digest), object_list.count)
