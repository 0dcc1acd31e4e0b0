"""The approval record of every subject, its immutable opinions, and the messages it sends."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qpdo.org.models import Unit

from .chains import Chain, Step, get_chain
from .enums import DECISIONS, EDITABLE_STATES, Action, State


class Approval(models.Model):
    """Where one subject stands in its chain. Only `qpdo.workflow.services` writes it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    chain_code = models.CharField("审批流程", max_length=40, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="approvals"
    )
    title = models.CharField("事项", max_length=200)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    step_index = models.PositiveSmallIntegerField("当前环节序号", null=True, blank=True)
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    version = models.PositiveIntegerField("版本", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    step_entered_at = models.DateTimeField("进入当前环节时间", null=True, blank=True)
    due_on = models.DateField("当前环节期限", null=True, blank=True)
    submit_due_on = models.DateField(
        "报送期限", null=True, blank=True, help_text="草稿或退回修改的事项应在此日前提交。"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="转办给",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "审批事项"
        verbose_name_plural = "审批事项"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="workflow_approval_one_per_subject"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=State.IN_REVIEW, step_index__isnull=False)
                    | (~Q(state=State.IN_REVIEW) & Q(step_index__isnull=True))
                ),
                name="workflow_approval_step_only_in_review",
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(state__in=[State.APPROVED, State.REJECTED])
                    | Q(decided_at__isnull=False, submitter__isnull=False)
                ),
                name="workflow_approval_final_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "chain_code", "step_index"])]

    def __str__(self) -> str:
        return self.title

    @property
    def chain(self) -> Chain:
        return get_chain(self.chain_code)

    @property
    def step(self) -> Step | None:
        return self.chain.step(self.step_index)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_late(self) -> bool:
        """Return whether it was handed in after its submission deadline (逾期报送).

        The office accepts a late submission and decides what follows; the mark only tells.
        """
        if self.submitted_at is None or self.submit_due_on is None:
            return False
        return timezone.localtime(self.submitted_at).date() > self.submit_due_on

    @property
    def state_label(self) -> str:
        step = self.step
        if self.state == State.IN_REVIEW and step is not None:
            return f"审核中（{step.label}）"
        return self.get_state_display()


class OpinionQuerySet(models.QuerySet["Opinion"]):
    def update(self, **kwargs):
        raise PermissionError("审批意见不可修改。")

    def delete(self):
        raise PermissionError("审批意见不可删除。")


