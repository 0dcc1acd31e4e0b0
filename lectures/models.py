"""The 国动小讲堂 series: slots of the 工作分工表 and the topics sections put forward."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from campaigns.models import Campaign
from qpdo.documents.uploads import (
    AUDIO,
    IMAGE_KINDS,
    MP4,
    PDF,
    PPT,
    WORD,
    FileValidator,
    upload_path,
)
from qpdo.org.dates import cn_month
from qpdo.org.models import Staff, Unit
from qpdo.workflow.enums import State
from qpdo.workflow.models import ApprovalSubject

from .enums import MANUSCRIPT_PARTS, MAX_MINUTES, MIN_MINUTES, SpeakerPart

SLIDES_VALIDATOR = FileValidator(PPT, PDF)
MEDIA_VALIDATOR = FileValidator(AUDIO, MP4)
PHOTO_VALIDATOR = FileValidator(*IMAGE_KINDS)


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
            ("事件时间", cn_month(self.event_date)),
            ("本人角色", self.get_speaker_part_display()),
            ("选题简介", self.summary),
            ("意向场次", str(self.preferred_slot) if self.preferred_slot else "未指定"),
        ]


class Manuscript(ApprovalSubject):
    """The 讲述稿 of an approved topic; its text lives in versions, one per submission round."""

    topic = models.OneToOneField(
        Topic, verbose_name="选题", on_delete=models.PROTECT, related_name="manuscript"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "讲述稿"
        verbose_name_plural = "讲述稿"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"《{self.topic.title}》讲述稿"

    def get_absolute_url(self) -> str:
        return reverse("lectures:manuscript-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.topic.unit

    def get_workflow_year(self) -> int:
        return self.topic.campaign.year

    def get_workflow_title(self) -> str:
        return f"《{self.topic.title}》讲述稿（{self.topic.speaker.name}）"

    def workflow_extra_submitters(self) -> set[int]:
        return {self.topic.speaker.user_id} if self.topic.speaker.user_id else set()

    def latest_version(self) -> ManuscriptVersion | None:
        return self.versions.order_by("-number").first()

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from .services import manuscript_check_complete

        manuscript_check_complete(self)

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        version = self.latest_version()
        rows = [
            ("选题", self.topic.title),
            ("讲述人", self.topic.speaker.name),
            ("科室", self.topic.unit.name),
        ]
        if version is not None:
            rows += [
                ("版本", f"第 {version.number} 稿"),
                ("计划时长", f"{version.planned_minutes} 分钟"),
            ]
            rows += [(label, getattr(version, field)) for field, label in MANUSCRIPT_PARTS]
        return rows


class ManuscriptVersion(models.Model):
    """One version of a manuscript: the five parts of the outline, length and attachments.

    The version being written is changed in place; once submitted it is kept unchanged, and
    editing after a return starts the next version.
    """

    manuscript = models.ForeignKey(
        Manuscript, verbose_name="讲述稿", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("稿次")
    background = models.TextField("背景与思考", blank=True)
    goals = models.TextField("目标与任务", blank=True)
    planning = models.TextField("筹划与部署", blank=True)
    implementation = models.TextField("组织与实施", blank=True)
    results = models.TextField("成效与体会", blank=True)
    planned_minutes = models.PositiveSmallIntegerField(
        "计划讲述时长（分钟）",
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
        help_text=f"讲述时长为 {MIN_MINUTES}–{MAX_MINUTES} 分钟。",
    )
    slides = models.FileField(
        "演示文稿",
        upload_to=upload_path("lectures/slides"),
        blank=True,
        validators=[SLIDES_VALIDATOR],
        help_text=SLIDES_VALIDATOR.help_text,
    )
    slides_name = models.CharField("演示文稿文件名", max_length=200, blank=True)
    media = models.FileField(
        "音视频",
        upload_to=upload_path("lectures/media"),
        blank=True,
        validators=[MEDIA_VALIDATOR],
        help_text=MEDIA_VALIDATOR.help_text,
    )
    media_name = models.CharField("音视频文件名", max_length=200, blank=True)
    is_sealed = models.BooleanField("已提交（不可修改）", default=False, editable=False)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("修改时间")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰写人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "讲述稿版本"
        verbose_name_plural = "讲述稿版本"
        ordering = ["manuscript", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["manuscript", "number"], name="lectures_manuscript_version_number"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    planned_minutes__gte=MIN_MINUTES, planned_minutes__lte=MAX_MINUTES
                ),
                name="lectures_manuscript_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 稿"

    def parts(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, field)) for field, label in MANUSCRIPT_PARTS]


class Lecture(models.Model):
    """A topic placed in a slot: when and where it is told, then how it went."""

    slot = models.OneToOneField(
        Slot, verbose_name="场次", on_delete=models.PROTECT, related_name="lecture"
    )
    topic = models.OneToOneField(
        Topic, verbose_name="选题", on_delete=models.PROTECT, related_name="lecture"
    )
    starts_at = models.DateTimeField("开始时间")
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=30)
    place = models.CharField("地点", max_length=100)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("实际举办日期", null=True, blank=True)
    held_place = models.CharField("实际地点", max_length=100, blank=True)
    audience_count = models.PositiveIntegerField("听众人数", null=True, blank=True)
    notes = models.TextField("活动纪要", blank=True)
    promoted_district_on = models.DateField("全区业务系统宣传日期", null=True, blank=True)
    promoted_city_on = models.DateField("报市国动办推广日期", null=True, blank=True)

    class Meta:
        verbose_name = "讲堂活动"
        verbose_name_plural = "讲堂活动"
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.topic.title}（{self.slot}）"

    def get_absolute_url(self) -> str:
        return reverse("lectures:lecture-detail", args=[self.pk])

    @property
    def is_delivered(self) -> bool:
        return self.held_on is not None


class LecturePhoto(models.Model):
    lecture = models.ForeignKey(
        Lecture, verbose_name="讲堂活动", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to=upload_path("lectures/photos"))
    thumbnail = models.ImageField("缩略图", upload_to=upload_path("lectures/thumbs"))
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or f"照片 {self.pk}"


class SlotRequest(ApprovalSubject):
    """A section's request for a lecture slot beyond 附表1's eight: month and reason.

    The section head asks; 综合科 (小讲堂管理) grants or refuses through the engine. Granting
    creates the extra slot, shown on the 工作分工表 apart from 附表1's rows.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name="实践活动",
        on_delete=models.PROTECT,
        related_name="lecture_slot_requests",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="申请科室",
        on_delete=models.PROTECT,
        related_name="lecture_slot_requests",
    )
    month = models.PositiveSmallIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reason = models.TextField(
        "申请理由", max_length=500, help_text="说明为何需要加开场次（如讲述人人数、选题安排）。"
    )
    slot = models.OneToOneField(
        Slot,
        verbose_name="加开的场次",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="extra_request",
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "加开场次申请"
        verbose_name_plural = "加开场次申请"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="lectures_slotrequest_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.display_name} {self.month}月 加开场次"

    def get_absolute_url(self) -> str:
        return reverse("lectures:slot-request-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return f"{self.campaign.year}年{self.unit.name}申请加开{self.month}月讲堂场次"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        return [
            ("申请科室", self.unit.name),
            ("月份", f"{self.campaign.year}年{self.month}月"),
            ("申请理由", self.reason),
            ("加开的场次", f"第{self.slot.number}场（{self.slot}）" if self.slot_id else "—"),
        ]

    def workflow_after_move(self, approval, action, acting_user) -> None:
        # Inline import: services import this module (a cycle at import time).
        from .services import slot_request_granted

        if approval.state == State.APPROVED and self.slot_id is None:
            slot_request_granted(slot_request=self, acting_user=acting_user)


WORD_VALIDATOR = FileValidator(WORD, PDF)
VIDEO_VALIDATOR = FileValidator(MP4)


class CityPromotion(models.Model):
    """What a lecture sent to the 市国动办 for promotion (报市国动办推广): the materials, when,
    and the city's reply. The date is also kept on the lecture (promoted_city_on)."""

    lecture = models.OneToOneField(
        Lecture, verbose_name="讲堂活动", on_delete=models.CASCADE, related_name="city_promotion"
    )
    sent_on = models.DateField("报送日期")
    manuscript_file = models.FileField(
        "讲述稿",
        upload_to=upload_path("lectures/city"),
        blank=True,
        validators=[WORD_VALIDATOR],
        help_text=WORD_VALIDATOR.help_text,
    )
    manuscript_name = models.CharField("讲述稿文件名", max_length=200, blank=True)
    slides = models.FileField(
        "PPT",
        upload_to=upload_path("lectures/city"),
        blank=True,
        validators=[SLIDES_VALIDATOR],
        help_text=SLIDES_VALIDATOR.help_text,
    )
    slides_name = models.CharField("PPT文件名", max_length=200, blank=True)
    video = models.FileField(
        "视频",
        upload_to=upload_path("lectures/city"),
        blank=True,
        validators=[VIDEO_VALIDATOR],
        help_text=VIDEO_VALIDATOR.help_text,
    )
    video_name = models.CharField("视频文件名", max_length=200, blank=True)
    note = models.CharField("报送说明", max_length=200, blank=True)
    reply_on = models.DateField("反馈日期", null=True, blank=True)
    reply = models.TextField("市国动办反馈", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField("登记时间", editable=False)

    class Meta:
        verbose_name = "报市国动办推广"
        verbose_name_plural = "报市国动办推广"

    def __str__(self) -> str:
        return f"{self.lecture.topic.title} 报市国动办推广"

    def materials(self) -> list[tuple[str, str]]:
        """Return (kind, label) of what was sent: 讲述稿, PPT, 视频."""
        kinds = (("manuscript_file", "讲述稿"), ("slides", "PPT"), ("video", "视频"))
        return [(field, label) for field, label in kinds if getattr(self, field)]
