"""The 岗位之星 programme: posts of a year, cultivation plans, the 申报表, scores and stars."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from campaigns.models import Campaign
from qpdo.documents.uploads import IMAGE_KINDS, PDF, WORD, FileValidator, upload_path
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.enums import Education, Gender, PoliticalStatus
from qpdo.org.models import Staff, Unit
from qpdo.workflow.models import ApprovalSubject

from .enums import (
    ACTIVITY_TEXT_MAX_CHARS,
    SCORE_MAX,
    VISIT_TEXT_MAX_CHARS,
    ActivityKind,
    Carrier,
    KeyDateCode,
    ObjectionResult,
    PlanMethod,
    PostForm,
    Source,
    Standard,
)

PHOTO_VALIDATOR = FileValidator(*(kind.limited_to(10) for kind in IMAGE_KINDS))
SUMMARY_VALIDATOR = FileValidator(WORD.limited_to(20), PDF.limited_to(20))
EVIDENCE_VALIDATOR = FileValidator(
    PDF.limited_to(20), WORD.limited_to(20), *(kind.limited_to(10) for kind in IMAGE_KINDS)
)


class StarYear(models.Model):
    """One campaign year of the programme: how many stars, and whether they are announced."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_year"
    )
    quota = models.PositiveSmallIntegerField(
        "“岗位之星”名额",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="本办范围内确定的“岗位之星”人数（附件2：确定4名）。",
    )
    announced_at = models.DateTimeField("公布时间", null=True, blank=True, editable=False)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    announcement = models.TextField("公布说明", blank=True, editable=False)
    publicity_starts_on = models.DateField("公示开始日期", null=True, blank=True, editable=False)
    publicity_ends_on = models.DateField("公示截止日期", null=True, blank=True, editable=False)
    publicized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布公示人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "年度设置"
        verbose_name_plural = "年度设置"
        ordering = ["-campaign__year"]

    def __str__(self) -> str:
        return f"{self.campaign.year}年度“岗位之星”"

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def is_announced(self) -> bool:
        return self.announced_at is not None

    @property
    def is_publicized(self) -> bool:
        return self.publicity_starts_on is not None


class PostCategory(models.Model):
    """A 类别 of 附表1: 国动援战, 城市防护, 为民服务."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_categories"
    )
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("类别", max_length=20)

    class Meta:
        verbose_name = "岗位类别"
        verbose_name_plural = "岗位类别"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="stars_category_number"),
            models.UniqueConstraint(fields=["campaign", "name"], name="stars_category_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """One of the twelve posts of 附表1, with its responsible unit and form."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_posts"
    )
    category = models.ForeignKey(
        PostCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="posts"
    )
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("岗位名称", max_length=20)
    unit = models.ForeignKey(
        Unit, verbose_name="业务责任部门", on_delete=models.PROTECT, related_name="star_posts"
    )
    form = models.CharField(
        "培树形式", max_length=20, choices=PostForm.choices, default=PostForm.EITHER
    )

    class Meta:
        verbose_name = "培树岗位"
        verbose_name_plural = "培树岗位"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="stars_post_number"),
            models.UniqueConstraint(fields=["campaign", "name"], name="stars_post_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CultivationPlan(ApprovalSubject):
    """A section's 培树工作实施计划 for one post: 工作重点、培树方式、培树标准、完成时限."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_plans"
    )
    post = models.OneToOneField(
        Post, verbose_name="培树岗位", on_delete=models.PROTECT, related_name="plan"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="业务责任部门", on_delete=models.PROTECT, related_name="star_plans"
    )
    focus = models.TextField("工作重点")
    method = models.CharField("培树方式", max_length=20, choices=PlanMethod.choices)
    carriers = models.JSONField(
        "活动载体", default=list, blank=True, help_text="技能培训、知识学习、实际实操、风采展示等。"
    )
    standards = models.TextField("培树标准")
    arrangements = models.TextField("实施安排", blank=True)
    deadline = models.DateField("完成时限")
    created_at = models.DateTimeField("填报时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "培树工作实施计划"
        verbose_name_plural = "培树工作实施计划"
        ordering = ["post__number"]

    def __str__(self) -> str:
        return f"“{self.post.name}”岗位培树工作实施计划"

    def get_absolute_url(self) -> str:
        return reverse("stars:plan-detail", args=[self.pk])

    @property
    def carrier_labels(self) -> list[str]:
        labels = dict(Carrier.choices)
        return [labels[c] for c in self.carriers if c in labels]

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return f"“{self.post.name}”岗位培树工作实施计划（{self.unit.display_name}）"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        return [
            ("培树岗位", f"{self.post.category.name} · {self.post.name}"),
            ("业务责任部门", self.unit.name),
            ("工作重点", self.focus),
            ("培树方式", self.get_method_display()),
            ("活动载体", "、".join(self.carrier_labels) or "—"),
            ("培树标准", self.standards),
            ("实施安排", self.arrangements or "—"),
            ("完成时限", cn_date(self.deadline)),
        ]


class SummaryReport(models.Model):
    """A section's 培树工作总结 as uploaded; the latest upload of a unit and year is current."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_summaries"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="star_summaries"
    )
    file = models.FileField(
        "总结文件",
        upload_to=upload_path("stars/summaries"),
        validators=[SUMMARY_VALIDATOR],
        help_text=SUMMARY_VALIDATOR.help_text,
    )
    file_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_name = models.CharField("报送人姓名", max_length=60)
    uploaded_at = models.DateTimeField("报送时间", default=clock.now)

    class Meta:
        verbose_name = "培树工作总结"
        verbose_name_plural = "培树工作总结"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["campaign", "unit", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.unit.display_name} 培树工作总结（{self.file_name}）"


