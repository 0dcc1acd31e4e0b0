"""IDOR matrix: every object URL of the portal and every admin change page, as every demo role.

The demo records (`seed --demo`) are built once for the module. For each URL pattern that
names an object, the matrix takes one object of its kind and requests it as every demo
sign-in (GET, or POST for POST-only URLs, each POST rolled back). Declared answer:

- never a 403 for a portal link (someone else's object is a 404, like a missing one), never
  a 500, in the portal or the admin;
- a user who is neither a declared reader of the kind (qpdo.org.need_to_know.READERS), nor of
  the object's unit (科室负责人, 填报员 of that unit), nor a person the object is about, gets
  no 200 (a 404; a 405 for a POST-only URL asked with the wrong method never happens here);
- for the read URLs (detail, PDF, file), every declared reader gets a 200.

A URL pattern with an object id that is not in SPECS or EXEMPT fails
test_every_object_url_is_in_the_matrix; a programme model missing from need_to_know fails
test_every_model_of_every_programme_is_declared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lectures import rules as lecture_rules
from qpdo.errors import NOT_OBJECT_PARAMETERS
from qpdo.org import clock
from qpdo.org.need_to_know import (
    FOLLOW_SUBJECT,
    READERS,
    kind_of,
    reads_across_units,
    reads_office_shared,
)
from qpdo.org.scoping import UNIT_WIDE_ROLES, has_role, user_unit
from qpdo.workflow import rules as workflow_rules
from tests.conftest import TEST_NOW

# Every demo sign-in of the README (one of the four further 街镇 填报员 stands for them).
DEMO_USERS = (
    "zonghe_head",
    "gongcheng_head",
    "dongyuan_head",
    "baozhang_head",
    "zonghe_staff",
    "member",
    "office_leader",
    "party_branch",
    "party_group",
    "outreach_reviewer",
    "zhujiajiao",
    "jiaoyuju",
    "quguodong",
    "xiayang",
    "sysadmin",
    "secadmin",
    "auditor",
)


def _ids(*values) -> set[int]:
    return {v for v in values if v is not None}


@dataclass(frozen=True)
class Spec:
    """One object URL: the model it names, how to fill the URL, whose the object is."""

    model: str
    kwargs: Callable[[object], dict]
    units: Callable[[object], set[int]] = lambda o: set()
    people: Callable[[object], set[int]] = lambda o: set()
    post: bool = False
    read: bool = False  # a read URL: every declared reader gets a 200
    pick: dict = field(default_factory=dict)  # filter for the object taken from the demo
    kind: Callable[[object], str] | None = None  # the kind whose readers are declared
    entitled: Callable[[object, object], bool] | None = None  # a programme's own narrowing


def pk(o) -> dict:
    return {"pk": o.pk}


def year_pk(path: str):
    def kwargs(o) -> dict:
        campaign = o
        for part in path.split("."):
            campaign = getattr(campaign, part)
        return {"year": campaign.year, "pk": o.pk}

    return kwargs


def _subject_kind(approval) -> str:
    model = ContentType.objects.get_for_id(approval.content_type_id).model_class()
    return kind_of(model)


def _approval_people(approval) -> set[int]:
    actors = set(approval.opinions.values_list("actor_id", flat=True))
    return actors | _ids(approval.submitter_id, approval.assignee_id, approval.created_by_id)


def _may_decide(user, approval) -> bool:
    return workflow_rules.refusal_to_decide(user, approval) is None


def _sees_schedule(user, o) -> bool:
    return lecture_rules.may_view_schedule(user)


def _drafts_campaign_summary(user, version) -> bool:
    """The 牵头科室 (综合科) drafts the year's 实践活动总结 (campaigns.summaries.may_edit)."""
    from campaigns.summaries import may_edit

    return may_edit(user, version.summary.campaign)


def _announced_star(user, nomination) -> bool:
    from stars.models import Star

    announced = Star.objects.filter(
        nomination=nomination, campaign__star_year__announced_at__isnull=False
    )
    return reads_office_shared(user, "stars.Star") and announced.exists()


def _discussion_people(o) -> set[int]:
    return _ids(o.host.user_id if o.host_id else None) | set(
        o.participants.values_list("user_id", flat=True)
    )


def _exchange_people(o) -> set[int]:
    return set(o.participants.exclude(staff__user=None).values_list("staff__user_id", flat=True))


def _team_units(team) -> set[int]:
    return _ids(team.lead_unit_id, *team.members.values_list("staff__unit_id", flat=True))


def _team_people(team) -> set[int]:
    return _ids(team.leader.user_id if team.leader_id else None) | set(
        team.members.values_list("staff__user_id", flat=True)
    )


