"""The request being served, as the audit trail needs it: client address, browser, user.

`AuditContextMiddleware` (qpdo.org.audit) binds it for the length of each request; services
never take a `request` argument, `audit_record` reads the address and browser from here.
Outside a request (jobs, management commands, the shell) nothing is bound: `current()` is
None and records carry no address. Tests bind one with `with request_context(request): ...`
or `with request_context(ip_address="10.0.0.1"): ...`.

The value lives in a `contextvars.ContextVar`: each thread and each asyncio task sees its own
(asgiref copies the context into the thread that runs a sync view and back), and the binding
is reset when the request ends, so nothing of one request is seen by the next one served by
the same thread.

The client address is REMOTE_ADDR or, when the request came through the one trusted reverse
proxy (settings.QPDO_TRUSTED_PROXY), the last address that proxy put in X-Forwarded-For.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest


@dataclass
class RequestContext:
    """What audit records take from the request being served."""

    ip_address: str | None = None
    user_agent: str = ""
    request: HttpRequest | None = None
    # The audit actions written while serving it (so a file response is not recorded twice).
    audited: set = field(default_factory=set)

    @property
    def user(self):
        """The signed-in user of the request (read late: a sign-in replaces request.user)."""
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "qpdo_request_context", default=None
)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client's address: X-Forwarded-For through the one trusted proxy only."""
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    trusted = getattr(settings, "QPDO_TRUSTED_PROXY", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and remote == _valid_ip(trusted) and forwarded:
        # The trusted proxy appends the address it saw; anything before it is client-supplied.
        return _valid_ip(forwarded.split(",")[-1]) or remote
    return remote


def current() -> RequestContext | None:
    """Return the context of the request being served, or None outside a request."""
    return _current.get()


def current_user():
    """Return the signed-in user of the request being served, or None."""
    context = _current.get()
    return context.user if context is not None else None


@contextmanager
def request_context(
    request: HttpRequest | None = None, *, ip_address: str | None = None, user_agent: str = ""
) -> Iterator[RequestContext]:
    """Bind the request being served (or a bare address and browser) for the block's length."""
    if request is not None:
        ip_address = ip_address or client_ip(request)
        user_agent = user_agent or request.META.get("HTTP_USER_AGENT", "")
    context = RequestContext(ip_address=ip_address, user_agent=user_agent, request=request)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
