from django.urls import path

from . import views
from .views import appraisal as appraisal_views
from .views import summary as summary_views

app_name = "campaigns"

Y = "<int:year>/"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(Y, views.OverviewView.as_view(), name="overview"),
    path("new-year/", views.NewYearView.as_view(), name="new-year"),
    path(Y + "copy/", views.CopyView.as_view(), name="copy"),
    path(Y + "close/", views.CloseView.as_view(), name="close"),
    # the lists
    path(Y + "items/", views.ItemListView.as_view(), name="item-list"),
    path(Y + "items/new/", views.ItemCreateView.as_view(), name="item-create"),
    path(Y + "items/sheet/", views.ItemSheetView.as_view(), name="item-sheet"),
    path(Y + "items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path(Y + "items/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item-update"),
    path(Y + "items/<int:pk>/report/", views.ReportCreateView.as_view(), name="report-create"),
    path(Y + "items/<int:pk>/recheck/", views.RecheckView.as_view(), name="item-recheck"),
    path(Y + "reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path(Y + "reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report-update"),
    path(Y + "evidence/<int:pk>/", views.EvidenceView.as_view(), name="evidence"),
    # people's activities
    path(Y + "teams/", views.TeamListView.as_view(), name="team-list"),
    path(Y + "teams/new/", views.TeamCreateView.as_view(), name="team-create"),
    path(Y + "teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path(Y + "teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team-update"),
    path(Y + "teams/<int:pk>/outputs/", views.TeamOutputCreateView.as_view(), name="team-output"),
    path(Y + "outputs/<int:pk>/file/", views.TeamOutputFileView.as_view(), name="output-file"),
    path(Y + "mentoring/", views.PairListView.as_view(), name="pair-list"),
    path(Y + "mentoring/new/", views.PairCreateView.as_view(), name="pair-create"),
    path(Y + "mentoring/<int:pk>/", views.PairDetailView.as_view(), name="pair-detail"),
    path(Y + "mentoring/<int:pk>/edit/", views.PairUpdateView.as_view(), name="pair-update"),
    path(Y + "rotations/", views.RotationListView.as_view(), name="rotation-list"),
    path(Y + "rotations/new/", views.RotationCreateView.as_view(), name="rotation-create"),
    path(
        Y + "rotations/<int:pk>/edit/", views.RotationUpdateView.as_view(), name="rotation-update"
    ),
    path(Y + "competitions/", views.CompetitionListView.as_view(), name="competition-list"),
    path(Y + "competitions/new/", views.CompetitionCreateView.as_view(), name="competition-create"),
    path(
        Y + "competitions/<int:pk>/",
        views.CompetitionDetailView.as_view(),
        name="competition-detail",
    ),
    path(
        Y + "competitions/<int:pk>/edit/",
        views.CompetitionUpdateView.as_view(),
        name="competition-update",
    ),
    path(
        Y + "competitions/<int:pk>/results/",
        views.CompetitionResultsView.as_view(),
        name="competition-results",
    ),
    path(Y + "quarter-stars/", views.QuarterStarListView.as_view(), name="quarter-star-list"),
    path(
        Y + "quarter-stars/new/", views.QuarterStarCreateView.as_view(), name="quarter-star-create"
    ),
    path(
        Y + "quarter-stars/<int:pk>/edit/",
        views.QuarterStarEditView.as_view(),
        name="quarter-star-edit",
    ),
    path(Y + "discussions/", views.DiscussionListView.as_view(), name="discussion-list"),
    path(Y + "discussions/new/", views.DiscussionCreateView.as_view(), name="discussion-create"),
    path(
        Y + "discussions/<int:pk>/", views.DiscussionDetailView.as_view(), name="discussion-detail"
    ),
    path(
        Y + "discussions/<int:pk>/file/", views.DiscussionFileView.as_view(), name="discussion-file"
    ),
    # 交流展示
    path(Y + "exchanges/", views.ExchangeListView.as_view(), name="exchange-list"),
    path(Y + "exchanges/new/", views.ExchangeCreateView.as_view(), name="exchange-create"),
    path(Y + "exchanges/<int:pk>/", views.ExchangeDetailView.as_view(), name="exchange-detail"),
    path(Y + "exchanges/<int:pk>/edit/", views.ExchangeUpdateView.as_view(), name="exchange-edit"),
    path(
        Y + "exchanges/<int:pk>/delete/",
        views.ExchangeDeleteView.as_view(),
        name="exchange-delete",
    ),
    path(
        Y + "exchanges/<int:pk>/material/",
        views.ExchangeMaterialView.as_view(),
        name="exchange-material",
    ),
    path("exchange-photos/<int:pk>/", views.ExchangePhotoView.as_view(), name="exchange-photo"),
    path(
        "exchange-photos/<int:pk>/thumb/",
        views.ExchangePhotoView.as_view(thumbnail=True),
        name="exchange-photo-thumb",
    ),
    path(
        "exchange-reflections/<int:pk>/file/",
        views.ExchangeReflectionFileView.as_view(),
        name="exchange-reflection-file",
    ),
    # the monthly ranking
    path(Y + "ranking/", views.RankingView.as_view(), name="ranking-home"),
    path(Y + "ranking/<int:month>/", views.RankingView.as_view(), name="ranking"),
    path(
        Y + "ranking/<int:month>/compile/",
        views.RankingCompileView.as_view(),
        name="ranking-compile",
    ),
    path(Y + "ranking/<int:month>.xlsx", views.RankingXlsxView.as_view(), name="ranking-xlsx"),
    # the year's 实践活动总结
    path(Y + "summary/", summary_views.SummaryView.as_view(), name="summary"),
    path(Y + "summary/edit/", summary_views.SummaryUpdateView.as_view(), name="summary-update"),
    path(
        Y + "summary/versions/<int:version>/choose/",
        summary_views.SummaryChooseView.as_view(),
        name="summary-choose",
    ),
    path(
        Y + "summary.docx",
        summary_views.SummaryDownloadView.as_view(fmt="docx"),
        name="summary-docx",
    ),
    path(
        Y + "summary.pdf",
        summary_views.SummaryDownloadView.as_view(fmt="pdf"),
        name="summary-pdf",
    ),
    # 年度考核参考 and the marks for 优秀等次 / 评先表彰
    path(Y + "appraisal/", appraisal_views.AppraisalListView.as_view(), name="appraisal"),
    path(Y + "appraisal.xlsx", appraisal_views.AppraisalXlsxView.as_view(), name="appraisal-xlsx"),
    path(
        Y + "appraisal/<int:staff_pk>/mark/",
        appraisal_views.AppraisalMarkView.as_view(),
        name="appraisal-mark",
    ),
    # personal yearly records
    path(Y + "records/", views.RecordListView.as_view(), name="record-list"),
    path(Y + "records.xlsx", views.RecordsXlsxView.as_view(), name="records-xlsx"),
    path(Y + "records/unit-pdf/", views.RecordsPdfJobView.as_view(), name="records-pdf-job"),
    path(Y + "records/<int:staff_pk>/", views.RecordDetailView.as_view(), name="record"),
    path(Y + "records/<int:staff_pk>.pdf", views.RecordPdfView.as_view(), name="record-pdf"),
    path(
        Y + "records/<int:staff_pk>.docx",
        views.RecordPdfView.as_view(fmt="docx"),
        name="record-docx",
    ),
]
