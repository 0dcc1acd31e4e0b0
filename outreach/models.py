"""The 六进 programme: fronts, annual plans, activity reports and the coverage registers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from qpdo.documents.uploads import FileValidator, upload_path
from qpdo.org.dates import cn_date
from qpdo.org.enums import UnitKind
from qpdo.org.models import Unit
from qpdo.workflow.models import ApprovalSubject

from .enums import (
    REGISTER_FILE_KINDS,
    REPORTING_UNIT_KINDS,
    ActivityForm,
    AttachmentKind,
    CommunityKind,
    DrillOccasion,
    ExerciseKind,
    Register,
    ReportKind,
    SchoolStage,
    TeamMemberKind,
)

REPORTING_UNITS = {"kind__in": list(REPORTING_UNIT_KINDS)}
TOWNS = {"kind": UnitKind.TOWN}


class Front(models.Model):
    """One of the six fronts (进党校 … 进网络), with its work points and responsible units."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    summary = models.CharField("要点", max_length=200)
    description = models.TextField("工作要点（通知原文）")
    units_note = models.CharField("涉及单位（通知原文）", max_length=200)
    units = models.ManyToManyField(
        Unit, verbose_name="涉及单位", blank=True, related_name="outreach_fronts"
    )
    includes_towns = models.BooleanField("含各街镇国防动员工作组", default=False)
    includes_member_units = models.BooleanField("含全部区国动委成员单位", default=False)
    register = models.CharField(
        "覆盖台账", max_length=20, choices=Register.choices, blank=True, default=Register.NONE
    )
    coverage_target = models.PositiveSmallIntegerField(
        "覆盖率目标（%）", null=True, blank=True, help_text="通知要求的全覆盖目标，如 100。"
    )
    coverage_note = models.CharField("覆盖要求", max_length=200, blank=True)

    class Meta:
        verbose_name = "“六进”方面"
        verbose_name_plural = "“六进”方面"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Plan(ApprovalSubject):
    """A unit's 年度国防动员宣传教育工作计划, due at the end of February."""

    unit = models.ForeignKey(
        Unit,
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="outreach_plans",
        limit_choices_to=REPORTING_UNITS,
    )
    year = models.PositiveSmallIntegerField("年度")
    goals = models.TextField(
        "工作目标与思路", max_length=3000, help_text="本单位本年度宣传教育的目标、重点和思路。"
    )
    measures = models.TextField(
        "保障措施",
        max_length=2000,
        blank=True,
        help_text="组织领导、专项资金（纳入年度预算）、督导落实等。",
    )
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=30)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["-year", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="outreach_plan_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.year}年国防动员宣传教育“六进”工作计划"

    def get_absolute_url(self) -> str:
        return reverse("outreach:plan-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.year

    def get_workflow_submit_due(self):
        # Inline import: the selectors import these models (a cycle at import time).
        from .selectors import plan_due_date

        return plan_due_date(self.year)

    def get_workflow_title(self) -> str:
        return str(self)

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        items = list(self.items.select_related("front"))
        lines = [
            f"{item.front.name} · {item.month}月 · {item.title}（{item.get_form_display()}，"
            f"{item.audience}）"
            for item in items
        ]
        budget = sum((item.budget or 0) for item in items)
        return [
            ("填报单位", self.unit.name),
            ("年度", f"{self.year}年"),
            ("工作目标与思路", self.goals),
            ("计划活动", "\n".join(lines) or "（未安排）"),
            ("经费预算合计", f"{budget:,.2f} 元"),
            ("保障措施", self.measures or "—"),
            ("联系人", f"{self.contact_name} {self.contact_phone}"),
        ]

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from .services import plan_check_complete

        plan_check_complete(self)


class PlanItem(models.Model):
    """One planned activity of an annual plan, under one front."""

    plan = models.ForeignKey(
        Plan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="items"
    )
    front = models.ForeignKey(
        Front, verbose_name="所属方面", on_delete=models.PROTECT, related_name="plan_items"
    )
    month = models.PositiveSmallIntegerField("月份")
    title = models.CharField("活动内容", max_length=100)
    form = models.CharField("形式", max_length=20, choices=ActivityForm.choices)
    audience = models.CharField("参加对象", max_length=100)
    expected_count = models.PositiveIntegerField("预计人数", null=True, blank=True)
    budget = models.DecimalField(
        "经费预算（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_line = models.CharField("预算科目", max_length=60, blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "计划活动"
        verbose_name_plural = "计划活动"
        ordering = ["plan", "front__order", "month", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="outreach_planitem_month"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="outreach_planitem_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年{self.month}月 · {self.front.name} · {self.title}"


class Report(ApprovalSubject):
    """An activity report (活动信息), filed after every activity and reviewed by the office."""

    unit = models.ForeignKey(
        Unit,
        verbose_name="报送单位",
        on_delete=models.PROTECT,
        related_name="outreach_reports",
        limit_choices_to=REPORTING_UNITS,
    )
    fronts = models.ManyToManyField(Front, verbose_name="所属方面", related_name="reports")
    kind = models.CharField(
        "信息类别", max_length=20, choices=ReportKind.choices, default=ReportKind.ACTIVITY
    )
    title = models.CharField("标题", max_length=100)
    held_on = models.DateField("活动日期", db_index=True)
    place = models.CharField("地点", max_length=100)
    organiser = models.CharField("组织单位", max_length=100)
    participants = models.CharField(
        "参加人员", max_length=200, help_text="如：镇机关干部、辖区中小学师生、社区居民。"
    )
    audience_count = models.PositiveIntegerField("参加人数")
    content = models.TextField(
        "活动内容", max_length=5000, help_text="开展了什么、怎么开展、取得什么效果。"
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name="对应年度计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    promoted_to_city = models.BooleanField("已报市国动办", default=False, editable=False)
    promoted_at = models.DateTimeField("报市国动办时间", null=True, blank=True, editable=False)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "活动信息"
        verbose_name_plural = "活动信息"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promoted_to_city=False) | models.Q(promoted_at__isnull=False),
                name="outreach_report_promotion_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:report-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.held_on.year

    def get_workflow_title(self) -> str:
        return f"{self.title}（{self.held_on.month}月{self.held_on.day}日）"

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        fronts = "、".join(f.name for f in self.fronts.all()) if self.pk else ""
        photos = self.photos.count() if self.pk else 0
        return [
            ("报送单位", self.unit.name),
            ("所属方面", fronts or "—"),
            ("信息类别", self.get_kind_display()),
            ("标题", self.title),
            ("活动日期", cn_date(self.held_on)),
            ("地点", self.place),
            ("组织单位", self.organiser),
            ("参加人员", f"{self.participants}（{self.audience_count} 人）"),
            ("活动内容", self.content),
            ("对应年度计划", str(self.plan_item) if self.plan_item_id else "计划外活动"),
            ("照片", f"{photos} 张"),
        ]

    def workflow_check_submittable(self) -> None:
        # Inline: the services import the models (a cycle at import time).
        from .services import report_check_complete

        report_check_complete(self)


class ReportPhoto(models.Model):
    """A photo of a report, stored without EXIF/GPS (HEIC turned into JPEG), with a thumbnail."""

    report = models.ForeignKey(
        Report, verbose_name="活动信息", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField("照片", upload_to=upload_path("outreach/photos"), max_length=200)
    thumbnail = models.FileField("缩略图", upload_to=upload_path("outreach/thumbs"), max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    caption = models.CharField("说明", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["report", "order", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReportAttachment(models.Model):
    """A video or a document of a report."""

    report = models.ForeignKey(
        Report, verbose_name="活动信息", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类别", max_length=20, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=upload_path("outreach/files"), max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"
        ordering = ["report", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- coverage registers ---------------------------------------------------------------------


class TownPlace(models.Model):
    """A place on a 街镇's coverage register (school, community, enterprise).

    The registers share their shape: a place belongs to a 街镇, may leave the register (撤并),
    and is counted per year by the records held under it. Imports (outreach.imports), scoping
    (selectors.towns_for) and maintenance rules (rules.may_maintain_town) work on any of them.
    """

    town = models.ForeignKey(
        Unit,
        verbose_name="所属街镇",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=TOWNS,
    )
    name = models.CharField("名称", max_length=100)
    is_active = models.BooleanField("在册", default=True, help_text="撤并、停办的取消勾选。")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        abstract = True


class TownPlaceRecord(models.Model):
    """Who recorded a register entry and when (shared by drills, plans and the like)."""

    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class School(TownPlace):
    """A school of a 街镇: it needs an evacuation plan and a drill every year (100%)."""

    name = models.CharField("学校名称", max_length=100)
    stage = models.CharField(
        "学段", max_length=20, choices=SchoolStage.choices, default=SchoolStage.OTHER
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在册", default=True, help_text="撤并、停办的学校取消勾选。")

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校台账"
        ordering = ["town__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="outreach_school_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outreach:school-detail", args=[self.pk])


class EvacuationPlan(models.Model):
    """A school's 人民防空紧急疏散行动方案 (the latest upload is the one in force)."""

    school = models.ForeignKey(
        School,
        verbose_name="学校",
        on_delete=models.CASCADE,
        related_name="evacuation_plans",
    )
    compiled_on = models.DateField("编制（修订）日期")
    file = models.FileField(
        "方案文件",
        upload_to=upload_path("outreach/evacuation"),
        max_length=200,
        validators=[FileValidator(*REGISTER_FILE_KINDS)],
        help_text=FileValidator(*REGISTER_FILE_KINDS).help_text,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "紧急疏散行动方案"
        verbose_name_plural = "紧急疏散行动方案"
        ordering = ["school", "-compiled_on", "-id"]

    def __str__(self) -> str:
        return f"{self.school.name} 紧急疏散行动方案（{self.compiled_on:%Y-%m-%d}）"


class SchoolDrill(models.Model):
    """An evacuation drill held at a school."""

    school = models.ForeignKey(
        School, verbose_name="学校", on_delete=models.CASCADE, related_name="drills"
    )
    held_on = models.DateField("演练日期", db_index=True)
    participants = models.PositiveIntegerField("参演人数", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    report = models.ForeignKey(
        Report,
        verbose_name="关联活动信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_drills",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "学校疏散演练"
        verbose_name_plural = "学校疏散演练"
        ordering = ["school", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.school.name} {self.held_on:%Y-%m-%d} 疏散演练"


class Community(TownPlace):
    """A 村委会 or 居委会 of a 街镇: it needs a training and a drill every year (100%).

    A 居民区 also keeps its 防空袭方案 revised every year, its fixed positions (故事长廊、微展馆、
    体验角) and its 宣教队伍 of 居委、物业 and volunteers.
    """

    kind = models.CharField(
        "类型", max_length=20, choices=CommunityKind.choices, default=CommunityKind.RESIDENTS
    )
    is_active = models.BooleanField("在册", default=True, help_text="撤并的村、居委取消勾选。")
    has_story_corridor = models.BooleanField("故事长廊", default=False)
    has_micro_museum = models.BooleanField("微展馆", default=False)
    has_experience_corner = models.BooleanField("体验角", default=False)

    class Meta:
        verbose_name = "社区（村、居委）"
        verbose_name_plural = "社区（村、居委）台账"
        ordering = ["town__order", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="outreach_community_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:community-detail", args=[self.pk])


class CommunityExercise(models.Model):
    """A training or a drill held in a community."""

    community = models.ForeignKey(
        Community, verbose_name="社区", on_delete=models.CASCADE, related_name="exercises"
    )
    kind = models.CharField("类别", max_length=20, choices=ExerciseKind.choices)
    held_on = models.DateField("日期", db_index=True)
    participants = models.PositiveIntegerField("参加人数", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    report = models.ForeignKey(
        Report,
        verbose_name="关联活动信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_exercises",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "社区培训与演练"
        verbose_name_plural = "社区培训与演练"
        ordering = ["community", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.community} {self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class PartySchoolAgreement(models.Model):
    """The co-operation agreement with the 区委党校 (进党校：签订共建协议，建立长效机制)."""

    title = models.CharField("协议名称", max_length=100)
    partner = models.ForeignKey(
        Unit,
        verbose_name="共建单位",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": UnitKind.MEMBER_UNIT},
    )
    signed_on = models.DateField("签订日期")
    valid_until = models.DateField("有效期至", null=True, blank=True, help_text="长期有效可不填。")
    file = models.FileField(
        "协议文本",
        upload_to=upload_path("outreach/agreements"),
        max_length=200,
        blank=True,
        validators=[FileValidator(*REGISTER_FILE_KINDS)],
        help_text=FileValidator(*REGISTER_FILE_KINDS).help_text,
    )
    content = models.TextField(
        "主要内容", blank=True, help_text="课程纳入培训计划、参观人防科普教育基地、宣传阵地等。"
    )

    class Meta:
        verbose_name = "党校共建协议"
        verbose_name_plural = "党校共建协议"
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("signed_on")),
                name="outreach_agreement_valid_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- registers of every front: the yearly records ---------------------------------------------


class RegisterFile(TownPlaceRecord):
    """A plan document of a register place, dated; the latest is the one in force."""

    compiled_on = models.DateField("编制（修订）日期")
    file = models.FileField(
        "方案文件",
        upload_to=upload_path("outreach/registers"),
        max_length=200,
        blank=True,
        validators=[FileValidator(*REGISTER_FILE_KINDS)],
        help_text=FileValidator(*REGISTER_FILE_KINDS).help_text,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)

    class Meta:
        abstract = True


class SchoolCourse(TownPlaceRecord):
    """A course of a school's 国防动员、人民防空 teaching in a year, with its 课时."""

    school = models.ForeignKey(
        School, verbose_name="学校", on_delete=models.CASCADE, related_name="courses"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("课程", max_length=100, help_text="如：《人民防空讲义》防空警报识别。")
    hours = models.PositiveSmallIntegerField("课时")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "学校课程与课时"
        verbose_name_plural = "学校课程与课时"
        ordering = ["school", "-year", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=1), name="outreach_course_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year}年 {self.title}（{self.hours} 课时）"


class CommunityAirRaidPlan(RegisterFile):
    """A 居民区's 防空袭方案, revised every year (通知：根据居民区实际，修订完善防空袭方案)."""

    community = models.ForeignKey(
        Community, verbose_name="社区", on_delete=models.CASCADE, related_name="air_raid_plans"
    )

    class Meta:
        verbose_name = "居民区防空袭方案"
        verbose_name_plural = "居民区防空袭方案"
        ordering = ["community", "-compiled_on", "-id"]

    def __str__(self) -> str:
        return f"{self.community} 防空袭方案（{self.compiled_on:%Y-%m-%d}）"


class CommunityTeamMember(models.Model):
    """A member of a community's 国防动员宣教队伍."""

    community = models.ForeignKey(
        Community, verbose_name="社区", on_delete=models.CASCADE, related_name="team"
    )
    kind = models.CharField("类别", max_length=20, choices=TeamMemberKind.choices)
    name = models.CharField("姓名", max_length=30)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在队", default=True)

    class Meta:
        verbose_name = "宣教队伍成员"
        verbose_name_plural = "宣教队伍成员"
        ordering = ["community", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.community} {self.get_kind_display()} {self.name}"


class Enterprise(TownPlace):
    """An enterprise (or industrial park) of a 街镇 on the 进企业 register.

    The notice asks each for a 工作小组 (on its 人民武装 or 安全生产 department) with a named
    person in charge, a 防空疏散演练方案, and drills at the key dates.
    """

    park = models.CharField("所在园区", max_length=100, blank=True)
    has_group = models.BooleanField("已成立工作小组", default=False)
    group_basis = models.CharField(
        "工作小组依托部门", max_length=60, blank=True, help_text="如：人民武装部、安全生产部门。"
    )
    contact_name = models.CharField("专人（负责人）", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "企业（园区）"
        verbose_name_plural = "企业（园区）台账"
        ordering = ["town__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="outreach_enterprise_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outreach:enterprise-detail", args=[self.pk])

    @property
    def has_person(self) -> bool:
        return bool(self.contact_name)


class EnterpriseDrillPlan(RegisterFile):
    """An enterprise's 防空疏散演练方案 (file and date; the latest is in force)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="drill_plans"
    )

    class Meta:
        verbose_name = "企业防空疏散演练方案"
        verbose_name_plural = "企业防空疏散演练方案"
        ordering = ["enterprise", "-compiled_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise.name} 防空疏散演练方案（{self.compiled_on:%Y-%m-%d}）"


class EnterpriseDrill(TownPlaceRecord):
    """A 人防疏散演练 held by an enterprise, at a key date or another time."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="drills"
    )
    held_on = models.DateField("演练日期", db_index=True)
    occasion = models.CharField(
        "结合节点", max_length=20, choices=DrillOccasion.choices, default=DrillOccasion.OTHER
    )
    participants = models.PositiveIntegerField("参演人数", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    report = models.ForeignKey(
        Report,
        verbose_name="关联活动信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprise_drills",
    )

    class Meta:
        verbose_name = "企业疏散演练"
        verbose_name_plural = "企业疏散演练"
        ordering = ["enterprise", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.held_on:%Y-%m-%d} 疏散演练"


class PartySchoolCourse(TownPlaceRecord):
    """A 国防动员 course taken into the 区委党校's 培训计划 for a year."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("课程名称", max_length=100)
    class_name = models.CharField("培训班次", max_length=100, help_text="如：处级干部进修班。")
    hours = models.PositiveSmallIntegerField("课时", default=1)
    speaker = models.CharField("授课人", max_length=60, blank=True)
    taught_on = models.DateField("授课日期", null=True, blank=True)

    class Meta:
        verbose_name = "党校培训计划课程"
        verbose_name_plural = "党校培训计划课程"
        ordering = ["-year", "taught_on", "id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.class_name}《{self.title}》"


class BaseVisit(TownPlaceRecord):
    """A visit of 党校 trainees to the 人防科普教育基地 (组织学员参观人防科普教育基地)."""

    visited_on = models.DateField("参观日期")
    class_name = models.CharField("培训班次", max_length=100)
    participants = models.PositiveIntegerField("参观人数")
    base_name = models.CharField("科普教育基地", max_length=100, default="青浦区人防科普教育基地")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "人防科普教育基地参观"
        verbose_name_plural = "人防科普教育基地参观"
        ordering = ["-visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.class_name} 参观{self.base_name}"


class YearSummary(ApprovalSubject):
    """A 六进年度工作总结: drafted from the year's data, edited by the unit, handed in.

    A unit's summary goes through 单位提交 → 宣教审核; the district-wide summary (is_district)
    is drafted by 宣教审核 for the office and is not handed in. The free paragraphs live in
    versions; the version chosen for the document is kept with the day it was chosen.
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="outreach_summaries",
        limit_choices_to=REPORTING_UNITS,
    )
    year = models.PositiveSmallIntegerField("年度")
    is_district = models.BooleanField("全区总结", default=False, editable=False)
    chosen_version = models.ForeignKey(
        "YearSummaryVersion",
        verbose_name="选用版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    chosen_at = models.DateTimeField("选用时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("起草时间", auto_now_add=True)

    workflow_chain_code = "outreach.summary"

    class Meta:
        verbose_name = "“六进”年度工作总结"
        verbose_name_plural = "“六进”年度工作总结"
        ordering = ["-year", "-is_district", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "is_district"], name="outreach_summary_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(chosen_version__isnull=True) | models.Q(chosen_at__isnull=False),
                name="outreach_summary_choice_dated",
            ),
        ]

    def __str__(self) -> str:
        who = "全区" if self.is_district else self.unit.name
        return f"{who}{self.year}年度国防动员宣传教育“六进”工作总结"

    def get_absolute_url(self) -> str:
        return reverse("outreach:summary-detail", args=[self.pk])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.year

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        version = self.chosen_version
        rows = [("单位", self.unit.name), ("年度", f"{self.year}年")]
        if version is not None:
            rows.append(("选用版本", f"第{version.number}稿"))
        return rows

    def workflow_check_submittable(self) -> None:
        # inline: outreach.summaries imports this module
        from .summaries import summary_check_submittable

        summary_check_submittable(self)


class YearSummaryVersion(models.Model):
    """One saved draft of a summary's free paragraphs (never changed once saved)."""

    summary = models.ForeignKey(
        YearSummary, verbose_name="总结", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("稿次")
    overview = models.TextField("一、总体情况", max_length=3000)
    practices = models.TextField("三、主要做法和经验", max_length=5000, blank=True)
    problems = models.TextField("四、存在的问题和不足", max_length=3000, blank=True)
    next_steps = models.TextField("五、下一步工作打算", max_length=3000, blank=True)
    saved_at = models.DateTimeField("保存时间")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "总结稿"
        verbose_name_plural = "总结稿"
        ordering = ["summary", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "number"], name="outreach_summary_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}稿"
