"""Approval in the Django admin: the mixin every subject's ModelAdmin uses, and read-only records.

The mixin shows a submitted subject as its paper form, then the decision panel (the same form
and template as the portal's 审批单 page) and the 流转记录; after a decision it goes straight on
to the next item waiting for the approver. The changelist opens on 等我审批 for an approver, and
a step declared `batch=True` can be given 同意 for several items at once, each through the
engine. Workflow fields are never editable here and no admin action writes a state.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.models import Unit
from qpdo.org.scoping import display_name, has_role

from . import rules, selectors, services
from .chains import all_chains, get_chain
from .enums import Action, State
from .forms import DecisionForm
from .models import Approval, CommonOpinion, Opinion


class StateListFilter(admin.SimpleListFilter):
    title = "审批状态"
    parameter_name = "wf_state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(approval__state=self.value())
        return queryset


class StepListFilter(admin.SimpleListFilter):
    title = "所处环节"
    parameter_name = "wf_step"

    def lookups(self, request, model_admin):
        chain = model_admin.workflow_chain()
        return [(str(i), step.label) for i, step in enumerate(chain.steps)]

    def queryset(self, request, queryset):
        if self.value() is not None and self.value().isdigit():
            return queryset.filter(
                approval__state=State.IN_REVIEW, approval__step_index=int(self.value())
            )
        return queryset


class AwaitingMeFilter(admin.SimpleListFilter):
    title = "范围"
    parameter_name = "wf_mine"

    def lookups(self, request, model_admin):
        return [("1", "等我审批"), ("all", "全部事项")]

    def choices(self, changelist):
        # No separate “全部” link: 全部事项 is the explicit choice (the default is 等我审批).
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value
                or (value == "all" and self.value() in (None, "")),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "1":
            waiting = Approval.objects.filter(rules.inbox_q(request.user)).values("pk")
            return queryset.filter(approval__in=waiting)
        return queryset


class WorkflowUnitFilter(admin.SimpleListFilter):
    """Only the units that have items of this kind the user may see (not all 24)."""

    title = "单位"
    parameter_name = "wf_unit"

    def lookups(self, request, model_admin):
        visible = Approval.objects.filter(
            rules.visible_q(request.user), chain_code=model_admin.model.workflow_chain_code
        ).exclude(state=State.DRAFT)
        units = Unit.objects.filter(pk__in=visible.values("unit")).order_by("order", "pk")
        return [(str(u.pk), u.name) for u in units]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(approval__unit_id=int(self.value()))
        return queryset


def _is_unit_filter(entry) -> bool:
    name = entry[0] if isinstance(entry, (tuple, list)) else entry
    return isinstance(name, str) and (name == "unit" or name.endswith("__unit"))


def decision_panel_context(request, approval: Approval, *, form=None, action_url: str) -> dict:
    """Return what the shared decision panel (workflow/_decision_panel.html) shows."""
    user = request.user
    may_decide = rules.refusal_to_decide(user, approval) is None
    if may_decide and form is None:
        form = DecisionForm(approval=approval)
    return {
        "approval": approval,
        "flag": selectors.flag_for(approval),
        "decision_form": form if may_decide else None,
        "decision_url": action_url,
        "common_opinions": selectors.common_opinions_for(approval) if may_decide else [],
        "signer_name": display_name(user),
        "sign_date": clock.today(),
        "refusal": None if may_decide else rules.refusal_to_decide(user, approval),
    }


class WorkflowChangeList(ChangeList):
    """The changelist of a chain's subjects: the approval and its unit come in the one query."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).select_related("approval__unit")