class Nomination(ApprovalSubject):
    """A 申报表 (附表2): the nominee as the section describes them, and three opinions.

    The personal fields are copied from the staff record when the form is started and kept
    as filled in: the printed form shows what the section declared.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_nominations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="推荐科室", on_delete=models.PROTECT, related_name="star_nominations"
    )
    nominee = models.ForeignKey(
        Staff, verbose_name="被推荐人", on_delete=models.PROTECT, related_name="star_nominations"
    )
    post = models.ForeignKey(
        Post,
        verbose_name="工作岗位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    native_place = models.CharField("籍贯", max_length=30, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="只记年月。")
    years_on_post = models.PositiveSmallIntegerField("在岗年限", null=True, blank=True)
    source = models.CharField("产生方式", max_length=20, choices=Source.choices, blank=True)
    competition_record = models.ForeignKey(
        "campaigns.Competition",
        verbose_name="比武",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="star_nominations",
        help_text="以比武竞赛方式产生的：被推荐人参加的比武；成绩以该比武登记的成绩为准。",
    )
    competition_legacy = models.CharField(
        "原填写的比武竞赛情况",
        max_length=160,
        blank=True,
        editable=False,
        help_text="改为引用比武记录之前填写、未能对应到比武记录的文字。",
    )
    deeds = models.TextField("主要事迹", blank=True)
    photo = models.ImageField(
        "照片",
        upload_to=upload_path("stars/photos"),
        blank=True,
        validators=[PHOTO_VALIDATOR],
        help_text="用于“岗位之星”交流展示，可不上传。" + PHOTO_VALIDATOR.help_text + "。",
    )
    photo_thumb = models.ImageField(
        "照片缩略图", upload_to=upload_path("stars/photos"), blank=True, editable=False
    )
    created_at = models.DateTimeField("填报时间", default=clock.now)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "岗位之星申报表"
        verbose_name_plural = "岗位之星申报表"
        ordering = ["post__number", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "nominee"], name="stars_nomination_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(years_on_post__isnull=True) | Q(years_on_post__lte=45),
                name="stars_nomination_years_on_post_range",
            ),
        ]

    def __str__(self) -> str:
        post = f"（{self.post.name}）" if self.post_id else ""
        return f"{self.name}{post}"

    def get_absolute_url(self) -> str:
        return reverse("stars:nomination-detail", args=[self.pk])

    @property
    def category(self) -> PostCategory | None:
        return self.post.category if self.post_id else None

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_key_date(self, code: str):
        from campaigns.models import KeyDate

        return (
            KeyDate.objects.filter(campaign_id=self.campaign_id, code=code)
            .values_list("date", flat=True)
            .first()
        )

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_submit_due(self):
        # Inline import: the selectors import these models (a cycle at import time).
        from .selectors import key_date

        return key_date(self.campaign, KeyDateCode.NOMINATION_DEADLINE)

    def get_workflow_title(self) -> str:
        post = f"·{self.post.name}" if self.post_id else ""
        return f"岗位之星申报：{self.name}（{self.unit.display_name}{post}）"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        from .selectors import nomination_form_rows

        return [(label, value) for label, value in nomination_form_rows(self)]

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from .services import nomination_check_complete

        nomination_check_complete(self)


class Score(models.Model):
    """One 办党组 member's scores of a nominee on the three standards (each out of 10)."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="申报表", on_delete=models.CASCADE, related_name="scores"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评分人", on_delete=models.PROTECT, related_name="+"
    )
    scorer_name = models.CharField("评分人姓名", max_length=60)
    political = models.DecimalField(
        Standard.POLITICAL.label,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )
    skill = models.DecimalField(
        Standard.SKILL.label,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )
    performance = models.DecimalField(
        Standard.PERFORMANCE.label,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
    )
    note = models.CharField("评语", max_length=200, blank=True)
    created_at = models.DateTimeField("评分时间", default=clock.now)
    updated_at = models.DateTimeField("修改时间", default=clock.now)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        ordering = ["nomination", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "scorer"], name="stars_score_once"),
            models.CheckConstraint(
                condition=Q(political__gte=0, political__lte=SCORE_MAX)
                & Q(skill__gte=0, skill__lte=SCORE_MAX)
                & Q(performance__gte=0, performance__lte=SCORE_MAX),
                name="stars_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorer_name} 对 {self.nomination.name} 的评分"

    @property
    def total(self):
        return self.political + self.skill + self.performance


class Star(models.Model):
    """A nominee the 办党组 chose as this year's 岗位之星."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="stars"
    )
    nomination = models.OneToOneField(
        Nomination, verbose_name="申报表", on_delete=models.PROTECT, related_name="star"
    )
    citation = models.TextField(
        "事迹简介", blank=True, help_text="交流展示时的事迹简介，不填则取主要事迹开头。"
    )
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="选定人", on_delete=models.PROTECT, related_name="+"
    )
    selected_by_name = models.CharField("选定人姓名", max_length=60)
    selected_at = models.DateTimeField("选定时间", default=clock.now)

    class Meta:
        verbose_name = "岗位之星"
        verbose_name_plural = "岗位之星"
        ordering = ["campaign", "nomination__post__number"]

    def __str__(self) -> str:
        return f"{self.campaign.year}年度“岗位之星” {self.nomination.name}"


class PrintedCopy(models.Model):
    """A printed 申报表: its verification code and a digest of exactly what it showed."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="申报表", on_delete=models.CASCADE, related_name="printed_copies"
    )
    code = models.CharField("校验码", max_length=16, unique=True)
    digest = models.CharField("内容摘要", max_length=64)
    content = models.JSONField("打印内容", default=dict)
    state_label = models.CharField("打印时状态", max_length=40)
    first_printed_at = models.DateTimeField("首次打印时间", default=clock.now)
    first_printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="首次打印人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_printed_at = models.DateTimeField("最近打印时间", default=clock.now)
    times = models.PositiveIntegerField("打印次数", default=1)

    class Meta:
        verbose_name = "申报表打印件"
        verbose_name_plural = "申报表打印件"
        ordering = ["-last_printed_at"]

    def __str__(self) -> str:
        return f"{self.code}（{self.nomination.name}）"


