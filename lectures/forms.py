"""Forms of the lecture series: they validate input; services apply the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from qpdo.documents.forms import KeepUploadsMixin, MultipleFileField
from qpdo.org.models import Staff

from .enums import MAX_MINUTES, MIN_MINUTES
from .models import (
    MEDIA_VALIDATOR,
    PHOTO_VALIDATOR,
    SLIDES_VALIDATOR,
    VIDEO_VALIDATOR,
    WORD_VALIDATOR,
    CityPromotion,
    Lecture,
    ManuscriptVersion,
    Slot,
    Topic,
)


class SlotSelect(forms.Select):
    """A slot list where the slots already taken are shown disabled, with what holds them."""

    def __init__(self, *args, taken: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken = taken or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        holder = self.taken.get(getattr(value, "value", value))
        if holder:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label}（{holder}）"
        return option


class SlotChoiceField(forms.ModelChoiceField):
    """A slot of the year: every slot of the unit is listed, a taken one cannot be chosen."""

    widget = SlotSelect

    def set_slots(self, slots, taken: dict[int, str]) -> None:
        self.queryset = slots
        self.taken = taken
        self.widget.taken = taken
        free = len([s for s in slots if s.pk not in taken])
        if taken:
            self.help_text = f"可选 {free} 个空余场次；已安排的场次不可选，括号内为其讲述。"

    def clean(self, value):
        slot = super().clean(value)
        if slot is not None and slot.pk in getattr(self, "taken", {}):
            raise forms.ValidationError(f"场次“{slot}”{self.taken[slot.pk]}，请选择空余场次。")
        return slot


class SpeakerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class TopicForm(forms.ModelForm):
    speaker = SpeakerChoiceField(
        label="主讲人",
        queryset=Staff.objects.none(),
        help_text="一般为所述事件的政策制订者、决策者或者参与者、亲历者。",
    )
    preferred_slot = SlotChoiceField(
        label="意向场次", queryset=Slot.objects.none(), required=False, empty_label="不指定"
    )

    class Meta:
        model = Topic
        fields = [
            "title",
            "speaker",
            "event",
            "event_date",
            "speaker_part",
            "summary",
            "preferred_slot",
        ]
        widgets = {
            "event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, speakers, slots, taken=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = speakers
        self.fields["preferred_slot"].set_slots(slots, taken or {})
        self.helper = FormHelper()
        self.helper.form_tag = False


class ManuscriptForm(KeepUploadsMixin, forms.ModelForm):
    """The five parts of the outline, the planned length and the attachments."""

    class Meta:
        model = ManuscriptVersion
        fields = [
            "background",
            "goals",
            "planning",
            "implementation",
            "results",
            "planned_minutes",
            "slides",
            "media",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in ("background", "goals", "planning", "implementation", "results")
        } | {"planned_minutes": forms.NumberInput(attrs={"min": MIN_MINUTES, "max": MAX_MINUTES})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slides"].widget.attrs["accept"] = SLIDES_VALIDATOR.accept
        self.fields["media"].widget.attrs["accept"] = MEDIA_VALIDATOR.accept
        for name in ("slides", "media"):
            self.fields[name].widget = forms.FileInput(attrs=self.fields[name].widget.attrs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ScheduleForm(forms.Form):
    slot = SlotChoiceField(label="场次", queryset=Slot.objects.none())
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}), initial="14:30"
    )
    duration_minutes = forms.IntegerField(
        label="时长（分钟）", min_value=15, max_value=180, initial=30
    )
    place = forms.CharField(label="地点", max_length=100, initial="区国动办三楼会议室")

    def __init__(self, *args, slots, taken=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].set_slots(slots, taken or {})
        self.helper = FormHelper()
        self.helper.form_tag = False


class DeliveryForm(KeepUploadsMixin, forms.ModelForm):
    photos = MultipleFileField(
        label="活动照片",
        validator=PHOTO_VALIDATOR,
        help_text=PHOTO_VALIDATOR.help_text + "，可多选",
    )

    class Meta:
        model = Lecture
        fields = [
            "held_on",
            "held_place",
            "audience_count",
            "notes",
            "promoted_district_on",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "promoted_district_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False


class SlotRequestForm(forms.Form):
    """A section head's request for a slot beyond 附表1: month and reason."""

    month = forms.TypedChoiceField(
        label="月份", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    reason = forms.CharField(
        label="申请理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="说明为何需要加开场次（如讲述人人数、选题安排），500字以内。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CityPromotionForm(forms.ModelForm):
    """报市国动办推广: the materials sent (讲述稿, PPT, 视频), the date, the city's reply."""

    class Meta:
        model = CityPromotion
        fields = ["sent_on", "manuscript_file", "slides", "video", "note", "reply_on", "reply"]
        widgets = {
            "sent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reply_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reply": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, validator in (
            ("manuscript_file", WORD_VALIDATOR),
            ("slides", SLIDES_VALIDATOR),
            ("video", VIDEO_VALIDATOR),
        ):
            self.fields[name].widget = forms.FileInput(attrs={"accept": validator.accept})
            current = getattr(self.instance, name, None) if self.instance.pk else None
            if current:
                self.fields[name].help_text = "已报送；重新选择文件将替换。" + validator.help_text
        self.fields["reply"].help_text = "如：已采用，刊发于市国动办微信公众号。"
        self.helper = FormHelper()
        self.helper.form_tag = False
