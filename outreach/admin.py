"""六进 in the admin: the office reviews plans and reports here and keeps the registers.

Lists are scoped by the same selectors as the portal's pages. Plans and reports are filed in
the portal (no adding here) and decided through the engine's mixin; the 报市国动办 mark is set
by a service, never edited as a field.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from qpdo.errors import Refused
from qpdo.workflow.admin import ApprovalAdminMixin

from . import selectors, services
from .models import (
    BaseVisit,
    Community,
    CommunityAirRaidPlan,
    CommunityExercise,
    CommunityTeamMember,
    Enterprise,
    EnterpriseDrill,
    EnterpriseDrillPlan,
    EvacuationPlan,
    Front,
    PartySchoolAgreement,
    PartySchoolCourse,
    Plan,
    PlanItem,
    Report,
    School,
    SchoolCourse,
    SchoolDrill,
)


class ServiceSaveMixin:
    """Save, delete and the inline rows through the programme's services (audited)."""

    def save_model(self, request, obj, form, change):
        services.admin_record_save(acting_user=request.user, record=obj, change=change)

    def delete_model(self, request, obj):
        services.admin_record_delete(acting_user=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.admin_record_delete(acting_user=request.user, record=obj)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        services.admin_rows_save(
            acting_user=request.user,
            record=form.instance,
            rows=rows,
            deleted=formset.deleted_objects,
        )
        formset.save_m2m()


@admin.register(Front)
class FrontAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["name", "summary", "units_note", "register", "coverage_target"]
    filter_horizontal = ["units"]
    readonly_fields = ["code"]
    fields = [
        "code",
        "name",
        "order",
        "summary",
        "description",
        "units_note",
        "units",
        "includes_towns",
        "includes_member_units",
        "register",
        "coverage_target",
        "coverage_note",
    ]

    def has_add_permission(self, request):
        return False  # the six fronts are the notice's; they are loaded as reference data

    def has_delete_permission(self, request, obj=None):
        return False


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = [
        "front",
        "month",
        "title",
        "form",
        "audience",
        "expected_count",
        "budget",
        "budget_line",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "year", "submitted_on"]
    list_filter = ["year", "unit"]
    search_fields = ["unit__name", "goals"]
    fields = ["unit", "year", "goals", "measures", "contact_name", "contact_phone"]
    inlines = [PlanItemInline]
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.plan_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # units file their plans in the portal (单位提交)

    def get_readonly_fields(self, request, obj=None):
        return self.fields  # the office reviews; the unit edits in the portal

    @admin.display(description="首次报送", ordering="first_submitted_at")
    def submitted_on(self, obj):
        moment = getattr(obj, "first_submitted_at", None)
        return selectors.local_date(moment) or "—"


@admin.register(Report)
class ReportAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "held_on", "kind", "fronts_text", "promoted_to_city"]
    list_filter = ["kind", "fronts", "promoted_to_city", "unit"]
    search_fields = ["title", "content", "place"]
    date_hierarchy = "held_on"
    list_per_page = 50
    fields = [
        "unit",
        "fronts",
        "kind",
        "title",
        "held_on",
        "place",
        "organiser",
        "participants",
        "audience_count",
        "content",
        "plan_item",
        "photos_preview",
        "files_list",
        "promoted",
    ]
    actions = ["mark_promoted"]

    def paper_context(self, request, obj) -> dict:
        """The 活动报道 as filed, with its photos as thumbnails."""
        return {
            "title": obj.approval.title or str(obj),
            "summary": obj.get_workflow_summary(),
            "photos": list(obj.photos.all()),
        }

    def get_queryset(self, request):
        return selectors.report_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # units file reports in the portal (单位提交)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="所属方面")
    def fronts_text(self, obj):
        return "、".join(f.name for f in obj.fronts.all())

    @admin.display(description="照片")
    def photos_preview(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank"><img src="{}" alt="{}" height="90"></a>',
            (
                (
                    reverse("outreach:photo", args=[p.pk]),
                    reverse("outreach:photo-thumb", args=[p.pk]),
                    p.original_name,
                )
                for p in photos
            ),
        )

    @admin.display(description="视频与文档")
    def files_list(self, obj):
        files = list(obj.attachments.all())
        if not files:
            return "—"
        return format_html_join(
            format_html("<br>"),
            '<a href="{}">{}（{}）</a>',
            (
                (reverse("outreach:attachment", args=[a.pk]), a.original_name, a.get_kind_display())
                for a in files
            ),
        )

    @admin.display(description="报市国动办")
    def promoted(self, obj):
        if not obj.promoted_to_city:
            return "未报"
        return f"已报（{selectors.local_date(obj.promoted_at):%Y-%m-%d}）"

    @admin.action(description="标记为已报市国动办（仅已采用的活动信息）")
    def mark_promoted(self, request, queryset):
        done, refused = 0, []
        for report in queryset:
            try:
                services.report_promote(acting_user=request.user, report=report)
                done += 1
            except (ValidationError, Refused) as error:
                refused.append(
                    f"{report.title}：{'；'.join(getattr(error, 'messages', [str(error)]))}"
                )
        if done:
            messages.success(request, f"已将 {done} 条活动信息标记为报市国动办。")
        for line in refused:
            messages.warning(request, line)


