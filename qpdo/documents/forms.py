"""Form fields for uploads, shared by every programme's forms."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from qpdo.org import request_context

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


KEPT_SUFFIX = "__kept"


class KeepUploadsMixin:
    """Keep the files that passed their checks when another field sends the form back.

    A form re-rendered with errors would make the user choose every file again. With this
    mixin each file field whose own checks passed stores its files as pending uploads of the
    signed-in user (qpdo.documents.pending) and says so under the input: “已选文件：名称（已保留，
    可重新选择替换）”, with a hidden token per file. On the next submit a field left empty takes
    its kept files back; choosing new files replaces them. The files pass the field's checks
    again, so nothing kept skips a check. Put the mixin before forms.Form/ModelForm.
    """

    def full_clean(self):
        self._kept: dict[str, tuple[str, list[str]]] = {}  # field -> (help text, tokens)
        self._cleaned_once = False
        user = self._upload_owner()
        if self.is_bound and user is not None and self.files is not None:
            self._restore_kept(user)
        super().full_clean()
        self._cleaned_once = True
        self._keep_checked()

    def add_error(self, field, error):
        super().add_error(field, error)
        # A view adds the refusals of its service after cleaning: keep the files then too.
        if getattr(self, "_cleaned_once", False):
            self._keep_checked()

    def _upload_owner(self):
        return request_context.current_user()

    def _file_fields(self):
        return [
            (name, field)
            for name, field in self.fields.items()
            if isinstance(field, forms.FileField) and not field.disabled
        ]

    def _restore_kept(self, user) -> None:
        from . import pending

        restored = {}
        for name, field in self._file_fields():
            key = self.add_prefix(name)
            if self.files.getlist(key):
                continue  # a new choice replaces what was kept
            tokens = self.data.getlist(key + KEPT_SUFFIX) if hasattr(self.data, "getlist") else []
            kept = [f for f in (pending.claim(t, user=user) for t in tokens) if f is not None]
            if not isinstance(field, MultipleFileField):
                kept = kept[:1]
            if kept:
                restored[key] = kept
        if restored:
            files = self.files.copy()
            for key, kept in restored.items():
                files.setlist(key, kept)
            self.files = files

    def _keep_checked(self) -> None:
        from django.utils.html import format_html, format_html_join

        from . import pending

        user = self._upload_owner()
        if not self.is_bound or user is None or not self._errors:
            return
        for name, field in self._file_fields():
            help_text, tokens = self._kept.get(name, (field.help_text, None))
            value = None if name in self._errors else self.cleaned_data.get(name)
            uploads = value if isinstance(value, list | tuple) else [value]
            uploads = [u for u in uploads if isinstance(u, UploadedFile)]
            if not uploads:
                if tokens is not None:  # a later error names this field: keep nothing
                    field.help_text = self[name].help_text = help_text
                    del field.widget.use_required_attribute
                    del self._kept[name]
                continue
            if tokens is None:
                try:
                    tokens = [pending.keep(u, user=user) for u in uploads]
                except (OSError, ValueError):  # the upload was closed by whoever read it
                    continue
                self._kept[name] = (help_text, tokens)
            key = self.add_prefix(name) + KEPT_SUFFIX
            note = format_html(
                '<span class="qpdo-kept d-block" data-testid="kept-{}">已选文件：{}（已保留，'
                "可重新选择替换）</span>{}",
                name,
                "、".join(u.name for u in uploads),
                format_html_join(
                    "", '<input type="hidden" name="{}" value="{}">', ((key, t) for t in tokens)
                ),
            )
            # The bound field copied the help text when cleaning created it.
            field.help_text = self[name].help_text = (
                format_html("{}{}", help_text, note) if help_text else note
            )
            # The kept file answers a required field: the browser must not ask for a new one.
            field.widget.use_required_attribute = lambda initial: False
