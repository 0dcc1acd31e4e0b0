"""URL configuration of the qpdo portal."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qpdo import views
from qpdo.ops.views import healthz

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/2fa/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("accounts/2fa/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("workflow/", include("qpdo.workflow.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("lectures/", include("lectures.urls")),
    path("stars/", include("stars.urls")),
    path("outreach/", include("outreach.urls")),
    path("jobs/", include("qpdo.jobs.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "qpdo.errors.bad_request"
handler403 = "qpdo.errors.permission_denied"
handler404 = "qpdo.errors.page_not_found"
handler500 = "qpdo.errors.server_error"
