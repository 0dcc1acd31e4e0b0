"""Need to know: who reads which kind of record beyond their own unit, declared in one place.

Every kind of record of every programme is declared here ("app.Model" -> the roles that read
such records of every unit). Selectors, exports, PDFs, file downloads, the 审批单 (its subject's
kind, qpdo.workflow.rules) and the admin (whose querysets are the selectors') all ask
`reads_across_units(user, kind)` or `units_user_may_read(user, kind)`. Beside that rule:

- the record's own unit keeps access through the ordinary unit scope (科室负责人, 填报员 read
  every record of their unit; see scoping.UNIT_WIDE_ROLES);
- the person a record is about keeps theirs (the speaker of a topic, the nominee, the owner of
  a work item, a person's own 个人实践档案): the selectors add it;
- a programme may narrow further by state (another unit's 申报表 only once submitted).

Office-wide roles review or lead across units, but each only within its programme: a 宣教审核
reviews 六进 and has no business with a 岗位之星 申报表 (政治面貌、出生年月、籍贯…), nor a
小讲堂管理 with it. tests/test_need_to_know_matrix.py walks every object URL of the portal and
the admin as every demo role against this declaration; a model of a programme app missing from
READERS fails tests/test_need_to_know_matrix.py::test_every_model_of_every_programme_is_declared.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .enums import OFFICE_WIDE_ROLES, OUTREACH_UNIT_KINDS, Role
from .models import Unit
from .scoping import UNIT_WIDE_ROLES, has_role, user_unit

# 岗位之星: the 申报表 with its personal fields, the sections' plans and summaries. The three
# signers of the 申报表 (附表2: 办机关党支部意见, 办党组意见) and the leadership.
_STARS = frozenset({Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER})
# 国动小讲堂: 综合科 screens topics and receives manuscripts (小讲堂管理), 办领导 审定.
_LECTURES = frozenset({Role.LECTURES_COORDINATOR, Role.OFFICE_LEADER})
# 六进: 宣教审核 reviews plans, reports and registers; 办领导 leads.
_OUTREACH = frozenset({Role.OUTREACH_REVIEWER, Role.OFFICE_LEADER})
# 实践活动: the campaign is the whole office's; its work items, progress, teams, rankings
# (每月曝光) are shown to every office-wide role, who each take part in one of its tasks.
_CAMPAIGN = OFFICE_WIDE_ROLES
# Reference data: the campaign's frame, slots, posts, fronts (no unit's record).
EVERYONE = frozenset(Role)

READERS: dict[str, frozenset[Role]] = {
    # 实践活动 (campaigns)
    "campaigns.Campaign": EVERYONE,
    "campaigns.KeyTask": EVERYONE,
    "campaigns.KeyDate": EVERYONE,
    "campaigns.WorkItem": _CAMPAIGN,
    "campaigns.Milestone": _CAMPAIGN,
    "campaigns.ProgressReport": _CAMPAIGN,
    "campaigns.Evidence": _CAMPAIGN,
    "campaigns.Recheck": _CAMPAIGN,
    "campaigns.Team": _CAMPAIGN,  # and OFFICE_SHARED, like the other shared records below
    "campaigns.TeamMember": _CAMPAIGN,
    "campaigns.TeamOutput": _CAMPAIGN,
    "campaigns.MentorPair": _CAMPAIGN,
    "campaigns.MentorCheckIn": _CAMPAIGN,
    "campaigns.Rotation": _CAMPAIGN,
    "campaigns.Competition": _CAMPAIGN,
    "campaigns.CompetitionEntry": _CAMPAIGN,
    "campaigns.QuarterStar": _CAMPAIGN,
    "campaigns.Discussion": _CAMPAIGN,
    # 交流展示 (观摩、展示、经验交流…, and the stars' session): shown to the office (OFFICE_SHARED).
    "campaigns.Exchange": _CAMPAIGN,
    "campaigns.ExchangeParticipant": _CAMPAIGN,
    "campaigns.ExchangePhoto": _CAMPAIGN,
    "campaigns.MonthlyRanking": _CAMPAIGN,
    "campaigns.RankingRow": _CAMPAIGN,
    "campaigns.CampaignSummary": _CAMPAIGN,
    "campaigns.CampaignSummaryVersion": _CAMPAIGN,
    # A person's yearly record (个人实践档案), used for 平时考核/年度考核: the leadership only.
    "campaigns.PersonRecord": frozenset({Role.OFFICE_LEADER, Role.PARTY_GROUP}),
    # The 年度考核参考 list and its recommendations (优秀等次, 评先表彰): those who mark and decide.
    "campaigns.AppraisalRecommendation": frozenset({Role.OFFICE_LEADER, Role.PARTY_GROUP}),
    # 国动小讲堂 (lectures)
    "lectures.Slot": EVERYONE,
    "lectures.Topic": _LECTURES,
    "lectures.Manuscript": _LECTURES,
    "lectures.ManuscriptVersion": _LECTURES,
    "lectures.SlotRequest": _LECTURES,
    "lectures.CityPromotion": _LECTURES,
    # A scheduled lecture and its delivery photos: announced to the office (OFFICE_SHARED).
    "lectures.Lecture": _LECTURES,
    "lectures.LecturePhoto": _LECTURES,
    # 岗位之星 (stars)
    "stars.StarYear": EVERYONE,
    "stars.PostCategory": EVERYONE,
    "stars.Post": EVERYONE,
    "stars.CultivationPlan": _STARS,
    "stars.SummaryReport": _STARS,
    "stars.Nomination": _STARS,
    "stars.Score": _STARS,
    "stars.Star": _STARS,  # once announced, also OFFICE_SHARED (交流展示: name, post, photo)
    "stars.PrintedCopy": _STARS,
    "stars.Objection": _STARS,  # 公示 objections: who objected and why
    # 组织实施: a section's activities and the 机关党支部's 督查 of it (the section sees its own).
    "stars.ImplementationActivity": _STARS,
    "stars.ActivityEvidence": _STARS,
    "stars.SupervisionVisit": _STARS,
    # The 培树工作总结 drafted in the portal: its section's until handed in (SummaryReport).
    "stars.StarSummary": _STARS,
    "stars.StarSummaryVersion": _STARS,
    # 六进 (outreach)
    "outreach.Front": EVERYONE,
    "outreach.Plan": _OUTREACH,
    "outreach.PlanItem": _OUTREACH,
    "outreach.Report": _OUTREACH,
    "outreach.ReportPhoto": _OUTREACH,
    "outreach.ReportAttachment": _OUTREACH,
    "outreach.School": _OUTREACH,
    "outreach.EvacuationPlan": _OUTREACH,
    "outreach.SchoolDrill": _OUTREACH,
    "outreach.SchoolCourse": _OUTREACH,
    "outreach.Community": _OUTREACH,
    "outreach.CommunityExercise": _OUTREACH,
    "outreach.CommunityAirRaidPlan": _OUTREACH,
    "outreach.CommunityTeamMember": _OUTREACH,
    "outreach.Enterprise": _OUTREACH,
    "outreach.EnterpriseDrillPlan": _OUTREACH,
    "outreach.EnterpriseDrill": _OUTREACH,
    "outreach.PartySchoolAgreement": _OUTREACH,
    "outreach.PartySchoolCourse": _OUTREACH,
    "outreach.BaseVisit": _OUTREACH,
    "outreach.TownPlace": _OUTREACH,
    "outreach.TownPlaceRecord": _OUTREACH,
    "outreach.YearSummary": _OUTREACH,
    "outreach.YearSummaryVersion": _OUTREACH,
}

# Records shared with every member of the office's own units (科室, 中心, 党支部, 办领导…; not
# the 街镇 and 成员单位 填报员, see is_office_member), whatever their role: the campaign's
# teams, mentoring pairs, rotations, competitions and quarterly stars, the lecture schedule
# with its photos, the announced stars. Each programme's rules ask `reads_office_shared`.
OFFICE_SHARED = frozenset(
    {
        "campaigns.Campaign",
        "campaigns.KeyTask",
        "campaigns.KeyDate",
        "campaigns.Team",
        "campaigns.TeamMember",
        "campaigns.TeamOutput",
        "campaigns.MentorPair",
        "campaigns.Rotation",
        "campaigns.Competition",
        "campaigns.CompetitionEntry",
        "campaigns.QuarterStar",
        "campaigns.Exchange",
        "campaigns.ExchangeParticipant",
        "campaigns.ExchangePhoto",
        "lectures.Slot",
        "lectures.Lecture",
        "lectures.LecturePhoto",
        "stars.Star",
    }
)

# The 审批单 (workflow.Approval) and its opinions follow their subject's kind: see
# qpdo.workflow.rules.may_view. These kinds are not records of their own.
FOLLOW_SUBJECT = frozenset(
    {
        "workflow.Approval",
        "workflow.Opinion",
        "workflow.Countersign",
        "workflow.CarbonCopy",
        "workflow.Notification",
        "workflow.Reminder",
    }
)

# What the personal-data kinds are called, for documents and tests.
LABELS = {
    "stars.Nomination": "岗位之星申报表",
    "stars.CultivationPlan": "培树工作实施计划",
    "stars.SummaryReport": "培树工作总结",
    "campaigns.PersonRecord": "个人实践档案",
}


def readers(kind: str) -> frozenset[Role]:
    """Return the roles that read records of `kind` ("app.Model") of every unit.

    A kind not declared (a test subject of the workflow engine) keeps the blanket rule: every
    office-wide role.
    """
    return READERS.get(kind, OFFICE_WIDE_ROLES)


def reads_across_units(user, kind: str) -> bool:
    """Return whether the user reads `kind` records of every unit (not only their own)."""
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, *readers(kind))


def is_office_member(user) -> bool:
    """Return whether the user belongs to the office itself (not a 街镇 or 成员单位 填报员)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or has_role(user, *OFFICE_WIDE_ROLES):
        return True
    unit = user_unit(user)
    return unit is not None and unit.kind not in OUTREACH_UNIT_KINDS


def reads_office_shared(user, kind: str) -> bool:
    """Return whether the user reads `kind` records as a record shared with the office."""
    return kind in OFFICE_SHARED and is_office_member(user)


def units_user_may_read(user, kind: str) -> QuerySet[Unit]:
    """Return the units whose `kind` records the user may read: all for the declared readers,
    else their own unit when they read all of its records (科室负责人, 填报员), else none."""
    if reads_across_units(user, kind):
        return Unit.objects.all()
    unit = user_unit(user)
    if unit is None or not has_role(user, *UNIT_WIDE_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(pk=unit.pk)


def may_read_unit(user, kind: str, unit: Unit | int | None) -> bool:
    """Return whether the user may read every `kind` record of `unit` (by the declaration)."""
    if unit is None:
        return False
    if reads_across_units(user, kind):
        return True
    own = user_unit(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return own is not None and own.pk == unit_id and has_role(user, *UNIT_WIDE_ROLES)


def kind_of(model_or_instance) -> str:
    meta = model_or_instance._meta
    return f"{meta.app_label}.{meta.object_name}"
