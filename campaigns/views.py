"""Pages of the campaign. Thin: selectors read, services write, rules decide who may."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from qpdo.documents.pdf import handle_missing_fonts
from qpdo.documents.uploads import file_response
from qpdo.org import clock
from qpdo.org.audit import client_ip
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.models import Unit
from qpdo.org.selectors import campaign_units
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow.forms import DecisionForm
from qpdo.workflow.mixins import form_add_errors
from qpdo.workflow.services import TransitionRefused

from . import charts, rules, selectors, services
from .enums import RANKING_BASE, RANKING_RULE, ItemKind, ItemStatus, ranking_rule_text
from .exports import RankingExporter, RecordPdf, records_export
from .forms import (
    CheckInForm,
    CompetitionForm,
    DiscussionForm,
    EntryFormSet,
    MilestoneFormSet,
    NewYearForm,
    PairForm,
    QuarterStarForm,
    RecheckForm,
    ReportForm,
    RotationForm,
    TeamForm,
    TeamOutputForm,
    WorkItemForm,
    milestone_initial,
)
from .models import Milestone, TeamOutput
from .ranking import COLUMNS

PAGE_SIZE = 20


class CampaignMixin:
    """Resolve the year's campaign from the URL; the campaign is for the office's own staff."""

    tab = ""
    heading = ""
    # Where 取消 leads on a form page: the tab's list.
    list_url_name = "campaigns:overview"

    def dispatch(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        year = kwargs["year"]
        if not selectors.Campaign.objects.filter(year=year).exists() and 2000 <= year <= 2100:
            return redirect(reverse("campaigns:home") + f"?year={year}")
        self.campaign = selectors.campaign_get(year=year)
        if self.campaign.is_closed and request.method == "POST" and self.writes:
            messages.error(request, f"{self.campaign.year}年度工作已经结束，只能查看。")
            return redirect("campaigns:overview", year=self.campaign.year)
        return super().dispatch(request, *args, **kwargs)

    # Whether a POST to the view writes into the year (refused once the year is closed).
    writes = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            campaign=self.campaign,
            tab=self.tab,
            heading=self.heading,
            cancel_url=reverse(self.list_url_name, args=[self.campaign.year]),
            may_manage=rules.may_manage(self.request.user, self.campaign)
            and not self.campaign.is_closed,
            year_closed=self.campaign.is_closed,
        )
        return context


class ServiceFormMixin:
    """Call `save(cleaned_data)` (a service); show its refusals on the form."""

    success_message = "已保存。"

    def save(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.save(form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(self.request, self.success_message)
        return redirect(self.success_url_for(obj))

    def success_url_for(self, obj) -> str:
        return obj.get_absolute_url()


def _asked_year(request) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return selectors.working_year()


class HomeView(TemplateView):
    """This year's campaign; when it is not set up yet, one line saying who does it."""

    template_name = "campaigns/campaign/missing.html"

    def get(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        year = _asked_year(request)
        campaign = selectors.Campaign.objects.filter(year=year).first()
        if campaign is not None:
            return redirect("campaigns:overview", year=campaign.year)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _asked_year(self.request)
        source = selectors.campaign_previous(year)
        context.update(
            year=year,
            source=source,
            starter=selectors.who_starts_year(year),
            may_start=source is not None
            and year <= selectors.working_year() + 1
            and rules.may_start_year(self.request.user, source),
            years=selectors.campaign_years(),
        )
        return context


class OverviewView(CampaignMixin, TemplateView):
    """Progress per key task and per section, charts, the year's calendar and what is new."""

    template_name = "campaigns/campaign/overview.html"
    tab = "overview"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        progress = selectors.overview_progress(campaign=self.campaign, today=today)
        latest = selectors.latest_published_ranking(self.campaign)
        context.update(
            today=today,
            progress=progress,
            task_chart=charts.progress_bars(progress["tasks"], label_width=110),
            unit_chart=charts.progress_bars(progress["units"]),
            calendar=selectors.calendar_months(campaign=self.campaign),
            counts=selectors.activity_counts(campaign=self.campaign),
            latest=latest,
            latest_lines=selectors.stored_lines(latest) if latest else [],
            key_tasks=list(self.campaign.key_tasks.order_by("order")),
            may_copy=rules.may_copy_campaign(self.request.user, self.campaign)
            and not selectors.Campaign.objects.filter(year=self.campaign.year + 1).exists(),
            may_close=rules.may_close_campaign(self.request.user, self.campaign)
            and self.campaign.year < selectors.working_year(),
            campaigns=list(selectors.campaign_list()),
            years=selectors.campaign_years(),
        )
        return context


# --- work items ----------------------------------------------------------------------------------


class ItemListView(CampaignMixin, ListView):
    template_name = "campaigns/item/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "items"

    def get_queryset(self):
        today = clock.today()
        self.filters = {
            "key_task": _int(self.request.GET.get("key_task")),
            "unit": _int(self.request.GET.get("unit")),
            "kind": self.request.GET.get("kind", ""),
            "status": self.request.GET.get("status", ""),
        }
        items = selectors.with_progress(
            selectors.item_list_for(user=self.request.user, campaign=self.campaign), today=today
        )
        return selectors.item_filter(items, today=today, **self.filters).order_by(
            "deadline", "number"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = selectors.decorate(context["object_list"], today=clock.today())
        context.update(
            items=context["object_list"],
            filters=self.filters,
            key_tasks=list(self.campaign.key_tasks.order_by("order")),
            units=list(campaign_units()),
            kinds=ItemKind.choices,
            statuses=[
                ("open", "未完成"),
                ("done", "已完成/已销号"),
                (ItemStatus.OVERDUE.value, "已逾期"),
                (ItemStatus.DUE_SOON.value, "即将到期"),
                ("recheck", "待回头看"),
            ],
            query_string=urlencode({k: v for k, v in self.filters.items() if v}),
            may_create=rules.may_create_items(self.request.user, self.campaign),
        )
        return context


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


class ItemFormView(CampaignMixin, FormView):
    """Create or change a work item and its milestones in one form."""

    form_class = WorkItemForm
    template_name = "campaigns/item/form.html"
    tab = "items"
    item = None

    def get_units(self):
        return selectors.item_units_for(user=self.request.user, campaign=self.campaign)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        units = self.get_units()
        kwargs.update(
            key_tasks=self.campaign.key_tasks.order_by("order"),
            units=units,
            owners=selectors.campaign_staff().filter(unit__in=units),
        )
        return kwargs

    def get_formset(self):
        initial = milestone_initial(selectors.milestones_of(self.item)) if self.item else []
        if self.request.method == "POST":
            return MilestoneFormSet(self.request.POST, prefix="milestones", initial=initial)
        return MilestoneFormSet(prefix="milestones", initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        context["item"] = self.item
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        try:
            item = self.save(form.cleaned_data, formset.rows())
        except ValidationError as error:
            milestone_errors = (
                error.message_dict.pop("milestones", None) if hasattr(error, "error_dict") else None
            )
            form_add_errors(form, error)
            if milestone_errors:
                form.add_error(None, milestone_errors)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, "清单事项已保存。")
        return redirect(item.get_absolute_url())


class ItemCreateView(ItemFormView):
    def get(self, request, *args, **kwargs):
        if not rules.may_create_items(request.user, self.campaign):
            raise PermissionDenied("只有办领导、牵头科室和各科室负责人可以建立清单事项。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ItemKind.values else {}

    def save(self, data, milestones):
        return services.item_create(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            milestones=milestones,
            request=self.request,
        )


class ItemUpdateView(ItemFormView):
    def get(self, request, *args, **kwargs):
        self._load()
        if self.item.is_done:
            messages.error(
                request, f"该事项已{self.item.done_label}（经组织单位核验），不能再修改。"
            )
            return redirect(self.item.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._load()
        return super().post(request, *args, **kwargs)

    def _load(self):
        self.item = selectors.item_get_for(
            user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
        )
        if not rules.may_edit_items_of(self.request.user, self.campaign, self.item.unit_id):
            raise PermissionDenied("只能修改本科室的清单事项。")

    def get_initial(self):
        if self.item is None:
            return {}
        return {field: getattr(self.item, field) for field in services.ITEM_FIELDS}

    def save(self, data, milestones):
        return services.item_update(
            acting_user=self.request.user,
            item=self.item,
            data=data,
            milestones=milestones,
            request=self.request,
        )


class ItemDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/item/detail.html"
    tab = "items"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        item = selectors.item_get_for(user=user, campaign=self.campaign, pk=kwargs["pk"])
        reports = selectors.reports_of(item)
        context.update(
            item=item,
            milestones=selectors.milestones_of(item),
            reports=reports,
            rechecks=list(item.rechecks.select_related("follow_up")),
            origin=getattr(item, "recheck_origin", None)
            if hasattr(item, "recheck_origin")
            else None,
            may_edit=not item.is_done
            and rules.may_edit_items_of(user, self.campaign, item.unit_id),
            may_report=(
                not item.is_done
                and item.open_report_id is None
                and rules.may_write_report(user, item)
            ),
            may_recheck=(
                item.kind == ItemKind.RECTIFICATION
                and item.is_done
                and not item.recheck_count
                and rules.may_recheck(user, item)
            ),
        )
        return context


# --- progress reports ----------------------------------------------------------------------------


class ReportFormView(CampaignMixin, FormView):
    form_class = ReportForm
    template_name = "campaigns/report/form.html"
    tab = "items"
    report = None

    def load(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["milestones"] = Milestone.objects.filter(item=self.item).order_by("due_on")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            item=self.item,
            report=self.report,
            evidence=list(self.report.evidence.all()) if self.report else [],
            return_reason=(
                workflow_selectors.latest_return_reason(self.report.approval)
                if self.report
                else None
            ),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        remove = [int(pk) for pk in self.request.POST.getlist("remove") if pk.isdigit()]
        try:
            report = services.report_save(
                acting_user=self.request.user,
                item=self.item,
                report=self.report,
                data=data,
                files=data["files"],
                remove=remove,
                request=self.request,
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        if "submit" in self.request.POST:
            try:
                services.report_submit(
                    acting_user=self.request.user, report=report, request=self.request
                )
                messages.success(self.request, "报告已提交，等待组织单位核验。")
            except TransitionRefused as refused:
                messages.error(self.request, f"已保存为草稿，但未能提交：{refused.message}")
        else:
            messages.success(self.request, "报告草稿已保存，可稍后继续填写并提交。")
        return redirect(report.get_absolute_url())


class ReportCreateView(ReportFormView):
    def load(self):
        self.item = selectors.item_get_for(
            user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
        )
        if not rules.may_write_report(self.request.user, self.item):
            raise PermissionDenied("只有责任单位的科室负责人或责任人可以填写进展报告。")

    def get(self, request, *args, **kwargs):
        self.load()
        if self.item.open_report_id:
            messages.info(request, "该事项已有一份未办结的报告，请在此继续。")
            return redirect(
                "campaigns:report-detail", year=self.campaign.year, pk=self.item.open_report_id
            )
        return super(ReportFormView, self).get(request, *args, **kwargs)

    def get_initial(self):
        return {"percent": max(self.item.percent_verified, 0)}


class ReportUpdateView(ReportFormView):
    def load(self):
        self.report = selectors.report_get_for(
            user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
        )
        self.item = self.report.item
        if not self.report.approval.is_editable or not rules.may_write_report(
            self.request.user, self.item
        ):
            raise PermissionDenied("该报告已提交或您不能修改。")

    def get_initial(self):
        return {
            "milestone": self.report.milestone,
            "percent": self.report.percent,
            "text": self.report.text,
            "is_final": self.report.is_final,
        }


class ReportDetailView(CampaignMixin, TemplateView):
    """A report with its evidence and 流转记录; the verifier decides here too."""

    template_name = "campaigns/report/detail.html"
    tab = "items"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        report = selectors.report_get_for(user=user, campaign=self.campaign, pk=kwargs["pk"])
        approval = report.approval
        may_decide = workflow_rules.refusal_to_decide(user, approval) is None
        context.update(
            report=report,
            item=report.item,
            approval=approval,
            evidence=list(report.evidence.all()),
            history=workflow_selectors.history(approval),
            return_reason=workflow_selectors.latest_return_reason(approval),
            may_edit=approval.is_editable and rules.may_write_report(user, report.item),
            may_submit=workflow_rules.refusal_to_submit(user, approval, report) is None,
            may_withdraw=workflow_rules.refusal_to_withdraw(user, approval) is None,
            decision_form=DecisionForm(approval=approval) if may_decide else None,
            flag=workflow_selectors.flag_for(approval),
        )
        return context


class EvidenceView(CampaignMixin, View):
    def get(self, request, year: int, pk: int):
        evidence = selectors.evidence_get_for(user=request.user, campaign=self.campaign, pk=pk)
        return file_response(evidence.file, filename=evidence.original_name, inline=True)


class RecheckView(CampaignMixin, ServiceFormMixin, FormView):
    form_class = RecheckForm
    template_name = "campaigns/item/recheck.html"
    tab = "items"
    success_message = "回头看已记录。"

    def get_item(self):
        if not hasattr(self, "item"):
            self.item = selectors.item_get_for(
                user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
            )
            if not rules.may_recheck(self.request.user, self.item):
                raise PermissionDenied("只有责任人、责任单位负责人或活动组织者可以填写回头看。")
        return self.item

    def get_initial(self):
        return {"checked_on": clock.today()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.get_item()
        return context

    def save(self, data):
        item = self.get_item()
        services.recheck_record(
            acting_user=self.request.user, item=item, data=data, request=self.request
        )
        return item


# --- teams ---------------------------------------------------------------------------------------


class TeamListView(CampaignMixin, ListView):
    template_name = "campaigns/team/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "teams"

    def get_queryset(self):
        return selectors.team_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_create_team(self.request.user, self.campaign)
        return context


class TeamDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/team/detail.html"
    tab = "teams"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = selectors.team_get(campaign=self.campaign, pk=kwargs["pk"])
        members = list(team.members.select_related("staff__unit"))
        context.update(
            team=team,
            members=members,
            units=sorted(
                {m.staff.unit.display_name for m in members} | {team.lead_unit.display_name}
            ),
            outputs=list(team.outputs.order_by("achieved_on", "id")),
            may_edit=rules.may_edit_team(self.request.user, team),
            output_form=TeamOutputForm(),
        )
        return context


class TeamFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:team-list"
    form_class = TeamForm
    template_name = "campaigns/team/form.html"
    tab = "teams"
    team = None
    success_message = "团队已保存。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            key_tasks=self.campaign.key_tasks.order_by("order"),
            people=selectors.office_people(),
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["team"] = self.team
        return context

    def save(self, data):
        members = [(staff, "") for staff in data["members"]]
        if self.team is not None:
            duties = {m.staff_id: m.duty for m in self.team.members.all()}
            members = [(staff, duties.get(staff.pk, "")) for staff in data["members"]]
        return services.team_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            members=members,
            team=self.team,
            request=self.request,
        )


class TeamCreateView(TeamFormView):
    heading = "组建团队"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_team(request.user, self.campaign):
            raise PermissionDenied("只有办领导、牵头科室和各科室负责人可以组建团队。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"formed_on": clock.today()}


class TeamUpdateView(TeamFormView):
    heading = "修改团队"

    def get_form(self, form_class=None):
        self._load()
        return super().get_form(form_class)

    def _load(self):
        if self.team is None:
            self.team = selectors.team_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_team(self.request.user, self.team):
                raise PermissionDenied("只有团队负责人、牵头单位负责人或活动组织者可以修改团队。")

    def get_initial(self):
        self._load()
        team = self.team
        return {
            "kind": team.kind,
            "name": team.name,
            "key_task": team.key_task,
            "topic": team.topic,
            "goals": team.goals,
            "leader": team.leader,
            "members": [m.staff for m in team.members.select_related("staff")],
            "formed_on": team.formed_on,
            "ends_on": team.ends_on,
        }


class TeamOutputCreateView(CampaignMixin, View):
    http_method_names = ["post"]

    def post(self, request, year: int, pk: int):
        team = selectors.team_get(campaign=self.campaign, pk=pk)
        form = TeamOutputForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, "；".join(errors))
            return redirect(team.get_absolute_url())
        try:
            services.team_output_add(
                acting_user=request.user,
                team=team,
                data=form.cleaned_data,
                upload=form.cleaned_data.get("file"),
                request=request,
            )
            messages.success(request, "成果已登记。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        return redirect(team.get_absolute_url())


class TeamOutputFileView(CampaignMixin, View):
    def get(self, request, year: int, pk: int):
        output = (
            TeamOutput.objects.filter(pk=pk, team__campaign=self.campaign).exclude(file="").first()
        )
        if output is None:
            raise Http404("未找到该文件。")
        return file_response(
            output.file, filename=output.original_name or output.title, inline=True
        )


# --- mentoring -----------------------------------------------------------------------------------


class PairListView(CampaignMixin, ListView):
    template_name = "campaigns/pair/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "pairs"

    def get_queryset(self):
        return selectors.pair_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_create_unit_records(self.request.user, self.campaign)
        return context


class PairDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/pair/detail.html"
    tab = "pairs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = selectors.pair_get(campaign=self.campaign, pk=kwargs["pk"])
        user = self.request.user
        context.update(
            pair=pair,
            check_ins=(
                list(pair.check_ins.order_by("held_on", "id"))
                if rules.may_see_check_ins(user, pair)
                else None
            ),
            check_in_count=pair.check_ins.count(),
            may_check_in=rules.may_check_in(user, pair),
            may_edit=rules.may_edit_pair(user, pair),
            check_in_form=kwargs.get("check_in_form")
            or CheckInForm(initial={"held_on": clock.today()}),
        )
        return context

    def post(self, request, year: int, pk: int):
        pair = selectors.pair_get(campaign=self.campaign, pk=pk)
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                services.check_in_add(
                    acting_user=request.user, pair=pair, data=form.cleaned_data, request=request
                )
            except ValidationError as error:
                form_add_errors(form, error)
            except PermissionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                messages.success(request, "带教记录已保存。")
                return redirect(pair.get_absolute_url())
        return self.render_to_response(self.get_context_data(pk=pk, check_in_form=form))


class PairFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:pair-list"
    form_class = PairForm
    template_name = "campaigns/pair/form.html"
    tab = "pairs"
    pair = None
    success_message = "带教关系已保存。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["people"] = selectors.campaign_staff()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pair"] = self.pair
        return context

    def save(self, data):
        return services.pair_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            pair=self.pair,
            request=self.request,
        )


class PairCreateView(PairFormView):
    heading = "建立岗位带教关系"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise PermissionDenied("只有科室负责人或活动组织者可以建立带教关系。")
        return super().get(request, *args, **kwargs)


class PairUpdateView(PairFormView):
    heading = "修改岗位带教关系"

    def get_form(self, form_class=None):
        if self.pair is None:
            self.pair = selectors.pair_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_pair(self.request.user, self.pair):
                raise PermissionDenied("只有被带教人所在科室负责人或活动组织者可以修改带教关系。")
        return super().get_form(form_class)

    def get_initial(self):
        pair = self.pair or selectors.pair_get(campaign=self.campaign, pk=self.kwargs["pk"])
        return {
            "mentor": pair.mentor,
            "mentee": pair.mentee,
            "goals": pair.goals,
            "starts_on": pair.starts_on,
            "ends_on": pair.ends_on,
        }


# --- rotations -----------------------------------------------------------------------------------


class RotationListView(CampaignMixin, ListView):
    template_name = "campaigns/rotation/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "rotations"

    def get_queryset(self):
        return selectors.rotation_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for rotation in context["object_list"]:
            rotation.may_edit = rules.may_edit_rotation(user, rotation)
        context["may_create"] = rules.may_create_unit_records(user, self.campaign)
        return context


class RotationFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:rotation-list"
    form_class = RotationForm
    template_name = "campaigns/rotation/form.html"
    tab = "rotations"
    rotation = None
    success_message = "交流锻炼已登记。"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(people=selectors.campaign_staff(), units=campaign_units())
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rotation"] = self.rotation
        return context

    def save(self, data):
        return services.rotation_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            rotation=self.rotation,
            request=self.request,
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:rotation-list", args=[self.campaign.year])


class RotationCreateView(RotationFormView):
    heading = "登记交流锻炼"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise PermissionDenied("只有科室负责人或活动组织者可以登记交流锻炼。")
        return super().get(request, *args, **kwargs)


class RotationUpdateView(RotationFormView):
    heading = "修改交流锻炼"

    def get_form(self, form_class=None):
        if self.rotation is None:
            self.rotation = selectors.rotation_get(campaign=self.campaign, pk=self.kwargs["pk"])
            if not rules.may_edit_rotation(self.request.user, self.rotation):
                raise PermissionDenied("只有本人所在科室负责人或活动组织者可以修改交流锻炼。")
        return super().get_form(form_class)

    def get_initial(self):
        rotation = self.rotation or selectors.rotation_get(
            campaign=self.campaign, pk=self.kwargs["pk"]
        )
        return {key: getattr(rotation, key) for key in services.ROTATION_FIELDS}


# --- competitions --------------------------------------------------------------------------------


class CompetitionListView(CampaignMixin, ListView):
    template_name = "campaigns/competition/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "competitions"

    def get_queryset(self):
        return selectors.competition_list(campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = rules.may_run_competitions(self.request.user, self.campaign)
        return context


class CompetitionDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/competition/detail.html"
    tab = "competitions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        competition = selectors.competition_get(campaign=self.campaign, pk=kwargs["pk"])
        context.update(
            competition=competition,
            entries=selectors.standings(competition),
            may_edit=rules.may_run_competitions(self.request.user, self.campaign),
        )
        return context


class CompetitionFormView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:competition-list"
    form_class = CompetitionForm
    template_name = "campaigns/competition/form.html"
    tab = "competitions"
    competition = None
    success_message = "比武已保存。"

    def get(self, request, *args, **kwargs):
        if not rules.may_run_competitions(request.user, self.campaign):
            raise PermissionDenied("只有办领导或牵头科室可以登记比武。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["competition"] = self.competition
        return context

    def save(self, data):
        return services.competition_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            competition=self.competition,
            request=self.request,
        )


class CompetitionCreateView(CompetitionFormView):
    heading = "登记比武"


class CompetitionUpdateView(CompetitionFormView):
    heading = "修改比武"

    def get_form(self, form_class=None):
        if self.competition is None:
            self.competition = selectors.competition_get(
                campaign=self.campaign, pk=self.kwargs["pk"]
            )
        return super().get_form(form_class)

    def get_initial(self):
        competition = self.competition or selectors.competition_get(
            campaign=self.campaign, pk=self.kwargs["pk"]
        )
        return {key: getattr(competition, key) for key in services.COMPETITION_FIELDS}


class CompetitionResultsView(CampaignMixin, TemplateView):
    """Participants, scores and awards of a 比武, as rows."""

    template_name = "campaigns/competition/results.html"
    tab = "competitions"

    def _load(self):
        self.competition = selectors.competition_get(campaign=self.campaign, pk=self.kwargs["pk"])
        if not rules.may_run_competitions(self.request.user, self.campaign):
            raise PermissionDenied("只有办领导或牵头科室可以登记比武成绩。")

    def _formset(self, data=None):
        initial = [
            {"staff": e.staff, "score": e.score, "award": e.award}
            for e in self.competition.entries.select_related("staff").order_by("id")
        ]
        return EntryFormSet(
            data, prefix="entries", initial=initial, people=selectors.office_people()
        )

    def get(self, request, *args, **kwargs):
        self._load()
        return self.render_to_response(self.get_context_data(formset=self._formset(), **kwargs))

    def post(self, request, *args, **kwargs):
        self._load()
        formset = self._formset(request.POST)
        errors = []
        if formset.is_valid():
            try:
                services.competition_results_save(
                    acting_user=request.user,
                    competition=self.competition,
                    rows=formset.rows(),
                    request=request,
                )
            except ValidationError as error:
                errors = error.messages
            except PermissionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                messages.success(request, "比武成绩已保存，名次按成绩自动排定。")
                return redirect(self.competition.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(formset=formset, errors=errors, **kwargs)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["competition"] = self.competition
        return context


# --- quarterly stars -----------------------------------------------------------------------------


class QuarterStarListView(CampaignMixin, TemplateView):
    template_name = "campaigns/quarterstar/list.html"
    tab = "stars"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stars = list(selectors.quarter_star_list(campaign=self.campaign))
        quarters = selectors.quarters_of(self.campaign)
        context.update(
            quarters=[(q, [s for s in stars if s.quarter == q]) for q in quarters],
            may_choose=rules.may_choose_quarter_stars(self.request.user, self.campaign),
        )
        return context


class QuarterStarCreateView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:quarter-star-list"
    form_class = QuarterStarForm
    template_name = "campaigns/quarterstar/form.html"
    tab = "stars"
    heading = "登记“季度之星”"
    success_message = "“季度之星”已登记。"

    def get(self, request, *args, **kwargs):
        if not rules.may_choose_quarter_stars(request.user, self.campaign):
            raise PermissionDenied("只有办领导、办党组或牵头科室可以登记“季度之星”。")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            quarters=selectors.quarters_of(self.campaign), people=selectors.campaign_staff()
        )
        return kwargs

    def get_initial(self):
        return {"chosen_on": clock.today()}

    def save(self, data):
        return services.quarter_star_choose(
            acting_user=self.request.user, campaign=self.campaign, data=data, request=self.request
        )

    def success_url_for(self, obj) -> str:
        return reverse("campaigns:quarter-star-list", args=[self.campaign.year])


# --- 四个够不够 discussions ------------------------------------------------------------


class DiscussionListView(CampaignMixin, ListView):
    template_name = "campaigns/discussion/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "discussions"

    def get_queryset(self):
        return selectors.discussion_list_for(user=self.request.user, campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            units=selectors.discussion_units(campaign=self.campaign),
            may_create=rules.may_create_unit_records(self.request.user, self.campaign),
        )
        return context


class DiscussionDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/discussion/detail.html"
    tab = "discussions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        discussion = selectors.discussion_get_for(
            user=self.request.user, campaign=self.campaign, pk=kwargs["pk"]
        )
        from .enums import FourQuestions

        labels = dict(FourQuestions.choices)
        context.update(
            discussion=discussion,
            participants=list(
                discussion.participants.select_related("unit").order_by("unit__order", "id")
            ),
            questions=[labels[q] for q in discussion.questions if q in labels],
        )
        return context


class DiscussionCreateView(CampaignMixin, ServiceFormMixin, FormView):
    list_url_name = "campaigns:discussion-list"
    form_class = DiscussionForm
    template_name = "campaigns/discussion/form.html"
    tab = "discussions"
    heading = "记录“四个够不够”学习大讨论"
    success_message = "大讨论已记录。"

    def get(self, request, *args, **kwargs):
        if not rules.may_create_unit_records(request.user, self.campaign):
            raise PermissionDenied("只有科室负责人或活动组织者可以记录大讨论。")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            units=selectors.item_units_for(user=self.request.user, campaign=self.campaign),
            people=selectors.office_people(),
        )
        return kwargs

    def save(self, data):
        return services.discussion_save(
            acting_user=self.request.user,
            campaign=self.campaign,
            data=data,
            participants=list(data["participants"]),
            upload=data.get("file"),
            request=self.request,
        )


class DiscussionFileView(CampaignMixin, View):
    def get(self, request, year: int, pk: int):
        discussion = selectors.discussion_get_for(user=request.user, campaign=self.campaign, pk=pk)
        if not discussion.file:
            raise Http404("未找到该文件。")
        return file_response(
            discussion.file, filename=discussion.original_name or "讨论纪要", inline=True
        )


# --- the monthly ranking -------------------------------------------------------------------------


def _month_or_default(campaign, month: int | None) -> int:
    today = clock.today()
    if month in campaign.months:
        return month
    published = selectors.latest_published_ranking(campaign)
    if published is not None:
        return published.month
    ended = [m for m in campaign.months if selectors.month_bounds(campaign.year, m)[1] < today]
    return ended[-1] if ended else campaign.months[0]


class RankingView(CampaignMixin, TemplateView):
    """A month's section ranking: table, chart, the rule, and the month-by-month trend."""

    template_name = "campaigns/ranking/month.html"
    tab = "ranking"

    def get(self, request, *args, **kwargs):
        if "month" not in kwargs:
            month = _month_or_default(self.campaign, None)
            return redirect("campaigns:ranking", year=self.campaign.year, month=month)
        if kwargs["month"] not in self.campaign.months:
            raise Http404("该月份不在实践活动期间。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month = kwargs["month"]
        view = selectors.ranking_view(user=user, campaign=self.campaign, month=month)
        stored = selectors.rankings_of(self.campaign)
        trend = selectors.ranking_trend(user=user, campaign=self.campaign)
        units = list(campaign_units())
        ranking = view["ranking"]
        may_compile = rules.may_compile_ranking(user, self.campaign)
        ended = selectors.month_bounds(self.campaign.year, month)[1] < clock.today()
        approval = ranking.approval if ranking else None
        may_decide = (
            approval is not None and workflow_rules.refusal_to_decide(user, approval) is None
        )
        context.update(
            month=month,
            view=view,
            lines=view["lines"],
            columns=COLUMNS,
            rule=RANKING_RULE,
            rule_base=RANKING_BASE,
            rule_text=ranking.rule_text
            if ranking and view["source"] != "live"
            else ranking_rule_text(),
            chart=charts.score_bars(view["lines"]) if view["lines"] else None,
            trend=charts.trend_lines(self.campaign.months, units, trend),
            months=[
                {
                    "month": m,
                    "state": stored[m].approval.state if m in stored else "",
                    "label": stored[m].approval.state_label if m in stored else "",
                }
                for m in self.campaign.months
            ],
            approval=approval,
            history=workflow_selectors.history(approval) if approval else [],
            may_compile=may_compile and ended and (approval is None or approval.is_editable),
            may_submit=(
                approval is not None
                and workflow_rules.refusal_to_submit(user, approval, ranking) is None
            ),
            decision_form=DecisionForm(approval=approval) if may_decide else None,
            ended=ended,
        )
        return context


class RankingCompileView(CampaignMixin, View):
    """POST: compute the month from the records and store it (the 牵头科室)."""

    http_method_names = ["post"]

    def post(self, request, year: int, month: int):
        try:
            ranking = services.ranking_compile(
                acting_user=request.user, campaign=self.campaign, month=month, request=request
            )
            if "submit" in request.POST:
                services.ranking_submit(acting_user=request.user, ranking=ranking, request=request)
                messages.success(request, f"{month}月排名已汇总并提交办领导确认。")
            else:
                messages.success(request, f"{month}月排名已汇总，核对无误后提交办领导确认。")
        except (ValidationError, TransitionRefused) as error:
            text = (
                error.message if isinstance(error, TransitionRefused) else "；".join(error.messages)
            )
            messages.error(request, text)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        return redirect("campaigns:ranking", year=year, month=month)


class RankingXlsxView(CampaignMixin, View):
    def get(self, request, year: int, month: int):
        if month not in self.campaign.months:
            raise Http404("该月份不在实践活动期间。")
        view = selectors.ranking_view(user=request.user, campaign=self.campaign, month=month)
        if view["source"] == "hidden":
            raise Http404("该月排名尚未公布。")
        return RankingExporter(campaign=self.campaign, month=month, view=view).response()


# --- personal yearly records ---------------------------------------------------------------------


class RecordListView(CampaignMixin, ListView):
    """The people whose records the user may open (the leadership: everyone)."""

    template_name = "campaigns/record/list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    tab = "records"

    def get(self, request, *args, **kwargs):
        if not rules.may_list_records(request.user):
            own = selectors.record_people_for(user=request.user, campaign=self.campaign).first()
            if own is None:
                raise Http404("未找到您的人员档案。")
            return redirect("campaigns:record", year=self.campaign.year, staff_pk=own.pk)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.record_people_for(user=self.request.user, campaign=self.campaign)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = selectors.record_people_for(user=self.request.user, campaign=self.campaign)
        context["record_units"] = Unit.objects.filter(pk__in=people.values("unit")).order_by(
            "order", "pk"
        )
        records = selectors.records_for(
            campaign=self.campaign, staff=context["object_list"], counts_only=True
        )
        columns = selectors.record_columns()
        for record in records:
            record.values = [record.counts.get(key, 0) for key, _header in columns]
        context.update(records=records, columns=columns)
        return context


class RecordDetailView(CampaignMixin, TemplateView):
    template_name = "campaigns/record/detail.html"
    tab = "records"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = selectors.record_get_for(
            user=self.request.user, campaign=self.campaign, staff_pk=kwargs["staff_pk"]
        )
        context.update(
            record=record,
            staff=record.staff,
            columns=[
                (header, record.counts.get(key, 0)) for key, header in selectors.record_columns()
            ],
        )
        return context


@method_decorator(handle_missing_fonts, name="get")
class RecordPdfView(CampaignMixin, View):
    def get(self, request, year: int, staff_pk: int):
        record = selectors.record_get_for(
            user=request.user, campaign=self.campaign, staff_pk=staff_pk
        )
        return RecordPdf(record).response()


class RecordsXlsxView(CampaignMixin, View):
    """One row per person the user may see the record of."""

    def get(self, request, year: int):
        people = selectors.record_people_for(user=request.user, campaign=self.campaign)
        return records_export(
            acting_user=request.user,
            campaign=self.campaign,
            staff=list(people),
            ip_address=client_ip(request),
        )


class RecordsPdfJobView(CampaignMixin, View):
    """Queue one PDF of the records of a whole unit (a page each) as a background job."""

    http_method_names = ["post"]

    def post(self, request, year: int):
        people = selectors.record_people_for(user=request.user, campaign=self.campaign)
        unit = Unit.objects.filter(pk__in=people.values("unit"), pk=request.POST.get("unit") or 0)
        unit = unit.first()
        if unit is None:
            raise Http404("未找到该单位的个人实践档案。")
        try:
            job = services.unit_records_pdf_request(
                acting_user=request.user, campaign=self.campaign, unit=unit, request=request
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("campaigns:record-list", year=self.campaign.year)
        return redirect(job.get_absolute_url())


# --- next year -----------------------------------------------------------------------------------


class CopyView(CampaignMixin, View):
    """The old “复制到下一年度” button: the new-year page, made from this year."""

    def get(self, request, *args, **kwargs):
        return redirect(reverse("campaigns:new-year") + f"?year={self.campaign.year + 1}")


class NewYearView(FormView):
    """Start a new year from last year's campaign: edit, preview everything, save at once."""

    form_class = NewYearForm
    template_name = "campaigns/campaign/new_year.html"

    def dispatch(self, request, *args, **kwargs):
        if not rules.is_office_staff(request.user):
            raise Http404("未找到页面。")
        self.year = _asked_year(request)
        self.source = selectors.campaign_previous(self.year)
        if self.year > selectors.working_year() + 1:
            raise Http404("只能建立本年度或下一年度的实践活动。")
        if self.source is None:
            raise Http404("没有可以作为模板的往年实践活动。")
        if not rules.may_start_year(request.user, self.source):
            raise PermissionDenied(
                f"{self.year}年度实践活动由{selectors.who_starts_year(self.year)}负责人"
                "或系统管理员建立。"
            )
        self.existing = selectors.Campaign.objects.filter(year=self.year).first()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(source=self.source, year=self.year)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        preview = services.campaign_preview(source=self.source, year=self.year)
        context.update(
            year=self.year,
            source=self.source,
            existing=self.existing,
            preview=preview,
            key_date_fields=[form[name] for name in form.key_date_names],
            cancel_url=self.source.get_absolute_url(),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            target, log = services.campaign_copy(
                acting_user=self.request.user,
                source=self.source,
                year=self.year,
                doc_number=data["doc_number"],
                name=data["name"],
                start=data["start"],
                end=data["end"],
                key_dates=form.key_dates(),
                request=self.request,
            )
        except ValidationError as error:
            form_add_errors(form, error)
            return self.form_invalid(form)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(self.request, f"已建立{target.year}年实践活动：" + "；".join(log) + "。")
        return redirect(target.get_absolute_url())


class CloseView(CampaignMixin, View):
    """Close a finished year: it stays readable, nobody writes into it any more."""

    writes = False

    def post(self, request, *args, **kwargs):
        try:
            services.campaign_close(
                acting_user=request.user, campaign=self.campaign, request=request
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, f"{self.campaign.year}年度工作已结束，此后只读。")
        return redirect("campaigns:overview", year=self.campaign.year)