TOPIC = {"units": lambda o: {o.unit_id}, "people": lambda o: _ids(o.speaker.user_id)}
MANUSCRIPT = {
    "units": lambda o: {o.topic.unit_id},
    "people": lambda o: _ids(o.topic.speaker.user_id),
}
NOMINATION = {
    "units": lambda o: {o.unit_id},
    "people": lambda o: _ids(o.nominee.user_id if o.nominee else None),
}
APPROVAL = {
    "units": lambda o: {o.unit_id},
    "people": _approval_people,
    "kind": _subject_kind,
    "entitled": lambda user, o: _may_decide(user, o),
}
UNIT = {"units": lambda o: {o.unit_id}}
ITEM = {"units": lambda o: {o.unit_id}, "people": lambda o: _ids(o.owner.user_id)}
REPORT_ITEM = {
    "units": lambda o: {o.item.unit_id},
    "people": lambda o: _ids(o.item.owner.user_id, o.author_id),
}
TOWN = {"units": lambda o: {o.town_id}}
SUBMITTED = {"approval__round__gt": 0}

SPECS: dict[str, Spec] = {
    # 审批单 (follows its subject's kind)
    "workflow:approval-detail": Spec("workflow.Approval", pk, read=True, **APPROVAL),
    "workflow:approval-pdf": Spec("workflow.Approval", pk, read=True, **APPROVAL),
    "workflow:approval-docx": Spec("workflow.Approval", pk, read=True, **APPROVAL),
    "workflow:approval-act": Spec(
        "workflow.Approval", lambda o: {"pk": o.pk, "move": "decide"}, post=True, **APPROVAL
    ),
    "workflow:notification-read": Spec(
        "workflow.Notification",
        pk,
        people=lambda o: {o.recipient_id},
        post=True,
        kind=lambda o: "workflow.Notification",
    ),
    # 实践活动
    "campaigns:item-detail": Spec("campaigns.WorkItem", year_pk("campaign"), read=True, **ITEM),
    "campaigns:item-update": Spec("campaigns.WorkItem", year_pk("campaign"), **ITEM),
    "campaigns:report-create": Spec("campaigns.WorkItem", year_pk("campaign"), **ITEM),
    "campaigns:item-recheck": Spec("campaigns.WorkItem", year_pk("campaign"), **ITEM),
    "campaigns:report-detail": Spec(
        "campaigns.ProgressReport", year_pk("item.campaign"), read=True, **REPORT_ITEM
    ),
    "campaigns:report-update": Spec(
        "campaigns.ProgressReport", year_pk("item.campaign"), **REPORT_ITEM
    ),
    "campaigns:evidence": Spec(
        "campaigns.Evidence",
        year_pk("report.item.campaign"),
        units=lambda o: {o.report.item.unit_id},
        people=lambda o: _ids(o.report.item.owner.user_id, o.uploaded_by_id),
        read=True,
    ),
    "campaigns:team-detail": Spec(
        "campaigns.Team", year_pk("campaign"), units=_team_units, people=_team_people, read=True
    ),
    "campaigns:team-update": Spec(
        "campaigns.Team", year_pk("campaign"), units=_team_units, people=_team_people
    ),
    "campaigns:team-output": Spec(
        "campaigns.Team", year_pk("campaign"), units=_team_units, people=_team_people, post=True
    ),
    "campaigns:output-file": Spec(
        "campaigns.TeamOutput",
        year_pk("team.campaign"),
        units=lambda o: _team_units(o.team),
        people=lambda o: _team_people(o.team),
        pick={"file__gt": ""},
        read=True,
    ),
    "campaigns:pair-detail": Spec(
        "campaigns.MentorPair",
        year_pk("campaign"),
        units=lambda o: {o.mentor.unit_id, o.mentee.unit_id},
        people=lambda o: _ids(o.mentor.user_id, o.mentee.user_id),
        read=True,
    ),
    "campaigns:pair-update": Spec(
        "campaigns.MentorPair",
        year_pk("campaign"),
        units=lambda o: {o.mentor.unit_id, o.mentee.unit_id},
        people=lambda o: _ids(o.mentor.user_id, o.mentee.user_id),
    ),
    "campaigns:rotation-update": Spec(
        "campaigns.Rotation",
        year_pk("campaign"),
        units=lambda o: _ids(o.staff.unit_id, o.from_unit_id, o.to_unit_id),
        people=lambda o: _ids(o.staff.user_id),
    ),
    "campaigns:competition-detail": Spec(
        "campaigns.Competition",
        year_pk("campaign"),
        units=lambda o: set(o.entries.values_list("unit_id", flat=True)),
        read=True,
    ),
    "campaigns:competition-update": Spec(
        "campaigns.Competition",
        year_pk("campaign"),
        units=lambda o: set(o.entries.values_list("unit_id", flat=True)),
    ),
    "campaigns:competition-results": Spec(
        "campaigns.Competition",
        year_pk("campaign"),
        units=lambda o: set(o.entries.values_list("unit_id", flat=True)),
    ),
    "campaigns:discussion-detail": Spec(
        "campaigns.Discussion", year_pk("campaign"), people=_discussion_people, read=True, **UNIT
    ),
    "campaigns:discussion-file": Spec(
        "campaigns.Discussion",
        year_pk("campaign"),
        people=_discussion_people,
        pick={"file__gt": ""},
        read=True,
        **UNIT,
    ),
    # 交流展示 (shown to the office: need_to_know.OFFICE_SHARED)
    "campaigns:exchange-detail": Spec(
        "campaigns.Exchange", year_pk("campaign"), people=_exchange_people, read=True, **UNIT
    ),
    "campaigns:exchange-edit": Spec(
        "campaigns.Exchange",
        year_pk("campaign"),
        people=_exchange_people,
        pick={"kind": "project_visit"},
        **UNIT,
    ),
    "campaigns:exchange-delete": Spec(
        "campaigns.Exchange",
        year_pk("campaign"),
        people=_exchange_people,
        pick={"kind": "project_visit"},
        post=True,
        **UNIT,
    ),
    "campaigns:exchange-material": Spec(
        "campaigns.Exchange",
        year_pk("campaign"),
        people=_exchange_people,
        pick={"material__gt": ""},
        read=True,
        **UNIT,
    ),
    "campaigns:exchange-photo": Spec(
        "campaigns.ExchangePhoto", pk, units=lambda o: {o.exchange.unit_id}, read=True
    ),
    "campaigns:exchange-photo-thumb": Spec(
        "campaigns.ExchangePhoto", pk, units=lambda o: {o.exchange.unit_id}, read=True
    ),
    "campaigns:exchange-reflection-file": Spec(
        "campaigns.ExchangeParticipant",
        pk,
        units=lambda o: {o.exchange.unit_id},
        people=lambda o: _ids(o.staff.user_id),
        pick={"file__gt": ""},
        read=True,
    ),
    "campaigns:record": Spec(
        "org.Staff",
        lambda o: {"year": clock.today().year, "staff_pk": o.pk},
        units=lambda o: {o.unit_id},
        people=lambda o: _ids(o.user_id),
        kind=lambda o: "campaigns.PersonRecord",
        pick={"user__username": "member"},
        read=True,
    ),
    "campaigns:record-pdf": Spec(
        "org.Staff",
        lambda o: {"year": clock.today().year, "staff_pk": o.pk},
        units=lambda o: {o.unit_id},
        people=lambda o: _ids(o.user_id),
        kind=lambda o: "campaigns.PersonRecord",
        pick={"user__username": "member"},
        read=True,
    ),
    "campaigns:record-docx": Spec(
        "org.Staff",
        lambda o: {"year": clock.today().year, "staff_pk": o.pk},
        units=lambda o: {o.unit_id},
        people=lambda o: _ids(o.user_id),
        kind=lambda o: "campaigns.PersonRecord",
        pick={"user__username": "member"},
        read=True,
    ),
    "campaigns:quarter-star-edit": Spec(
        "campaigns.QuarterStar",
        year_pk("campaign"),
        units=lambda o: {o.unit_id},
        people=lambda o: _ids(o.staff.user_id),
    ),
    "campaigns:summary-choose": Spec(
        "campaigns.CampaignSummaryVersion",
        lambda o: {"year": o.summary.campaign.year, "version": o.pk},
        post=True,
        kind=lambda o: "campaigns.CampaignSummary",
        entitled=_drafts_campaign_summary,
    ),
    # 年度考核参考: the 办领导 and the 办党组 only (not the person's section head, nor the person)
    "campaigns:appraisal-mark": Spec(
        "org.Staff",
        lambda o: {"year": clock.today().year, "staff_pk": o.pk},
        kind=lambda o: "campaigns.AppraisalRecommendation",
        pick={"user__username": "member"},
        read=True,
    ),
    # 国动小讲堂
    "lectures:topic-detail": Spec("lectures.Topic", pk, pick=SUBMITTED, read=True, **TOPIC),
    "lectures:topic-update": Spec("lectures.Topic", pk, **TOPIC),
    "lectures:manuscript-edit": Spec("lectures.Topic", pk, **TOPIC),
    "lectures:lecture-schedule": Spec("lectures.Topic", pk, **TOPIC),
    "lectures:manuscript-detail": Spec(
        "lectures.Manuscript", pk, pick=SUBMITTED, read=True, **MANUSCRIPT
    ),
    "lectures:manuscript-compare": Spec("lectures.Manuscript", pk, **MANUSCRIPT),
    "lectures:manuscript-file": Spec(
        "lectures.ManuscriptVersion",
        lambda o: {"pk": o.manuscript_id, "number": o.number, "kind": "slides"},
        units=lambda o: {o.manuscript.topic.unit_id},
        people=lambda o: _ids(o.manuscript.topic.speaker.user_id, o.author_id),
        pick={"slides__gt": ""},
        kind=lambda o: "lectures.Manuscript",
    ),
    "lectures:lecture-detail": Spec(
        "lectures.Lecture", pk, read=True, entitled=_sees_schedule, kind=lambda o: "lectures.Topic"
    ),
    "lectures:lecture-edit": Spec(
        "lectures.Lecture",
        lambda o: {"lecture_pk": o.pk},
        units=lambda o: {o.topic.unit_id},
        kind=lambda o: "lectures.Topic",
    ),
    "lectures:lecture-delivery": Spec(
        "lectures.Lecture", pk, units=lambda o: {o.topic.unit_id}, kind=lambda o: "lectures.Topic"
    ),
    "lectures:photo": Spec(
        "lectures.LecturePhoto",
        lambda o: {"pk": o.pk, "size": "thumb"},
        entitled=_sees_schedule,
        kind=lambda o: "lectures.Topic",
    ),
    "lectures:slot-cancel": Spec(
        "lectures.Slot", pk, units=lambda o: {o.unit_id}, post=True, kind=lambda o: "lectures.Topic"
    ),
    "lectures:slot-request-detail": Spec(
        "lectures.SlotRequest", pk, read=True, units=lambda o: {o.unit_id}
    ),
    "lectures:lecture-promotion": Spec(
        "lectures.Lecture",
        pk,
        pick={"city_promotion__isnull": False},
        units=lambda o: {o.topic.unit_id},
        kind=lambda o: "lectures.CityPromotion",
    ),
    "lectures:lecture-promotion-file": Spec(
        "lectures.CityPromotion",
        lambda o: {"pk": o.lecture_id, "kind": "slides"},
        pick={"slides__gt": ""},
        units=lambda o: {o.lecture.topic.unit_id},
        people=lambda o: _ids(o.lecture.topic.speaker.user_id),
        read=True,
    ),
    # 岗位之星
    # the stars' 交流展示 session (a campaigns 交流展示), changed by the 机关党支部 only
    "stars:sharing-edit": Spec(
        "campaigns.Exchange",
        pk,
        people=_exchange_people,
        pick={"kind": "star_sharing"},
        **UNIT,
    ),
    "stars:plan-detail": Spec("stars.CultivationPlan", pk, pick=SUBMITTED, read=True, **UNIT),
    "stars:plan-update": Spec("stars.CultivationPlan", pk, **UNIT),
    "stars:plan-submit": Spec("stars.CultivationPlan", pk, post=True, **UNIT),
    "stars:plan-delete": Spec("stars.CultivationPlan", pk, post=True, **UNIT),
    "stars:summary-file": Spec("stars.SummaryReport", pk, read=True, **UNIT),
    "stars:activity-detail": Spec("stars.ImplementationActivity", pk, read=True, **UNIT),
    "stars:activity-evidence": Spec(
        "stars.ActivityEvidence",
        lambda o: {"pk": o.activity_id, "evidence_pk": o.pk},
        units=lambda o: {o.activity.unit_id},
        read=True,
    ),
    "stars:activity-delete": Spec("stars.ImplementationActivity", pk, post=True, **UNIT),
    "stars:visit-detail": Spec("stars.SupervisionVisit", pk, read=True, **UNIT),
    "stars:visit-follow-up": Spec("stars.SupervisionVisit", pk, post=True, **UNIT),
    # A section's own draft: the version is looked up in the acting section's 总结 only.
    "stars:summary-draft-choose": Spec(
        "stars.StarSummaryVersion",
        lambda o: {"version": o.pk},
        units=lambda o: {o.summary.unit_id},
        post=True,
    ),
    "stars:nomination-detail": Spec(
        "stars.Nomination", pk, pick=SUBMITTED, read=True, **NOMINATION
    ),
    "stars:nomination-pdf": Spec("stars.Nomination", pk, pick=SUBMITTED, read=True, **NOMINATION),
    "stars:nomination-docx": Spec("stars.Nomination", pk, pick=SUBMITTED, read=True, **NOMINATION),
    "stars:nomination-photo": Spec(
        "stars.Nomination",
        pk,
        pick={**SUBMITTED, "photo__gt": ""},
        read=True,
        entitled=_announced_star,
        **NOMINATION,
    ),
    "stars:nomination-update": Spec("stars.Nomination", pk, **NOMINATION),
    "stars:nomination-submit": Spec("stars.Nomination", pk, post=True, **NOMINATION),
    "stars:nomination-delete": Spec("stars.Nomination", pk, post=True, **NOMINATION),
    "stars:nomination-score": Spec("stars.Nomination", pk, pick=SUBMITTED, **NOMINATION),
    "stars:nomination-select": Spec("stars.Nomination", pk, post=True, **NOMINATION),
    "stars:nomination-unselect": Spec("stars.Nomination", pk, post=True, **NOMINATION),
    "stars:star-citation": Spec("stars.Nomination", pk, post=True, **NOMINATION),
    "stars:objection-handle": Spec(
        "stars.Objection",
        pk,
        units=lambda o: {o.nomination.unit_id},
        people=lambda o: _ids(o.nomination.nominee.user_id if o.nomination.nominee else None),
        post=True,
    ),
    # 六进
    "outreach:plan-detail": Spec("outreach.Plan", pk, pick=SUBMITTED, read=True, **UNIT),
    "outreach:plan-update": Spec("outreach.Plan", pk, **UNIT),
    "outreach:plan-review": Spec("outreach.Plan", pk, post=True, **UNIT),
    "outreach:report-detail": Spec("outreach.Report", pk, pick=SUBMITTED, read=True, **UNIT),
    "outreach:report-update": Spec("outreach.Report", pk, **UNIT),
    "outreach:report-delete": Spec("outreach.Report", pk, post=True, **UNIT),
    "outreach:report-review": Spec("outreach.Report", pk, post=True, **UNIT),
    "outreach:report-promote": Spec("outreach.Report", pk, post=True, **UNIT),
    "outreach:photo": Spec(
        "outreach.ReportPhoto", pk, units=lambda o: {o.report.unit_id}, read=True
    ),
    "outreach:photo-thumb": Spec(
        "outreach.ReportPhoto", pk, units=lambda o: {o.report.unit_id}, read=True
    ),
    "outreach:attachment": Spec(
        "outreach.ReportAttachment", pk, units=lambda o: {o.report.unit_id}, read=True
    ),
    "outreach:school-detail": Spec("outreach.School", pk, read=True, **TOWN),
    "outreach:evacuation-plan": Spec(
        "outreach.EvacuationPlan",
        pk,
        pick={"file__gt": ""},
        units=lambda o: {o.school.town_id},
        read=True,
    ),
    "outreach:community-detail": Spec("outreach.Community", pk, read=True, **TOWN),
    "outreach:air-raid-plan": Spec(
        "outreach.CommunityAirRaidPlan",
        pk,
        pick={"file__gt": ""},
        units=lambda o: {o.community.town_id},
        read=True,
    ),
    "outreach:enterprise-detail": Spec("outreach.Enterprise", pk, read=True, **TOWN),
    "outreach:enterprise-plan": Spec(
        "outreach.EnterpriseDrillPlan",
        pk,
        pick={"file__gt": ""},
        units=lambda o: {o.enterprise.town_id},
        read=True,
    ),
    "outreach:agreement": Spec(
        "outreach.PartySchoolAgreement", pk, units=lambda o: {o.partner_id}, read=True
    ),
    "outreach:summary-detail": Spec("outreach.YearSummary", pk, read=True, **UNIT),
    "outreach:summary-pdf": Spec("outreach.YearSummary", pk, read=True, **UNIT),
    "outreach:summary-docx": Spec("outreach.YearSummary", pk, read=True, **UNIT),
    "outreach:summary-update": Spec("outreach.YearSummary", pk, **UNIT),
    "outreach:summary-submit": Spec("outreach.YearSummary", pk, post=True, **UNIT),
    "outreach:summary-review": Spec("outreach.YearSummary", pk, post=True, **UNIT),
    "outreach:summary-job": Spec("outreach.YearSummary", pk, post=True, **UNIT),
    "outreach:summary-choose": Spec(
        "outreach.YearSummaryVersion",
        lambda o: {"pk": o.summary_id, "version": o.pk},
        units=lambda o: {o.summary.unit_id},
        post=True,
        kind=lambda o: "outreach.YearSummary",
    ),
    # Background jobs: the one who asked for them.
    "jobs:job-detail": Spec(
        "jobs.Job", pk, people=lambda o: {o.requested_by_id}, kind=lambda o: "jobs.Job"
    ),
    "jobs:job-file": Spec(
        "jobs.Job", pk, people=lambda o: {o.requested_by_id}, kind=lambda o: "jobs.Job"
    ),
}

