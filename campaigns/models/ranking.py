"""The monthly section ranking (每月曝光) and its stored rows."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qpdo.org.dates import cn_datetime
from qpdo.org.models import Unit
from qpdo.workflow.models import ApprovalSubject

from .campaign import Campaign

# --- the monthly section ranking (每月曝光) -------------------------------------------------


class MonthlyRanking(ApprovalSubject):
    """One month's ranking of the sections, compiled by the 牵头科室 and confirmed by the 办领导.

    The rows are computed and stored when compiled; they are what the leader confirms. Once
    confirmed the month is published to all staff and frozen: nothing recomputes it.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="rankings"
    )
    month = models.PositiveSmallIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rule_text = models.TextField("计分规则")
    compiled_at = models.DateTimeField("汇总时间")
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="汇总人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "每月排名"
        verbose_name_plural = "每月排名"
        ordering = ["campaign", "month"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "month"], name="campaigns_ranking_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="campaigns_ranking_month_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年{self.month}月各科室实践活动完成情况排名"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:ranking", args=[self.campaign.year, self.month])

    def get_workflow_unit(self) -> Unit:
        return self.campaign.coordinator_unit or self.campaign.organiser

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return str(self)

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        rows = list(self.rows.select_related("unit").order_by("rank", "unit__order"))
        lines = [
            f"第{row.rank}名 {row.unit.name}：{row.score}分（到期{row.items_due}、按期完成"
            f"{row.items_done}、逾期{row.items_overdue}、尚欠讲述人{row.speakers_owed}、讲述"
            f"{row.lectures_delivered}、申报{row.nominations_filed}、报送{row.reports_filed}）"
            for row in rows
        ]
        return [
            ("月份", f"{self.campaign.year}年{self.month}月"),
            ("排名", "\n".join(lines) or "（尚未汇总）"),
            ("计分规则", self.rule_text),
            ("汇总时间", cn_datetime(self.compiled_at)),
        ]

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from ..services import ranking_check_complete

        ranking_check_complete(self)


class RankingRow(models.Model):
    """One section's line of a month's ranking, as compiled."""

    ranking = models.ForeignKey(
        MonthlyRanking, verbose_name="每月排名", on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(Unit, verbose_name="科室", on_delete=models.PROTECT, related_name="+")
    items_due = models.PositiveIntegerField("到期事项", default=0)
    items_done = models.PositiveIntegerField("按期完成", default=0)
    items_overdue = models.PositiveIntegerField("逾期未完成", default=0)
    speakers_owed = models.PositiveIntegerField("尚欠讲述人", default=0)
    lectures_delivered = models.PositiveIntegerField("完成讲述", default=0)
    nominations_filed = models.PositiveIntegerField("申报表", default=0)
    reports_filed = models.PositiveIntegerField("报送材料", default=0)
    score = models.IntegerField("得分")
    rank = models.PositiveSmallIntegerField("名次")

    class Meta:
        verbose_name = "排名行"
        verbose_name_plural = "排名行"
        ordering = ["ranking", "rank", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "unit"], name="campaigns_ranking_row_unit"),
        ]

    def __str__(self) -> str:
        return f"第{self.rank}名 {self.unit}"
