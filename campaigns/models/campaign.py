"""The campaign: a year of practice activity with its key tasks and key dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from qpdo.documents.uploads import FileValidator
from qpdo.org.models import Unit

from ..enums import EVIDENCE_KINDS, MINUTES_KINDS

EVIDENCE_VALIDATOR = FileValidator(*EVIDENCE_KINDS)
MINUTES_VALIDATOR = FileValidator(*MINUTES_KINDS)


class CampaignManager(models.Manager["Campaign"]):
    def get_by_natural_key(self, year: int) -> Campaign:
        return self.get(year=year)


class Campaign(models.Model):
    """One year's 实践活动, e.g. 青国动〔2024〕7号."""

    name = models.CharField("活动名称", max_length=100)
    doc_number = models.CharField("文号", max_length=40)
    year = models.PositiveSmallIntegerField("年度", unique=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    issued_on = models.DateField("印发日期", null=True, blank=True)
    organiser = models.ForeignKey(
        Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    coordinator_unit = models.ForeignKey(
        Unit,
        verbose_name="牵头科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="负责活动日常统筹：建立工作清单、汇总每月排名并报办领导确认。",
    )
    text = models.TextField("实施意见", blank=True)
    closed_at = models.DateTimeField(
        "结束时间", null=True, blank=True, editable=False, help_text="年度工作结束后只读。"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CampaignManager()

    class Meta:
        verbose_name = "实践活动"
        verbose_name_plural = "实践活动"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="campaigns_campaign_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:overview", args=[self.year])

    def natural_key(self) -> tuple[int]:
        return (self.year,)

    @property
    def is_closed(self) -> bool:
        """A closed year is history: it is read, never written."""
        return self.closed_at is not None

    @property
    def months(self) -> list[int]:
        """Return the months of the campaign year that the campaign runs in (3 … 12)."""
        first = self.start.month if self.start.year == self.year else 1
        last = self.end.month if self.end.year == self.year else 12
        return list(range(first, last + 1))


class KeyTask(models.Model):
    """One of the campaign's 重点任务 (加强思想发动 …)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.CASCADE, related_name="key_tasks"
    )
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务名称", max_length=40)
    description = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="campaigns_keytask_order"),
        ]

    def __str__(self) -> str:
        return self.title


class Programme(models.TextChoices):
    CAMPAIGN = "campaign", "实践活动"
    LECTURES = "lectures", "国动小讲堂"
    STARS = "stars", "岗位之星"
    OUTREACH = "outreach", "宣传教育“六进”"


class KeyDate(models.Model):
    """A date of the year that people must see coming (a deadline or an observance)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.CASCADE, related_name="key_dates"
    )
    code = models.SlugField("代码", max_length=40)
    date = models.DateField("日期")
    title = models.CharField("事项", max_length=80)
    programme = models.CharField("所属工作", max_length=20, choices=Programme.choices)
    is_deadline = models.BooleanField("截止节点", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "关键节点"
        verbose_name_plural = "关键节点"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaigns_keydate_code"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"
