"""The campaign in the admin, for the 办领导.

Progress reports are verified and monthly rankings confirmed here through the engine's mixin
(the same transition as the portal). The year's structure (campaign, key tasks, key dates) is
kept here. Work items and the people's activities are set up in the portal, where their rules
are checked, so the admin shows them read-only.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from qpdo.admin import ReadOnlyAdmin, ReadOnlyInline
from qpdo.workflow.admin import ApprovalAdminMixin

from . import selectors
from .models import (
    AppraisalRecommendation,
    Campaign,
    Evidence,
    Exchange,
    ExchangeParticipant,
    ExchangePhoto,
    KeyDate,
    KeyTask,
    Milestone,
    MonthlyRanking,
    ProgressReport,
    QuarterStar,
    RankingRow,
    WorkItem,
)


class KeyTaskInline(admin.TabularInline):
    model = KeyTask
    extra = 0
    fields = ["order", "title", "description"]

    def has_delete_permission(self, request, obj=None):
        return False  # items hang on key tasks


class KeyDateInline(admin.TabularInline):
    model = KeyDate
    extra = 0
    fields = ["date", "title", "programme", "is_deadline", "code", "note"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "doc_number", "start", "end", "coordinator_unit"]
    fields = [
        "year",
        "name",
        "doc_number",
        "start",
        "end",
        "issued_on",
        "organiser",
        "coordinator_unit",
        "text",
    ]
    inlines = [KeyTaskInline, KeyDateInline]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new year is copied in the portal (复制到下一年度)

    def has_delete_permission(self, request, obj=None):
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["order", "title", "due_on"]
    readonly_fields = fields


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "kind", "key_task", "unit", "owner", "deadline", "portal"]
    list_filter = ["campaign", "kind", "key_task", "unit"]
    list_select_related = ["key_task", "unit", "owner", "campaign"]
    search_fields = ["title", "owner__name"]
    inlines = [MilestoneInline]

    def get_queryset(self, request):
        return selectors.item_list_for(user=request.user)

    @admin.display(description="编号", ordering="number")
    def code(self, obj):
        return obj.code

    @admin.display(description="门户")
    def portal(self, obj):
        return format_html('<a href="{}">打开</a>', obj.get_absolute_url())


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["download", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="文件")
    def download(self, obj):
        url = reverse("campaigns:evidence", args=[obj.report.item.campaign.year, obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, obj.original_name)


@admin.register(ProgressReport)
class ProgressReportAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "item_title", "unit", "percent", "is_final", "created_at"]
    list_filter = [("item__unit", admin.RelatedOnlyFieldListFilter), "is_final"]
    search_fields = ["item__title", "text"]
    fields = ["item", "milestone", "is_final", "percent", "text", "author_name"]
    readonly_fields = fields
    inlines = [EvidenceInline]

    def get_queryset(self, request):
        return selectors.report_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # the responsible unit reports in the portal

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="填报人")
    def author_name(self, obj):
        staff = getattr(obj.author, "staff", None)
        return staff.name if staff else obj.author.get_username()

    @admin.display(description="事项")
    def item_title(self, obj):
        return obj.item.title

    @admin.display(description="责任单位", ordering="item__unit__order")
    def unit(self, obj):
        return obj.item.unit


class RowInline(ReadOnlyInline):
    model = RankingRow
    fields = [
        "rank",
        "unit",
        "items_due",
        "items_done",
        "items_overdue",
        "speakers_owed",
        "lectures_delivered",
        "nominations_filed",
        "reports_filed",
        "score",
    ]
    readonly_fields = fields
    ordering = ["rank"]


@admin.register(MonthlyRanking)
class MonthlyRankingAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "month", "compiled_at"]
    list_filter = ["campaign"]
    fields = ["campaign", "month", "rule_text", "compiled_at", "compiled_by_name"]
    readonly_fields = fields
    inlines = [RowInline]

    @admin.display(description="汇总人")
    def compiled_by_name(self, obj):
        staff = getattr(obj.compiled_by, "staff", None)
        return staff.name if staff else obj.compiled_by.get_username()

    def has_add_permission(self, request):
        return False  # compiled by the 牵头科室 in the portal

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterStar)
class QuarterStarAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    """牵头科室审核 and 办党组评定 of the 季度之星 recommendations; recommended in the portal."""

    fields = ["campaign", "quarter", "staff", "unit", "deeds", "chosen_on"]
    readonly_fields = fields
    search_fields = ["staff__name", "deeds"]

    def get_queryset(self, request):
        return selectors.quarter_star_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # the 科室负责人 recommends in the portal

    def has_change_permission(self, request, obj=None):
        return False


class ExchangeParticipantInline(ReadOnlyInline):
    model = ExchangeParticipant
    fields = ["staff", "reflection", "original_name"]
    readonly_fields = fields


class ExchangePhotoInline(ReadOnlyInline):
    model = ExchangePhoto
    fields = ["original_name", "uploaded_at"]
    readonly_fields = fields


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdmin):
    """交流展示 are recorded in the portal (their rules and photo checks live there)."""

    list_display = ["title", "kind", "held_on", "unit", "portal"]
    list_filter = ["campaign", "kind", "unit"]
    list_select_related = ["campaign", "unit"]
    search_fields = ["title"]
    inlines = [ExchangeParticipantInline, ExchangePhotoInline]
    exclude = ["people"]

    def get_queryset(self, request):
        return selectors.exchange_admin_list(user=request.user)

    @admin.display(description="门户")
    def portal(self, obj):
        return format_html('<a href="{}">打开</a>', obj.get_absolute_url())


@admin.register(AppraisalRecommendation)
class AppraisalRecommendationAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    """办党组研究确定 of the 年度考核 recommendations; marked in the portal's 年度考核参考 list."""

    fields = ["campaign", "staff", "kind", "reason", "proposed_on", "proposed_by"]
    readonly_fields = fields
    search_fields = ["staff__name", "reason"]

    def get_queryset(self, request):
        return selectors.appraisal_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # the 办领导 and the 办党组 mark from the 年度考核参考 list

    def has_change_permission(self, request, obj=None):
        return False
