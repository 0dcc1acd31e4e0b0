from django.urls import path

from . import registers, summary_views, views

app_name = "outreach"

urlpatterns = [
    path("", views.OutreachIndexView.as_view(), name="index"),
    path("fronts/", views.FrontListView.as_view(), name="front-list"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/summary.xlsx", views.YearSummaryExportView.as_view(), name="summary-export"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path(
        "plans/<int:pk>/review/",
        views.SubjectReviewView.as_view(kind="plan"),
        name="plan-review",
    ),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/export.xlsx", views.ReportExportView.as_view(), name="report-export"),
    path("reports/export-year/", views.ReportYearExportView.as_view(), name="report-export-year"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report-update"),
    path("reports/<int:pk>/delete/", views.ReportDeleteView.as_view(), name="report-delete"),
    path(
        "reports/<int:pk>/review/",
        views.SubjectReviewView.as_view(kind="report"),
        name="report-review",
    ),
    path("reports/<int:pk>/promote/", views.ReportPromoteView.as_view(), name="report-promote"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/thumb/", views.PhotoView.as_view(thumbnail=True), name="photo-thumb"),
    path("files/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    *registers.register_urls(registers.SCHOOLS),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school-detail"),
    path(
        "evacuation-plans/<int:pk>/",
        views.EvacuationPlanDownloadView.as_view(),
        name="evacuation-plan",
    ),
    *registers.register_urls(registers.COMMUNITIES),
    path("communities/<int:pk>/", views.CommunityDetailView.as_view(), name="community-detail"),
    *registers.register_urls(registers.ENTERPRISES),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path(
        "enterprise-plans/<int:pk>/",
        views.EnterpriseDrillPlanDownloadView.as_view(),
        name="enterprise-plan",
    ),
    path(
        "air-raid-plans/<int:pk>/", views.CommunityPlanDownloadView.as_view(), name="air-raid-plan"
    ),
    path("party-school/", views.PartySchoolView.as_view(), name="party-school"),
    path(
        "party-school/export.xlsx",
        views.PartySchoolExportView.as_view(),
        name="party-school-export",
    ),
    path("import/<slug:spec>/", views.RegisterImportView.as_view(), name="register-import"),
    path(
        "import/<slug:spec>/template.xlsx",
        views.RegisterTemplateView.as_view(),
        name="register-template",
    ),
    path("summaries/", summary_views.SummaryListView.as_view(), name="summary-list"),
    path("summaries/new/", summary_views.SummaryCreateView.as_view(), name="summary-create"),
    path("summaries/<int:pk>/", summary_views.SummaryDetailView.as_view(), name="summary-detail"),
    path(
        "summaries/<int:pk>/edit/", summary_views.SummaryUpdateView.as_view(), name="summary-update"
    ),
    path(
        "summaries/<int:pk>/versions/<int:version>/choose/",
        summary_views.SummaryChooseView.as_view(),
        name="summary-choose",
    ),
    path(
        "summaries/<int:pk>/submit/",
        summary_views.SummarySubmitView.as_view(),
        name="summary-submit",
    ),
    path(
        "summaries/<int:pk>/review/",
        summary_views.SummaryReviewView.as_view(),
        name="summary-review",
    ),
    path(
        "summaries/<int:pk>/summary.docx",
        summary_views.SummaryDownloadView.as_view(fmt="docx"),
        name="summary-docx",
    ),
    path(
        "summaries/<int:pk>/summary.pdf",
        summary_views.SummaryDownloadView.as_view(fmt="pdf"),
        name="summary-pdf",
    ),
    path("summaries/<int:pk>/job/", summary_views.SummaryJobView.as_view(), name="summary-job"),
    path("agreements/<int:pk>/", views.AgreementDownloadView.as_view(), name="agreement"),
]
