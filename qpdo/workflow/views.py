"""Pages of the approval engine: 待办, 已办, 我的申报, 抄送我的, one item, its 审批单, messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView, TemplateView

from qpdo.documents.pdf import handle_missing_fonts, pdf_response
from qpdo.documents.word import docx_response
from qpdo.org.caching import CachedCountPaginator

from . import rules, selectors, services
from .admin import decision_panel_context
from .enums import Action
from .forms import CopyForm, DecisionForm, TransferForm

PAGE_SIZE = 20


class ApprovalListView(ListView):
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    template_name = "workflow/approval_list.html"
    heading = ""
    empty_text = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for approval in context["object_list"]:
            approval.flag = selectors.flag_for(approval)
            approval.due = selectors.due_of(approval)
        context.update(heading=self.heading, empty_text=self.empty_text, list_kind=self.list_kind)
        return context


class InboxView(ApprovalListView):
    heading = "待办"
    empty_text = "目前没有等您处理的事项。"
    list_kind = "todo"

    def get_queryset(self):
        return selectors.todo_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        from .duties import duties_for

        return {**super().get_context_data(**kwargs), "duties": duties_for(self.request.user)}


class DoneView(ApprovalListView):
    heading = "已办"
    empty_text = "您还没有审批过事项。"
    list_kind = "done"

    def get_queryset(self):
        return selectors.done_for(user=self.request.user)


class MineView(ApprovalListView):
    heading = "我的申报"
    empty_text = "您还没有填报或提交过事项。"
    list_kind = "mine"

    def get_queryset(self):
        return selectors.mine_for(user=self.request.user)


class CopiedView(ListView):
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    template_name = "workflow/copied_list.html"

    def get_queryset(self):
        return selectors.copied_to(user=self.request.user)


def _transfer_candidates(user, approval):
    step = approval.step
    if step is None:
        return get_user_model().objects.none()
    ids = [u.pk for u in services.step_holders(approval, step) if u.pk != user.pk]
    return get_user_model().objects.filter(pk__in=ids).select_related("staff__unit")


def _copy_candidates(user):
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__isnull=False)
        .exclude(pk=user.pk)
        .select_related("staff__unit")
        .order_by("staff__unit__order", "staff__id")
    )


class ApprovalDetailView(TemplateView):
    """One subject's approval: what it is, where it stands, its 流转记录 and what I may do."""

    template_name = "workflow/approval_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        approval = selectors.approval_get_for(user=user, pk=self.kwargs["pk"])
        subject = approval.subject
        may_decide = rules.refusal_to_decide(user, approval) is None
        following = selectors.next_waiting_for(user=user, after=approval) if may_decide else None
        context.update(
            decision_panel_context(
                self.request,
                approval,
                form=kwargs.get("decision_form"),
                action_url=reverse("workflow:approval-act", args=[approval.pk, "decide"]),
            ),
            next_url=reverse("workflow:approval-detail", args=[following.pk]) if following else "",
        )
        context.update(
            approval=approval,
            subject=subject,
            summary=subject.get_workflow_summary() if subject else [],
            history=selectors.history(approval),
            flag=selectors.flag_for(approval),
            may_decide=may_decide,
            may_withdraw=rules.refusal_to_withdraw(user, approval) is None,
            may_submit=(
                subject is not None and rules.refusal_to_submit(user, approval, subject) is None
            ),
            transfer_form=(
                TransferForm(candidates=_transfer_candidates(user, approval))
                if may_decide
                else None
            ),
            copy_form=CopyForm(candidates=_copy_candidates(user)) if may_decide else None,
            admin_url=selectors.subject_admin_url(approval) if user.is_staff else "",
            return_reason=selectors.latest_return_reason(approval),
        )
        return context


def _back(request, approval) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("workflow:approval-detail", pk=approval.pk)


