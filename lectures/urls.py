from django.urls import path

from . import export_views, views

app_name = "lectures"

urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/new/", views.TopicCreateView.as_view(), name="topic-create"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<int:pk>/edit/", views.TopicUpdateView.as_view(), name="topic-update"),
    path("division.xlsx", export_views.DivisionTableXlsxView.as_view(), name="division-xlsx"),
    path("division.pdf", export_views.DivisionTablePdfView.as_view(), name="division-pdf"),
    path("programme.xlsx", export_views.ProgrammeXlsxView.as_view(), name="programme-xlsx"),
    path("schedule.ics", export_views.CalendarDownloadView.as_view(), name="calendar-ics"),
    path("calendar/<str:token>.ics", export_views.CalendarFeedView.as_view(), name="calendar-feed"),
]
