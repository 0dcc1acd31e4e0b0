"""People's activities: teams, 带教, 交流, 比武, 季度之星 and the 四个够不够 discussions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qpdo.documents.uploads import upload_path
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow.enums import State
from qpdo.workflow.models import ApprovalSubject

from ..enums import CompetitionLevel, OutputKind, Quarter, TeamKind
from .campaign import EVIDENCE_VALIDATOR, MINUTES_VALIDATOR, Campaign, KeyTask

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


class QuarterStarQuerySet(models.QuerySet["QuarterStar"]):
    def chosen(self) -> QuarterStarQuerySet:
        """The recommendations the 办党组 approved: the 季度之星 themselves."""
        return self.filter(approval__state=State.APPROVED)


class QuarterStar(ApprovalSubject):
    """A 季度之星: a person recommended for a quarter of the campaign, and chosen.

    科室推荐 (the person's 科室负责人) → 牵头科室审核 → 办党组评定, through the engine
    (`campaigns.chains.QUARTER_STAR_CHAIN`). Only an approved recommendation is a 季度之星:
    the list page, the personal record and the overview count those.
    """

    workflow_chain_code = "campaigns.quarter_star"

    objects = QuarterStarQuerySet.as_manager()

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
    chosen_on = models.DateField("推荐日期")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推荐人", on_delete=models.PROTECT, related_name="+"
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

    def get_absolute_url(self) -> str:
        return reverse("campaigns:quarter-star-list", args=[self.campaign.year])

    def get_workflow_unit(self) -> Unit:
        return self.unit

    def get_workflow_year(self) -> int:
        return self.campaign.year

    def get_workflow_title(self) -> str:
        return (
            f"{self.campaign.year}年{self.get_quarter_display()}“季度之星”推荐：{self.staff.name}"
        )

    def get_workflow_summary(self) -> list[tuple[str, str]]:
        return [
            ("季度", f"{self.campaign.year}年{self.get_quarter_display()}"),
            ("推荐人选", self.staff.name),
            ("所在科室", self.unit.name),
            ("主要事迹", self.deeds),
        ]

    def workflow_check_submittable(self) -> None:
        if not self.deeds.strip():
            raise ValidationError({"deeds": "请填写主要事迹。"})


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
