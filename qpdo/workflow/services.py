"""The approval engine's writes. `approval_transition` performs every state change.

It checks the actor on the server (role, unit scope, expected step), writes the opinion and the
new state in one transaction under a row lock, writes an audit record, and sends notifications
after commit. Two clicks at once make exactly one transition: the second sees the new step and
is refused with a message.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.caching import bump_data_version
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction
from qpdo.org.scoping import display_name, user_staff, users_with_role

from . import rules
from .chains import Step, get_chain
from .enums import Action, Mode, Scope, State
from .models import (
    Approval,
    ApprovalSubject,
    CarbonCopy,
    Countersign,
    Notification,
    Opinion,
    Reminder,
)
from .tasks import send_notification_mail

logger = logging.getLogger("qpdo.workflow")


# Messages that ask their recipient to act on an item; they are handled once it moves on.
TASK_TITLE_PREFIXES = ("待审批：", "转办待审批：", "退回重新审批：", "催办：", "退回修改：")


class TransitionRefused(Refused):
    """The move is not allowed; `message` says why, in Chinese, for the person who tried."""


@dataclass
class _Outcome:
    notify_users: list
    notify_title: str
    notify_submitter: bool = False


def subject_create(subject: ApprovalSubject, *, acting_user: User) -> ApprovalSubject:
    """Save a new subject together with its draft approval record, audited."""
    chain = get_chain(subject.workflow_chain_code)
    with transaction.atomic():
        approval = Approval.objects.create(
            content_type=ContentType.objects.get_for_model(type(subject)),
            object_id=0,
            chain_code=chain.code,
            unit=subject.get_workflow_unit(),
            title=subject.get_workflow_title()[:200],
            created_by=acting_user,
            created_at=clock.now(),
        )
        subject.approval = approval
        subject.save()
        approval.object_id = subject.pk
        approval.title = subject.get_workflow_title()[:200]
        approval.submit_due_on = subject.get_workflow_submit_due()
        approval.save(update_fields=["object_id", "title", "submit_due_on"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=subject,
            detail=f"{chain.label}：新建草稿（{approval.title}）",
        )
    return subject


def subject_delete_draft(subject: ApprovalSubject, *, acting_user: User) -> None:
    """Delete a subject that was never submitted, together with its draft approval record.

    Anything that was ever submitted keeps its record (and its opinions) for good. The caller
    decides who may delete; this only refuses what must never be deleted.
    """
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=subject.approval_id)
        if approval.state != State.DRAFT or approval.round != 0 or approval.opinions.exists():
            raise TransitionRefused("只能删除从未提交过的草稿；提交过的事项须保留其流转记录。")
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=subject,
            detail=f"删除草稿：{approval.title}",
        )
        subject.delete()
        approval.delete()


def subject_refresh_title(subject: ApprovalSubject) -> None:
    """Keep the inbox title and unit in step with an edited (still editable) subject."""
    Approval.objects.filter(pk=subject.approval_id).update(
        title=subject.get_workflow_title()[:200],
        unit=subject.get_workflow_unit(),
        submit_due_on=subject.get_workflow_submit_due(),
    )
    bump_data_version()


def ensure_editable(subject: ApprovalSubject) -> None:
    """Refuse to change a subject that has been submitted and not returned."""
    approval = Approval.objects.get(pk=subject.approval_id)
    if not approval.is_editable:
        raise TransitionRefused(f"该事项当前为“{approval.state_label}”，已提交的内容不能修改。")


def _due_on(step: Step, approval: Approval, subject, now) -> datetime.date | None:
    year = subject.get_workflow_year() if subject is not None else None
    stored = None
    if step.due_key and subject is not None:
        stored = subject.get_workflow_key_date(step.due_key)
    return step.due_date(entered=timezone.localtime(now).date(), year=year, stored=stored)


def step_actors(approval: Approval) -> list:
    """Return the users who may decide the approval's current step."""
    step = approval.step
    if step is None:
        return []
    user_model = get_user_model()
    if approval.assignee_id:
        return list(user_model.objects.filter(pk=approval.assignee_id, is_active=True))
    if step.mode == Mode.ALL:
        return list(
            user_model.objects.filter(
                pk__in=Countersign.objects.filter(
                    approval=approval,
                    round=approval.round,
                    step_index=approval.step_index,
                    signed_at__isnull=True,
                ).values("user")
            )
        )
    return step_holders(approval, step)


def step_holders(approval: Approval, step: Step) -> list:
    """Return the active users holding the step's role within its scope (less the submitter)."""
    users = users_with_role(
        step.role,
        unit=approval.unit if step.scope == Scope.SUBJECT_UNIT else None,
        unit_code=step.unit_code if step.scope == Scope.FIXED_UNIT else None,
    )
    if not step.allow_submitter and approval.submitter_id:
        users = users.exclude(pk=approval.submitter_id)
    return list(users)


