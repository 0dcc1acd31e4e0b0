from django.urls import path

from . import export_views, views

app_name = "lectures"

urlpatterns = [
    path("", views.LecturesHomeView.as_view(), name="home"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("topics/<int:pk>/manuscript/", views.ManuscriptEditView.as_view(), name="manuscript-edit"),
    path("topics/<int:pk>/schedule/", views.LectureScheduleView.as_view(), name="lecture-schedule"),
    path("manuscripts/<int:pk>/", views.ManuscriptDetailView.as_view(), name="manuscript-detail"),
    path(
        "manuscripts/<int:pk>/compare/",
        views.ManuscriptCompareView.as_view(),
        name="manuscript-compare",
    ),
    path(
        "manuscripts/<int:pk>/v<int:number>/<slug:kind>/",
        views.ManuscriptFileView.as_view(),
        name="manuscript-file",
    ),
    path("lectures/<int:pk>/", views.LectureDetailView.as_view(), name="lecture-detail"),
    path(
        "lectures/<int:lecture_pk>/edit/", views.LectureScheduleView.as_view(), name="lecture-edit"
    ),
    path(
        "lectures/<int:pk>/delivery/", views.LectureDeliveryView.as_view(), name="lecture-delivery"
    ),
    path(
        "lectures/<int:pk>/promotion/",
        views.LecturePromotionView.as_view(),
        name="lecture-promotion",
    ),
    path(
        "lectures/<int:pk>/promotion/<slug:kind>/",
        views.LecturePromotionFileView.as_view(),
        name="lecture-promotion-file",
    ),
    path("photos/<int:pk>/<slug:size>/", views.LecturePhotoView.as_view(), name="photo"),
    path("slot-requests/new/", views.SlotRequestCreateView.as_view(), name="slot-request-create"),
    path(
        "slot-requests/<int:pk>/", views.SlotRequestDetailView.as_view(), name="slot-request-detail"
    ),
    path("slots/<int:pk>/cancel/", views.SlotCancelView.as_view(), name="slot-cancel"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/new/", views.TopicCreateView.as_view(), name="topic-create"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<int:pk>/edit/", views.TopicUpdateView.as_view(), name="topic-update"),
    path("division.xlsx", export_views.DivisionTableXlsxView.as_view(), name="division-xlsx"),
    path("division.pdf", export_views.DivisionTablePdfView.as_view(), name="division-pdf"),
    path("division.docx", export_views.DivisionTableDocxView.as_view(), name="division-docx"),
    path("programme.xlsx", export_views.ProgrammeXlsxView.as_view(), name="programme-xlsx"),
    path("schedule.ics", export_views.CalendarDownloadView.as_view(), name="calendar-ics"),
    path("calendar/<str:token>.ics", export_views.CalendarFeedView.as_view(), name="calendar-feed"),
]
