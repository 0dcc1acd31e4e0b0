"""Pages of the 岗位之星 programme. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from campaigns.selectors import working_year
from campaigns.services import Speaker
from qpdo.documents.pdf import handle_missing_fonts, pdf_response
from qpdo.documents.uploads import file_response
from qpdo.documents.word import docx_response
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.need_to_know import reads_office_shared
from qpdo.org.scoping import user_unit
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State
from qpdo.workflow.mixins import SubjectFormMixin, form_add_errors

from . import exports, rules, selectors, services, summary_draft
from .enums import DEEDS_MAX_CHARS, STANDARD_TEXTS, KeyDateCode, Standard
from .forms import (
    AnnounceForm,
    CitationForm,
    NominationForm,
    ObjectionForm,
    ObjectionHandleForm,
    PlanForm,
    PublicityWithdrawForm,
    PublicizeForm,
    ScoreForm,
    SharingForm,
    SubmitForm,
    SummaryUploadForm,
    VerifyForm,
)
from .models import Star

PAGE_SIZE = 20


class YearMixin:
    """The programme year a page shows: ?year=2024, else this year's. A year without its
    settings yet (no StarYear) shows one line naming who starts it, with the link for who may;
    the year selector lists every year from the first to this one."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            year = _year_asked(request)
            if year is None:
                raise Http404("未找到该年度。")
            star_year = selectors.star_year_of(year)
            if star_year is None:
                return TemplateResponse(
                    request,
                    "stars/year_missing.html",
                    {
                        **selectors.star_year_missing(user=request.user, year=year),
                        "star_years": selectors.star_years(),
                        "shown_year": year,
                        "may_see_selection": rules.may_see_selection(request.user),
                    },
                )
            self._star_year = star_year
        return super().dispatch(request, *args, **kwargs)

    def get_star_year(self):
        if not hasattr(self, "_star_year"):
            self._star_year = selectors.star_year_get(self.request.GET.get("year"))
        return self._star_year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        star_year = self.get_star_year()
        context.update(
            star_year=star_year,
            campaign=star_year.campaign,
            star_years=selectors.star_years(),
            shown_year=star_year.year,
            may_see_selection=rules.may_see_selection(self.request.user),
        )
        return context


def _year_asked(request) -> int | None:
    """Return the year asked for (?year=), this year when none; None for a malformed one."""
    raw = request.GET.get("year")
    if not raw:
        return working_year()
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else None


# The programme's home: 附表1 ------------------------------------------------------------------


class PostListView(YearMixin, TemplateView):
    """The twelve posts (附表1) with each post's plan and nominees, and the deadlines."""

    template_name = "stars/post/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = context["campaign"]
        context.update(
            rows=selectors.post_table_for(user=user, campaign=campaign),
            plan_due=selectors.deadline_info(
                selectors.key_date(campaign, KeyDateCode.PLAN_DEADLINE)
            ),
            nomination_due=selectors.deadline_info(
                selectors.key_date(campaign, KeyDateCode.NOMINATION_DEADLINE)
            ),
            sharing=selectors.key_date(campaign, KeyDateCode.SHARING),
            may_nominate=rules.may_nominate(user),
            standards=[(s.label, text) for s, text in _standard_texts()],
        )
        return context


def _standard_texts():
    return [(s, STANDARD_TEXTS[s]) for s in Standard]


# Plans --------------------------------------------------------------------------------------


class PlanListView(YearMixin, ListView):
    template_name = "stars/plan/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return selectors.plan_list_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        ).order_by("post__number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = f"year={self.get_star_year().year}"
        return context


class PlanDetailView(TemplateView):
    template_name = "stars/plan/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = selectors.plan_get_for(user=self.request.user, pk=self.kwargs["pk"])
        user = self.request.user
        context.update(
            plan=plan,
            approval=plan.approval,
            history=workflow_selectors.history(plan.approval),
            return_reason=workflow_selectors.latest_return_reason(plan.approval),
            may_edit=rules.may_edit_plan(user, plan),
            may_delete=rules.may_delete_plan(user, plan),
            may_decide=workflow_rules.refusal_to_decide(user, plan.approval) is None,
            activities=selectors.activities_of_plan(user=user, plan=plan),
            visits=list(selectors.visit_list_for(user=user).filter(plan=plan)),
            may_record_activity=rules.may_record_activity(user, plan),
            may_record_visit=rules.may_record_visit(user) and plan.approval.round > 0,
        )
        return context


