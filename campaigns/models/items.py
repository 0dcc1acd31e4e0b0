"""The lists: work items with milestones, progress reports, evidence and 回头看 (整改)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qpdo.documents.uploads import upload_path
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.models import Staff, Unit
from qpdo.workflow.models import ApprovalSubject

from ..enums import ItemKind, RecheckOutcome, RectifyMode
from .campaign import EVIDENCE_VALIDATOR, Campaign, KeyTask

# --- the lists: work items with milestones, progress reports and 回头看 -----------------------


class WorkItem(models.Model):
    """A line of the campaign's lists: what is to be done, by which unit, by whom, by when.

    工作目标化、目标项目化、项目清单化、清单责任化、责任节点化: the key task is the goal, the item
    its project, the list its 清单, the unit and owner the 责任, the milestones the 节点. A
    rectification item (整改事项) also names the problem, 立行立改 or 长期整改, and the day of
    its 回头看. Whether it is done is read from its verified reports, never stored.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="work_items"
    )
    key_task = models.ForeignKey(
        KeyTask, verbose_name="重点任务", on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveSmallIntegerField("清单序号")
    kind = models.CharField("类别", max_length=20, choices=ItemKind.choices, default=ItemKind.TASK)
    title = models.CharField("事项名称", max_length=100)
    goal = models.TextField("工作目标", max_length=2000, blank=True)
    problem = models.TextField("存在问题", max_length=2000, blank=True)
    measures = models.TextField("工作措施", max_length=3000, blank=True)
    rectify_mode = models.CharField(
        "整改方式", max_length=20, choices=RectifyMode.choices, blank=True
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="campaign_items"
    )
    owner = models.ForeignKey(
        Staff, verbose_name="责任人", on_delete=models.PROTECT, related_name="campaign_items"
    )
    deadline = models.DateField("完成时限")
    recheck_on = models.DateField(
        "回头看日期", null=True, blank=True, help_text="整改销号后组织“回头看”的日期。"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="建立人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaigns_item_number"),
            models.CheckConstraint(
                condition=(
                    Q(kind=ItemKind.TASK, rectify_mode="", recheck_on__isnull=True)
                    | (Q(kind=ItemKind.RECTIFICATION) & ~Q(rectify_mode=""))
                ),
                name="campaigns_item_rectification_fields",
            ),
            models.CheckConstraint(
                condition=Q(recheck_on__isnull=True) | Q(recheck_on__gte=models.F("deadline")),
                name="campaigns_item_recheck_after_deadline",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit", "deadline"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:item-detail", args=[self.campaign.year, self.pk])

    @property
    def code(self) -> str:
        """Return the item's number as printed on the lists: 清单-07 or 整改-03."""
        prefix = "整改" if self.kind == ItemKind.RECTIFICATION else "清单"
        return f"{prefix}-{self.number:02d}"

    @property
    def is_rectification(self) -> bool:
        return self.kind == ItemKind.RECTIFICATION

    @property
    def done_label(self) -> str:
        return "销号" if self.is_rectification else "完成"


class Milestone(models.Model):
    """A dated 节点 of a work item; reached when a verified report says so."""

    item = models.ForeignKey(
        WorkItem, verbose_name="清单事项", on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("节点内容", max_length=100)
    due_on = models.DateField("节点日期")

    class Meta:
        verbose_name = "时间节点"
        verbose_name_plural = "时间节点"
        ordering = ["item", "due_on", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="campaigns_milestone_order"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on.month}月{self.due_on.day}日 {self.title}"


class ProgressReport(ApprovalSubject):
    """A progress report of the responsible unit with its evidence (工作痕迹).

    责任单位报告 → 组织单位核验. A final report (完成报告; for a rectification item 销号申请)
    marks the item done once verified; it needs at least one evidence file.
    """

    item = models.ForeignKey(
        WorkItem, verbose_name="清单事项", on_delete=models.PROTECT, related_name="reports"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name="达到节点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    is_final = models.BooleanField(
        "完成报告", default=False, help_text="事项已全部完成，申请核验后完成（整改事项即销号）。"
    )
    percent = models.PositiveSmallIntegerField(
        "完成进度（%）", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField("进展情况", max_length=3000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="campaigns_report_percent"
            ),
            models.CheckConstraint(
                condition=Q(is_final=False) | Q(percent=100), name="campaigns_report_final_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.kind_label}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:report-detail", args=[self.item.campaign.year, self.pk])

    @property
    def kind_label(self) -> str:
        if not self.is_final:
            return "进展报告"
        return "销号申请" if self.item.is_rectification else "完成报告"

    def get_workflow_unit(self) -> Unit:
        return self.item.unit

    def get_workflow_year(self) -> int:
        return self.item.campaign.year

    def get_workflow_title(self) -> str:
        return f"{self.item.code} {self.item.title}：{self.kind_label}"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        item = self.item
        rows = [
            ("清单事项", f"{item.code} {item.title}"),
            ("重点任务", item.key_task.title),
            ("责任单位", item.unit.name),
            ("责任人", item.owner.name),
            ("完成时限", cn_date(item.deadline)),
            ("报告类别", self.kind_label),
            ("完成进度", f"{self.percent}%"),
        ]
        if self.milestone_id:
            rows.append(("达到节点", str(self.milestone)))
        rows.append(("进展情况", self.text))
        names = [e.original_name for e in self.evidence.all()] if self.pk else []
        rows.append(("工作痕迹", "\n".join(names) or "（未上传）"))
        return rows

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from ..services import report_check_complete

        report_check_complete(self)


class Evidence(models.Model):
    """A file that shows the work was done (工作痕迹): a document, a sheet, slides or a photo."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        "文件",
        upload_to=upload_path("campaigns/evidence"),
        max_length=200,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text,
    )
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "工作痕迹"
        verbose_name_plural = "工作痕迹"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name


class Recheck(models.Model):
    """A 回头看 of a closed rectification item: was the result kept, or did the problem return?"""

    item = models.ForeignKey(
        WorkItem, verbose_name="整改事项", on_delete=models.PROTECT, related_name="rechecks"
    )
    checked_on = models.DateField("回头看日期")
    outcome = models.CharField("结论", max_length=20, choices=RecheckOutcome.choices)
    note = models.TextField("回头看情况", max_length=2000)
    follow_up = models.OneToOneField(
        WorkItem,
        verbose_name="再整改事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recheck_origin",
        editable=False,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    checked_by_name = models.CharField("填报人姓名", max_length=60)
    created_at = models.DateTimeField("填报时间", default=clock.now)

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["item", "checked_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=RecheckOutcome.CONSOLIDATED, follow_up__isnull=True)
                | Q(outcome=RecheckOutcome.RELAPSED, follow_up__isnull=False),
                name="campaigns_recheck_relapse_followed_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} 回头看（{self.get_outcome_display()}）"
