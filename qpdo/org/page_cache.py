"""Whole list pages cached per session, day and data version (issue #15).

A list page (待办, 已办, the registers of each app) shows nothing but data, the signed-in user
and the day. Once rendered, its HTML is kept in the default cache under a key made of the
session, the user, the day, the full path (filters and page number included) and the current
data version (qpdo.org.caching): any write to the portal's data makes every such page be
rendered afresh, in every worker. The session is part of the key because the page carries the
session's CSRF token (the sign-out form), which a new sign-in rotates.

Only the pages named in settings.QPDO_CACHED_PAGES (URL names of GET views that write nothing)
are cached, only for a signed-in user, only a 200 text/html answer, and never while a flash
message waits to be shown (it would be lost or shown twice). Everything before the view —
session, sign-in, password and two-factor rules — still runs on every request: this middleware
stands last. QPDO_PAGE_CACHE switches it off (the test settings do, so that tests which write
with update()/bulk_create between two requests see the new data; tests/perf enables it).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse

from . import clock
from .caching import DEFAULT_TIMEOUT, versioned_key

_PENDING = "_qpdo_page_cache_key"
CACHE_HEADER = "X-Qpdo-Page-Cache"


def _messages_waiting(request) -> bool:
    storage = get_messages(request)
    return bool(len(storage))  # counts stored and queued messages without consuming them


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, _PENDING, None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not _messages_waiting(request)  # none added by the view either
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, (response["Content-Type"], response.content), DEFAULT_TIMEOUT)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "QPDO_PAGE_CACHE", False) or request.method != "GET":
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.QPDO_CACHED_PAGES:
            return None
        user = getattr(request, "user", None)
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        if user is None or not user.is_authenticated or not session_key:
            return None
        if _messages_waiting(request):
            return None
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        session = hashlib.sha256(session_key.encode()).hexdigest()[:16]
        key = versioned_key("page", user.pk, session, f"{clock.today():%Y%m%d}", path)
        stored = cache.get(key)
        if stored is None:
            setattr(request, _PENDING, key)
            return None
        content_type, content = stored
        response = HttpResponse(content, content_type=content_type)
        response[CACHE_HEADER] = "hit"
        return response
