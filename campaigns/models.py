"""The campaign: a year of practice activity with its key tasks and key dates."""

from __future__ import annotations

from django.db import models

from qpdo.org.models import Unit


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
    text = models.TextField("实施意见", blank=True)

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

    def natural_key(self) -> tuple[int]:
        return (self.year,)


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