# URL patterns with a parameter that is not an object of a unit, and why.
EXEMPT = {
    "lectures:calendar-feed": "signed personal token, no session (tests/lectures/test_calendar.py)",
}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, set(entry.pattern.converters)


def object_url_names() -> set[str]:
    """Return the names of the portal's URL patterns (admin aside) that take an object."""
    names = set()
    for route, name, parameters in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        if parameters - NOT_OBJECT_PARAMETERS:
            names.add(name or route)
    return names


def test_every_object_url_is_in_the_matrix():
    missing = object_url_names() - set(SPECS) - set(EXEMPT)
    assert missing == set(), (
        f"add these URL patterns to SPECS (or EXEMPT, with a reason): {missing}"
    )
    assert set(SPECS) <= object_url_names()  # no stale entries


def test_every_model_of_every_programme_is_declared():
    programme_models = {
        kind_of(model)
        for app in ("campaigns", "lectures", "stars", "outreach")
        for model in apps.get_app_config(app).get_models()
    }
    assert programme_models - set(READERS) == set()
    workflow_models = {kind_of(m) for m in apps.get_app_config("workflow").get_models()}
    assert workflow_models - FOLLOW_SUBJECT <= {"workflow.CommonOpinion"}


# The walk ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_records(django_db_setup, django_db_blocker):
    """Build the demo's programme records once for this module; roll them back after."""
    with django_db_blocker.unblock(), clock.pinned(TEST_NOW), transaction.atomic():
        call_command("seed", "--demo", verbosity=0)
        _ensure_job()
        _ensure_files()
        _ensure_late_kinds()
        yield
        transaction.set_rollback(True)