def _enter_step(approval: Approval, index: int, subject, now) -> None:
    step = approval.chain.steps[index]
    approval.state = State.IN_REVIEW
    approval.step_index = index
    approval.step_entered_at = now
    approval.assignee = None
    approval.due_on = _due_on(step, approval, subject, now)
    if step.mode == Mode.ALL:
        Countersign.objects.filter(
            approval=approval, round=approval.round, step_index=index
        ).delete()
        Countersign.objects.bulk_create(
            Countersign(approval=approval, round=approval.round, step_index=index, user=u)
            for u in step_holders(approval, step)
        )


def _leave_review(approval: Approval, state: State, now) -> None:
    approval.state = state
    approval.step_index = None
    approval.step_entered_at = None
    approval.due_on = None
    approval.assignee = None
    if state in (State.APPROVED, State.REJECTED):
        approval.decided_at = now


def _opinion(
    approval: Approval,
    *,
    action: Action,
    actor,
    text: str = "",
    step_index=None,
    step_code: str = "",
    step_label: str = "",
    target=None,
    return_to=None,
    now=None,
):
    staff = user_staff(actor)
    step = approval.chain.step(step_index) if step_index is not None else None
    return Opinion.objects.create(
        approval=approval,
        round=approval.round,
        action=action,
        action_label=step.label_of(action) if step is not None else Action(action).label,
        step_index=step_index,
        step_code=step_code,
        step_label=step_label,
        text=text.strip(),
        actor=actor,
        actor_name=display_name(actor),
        actor_unit_name=staff.unit.name if staff else "",
        actor_position=staff.position if staff else "",
        target_user=target,
        target_name=display_name(target) if target else "",
        return_to_step=return_to,
        at=now or clock.now(),
    )


def _save(approval: Approval, expected_version: int) -> None:
    """Write the approval only if nobody changed it since it was read (compare and swap)."""
    updated = Approval.objects.filter(pk=approval.pk, version=expected_version).update(
        version=F("version") + 1,
        state=approval.state,
        step_index=approval.step_index,
        round=approval.round,
        submitter_id=approval.submitter_id,
        submitted_at=approval.submitted_at,
        step_entered_at=approval.step_entered_at,
        due_on=approval.due_on,
        assignee_id=approval.assignee_id,
        decided_at=approval.decided_at,
        title=approval.title,
        unit_id=approval.unit_id,
        submit_due_on=approval.submit_due_on,
    )
    if updated != 1:
        raise TransitionRefused("该事项刚刚已被他人处理，请刷新后查看。")
    approval.version = expected_version + 1


def _subject_of(approval: Approval):
    model = approval.content_type.model_class()
    return model._default_manager.filter(pk=approval.object_id).first()


def approval_transition(
    *,
    approval: Approval,
    action: Action,
    acting_user: User,
    expected_step: str | None = None,
    opinion: str = "",
    return_to: int | None = None,
    to_user: User | None = None,
) -> Approval:
    """Perform one move on an approval; raise TransitionRefused with the reason if not allowed."""
    action = Action(action)
    try:
        with transaction.atomic():
            locked = Approval.objects.select_for_update().select_related("unit").get(pk=approval.pk)
            subject = _subject_of(locked)
            now = clock.now()
            before = (locked.state, locked.step_index, locked.round, locked.assignee_id)
            outcome = _apply(
                locked,
                subject,
                action,
                acting_user,
                expected_step,
                opinion,
                return_to,
                to_user,
                now,
            )
            if subject is not None and locked.is_editable:
                locked.submit_due_on = subject.get_workflow_submit_due()
            after = (locked.state, locked.step_index, locked.round, locked.assignee_id)
            _save(locked, locked.version)
            after_move = getattr(subject, "workflow_after_move", None)
            if after_move is not None:
                after_move(locked, action, acting_user)
            if action != Action.CC:
                _mark_tasks_handled(locked, acting_user, now, moved=before != after)
            audit_record(
                action=AuditAction.TRANSITION,
                actor=acting_user,
                target=subject or locked,
                detail=f"{locked.chain.label}：{action.label}"
                + (f"（{opinion.strip()[:200]}）" if opinion.strip() else "")
                + f" → {locked.state_label}",
            )
            transaction.on_commit(lambda: _notify(locked, outcome, acting_user, now))
            bump_data_version()  # 待办 badges and 工作台 panels of every user, in every worker
    except TransitionRefused as refused:
        audit_record(
            action=AuditAction.TRANSITION,
            actor=acting_user,
            target=approval,
            detail=f"{action.label} 被拒绝：{refused.message}",
            success=False,
        )
        raise
    except DatabaseError as error:
        # SQLite reports a concurrent writer as "database is locked".
        logger.warning("transition on approval %s failed: %s", approval.pk, error)
        raise TransitionRefused("该事项正被他人处理，请稍后刷新再试。") from error
    approval.refresh_from_db()
    return approval


