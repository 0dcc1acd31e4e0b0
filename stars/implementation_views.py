"""组织实施 (5–9月) pages: activities under the plans, and the 机关党支部's 督查 visits. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from qpdo.documents.uploads import file_response
from qpdo.errors import Refused
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.scoping import user_unit
from qpdo.workflow.mixins import form_add_errors

from . import rules, selectors, services
from .enums import IMPLEMENTATION_MONTHS, ActivityKind
from .forms import ActivityForm, FollowUpForm, VisitForm
from .views import PAGE_SIZE, YearMixin


def _recordable_plans(user, campaign):
    """Return the plans of the user's own section they may record activities under."""
    unit = user_unit(user)
    if unit is None:
        return []
    plans = selectors.plan_list_for(user=user, campaign=campaign).filter(unit=unit)
    return [p for p in plans.order_by("post__number") if rules.may_record_activity(user, p)]


def _period(campaign) -> str:
    start, end = IMPLEMENTATION_MONTHS
    return f"{campaign.year}年{start}月至{end}月"


class ActivityListView(YearMixin, ListView):
    """The year's implementation activities the user may see, with what to record next."""

    template_name = "stars/activity/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        activities = selectors.activity_list_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        ).order_by("-held_on", "-id")
        kind = self.request.GET.get("kind")
        if kind in ActivityKind.values:
            activities = activities.filter(kind=kind)
        return activities

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = context["campaign"]
        user = self.request.user
        counts = dict(
            selectors.activity_list_for(user=user, campaign=campaign)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("id", distinct=True))
        )
        kind = self.request.GET.get("kind")
        context.update(
            tab="activities",
            period=_period(campaign),
            kinds=[(k.value, k.label, counts.get(k.value, 0)) for k in ActivityKind],
            kind=kind if kind in ActivityKind.values else "",
            recordable_plans=_recordable_plans(user, campaign),
            query_string=f"year={campaign.year}" + (f"&kind={kind}" if kind else ""),
        )
        return context


class ActivityCreateView(YearMixin, FormView):
    template_name = "stars/activity/form.html"
    form_class = ActivityForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            raw = request.GET.get("plan") or ""
            if not raw.isdigit():
                raise Http404("未找到该培树工作实施计划。")
            self.plan = selectors.plan_get_for(user=request.user, pk=int(raw))
            if not rules.may_record_activity(request.user, self.plan):
                raise PermissionDenied(
                    f"“{self.plan.post.name}”岗位的组织实施活动由{self.plan.unit.name}负责人"
                    "在计划提交后登记。"
                )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, period=_period(self.plan.campaign))
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        files = data.pop("files", [])
        try:
            activity = services.activity_record(
                acting_user=self.request.user,
                plan=self.plan,
                files=files,
                **data,
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记组织实施活动：{activity.title}。")
        return redirect(self.plan.get_absolute_url())


class ActivityDetailView(TemplateView):
    template_name = "stars/activity/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = selectors.activity_get_for(user=self.request.user, pk=self.kwargs["pk"])
        context.update(
            activity=activity,
            evidence=list(activity.evidence.order_by("id")),
            may_delete=rules.may_delete_activity(self.request.user, activity),
        )
        return context


class ActivityEvidenceView(View):
    def get(self, request, pk: int, evidence_pk: int):
        evidence = selectors.evidence_get_for(user=request.user, activity_pk=pk, pk=evidence_pk)
        return file_response(evidence.file, filename=evidence.original_name, inline=True)


class ActivityDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        activity = selectors.activity_get_for(user=request.user, pk=pk)
        plan_url = activity.plan.get_absolute_url()
        try:
            services.activity_delete(acting_user=request.user, activity=activity)
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect(activity.get_absolute_url())
        messages.success(request, "该组织实施活动已删除。")
        return redirect(plan_url)


# 督查 ----------------------------------------------------------------------------------------


def _visit_form(campaign, *args, **kwargs) -> VisitForm:
    return VisitForm(
        *args,
        units=selectors.responsible_units(campaign),
        plans=selectors.visit_plan_choices(campaign),
        **kwargs,
    )


class VisitListView(YearMixin, ListView):
    """The 机关党支部's 督查 visits of the year (a section sees those of its own)."""

    template_name = "stars/visit/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return selectors.visit_list_for(
            user=self.request.user, campaign=self.get_star_year().campaign
        ).order_by("-visited_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = context["campaign"]
        context.update(
            tab="visits",
            period=_period(campaign),
            may_record=rules.may_record_visit(self.request.user),
            query_string=f"year={campaign.year}",
        )
        return context


class VisitCreateView(YearMixin, FormView):
    template_name = "stars/visit/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not rules.may_record_visit(request.user):
            raise PermissionDenied("培树工作督查由机关党支部登记。")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return _visit_form(self.get_star_year().campaign, **self.get_form_kwargs())

    def get_initial(self):
        initial = {}
        raw = self.request.GET.get("plan") or ""
        if raw.isdigit():
            plan = selectors.visit_plan_choices(self.get_star_year().campaign).filter(pk=raw)
            plan = plan.first()
            if plan is not None:
                initial.update(plan=plan, unit=plan.unit)
        return initial

    def form_valid(self, form):
        campaign = self.get_star_year().campaign
        try:
            visit = services.visit_record(
                acting_user=self.request.user,
                campaign=campaign,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记督查：{visit}。")
        return redirect(visit.get_absolute_url())


class VisitDetailView(TemplateView):
    template_name = "stars/visit/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = selectors.visit_get_for(user=self.request.user, pk=self.kwargs["pk"])
        may_follow_up = rules.may_record_follow_up(self.request.user, visit)
        context.update(
            visit=visit,
            may_follow_up=may_follow_up,
            follow_up_form=FollowUpForm() if may_follow_up else None,
        )
        return context


class VisitFollowUpView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        visit = selectors.visit_get_for(user=request.user, pk=pk)
        if not rules.may_record_follow_up(request.user, visit):
            messages.error(request, "整改情况由被督查科室负责人或机关党支部在整改完成后登记。")
            return redirect(visit.get_absolute_url())
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.visit_follow_up_record(
                    acting_user=request.user, visit=visit, **form.cleaned_data
                )
            except (ValidationError, Refused) as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "整改情况已登记。")
                return redirect(visit.get_absolute_url())
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(visit.get_absolute_url())
