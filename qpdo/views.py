"""Site-wide pages: the 工作台 and the sign-in pages."""

import functools

from django.contrib import messages
from django.contrib.auth import views as auth_views
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
from qpdo.org.audit import audit_record, client_ip
from qpdo.org.caching import DEFAULT_TIMEOUT, data_version
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


WORKFLOW_PANEL_KEYS = ("todo_items", "todo_total", "my_items", "notifications")


class PortalLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            actor=self.request.user,
            ip_address=client_ip(self.request),
        )
        messages.success(self.request, "密码已修改。")
        return response