def _mark_tasks_handled(approval: Approval, acting_user: User, now, *, moved: bool) -> None:
    """Mark the item's 待审批 messages handled: everyone's once it moved, else the actor's."""
    tasks = Notification.objects.filter(approval=approval, is_task=True, read_at__isnull=True)
    if not moved:
        tasks = tasks.filter(recipient=acting_user)
    tasks.update(read_at=now)


def _apply(approval, subject, action, user, expected_step, opinion, return_to, to_user, now):
    """Check and apply one move to the locked approval; return whom to notify."""
    chain = approval.chain
    if action == Action.SUBMIT:
        refusal = rules.refusal_to_submit(user, approval, subject)
        if refusal:
            raise TransitionRefused(refusal)
        try:
            subject.workflow_check_submittable()
        except ValidationError as error:
            raise TransitionRefused("；".join(error.messages)) from error
        approval.round += 1
        approval.submitter = user
        approval.submitted_at = now
        approval.decided_at = None
        approval.title = subject.get_workflow_title()[:200]
        approval.unit = subject.get_workflow_unit()
        _opinion(
            approval,
            action=Action.SUBMIT,
            actor=user,
            text=opinion,
            step_code="submit",
            step_label=chain.submit_label,
            now=now,
        )
        _enter_step(approval, 0, subject, now)
        return _Outcome(step_actors(approval), f"待审批：{approval.title}")

    if action == Action.WITHDRAW:
        refusal = rules.refusal_to_withdraw(user, approval)
        if refusal:
            raise TransitionRefused(refusal)
        _opinion(
            approval,
            action=Action.WITHDRAW,
            actor=user,
            text=opinion,
            step_index=approval.step_index,
            step_code=approval.step.code,
            step_label=approval.step.label,
            now=now,
        )
        _leave_review(approval, State.WITHDRAWN, now)
        return _Outcome([], "")

    refusal = rules.refusal_to_decide(user, approval, expected_step=expected_step)
    if refusal:
        raise TransitionRefused(refusal)
    step, index = approval.step, approval.step_index

    if action == Action.TRANSFER:
        refusal = rules.refusal_to_transfer(user, approval, to_user)
        if refusal:
            raise TransitionRefused(refusal)
        _opinion(
            approval,
            action=Action.TRANSFER,
            actor=user,
            text=opinion,
            step_index=index,
            step_code=step.code,
            step_label=step.label,
            target=to_user,
            now=now,
        )
        if step.mode == Mode.ALL:
            Countersign.objects.filter(
                approval=approval, round=approval.round, step_index=index, user=user
            ).delete()
            Countersign.objects.get_or_create(
                approval=approval, round=approval.round, step_index=index, user=to_user
            )
        else:
            approval.assignee = to_user
        return _Outcome([to_user], f"转办待审批：{approval.title}")

    if action == Action.CC:
        if to_user is None or not to_user.is_active:
            raise TransitionRefused("请选择抄送对象。")
        CarbonCopy.objects.get_or_create(approval=approval, user=to_user, defaults={"at": now})
        _opinion(
            approval,
            action=Action.CC,
            actor=user,
            text=opinion,
            step_index=index,
            step_code=step.code,
            step_label=step.label,
            target=to_user,
            now=now,
        )
        return _Outcome([to_user], f"抄送：{approval.title}")

    refusal = rules.refusal_of_decision(step, action, opinion, return_to, index)
    if refusal:
        raise TransitionRefused(refusal)
    _opinion(
        approval,
        action=action,
        actor=user,
        text=opinion,
        step_index=index,
        step_code=step.code,
        step_label=step.label,
        return_to=return_to,
        now=now,
    )

    if action == Action.APPROVE:
        if step.mode == Mode.ALL:
            Countersign.objects.filter(
                approval=approval, round=approval.round, step_index=index, user=user
            ).update(signed_at=now)
            if Countersign.objects.filter(
                approval=approval, round=approval.round, step_index=index, signed_at__isnull=True
            ).exists():
                return _Outcome([], "")
        if index + 1 < len(chain.steps):
            _enter_step(approval, index + 1, subject, now)
            return _Outcome(step_actors(approval), f"待审批：{approval.title}")
        _leave_review(approval, State.APPROVED, now)
        return _Outcome([], f"已通过：{approval.title}", notify_submitter=True)

    if action == Action.RETURN and return_to is not None:
        _enter_step(approval, return_to, subject, now)
        return _Outcome(
            step_actors(approval), f"退回重新审批：{approval.title}", notify_submitter=False
        )
    if action == Action.RETURN:
        _leave_review(approval, State.RETURNED, now)
        return _Outcome([], f"退回修改：{approval.title}", notify_submitter=True)
    _leave_review(approval, State.REJECTED, now)
    return _Outcome([], f"未通过：{approval.title}", notify_submitter=True)


