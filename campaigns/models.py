"""The campaign: a year of practice activity with its key tasks and key dates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from qpdo.documents.uploads import FileValidator, upload_path
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow.models import ApprovalSubject

from .enums import (
    EVIDENCE_KINDS,
    MINUTES_KINDS,
    CompetitionLevel,
    ItemKind,
    OutputKind,
    Quarter,
    RecheckOutcome,
    RectifyMode,
    TeamKind,
)

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
            ("完成时限", f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日"),
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
        from .services import report_check_submittable

        report_check_submittable(self)


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


# --- people's activities --------------------------------------------------------------------


class Team(models.Model):
    """A 攻坚团队, 工作专班 or 项目组: a topic, a leader, members across units and outputs."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="teams"
    )
    key_task = models.ForeignKey(
        KeyTask,
        verbose_name="重点任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    kind = models.CharField("类别", max_length=20, choices=TeamKind.choices)
    name = models.CharField("名称", max_length=60)
    topic = models.TextField("攻坚课题/任务", max_length=1000)
    goals = models.TextField("目标与成果要求", max_length=2000, blank=True)
    leader = models.ForeignKey(
        Staff, verbose_name="负责人", on_delete=models.PROTECT, related_name="led_teams"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="campaign_teams"
    )
    formed_on = models.DateField("组建日期")
    ends_on = models.DateField("计划完成日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="建立人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", default=clock.now)

    class Meta:
        verbose_name = "攻坚团队"
        verbose_name_plural = "攻坚团队/专班/项目组"
        ordering = ["campaign", "formed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaigns_team_name"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("formed_on")),
                name="campaigns_team_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:team-detail", args=[self.campaign.year, self.pk])


class TeamMember(models.Model):
    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.CASCADE, related_name="members"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="成员", on_delete=models.PROTECT, related_name="team_memberships"
    )
    duty = models.CharField("分工", max_length=60, blank=True)

    class Meta:
        verbose_name = "团队成员"
        verbose_name_plural = "团队成员"
        ordering = ["team", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "staff"], name="campaigns_team_member_once"),
        ]

    def __str__(self) -> str:
        return self.staff.name