class PlanFormMixin(SubjectFormMixin):
    form_class = PlanForm
    submitted_message = "培树工作实施计划已提交，等待机关党支部审核。"
    submit_refusal_on_form = True
    template_name = "stars/plan/form.html"

    def submit(self, plan) -> None:
        services.plan_submit(acting_user=self.request.user, plan=plan)


class PlanCreateView(PlanFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        star_year = selectors.star_year_get(request.GET.get("year"))
        self.post_obj = (
            selectors.posts_of(star_year.campaign).filter(pk=request.GET.get("post") or 0).first()
        )
        if self.post_obj is None:
            raise Http404("未找到该培树岗位。")
        if not rules.may_file_plan(request.user, self.post_obj):
            raise PermissionDenied(
                f"“{self.post_obj.name}”岗位的培树计划由{self.post_obj.unit.name}制定。"
            )
        existing = selectors.plan_of_post(self.post_obj)
        if existing is not None:
            return redirect(existing.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(post_obj=self.post_obj, **kwargs)

    def save(self, data):
        return services.plan_create(acting_user=self.request.user, post=self.post_obj, **data)


class PlanUpdateView(PlanFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.plan = selectors.plan_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_edit_plan(request.user, self.plan):
            messages.error(request, "该计划已提交或不属于您的科室，不能修改。")
            return redirect(self.plan.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {field: getattr(self.plan, field) for field in services.PLAN_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan,
            post_obj=self.plan.post,
            return_reason=workflow_selectors.latest_return_reason(self.plan.approval),
            **kwargs,
        )

    def save(self, data):
        return services.plan_update(acting_user=self.request.user, plan=self.plan, **data)


class PlanSubmitView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        plan = selectors.plan_get_for(user=request.user, pk=pk)
        try:
            services.plan_submit(acting_user=request.user, plan=plan)
            messages.success(request, "培树工作实施计划已提交，等待机关党支部审核。")
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        return redirect(plan.get_absolute_url())


class PlanDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        plan = selectors.plan_get_for(user=request.user, pk=pk)
        year = plan.campaign.year
        services.plan_delete(acting_user=request.user, plan=plan)
        messages.success(request, "计划草稿已删除。")
        return redirect(f"{reverse('stars:post-list')}?year={year}")


# Summaries ----------------------------------------------------------------------------------


class SummaryListView(YearMixin, ListView):
    """Each responsible unit's 培树工作总结: current version, on time or late; every upload."""

    template_name = "stars/summary/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return selectors.summary_list_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = context["campaign"]
        unit = user_unit(user)
        responsible = set(selectors.responsible_units(campaign).values_list("pk", flat=True))
        may_upload = rules.may_upload_summary(user, unit, responsible)
        context.update(
            status_rows=selectors.summary_status_for(user=user, campaign=campaign),
            due=selectors.deadline_info(
                selectors.key_date(campaign, KeyDateCode.NOMINATION_DEADLINE)
            ),
            may_upload=may_upload,
            upload_form=kwargs.get("upload_form") or (SummaryUploadForm() if may_upload else None),
            query_string=f"year={campaign.year}",
        )
        return context


class SummaryUploadView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        campaign = self.get_star_year().campaign
        form = SummaryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.summary_upload(
                    acting_user=request.user,
                    campaign=campaign,
                    upload=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "培树工作总结已报送。")
                return redirect(f"{reverse('stars:summary-list')}?year={campaign.year}")
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(f"{reverse('stars:summary-list')}?year={campaign.year}")


class SummaryDownloadView(View):
    def get(self, request, pk: int):
        report = selectors.summary_get_for(user=request.user, pk=pk)
        name = f"{report.unit.display_name}-培树工作总结-{report.campaign.year}"
        return file_response(report.file, filename=name, inline=True)


@method_decorator(handle_missing_fonts, name="get")
class SummaryDraftView(YearMixin, View):
    """The acting section's 培树工作总结 drafted from the data (Word or PDF), audited."""

    fmt = "docx"

    def get(self, request):
        star_year = self.get_star_year()
        name, data, unit = summary_draft.draft_document(
            user=request.user, star_year=star_year, fmt=self.fmt
        )
        summary_draft.draft_download_record(
            acting_user=request.user, unit=unit, star_year=star_year, fmt=self.fmt
        )
        if self.fmt == "docx":
            return docx_response(data, filename=name)
        return pdf_response(data, filename=name, inline=True)


# Nominations ----------------------------------------------------------------------------------


class NominationListView(YearMixin, ListView):
    template_name = "stars/nomination/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        nominations = selectors.nomination_list_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        )
        state = self.request.GET.get("state")
        if state in State.values:
            nominations = nominations.filter(approval__state=state)
        return nominations.order_by("post__number", "unit__order", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = context["campaign"]
        state = self.request.GET.get("state", "")
        context.update(
            object_list=selectors.with_competition_texts(context["object_list"]),
            may_nominate=rules.may_nominate(self.request.user),
            due=selectors.deadline_info(
                selectors.key_date(campaign, KeyDateCode.NOMINATION_DEADLINE)
            ),
            states=State.choices,
            state=state if state in State.values else "",
            query_string=f"year={campaign.year}" + (f"&state={state}" if state else ""),
        )
        return context


class NominationDetailView(TemplateView):
    """The 申报表 as on paper, where it stands, its 流转记录, and what the user may do."""

    template_name = "stars/nomination/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        nomination = selectors.nomination_get_for(user=user, pk=self.kwargs["pk"])
        approval = nomination.approval
        may_submit = rules.may_submit_nomination(user, nomination)
        star_year = selectors.star_year_for(nomination.campaign)
        context.update(
            nomination=nomination,
            approval=approval,
            due_date=selectors.key_date(nomination.campaign, KeyDateCode.NOMINATION_DEADLINE),
            fields=dict(selectors.nomination_form_rows(nomination)),
            opinions=selectors.nomination_opinion_cells(nomination),
            history=workflow_selectors.history(approval),
            return_reason=workflow_selectors.latest_return_reason(approval),
            may_edit=rules.may_edit_nomination(user, nomination),
            may_delete=rules.may_delete_nomination(user, nomination),
            may_submit=may_submit,
            missing=services.nomination_missing(nomination) if may_submit else [],
            submit_form=kwargs.get("submit_form") or (SubmitForm() if may_submit else None),
            may_decide=workflow_rules.refusal_to_decide(user, approval) is None,
            may_withdraw=workflow_rules.refusal_to_withdraw(user, approval) is None,
            may_score=rules.may_score(user, nomination, star_year),
            show_star=selectors.is_star(nomination)
            and (star_year.is_announced or rules.may_see_selection(user)),
            deeds_max=DEEDS_MAX_CHARS,
        )
        return context


class NominationSubmitView(View):
    """Submit a finished 申报表 and sign the 推荐科室意见 (both or neither)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_submit(
                    acting_user=request.user,
                    nomination=nomination,
                    opinion=form.cleaned_data["opinion"],
                )
            except ValidationError as error:
                form_add_errors(form, error)
            except workflow.TransitionRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request, "申报表已提交，推荐科室意见已签署，等待办机关党支部意见。"
                )
                return redirect(nomination.get_absolute_url())
        for error in form.errors.values():
            messages.error(request, "；".join(error))
        return redirect(nomination.get_absolute_url())


class NominationFormMixin:
    form_class = NominationForm
    template_name = "stars/nomination/form.html"

    def submitting(self) -> bool:
        return self.request.method == "POST" and "submit" in self.request.POST

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            staff=selectors.staff_choices_for(self.get_unit()),
            posts=list(selectors.posts_of(self.get_campaign())),
            entries=selectors.competition_entry_choices(
                campaign=self.get_campaign(), unit=self.get_unit()
            ),
            submitting=self.submitting(),
            has_photo=bool(getattr(self, "nomination", None) and self.nomination.photo),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.get_campaign()
        staff = list(selectors.staff_choices_for(self.get_unit()))
        context.update(
            unit=self.get_unit(),
            campaign=campaign,
            prefill={str(s.pk): selectors.staff_prefill(s) for s in staff},
            post_categories={
                str(p.pk): {"category": p.category.name, "form": p.get_form_display()}
                for p in selectors.posts_of(campaign)
            },
            due=selectors.deadline_info(
                selectors.key_date(campaign, KeyDateCode.NOMINATION_DEADLINE)
            ),
            deeds_max=DEEDS_MAX_CHARS,
        )
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        written = data.pop("opinion", "")
        opinion = written.strip() if self.submitting() else None
        photo = data.pop("photo", None)
        remove_photo = data.pop("remove_photo", False)
        try:
            nomination = self.save(data, photo=photo, remove=remove_photo, opinion=opinion)
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        except workflow.TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if opinion is not None:
            messages.success(
                self.request, "申报表已提交，推荐科室意见已签署，等待办机关党支部意见。"
            )
        else:
            messages.success(self.request, "草稿已保存，可稍后继续填写并提交。")
        return redirect(nomination.get_absolute_url())


class NominationCreateView(NominationFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if not rules.may_nominate(request.user):
            raise PermissionDenied("只有各科室（中心）负责人可以填报“岗位之星”申报表。")
        self.star_year = selectors.star_year_get(request.GET.get("year"))
        if self.star_year.is_announced:
            messages.error(request, f"{self.star_year.year}年度“岗位之星”已公布，不再受理申报。")
            return redirect("stars:nomination-list")
        return super().dispatch(request, *args, **kwargs)

    def get_campaign(self):
        return self.star_year.campaign

    def get_unit(self):
        return user_unit(self.request.user)

    def get_initial(self):
        """Prefill from the staff record when the page is opened for a person (?nominee=)."""
        staff = (
            selectors.staff_choices_for(self.get_unit())
            .filter(pk=self.request.GET.get("nominee") or 0)
            .first()
        )
        if staff is None:
            return {}
        initial = selectors.staff_prefill(staff)
        initial["nominee"] = staff.pk
        return initial

    def save(self, data, *, photo, remove, opinion):
        return services.nomination_create(
            acting_user=self.request.user,
            campaign=self.get_campaign(),
            **data,
            photo=photo,
            submit_opinion=opinion,
        )


class NominationUpdateView(NominationFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.nomination = selectors.nomination_get_for(user=request.user, pk=kwargs["pk"])
        if not rules.may_edit_nomination(request.user, self.nomination):
            messages.error(request, "该申报表已提交或不属于您的科室，不能修改。")
            return redirect(self.nomination.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_campaign(self):
        return self.nomination.campaign

    def get_unit(self):
        return self.nomination.unit

    def get_initial(self):
        n = self.nomination
        initial = {field: getattr(n, field) for field in services.NOMINATION_FIELDS}
        initial["post"] = n.post_id
        initial["nominee"] = n.nominee_id
        initial["competition_entry"] = selectors.competition_entry_of(n)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nomination=self.nomination,
            return_reason=workflow_selectors.latest_return_reason(self.nomination.approval),
            **kwargs,
        )

    def save(self, data, *, photo, remove, opinion):
        return services.nomination_update(
            acting_user=self.request.user,
            nomination=self.nomination,
            **data,
            photo=photo,
            remove_photo=remove,
            submit_opinion=opinion,
        )


class NominationDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        year = nomination.campaign.year
        services.nomination_delete(acting_user=request.user, nomination=nomination)
        messages.success(request, "申报表草稿已删除。")
        return redirect(f"{reverse('stars:nomination-list')}?year={year}")


class NominationPhotoView(View):
    """A nominee's photo: for who may see the 申报表, and for everyone once they are an
    announced star (the 交流展示 page)."""

    def get(self, request, pk: int):
        thumb = request.GET.get("size") == "thumb"
        star = (
            Star.objects.select_related("nomination", "campaign__star_year")
            .filter(nomination_id=pk, campaign__star_year__announced_at__isnull=False)
            .first()
        )
        if star is not None and not reads_office_shared(request.user, "stars.Star"):
            star = None  # announced to the office's own staff, not to the 街镇 (need_to_know)
        nomination = (
            star.nomination if star else selectors.nomination_get_for(user=request.user, pk=pk)
        )
        field = nomination.photo_thumb if thumb and nomination.photo_thumb else nomination.photo
        if not field:
            raise Http404("未上传照片。")
        return file_response(field, filename=f"{nomination.name}-照片", inline=True)


def _verify_url(request):
    base = request.build_absolute_uri(reverse("stars:verify"))
    return lambda code: f"{base}?code={code}"


@method_decorator(handle_missing_fonts, name="get")
class NominationPdfView(View):
    """The printed 申报表 (附表2) of one nomination, as PDF or (fmt="docx") as Word: the same
    scope, the same printed-copy record and verification code, the same audit."""

    fmt = "pdf"

    def get(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        forms = services.nomination_print_forms(
            acting_user=request.user, nominations=[nomination], verify_url=_verify_url(request)
        )
        title = f"“岗位之星”申报表（{nomination.name}）"
        filename = f"岗位之星申报表-{nomination.name}-{nomination.campaign.year}"
        if self.fmt == "docx":
            data = exports.NominationDocxExporter(forms, title=title).render()
            return docx_response(data, filename=f"{filename}.docx")
        exporter = exports.NominationPdfExporter(forms, title=title)
        return pdf_response(
            exporter.render(),
            filename=f"{filename}.pdf",
            inline=request.GET.get("download") != "1",
        )


class NominationExportView(YearMixin, View):
    """The nomination summary as Excel (scores only for those who choose the stars)."""

    def get(self, request):
        star_year = self.get_star_year()
        exporter = exports.NominationSummaryExporter(
            selectors.nomination_export_rows_for(user=request.user, campaign=star_year.campaign),
            star_year=star_year,
            with_scores=rules.may_see_selection(request.user),
        )
        services.export_record(acting_user=request.user, what=exporter.filename)
        return exporter.response()


class PostTableExportView(YearMixin, View):
    """附表1 (培树工作分工表) with the nominees, as Excel or (fmt="docx") as Word."""

    fmt = "xlsx"

    def get(self, request):
        star_year = self.get_star_year()
        rows = selectors.post_table_for(user=request.user, campaign=star_year.campaign)
        exporter = exports.PostTableExporter(
            rows,
            star_year=star_year,
            show_stars=star_year.is_announced or rules.may_see_selection(request.user),
        )
        if self.fmt == "docx":
            response = docx_response(exporter.render_docx(), filename=exporter.docx_filename)
            what = exporter.docx_filename
        else:
            response, what = exporter.response(), exporter.filename
        services.export_record(acting_user=request.user, what=what)
        return response


@method_decorator(handle_missing_fonts, name="get")
class PostTablePdfView(YearMixin, View):
    """附表1 (培树工作分工表) as an A4 PDF, laid out like the notice."""

    def get(self, request):
        star_year = self.get_star_year()
        exporter = exports.PostTablePdfExporter(
            selectors.posts_of(star_year.campaign), star_year=star_year
        )
        data = exporter.render()
        services.export_record(acting_user=request.user, what=exporter.filename)
        return pdf_response(
            data, filename=exporter.filename, inline=request.GET.get("download") != "1"
        )


# Batch printing --------------------------------------------------------------------------------


class BatchCreateView(YearMixin, View):
    """Queue all of a year's 申报表, or the chosen ones, to print as one PDF or one .docx."""

    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        campaign = star_year.campaign
        visible = selectors.nomination_list_for(user=request.user, campaign=campaign)
        # The list's buttons say both what and how: print=selected:docx; scope and format
        # may also come apart (scope=all&format=pdf).
        scope, _, fmt = request.POST.get("print", "").partition(":")
        scope = scope or request.POST.get("scope", "")
        fmt = fmt or request.POST.get("format", "pdf")
        if scope == "all":
            nominations = list(
                visible.exclude(approval__state__in=[State.DRAFT, State.WITHDRAWN]).order_by(
                    "post__number", "unit__order", "id"
                )
            )
            label = f"{campaign.year}年度全部已提交申报表（{len(nominations)}份）"
        else:
            try:
                ids = [int(value) for value in request.POST.getlist("ids")]
            except ValueError:
                ids = []
            nominations = selectors.nominations_by_ids_for(
                user=request.user, ids=ids, campaign=campaign
            )
            label = f"{campaign.year}年度选定申报表（{len(nominations)}份）"
        try:
            batch = services.batch_print_request(
                acting_user=request.user,
                campaign=campaign,
                nominations=nominations,
                label=f"{label}（{services.BATCH_FORMATS.get(fmt, fmt)[:10]}）",
                fmt=fmt,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(f"{reverse('stars:nomination-list')}?year={campaign.year}")
        return redirect(batch.get_absolute_url())


class BatchListView(View):
    """Batch prints are background jobs: their list is the person's job list."""

    def get(self, request):
        return redirect(f"{reverse('jobs:job-list')}?kind={services.BATCH_JOB}")


# Choosing the stars ------------------------------------------------------------------------


class SelectionView(YearMixin, ListView):
    """The 办党组's comparison page: nominees by category and post, their source and scores,
    the chosen stars, and the announcement."""

    template_name = "stars/selection/compare.html"
    paginate_by = 50
    paginator_class = CachedCountPaginator

    def dispatch(self, request, *args, **kwargs):
        if not rules.may_see_selection(request.user):
            raise PermissionDenied("评选比较页面供办党组、机关党支部和办领导使用。")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.comparison_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        star_year = context["star_year"]
        stars = list(selectors.stars_of(star_year.campaign))
        may_select = rules.may_select(self.request.user)
        context.update(
            object_list=selectors.with_competition_texts(context["object_list"]),
            stars=stars,
            quota=star_year.quota,
            remaining=max(0, star_year.quota - len(stars)),
            may_select=may_select and not star_year.is_announced,
            may_announce=may_select
            and not star_year.is_announced
            and len(stars) == star_year.quota,
            publicity=selectors.publicity_for(star_year),
            may_handle_objections=rules.may_handle_objections(self.request.user)
            and star_year.is_publicized
            and not star_year.is_announced,
            objection_form=ObjectionForm(nominations=selectors.star_nominations(star_year)),
            handle_form=ObjectionHandleForm(),
            withdraw_form=PublicityWithdrawForm(),
            announce_form=AnnounceForm(),
            citation_form=CitationForm(),
            standards=[s.label for s in Standard],
            query_string=f"year={star_year.year}",
        )
        return context


def _back_to_selection(star_year):
    return HttpResponseRedirect(f"{reverse('stars:selection')}?year={star_year.year}")


class ScoreView(FormView):
    """A 办党组 member scores one nominee on the three standards, reading the 申报表."""

    form_class = ScoreForm
    template_name = "stars/selection/score.html"

    def dispatch(self, request, *args, **kwargs):
        self.nomination = selectors.nomination_get_for(user=request.user, pk=kwargs["pk"])
        self.star_year = selectors.star_year_for(self.nomination.campaign)
        if not rules.may_score(request.user, self.nomination, self.star_year):
            messages.error(request, "该申报表尚未报送至办党组，或评分已结束，或您不是办党组成员。")
            return redirect(self.nomination.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        score = selectors.score_get(nomination=self.nomination, user=self.request.user)
        if score is None:
            return {}
        return {f: getattr(score, f) for f in ("political", "skill", "performance", "note")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            nomination=self.nomination,
            fields=dict(selectors.nomination_form_rows(self.nomination)),
            opinions=selectors.nomination_opinion_cells(self.nomination),
            scores=selectors.scores_of(self.nomination),
            star_year=self.star_year,
        )
        return context

    def form_valid(self, form):
        try:
            services.score_save(
                acting_user=self.request.user, nomination=self.nomination, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存对{self.nomination.name}的评分。")
        return _back_to_selection(self.star_year)


class SelectView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        star_year = selectors.star_year_for(nomination.campaign)
        form = CitationForm(request.POST)
        citation = form.cleaned_data["citation"] if form.is_valid() else ""
        try:
            services.star_select(acting_user=request.user, nomination=nomination, citation=citation)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已确定{nomination.name}为“岗位之星”。")
        return _back_to_selection(star_year)


class UnselectView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        star_year = selectors.star_year_for(nomination.campaign)
        star = Star.objects.filter(nomination=nomination).first()
        if star is None:
            messages.error(request, f"{nomination.name}不在“岗位之星”人选中。")
            return _back_to_selection(star_year)
        try:
            services.star_unselect(acting_user=request.user, star=star)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已取消{nomination.name}的“岗位之星”人选。")
        return _back_to_selection(star_year)


class CitationView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = selectors.nomination_get_for(user=request.user, pk=pk)
        star = Star.objects.filter(nomination=nomination).select_related("campaign").first()
        if star is None:
            raise Http404("该人选不是“岗位之星”。")
        form = CitationForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("事迹简介过长。")
            services.star_citation_set(
                acting_user=request.user, star=star, citation=form.cleaned_data["citation"]
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已更新{nomination.name}的事迹简介。")
        return HttpResponseRedirect(
            f"{reverse('stars:showcase')}?year={star.campaign.year}#star-{nomination.pk}"
        )


def _form_refused(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, "；".join(errors))


class PublicizeView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        form = PublicizeForm(request.POST)
        if not form.is_valid():
            _form_refused(request, form)
            return _back_to_selection(star_year)
        try:
            star_year = services.stars_publicize(
                acting_user=request.user,
                star_year=star_year,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return _back_to_selection(star_year)
        messages.success(
            request,
            f"已发布公示：{selectors.cn_date(star_year.publicity_starts_on)}至"
            f"{selectors.cn_date(star_year.publicity_ends_on)}。",
        )
        return _back_to_selection(star_year)


class PublicityWithdrawView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        form = PublicityWithdrawForm(request.POST)
        if not form.is_valid():
            _form_refused(request, form)
            return _back_to_selection(star_year)
        try:
            services.stars_publicity_withdraw(
                acting_user=request.user, star_year=star_year, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return _back_to_selection(star_year)
        messages.success(request, "公示已撤销，可调整人选后重新公示。")
        return _back_to_selection(star_year)


class ObjectionCreateView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        if not rules.may_handle_objections(request.user):
            raise PermissionDenied("只有机关党支部或办党组可以登记公示异议。")
        form = ObjectionForm(request.POST, nominations=selectors.star_nominations(star_year))
        if not form.is_valid():
            _form_refused(request, form)
            return _back_to_selection(star_year)
        try:
            services.objection_record(
                acting_user=request.user, star_year=star_year, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return _back_to_selection(star_year)
        messages.success(request, "公示异议已登记，请核查后填写处理情况。")
        return _back_to_selection(star_year)


class ObjectionHandleView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        if not rules.may_handle_objections(request.user):
            raise PermissionDenied("只有机关党支部或办党组可以办理公示异议。")
        objection = selectors.objection_get(pk=pk)
        star_year = objection.star_year
        form = ObjectionHandleForm(request.POST)
        if not form.is_valid():
            _form_refused(request, form)
            return _back_to_selection(star_year)
        try:
            services.objection_handle(
                acting_user=request.user, objection=objection, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return _back_to_selection(star_year)
        messages.success(request, f"对{objection.nomination.name}的公示异议已办结。")
        return _back_to_selection(star_year)


class AnnounceView(YearMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        star_year = self.get_star_year()
        form = AnnounceForm(request.POST)
        text = form.cleaned_data["text"] if form.is_valid() else ""
        try:
            services.stars_announce(acting_user=request.user, star_year=star_year, text=text)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return _back_to_selection(star_year)
        messages.success(request, f"{star_year.year}年度“岗位之星”已公布，并已通知各科室。")
        return HttpResponseRedirect(f"{reverse('stars:showcase')}?year={star_year.year}")


class ShowcaseView(YearMixin, TemplateView):
    """The year's stars for the 交流展示: photo, post, deeds."""

    template_name = "stars/star/showcase.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(selectors.showcase_for(user=user, star_year=context["star_year"]))
        context["may_edit_citation"] = rules.may_edit_citation(user)
        context["may_record_sharing"] = rules.may_record_sharing(user) and not (
            context["star_year"].campaign.is_closed
        )
        context["citation_form"] = CitationForm()
        return context


# Verification ------------------------------------------------------------------------------


class VerifyView(TemplateView):
    """Check a printed 申报表 against the portal by its verification code."""

    template_name = "stars/verify/form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.request.GET.get("code", "")
        form = VerifyForm(self.request.GET or None)
        result = None
        if code and form.is_valid():
            result = selectors.verification_result(
                code=form.cleaned_data["code"], user=self.request.user
            )
        context.update(form=form, result=result)
        return context


# 交流展示 (11月上旬) -------------------------------------------------------------------------


class SharingFormMixin(YearMixin):
    """The 机关党支部 records the year's 交流展示 session (speakers, 体会, photos)."""

    form_class = SharingForm
    template_name = "stars/sharing/form.html"
    session = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not rules.may_record_sharing(request.user):
            raise PermissionDenied("“岗位之星”交流展示由机关党支部登记。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            candidates=selectors.sharing_speakers(self.get_star_year()),
            photos=list(self.session.photos.all()) if self.session else (),
            kept_files={
                part.staff_id: part.original_name
                for part in (self.session.participants.all() if self.session else ())
                if part.file
            },
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(session=self.session, heading=self.heading)
        return context

    def form_valid(self, form):
        speakers = [
            Speaker(staff=staff, reflection=text, upload=upload)
            for staff, text, upload in form.speakers()
        ]
        try:
            session = services.star_sharing_save(
                acting_user=self.request.user,
                star_year=self.get_star_year(),
                **{key: form.cleaned_data.get(key) for key in SHARING_FIELDS},
                speakers=speakers,
                photos=form.cleaned_data.get("photos") or [],
                remove_photos=form.cleaned_data.get("remove_photos") or [],
                exchange=self.session,
            )
        except (ValidationError, Refused) as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"交流展示“{session.title}”已保存，并在风采展示页展示。")
        year = self.get_star_year().year
        return HttpResponseRedirect(f"{reverse('stars:showcase')}?year={year}#sharing-{session.pk}")


SHARING_FIELDS = ("title", "held_on", "place", "summary")


class SharingCreateView(SharingFormMixin, FormView):
    heading = "登记“岗位之星”交流展示"

    def get_initial(self):
        star_year = self.get_star_year()
        sharing = selectors.key_date(star_year.campaign, KeyDateCode.SHARING)
        return {
            "title": f"{star_year.year}年度“岗位之星”交流展示会",
            "held_on": sharing if sharing and sharing <= clock.today() else None,
        }


class SharingEditView(SharingFormMixin, FormView):
    heading = "修改“岗位之星”交流展示"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and rules.may_record_sharing(request.user):
            self._session_year, self.session = selectors.sharing_get_any_year(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_star_year(self):
        # The session's own year, whatever ?year= the page was opened with.
        return self._session_year

    def get_initial(self):
        session = self.session
        initial = {key: getattr(session, key) for key in SHARING_FIELDS}
        for part in session.participants.all():
            initial[f"speaker_{part.staff_id}"] = True
            initial[f"reflection_{part.staff_id}"] = part.reflection
        return initial
