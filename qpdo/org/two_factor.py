"""Two-factor sign-in with a time-based one-time code (TOTP, django-otp) and recovery codes.

Required for the roles that decide or sign opinions and for the three admin roles
(REQUIRED_ROLES): 办领导, 机关党支部, 办党组, 小讲堂管理, 宣教审核, 科室负责人 (they sign
推荐科室意见 and review manuscripts), 系统管理员, 安全管理员, 审计管理员, and superusers.
Optional for everyone else: whoever sets up an authenticator is asked for a code from then on.

After the password, `TwoFactorMiddleware` sends a signed-in but unverified session to the code
page (or, for a required role without an authenticator yet, to the set-up page) and lets it
reach nothing else. A code is accepted once (django-otp keeps the last time step used, so a
replayed code is refused); each recovery code works once. Demo accounts (`demo_exempt`, set
by `seed --demo` only) are not required to set one up.
"""

from __future__ import annotations

import secrets

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .enums import Role
from .models import AccountSecurity
from .scoping import has_role

REQUIRED_ROLES = frozenset(
    {
        Role.OFFICE_LEADER,
        Role.PARTY_BRANCH,
        Role.PARTY_GROUP,
        Role.LECTURES_COORDINATOR,
        Role.OUTREACH_REVIEWER,
        Role.SECTION_HEAD,
        Role.SYSADMIN,
        Role.SECADMIN,
        Role.AUDITOR,
    }
)
RECOVERY_CODES = 10
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/login/", "/static/")
# Session flag, set at sign-in: this account has no second factor and needs none (so no
# request asks again; a change of the rules applies from the next sign-in).
NOT_NEEDED = "qpdo_2fa_not_needed"


def is_required(user) -> bool:
    """Return whether the user must sign in with a second factor."""
    if not (user.is_superuser or has_role(user, *REQUIRED_ROLES)):
        return False
    security = AccountSecurity.objects.filter(user=user).first()
    return not (security and security.demo_exempt)


def has_authenticator(user) -> bool:
    return user_has_device(user, confirmed=True)


def totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones and return them."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="恢复码", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify_code(user, code: str):
    """Return the device that accepts this code (TOTP or a recovery code), or None."""
    code = "".join(code.split())
    if not code.isdigit():
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


class TwoFactorMiddleware:
    """Keep a session that passed the password but not the second factor on the 2FA pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(NOT_NEEDED)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if has_authenticator(user):
                return redirect(f"{reverse('two-factor-verify')}?next={request.get_full_path()}")
            if is_required(user):
                return redirect("two-factor-setup")
        return self.get_response(request)


def note_sign_in(request, user) -> None:
    """At sign-in, remember for the session whether a second factor is needed at all."""
    if not has_authenticator(user) and not is_required(user):
        request.session[NOT_NEEDED] = True
