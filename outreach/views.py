"""Pages of the 六进 programme. Thin: selectors read, services write, rules decide who acts."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from qpdo.documents.excel import read_xlsx_rows
from qpdo.documents.uploads import file_response
from qpdo.org import clock
from qpdo.org.scoping import units_user_may_see
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from qpdo.workflow.mixins import form_add_errors

from . import charts, exports, imports, rules, selectors, services
from .chains import DECISION_LABELS
from .enums import (
    PLAN_STATE_LABELS,
    REGISTER_IMPORT_MAX_BYTES,
    REPORT_STATE_LABELS,
    REPORT_TIMELY_DAYS,
    AttachmentKind,
)
from .forms import (
    CommunityExerciseForm,
    EvacuationPlanForm,
    PlanForm,
    PlanItemFormSet,
    RegisterImportForm,
    ReportFilterForm,
    ReportForm,
    ReviewForm,
    SchoolDrillForm,
    item_initial,
)

PAGE_SIZE = 20


def _year_from(request, default: int | None = None) -> int:
    """Return the year asked for in ?year=, else the working year."""
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return default or selectors.outreach_year()


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
            progress = selectors.unit_progress(year=year, units=[unit])[0]
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
        data = selectors.dashboard_for(year=year)
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
        progress = selectors.unit_progress(year=year, units=units)
        exporter = exports.YearSummaryExporter(
            progress,
            year=year,
            budgets=selectors.budget_by_unit(year=year),
            audiences=selectors.audience_by_unit(year=year),
            schools=selectors.school_coverage(year=year, town_list=towns),
            communities=selectors.community_coverage(year=year, town_list=towns),
        )
        response = exporter.response()
        services.export_record(
            acting_user=request.user,
            what=f"{year}年“六进”年度汇总",
            rows=len(progress),
            request=request,
        )
        return response


# --- plans -----------------------------------------------------------------------------------


class PlanListView(ListView):
    template_name = "outreach/plan/list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.year = _year_from(self.request, default=None) if self.request.GET.get("year") else None
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


class PlanFormMixin:
    template_name = "outreach/plan/form.html"

    def fronts(self):
        return selectors.Front.objects.all()

    def get_formset(self, initial):
        data = self.request.POST if self.request.method == "POST" else None
        return PlanItemFormSet(data, initial=initial, prefix="items", fronts=self.fronts())

    def blank_rows(self, count: int) -> list[dict]:
        return [{} for _ in range(count)]

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset(self.initial_items())
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        try:
            plan = self.save(form.cleaned_data, formset.items())
        except ValidationError as error:
            form_add_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        if "submit" in request.POST:
            try:
                services.plan_submit(acting_user=request.user, plan=plan, request=request)
                messages.success(request, "年度计划已提交，等待区国动办宣教审核。")
            except workflow.TransitionRefused as refused:
                messages.error(request, f"已保存为草稿，但未能提交：{refused.message}")
        else:
            messages.success(request, "草稿已保存，可稍后继续填写并提交。")
        return redirect(plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset(self.initial_items()))
        unit = self.get_unit()
        context["responsible"] = selectors.fronts_of_unit(unit)
        context["unit"] = unit
        return context


class PlanCreateView(PlanFormMixin, FormView):
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_report(request.user):
            raise PermissionDenied("只有街镇和区国动委成员单位的填报员可以填报年度计划。")
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

    def initial_items(self):
        # One row ready for each front the unit is responsible for, and two blank rows.
        rows = [{"front": f.pk} for f in selectors.fronts_of_unit(self.get_unit())]
        return rows + self.blank_rows(2)

    def save(self, data, items):
        return services.plan_create(
            acting_user=self.request.user, year=data["year"], data=data, items=items
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

    def initial_items(self):
        return [item_initial(i) for i in selectors.plan_items(self.plan)] + self.blank_rows(3)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["return_reason"] = workflow_selectors.latest_return_reason(self.plan.approval)
        return context

    def save(self, data, items):
        return services.plan_update(
            acting_user=self.request.user, plan=self.plan, data=data, items=items
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
        return ReportFilterForm(
            self.request.GET or None,
            units=units_user_may_see(self.request.user).filter(pk__in=selectors.reporting_units()),
            years=selectors.year_choices(),
        )

    def filtered_reports(self):
        self.form = self.filter_form()
        return selectors.report_list_for(user=self.request.user, **self.form.filters())


class ReportListView(ReportFilterMixin, ListView):
    template_name = "outreach/report/list.html"
    paginate_by = PAGE_SIZE

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
            request=request,
        )
        return response


class ReportFormMixin:
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
        try:
            report = self.save(data, list(data["fronts"]), files)
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if "submit" in self.request.POST:
            try:
                services.report_submit(
                    acting_user=self.request.user, report=report, request=self.request
                )
                messages.success(self.request, "活动信息已提交，等待区国动办宣教审核。")
            except workflow.TransitionRefused as refused:
                messages.error(self.request, f"已保存为草稿，但未能提交：{refused.message}")
        else:
            messages.success(self.request, "草稿已保存，可稍后继续填写并提交。")
        return redirect(report.get_absolute_url())


class ReportCreateView(ReportFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_report(request.user):
            raise PermissionDenied("只有街镇和区国动委成员单位的填报员可以报送活动信息。")
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self):
        return rules.reporting_unit(self.request.user)

    def get_initial(self):
        unit = self.get_unit()
        return {"organiser": unit.name if unit else "", "kind": "activity"}

    def save(self, data, fronts, files):
        return services.report_create(
            acting_user=self.request.user, data=data, fronts=fronts, **files
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
            data=data,
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
        except PermissionError as error:
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
                request=request,
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
            services.report_promote(acting_user=request.user, report=report, request=request)
        except (ValidationError, PermissionError) as error:
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
            acting_user=request.user, what="学校台账", rows=len(exporter.schools), request=request
        )
        return response


class SchoolDetailView(RegisterAccessMixin, TemplateView):
    template_name = "outreach/school/detail.html"

    def get_school(self):
        return selectors.school_get_for(
            user=self.request.user, pk=self.kwargs["pk"], year=_year_from(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        school = self.get_school()
        may_maintain = rules.may_maintain_town(self.request.user, school.town)
        reports = selectors.report_list_for(user=self.request.user, unit=school.town)
        context.update(
            school=school,
            year=_year_from(self.request),
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
                        request=request,
                    )
                except ValidationError as error:
                    form_add_errors(form, error)
                else:
                    messages.success(request, "紧急疏散行动方案已上传。")
                    return redirect(school.get_absolute_url())
            return self.render_to_response(self.get_context_data(plan_form=form))
        form = SchoolDrillForm(request.POST, reports=reports)
        if form.is_valid():
            try:
                services.school_drill_record(
                    acting_user=request.user, school=school, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "疏散演练已登记。")
                return redirect(school.get_absolute_url())
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
            request=request,
        )
        return response


class CommunityDetailView(RegisterAccessMixin, TemplateView):
    template_name = "outreach/community/detail.html"

    def get_community(self):
        return selectors.community_get_for(
            user=self.request.user, pk=self.kwargs["pk"], year=_year_from(self.request)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.get_community()
        may_maintain = rules.may_maintain_town(self.request.user, community.town)
        reports = selectors.report_list_for(user=self.request.user, unit=community.town)
        context.update(
            community=community,
            year=_year_from(self.request),
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
        reports = selectors.report_list_for(user=request.user, unit=community.town)
        form = CommunityExerciseForm(request.POST, reports=reports)
        if form.is_valid():
            try:
                services.community_exercise_record(
                    acting_user=request.user,
                    community=community,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "已登记。")
                return redirect(community.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class RegisterImportView(RegisterAccessMixin, TemplateView):
    """Import a school or community list: upload, see the dry run, then confirm."""

    template_name = "outreach/import.html"
    SESSION_KEY = "outreach_import"

    def dispatch(self, request, *args, **kwargs):
        self.spec = imports.SPECS.get(kwargs["spec"])
        if self.spec is None:
            raise Http404("未知的台账。")
        if not rules.may_import_registers(request.user):
            raise PermissionDenied("您不能导入台账。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        own = rules.reporting_unit(self.request.user)
        context.update(
            spec=self.spec,
            form=kwargs.get("form") or RegisterImportForm(),
            own_town=None if rules.may_review(self.request.user) else own,
            max_mb=REGISTER_IMPORT_MAX_BYTES // (1024 * 1024),
            list_url=reverse(
                f"outreach:{'school' if self.spec.code == 'schools' else 'community'}-list"
            ),
        )
        return context

    def post(self, request, spec: str):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = RegisterImportForm(request.POST, request.FILES)
        if not form.is_valid():
            upload = request.FILES.get("file")
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=getattr(upload, "name", ""),
                reason="；".join(m for errors in form.errors.values() for m in errors)[:300],
                request=request,
            )
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            raw = read_xlsx_rows(upload, max_bytes=REGISTER_IMPORT_MAX_BYTES, max_rows=5000)
        except ValidationError as error:
            form.add_error("file", error)
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=upload.name,
                reason="无法读取文件",
                request=request,
            )
            return self.render_to_response(self.get_context_data(form=form))
        rows = [(line, [imports.cell_text(v) for v in values]) for line, values in raw]
        result = services.register_import_check(
            acting_user=request.user, spec_code=self.spec.code, raw_rows=rows
        )
        if not result.is_clean:
            services.register_import_refused(
                acting_user=request.user,
                spec_code=self.spec.code,
                file_name=upload.name,
                reason=f"检查发现 {len(result.error_rows) + len(result.file_errors)} 处问题",
                request=request,
            )
        token = uuid.uuid4().hex
        if result.is_clean:
            request.session[self.SESSION_KEY] = {
                "token": token,
                "spec": self.spec.code,
                "file_name": upload.name,
                "rows": rows,
            }
        return self.render_to_response(
            self.get_context_data(form=form, result=result, token=token, file_name=upload.name)
        )

    def confirm(self, request):
        stored = request.session.get(self.SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("token") or stored.get("spec") != self.spec.code:
            messages.error(request, "导入已过期或已完成，请重新上传文件。")
            return redirect(request.path)
        result = services.register_import(
            acting_user=request.user,
            spec_code=self.spec.code,
            raw_rows=[(line, values) for line, values in stored["rows"]],
            file_name=stored["file_name"],
            request=request,
        )
        request.session.pop(self.SESSION_KEY, None)
        if not result.applied:
            messages.error(request, "导入未完成：台账数据在检查后有变动，请重新上传核对。")
            return self.render_to_response(self.get_context_data(result=result))
        messages.success(
            request,
            f"{self.spec.label}台账已导入：新增 {result.count('new')} 个，"
            f"更新 {result.count('update')} 个，无变化 {result.count('same')} 个。",
        )
        return HttpResponseRedirect(self.get_context_data()["list_url"])


class RegisterTemplateView(View):
    """An empty sheet with the columns the import reads."""

    def get(self, request, spec: str):
        found = imports.SPECS.get(spec)
        if found is None:
            raise Http404("未知的台账。")
        if not rules.may_import_registers(request.user):
            raise PermissionDenied("您不能导入台账。")
        return exports.ImportTemplateExporter(found).response()


class AgreementDownloadView(View):
    def get(self, request, pk: int):
        agreement = selectors.agreement_get_for(user=request.user, pk=pk)
        if not agreement.file:
            raise Http404("该协议未上传文本。")
        return file_response(agreement.file, filename=agreement.title)