class ApprovalActView(View):
    """POST one move (submit, withdraw, decide, transfer, copy); every move goes to the engine."""

    http_method_names = ["post"]

    def post(self, request, pk: int, move: str):
        user = request.user
        approval = selectors.approval_get_for(user=user, pk=pk)
        try:
            if move == "submit":
                services.approval_transition(
                    approval=approval, action=Action.SUBMIT, acting_user=user
                )
                messages.success(request, "已提交。")
            elif move == "withdraw":
                services.approval_transition(
                    approval=approval, action=Action.WITHDRAW, acting_user=user
                )
                messages.success(request, "已撤回，可修改后重新提交。")
            elif move == "decide":
                return self._decide(request, approval)
            elif move in ("transfer", "cc"):
                form_class = TransferForm if move == "transfer" else CopyForm
                candidates = (
                    _transfer_candidates(user, approval)
                    if move == "transfer"
                    else _copy_candidates(user)
                )
                form = form_class(request.POST, candidates=candidates)
                if not form.is_valid():
                    messages.error(request, "请选择人员。")
                    return _back(request, approval)
                services.approval_transition(
                    approval=approval,
                    action=Action.TRANSFER if move == "transfer" else Action.CC,
                    acting_user=user,
                    to_user=form.cleaned_data["to_user"],
                    opinion=form.cleaned_data["opinion"],
                )
                messages.success(request, "已转办。" if move == "transfer" else "已抄送。")
            else:
                messages.error(request, "未知的操作。")
        except services.TransitionRefused as refused:
            messages.error(request, refused.message)
        return _back(request, approval)

    def _decide(self, request, approval):
        if approval.step is None:
            messages.error(request, f"该事项当前为“{approval.state_label}”，无需审批。")
            return _back(request, approval)
        form = DecisionForm(request.POST, approval=approval)
        if not form.is_valid():
            messages.error(request, "请选择审批决定并填写意见。")
            return _back(request, approval)
        step = approval.step
        try:
            services.approval_transition(
                approval=approval,
                action=Action(form.cleaned_data["decision"]),
                acting_user=request.user,
                opinion=form.cleaned_data["opinion"],
                expected_step=form.cleaned_data["expected_step"],
                return_to=form.cleaned_return_to(),
            )
        except services.TransitionRefused as refused:
            messages.error(request, refused.message)
            return _back(request, approval)
        done = f"已{step.label_of(Action(form.cleaned_data['decision']))}：{approval.title}"
        # In the portal the approver stays on the item (its new state and opinion in view);
        # the admin, where a day's queue is worked, goes straight on to the next one.
        messages.success(request, f"{done}。")
        return _back(request, approval)


@method_decorator(handle_missing_fonts, name="get")
class ApprovalPdfView(View):
    """The printable 审批单 of a subject, as PDF or (fmt="docx") as Word, scoped and audited
    alike."""

    fmt = "pdf"

    def get(self, request, pk: int):
        approval = selectors.approval_get_for(user=request.user, pk=pk)
        from .exports import ApprovalSheetExporter

        exporter = ApprovalSheetExporter(approval)
        if self.fmt == "docx":
            response = docx_response(exporter.render_docx(), filename=exporter.filename_for("docx"))
        else:
            response = pdf_response(exporter.render(), filename=exporter.filename, inline=True)
        services.approval_sheet_print(approval=approval, acting_user=request.user, fmt=self.fmt)
        return response


class NotificationListView(ListView):
    paginate_by = PAGE_SIZE
    paginator_class = CachedCountPaginator
    template_name = "workflow/notification_list.html"

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)


class NotificationReadView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int | None = None):
        note = None
        if pk is not None:
            note = selectors.notifications_for(user=request.user).filter(pk=pk).first()
            if note is None:
                raise Http404("未找到该消息。")  # someone else's message, like a missing one
        services.notification_mark_read(user=request.user, pk=pk)
        if note is not None and note.url:
            return HttpResponseRedirect(note.url)
        return redirect(reverse("workflow:notifications"))
