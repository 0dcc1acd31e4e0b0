"""Pages of the 六进 programme. Thin: selectors read, services write, rules decide who acts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from qpdo.documents.excel import read_xlsx_rows
from qpdo.documents.uploads import file_response
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator, cached
from qpdo.org.need_to_know import units_user_may_read
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from qpdo.workflow.mixins import SubjectFormMixin, form_add_errors

from . import charts, dashboard, exports, imports, rules, selectors, services
from .chains import DECISION_LABELS
from .enums import (
    PLAN_STATE_LABELS,
    REGISTER_IMPORT_MAX_BYTES,
    REPORT_STATE_LABELS,
    REPORT_TIMELY_DAYS,
    AttachmentKind,
)
from .forms import (
    AirRaidPlanForm,
    BaseVisitForm,
    CommunityExerciseForm,
    CommunityPositionsForm,
    DatedFileForm,
    EnterpriseDrillForm,
    EnterpriseGroupForm,
    EvacuationPlanForm,
    PartySchoolCourseForm,
    PlanForm,
    RegisterImportForm,
    ReportFilterForm,
    ReportForm,
    ReviewForm,
    SchoolCourseForm,
    SchoolDrillForm,
    TeamMemberForm,
    item_initial,
    plan_item_formset,
)

PAGE_SIZE = 20
REGISTER_LIST_URLS = {
    "schools": "school-list",
    "communities": "community-list",
    "enterprises": "enterprise-list",
    "school-courses": "school-list",
    "community-year": "community-list",
    "party-school-courses": "party-school",
    "base-visits": "party-school",
}


def _year_from(request, default: int | None = None) -> int:
    """Return the year asked for in ?year=, else the working year."""
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return default or selectors.outreach_year()


def _in_year(url: str, request) -> str:
    """Return `url` in the year the page was opened on (a register keeps its year)."""
    return f"{url}?year={_year_from(request)}"


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- overview --------------------------------------------------------------------------------


class OutreachIndexView(TemplateView):
    """The programme's home: the office goes to the dashboard, a unit sees its own year."""

    template_name = "outreach/index.html"

    def dispatch(self, request, *args, **kwargs):
        if rules.may_see_dashboard(request.user):
            return redirect("outreach:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = rules.reporting_unit(self.request.user)
        year = _year_from(self.request)
        context.update(year=year, years=selectors.year_choices(), unit=unit)
        if unit is not None:
            progress = dashboard.unit_progress(year=year, units=[unit])[0]
            context.update(
                progress=progress,
                key_days=selectors.key_days_with_reports(
                    year=year, reports=selectors.report_list_for(user=self.request.user)
                ),
                recent=list(selectors.report_list_for(user=self.request.user, year=year)[:5]),
            )
        return context


class FrontListView(TemplateView):
    template_name = "outreach/front/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fronts = selectors.fronts_all()
        units = list(selectors.reporting_units())
        context["fronts"] = [
            (
                front,
                [u for u in units if u.pk in selectors.front_unit_ids(front, units)],
            )
            for front in fronts
        ]
        context["own_unit"] = rules.reporting_unit(self.request.user)
        return context


class DashboardView(TemplateView):
    template_name = "outreach/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_see_dashboard(request.user):
            raise PermissionDenied("“六进”工作看板仅供区国动办使用。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year_from(self.request)
        # The same office-wide figures for every reviewer: computed once per write (and day).
        data = cached(
            ("outreach-dashboard", year, clock.today()),
            lambda: dashboard.dashboard_for(year=year),
        )
        context.update(data)
        context.update(
            years=selectors.year_choices(),
            chart=charts.coverage_bars(data["school_coverage"], data["community_coverage"]),
            today=clock.today(),
        )
        return context


class YearSummaryExportView(View):
    def get(self, request):
        if not rules.may_see_dashboard(request.user):
            raise PermissionDenied("年度汇总仅供区国动办导出。")
        year = _year_from(request)
        units = list(selectors.reporting_units())
        towns = [u for u in units if u.kind == "town"]
        progress = dashboard.unit_progress(year=year, units=units)
        exporter = exports.YearSummaryExporter(
            progress,
            year=year,
            budgets=selectors.budget_by_unit(year=year),
            audiences=selectors.audience_by_unit(year=year),
            schools=selectors.school_coverage(year=year, town_list=towns),
            communities=selectors.community_coverage(year=year, town_list=towns),
            enterprises=selectors.enterprise_coverage(year=year, town_list=towns),
        )
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what=f"{year}年“六进”年度汇总",
            rows=len(progress),
        )
        return response


# --- plans -----------------------------------------------------------------------------------


class PlanListView(ListView):
    template_name = "outreach/plan/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        # The list opens on this year; “全部年度” (an empty ?year=) shows every year.
        if "year" not in self.request.GET:
            self.year = selectors.outreach_year()
        else:
            self.year = (
                _year_from(self.request, default=None) if self.request.GET.get("year") else None
            )
        return selectors.plan_list_for(user=self.request.user, year=self.year).order_by(
            "-year", "unit__order"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = self.year or selectors.outreach_year()
        for plan in context["object_list"]:
            plan.state_text = PLAN_STATE_LABELS.get(plan.approval.state)
        context.update(
            year=self.year,
            years=selectors.year_choices(),
            may_report=rules.may_report(user),
            query_string=_query_string(self.request),
            due=selectors.plan_due_date(year),
            status_year=year,
        )
        if rules.may_see_dashboard(user):
            statuses = selectors.plan_statuses(year=year, units=list(selectors.reporting_units()))
            context["missing"] = [s for s in statuses.values() if s.is_missing]
        return context


class PlanFormMixin(SubjectFormMixin):
    submitted_message = "年度计划已提交，等待区国动办宣教审核。"
    template_name = "outreach/plan/form.html"

    def fronts(self):
        return selectors.Front.objects.all()

    # Blank rows offered below the rows the page fills in; extra forms, so they may stay blank.
    blank_rows = 2

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return plan_item_formset(
            data,
            items=self.saved_items(),
            presets=self.preset_rows(),
            blank=self.blank_rows,
            fronts=self.fronts(),
        )

    def saved_items(self) -> list[dict]:
        return []

    def preset_rows(self) -> list[dict]:
        return []

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        return self.save_then_submit(
            form,
            lambda: self.save(form.cleaned_data, formset.items()),
            lambda form: self.render_to_response(self.get_context_data(form=form, formset=formset)),
        )

    def submit(self, plan) -> None:
        services.plan_submit(acting_user=self.request.user, plan=plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        unit = self.get_unit()
        context["responsible"] = selectors.fronts_of_unit(unit)
        context["unit"] = unit
        return context


class PlanCreateView(PlanFormMixin, FormView):
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_report(request.user):
            raise PermissionDenied(
                "只有区国动办、各街镇和区国动委成员单位的填报员可以填报年度计划。"
            )
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self):
        return rules.reporting_unit(self.request.user)

    def open_years(self) -> list[int]:
        return selectors.plan_years_free(unit=self.get_unit())

    def get(self, request, *args, **kwargs):
        if not self.open_years():
            messages.info(request, "本单位近年的年度计划均已填报，请在列表中打开修改。")
            return redirect("outreach:plan-list")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["years"] = self.open_years()
        preferred = [selectors.outreach_year(), clock.today().year, *kwargs["years"]]
        kwargs["initial"] = {
            "year": next(year for year in preferred if year in kwargs["years"]),
            "contact_name": getattr(self.request.user.staff, "name", ""),
            "contact_phone": getattr(self.request.user.staff, "phone", ""),
        }
        return kwargs

    def preset_rows(self):
        # One row ready for each front the unit is responsible for (left out if untouched).
        return [{"front": f.pk} for f in selectors.fronts_of_unit(self.get_unit())]

    def save(self, data, items):
        return services.plan_create(
            acting_user=self.request.user,
            year=data["year"],
            **{k: data.get(k, "") for k in services.PLAN_FIELDS},
            items=items,
        )


class PlanUpdateView(PlanFormMixin, FormView):
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = selectors.plan_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_edit_plan(request.user, self.plan):
            messages.error(request, "该计划已提交或不属于本单位，不能修改。")
            return redirect(self.plan.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self):
        return self.plan.unit

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan}

    blank_rows = 3

    def saved_items(self):
        if not hasattr(self, "_saved_items"):
            self._saved_items = [item_initial(i) for i in selectors.plan_items(self.plan)]
        return self._saved_items

    def preset_rows(self):
        # A ready row for each responsible front the plan has no activity for yet.
        planned = {row["front"] for row in self.saved_items()}
        return [
            {"front": f.pk} for f in selectors.fronts_of_unit(self.plan.unit) if f.pk not in planned
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["return_reason"] = workflow_selectors.latest_return_reason(self.plan.approval)
        return context

    def save(self, data, items):
        return services.plan_update(
            acting_user=self.request.user,
            plan=self.plan,
            **{k: data.get(k, "") for k in services.PLAN_FIELDS},
            items=items,
        )


class ReviewContextMixin:
    """Context shared by plan and report pages: history, return reason, the review form."""

    def review_context(self, subject, *, labels_for_state: dict) -> dict:
        user = self.request.user
        approval = subject.approval
        may_decide = (
            rules.may_review(user) and workflow_rules.refusal_to_decide(user, approval) is None
        )
        return {
            "approval": approval,
            "state_text": labels_for_state.get(approval.state, approval.state_label),
            "history": workflow_selectors.history(approval),
            "return_reason": workflow_selectors.latest_return_reason(approval),
            "review_form": ReviewForm(
                labels=DECISION_LABELS[subject.workflow_chain_code],
                step_code=approval.step.code,
            )
            if may_decide
            else None,
            "may_submit": workflow_rules.refusal_to_submit(user, approval, subject) is None,
            "may_withdraw": workflow_rules.refusal_to_withdraw(user, approval) is None,
        }


class PlanDetailView(ReviewContextMixin, DetailView):
    template_name = "outreach/plan/detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return selectors.plan_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        items = selectors.plan_items(plan)
        fronts = selectors.fronts_of_unit(plan.unit)
        status = selectors.plan_statuses(year=plan.year, units=[plan.unit])[plan.unit_id]
        context.update(
            self.review_context(plan, labels_for_state=PLAN_STATE_LABELS),
            items=items,
            responsible=fronts,
            uncovered=[f for f in fronts if f.pk not in {i.front_id for i in items}],
            status=status,
            may_edit=rules.may_edit_plan(self.request.user, plan),
        )
        return context


# --- reports ---------------------------------------------------------------------------------


class ReportFilterMixin:
    def filter_form(self) -> ReportFilterForm:
        # The list opens on this year; “全部年度” (an empty ?year=) shows every year.
        data = self.request.GET.copy()
        data.setdefault("year", str(selectors.outreach_year()))
        return ReportFilterForm(
            data,
            units=units_user_may_read(self.request.user, "outreach.Report").filter(
                pk__in=selectors.reporting_units()
            ),
            years=selectors.year_choices(),
        )

    def filtered_reports(self):
        self.form = self.filter_form()
        return selectors.report_list_for(user=self.request.user, **self.form.filters())


class ReportListView(ReportFilterMixin, ListView):
    template_name = "outreach/report/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return self.filtered_reports()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for report in context["object_list"]:
            report.state_text = REPORT_STATE_LABELS.get(report.approval.state)
            photos = report.photos.all()
            report.cover = photos[0] if photos else None
        context.update(
            filter_form=self.form,
            may_report=rules.may_report(self.request.user),
            office=rules.may_see_dashboard(self.request.user),
            query_string=_query_string(self.request),
        )
        return context


class ReportExportView(ReportFilterMixin, View):
    def get(self, request):
        reports = self.filtered_reports().annotate(
            first_submitted_at=selectors.first_submitted_at()
        )
        if self.form.is_bound and not self.form.is_valid():
            messages.error(request, "筛选条件有误，请修改后再导出。")
            return redirect(f"{reverse('outreach:report-list')}?{request.GET.urlencode()}")
        parts = [
            f"{v.name if hasattr(v, 'name') else v}"
            for k, v in self.form.filters().items()
            if v and k not in ("kind", "state", "date_from", "date_to", "query")
        ]
        exporter = exports.ReportExporter(reports, description="，".join(parts))
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what="“六进”活动信息",
            rows=len(exporter.reports),
        )
        return response


class ReportYearExportView(View):
    """Queue the Excel of a whole year's reports as a background job (too big for a request)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            year = int(request.POST.get("year") or clock.today().year)
        except ValueError:
            year = clock.today().year
        job = services.reports_year_export_request(acting_user=request.user, year=year)
        return redirect(job.get_absolute_url())


class ReportFormMixin(SubjectFormMixin):
    submitted_message = "活动信息已提交，等待区国动办宣教审核。"
    form_class = ReportForm
    template_name = "outreach/report/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        unit = self.get_unit()
        today = clock.today()
        kwargs["fronts"] = selectors.Front.objects.all()
        kwargs["plan_items"] = selectors.plan_items_for_unit(
            unit, range(today.year - services.REPORT_YEARS_BACK, today.year + 1)
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.get_unit()
        context["unit"] = unit
        context["responsible_ids"] = {f.pk for f in selectors.fronts_of_unit(unit)}
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        files = {
            "photos": data.get("photos") or [],
            "video": data.get("video"),
            "documents": data.get("documents") or [],
        }
        return self.save_then_submit(
            form, lambda: self.save(data, list(data["fronts"]), files), self.form_invalid
        )

    def submit(self, report) -> None:
        services.report_submit(acting_user=self.request.user, report=report)


class ReportCreateView(ReportFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_report(request.user):
            raise PermissionDenied(
                "只有区国动办、各街镇和区国动委成员单位的填报员可以报送活动信息。"
            )
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self):
        return rules.reporting_unit(self.request.user)

    def get_initial(self):
        unit = self.get_unit()
        initial = {"organiser": unit.name if unit else "", "kind": "activity"}
        # From a 待报送 duty: the planned activity this report fulfils (the form's choices are
        # the unit's own items only, so another unit's id simply selects nothing).
        value = self.request.GET.get("plan_item", "")
        if value.isdigit():
            item = selectors.plan_items_for_unit(unit, [int(y) for y in selectors.year_choices()])
            item = item.filter(pk=int(value)).first()
            if item is not None:
                initial.update(plan_item=item.pk, fronts=[item.front_id])
        return initial

    def save(self, data, fronts, files):
        return services.report_create(
            acting_user=self.request.user,
            **{k: data.get(k) for k in services.REPORT_FIELDS},
            fronts=fronts,
            **files,
        )


class ReportUpdateView(ReportFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.report = selectors.report_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_edit_report(request.user, self.report):
            messages.error(request, "该活动信息已提交或不属于本单位，不能修改。")
            return redirect(self.report.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self):
        return self.report.unit

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            instance=self.report,
            photos=self.report.photos.all(),
            attachments=self.report.attachments.all(),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        context["return_reason"] = workflow_selectors.latest_return_reason(self.report.approval)
        return context

    def save(self, data, fronts, files):
        return services.report_update(
            acting_user=self.request.user,
            report=self.report,
            **{k: data.get(k) for k in services.REPORT_FIELDS},
            fronts=fronts,
            remove_photos=data.get("remove_photos", []),
            remove_attachments=data.get("remove_attachments", []),
            **files,
        )


class ReportDetailView(ReviewContextMixin, DetailView):
    template_name = "outreach/report/detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return selectors.report_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        user = self.request.user
        attachments = list(report.attachments.all())
        context.update(
            self.review_context(report, labels_for_state=REPORT_STATE_LABELS),
            hand_in=selectors.report_hand_in(report),
            timely_days=REPORT_TIMELY_DAYS,
            photos=list(report.photos.all()),
            videos=[a for a in attachments if a.kind == AttachmentKind.VIDEO],
            documents=[a for a in attachments if a.kind == AttachmentKind.DOCUMENT],
            may_edit=rules.may_edit_report(user, report),
            may_delete=rules.may_delete_report(user, report),
            may_promote=rules.may_promote(user, report),
        )
        return context


class ReportDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        report = selectors.report_get_for(user=request.user, pk=pk)
        try:
            services.report_delete_draft(acting_user=request.user, report=report)
        except Refused as error:
            messages.error(request, str(error))
            return redirect(report.get_absolute_url())
        messages.success(request, "草稿已删除。")
        return redirect("outreach:report-list")


class SubjectReviewView(View):
    """POST the office's decision on a plan or a report (through the engine)."""

    http_method_names = ["post"]
    kind = ""

    def post(self, request, pk: int):
        if self.kind == "plan":
            subject = selectors.plan_get_for(user=request.user, pk=pk)
        else:
            subject = selectors.report_get_for(user=request.user, pk=pk)
        approval = subject.approval
        if approval.step is None:
            messages.error(request, "该事项当前无需审核。")
            return redirect(subject.get_absolute_url())
        labels = DECISION_LABELS[subject.workflow_chain_code]
        form = ReviewForm(request.POST, labels=labels, step_code=approval.step.code)
        if not form.is_valid():
            messages.error(request, "请选择审核决定。")
            return redirect(subject.get_absolute_url())
        decision = Action(form.cleaned_data["decision"])
        try:
            services.subject_review(
                acting_user=request.user,
                subject=subject,
                decision=decision,
                opinion=form.cleaned_data["opinion"],
                expected_step=form.cleaned_data["expected_step"],
            )
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"已{labels[decision]}：{subject}")
        return redirect(subject.get_absolute_url())


class ReportPromoteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        report = selectors.report_get_for(user=request.user, pk=pk)
        try:
            services.report_promote(acting_user=request.user, report=report)
        except (ValidationError, Refused) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "已标记为报市国动办。")
        return redirect(report.get_absolute_url())


class PhotoView(View):
    """A report's photo or its thumbnail, for those who may see the report."""

    thumbnail = False

    def get(self, request, pk: int):
        photo = selectors.photo_get_for(user=request.user, pk=pk)
        field = photo.thumbnail if self.thumbnail else photo.image
        response = file_response(field, filename=photo.original_name, inline=True)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class AttachmentView(View):
    def get(self, request, pk: int):
        attachment = selectors.attachment_get_for(user=request.user, pk=pk)
        return file_response(
            attachment.file,
            filename=attachment.original_name,
            inline=attachment.kind == AttachmentKind.VIDEO,
        )


# --- coverage registers ------------------------------------------------------------------------


class RegisterAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_see_registers(request.user):
            raise PermissionDenied("台账仅供区国动办和各街镇填报员使用。")
        return super().dispatch(request, *args, **kwargs)

    def town_filter(self):
        value = self.request.GET.get("town", "")
        if not value.isdigit():
            return None
        return selectors.towns_for(self.request.user).filter(pk=int(value)).first()