class RegisterAdminMixin(ServiceSaveMixin):
    """Registers of the 街镇 the user may read; the office keeps them."""

    town_field = "town"

    def get_queryset(self, request):
        towns = selectors.towns_for(request.user)
        return super().get_queryset(request).filter(**{f"{self.town_field}__in": towns})


class EvacuationPlanInline(admin.TabularInline):
    model = EvacuationPlan
    extra = 0
    fields = ["compiled_on", "file", "original_name", "uploaded_at"]
    readonly_fields = ["original_name", "uploaded_at"]


class SchoolDrillInline(admin.TabularInline):
    model = SchoolDrill
    extra = 0
    fields = ["held_on", "participants", "note", "report"]
    raw_id_fields = ["report"]


class SchoolCourseInline(admin.TabularInline):
    model = SchoolCourse
    extra = 0
    fields = ["year", "title", "hours", "note"]


class CommunityAirRaidPlanInline(admin.TabularInline):
    model = CommunityAirRaidPlan
    extra = 0
    fields = ["compiled_on", "file", "original_name"]


class CommunityTeamInline(admin.TabularInline):
    model = CommunityTeamMember
    extra = 0
    fields = ["kind", "name", "phone", "is_active"]


@admin.register(School)
class SchoolAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["name", "town", "stage", "contact_name", "contact_phone", "is_active"]
    list_filter = ["town", "stage", "is_active"]
    search_fields = ["name", "address"]
    list_select_related = ["town"]
    list_per_page = 50
    inlines = [EvacuationPlanInline, SchoolDrillInline, SchoolCourseInline]
    change_list_template = "admin/outreach/register_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse("outreach:register-import", args=["schools"]),
        }
        return super().changelist_view(request, extra_context)


class CommunityExerciseInline(admin.TabularInline):
    model = CommunityExercise
    extra = 0
    fields = ["kind", "held_on", "participants", "note", "report"]
    raw_id_fields = ["report"]


@admin.register(Community)
class CommunityAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["name", "town", "kind", "is_active"]
    list_filter = ["town", "kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["town"]
    list_per_page = 50
    inlines = [CommunityExerciseInline, CommunityAirRaidPlanInline, CommunityTeamInline]
    change_list_template = "admin/outreach/register_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse("outreach:register-import", args=["communities"]),
        }
        return super().changelist_view(request, extra_context)


@admin.register(PartySchoolAgreement)
class PartySchoolAgreementAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["title", "partner", "signed_on", "valid_until", "file_link"]
    list_select_related = ["partner"]

    def get_queryset(self, request):
        return selectors.agreement_list_for(user=request.user)

    @admin.display(description="协议文本")
    def file_link(self, obj):
        if not obj.file:
            return "未上传"
        return format_html('<a href="{}">下载</a>', reverse("outreach:agreement", args=[obj.pk]))


class EnterpriseDrillPlanInline(admin.TabularInline):
    model = EnterpriseDrillPlan
    extra = 0
    fields = ["compiled_on", "file", "original_name"]


class EnterpriseDrillInline(admin.TabularInline):
    model = EnterpriseDrill
    extra = 0
    fields = ["held_on", "occasion", "participants", "note", "report"]
    raw_id_fields = ["report"]


@admin.register(Enterprise)
class EnterpriseAdmin(RegisterAdminMixin, admin.ModelAdmin):
    list_display = ["name", "town", "park", "has_group", "contact_name", "is_active"]
    list_filter = ["town", "has_group", "is_active"]
    search_fields = ["name", "park"]
    list_select_related = ["town"]
    list_per_page = 50
    inlines = [EnterpriseDrillPlanInline, EnterpriseDrillInline]
    change_list_template = "admin/outreach/register_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse("outreach:register-import", args=["enterprises"]),
        }
        return super().changelist_view(request, extra_context)


@admin.register(PartySchoolCourse)
class PartySchoolCourseAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["year", "title", "class_name", "hours", "speaker", "taught_on"]
    list_filter = ["year"]
    search_fields = ["title", "class_name"]


@admin.register(BaseVisit)
class BaseVisitAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ["visited_on", "class_name", "participants", "base_name"]
    date_hierarchy = "visited_on"
