"""Forms of the approval engine: a decision, a transfer, a copy. They only validate input."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from .enums import Action
from .models import Approval

RETURN_TO_SUBMITTER = "submitter"


class DecisionForm(forms.Form):
    """同意 / 退回修改 / 不同意 with the opinion text, for the approval's current step."""

    expected_step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审批决定", widget=forms.RadioSelect)
    opinion = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    return_to = forms.ChoiceField(label="退回至", required=False)

    def __init__(self, *args, approval: Approval, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        step = approval.step
        self.fields["expected_step"].initial = step.code
        self.fields["decision"].choices = [(a.value, step.label_of(a)) for a in step.decisions]
        self.fields["decision"].initial = Action.APPROVE.value
        others = "或".join(step.label_of(d) for d in step.decisions if d != Action.APPROVE)
        self.fields["opinion"].help_text = (
            "本环节须填写意见。"
            if step.opinion_required
            else f"{step.label_of(Action.APPROVE)}时可不填"
            + (f"；{others}须说明理由。" if others else "。")
        )
        earlier = [
            (str(i), f"{s.label}（重新审批）")
            for i, s in enumerate(approval.chain.steps[: approval.step_index])
        ]
        self.fields["return_to"].choices = [(RETURN_TO_SUBMITTER, "提交人（退回修改）"), *earlier]
        if not earlier:
            self.fields["return_to"].widget = forms.HiddenInput()
        self.fields["return_to"].initial = RETURN_TO_SUBMITTER
        if form_id:
            # Inputs shown inside another form (the admin's change form) but sent with this one.
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id

    def cleaned_return_to(self) -> int | None:
        value = self.cleaned_data.get("return_to") or RETURN_TO_SUBMITTER
        if self.cleaned_data.get("decision") != Action.RETURN or value == RETURN_TO_SUBMITTER:
            return None
        return int(value)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        staff = getattr(obj, "staff", None)
        return f"{staff.name}（{staff.unit.display_name}）" if staff else obj.get_username()


class TransferForm(forms.Form):
    to_user = PersonChoiceField(label="转办给", queryset=get_user_model().objects.none())
    opinion = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates


class CopyForm(forms.Form):
    to_user = PersonChoiceField(label="抄送给", queryset=get_user_model().objects.none())
    opinion = forms.CharField(label="附言", required=False, max_length=500)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates
