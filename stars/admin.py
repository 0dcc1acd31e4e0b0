"""The 岗位之星 programme in the admin: the 机关党支部 keeps the year's posts and settings; the
办机关党支部 and 办党组 read the plans and 申报表 and give their opinions through the engine's
mixin. Every list goes through the programme's selectors; nothing here changes a state."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from qpdo.admin import ReadOnlyAdmin, ReadOnlyInline
from qpdo.workflow.admin import ApprovalAdminMixin

from . import exports, rules, selectors, services
from .models import (
    ActivityEvidence,
    CultivationPlan,
    ImplementationActivity,
    Nomination,
    Objection,
    Post,
    PostCategory,
    PrintedCopy,
    Score,
    Star,
    StarYear,
    SummaryReport,
    SupervisionVisit,
)


@admin.register(StarYear)
class StarYearAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quota", "announced_at", "announced_by"]
    readonly_fields = [
        "publicity_starts_on",
        "publicity_ends_on",
        "publicized_by",
        "announced_at",
        "announced_by",
        "announcement",
    ]
    list_select_related = ["campaign", "announced_by"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("campaign")
            if obj.is_announced or obj.is_publicized:
                fields.append("quota")  # the published stars were chosen against it
        return fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    """公示 objections, read-only: they are recorded and concluded on the 评选比较 page."""

    list_display = ["nomination", "received_on", "raised_by", "result", "handled_by_name"]
    list_filter = ["star_year", "result"]
    list_select_related = ["nomination"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PostCategory)
class PostCategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "campaign"]
    list_filter = ["campaign"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "category", "unit", "form", "campaign"]
    list_filter = ["campaign", "category__name", "unit"]
    list_select_related = ["category", "unit", "campaign"]
    ordering = ["-campaign__year", "number"]

    def get_readonly_fields(self, request, obj=None):
        # Once a 申报表 names the post, its printed forms depend on it.
        if obj is not None and obj.nominations.exists():
            return ["campaign", "category", "number", "name", "unit", "form"]
        return []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CultivationPlan)
class CultivationPlanAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "method", "deadline"]
    list_filter = ["campaign", "unit", "method"]
    search_fields = ["post__name", "focus"]
    list_per_page = 50
    fields = [
        "campaign",
        "post",
        "unit",
        "focus",
        "method",
        "carriers",
        "standards",
        "arrangements",
        "deadline",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.plan_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # sections file their plans in the portal (科室提交)


@admin.register(SummaryReport)
class SummaryReportAdmin(ReadOnlyAdmin):
    list_display = ["unit", "file_link", "uploaded_by_name", "uploaded_at", "note"]
    list_filter = ["campaign", "unit"]
    fields = ["campaign", "unit", "file_link", "size", "note", "uploaded_by_name", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.summary_list_for(user=request.user)

    @admin.display(description="总结文件")
    def file_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("stars:summary-file", args=[obj.pk]),
            obj.file_name,
        )


@admin.action(description="打印所选申报表（合并为一个 PDF）")
def print_selected(modeladmin, request, queryset):
    nominations = list(queryset.order_by("post__number", "unit__order", "id"))
    campaigns = {n.campaign_id for n in nominations}
    if len(campaigns) != 1:
        messages.error(request, "请只选择同一年度的申报表。")
        return None
    campaign = nominations[0].campaign
    try:
        batch = services.batch_print_request(
            acting_user=request.user,
            campaign=campaign,
            nominations=nominations,
            label=f"{campaign.year}年度选定申报表（{len(nominations)}份）",
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return None
    return HttpResponseRedirect(batch.get_absolute_url())


@admin.action(description="导出所选申报表（Excel 汇总表）")
def export_selected(modeladmin, request, queryset):
    years = {n.campaign_id for n in queryset}
    if len(years) != 1:
        messages.error(request, "请只选择同一年度的申报表。")
        return None
    star_year = selectors.star_year_for(queryset.first().campaign)
    rows = selectors.nomination_export_rows_for(
        user=request.user, campaign=star_year.campaign
    ).filter(pk__in=queryset.values("pk"))
    exporter = exports.NominationSummaryExporter(
        rows, star_year=star_year, with_scores=rules.may_see_selection(request.user)
    )
    services.export_record(acting_user=request.user, what=exporter.filename)
    return exporter.response()


@admin.register(Nomination)
class NominationAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "post", "source", "is_star"]
    list_filter = ["campaign", "unit", "post__category__name", "source"]
    search_fields = ["name", "deeds", "competition_record__title"]
    list_per_page = 50
    actions = [print_selected, export_selected]
    fields = [
        "campaign",
        "unit",
        "nominee",
        "name",
        "gender",
        "native_place",
        "political_status",
        "education",
        "birth_month_display",
        "post",
        "years_on_post",
        "source",
        "competition_display",
        "deeds",
        "form_links",
    ]
    readonly_fields = fields

    paper_template = "admin/stars/_paper_nomination.html"

    def get_queryset(self, request):
        return selectors.nomination_list_for(user=request.user)

    def paper_context(self, request, obj) -> dict:
        """The 申报表 grid of 附表2, as the portal shows and prints it."""
        return {
            "title": obj.name,
            "fields": dict(selectors.nomination_form_rows(obj)),
            "opinions": selectors.nomination_opinion_cells(obj),
        }

    def has_add_permission(self, request):
        return False  # sections fill the 申报表 in the portal

    @admin.display(description="比武成绩")
    def competition_display(self, obj):
        return selectors.nomination_competition_text(obj) or "—"

    @admin.display(description="出生年月")
    def birth_month_display(self, obj):
        return selectors.cn_month(obj.birth_month) or "—"

    @admin.display(description="岗位之星")
    def is_star(self, obj):
        # Only the stars are marked: a red ✖ beside every other nominee reads as a refusal.
        return "★ 当选" if exports._is_star(obj) else ""

    @admin.display(description="申报表")
    def form_links(self, obj):
        return format_html(
            '<a href="{}">在门户中查看</a> · <a href="{}" target="_blank">打印申报表（PDF）</a>',
            obj.get_absolute_url(),
            reverse("stars:nomination-pdf", args=[obj.pk]),
        )


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "scorer_name", "political", "skill", "performance", "updated_at"]
    list_filter = ["nomination__campaign", "scorer_name"]
    list_select_related = ["nomination"]

    def get_queryset(self, request):
        if not rules.may_see_selection(request.user):
            return Score.objects.none()
        visible = selectors.nomination_list_for(user=request.user).values("pk")
        return Score.objects.filter(nomination__in=visible).select_related("nomination")


@admin.register(Star)
class StarAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "campaign", "selected_by_name", "selected_at"]
    list_filter = ["campaign"]
    list_select_related = ["nomination", "campaign"]

    def get_queryset(self, request):
        visible = selectors.nomination_list_for(user=request.user).values("pk")
        return Star.objects.filter(nomination__in=visible).select_related("nomination", "campaign")


@admin.register(PrintedCopy)
class PrintedCopyAdmin(ReadOnlyAdmin):
    list_display = ["code", "nomination", "state_label", "first_printed_at", "times"]
    search_fields = ["code", "nomination__name"]
    list_select_related = ["nomination"]
    exclude = ["content"]

    def get_queryset(self, request):
        visible = selectors.nomination_list_for(user=request.user).values("pk")
        return PrintedCopy.objects.filter(nomination__in=visible).select_related("nomination")


class ActivityEvidenceInline(ReadOnlyInline):
    model = ActivityEvidence
    fields = ["file_link", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="佐证材料")
    def file_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("stars:activity-evidence", args=[obj.activity_id, obj.pk]),
            obj.original_name,
        )


@admin.register(ImplementationActivity)
class ImplementationActivityAdmin(ReadOnlyAdmin):
    """组织实施 activities, read-only: the sections record them under their plans in the portal."""

    list_display = ["held_on", "kind", "title", "plan", "unit", "recorded_by_name"]
    list_filter = ["campaign", "unit", "kind"]
    search_fields = ["title", "people", "summary"]
    list_per_page = 50
    inlines = [ActivityEvidenceInline]

    def get_queryset(self, request):
        return selectors.activity_list_for(user=request.user)


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(ReadOnlyAdmin):
    """The 机关党支部's 督查, read-only: recorded and followed up on the portal's 督查 page."""

    list_display = ["visited_on", "unit", "plan", "follow_up_required", "follow_up_done_on"]
    list_filter = ["campaign", "unit", "follow_up_required"]
    search_fields = ["findings", "follow_up_request", "follow_up_note"]
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.visit_list_for(user=request.user)
