"""Site-wide pages: the 工作台 and the sign-in pages."""

import functools

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from campaigns import rules as campaign_rules
from campaigns.models import Campaign
from campaigns.selectors import (
    campaign_current,
    campaign_previous,
    key_dates_upcoming,
    who_starts_year,
    working_year,
)
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.caching import DEFAULT_TIMEOUT, bump_data_version, data_version
from qpdo.org.dashboard import panels_for
from qpdo.org.enums import AuditAction
from qpdo.org.selectors import profile_for
from qpdo.workflow.selectors import dashboard_panels_for


class HomeView(TemplateView):
    """The 工作台: who I am, what waits for me, what I submitted, what is due next.

    The page body is cached per user and day under the data version (see qpdo.org.caching):
    every write to the portal's data drops it. Its context is lazy (callables, which the
    template calls), so a cached body runs none of the panels' statements.
    """

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user

        @functools.cache
        def workflow():
            return dashboard_panels_for(user=user)

        @functools.cache
        def campaign():
            return campaign_current()

        @functools.cache
        def key_dates():
            current = campaign()
            return key_dates_upcoming(current) if current else ([], False)

        def lazy(fn):
            fn = functools.cache(fn)
            return fn

        year = working_year()

        @functools.cache
        def year_info():
            return self.year_context(user, year, campaign())

        context.update(
            home_cache_key=f"{user.pk}:{clock.today():%Y%m%d}:{data_version()}",
            home_cache_timeout=DEFAULT_TIMEOUT,
            profile=lazy(lambda: profile_for(user=user)),
            campaign=campaign,
            working_year=year,
            next_year=year + 1,
            **{
                name: (lambda name=name: year_info().get(name))
                for name in ("year_starter", "may_start_year", "next_year_banner")
            },
            key_dates=lambda: key_dates()[0],
            key_dates_all_past=lambda: key_dates()[1],
            panels=lazy(lambda: panels_for(user)),
            **{name: (lambda name=name: workflow()[name]) for name in WORKFLOW_PANEL_KEYS},
        )
        return context

    @staticmethod
    def year_context(user, year: int, campaign) -> dict:
        """This year's campaign or who sets it up; from 1 December, the coming year's banner."""
        context: dict = {"working_year": year, "next_year": year + 1}
        if campaign is None:
            source = campaign_previous(year)
            context.update(
                year_starter=who_starts_year(year),
                may_start_year=source is not None and campaign_rules.may_start_year(user, source),
            )
        elif (
            clock.today().month == 12
            and campaign_rules.may_start_year(user, campaign)
            and not Campaign.objects.filter(year=year + 1).exists()
        ):
            context["next_year_banner"] = True
        return context


WORKFLOW_PANEL_KEYS = (
    "todo_items",
    "todo_total",
    "duties",
    "duties_total",
    "my_items",
    "notifications",
)


class PortalLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        from qpdo.org.models import AccountSecurity

        response = super().form_valid(form)
        AccountSecurity.objects.filter(user=self.request.user).update(must_change_password=False)
        bump_data_version()  # update() sends no signal: drop the cached security row
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            actor=self.request.user,
        )
        messages.success(self.request, "密码已修改。")
        return response


# Two-factor sign-in ----------------------------------------------------------------------


def _safe_next(request, default: str = "/") -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class TwoFactorVerifyView(TemplateView):
    """The second step of signing in: a code from the authenticator or a recovery code."""

    template_name = "registration/two_factor_verify.html"

    def get(self, request, *args, **kwargs):
        from qpdo.org.two_factor import has_authenticator

        if request.user.is_verified() or not has_authenticator(request.user):
            return redirect(_safe_next(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request), **kwargs)

    def post(self, request, *args, **kwargs):
        from django_otp import login as otp_login

        from qpdo.org.two_factor import verify_code

        device = verify_code(request.user, request.POST.get("code", ""))
        if device is None:
            audit_record(
                action=AuditAction.TWO_FACTOR,
                actor=request.user,
                detail="双因素验证码错误或已使用过",
                success=False,
            )
            return self.render_to_response(
                self.get_context_data(error="验证码不正确或已使用过，请输入验证器上新的 6 位数字。")
            )
        otp_login(request, device)
        audit_record(
            action=AuditAction.TWO_FACTOR,
            actor=request.user,
            detail=f"双因素验证通过（{'恢复码' if device.name == '恢复码' else '验证器'}）",
        )
        return redirect(_safe_next(request))


class TwoFactorSetupView(TemplateView):
    """Set up an authenticator app: scan the QR code, confirm with one code, keep the
    recovery codes shown once."""

    template_name = "registration/two_factor_setup.html"

    def _pending(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from qpdo.org.two_factor import totp_device

        device = totp_device(self.request.user, confirmed=False)
        if device is None:
            device = TOTPDevice.objects.create(
                user=self.request.user, name="验证器", confirmed=False
            )
        return device

    def get(self, request, *args, **kwargs):
        from qpdo.org.two_factor import has_authenticator

        if has_authenticator(request.user) and not request.user.is_verified():
            return redirect("two-factor-verify")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from base64 import b32encode

        from qpdo.documents.qr import qr_svg
        from qpdo.org.two_factor import is_required

        device = self._pending()
        context = super().get_context_data(**kwargs)
        context.update(
            qr=qr_svg(device.config_url),
            secret=b32encode(device.bin_key).decode(),
            required=is_required(self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        from django_otp import login as otp_login

        from qpdo.org.two_factor import has_authenticator, new_recovery_codes

        if has_authenticator(request.user) and not request.user.is_verified():
            return redirect("two-factor-verify")
        device = self._pending()
        code = "".join(request.POST.get("code", "").split())
        if not (code.isdigit() and device.verify_token(code)):
            return self.render_to_response(
                self.get_context_data(
                    error="验证码不正确，请核对手机时间后输入验证器上的 6 位数字。"
                )
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(request.user)
        otp_login(request, device)
        audit_record(
            action=AuditAction.TWO_FACTOR, actor=request.user, detail="启用双因素登录（验证器）"
        )
        return render(request, "registration/two_factor_codes.html", {"codes": codes})