class TeamOutput(models.Model):
    """What a team produced: a study, a rule, a plan, a result."""

    team = models.ForeignKey(
        Team, verbose_name="团队", on_delete=models.CASCADE, related_name="outputs"
    )
    kind = models.CharField("成果类别", max_length=20, choices=OutputKind.choices)
    title = models.CharField("成果名称", max_length=100)
    achieved_on = models.DateField("形成日期")
    description = models.TextField("成果简介", max_length=2000, blank=True)
    file = models.FileField(
        "成果文件",
        upload_to=upload_path("campaigns/outputs"),
        max_length=200,
        blank=True,
        validators=[EVIDENCE_VALIDATOR],
        help_text=EVIDENCE_VALIDATOR.help_text,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "团队成果"
        verbose_name_plural = "团队成果"
        ordering = ["team", "achieved_on", "id"]

    def __str__(self) -> str:
        return self.title


class MentorPair(models.Model):
    """A 岗位带教 pair: a seasoned colleague guides a younger one (以老带新、结对指导)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="mentor_pairs"
    )
    mentor = models.ForeignKey(
        Staff, verbose_name="带教人", on_delete=models.PROTECT, related_name="mentoring"
    )
    mentee = models.ForeignKey(
        Staff, verbose_name="被带教人", on_delete=models.PROTECT, related_name="mentored_by"
    )
    goals = models.TextField(
        "带教目标", max_length=2000, help_text="传经验、带业务、帮思想、解难题：写明要达到的目标。"
    )
    starts_on = models.DateField("带教开始")
    ends_on = models.DateField("带教结束")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="建立人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", default=clock.now)

    class Meta:
        verbose_name = "岗位带教"
        verbose_name_plural = "岗位带教"
        ordering = ["campaign", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="campaigns_pair_two_people"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaigns_pair_period"
            ),
            models.UniqueConstraint(
                fields=["campaign", "mentor", "mentee"], name="campaigns_pair_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.name} 带教 {self.mentee.name}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:pair-detail", args=[self.campaign.year, self.pk])


class MentorCheckIn(models.Model):
    """One meeting of a pair: what was taught or solved, and what comes next."""

    pair = models.ForeignKey(
        MentorPair, verbose_name="岗位带教", on_delete=models.CASCADE, related_name="check_ins"
    )
    held_on = models.DateField("日期")
    content = models.TextField("带教内容", max_length=2000)
    next_steps = models.TextField("下步安排", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField("记录人姓名", max_length=60)
    recorded_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = "带教记录"
        verbose_name_plural = "带教记录"
        ordering = ["pair", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.pair} {self.held_on:%Y-%m-%d}"


class Rotation(models.Model):
    """A 交流锻炼: a person works a period in another section or outside the office."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="rotations"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="交流人员", on_delete=models.PROTECT, related_name="rotations"
    )
    from_unit = models.ForeignKey(
        Unit, verbose_name="原单位", on_delete=models.PROTECT, related_name="rotations_out"
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name="交流单位（本系统内）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rotations_in",
    )
    to_name = models.CharField(
        "交流单位（系统外）", max_length=60, blank=True, help_text="如市国动办、区应急管理局。"
    )
    post = models.CharField("交流岗位", max_length=60)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    purpose = models.TextField("锻炼目标", max_length=1000)
    summary = models.TextField("交流锻炼小结", max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "交流锻炼"
        verbose_name_plural = "交流锻炼"
        ordering = ["campaign", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaigns_rotation_period"
            ),
            models.CheckConstraint(
                condition=Q(to_unit__isnull=False) | ~Q(to_name=""),
                name="campaigns_rotation_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} 赴{self.destination}交流锻炼"

    @property
    def destination(self) -> str:
        return self.to_unit.name if self.to_unit_id else self.to_name


class Competition(models.Model):
    """A 比武 (professional skills contest) the office holds or takes part in."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="competitions"
    )
    title = models.CharField("比武名称", max_length=100)
    discipline = models.CharField(
        "专业/岗位", max_length=40, help_text="比武所属的专业条线或岗位，如通信警报、潜力调查。"
    )
    level = models.CharField("层级", max_length=20, choices=CompetitionLevel.choices)
    organiser = models.CharField("组织单位", max_length=60)
    held_on = models.DateField("比武日期")
    place = models.CharField("地点", max_length=100, blank=True)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2, default=100)
    note = models.TextField("说明", max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "比武"
        verbose_name_plural = "比武"
        ordering = ["campaign", "held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="campaigns_competition_max"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:competition-detail", args=[self.campaign.year, self.pk])


class CompetitionEntry(models.Model):
    """A participant of a 比武 with the score; the ranking follows from the scores."""

    competition = models.ForeignKey(
        Competition, verbose_name="比武", on_delete=models.CASCADE, related_name="entries"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="参赛人员", on_delete=models.PROTECT, related_name="competition_entries"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("成绩", max_digits=6, decimal_places=2, null=True, blank=True)
    award = models.CharField("获奖等次", max_length=30, blank=True)

    class Meta:
        verbose_name = "参赛成绩"
        verbose_name_plural = "参赛成绩"
        ordering = ["competition", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "staff"], name="campaigns_entry_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="campaigns_entry_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.staff.name}"


class QuarterStar(models.Model):
    """A 季度之星: a person chosen for a quarter of the campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="quarter_stars"
    )
    quarter = models.PositiveSmallIntegerField("季度", choices=Quarter.choices)
    staff = models.ForeignKey(
        Staff, verbose_name="人员", on_delete=models.PROTECT, related_name="quarter_stars"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    deeds = models.TextField("主要事迹", max_length=1500)
    chosen_on = models.DateField("评选日期")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "季度之星"
        verbose_name_plural = "季度之星"
        ordering = ["campaign", "quarter", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "quarter", "staff"], name="campaigns_quarter_star_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年{self.get_quarter_display()}之星 {self.staff.name}"


class Discussion(models.Model):
    """A section's 对照“四个够不够”学习大讨论: when, who took part, and the minutes."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="实践活动", on_delete=models.PROTECT, related_name="discussions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="科室", on_delete=models.PROTECT, related_name="campaign_discussions"
    )
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    host = models.ForeignKey(
        Staff, verbose_name="主持人", on_delete=models.PROTECT, related_name="hosted_discussions"
    )
    participants = models.ManyToManyField(
        Staff, verbose_name="参加人员", related_name="campaign_discussions"
    )
    questions = models.JSONField(
        "对照内容", default=list, help_text="对照“四个够不够”中的哪几个方面讨论。"
    )
    minutes = models.TextField("讨论纪要", max_length=5000)
    problems = models.TextField("查摆问题", max_length=3000, blank=True)
    measures = models.TextField("整改措施", max_length=3000, blank=True)
    file = models.FileField(
        "纪要扫描件",
        upload_to=upload_path("campaigns/minutes"),
        max_length=200,
        blank=True,
        validators=[MINUTES_VALIDATOR],
        help_text=MINUTES_VALIDATOR.help_text,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = "“四个够不够”大讨论"
        verbose_name_plural = "“四个够不够”大讨论"
        ordering = ["campaign", "-held_on", "id"]

    def __str__(self) -> str:
        return f"{self.unit.display_name} {self.held_on:%Y-%m-%d} “四个够不够”大讨论"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:discussion-detail", args=[self.campaign.year, self.pk])


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
            ("汇总时间", f"{timezone.localtime(self.compiled_at):%Y年%m月%d日 %H:%M}"),
        ]

    def workflow_check_submittable(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.rows.exists():
            raise ValidationError("尚未汇总本月排名。")


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
