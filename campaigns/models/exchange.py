"""交流展示: 观摩、展示、经验交流、事迹介绍、研讨交流、案例汇报, and the stars' sharing session.

One record for every kind (campaigns.enums.ExchangeKind): when, which unit organised it, who
took part (each person with an optional 体会, text or file), the material shown and photos.
It feeds each participant's 个人实践档案 and, per section and month, the ranking's evidence.
The 岗位之星 交流展示 (kind STAR_SHARING) is recorded by the 机关党支部 from stars/ and shown
on the 风采展示 page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from qpdo.documents.uploads import IMAGE_KINDS, FileValidator, upload_path
from qpdo.org import clock
from qpdo.org.models import Staff, Unit

from ..enums import ExchangeKind
from .campaign import EVIDENCE_VALIDATOR, MINUTES_VALIDATOR, Campaign

PHOTO_VALIDATOR = FileValidator(*IMAGE_KINDS)


class Exchange(models.Model):
    """One 交流展示: kind, date, organising unit, people, material and photos."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="exchanges"
    )
    kind = models.CharField("类别", max_length=20, choices=ExchangeKind.choices)
    title = models.CharField("主题", max_length=100)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="组织科室", on_delete=models.PROTECT, related_name="campaign_exchanges"
    )
    summary = models.TextField("内容摘要", max_length=3000)
    people = models.ManyToManyField(
        Staff,
        verbose_name="参加人员",
        through="ExchangeParticipant",
        related_name="campaign_exchanges",
    )
    material = models.FileField(
        "交流材料",
        upload_to=upload_path("campaigns/exchanges"),
        max_length=200,
        blank=True,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text,
    )
    material_name = models.CharField("材料原文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "交流展示"
        verbose_name_plural = "交流展示"
        ordering = ["campaign", "-held_on", "-id"]
        indexes = [
            models.Index(fields=["campaign", "held_on"], name="campaigns_exchange_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:exchange-detail", args=[self.campaign.year, self.pk])

    @property
    def is_star_sharing(self) -> bool:
        return self.kind == ExchangeKind.STAR_SHARING


class ExchangeParticipant(models.Model):
    """A person of a 交流展示; a speaker may leave their 体会 as text or a file."""

    exchange = models.ForeignKey(
        Exchange, verbose_name="交流展示", on_delete=models.CASCADE, related_name="participants"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="人员", on_delete=models.PROTECT, related_name="exchange_parts"
    )
    reflection = models.TextField("交流体会", max_length=3000, blank=True)
    file = models.FileField(
        "体会材料",
        upload_to=upload_path("campaigns/exchanges"),
        max_length=200,
        blank=True,
        validators=[MINUTES_VALIDATOR],
        help_text=MINUTES_VALIDATOR.help_text,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "交流展示人员"
        verbose_name_plural = "交流展示人员"
        ordering = ["exchange", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "staff"], name="campaigns_exchange_once"),
        ]

    def __str__(self) -> str:
        return self.staff.name


class ExchangePhoto(models.Model):
    """A photo of a 交流展示, stored without EXIF/GPS (HEIC turned into JPEG), with a thumbnail."""

    exchange = models.ForeignKey(
        Exchange, verbose_name="交流展示", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField("照片", upload_to=upload_path("campaigns/photos"), max_length=200)
    thumbnail = models.FileField(
        "缩略图", upload_to=upload_path("campaigns/thumbs"), max_length=200
    )
    original_name = models.CharField("原文件名", max_length=200)
    order = models.PositiveSmallIntegerField("序号", default=0)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "交流展示照片"
        verbose_name_plural = "交流展示照片"
        ordering = ["exchange", "order", "id"]

    def __str__(self) -> str:
        return self.original_name
