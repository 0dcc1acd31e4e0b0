"""The year's 实践活动总结: draft from the records, edit the text and pick highlights, download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from qpdo.documents.pdf import handle_missing_fonts, pdf_response
from qpdo.documents.word import docx_response

from .. import summaries
from .base import CampaignMixin


class SummaryForm(forms.Form):
    overview = forms.CharField(
        label="一、总体情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    highlights = forms.MultipleChoiceField(
        label="工作亮点",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选要写入“四、工作亮点”的记录；所选记录以后被删除的，生成时略去并注明。",
    )
    experience = forms.CharField(
        label="五、经验做法",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    next_steps = forms.CharField(
        label="六、存在不足和下一步打算",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["highlights"].choices = [(h.key, h.label) for h in candidates]


class SummaryMixin(CampaignMixin):
    tab = "summary"
    # A summary is written once the year is over, also after it is closed.
    writes = False

    def get_summary(self):
        return summaries.summary_get(user=self.request.user, campaign=self.campaign)


class SummaryView(SummaryMixin, TemplateView):
    """GET: the summary's preview and versions; POST: draft it from the year's records."""

    template_name = "campaigns/summary/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        summary = self.get_summary()
        figures = summaries.campaign_figures(campaign=self.campaign, user=user)
        context.update(
            summary=summary,
            may_edit=summaries.may_edit(user, self.campaign),
            no_data=None if figures.has_data else summaries.no_data_message(self.campaign),
        )
        if summary is not None:
            version = summaries.summary_version(summary)
            context.update(
                version=version,
                versions=list(summary.versions.select_related("saved_by__staff")),
                blocks=summaries.summary_outline(summary, version, figures, with_images=False),
                dropped=summaries.highlights_resolved(self.campaign, version.highlights)[1],
            )
        return context

    def post(self, request, *args, **kwargs):
        self.get_summary()  # outside the office's view of the campaign: 404
        try:
            summaries.summary_create(acting_user=request.user, campaign=self.campaign)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已根据本年度记录起草实践活动总结，请修改并选取工作亮点。")
        return redirect("campaigns:summary", year=self.campaign.year)


class SummaryUpdateView(SummaryMixin, FormView):
    template_name = "campaigns/summary/form.html"

    def get_form(self, form_class=None):
        self.summary = self.get_summary()
        if self.summary is None:
            raise PermissionDenied("请先起草实践活动总结。")
        if not summaries.may_edit(self.request.user, self.campaign):
            raise PermissionDenied("实践活动总结由牵头科室修改。")
        self.candidates = summaries.highlight_candidates(self.campaign)
        return SummaryForm(**self.get_form_kwargs(), candidates=self.candidates)

    def get_initial(self):
        version = summaries.summary_version(self.get_summary())
        initial = {name: getattr(version, name) for name in summaries.TEXT_FIELDS}
        initial["highlights"] = list(version.highlights)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            version = summaries.summary_save(
                acting_user=self.request.user,
                summary=self.summary,
                text=data,
                highlights=data["highlights"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存为{version}。")
        return redirect("campaigns:summary", year=self.campaign.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary
        return context


class SummaryChooseView(SummaryMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, version: int, **kwargs):
        summary = self.get_summary()
        if summary is None:
            raise PermissionDenied("请先起草实践活动总结。")
        summaries.summary_choose(acting_user=request.user, summary=summary, version_pk=version)
        messages.success(request, "已选用该稿。")
        return redirect("campaigns:summary", year=self.campaign.year)


class SummaryDownloadView(SummaryMixin, View):
    fmt = "pdf"

    @handle_missing_fonts
    def get(self, request, *args, **kwargs):
        summary = self.get_summary()
        if summary is None:
            messages.error(request, "请先起草实践活动总结。")
            return redirect("campaigns:summary", year=self.campaign.year)
        filename, content = summaries.summary_document(summary, user=request.user, fmt=self.fmt)
        summaries.summary_download_record(acting_user=request.user, summary=summary, fmt=self.fmt)
        if self.fmt == "docx":
            return docx_response(content, filename=filename)
        return pdf_response(content, filename=filename)
