"""The section's 培树工作总结 drafted in the portal: preview, edit the paragraphs as versions,
choose the version that prints, download it, hand it in as the upload. Thin: summary_draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from . import summary_draft
from .forms import StarSummaryForm
from .views import YearMixin


def _page_url(year: int) -> str:
    return f"{reverse('stars:summary-draft')}?year={year}"


class StarSummaryDraftView(YearMixin, TemplateView):
    """GET: the draft's preview and versions; POST: draft it from the year's records."""

    template_name = "stars/summary/draft.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        star_year = context["star_year"]
        unit = summary_draft.draft_unit_for(user=user, star_year=star_year)
        summary = summary_draft.summary_get(user=user, star_year=star_year)
        figures = summary_draft.section_figures(user=user, star_year=star_year, unit=unit)
        version = summary_draft.summary_version(summary) if summary else None
        context.update(
            tab="summaries",
            unit=unit,
            summary=summary,
            version=version,
            versions=list(summary.versions.select_related("saved_by__staff")) if summary else [],
            blocks=summary_draft.draft_outline(
                figures, summary_draft.version_text(version), summary=summary
            ),
            figures=figures,
            year_text=str(star_year.year),
        )
        return context

    def post(self, request, *args, **kwargs):
        star_year = self.get_star_year()
        try:
            summary_draft.summary_create(acting_user=request.user, star_year=star_year)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已根据本年度记录起草培树工作总结，请修改文字后选用。")
        return redirect(_page_url(star_year.year))


class StarSummaryUpdateView(YearMixin, FormView):
    template_name = "stars/summary/draft_form.html"
    form_class = StarSummaryForm

    def get_summary(self):
        if not hasattr(self, "_summary"):
            self._summary = summary_draft.summary_get(
                user=self.request.user, star_year=self.get_star_year()
            )
            if self._summary is None:
                raise PermissionDenied("请先起草培树工作总结。")
        return self._summary

    def get_initial(self):
        return summary_draft.version_text(summary_draft.summary_version(self.get_summary()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tab="summaries", summary=self.get_summary())
        return context

    def form_valid(self, form):
        try:
            version = summary_draft.summary_save(
                acting_user=self.request.user,
                summary=self.get_summary(),
                text=form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存为{version}。")
        return redirect(_page_url(self.get_star_year().year))


class StarSummaryChooseView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request, version: int):
        star_year = self.get_star_year()
        summary = summary_draft.summary_get(user=request.user, star_year=star_year)
        if summary is None:
            raise Http404("没有找到该稿。")
        summary_draft.summary_choose(acting_user=request.user, summary=summary, version_pk=version)
        messages.success(request, "已选用该稿，导出和报送都用此稿。")
        return redirect(_page_url(star_year.year))


class StarSummaryHandInView(YearMixin, View):
    """Hand in the chosen version as the section's 培树工作总结 (PDF)."""

    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        try:
            report = summary_draft.summary_hand_in(acting_user=request.user, star_year=star_year)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(_page_url(star_year.year))
        messages.success(request, f"已以选用稿报送培树工作总结：{report.file_name}。")
        return redirect(f"{reverse('stars:summary-list')}?year={star_year.year}")
