from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("todo/", views.InboxView.as_view(), name="inbox"),
    path("done/", views.DoneView.as_view(), name="done"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("copied/", views.CopiedView.as_view(), name="copied"),
    path("messages/", views.NotificationListView.as_view(), name="notifications"),
    path("messages/read/", views.NotificationReadView.as_view(), name="notifications-read-all"),
    path("messages/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
    path("<int:pk>/", views.ApprovalDetailView.as_view(), name="approval-detail"),
    path("<int:pk>/sheet.pdf", views.ApprovalPdfView.as_view(), name="approval-pdf"),
    path("<int:pk>/sheet.docx", views.ApprovalPdfView.as_view(fmt="docx"), name="approval-docx"),
    path("<int:pk>/<slug:move>/", views.ApprovalActView.as_view(), name="approval-act"),
]
