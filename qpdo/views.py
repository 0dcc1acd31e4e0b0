"""Site-wide pages: the 工作台 and the sign-in pages."""

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
from qpdo.org.dashboard import panels_for
from qpdo.org.enums import AuditAction
from qpdo.org.selectors import profile_for
from qpdo.workflow.selectors import dashboard_panels_for


class HomeView(TemplateView):
    """The 工作台: who I am, what waits for me, what I submitted, what is due next."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = campaign_current()
        key_dates, all_past = key_dates_upcoming(campaign) if campaign else ([], False)
        year = working_year()
        context.update(self.year_context(user, year, campaign))
        context.update(
            profile=profile_for(user=user),
            campaign=campaign,
            key_dates=key_dates,
            key_dates_all_past=all_past,
            panels=panels_for(user),
            **dashboard_panels_for(user=user),
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
