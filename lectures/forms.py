"""Forms of the lecture series: they validate input; services apply the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from qpdo.org.models import Staff

from .models import Slot, Topic


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
