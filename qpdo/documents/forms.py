"""Form fields for uploads, shared by every programme's forms."""

from __future__ import annotations

from django import forms

from .uploads import FileValidator, messages_naming


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


# Files one input takes at once: with the per-picture pixel cap, this bounds the image work
# of one request (12 photos of the largest size fit in 300 MB and a few seconds).
MAX_FILES_PER_FIELD = 12


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the validator, errors name the file."""

    def __init__(
        self, *args, validator: FileValidator, max_files: int = MAX_FILES_PER_FIELD, **kwargs
    ):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": validator.accept, "multiple": True})
        )
        kwargs.setdefault("help_text", validator.help_text)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.file_validator = validator
        self.max_files = max_files

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(
                f"一次最多选择 {self.max_files} 个文件，本次选择了 {len(files)} 个。请分几次上传。",
                code="too_many_files",
            )
        cleaned = [single(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                self.file_validator(upload)
            except forms.ValidationError as error:
                errors += messages_naming(upload, error)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned
