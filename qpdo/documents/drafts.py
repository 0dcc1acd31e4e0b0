"""Year-end documents drafted from the data and kept as versions: the one shared machinery.

A *drafted document* (实践活动总结 in campaigns, 六进年度工作总结 in outreach, and any other 总结
an app writes from its records) has one life:

1. drafted once from the year's records: its first *version* holds paragraphs the app writes
   from its figures (`draft_first_version` adds and audits it);
2. edited on a page: every save adds a new version, earlier ones stay as they were
   (`draft_version_save`);
3. one version may be *chosen* for print, and the day it was chosen is the document's date
   (`draft_version_choose`); without a choice the latest version prints (`draft_version_shown`);
4. rendered as Word and PDF from one outline of `official.Block`s (`Outline`, `draft_document`,
   `draft_download_record`).

Keep in the app only what is its own: its figures, its sections (the outline), who may draft
and edit (its rules), and its approval chain if it has one. The app's service opens the
transaction, locks the row and checks its rules; the helpers below write and audit.

How an app uses it (campaigns/summaries.py and outreach/summaries.py are the two examples):

Models
    class Summary(DraftedDocument):       # adds `chosen_at` and the "a choice has its day" check
        chosen_version = models.ForeignKey("SummaryVersion", null=True, blank=True,
            on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=...)
        class Meta(DraftedDocument.Meta): verbose_name = ...
    class SummaryVersion(DraftVersion):   # adds `number`, `saved_at`, `saved_by`, the ordering
        summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="versions")
        overview = models.TextField("一、总体情况", max_length=3000)   # the app's paragraphs
        text_fields = ("overview", ...)
        class Meta(DraftVersion.Meta): verbose_name = ...
    The constraints are named `<app_label>_summary_choice_dated` and
    `<app_label>_summary_version_number`.

Forms
    draft_text_form(SummaryVersion, rows={...})  a Form of the version's text fields (labels and
                                                 lengths from the model).
Views
    DraftPageMixin.draft_context(...)   versions (each with its choose URL), the outline preview
    draft_response(filename, content)   the download response for .docx or .pdf
Templates
    documents/_draft_state.html    which version prints (or that none is chosen yet)
    documents/_draft_preview.html  the outline's preview card (`missing`: what only the file shows)
    documents/_draft_versions.html the card listing the versions with 选用此稿
    documents/_draft_form.html     the edit form (note, save as a new version, cancel)
    documents/_official_preview.html  the outline as HTML (already shared)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.http import Http404, HttpResponse

from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date, local_date
from qpdo.org.enums import AuditAction

from .official import Block, Numbering, outline_docx, outline_pdf
from .pdf import pdf_response
from .word import docx_response

# --- models ------------------------------------------------------------------------------------


class DraftedDocument(models.Model):
    """Abstract: a drafted document whose printed version may be chosen, with its day.

    The concrete model declares `chosen_version` (its own version model, `related_name="+"`,
    `editable=False`); the check below reads it.
    """

    chosen_at = models.DateTimeField("选用时间", null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chosen_version__isnull=True) | models.Q(chosen_at__isnull=False),
                name="%(app_label)s_summary_choice_dated",
            ),
        ]


class DraftVersion(models.Model):
    """Abstract: one saved version of a drafted document (never changed once saved).

    The concrete model declares `summary` (a ForeignKey with `related_name="versions"`), its
    text fields, and `text_fields`, their names in the order the form shows them.
    """

    text_fields: tuple[str, ...] = ()

    number = models.PositiveSmallIntegerField("稿次")
    saved_at = models.DateTimeField("保存时间")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["summary", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "number"], name="%(app_label)s_summary_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}稿"


# --- writes (inside the app's own transaction, after its rules) ---------------------------------


def _version_add(summary, *, acting_user: User, text: Mapping, **values) -> DraftVersion:
    """Add the next version of `summary` with the text fields of `text` (stripped)."""
    versions = summary.versions
    fields = versions.model.text_fields
    latest = versions.order_by("-number").values_list("number", flat=True).first() or 0
    return versions.create(
        number=latest + 1,
        saved_at=clock.now(),
        saved_by=acting_user,
        **{name: (text.get(name) or "").strip() for name in fields},
        **values,
    )


def draft_first_version(summary, *, acting_user: User, text: Mapping, **values) -> DraftVersion:
    """Add the first version of a just drafted `summary` (written from its figures), audited."""
    version = _version_add(summary, acting_user=acting_user, text=text, **values)
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=summary,
        detail=f"起草{summary}",
    )
    return version


def draft_version_save(*, acting_user: User, summary, text: Mapping, **values) -> DraftVersion:
    """Save the edited text (and the app's other `values`) as a new version, audited."""
    version = _version_add(summary, acting_user=acting_user, text=text, **values)
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=summary,
        detail=f"保存{summary}{version}",
    )
    return version


def draft_version_choose(*, acting_user: User, summary, version_pk: int):
    """Choose the version the documents print and keep the moment it was chosen, audited.

    `summary` is the row the caller locked; a version of another summary is a 404.
    """
    version = summary.versions.filter(pk=version_pk).first()
    if version is None:
        raise Http404("没有找到该稿。")
    summary.chosen_version = version
    summary.chosen_at = clock.now()
    summary.save(update_fields=["chosen_version", "chosen_at"])
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=summary,
        detail=f"选用{summary}{version}",
    )
    return summary


def draft_download_record(*, acting_user: User, summary, fmt: str) -> None:
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=acting_user,
        target=summary,
        detail=f"下载{summary}（{fmt.upper()}）",
    )


# --- reads and the document ----------------------------------------------------------------------


def draft_version_shown(summary) -> DraftVersion | None:
    """Return the version the document prints: the chosen one, else the latest."""
    if summary.chosen_version_id:
        return summary.chosen_version
    return summary.versions.order_by("-number").first()


class Outline:
    """Build an official document's blocks: title, 文号 line, numbered headings, paragraphs.

    `heading(level, text)` numbers as 一、 （一） 1.; `signature(signer, summary)` dates the
    document by the day its version was chosen (today while none is).
    """

    def __init__(self, title: str, number: str):
        self.numbering = Numbering()
        self.blocks: list[Block] = [Block("title", text=title), Block("number", text=number)]

    def add(self, kind: str, **fields) -> None:
        self.blocks.append(Block(kind, **fields))

    def heading(self, level: int, text: str) -> None:
        self.add("heading", level=level, text=f"{self.numbering.next(level)}{text}")

    def para(self, text: str) -> None:
        self.add("para", text=text)

    def note(self, text: str) -> None:
        self.add("note", text=text)

    def table(self, *, headers: Sequence, rows: Sequence, widths: Sequence) -> None:
        self.add("table", headers=list(headers), rows=[list(r) for r in rows], widths=list(widths))

    def signature(self, signer: str, summary=None) -> None:
        chosen = getattr(summary, "chosen_at", None)
        self.add("signature", lines=[signer, cn_date(local_date(chosen) or clock.today())])


def draft_document(blocks: list[Block], *, title: str, fmt: str) -> tuple[str, bytes]:
    """Return (file name, bytes) of the outline as .docx (fmt "docx") or A4 PDF."""
    if fmt == "docx":
        return f"{title}.docx", outline_docx(blocks)
    return f"{title}.pdf", outline_pdf(blocks, title=title)


# --- forms and views -----------------------------------------------------------------------------


def draft_text_form(
    version_model: type[DraftVersion],
    *,
    rows: Mapping[str, int],
    help_texts: Mapping[str, str] | None = None,
    base: type[forms.Form] = forms.Form,
    field_order: Sequence[str] | None = None,
) -> type[forms.Form]:
    """Return a Form class of the version's text fields (label and length from the model)."""
    help_texts = help_texts or {}
    attrs: dict = {}
    for name in version_model.text_fields:
        model_field = version_model._meta.get_field(name)
        attrs[name] = forms.CharField(
            label=model_field.verbose_name,
            max_length=model_field.max_length,
            required=not model_field.blank,
            widget=forms.Textarea(attrs={"rows": rows.get(name, 4)}),
            help_text=help_texts.get(name, ""),
        )
    if field_order is not None:
        attrs["field_order"] = list(field_order)
    return type(f"{version_model.__name__}TextForm", (base,), attrs)


class DraftPageMixin:
    """Context of a drafted document's page: its versions and the outline's preview."""

    def draft_context(
        self, summary, *, blocks: list[Block], choose_url: Callable[[DraftVersion], str]
    ) -> dict:
        versions = list(summary.versions.select_related("saved_by__staff"))
        for version in versions:
            version.choose_url = choose_url(version)
        return {"versions": versions, "blocks": blocks}


def draft_response(filename: str, content: bytes) -> HttpResponse:
    """Return the download of a rendered draft (by its file name's ending)."""
    if filename.endswith(".docx"):
        return docx_response(content, filename=filename)
    return pdf_response(content, filename=filename)