def approval_url(approval: Approval) -> str:
    return reverse("workflow:approval-detail", args=[approval.pk])


def notify(
    users,
    *,
    title: str,
    body: str = "",
    url: str = "",
    approval=None,
    at=None,
    is_task: bool | None = None,
) -> None:
    """Send an in-app message and an e-mail to each user (e-mail failures are logged).

    A message that asks its recipient to act (待审批, 催办, 退回修改) is a task: the engine marks
    it handled when the item moves on, so the unread count shows only what still needs reading.
    """
    users = [u for u in users if u is not None and u.is_active]
    bump_data_version()  # bulk_create sends no signal: the unread counts change
    if is_task is None:
        is_task = approval is not None and title.startswith(TASK_TITLE_PREFIXES)
    Notification.objects.bulk_create(
        Notification(
            recipient=u,
            title=title[:200],
            body=body,
            url=url,
            approval=approval,
            created_at=at or clock.now(),
            is_task=is_task,
        )
        for u in users
    )
    for user in users:
        if not user.email:
            continue
        try:
            # A task, so a slow or hung mail server never holds up the request.
            send_notification_mail.enqueue(title, f"{body}\n\n{url}".strip(), [user.email])
        except Exception:  # the queue is down: the message stands, the mail is lost
            logger.exception("mail to %s could not be queued", user.email)


def _notify(approval: Approval, outcome: _Outcome, acting_user: User, at) -> None:
    recipients = [u for u in outcome.notify_users if u.pk != acting_user.pk]
    if outcome.notify_submitter and approval.submitter_id != acting_user.pk:
        recipients.append(get_user_model().objects.get(pk=approval.submitter_id))
    if not recipients:
        return
    last = approval.opinions.order_by("-at", "-id").first()
    body = ""
    if last is not None:
        body = f"{last.step_label}：{last.actor_name} {last.label}"
        if last.text:
            body += f"。意见：{last.text}"
    notify(
        recipients,
        title=outcome.notify_title,
        body=body,
        url=approval_url(approval),
        approval=approval,
        at=at,
    )


# Named entry points, so a grep for the move finds its callers.
def approval_submit(*, subject: ApprovalSubject, acting_user: User, opinion: str = "") -> Approval:
    return approval_transition(
        approval=subject.approval,
        action=Action.SUBMIT,
        acting_user=acting_user,
        opinion=opinion,
    )


def approval_withdraw(*, subject: ApprovalSubject, acting_user: User) -> Approval:
    return approval_transition(
        approval=subject.approval, action=Action.WITHDRAW, acting_user=acting_user
    )


def approval_decide(
    *,
    subject: ApprovalSubject,
    acting_user: User,
    decision: Action,
    opinion: str = "",
    expected_step: str | None = None,
    return_to: int | None = None,
) -> Approval:
    return approval_transition(
        approval=subject.approval,
        action=decision,
        acting_user=acting_user,
        opinion=opinion,
        expected_step=expected_step,
        return_to=return_to,
    )


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one or all of the user's messages read; return how many changed."""
    messages = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        messages = messages.filter(pk=pk)
    changed = messages.update(read_at=clock.now())
    if changed:
        bump_data_version()  # update() sends no signal: the unread counts change
    return changed


def reminders_send_overdue(*, today: datetime.date | None = None) -> int:
    """Send one 催办 per overdue waiting item per day; return how many items were reminded."""
    today = today or clock.today()
    sent = 0
    overdue = Approval.objects.filter(state=State.IN_REVIEW, due_on__lt=today)
    for approval in overdue.select_related("unit").iterator():
        actors = step_actors(approval)
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    approval=approval,
                    round=approval.round,
                    step_index=approval.step_index,
                    day=today,
                    sent_to=len(actors),
                )
                days = (today - approval.due_on).days
                body = (
                    f"“{approval.step.label}”已逾期 {days} 天（期限 "
                    f"{cn_date(approval.due_on)}），请尽快处理。"
                )
                transaction.on_commit(
                    lambda a=approval, users=actors, text=body: notify(
                        users,
                        title=f"催办：{a.title}",
                        body=text,
                        url=approval_url(a),
                        approval=a,
                    )
                )
        except IntegrityError:
            continue  # already reminded today (another run got there first)
        sent += 1
    return sent


def approval_sheet_print(*, approval: Approval, acting_user: User, fmt: str) -> None:
    """Write the audit record of a printed 审批单 (PDF or Word: one rule for both)."""
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        target=approval.subject or approval,
        detail=f"打印审批单（{'Word' if fmt == 'docx' else 'PDF'}）：{approval.title}"[:1000],
    )
