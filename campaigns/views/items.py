"""Pages of the lists: work items, progress reports, evidence, 回头看."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from qpdo.documents.uploads import file_response
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.caching import CachedCountPaginator
from qpdo.org.selectors import campaign_units
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import selectors as workflow_selectors
from qpdo.workflow.forms import DecisionForm
from qpdo.workflow.mixins import SubjectFormMixin, form_add_errors

from .. import rules, selectors, services
from ..enums import ItemKind, ItemStatus
from ..forms import MilestoneFormSet, RecheckForm, ReportForm, WorkItemForm, milestone_initial
from ..models import Milestone
from .base import PAGE_SIZE, CampaignMixin, ServiceFormMixin
from .sheets import sheet_form_for

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
        if rules.may_print_sheets(self.request.user, self.campaign):
            context["sheet_form"] = sheet_form_for(
                self.request.user, self.campaign, kind=self.filters["kind"]
            )
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
        messages.success(request, "清单事项已保存。")
        return redirect(item.get_absolute_url())


class ItemCreateView(ItemFormView):
    def get(self, request, *args, **kwargs):
        if not rules.may_create_items(request.user, self.campaign):
            raise Refused("只有办领导、牵头科室和各科室负责人可以建立清单事项。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ItemKind.values else {}

    def save(self, data, milestones):
        return services.item_create(
            acting_user=self.request.user,
            campaign=self.campaign,
            **{k: data.get(k) for k in services.ITEM_FIELDS},
            milestones=milestones,
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
            raise Refused("只能修改本科室的清单事项。")

    def get_initial(self):
        if self.item is None:
            return {}
        return {field: getattr(self.item, field) for field in services.ITEM_FIELDS}

    def save(self, data, milestones):
        return services.item_update(
            acting_user=self.request.user,
            item=self.item,
            **{k: data.get(k) for k in services.ITEM_FIELDS},
            milestones=milestones,
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


class ReportFormView(CampaignMixin, SubjectFormMixin, FormView):
    submitted_message = "报告已提交，等待组织单位核验。"
    saved_message = "报告草稿已保存，可稍后继续填写并提交。"
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
        return self.save_then_submit(
            form,
            lambda: services.report_save(
                acting_user=self.request.user,
                item=self.item,
                report=self.report,
                **{k: data.get(k) for k in services.REPORT_FIELDS},
                files=data["files"],
                remove=remove,
            ),
            self.form_invalid,
        )

    def submit(self, report) -> None:
        services.report_submit(acting_user=self.request.user, report=report)


class ReportCreateView(ReportFormView):
    def load(self):
        self.item = selectors.item_get_for(
            user=self.request.user, campaign=self.campaign, pk=self.kwargs["pk"]
        )
        if not rules.may_write_report(self.request.user, self.item):
            raise Refused("只有责任单位的科室负责人或责任人可以填写进展报告。")

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
            raise Refused("该报告已提交或您不能修改。")

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
                raise Refused("只有责任人、责任单位负责人或活动组织者可以填写回头看。")
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
            acting_user=self.request.user,
            item=item,
            **{k: data.get(k) for k in services.RECHECK_FIELDS},
        )
        return item
