"""View helpers for programme pages whose form saves a subject and may submit it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from qpdo.errors import Refused


def form_add_errors(form, error: ValidationError | Refused) -> None:
    """Show a service's refusal on the form: a ValidationError by field where the form has it."""
    if isinstance(error, Refused):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class SubjectFormMixin:
    """Save a subject through a service; when the user pressed “保存并提交”, submit it too.

    Subclasses implement `save(cleaned_data)` and `submit(subject)`, both calling services.
    A refused save (ValidationError or `Refused`) stays on the form with its messages; a refused
    submission keeps the draft and says why.
    """

    submit_field = "submit"
    submitted_message = "已提交。"
    saved_message = "草稿已保存，可稍后继续填写并提交。"

    def save(self, data: dict):
        raise NotImplementedError

    def submit(self, subject) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            subject = self.save(form.cleaned_data)
        except (ValidationError, Refused) as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        if self.submit_field in self.request.POST:
            try:
                self.submit(subject)
                messages.success(self.request, self.submitted_message)
            except Refused as refused:
                messages.error(self.request, f"已保存为草稿，但未能提交：{refused.message}")
        else:
            messages.success(self.request, self.saved_message)
        return redirect(subject.get_absolute_url())
