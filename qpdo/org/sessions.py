"""Sessions that end after 30 idle minutes without a write on every request.

`SESSION_SAVE_EVERY_REQUEST` writes the session row (BEGIN/UPDATE/COMMIT) on every page. Here
the database session remembers the expiry date it read, and `SessionRefreshMiddleware` saves the
session only when that expiry was set more than `SESSION_REFRESH_AFTER` seconds ago (default 60):
a user busy on the portal costs one session write a minute, and a session still ends at most
30 minutes after its last request (between 29 and 30 minutes of idleness with the default).

With a shared cache (CACHE_URL, settings.QPDO_SESSION_CACHE) the session is also kept there,
with its expiry date, written through on every save and dropped on sign-out (Django's cached_db
store): a page then reads its session from the cache instead of the database. The database
stays the record (a cache miss or a restarted Redis reads it again). Without a shared cache the
database alone is read: a per-process memory cache would keep a signed-out session alive in the
other workers.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone

logger = logging.getLogger("django.contrib.sessions")


def uses_cache() -> bool:
    return bool(getattr(settings, "QPDO_SESSION_CACHE", False))


class SessionStore(CachedDbSessionStore):
    """The database session store, remembering the stored expiry date of the session it loads;
    with a shared cache, also kept there as (data, expiry date)."""

    cache_key_prefix = "qpdo:session:"
    stored_expire_date: datetime.datetime | None = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expire_date = row.expire_date if row is not None else None
        return row

    def load(self):
        if not uses_cache():
            return DbSessionStore.load(self)
        try:
            stored = self._cache.get(self.cache_key)
        except Exception:  # an invalid key or an unreachable cache: the database decides
            stored = None
        if stored is not None:
            data, expire_date = stored
            # Real time, not qpdo.org.clock: Django writes the expiry from timezone.now() and its
            # database store compares with timezone.now(); the cached copy must agree with it
            # (a pinned demo or test clock would keep an expired session alive from the cache).
            if expire_date > timezone.now():
                self.stored_expire_date = expire_date
                return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache_store(data, row.expire_date)
        return data

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        self._saved_expire_date = row.expire_date  # the cache keeps the very same expiry
        return row

    def save(self, must_create=False):
        DbSessionStore.save(self, must_create)
        if uses_cache():
            self._cache_store(self._session, self._saved_expire_date)

    def _cache_store(self, data, expire_date) -> None:
        try:
            self._cache.set(
                self.cache_key, (data, expire_date), self.get_expiry_age(expiry=expire_date)
            )
        except Exception:
            logger.exception("Error saving the session to the cache (%s)", self._cache)


def refresh_after() -> int:
    return int(getattr(settings, "SESSION_REFRESH_AFTER", 60))


class SessionRefreshMiddleware:
    """Extend the idle expiry of a used session once it is `SESSION_REFRESH_AFTER` seconds old."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        stored = getattr(session, "stored_expire_date", None)
        if stored is None:
            return response
        set_at = stored - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        if (timezone.now() - set_at).total_seconds() >= refresh_after():
            session.modified = True  # SessionMiddleware (outside us) saves it and resets expiry
        return response