class CoverageView(RegisterAccessMixin, TemplateView):
    template_name = "outreach/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year_from(self.request)
        town_list = list(selectors.towns_for(user))
        office = rules.may_see_dashboard(user)
        schools = selectors.school_coverage(year=year, town_list=town_list)
        communities = selectors.community_coverage(year=year, town_list=town_list)
        context.update(
            enterprises=selectors.enterprise_coverage(year=year, town_list=town_list),
            year=year,
            years=selectors.year_choices(),
            schools=schools,
            communities=communities,
            chart=charts.coverage_bars(
                schools, communities, total_label="全区合计" if office else "合计"
            ),
            total_label="全区合计" if office else "合计",
            uncovered_schools=list(
                selectors.school_list_for(user=user, year=year, status="uncovered")[:200]
            ),
            uncovered_communities=list(
                selectors.community_list_for(user=user, year=year, status="uncovered")[:200]
            ),
            agreement=selectors.agreement_in_force(year) if office else None,
            agreements=list(selectors.agreement_list_for(user=user)[:5]),
            office=office,
            may_import=rules.may_import_registers(user),
        )
        return context


class SchoolListView(RegisterAccessMixin, ListView):
    template_name = "outreach/school/list.html"
    paginate_by = 30
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        self.year = _year_from(self.request)
        self.town = self.town_filter()
        return selectors.school_list_for(
            user=self.request.user,
            year=self.year,
            town=self.town,
            status=self.request.GET.get("status", ""),
            query=self.request.GET.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=selectors.year_choices(),
            town=self.town,
            towns=selectors.towns_for(self.request.user),
            status=self.request.GET.get("status", ""),
            statuses=selectors.SCHOOL_STATUS_LABELS,
            q=self.request.GET.get("q", ""),
            query_string=_query_string(self.request),
            may_import=rules.may_import_registers(self.request.user),
        )
        return context


