"""The 国动小讲堂 series: slots of the 工作分工表 and the topics sections put forward."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from campaigns.models import Campaign
from qpdo.org.models import Staff, Unit
from qpdo.workflow.models import ApprovalSubject

from .enums import SpeakerPart


class Slot(models.Model):
    """One row of 附表1: a unit's lecture in a month (选题 个人自定, 人员 科室推荐)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="lecture_slots"
    )
    number = models.PositiveSmallIntegerField("序号")
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="lecture_slots"
    )
    month = models.PositiveSmallIntegerField("月份")
    topic_rule = models.CharField("选题", max_length=20, default="个人自定")
    people_rule = models.CharField("人员", max_length=20, default="科室推荐")
    is_cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "讲堂场次"
        verbose_name_plural = "讲堂场次"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="lectures_slot_number"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="lectures_slot_month_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.display_name} {self.month}月"


class Topic(ApprovalSubject):
    """A topic (选题) and its speaker, put forward by a section (科室推荐)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="lecture_topics"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="推荐科室", on_delete=models.PROTECT, related_name="lecture_topics"
    )
    title = models.CharField("选题名称", max_length=100)
    speaker = models.ForeignKey(
        Staff, verbose_name="主讲人", on_delete=models.PROTECT, related_name="lecture_topics"
    )
    event = models.CharField(
        "讲述事件", max_length=200, help_text="近五年来本人在本职工作中办成的一件事。"
    )
    event_date = models.DateField("事件时间", help_text="事件发生或完成的时间。")
    speaker_part = models.CharField(
        "主讲人在事件中的角色", max_length=20, choices=SpeakerPart.choices
    )
    summary = models.TextField(
        "选题简介",
        max_length=1000,
        help_text="简要说明事件经过，以及如何体现“讲政治、爱国防、精业务、干成事”。",
    )
    preferred_slot = models.ForeignKey(
        Slot,
        verbose_name="意向场次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "讲堂选题"
        verbose_name_plural = "讲堂选题"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lectures:topic-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return f"{self.title}（{self.speaker.name}）"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        return [
            ("选题名称", self.title),
            ("推荐科室", self.unit.name),
            (
                "主讲人",
                f"{self.speaker.name}（{self.speaker.position}）"
                if self.speaker.position
                else self.speaker.name,
            ),
            ("讲述事件", self.event),
            ("事件时间", f"{self.event_date.year}年{self.event_date.month}月"),
            ("本人角色", self.get_speaker_part_display()),
            ("选题简介", self.summary),
            ("意向场次", str(self.preferred_slot) if self.preferred_slot else "未指定"),
        ]
