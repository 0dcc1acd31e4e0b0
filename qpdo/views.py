"""Site-wide pages: the 工作台 and the sign-in pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from campaigns.selectors import campaign_current, key_dates_upcoming
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
        context.update(
            profile=profile_for(user=user),
            campaign=campaign,
            key_dates=key_dates,
            key_dates_all_past=all_past,
            panels=panels_for(user),
            **dashboard_panels_for(user=user),
        )
        return context


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
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            actor=self.request.user,
            ip_address=client_ip(self.request),
        )
        messages.success(self.request, "密码已修改。")
        return response
