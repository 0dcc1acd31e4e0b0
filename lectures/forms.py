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
    Lecture,
    ManuscriptVersion,
    Slot,
    Topic,
)


class SpeakerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class TopicForm(forms.ModelForm):
    speaker = SpeakerChoiceField(
        label="主讲人",
        queryset=Staff.objects.none(),
        help_text="一般为所述事件的政策制订者、决策者或者参与者、亲历者。",
    )
    preferred_slot = forms.ModelChoiceField(
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

    def __init__(self, *args, speakers, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = speakers
        self.fields["preferred_slot"].queryset = slots
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
    slot = forms.ModelChoiceField(label="场次", queryset=Slot.objects.none())
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}), initial="14:30"
    )
    duration_minutes = forms.IntegerField(
        label="时长（分钟）", min_value=15, max_value=180, initial=30
    )
    place = forms.CharField(label="地点", max_length=100, initial="区国动办三楼会议室")

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
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
            "promoted_city_on",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "promoted_district_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "promoted_city_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
