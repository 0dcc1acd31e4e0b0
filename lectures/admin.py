"""The lecture series in the admin, for 综合科 and the office leadership.

Topics, manuscripts and extra-slot requests (加开场次) are decided here through the engine's
mixin; slots are maintained here; lectures and their 报市国动办推广 are scheduled and recorded
in the portal (their rules live in the services), so the admin shows them read-only. Every
list is the portal's selector, scoped by qpdo.org.need_to_know.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from qpdo.admin import ReadOnlyAdmin, ReadOnlyInline
from qpdo.workflow.admin import ApprovalAdminMixin

from . import selectors, services
from .models import (
    CityPromotion,
    Lecture,
    LecturePhoto,
    Manuscript,
    ManuscriptVersion,
    Slot,
    SlotRequest,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "speaker", "event_date", "scheduled_month"]
    list_filter = ["unit", ("lecture__slot__month", admin.AllValuesFieldListFilter), "campaign"]
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
        return selectors.topic_list_for(user=request.user).select_related("lecture__slot")

    def has_add_permission(self, request):
        return False  # sections put topics forward in the portal (科室推荐)

    @admin.display(description="讲述月份", ordering="lecture__slot__month")
    def scheduled_month(self, obj):
        lecture = getattr(obj, "lecture", None)
        return f"{lecture.slot.month}月" if lecture else "—"


class VersionInline(ReadOnlyInline):
    model = ManuscriptVersion
    fields = ["number", "planned_minutes", "is_sealed", "updated_at", "slides_name", "media_name"]
    readonly_fields = fields


@admin.register(Manuscript)
class ManuscriptAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "speaker"]
    list_filter = [("topic__unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["topic__title", "topic__speaker__name"]
    fields = ["topic"]
    inlines = [VersionInline]

    def get_queryset(self, request):
        return selectors.manuscript_list_for(user=request.user)

    def has_add_permission(self, request):
        return False

    @admin.display(description="科室", ordering="topic__unit__order")
    def unit(self, obj):
        return obj.topic.unit

    @admin.display(description="讲述人")
    def speaker(self, obj):
        return obj.topic.speaker.name


class PhotoInline(ReadOnlyInline):
    model = LecturePhoto
    fields = ["caption", "uploaded_at"]
    readonly_fields = fields


@admin.register(Lecture)
class LectureAdmin(admin.ModelAdmin):
    list_display = [
        "topic",
        "slot",
        "starts_at",
        "place",
        "held_on",
        "audience_count",
        "promoted_district_on",
        "promoted_city_on",
    ]
    list_filter = [
        ("slot__unit", admin.RelatedOnlyFieldListFilter),
        "slot__month",
        ("held_on", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["topic", "slot__unit"]
    search_fields = ["topic__title", "topic__speaker__name"]
    inlines = [PhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # scheduled in the portal (讲述安排), where the slot rules are checked

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SlotForm(forms.ModelForm):
    class Meta:
        model = Slot
        fields = [
            "campaign",
            "number",
            "unit",
            "month",
            "topic_rule",
            "people_rule",
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.validate_slot(
                    slot=self.instance,
                    month=data.get("month"),
                    unit=data.get("unit"),
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return data


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    form = SlotForm
    list_display = ["number", "unit", "month", "topic_rule", "people_rule", "is_cancelled"]
    list_filter = ["campaign", "unit", "is_cancelled"]
    list_select_related = ["unit"]
    # The state of a slot is not a field to edit: 综合科 cancels it on the schedule page
    # (services.slot_cancel), which refuses a slot that holds a lecture.
    readonly_fields = ["is_cancelled"]

    def save_model(self, request, obj, form, change):
        services.slot_save(acting_user=request.user, slot=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # cancel a slot instead: 附表1 keeps its numbering


@admin.register(SlotRequest)
class SlotRequestAdmin(ApprovalAdminMixin, admin.ModelAdmin):
    """综合科 grants or refuses a section's 加开场次 request (the engine creates the slot)."""

    fields = ["campaign", "unit", "month", "reason", "extra_slot", "created_at"]
    readonly_fields = fields
    list_filter = ["campaign"]
    search_fields = ["unit__name", "reason"]
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.slot_request_list_for(user=request.user)

    def has_add_permission(self, request):
        return False  # a 科室负责人 asks in the portal (工作分工表 → 申请加开场次)

    def has_change_permission(self, request, obj=None):
        return False  # month and reason are the section's; a returned request is resent there

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="加开的场次")
    def extra_slot(self, obj):
        return f"第{obj.slot.number}场（{obj.slot}）" if obj.slot_id else "—"


class CityReplyFilter(admin.SimpleListFilter):
    title = "市国动办反馈"
    parameter_name = "reply"

    def lookups(self, request, model_admin):
        return [("yes", "已反馈"), ("no", "尚未反馈")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reply_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(reply_on__isnull=True)
        return queryset


@admin.register(CityPromotion)
class CityPromotionAdmin(ReadOnlyAdmin):
    """What went to the 市国动办 and its reply, read-only: 综合科 records it in the portal."""

    list_display = ["lecture", "unit", "sent_on", "materials_sent", "reply_on"]
    list_filter = [("sent_on", admin.DateFieldListFilter), CityReplyFilter]
    search_fields = ["lecture__topic__title", "lecture__topic__speaker__name", "reply"]
    list_per_page = 50
    # The files are downloaded from the lecture's page (a checked, audited download), never
    # through a media link here.
    fields = [
        "lecture",
        "sent_on",
        "materials_sent",
        "note",
        "reply_on",
        "reply",
        "recorder",
        "updated_at",
    ]

    def get_queryset(self, request):
        return selectors.city_promotion_list_for(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="科室", ordering="lecture__topic__unit__order")
    def unit(self, obj):
        return obj.lecture.topic.unit.display_name

    @admin.display(description="登记人")
    def recorder(self, obj):
        staff = getattr(obj.recorded_by, "staff", None)
        return staff.name if staff else obj.recorded_by.get_username()

    @admin.display(description="报送材料")
    def materials_sent(self, obj):
        return "、".join(label for _, label in obj.materials()) or "—"