class BatchApproveForm(forms.Form):
    opinion = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ApprovalAdminMixin:
    """Add approval to a subject's ModelAdmin. Put it before admin.ModelAdmin in the bases.

    A subclass may set `paper_template` (and override `paper_context`) to show the subject as
    its paper form above the decision panel; the default shows the subject's summary rows.
    """

    change_form_template = "admin/workflow/change_form.html"
    workflow_list_filters = (AwaitingMeFilter, StateListFilter, StepListFilter, WorkflowUnitFilter)
    paper_template = "admin/workflow/_paper_summary.html"
    list_display_links = ["workflow_item"]

    def workflow_chain(self):
        return get_chain(self.model.workflow_chain_code)

    def holds_a_step(self, user) -> bool:
        """Return whether the user decides some step of this chain (an approver of it)."""
        return any(has_role(user, step.role) for step in self.workflow_chain().steps)

    # Permissions --------------------------------------------------------------------------
    def has_view_permission(self, request, obj=None):
        # An approver of the chain opens its items here even without a model permission.
        if super().has_view_permission(request, obj):
            return True
        if obj is None:
            return self.holds_a_step(request.user)
        return rules.may_view(request.user, obj.approval)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.holds_a_step(request.user)

    def has_change_permission(self, request, obj=None):
        # A submitted subject is shown read-only: nobody edits it until it is returned.
        if obj is not None and not obj.approval.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.approval.state != State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    # Lists -------------------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("approval__unit")

    def get_changelist(self, request, **kwargs):
        return WorkflowChangeList

    def get_list_filter(self, request):
        own = [f for f in super().get_list_filter(request) if not _is_unit_filter(f)]
        return [*self.workflow_list_filters, *own]

    def get_list_display(self, request):
        return [
            "workflow_item",
            "workflow_unit",
            "workflow_step",
            "workflow_due",
            "workflow_submitted_at",
        ]

    def changelist_view(self, request, extra_context=None):
        # An approver's list opens on what waits for them; 全部事项 is one click away.
        if not request.GET and request.method == "GET" and self.holds_a_step(request.user):
            return HttpResponseRedirect(f"{request.path}?{AwaitingMeFilter.parameter_name}=1")
        return super().changelist_view(request, extra_context)

    @admin.display(description="事项", ordering="approval__title")
    def workflow_item(self, obj) -> str:
        return obj.approval.title or str(obj)

    @admin.display(description="单位", ordering="approval__unit__order")
    def workflow_unit(self, obj) -> str:
        return obj.approval.unit.name

    @admin.display(description="所处环节", ordering="approval__step_index")
    def workflow_step(self, obj) -> str:
        return obj.approval.state_label

    @admin.display(description="期限", ordering="approval__due_on")
    def workflow_due(self, obj):
        approval = obj.approval
        due = selectors.due_of(approval)
        if due is None:
            return "—"
        flag = selectors.flag_for(approval)
        return format_html(
            '<span class="wf-flag wf-flag-{}">{}</span> {}', flag.value, flag.label, due_cn(due)
        )

    @admin.display(description="提交时间", ordering="approval__submitted_at")
    def workflow_submitted_at(self, obj) -> str:
        at = obj.approval.submitted_at
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "未提交"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if self._batch_steps(request.user):
            actions["batch_approve"] = (
                type(self).batch_approve,
                "batch_approve",
                "批量同意所选事项",
            )
        return actions

    def _batch_steps(self, user) -> list[int]:
        return [
            index
            for index, step in enumerate(self.workflow_chain().steps)
            if step.batch and has_role(user, step.role)
        ]

    def batch_approve(self, request, queryset):
        """同意 with one opinion for the selected items, each through the engine (audited)."""
        items = list(queryset.select_related("approval"))
        chain = self.workflow_chain()
        steps = self._batch_steps(request.user)
        form = BatchApproveForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = [], []
            for item in items:
                approval = item.approval
                step = approval.step
                if approval.step_index not in steps:
                    label = step.label if step else approval.state_label
                    refused.append((item, f"“{label}”环节不能批量审批，请逐项办理。"))
                    continue
                try:
                    services.approval_transition(
                        approval=approval,
                        action=Action.APPROVE,
                        acting_user=request.user,
                        opinion=form.cleaned_data["opinion"],
                        expected_step=step.code,
                    )
                except services.TransitionRefused as error:
                    refused.append((item, error.message))
                else:
                    done.append(item)
            if done:
                messages.success(
                    request, f"已同意 {len(done)} 项：" + "；".join(str(i) for i in done)
                )
            for item, reason in refused:
                messages.error(request, f"未能同意“{item}”：{reason}")
            return None
        openings = [i.approval for i in items if i.approval.step_index in steps]
        common = []
        if openings:
            common = selectors.common_opinions_for(openings[0])
        context = {
            **self.admin_site.each_context(request),
            "title": f"批量同意：{chain.label}",
            "opts": self.model._meta,
            "items": items,
            "form": form,
            "common_opinions": common,
            "signer_name": display_name(request.user),
            "sign_date": clock.today(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/workflow/batch_approve.html", context)

    # Change page --------------------------------------------------------------------------
    def paper_context(self, request, obj) -> dict:
        """Return the context of `paper_template` for this subject."""
        return {"title": obj.approval.title or str(obj), "summary": obj.get_workflow_summary()}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.approval.is_editable:
            form_fields = [
                f.name
                for f in self.model._meta.get_fields()
                if getattr(f, "editable", False) and not f.auto_created
            ]
            fields += [f for f in form_fields if f not in fields]
        return fields

    def _url(self, name: str, *args) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            approval = obj.approval
            following = selectors.next_waiting_for(user=request.user, after=approval)
            extra_context.update(
                wf_approval=approval,
                wf_history=selectors.history(approval),
                wf_paper_template=self.paper_template,
                wf_paper=self.paper_context(request, obj),
                wf_panel=decision_panel_context(
                    request, approval, action_url=self._url("decide", obj.pk)
                ),
                wf_next_url=_open_url(following, request.user) if following else "",
                wf_detail_url=reverse("workflow:approval-detail", args=[approval.pk]),
                wf_pdf_url=reverse("workflow:approval-pdf", args=[approval.pk]),
                wf_changelist_url=self._url("changelist") + "?wf_mine=1",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{info[0]}_{info[1]}_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        """POST a decision from the change page; the engine checks and performs it."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("未找到该审批事项。")
        change_url = self._url("change", obj.pk)
        if request.method != "POST" or obj.approval.step is None:
            messages.error(request, f"该事项当前为“{obj.approval.state_label}”，无需审批。")
            return HttpResponseRedirect(change_url)
        form = DecisionForm(request.POST, approval=obj.approval)
        if not form.is_valid():
            messages.error(request, "请选择审批决定并填写意见。")
            return HttpResponseRedirect(change_url)
        decision = Action(form.cleaned_data["decision"])
        step = obj.approval.step
        try:
            services.approval_transition(
                approval=obj.approval,
                action=decision,
                acting_user=request.user,
                opinion=form.cleaned_data["opinion"],
                expected_step=form.cleaned_data["expected_step"],
                return_to=form.cleaned_return_to(),
            )
        except services.TransitionRefused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(change_url)
        return after_decision(
            request, obj.approval, f"已{step.label_of(decision)}：{obj.approval.title}"
        )


def _open_url(approval: Approval, user) -> str:
    """Return where the user acts on an approval: its admin page, else the portal's 审批单."""
    return selectors.subject_admin_url(approval, user) or reverse(
        "workflow:approval-detail", args=[approval.pk]
    )


def after_decision(request, approval: Approval, done: str):
    """Say what was done and go straight on to the next waiting item (or back to 我的待办)."""
    following = selectors.next_waiting_for(user=request.user, after=approval)
    if following is None:
        messages.success(request, f"{done}。待办已全部办完。")
        return HttpResponseRedirect(reverse("admin:index"))
    messages.success(request, f"{done}。下一条：{following.title}")
    return HttpResponseRedirect(_open_url(following, request.user))


due_cn = cn_date


class OpinionInline(admin.TabularInline):
    model = Opinion
    extra = 0
    can_delete = False
    fields = ["round", "step_label", "action", "text", "actor_name", "actor_unit_name", "at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """Every approval of every app, read-only (for the office-wide roles)."""

    list_display = ["title", "chain_label", "unit", "state", "step_label", "submitted_at", "due_on"]
    list_filter = ["state", "chain_code", "unit"]
    search_fields = ["title"]
    list_select_related = ["unit"]
    inlines = [OpinionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(rules.visible_q(request.user))

    @admin.display(description="类别")
    def chain_label(self, obj):
        return obj.chain.label

    @admin.display(description="所处环节")
    def step_label(self, obj):
        return obj.step.label if obj.step else "—"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommonOpinionForm(forms.ModelForm):
    step = forms.ChoiceField(label="审批环节")

    class Meta:
        model = CommonOpinion
        fields = ["step", "text", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [
            (f"{chain.code}|{step.code}", f"{chain.label} · {step.label}")
            for chain in all_chains()
            for step in chain.steps
        ]
        if self.instance.pk:
            self.initial["step"] = f"{self.instance.chain_code}|{self.instance.step_code}"

    def save(self, commit=True):
        chain_code, step_code = self.cleaned_data["step"].split("|", 1)
        self.instance.chain_code, self.instance.step_code = chain_code, step_code
        return super().save(commit)


@admin.register(CommonOpinion)
class CommonOpinionAdmin(admin.ModelAdmin):
    """The 常用意见 offered per step in the decision panel; kept by the 系统管理员."""

    form = CommonOpinionForm
    list_display = ["text", "step_label", "order"]
    search_fields = ["text"]

    @admin.display(description="审批环节", ordering="chain_code")
    def step_label(self, obj) -> str:
        try:
            chain = get_chain(obj.chain_code)
            return f"{chain.label} · {chain.steps[chain.index_of(obj.step_code)].label}"
        except KeyError:
            return f"{obj.chain_code} · {obj.step_code}"