class SchoolExportView(SchoolListView):
    paginate_by = None

    def get(self, request, *args, **kwargs):
        schools = self.get_queryset()
        exporter = exports.SchoolRegisterExporter(schools, year=self.year)
        response = exporter.response()
        services.export_record(
            acting_user=request.user, what="学校台账", rows=len(exporter.schools)
        )
        return response


@dataclass(frozen=True)
class RegisterAction:
    """One form of a register page: its submit button, form, service call and message."""

    button: str
    form_class: type
    apply: object  # callable(view, place, cleaned_data) -> None
    message: str
    files: bool = False
    linked_reports: bool = False
    initial: object = None  # callable(place) -> dict


class RegisterActionsMixin:
    """Register pages with several small forms; each posts with its own submit button.

    Every action calls a service (which checks the user may keep the place's 街镇 and the
    register year); the form comes back with the service's errors on their fields.
    """

    actions: tuple[RegisterAction, ...] = ()
    place_context_name = "place"

    def get_place(self):
        raise NotImplementedError

    def reports_for(self, place):
        return selectors.report_list_for(user=self.request.user, unit=place.town)

    def build_form(self, action: RegisterAction, place, data=None, files=None):
        kwargs = {}
        if action.linked_reports:
            kwargs["reports"] = self.reports_for(place)
        if data is None and action.initial is not None:
            kwargs["initial"] = action.initial(place)
        return (
            action.form_class(data, files, **kwargs)
            if data is not None
            else action.form_class(**kwargs)
        )

    def action_forms(self, place, bound: dict | None = None) -> dict:
        bound = bound or {}
        if not self.may_maintain(place):
            return {}
        return {a.button: bound.get(a.button) or self.build_form(a, place) for a in self.actions}

    def may_maintain(self, place) -> bool:
        return rules.may_maintain_town(self.request.user, place.town)

    def handle_action(self, request, place):
        """Return a response if the post was one of the actions, else None."""
        action = next((a for a in self.actions if a.button in request.POST), None)
        if action is None:
            return None
        if not self.may_maintain(place):
            raise PermissionDenied("您不能维护该台账。")
        form = self.build_form(action, place, request.POST, request.FILES if action.files else None)
        if form.is_valid():
            try:
                action.apply(self, place, form.cleaned_data)
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, action.message)
                return redirect(f"{place.get_absolute_url()}?year={_year_from(request)}")
        return self.render_to_response(self.get_context_data(bound={action.button: form}))


