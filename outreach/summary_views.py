"""Pages of the 六进年度工作总结: list, draft, edit the free paragraphs, choose, download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from qpdo.documents.pdf import handle_missing_fonts, pdf_response
from qpdo.documents.word import docx_response
from qpdo.errors import Refused
from qpdo.org.caching import CachedCountPaginator
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action

from . import rules, selectors, services, summaries
from .chains import DECISION_LABELS
from .enums import PLAN_STATE_LABELS
from .forms import ReviewForm
from .views import PAGE_SIZE, ReviewContextMixin, _year_from


class SummaryTextForm(forms.Form):
    overview = forms.CharField(
        label="一、总体情况",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="总体情况写在“工作开展情况”的统计表之前。",
    )
    practices = forms.CharField(
        label="三、主要做法和经验",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    problems = forms.CharField(
        label="四、存在的问题和不足",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label="五、下一步工作打算",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _errors(error: ValidationError) -> str:
    return "；".join(error.messages)


class SummaryListView(ListView):
    """The summaries the user may see, and the button to draft this year's."""

    template_name = "outreach/summary/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return summaries.summary_list_for(user=self.request.user).order_by(
            "-year", "-is_district", "unit__order", "id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            years=selectors.year_choices(),
            year=_year_from(self.request),
            may_draft_unit=summaries.may_draft(user, district=False),
            may_draft_district=summaries.may_draft(user, district=True),
        )
        return context


class SummaryCreateView(View):
    """POST: draft a summary for a year (the unit's own, or the district's for 宣教审核)."""

    http_method_names = ["post"]

    def post(self, request):
        value = request.POST.get("year", "")
        year = int(value) if value.isdigit() else selectors.outreach_year()
        district = request.POST.get("district") == "1"
        try:
            summary = summaries.summary_create(
                acting_user=request.user, year=year, district=district
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect("outreach:summary-list")
        messages.success(request, f"已根据{year}年度数据起草总结，请核对修改。")
        return redirect(summary.get_absolute_url())


class SummaryDetailView(ReviewContextMixin, DetailView):
    template_name = "outreach/summary/detail.html"
    context_object_name = "summary"

    def get_object(self, queryset=None):
        return summaries.summary_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.object
        figures = summaries.summary_figures_of(summary)
        version = summaries.summary_version(summary)
        context.update(
            figures=figures,
            version=version,
            blocks=summaries.summary_outline(summary, version, figures, with_images=False),
            versions=list(summary.versions.select_related("saved_by__staff")),
            may_edit=summaries.may_edit_summary(self.request.user, summary),
            no_data=None
            if figures.has_data
            else summaries.no_data_message(summary.year, figures.unit),
        )
        if not summary.is_district:
            context.update(self.review_context(summary, labels_for_state=PLAN_STATE_LABELS))
        return context


class SummaryUpdateView(FormView):
    form_class = SummaryTextForm
    template_name = "outreach/summary/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.summary = summaries.summary_get_for(user=request.user, pk=kwargs["pk"])
        if not summaries.may_edit_summary(request.user, self.summary):
            messages.error(request, "该总结当前不能修改。")
            return redirect(self.summary.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        version = summaries.summary_version(self.summary)
        return {name: getattr(version, name) for name in summaries.TEXT_FIELDS} if version else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(summary=self.summary)
        return context

    def form_valid(self, form):
        try:
            version = summaries.summary_save(
                acting_user=self.request.user,
                summary=self.summary,
                text=form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except workflow.TransitionRefused as refused:
            messages.error(self.request, refused.message)
            return redirect(self.summary.get_absolute_url())
        messages.success(self.request, f"已保存为{version}。")
        return redirect(self.summary.get_absolute_url())


class SummaryChooseView(View):
    """POST: choose the version the documents print."""

    http_method_names = ["post"]

    def post(self, request, pk: int, version: int):
        summary = summaries.summary_get_for(user=request.user, pk=pk)
        try:
            summaries.summary_choose(acting_user=request.user, summary=summary, version_pk=version)
        except Refused as error:
            messages.error(request, str(error))
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "已选用该稿。")
        return redirect(summary.get_absolute_url())


class SummarySubmitView(View):
    """POST: hand the summary in to 宣教审核 (the latest version is chosen if none is)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        summary = summaries.summary_get_for(user=request.user, pk=pk)
        try:
            summaries.summary_submit(acting_user=request.user, summary=summary)
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        except (ValidationError, Refused) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "已提交宣教审核。")
        return redirect(summary.get_absolute_url())


class SummaryDownloadView(View):
    """GET a unit's summary as .docx or .pdf; the district's is made by a background job."""

    fmt = "pdf"

    @handle_missing_fonts
    def get(self, request, pk: int):
        summary = summaries.summary_get_for(user=request.user, pk=pk)
        if summary.is_district:
            messages.info(request, "全区总结含各单位照片，请用“后台生成”。")
            return redirect(summary.get_absolute_url())
        filename, content = summaries.summary_document(summary, fmt=self.fmt)
        summaries.summary_download_record(acting_user=request.user, summary=summary, fmt=self.fmt)
        if self.fmt == "docx":
            return docx_response(content, filename=filename)
        return pdf_response(content, filename=filename)


class SummaryJobView(View):
    """POST: queue the district summary (with photos) as a background job."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        summary = summaries.summary_get_for(user=request.user, pk=pk)
        if not rules.may_review(request.user):
            raise PermissionDenied("只有宣教审核可以生成全区总结。")
        fmt = "docx" if request.POST.get("format") == "docx" else "pdf"
        job = summaries.summary_job_request(acting_user=request.user, summary=summary, fmt=fmt)
        return redirect(job.get_absolute_url())


class SummaryReviewView(View):
    """POST 宣教审核's decision on a unit's summary (through the engine)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        summary = summaries.summary_get_for(user=request.user, pk=pk)
        approval = summary.approval
        if approval.step is None:
            messages.error(request, "该总结当前无需审核。")
            return redirect(summary.get_absolute_url())
        labels = DECISION_LABELS[summary.workflow_chain_code]
        form = ReviewForm(request.POST, labels=labels, step_code=approval.step.code)
        if not form.is_valid():
            messages.error(request, "请选择审核决定。")
            return redirect(summary.get_absolute_url())
        decision = Action(form.cleaned_data["decision"])
        try:
            services.subject_review(
                acting_user=request.user,
                subject=summary,
                decision=decision,
                opinion=form.cleaned_data["opinion"],
                expected_step=form.cleaned_data["expected_step"],
            )
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"已{labels[decision]}：{summary}")
        return redirect(summary.get_absolute_url())
