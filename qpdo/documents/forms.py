"""Form fields for uploads, shared by every programme's forms."""

from __future__ import annotations

from django import forms

from .uploads import FileValidator


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the validator, errors name the file."""

    def __init__(self, *args, validator: FileValidator, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": validator.accept, "multiple": True})
        )
        kwargs.setdefault("help_text", validator.help_text)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.file_validator = validator

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                self.file_validator(upload)
            except forms.ValidationError as error:
                errors += [f"{upload.name}：{m}" for m in error.messages]
        if errors:
            raise forms.ValidationError(errors)
        return cleaned
