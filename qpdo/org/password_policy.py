"""Sign-in rules enforced on every request: forced password change, maximum age, session cap.

- An initial password (a new account) or one set by an administrator must be changed by its
  owner at first sign-in (`AccountSecurity.must_change_password`).
- A password is valid for PASSWORD_MAX_AGE_DAYS (90) days; the last 7 days show a warning;
  after that the owner must change it before anything else.
- A session lasts at most SESSION_ABSOLUTE_HOURS (12) hours after sign-in, however active.
- Demo accounts (`demo_exempt`, set by `seed --demo` only) keep the shared demo password.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from . import clock
from .caching import cached
from .models import AccountSecurity

SIGNED_IN_AT = "qpdo_signed_in_at"
WARNED = "qpdo_password_warned"
OPEN_PATHS = ("/accounts/password/", "/accounts/logout/", "/accounts/login/", "/static/")


def security_of(user) -> AccountSecurity:
    """Return the account's security row (read only: a request never writes one).

    Every password set writes it (PasswordHistoryValidator.password_changed); accounts older
    than this rule got one from migration org.0006. A missing row means no rule applies yet.
    Every page asks, so the row is kept in the cache under the data version (each save of a
    security row or of the account bumps it; the password change view bumps after its update).
    """

    if user.pk is None:
        return AccountSecurity(user=user)
    fields = ("id", "password_changed_at", "must_change_password", "demo_exempt")
    row = cached(
        ("security", user.pk),
        lambda: AccountSecurity.objects.filter(user=user).values(*fields).first() or {},
    )
    return AccountSecurity(user=user, **row)


def password_expires_at(security: AccountSecurity):
    if security.demo_exempt or security.password_changed_at is None:
        return None
    return security.password_changed_at + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def mark_signed_in(request) -> None:
    request.session[SIGNED_IN_AT] = clock.now().isoformat()


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refused = self._check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request, user):
        started = request.session.get(SIGNED_IN_AT)
        now = clock.now()
        if started is None:
            request.session[SIGNED_IN_AT] = now.isoformat()
        elif now - datetime.fromisoformat(started) > timedelta(
            hours=settings.SESSION_ABSOLUTE_HOURS
        ):
            logout(request)
            messages.info(
                request, f"登录已超过 {settings.SESSION_ABSOLUTE_HOURS} 小时，请重新登录。"
            )
            return redirect(settings.LOGIN_URL)
        if request.path.startswith(OPEN_PATHS):
            return None
        security = security_of(user)
        if security.must_change_password and not security.demo_exempt:
            messages.warning(request, "您正在使用初始密码或管理员重置的密码，请先修改密码。")
            return redirect("password_change")
        expires = password_expires_at(security)
        if expires is not None and now >= expires:
            messages.warning(
                request,
                f"密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。",
            )
            return redirect("password_change")
        warn_from = expires - timedelta(days=7) if expires is not None else None
        if warn_from is not None and now >= warn_from and not request.session.get(WARNED):
            days = max(1, (expires - now).days)
            messages.warning(request, f"您的密码将在 {days} 天内过期，请尽快修改。")
            request.session[WARNED] = True
        return None


PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)


class PermissionsPolicyMiddleware:
    """Switch off browser features the portal never uses (camera, microphone, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
