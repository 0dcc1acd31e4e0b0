"""Sessions that end after 30 idle minutes without a write on every request.

`SESSION_SAVE_EVERY_REQUEST` writes the session row (BEGIN/UPDATE/COMMIT) on every page. Here
the database session remembers the expiry date it read, and `SessionRefreshMiddleware` saves the
session only when that expiry was set more than `SESSION_REFRESH_AFTER` seconds ago (default 60):
a user busy on the portal costs one session write a minute, and a session still ends at most
30 minutes after its last request (between 29 and 30 minutes of idleness with the default).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone


class SessionStore(DbSessionStore):
    """The database session store, remembering the stored expiry date of the session it loads."""

    stored_expire_date: datetime.datetime | None = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expire_date = row.expire_date if row is not None else None
        return row


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