class Objection(models.Model):
    """An objection received during the 公示 of the chosen stars, and how it was handled."""

    star_year = models.ForeignKey(
        StarYear, verbose_name="年度", on_delete=models.PROTECT, related_name="objections"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name="涉及人选", on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField("收到日期")
    raised_by = models.CharField(
        "反映人", max_length=60, blank=True, help_text="可不填（匿名反映）。"
    )
    content = models.TextField("反映内容", max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField("登记人姓名", max_length=60)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    handling = models.TextField("核查处理情况", max_length=1000, blank=True, editable=False)
    result = models.CharField(
        "处理结果", max_length=20, choices=ObjectionResult.choices, blank=True, editable=False
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    handled_by_name = models.CharField("办理人姓名", max_length=60, blank=True, editable=False)
    handled_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["star_year", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True, result="")
                | (Q(handled_at__isnull=False) & ~Q(result="")),
                name="stars_objection_handled_with_result",
            ),
        ]

    def __str__(self) -> str:
        return f"对{self.nomination.name}的公示异议（{self.received_on}）"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None


# 组织实施 (5–9月) --------------------------------------------------------------------------------


class ImplementationActivity(models.Model):
    """One activity carried out under a post's 实施计划: a training, study, 实操 or 风采展示.

    Recorded by the section responsible for the post; the unit is the plan's (kept for scoping).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_activities"
    )
    plan = models.ForeignKey(
        CultivationPlan,
        verbose_name="实施计划",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="业务责任部门", on_delete=models.PROTECT, related_name="star_activities"
    )
    held_on = models.DateField("开展日期")
    kind = models.CharField("活动类型", max_length=20, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=80)
    people = models.CharField(
        "参加人员", max_length=300, help_text="参加的人员姓名，或“全科室××人”。"
    )
    headcount = models.PositiveSmallIntegerField("参加人数", null=True, blank=True)
    summary = models.TextField("活动情况", max_length=ACTIVITY_TEXT_MAX_CHARS)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField("登记人姓名", max_length=60)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "组织实施活动"
        verbose_name_plural = "组织实施活动"
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["campaign", "unit", "held_on"])]

    def __str__(self) -> str:
        return f"{cn_date(self.held_on)} {self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("stars:activity-detail", args=[self.pk])


class ActivityEvidence(models.Model):
    """A file or photo showing an implementation activity took place (工作痕迹)."""

    activity = models.ForeignKey(
        ImplementationActivity,
        verbose_name="组织实施活动",
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(
        "文件",
        upload_to=upload_path("stars/activities"),
        max_length=200,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text,
    )
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    is_photo = models.BooleanField("照片", default=False, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "活动佐证材料"
        verbose_name_plural = "活动佐证材料"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.original_name


class SupervisionVisit(models.Model):
    """A 督查 by the 机关党支部 of a section's 培树工作 (a post's plan, or the section as a whole):
    what it found, and whether follow-up is required and when it was done."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_visits"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="被督查科室", on_delete=models.PROTECT, related_name="star_visits"
    )
    plan = models.ForeignKey(
        CultivationPlan,
        verbose_name="督查的实施计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text="不选则为对科室培树工作的整体督查。",
    )
    visited_on = models.DateField("督查日期")
    findings = models.TextField("督查发现", max_length=VISIT_TEXT_MAX_CHARS)
    follow_up_required = models.BooleanField("需要整改跟进", default=False)
    follow_up_request = models.TextField("整改要求", max_length=VISIT_TEXT_MAX_CHARS, blank=True)
    follow_up_due = models.DateField("整改时限", null=True, blank=True)
    follow_up_done_on = models.DateField("整改完成日期", null=True, blank=True, editable=False)
    follow_up_note = models.TextField(
        "整改情况", max_length=VISIT_TEXT_MAX_CHARS, blank=True, editable=False
    )
    follow_up_by_name = models.CharField(
        "整改情况登记人", max_length=60, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField("登记人姓名", max_length=60)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "培树工作督查"
        verbose_name_plural = "培树工作督查"
        ordering = ["visited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_done_on__isnull=True) | Q(follow_up_required=True),
                name="stars_visit_follow_up_only_when_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{cn_date(self.visited_on)} 督查{self.unit.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("stars:visit-detail", args=[self.pk])

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_required and self.follow_up_done_on is None

    @property
    def follow_up_label(self) -> str:
        if not self.follow_up_required:
            return "无需整改"
        if self.follow_up_done_on is None:
            return "待整改"
        return f"已整改（{cn_date(self.follow_up_done_on)}）"


# 培树工作总结 drafted in the portal ------------------------------------------------------


class StarSummary(models.Model):
    """A section's 培树工作总结 drafted in the portal from its plans, activities and 督查, edited
    as versions; the chosen version (with the day it was chosen) prints and can be handed in."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="star_drafts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="科室", on_delete=models.PROTECT, related_name="star_drafts"
    )
    chosen_version = models.ForeignKey(
        "StarSummaryVersion",
        verbose_name="选用稿",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    chosen_at = models.DateTimeField("选用时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", default=clock.now)

    class Meta:
        verbose_name = "培树工作总结稿"
        verbose_name_plural = "培树工作总结稿"
        ordering = ["campaign", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="stars_summary_one_per_unit"),
            models.CheckConstraint(
                condition=Q(chosen_version__isnull=True) | Q(chosen_at__isnull=False),
                name="stars_summary_choice_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.display_name}{self.campaign.year}年度“岗位之星”培树工作总结"


class StarSummaryVersion(models.Model):
    """One saved version of the free paragraphs around the computed tables (never changed)."""

    text_fields = ("overview", "practices", "next_steps")

    summary = models.ForeignKey(
        StarSummary, verbose_name="总结", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("稿次")
    overview = models.TextField("一、基本情况（开头段落）", max_length=3000)
    practices = models.TextField("六、经验做法", max_length=5000, blank=True)
    next_steps = models.TextField("七、存在不足和下一步打算", max_length=3000, blank=True)
    saved_at = models.DateTimeField("保存时间")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "培树工作总结稿次"
        verbose_name_plural = "培树工作总结稿次"
        ordering = ["summary", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "number"], name="stars_summary_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}稿"