def _ensure_job() -> None:
    """Give the matrix a background job and a notification, which the demo may not have."""
    from qpdo.jobs.models import Job
    from qpdo.workflow.models import Approval, Notification

    user = get_user_model().objects.get(username="party_branch")
    if not Job.objects.exists():
        Job.objects.create(kind="matrix", label="测试任务", requested_by=user)
    if not Notification.objects.exists():
        Notification.objects.create(
            recipient=user, title="测试通知", body="", url="/", approval=Approval.objects.first()
        )


def _ensure_files() -> None:
    """Give one discussion minutes and one manuscript version slides, if the demo has none."""
    from django.core.files.base import ContentFile

    from campaigns.models import Discussion
    from lectures.models import ManuscriptVersion

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    discussion = Discussion.objects.order_by("pk").first()
    if discussion is not None and not Discussion.objects.exclude(file="").exists():
        discussion.file.save("minutes.pdf", ContentFile(pdf), save=False)
        Discussion.objects.filter(pk=discussion.pk).update(
            file=discussion.file.name, original_name="会议记录.pdf"
        )
    from outreach.models import Community, CommunityAirRaidPlan

    if not CommunityAirRaidPlan.objects.exclude(file="").exists():
        plan = CommunityAirRaidPlan(
            community=Community.objects.order_by("pk").first(), compiled_on=clock.today()
        )
        plan.file.save("plan.pdf", ContentFile(pdf), save=False)
        plan.original_name = "防空袭方案.pdf"
        plan.save()
    version = ManuscriptVersion.objects.order_by("pk").first()
    if version is not None and not ManuscriptVersion.objects.exclude(slides="").exists():
        version.slides.save("slides.pdf", ContentFile(pdf), save=False)
        ManuscriptVersion.objects.filter(pk=version.pk).update(
            slides=version.slides.name, slides_name="讲稿.pdf"
        )