class SchoolDetailView(RegisterActionsMixin, RegisterAccessMixin, TemplateView):
    template_name = "outreach/school/detail.html"
    actions = (
        RegisterAction(
            "add_course",
            SchoolCourseForm,
            lambda view, school, data: services.school_course_add(
                acting_user=view.request.user,
                school=school,
                year=_year_from(view.request),
                **data,
            ),
            "课程与课时已登记。",
        ),
    )

    def get_school(self):
        return selectors.school_get_for(
            user=self.request.user, pk=self.kwargs["pk"], year=_year_from(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        school = self.get_school()
        may_maintain = rules.may_maintain_town(self.request.user, school.town)
        reports = selectors.report_list_for(user=self.request.user, unit=school.town)
        year = _year_from(self.request)
        context.update(
            school=school,
            year=year,
            courses=[c for c in school.courses.all() if c.year == year],
            action_forms=self.action_forms(school, kwargs.get("bound")),
            plans=list(school.evacuation_plans.select_related("uploaded_by__staff")),
            drills=list(school.drills.select_related("report")),
            may_maintain=may_maintain,
            plan_form=kwargs.get("plan_form") or (EvacuationPlanForm() if may_maintain else None),
            drill_form=kwargs.get("drill_form")
            or (SchoolDrillForm(reports=reports) if may_maintain else None),
        )
        return context

    def post(self, request, pk: int):
        school = self.get_school()
        if not rules.may_maintain_town(request.user, school.town):
            raise PermissionDenied("您不能维护该学校的台账。")
        handled = self.handle_action(request, school)
        if handled is not None:
            return handled
        reports = selectors.report_list_for(user=request.user, unit=school.town)
        if "upload_plan" in request.POST:
            form = EvacuationPlanForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    services.evacuation_plan_add(
                        acting_user=request.user,
                        school=school,
                        upload=form.cleaned_data["file"],
                        compiled_on=form.cleaned_data["compiled_on"],
                    )
                except ValidationError as error:
                    form_add_errors(form, error)
                else:
                    messages.success(request, "紧急疏散行动方案已上传。")
                    return redirect(_in_year(school.get_absolute_url(), request))
            return self.render_to_response(self.get_context_data(plan_form=form))
        form = SchoolDrillForm(request.POST, reports=reports)
        if form.is_valid():
            try:
                services.school_drill_record(
                    acting_user=request.user,
                    school=school,
                    year=_year_from(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "疏散演练已登记。")
                return redirect(_in_year(school.get_absolute_url(), request))
        return self.render_to_response(self.get_context_data(drill_form=form))


class EvacuationPlanDownloadView(View):
    def get(self, request, pk: int):
        plan = selectors.evacuation_plan_get_for(user=request.user, pk=pk)
        return file_response(
            plan.file, filename=plan.original_name or f"{plan.school.name}紧急疏散行动方案"
        )


class CommunityListView(RegisterAccessMixin, ListView):
    template_name = "outreach/community/list.html"
    paginate_by = 30
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        self.year = _year_from(self.request)
        self.town = self.town_filter()
        return selectors.community_list_for(
            user=self.request.user,
            year=self.year,
            town=self.town,
            status=self.request.GET.get("status", ""),
            query=self.request.GET.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=selectors.year_choices(),
            town=self.town,
            towns=selectors.towns_for(self.request.user),
            status=self.request.GET.get("status", ""),
            statuses=selectors.COMMUNITY_STATUS_LABELS,
            q=self.request.GET.get("q", ""),
            query_string=_query_string(self.request),
            may_import=rules.may_import_registers(self.request.user),
        )
        return context


class CommunityExportView(CommunityListView):
    paginate_by = None

    def get(self, request, *args, **kwargs):
        communities = self.get_queryset()
        exporter = exports.CommunityRegisterExporter(communities, year=self.year)
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what="社区（村、居委）台账",
            rows=len(exporter.communities),
        )
        return response


class CommunityDetailView(RegisterActionsMixin, RegisterAccessMixin, TemplateView):
    template_name = "outreach/community/detail.html"
    actions = (
        RegisterAction(
            "add_air_raid_plan",
            AirRaidPlanForm,
            lambda view, community, data: services.community_air_raid_plan_add(
                acting_user=view.request.user,
                community=community,
                compiled_on=data["compiled_on"],
                upload=data.get("file"),
                year=_year_from(view.request),
            ),
            "防空袭方案修订已登记。",
            files=True,
        ),
        RegisterAction(
            "set_positions",
            CommunityPositionsForm,
            lambda view, community, data: services.community_positions_set(
                acting_user=view.request.user, community=community, **data
            ),
            "固定阵地已更新。",
            initial=lambda c: {
                "has_story_corridor": c.has_story_corridor,
                "has_micro_museum": c.has_micro_museum,
                "has_experience_corner": c.has_experience_corner,
            },
        ),
        RegisterAction(
            "add_member",
            TeamMemberForm,
            lambda view, community, data: services.community_team_member_add(
                acting_user=view.request.user, community=community, **data
            ),
            "宣教队伍成员已添加。",
        ),
    )

    def get_community(self):
        return selectors.community_get_for(
            user=self.request.user, pk=self.kwargs["pk"], year=_year_from(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.get_community()
        may_maintain = rules.may_maintain_town(self.request.user, community.town)
        reports = selectors.report_list_for(user=self.request.user, unit=community.town)
        year = _year_from(self.request)
        context.update(
            community=community,
            year=year,
            air_raid_plans=list(community.air_raid_plans.all()),
            team=list(community.team.filter(is_active=True)),
            positions=[
                ("故事长廊", community.has_story_corridor),
                ("微展馆", community.has_micro_museum),
                ("体验角", community.has_experience_corner),
            ],
            action_forms=self.action_forms(community, kwargs.get("bound")),
            exercises=list(community.exercises.select_related("report")),
            may_maintain=may_maintain,
            form=kwargs.get("form")
            or (CommunityExerciseForm(reports=reports) if may_maintain else None),
        )
        return context

    def post(self, request, pk: int):
        community = self.get_community()
        if not rules.may_maintain_town(request.user, community.town):
            raise PermissionDenied("您不能维护该社区的台账。")
        handled = self.handle_action(request, community)
        if handled is not None:
            return handled
        reports = selectors.report_list_for(user=request.user, unit=community.town)
        form = CommunityExerciseForm(request.POST, reports=reports)
        if form.is_valid():
            try:
                services.community_exercise_record(
                    acting_user=request.user,
                    community=community,
                    year=_year_from(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "已登记。")
                return redirect(_in_year(community.get_absolute_url(), request))
        return self.render_to_response(self.get_context_data(form=form))


class EnterpriseListView(RegisterAccessMixin, ListView):
    template_name = "outreach/enterprise/list.html"
    paginate_by = 30

    def get_queryset(self):
        self.year = _year_from(self.request)
        self.town = self.town_filter()
        return selectors.enterprise_list_for(
            user=self.request.user,
            year=self.year,
            town=self.town,
            status=self.request.GET.get("status", ""),
            query=self.request.GET.get("q", "").strip(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=selectors.year_choices(),
            town=self.town,
            towns=selectors.towns_for(self.request.user),
            status=self.request.GET.get("status", ""),
            statuses=selectors.ENTERPRISE_STATUS_LABELS,
            q=self.request.GET.get("q", ""),
            query_string=_query_string(self.request),
            may_import=rules.may_import_registers(self.request.user),
        )
        return context


class EnterpriseExportView(EnterpriseListView):
    paginate_by = None

    def get(self, request, *args, **kwargs):
        exporter = exports.EnterpriseRegisterExporter(self.get_queryset(), year=self.year)
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what="企业（园区）台账",
            rows=len(exporter.enterprises),
        )
        return response


def _enterprise_group(view, enterprise, data):
    services.enterprise_group_set(acting_user=view.request.user, enterprise=enterprise, **data)


class EnterpriseDetailView(RegisterActionsMixin, RegisterAccessMixin, TemplateView):
    template_name = "outreach/enterprise/detail.html"
    actions = (
        RegisterAction(
            "set_group",
            EnterpriseGroupForm,
            _enterprise_group,
            "工作小组与专人已更新。",
            initial=lambda e: {
                "has_group": e.has_group,
                "group_basis": e.group_basis,
                "contact_name": e.contact_name,
                "contact_phone": e.contact_phone,
            },
        ),
        RegisterAction(
            "upload_plan",
            DatedFileForm,
            lambda view, enterprise, data: services.enterprise_drill_plan_add(
                acting_user=view.request.user,
                enterprise=enterprise,
                compiled_on=data["compiled_on"],
                upload=data["file"],
            ),
            "防空疏散演练方案已上传。",
            files=True,
        ),
        RegisterAction(
            "record_drill",
            EnterpriseDrillForm,
            lambda view, enterprise, data: services.enterprise_drill_record(
                acting_user=view.request.user,
                enterprise=enterprise,
                year=_year_from(view.request),
                **data,
            ),
            "疏散演练已登记。",
            linked_reports=True,
        ),
    )

    def get_place(self):
        return selectors.enterprise_get_for(
            user=self.request.user, pk=self.kwargs["pk"], year=_year_from(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.get_place()
        year = _year_from(self.request)
        context.update(
            enterprise=enterprise,
            year=year,
            years=selectors.year_choices(),
            plans=list(enterprise.drill_plans.select_related("recorded_by__staff")),
            drills=[
                d for d in enterprise.drills.select_related("report") if d.held_on.year == year
            ],
            may_maintain=self.may_maintain(enterprise),
            action_forms=self.action_forms(enterprise, kwargs.get("bound")),
        )
        return context

    def post(self, request, pk: int):
        response = self.handle_action(request, self.get_place())
        if response is None:
            messages.error(request, "未知的操作。")
            return redirect(request.path)
        return response


class EnterpriseDrillPlanDownloadView(View):
    def get(self, request, pk: int):
        plan = selectors.enterprise_drill_plan_get_for(user=request.user, pk=pk)
        return file_response(
            plan.file, filename=plan.original_name or f"{plan.enterprise.name}防空疏散演练方案"
        )


class CommunityPlanDownloadView(View):
    def get(self, request, pk: int):
        plan = selectors.community_plan_get_for(user=request.user, pk=pk)
        return file_response(
            plan.file, filename=plan.original_name or f"{plan.community}防空袭方案"
        )


class PartySchoolView(RegisterActionsMixin, TemplateView):
    """The 进党校 register of a year: courses in the 培训计划, base visits, the agreement."""

    template_name = "outreach/party_school.html"
    actions = (
        RegisterAction(
            "add_course",
            PartySchoolCourseForm,
            lambda view, _place, data: services.party_school_course_add(
                acting_user=view.request.user,
                year=_year_from(view.request),
                **data,
            ),
            "培训计划课程已登记。",
        ),
        RegisterAction(
            "record_visit",
            BaseVisitForm,
            lambda view, _place, data: services.base_visit_record(
                acting_user=view.request.user,
                year=_year_from(view.request),
                **data,
            ),
            "参观已登记。",
        ),
    )

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_keep_party_school(request.user) and not rules.may_see_dashboard(
            request.user
        ):
            raise PermissionDenied("进党校台账仅供区国动办和区委党校使用。")
        return super().dispatch(request, *args, **kwargs)

    def may_maintain(self, place) -> bool:
        return rules.may_keep_party_school(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year_from(self.request)
        context.update(
            year=year,
            years=selectors.year_choices(),
            register=selectors.party_school_year(year),
            agreements=list(selectors.agreement_list_for(user=self.request.user)[:5]),
            action_forms=self.action_forms(None, kwargs.get("bound")),
            may_import=rules.may_keep_party_school(self.request.user),
        )
        return context

    def post(self, request):
        class _Page:
            def get_absolute_url(self):
                return reverse("outreach:party-school")

        response = self.handle_action(request, _Page())
        if response is None:
            return redirect(request.path)
        return response


class PartySchoolExportView(PartySchoolView):
    def get(self, request, *args, **kwargs):
        year = _year_from(request)
        register = selectors.party_school_year(year)
        exporter = exports.PartySchoolExporter(register)
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what=f"{year}年进党校台账",
            rows=len(register.courses) + len(register.visits),
        )
        return response


class RegisterImportView(TemplateView):
    """Import a register sheet: upload, see the dry run, then confirm.

    A list of places (schools, communities, enterprises) or one register year's records of
    them (courses, 防空袭方案 and 宣教队伍, 党校 courses and visits); the year is chosen on the
    form and kept with the checked rows until confirmed.
    """

    template_name = "outreach/import.html"
    SESSION_KEY = "outreach_import"

    def dispatch(self, request, *args, **kwargs):
        self.spec = imports.SPECS.get(kwargs["spec"])
        if self.spec is None:
            raise Http404("未知的台账。")
        if not services.may_import(request.user, self.spec):
            raise PermissionDenied("您不能导入台账。")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, *args, **kwargs):
        if not self.spec.is_records:
            return RegisterImportForm(*args, **kwargs)
        return RegisterImportForm(
            *args, years=services.import_years(), year=_year_from(self.request), **kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        own = rules.reporting_unit(self.request.user)
        list_url = reverse(f"outreach:{REGISTER_LIST_URLS[self.spec.code]}")
        year = kwargs.get("year")
        context.update(
            spec=self.spec,
            form=kwargs.get("form") or self.make_form(),
            own_town=None if rules.may_review(self.request.user) or not self.spec.has_town else own,
            max_mb=REGISTER_IMPORT_MAX_BYTES // (1024 * 1024),
            list_url=f"{list_url}?year={year}" if year else list_url,
            template_url=reverse("outreach:register-template", args=[self.spec.code]),
        )
        return context

    def post(self, request, spec: str):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            upload = request.FILES.get("file")
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=getattr(upload, "name", ""),
                reason="；".join(m for errors in form.errors.values() for m in errors)[:300],
            )
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        year = form.cleaned_data.get("year")
        try:
            raw = read_xlsx_rows(upload, max_bytes=REGISTER_IMPORT_MAX_BYTES, max_rows=5000)
        except ValidationError as error:
            form.add_error("file", error)
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=upload.name,
                reason="无法读取文件",
            )
            return self.render_to_response(self.get_context_data(form=form))
        rows = [(line, [imports.cell_text(v) for v in values]) for line, values in raw]
        result = services.register_import_check(
            user=request.user, spec_code=self.spec.code, raw_rows=rows, year=year
        )
        if not result.is_clean:
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=upload.name,
                reason=f"检查发现 {len(result.error_rows) + len(result.file_errors)} 处问题",
            )
        token = uuid.uuid4().hex
        if result.is_clean:
            request.session[self.SESSION_KEY] = {
                "token": token,
                "spec": self.spec.code,
                "file_name": upload.name,
                "rows": rows,
                "year": year,
            }
        return self.render_to_response(
            self.get_context_data(
                form=form, result=result, token=token, file_name=upload.name, year=year
            )
        )

    def confirm(self, request):
        stored = request.session.get(self.SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("token") or stored.get("spec") != self.spec.code:
            messages.error(request, "导入已过期或已完成，请重新上传文件。")
            return redirect(request.path)
        year = stored.get("year")
        result = services.register_import(
            acting_user=request.user,
            spec_code=self.spec.code,
            raw_rows=[(line, values) for line, values in stored["rows"]],
            file_name=stored["file_name"],
            year=year,
        )
        request.session.pop(self.SESSION_KEY, None)
        if not result.applied:
            messages.error(request, "导入未完成：台账数据在检查后有变动，请重新上传核对。")
            return self.render_to_response(self.get_context_data(result=result, year=year))
        if self.spec.is_records:
            unit, what = "条", f"{year}年{self.spec.label}"
        else:
            unit, what = "个", f"{self.spec.label}台账"
        messages.success(
            request,
            f"{what}已导入：新增 {result.count('new')} {unit}，"
            f"更新 {result.count('update')} {unit}，无变化 {result.count('same')} {unit}。",
        )
        return HttpResponseRedirect(self.get_context_data(year=year)["list_url"])


class RegisterTemplateView(View):
    """An empty sheet with the columns the import reads."""

    def get(self, request, spec: str):
        found = imports.SPECS.get(spec)
        if found is None:
            raise Http404("未知的台账。")
        if not services.may_import(request.user, found):
            raise PermissionDenied("您不能导入台账。")
        return exports.ImportTemplateExporter(found).response()


class AgreementDownloadView(View):
    def get(self, request, pk: int):
        agreement = selectors.agreement_get_for(user=request.user, pk=pk)
        if not agreement.file:
            raise Http404("该协议未上传文本。")
        return file_response(agreement.file, filename=agreement.title)