class Opinion(models.Model):
    """One row of the 流转记录: a submission, a decision with its opinion, a transfer, a copy.

    Written once by the engine, never changed or deleted. The actor's name, unit and position
    are kept as they were at that moment, for printing.
    """

    approval = models.ForeignKey(
        Approval, verbose_name="审批事项", on_delete=models.PROTECT, related_name="opinions"
    )
    round = models.PositiveSmallIntegerField("提交轮次")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    action_label = models.CharField(
        "操作名称", max_length=20, blank=True, help_text="按该环节的说法记录，例如“采用”。"
    )
    step_index = models.PositiveSmallIntegerField("环节序号", null=True, blank=True)
    step_code = models.CharField("环节代码", max_length=40)
    step_label = models.CharField("环节", max_length=40)
    text = models.TextField("意见", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签署人", on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("签署人姓名", max_length=60)
    actor_unit_name = models.CharField("签署人单位", max_length=60, blank=True)
    actor_position = models.CharField("签署人职务", max_length=60, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_name = models.CharField("对象姓名", max_length=60, blank=True)
    return_to_step = models.PositiveSmallIntegerField("退回至环节", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = "审批意见"
        verbose_name_plural = "审批意见（流转记录）"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(actor_name=""), name="workflow_opinion_has_signer_name"
            ),
            models.CheckConstraint(
                condition=~Q(action__in=[a.value for a in DECISIONS])
                | (Q(step_index__isnull=False) & ~Q(step_code="")),
                name="workflow_opinion_decision_has_step",
            ),
        ]
        indexes = [
            models.Index(fields=["actor", "action"]),
            # 已办: a reviewer's decisions, latest first (a page reads 20 entries of it).
            models.Index(
                fields=["actor", "-at", "-id"],
                condition=Q(action__in=[a.value for a in DECISIONS]),
                name="workflow_opinion_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step_label} {self.label} {self.actor_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审批意见不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审批意见不可删除。")

    @property
    def label(self) -> str:
        return self.action_label or self.get_action_display()

    @property
    def is_decision(self) -> bool:
        return self.action in {a.value for a in DECISIONS}


class Countersign(models.Model):
    """A person who must sign a 会签 step in a given round."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="countersigns")
    round = models.PositiveSmallIntegerField()
    step_index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "会签人"
        verbose_name_plural = "会签人"
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "round", "step_index", "user"], name="workflow_countersign_once"
            ),
        ]

    def __str__(self) -> str:
        return f"会签 {self.user_id}（第 {self.round} 轮）"


class CarbonCopy(models.Model):
    """An approver copied the subject to someone for information (抄送)."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="copies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抄送"
        verbose_name_plural = "抄送"
        constraints = [
            models.UniqueConstraint(fields=["approval", "user"], name="workflow_cc_once"),
        ]

    def __str__(self) -> str:
        return f"抄送 {self.user_id}"


class Notification(models.Model):
    """An in-app message (站内消息)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="qpdo_notifications",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    approval = models.ForeignKey(
        Approval, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    is_task = models.BooleanField(
        "待办提醒", default=False, help_text="请接收人办理的消息；事项办理后自动标为已处理。"
    )

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A 催办 sent for an overdue step: at most one per item, step and day."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="reminders")
    round = models.PositiveSmallIntegerField()
    step_index = models.PositiveSmallIntegerField()
    day = models.DateField()
    sent_to = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "round", "step_index", "day"],
                name="workflow_reminder_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"催办 {self.day:%Y-%m-%d}"


class ApprovalSubject(models.Model):
    """Mixin for a model approved through a declared chain.

    Subclasses implement `get_workflow_unit()` and may override `get_workflow_year()`,
    `get_workflow_summary()`, `workflow_extra_submitters()` and `workflow_check_submittable()`.
    """

    approval = models.OneToOneField(
        Approval, verbose_name="审批", on_delete=models.PROTECT, related_name="+", editable=False
    )

    workflow_chain_code: str = ""

    class Meta:
        abstract = True

    def get_workflow_unit(self) -> Unit:
        raise NotImplementedError

    def get_workflow_year(self) -> int | None:
        return None

    def get_workflow_key_date(self, code: str):
        """Return the stored key date `code` of the subject's year (a step's due_key), or None."""
        return None

    def get_workflow_title(self) -> str:
        return str(self)

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        """Return (label, value) rows that describe the subject on the 审批单."""
        return [("事项", str(self))]

    def workflow_extra_submitters(self) -> set[int]:
        """Return ids of users who may submit besides the chain's submitter roles."""
        return set()

    def workflow_check_submittable(self) -> None:
        """Raise django.core.exceptions.ValidationError when the subject is incomplete."""

    def get_workflow_submit_due(self):
        """Return the day the subject is due to be (re)submitted, or None (shown in 待办)."""
        return None

    def workflow_after_move(self, approval, action, acting_user) -> None:
        """React to a move just saved, inside the transition's transaction (a failure here
        undoes the move): e.g. a granted request creates what it asked for."""

    @property
    def workflow_state(self) -> str:
        return self.approval.state

    @property
    def is_editable(self) -> bool:
        return self.approval.is_editable


class CommonOpinion(models.Model):
    """A phrase approvers pick for a step's opinion (常用意见), kept by the 系统管理员."""

    chain_code = models.CharField("审批流程", max_length=40)
    step_code = models.CharField("环节", max_length=40)
    text = models.CharField("意见", max_length=300)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "常用意见"
        verbose_name_plural = "常用意见"
        ordering = ["chain_code", "step_code", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_code", "step_code", "text"], name="workflow_common_opinion_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text