def _ensure_late_kinds() -> None:
    """Give the matrix the records the demo does not build: a 季度之星 recommendation, the
    year's 实践活动总结, a 加开场次 request, a 报市国动办推广 with its PPT, a 六进年度工作总结
    and a 公示 objection."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns import selectors as campaign_selectors
    from campaigns import summaries as campaign_summaries
    from campaigns.demo import HEADS
    from campaigns.models import Campaign, CampaignSummary, QuarterStar
    from campaigns.services import quarter_stars
    from lectures import services as lecture_services
    from lectures.models import CityPromotion, Lecture, SlotRequest
    from outreach import summaries as outreach_summaries
    from outreach.models import YearSummary
    from qpdo.org.models import Staff
    from stars.models import Nomination, Objection, StarYear

    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERS)}
    today = clock.today()
    campaign = Campaign.objects.get(year=today.year)
    if not QuarterStar.objects.exists():
        person = Staff.objects.filter(unit__code="gongcheng", is_active=True).order_by("pk")[0]
        quarter = max(
            q
            for q in campaign_selectors.quarters_of(campaign)
            if campaign_selectors.quarter_bounds(campaign.year, q)[0] <= today
        )
        quarter_stars.quarter_star_recommend(
            acting_user=users[HEADS["gongcheng"]],
            campaign=campaign,
            quarter=quarter,
            staff=person,
            deeds="带领专班完成工程质量检查。",
        )
    if not CampaignSummary.objects.filter(campaign=campaign).exists():
        campaign_summaries.summary_create(acting_user=users["zonghe_head"], campaign=campaign)
    if not SlotRequest.objects.exists():
        lecture_services.slot_request_create(
            acting_user=users["gongcheng_head"],
            campaign=campaign,
            month=9,
            reason="工程指挥科另有一名讲述人。",
        )
    if not CityPromotion.objects.exclude(slides="").exists():
        lecture = (
            Lecture.objects.filter(held_on__isnull=False, slot__campaign=campaign)
            .order_by("held_on")
            .first()
        )
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        if lecture is not None:
            lecture_services.lecture_record_city_promotion(
                acting_user=users["zonghe_staff"],
                lecture=lecture,
                sent_on=today,
                note="报送讲述稿与PPT",
                slides=SimpleUploadedFile("ppt.pdf", pdf),
            )
        else:  # early in the year nothing is held yet: last year's lecture (its year closed)
            from django.core.files.base import ContentFile

            lecture = Lecture.objects.filter(held_on__isnull=False).order_by("-held_on").first()
            promotion = CityPromotion(
                lecture=lecture,
                sent_on=lecture.held_on,
                note="报送PPT",
                recorded_by=users["zonghe_staff"],
                updated_at=clock.now(),
            )
            promotion.slides.save("ppt.pdf", ContentFile(pdf), save=False)
            promotion.slides_name = "讲堂.pdf"
            promotion.save()
    if not YearSummary.objects.exists():
        outreach_summaries.summary_create(acting_user=users["zhujiajiao"], year=today.year)
    if not Objection.objects.exists():
        nomination = Nomination.objects.filter(**SUBMITTED).order_by("pk").first()
        Objection.objects.create(
            star_year=StarYear.objects.get(campaign=nomination.campaign),
            nomination=nomination,
            received_on=today,
            raised_by="某科室同志",
            content="反映其事迹材料与比武成绩不一致。",
            recorded_by=users["party_branch"],
            recorded_by_name="机关党支部",
        )


def _users() -> list:
    return list(get_user_model().objects.filter(username__in=DEMO_USERS).order_by("username"))


def _entitled(user, spec: Spec, obj) -> bool:
    """Return whether the declaration lets the user read the object."""
    kind = spec.kind(obj) if spec.kind else spec.model
    if kind in READERS and reads_across_units(user, kind):
        return True
    if reads_office_shared(user, kind):
        return True
    if spec.entitled is not None and spec.entitled(user, obj):
        return True
    unit = user_unit(user)
    if unit is not None and unit.pk in spec.units(obj) and has_role(user, *UNIT_WIDE_ROLES):
        return True
    return user.pk in spec.people(obj)


def _request(client, user, url: str, post: bool):
    client.force_login(user, backend="qpdo.org.backends.PortalBackend")
    try:
        with transaction.atomic():
            response = client.post(url) if post else client.get(url)
            transaction.set_rollback(True)  # a POST's effect must not change the next cell
    finally:
        cache.clear()
        client.logout()
    return response


def _object_for(spec: Spec):
    model = apps.get_model(spec.model)
    obj = model.objects.filter(**spec.pick).order_by("pk").first()
    assert obj is not None, f"the demo has no {spec.model} matching {spec.pick}"
    return obj


@pytest.mark.parametrize("name", sorted(SPECS))
def test_object_url_answers_as_declared_for_every_role(name, demo_records, db, client):
    spec = SPECS[name]
    obj = _object_for(spec)
    url = reverse(name, kwargs=spec.kwargs(obj))
    wrong = []
    for user in _users():
        status = _request(client, user, url, spec.post).status_code
        entitled = _entitled(user, spec, obj)
        if status in (403, 500) or status >= 500:
            wrong.append(f"{user.username}: {status}")
        elif not entitled and status == 200:
            wrong.append(f"{user.username}: 200 without need to know")
        elif not entitled and status not in (404, 405):
            wrong.append(f"{user.username}: {status}, not 404")
        elif spec.read and entitled and status != 200:
            wrong.append(f"{user.username}: {status} for a declared reader")
    assert wrong == [], f"{url}: {wrong}"


def _admin_models() -> list[str]:
    return sorted(kind_of(model) for model in admin.site._registry)


# Which units and people an admin object belongs to, for the models the matrix knows.
ADMIN_SCOPES = {spec.model: spec for spec in SPECS.values() if spec.model != "org.Staff"}


@pytest.mark.parametrize("label", _admin_models())
def test_admin_change_page_answers_as_declared_for_every_role(label, demo_records, db, client):
    model = apps.get_model(label)
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"the demo has no {label}")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    spec = ADMIN_SCOPES.get(label)
    wrong = []
    for user in _users():
        status = _request(client, user, url, post=False).status_code
        if status >= 500:
            wrong.append(f"{user.username}: {status}")
        elif spec is not None and status == 200 and not _entitled(user, spec, obj):
            wrong.append(f"{user.username}: 200 without need to know")
    assert wrong == [], f"{url}: {wrong}"


def test_declared_example_nomination_pdf_of_another_unit(demo_records, db, client):
    """The issue's example: the 申报表 PDF is read by the nominating section, 机关党支部,
    办党组 and 办领导; 宣教审核 and 小讲堂管理 get a 404."""
    from stars.models import Nomination

    nomination = (
        Nomination.objects.filter(**SUBMITTED, unit__code="gongcheng").order_by("pk").first()
    )
    assert nomination is not None
    url = reverse("stars:nomination-pdf", kwargs={"pk": nomination.pk})
    users = {u.username: u for u in _users()}
    answers = {
        name: _request(client, users[name], url, post=False).status_code
        for name in (
            "gongcheng_head",
            "party_branch",
            "party_group",
            "office_leader",
            "outreach_reviewer",
            "zonghe_staff",
            "zonghe_head",
        )
    }
    assert answers == {
        "gongcheng_head": 200,
        "party_branch": 200,
        "party_group": 200,
        "office_leader": 200,
        "outreach_reviewer": 404,
        "zonghe_staff": 404,
        "zonghe_head": 404,
    }


# Exports ----------------------------------------------------------------------------------


def _export_text(response) -> str:
    """Return the text of an export: every cell of an .xlsx, every paragraph and cell of a
    .docx, the text of a PDF, or the body of any other."""
    import io

    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if not body.startswith(b"PK"):
        return body.decode("utf-8", "replace")
    if "wordprocessingml" in response.get("Content-Type", ""):
        doc = Document(io.BytesIO(body))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@dataclass(frozen=True)
class Export:
    """An export URL; `spec` names the records whose `label` must not leak to outsiders."""

    spec: str | None = None
    label: Callable[[object], str] | None = None


EXPORTS: dict[str, Export] = {
    "lectures:programme-xlsx": Export("lectures:topic-detail", lambda o: o.title),
    "lectures:division-xlsx": Export(),
    "lectures:division-pdf": Export(),
    "lectures:division-docx": Export(),
    "lectures:calendar-ics": Export(),
    "stars:post-export": Export(),
    "stars:post-pdf": Export(),
    "stars:post-docx": Export(),
    # A section's 培树工作总结 draft cites its own nominees only.
    "stars:summary-draft-docx": Export("stars:nomination-detail", lambda o: o.name),
    "stars:summary-draft-pdf": Export("stars:nomination-detail", lambda o: o.name),
    "stars:nomination-export": Export("stars:nomination-detail", lambda o: o.name),
    "outreach:summary-export": Export(),
    "outreach:report-export": Export("outreach:report-detail", lambda o: o.title),
    "outreach:school-export": Export("outreach:school-detail", lambda o: o.name),
    "outreach:community-export": Export("outreach:community-detail", lambda o: o.name),
    "outreach:enterprise-export": Export("outreach:enterprise-detail", lambda o: o.name),
    "outreach:party-school-export": Export(),
    "campaigns:records-xlsx": Export(),
    # The year's 实践活动总结: the office's own document (who may open it: SummaryMixin).
    "campaigns:summary-docx": Export(),
    "campaigns:summary-pdf": Export(),
    "campaigns:appraisal-xlsx": Export(),
}


def test_every_export_url_is_in_the_matrix():
    exports = {
        name
        for route, name, parameters in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
        and route.endswith((".xlsx", ".pdf", ".ics", ".docx"))
        and not parameters - NOT_OBJECT_PARAMETERS
    }
    # The monthly ranking is published to the office; an import template is an empty sheet.
    not_records = {"campaigns:ranking-xlsx", "outreach:register-template"}
    assert exports - set(EXPORTS) - not_records == set()


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_answers_as_declared_for_every_role(name, demo_records, db, client):
    """Never a 500; a 200 carries no record the user has no need to know of."""
    export = EXPORTS[name]
    url = reverse(name, kwargs={"year": clock.today().year} if "campaigns:" in name else {})
    records = []
    if export.spec is not None:
        spec = SPECS[export.spec]
        records = list(apps.get_model(spec.model).objects.all())
    wrong = []
    for user in _users():
        client.force_login(user, backend="qpdo.org.backends.PortalBackend")
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{user.username}: {status}")
        elif status == 200 and records:
            text = _export_text(response)
            allowed = {export.label(o) for o in records if _entitled(user, spec, o)}
            leaked = {
                export.label(o)
                for o in records
                if not _entitled(user, spec, o) and export.label(o) not in allowed
            }
            leaked = {label for label in leaked if label and label in text}
            if leaked:
                wrong.append(f"{user.username}: {sorted(leaked)[:3]}")
        client.logout()
        cache.clear()
    assert wrong == [], f"{url}: {wrong}"
