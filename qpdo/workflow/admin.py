"""Approval in the Django admin: the mixin every subject's ModelAdmin uses, and read-only records.

The mixin shows the state, the 流转记录 and an approval form on the change page; the form posts
to a view that calls the same transition function as the front end. Workflow fields are never
editable here, submitted subjects are read-only, and no admin action changes state.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse

from . import rules, selectors, services
from .enums import Action, State
from .forms import DecisionForm
from .models import Approval, Opinion


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
    title = "待办"
    parameter_name = "wf_mine"

    def lookups(self, request, model_admin):
        return [("1", "等我审批")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            waiting = Approval.objects.filter(rules.inbox_q(request.user)).values("pk")
            return queryset.filter(approval__in=waiting)
        return queryset


class ApprovalAdminMixin:
    """Add approval to a subject's ModelAdmin. Put it before admin.ModelAdmin in the bases."""

    change_form_template = "admin/workflow/change_form.html"
    workflow_list_filters = (AwaitingMeFilter, StateListFilter, StepListFilter)

    def workflow_chain(self):
        from .chains import get_chain

        return get_chain(self.model.workflow_chain_code)

    # Lists -------------------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("approval")

    def get_list_filter(self, request):
        return [*self.workflow_list_filters, *super().get_list_filter(request)]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "workflow_state"]

    @admin.display(description="审批状态", ordering="approval__state")
    def workflow_state(self, obj) -> str:
        return obj.approval.state_label

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # Change page --------------------------------------------------------------------------
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

    def has_change_permission(self, request, obj=None):
        # A submitted subject is shown read-only: nobody edits it until it is returned.
        if obj is not None and not obj.approval.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.approval.state != State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            approval = obj.approval
            may_decide = rules.refusal_to_decide(request.user, approval) is None
            extra_context.update(
                wf_approval=approval,
                wf_history=selectors.history(approval),
                wf_form=(
                    DecisionForm(approval=approval, form_id="workflow-decision-form")
                    if may_decide
                    else None
                ),
                wf_decide_url=reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_decide",
                    args=[obj.pk],
                ),
                wf_detail_url=reverse("workflow:approval-detail", args=[approval.pk]),
                wf_pdf_url=reverse("workflow:approval-pdf", args=[approval.pk]),
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
        change_url = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change",
            args=[obj.pk],
        )
        if request.method != "POST" or obj.approval.step is None:
            messages.error(request, "该事项当前无需审批。")
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
                request=request,
            )
        except services.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"已{step.label_of(decision)}：{obj}")
        return HttpResponseRedirect(change_url)


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
