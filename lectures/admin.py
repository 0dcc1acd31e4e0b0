"""The lecture series in the admin, for 综合科 and the office leadership.

Topics and manuscripts are approved here through the engine's mixin; slots are maintained
here; lectures are scheduled and recorded in the portal (their rules live in the services), so
the admin shows them read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from qpdo.admin import ReadOnlyInline
from qpdo.workflow.admin import ApprovalAdminMixin

from . import selectors, services
from .models import Lecture, LecturePhoto, Manuscript, ManuscriptVersion, Slot, Topic


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
            "is_cancelled",
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.validate_slot(
                    slot=self.instance,
                    month=data.get("month"),
                    unit=data.get("unit"),
                    is_cancelled=data.get("is_cancelled", False),
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

    def has_delete_permission(self, request, obj=None):
        return False  # cancel a slot instead: 附表1 keeps its numbering
