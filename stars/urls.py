from django.urls import path

from . import implementation_views, summary_views, views

app_name = "stars"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts.xlsx", views.PostTableExportView.as_view(), name="post-export"),
    path("posts.pdf", views.PostTablePdfView.as_view(), name="post-pdf"),
    path("posts.docx", views.PostTableExportView.as_view(fmt="docx"), name="post-docx"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan-submit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan-delete"),
    path("summaries/", views.SummaryListView.as_view(), name="summary-list"),
    path("summaries/upload/", views.SummaryUploadView.as_view(), name="summary-upload"),
    path("summaries/<int:pk>/file/", views.SummaryDownloadView.as_view(), name="summary-file"),
    path("summaries/draft.docx", views.SummaryDraftView.as_view(), name="summary-draft-docx"),
    path(
        "summaries/draft.pdf", views.SummaryDraftView.as_view(fmt="pdf"), name="summary-draft-pdf"
    ),
    path("summaries/draft/", summary_views.StarSummaryDraftView.as_view(), name="summary-draft"),
    path(
        "summaries/draft/edit/",
        summary_views.StarSummaryUpdateView.as_view(),
        name="summary-draft-update",
    ),
    path(
        "summaries/draft/versions/<int:version>/choose/",
        summary_views.StarSummaryChooseView.as_view(),
        name="summary-draft-choose",
    ),
    path(
        "summaries/draft/hand-in/",
        summary_views.StarSummaryHandInView.as_view(),
        name="summary-draft-hand-in",
    ),
    path("activities/", implementation_views.ActivityListView.as_view(), name="activity-list"),
    path(
        "activities/new/",
        implementation_views.ActivityCreateView.as_view(),
        name="activity-create",
    ),
    path(
        "activities/<int:pk>/",
        implementation_views.ActivityDetailView.as_view(),
        name="activity-detail",
    ),
    path(
        "activities/<int:pk>/files/<int:evidence_pk>/",
        implementation_views.ActivityEvidenceView.as_view(),
        name="activity-evidence",
    ),
    path(
        "activities/<int:pk>/delete/",
        implementation_views.ActivityDeleteView.as_view(),
        name="activity-delete",
    ),
    path("visits/", implementation_views.VisitListView.as_view(), name="visit-list"),
    path("visits/new/", implementation_views.VisitCreateView.as_view(), name="visit-create"),
    path("visits/<int:pk>/", implementation_views.VisitDetailView.as_view(), name="visit-detail"),
    path(
        "visits/<int:pk>/follow-up/",
        implementation_views.VisitFollowUpView.as_view(),
        name="visit-follow-up",
    ),
    path("nominations/", views.NominationListView.as_view(), name="nomination-list"),
    path("nominations/new/", views.NominationCreateView.as_view(), name="nomination-create"),
    path("nominations/export.xlsx", views.NominationExportView.as_view(), name="nomination-export"),
    path("nominations/<int:pk>/", views.NominationDetailView.as_view(), name="nomination-detail"),
    path(
        "nominations/<int:pk>/edit/", views.NominationUpdateView.as_view(), name="nomination-update"
    ),
    path(
        "nominations/<int:pk>/submit/",
        views.NominationSubmitView.as_view(),
        name="nomination-submit",
    ),
    path(
        "nominations/<int:pk>/delete/",
        views.NominationDeleteView.as_view(),
        name="nomination-delete",
    ),
    path("nominations/<int:pk>/form.pdf", views.NominationPdfView.as_view(), name="nomination-pdf"),
    path(
        "nominations/<int:pk>/form.docx",
        views.NominationPdfView.as_view(fmt="docx"),
        name="nomination-docx",
    ),
    path(
        "nominations/<int:pk>/photo/", views.NominationPhotoView.as_view(), name="nomination-photo"
    ),
    path("nominations/<int:pk>/score/", views.ScoreView.as_view(), name="nomination-score"),
    path("nominations/<int:pk>/select/", views.SelectView.as_view(), name="nomination-select"),
    path(
        "nominations/<int:pk>/unselect/", views.UnselectView.as_view(), name="nomination-unselect"
    ),
    path("nominations/<int:pk>/citation/", views.CitationView.as_view(), name="star-citation"),
    path("batches/", views.BatchListView.as_view(), name="batch-list"),
    path("batches/new/", views.BatchCreateView.as_view(), name="batch-create"),
    path("selection/", views.SelectionView.as_view(), name="selection"),
    path("selection/announce/", views.AnnounceView.as_view(), name="announce"),
    path("selection/publicize/", views.PublicizeView.as_view(), name="publicize"),
    path(
        "selection/publicity/withdraw/",
        views.PublicityWithdrawView.as_view(),
        name="publicity-withdraw",
    ),
    path("selection/objections/", views.ObjectionCreateView.as_view(), name="objection-create"),
    path(
        "selection/objections/<int:pk>/handle/",
        views.ObjectionHandleView.as_view(),
        name="objection-handle",
    ),
    path("showcase/", views.ShowcaseView.as_view(), name="showcase"),
    path("showcase/sharing/new/", views.SharingCreateView.as_view(), name="sharing-create"),
    path("showcase/sharing/<int:pk>/edit/", views.SharingEditView.as_view(), name="sharing-edit"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
