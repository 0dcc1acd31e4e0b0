"""Lecture topics and slots in the admin, for 综合科 and the office leadership."""

from django.contrib import admin

from qpdo.workflow.admin import ApprovalAdminMixin

from . import selectors
from .models import Slot, Topic


@admin.register(Topic)
class TopicAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "speaker", "event_date", "preferred_slot"]
    list_filter = ["unit", "campaign"]
    search_fields = ["title", "speaker__name", "event"]
    list_per_page = 50
    fields = [
        "campaign",
        "unit",
        "title",
        "speaker",
        "event",
        "event_date",
        "speaker_part",
        "summary",
        "preferred_slot",
    ]

    def get_queryset(self, request):
        return selectors.topic_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # sections put topics forward in the portal (科室推荐)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["number", "unit", "month", "topic_rule", "people_rule", "is_cancelled"]
    list_filter = ["campaign", "unit", "is_cancelled"]
    list_select_related = ["unit"]
