"""View helpers for programme pages whose form saves a subject and may submit it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _reasons(error: ValidationError | Refused) -> str:
    return error.message if isinstance(error, Refused) else "；".join(error.messages)


class SubjectFormMixin:
    """Save a subject through a service; when the user pressed “保存并提交”, submit it too.

    The one save-then-submit flow of every programme's form pages. Subclasses implement
    `save(cleaned_data)` and `submit(subject)`, both calling services; a page whose save takes
    more than the form (a formset, files) calls `save_then_submit` with its own save and its own
    way to show the form again. A refused save (ValidationError or `Refused`) stays on the form
    with its messages; a refused submission keeps the draft and says why: on the subject's page,
    or on the form when `submit_refusal_on_form` is set.
    """

    submit_field = "submit"
    submitted_message = "已提交。"
    saved_message = "草稿已保存，可稍后继续填写并提交。"
    submit_refusal_on_form = False

    def save(self, data: dict):
        raise NotImplementedError

    def submit(self, subject) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        return self.save_then_submit(form, lambda: self.save(form.cleaned_data), self.form_invalid)

    def save_then_submit(self, form, save: Callable[[], Any], invalid: Callable[[Any], Any]):
        """Run `save()`, then submit when asked; `invalid(form)` shows the form again."""
        try:
            subject = save()
        except (ValidationError, Refused) as error:
            form_add_errors(form, error)
            return invalid(form)
        if self.submit_field not in self.request.POST:
            messages.success(self.request, self.saved_message)
            return redirect(subject.get_absolute_url())
        try:
            self.submit(subject)
        except (ValidationError, Refused) as error:
            if self.submit_refusal_on_form:
                form_add_errors(form, error)
                return invalid(form)
            messages.error(self.request, f"已保存为草稿，但未能提交：{_reasons(error)}")
        else:
            messages.success(self.request, self.submitted_message)
        return redirect(subject.get_absolute_url())
