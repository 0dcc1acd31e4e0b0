"""Writes of people's activities: teams, 带教, 交流, 比武, 季度之星, 讨论."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from qpdo.documents.uploads import atomic_with_files, clean_image, extension_of
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.enums import CAMPAIGN_UNIT_KINDS
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import display_name

from .. import rules
from ..enums import FourQuestions, TeamKind
from ..models import (
    EVIDENCE_VALIDATOR,
    MINUTES_VALIDATOR,
    Campaign,
    Competition,
    CompetitionEntry,
    Discussion,
    KeyTask,
    MentorCheckIn,
    MentorPair,
    Rotation,
    Team,
    TeamMember,
    TeamOutput,
)
from .common import IMAGE_EXTENSIONS, _active_office_staff, _audit, _refuse, check_open

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# --- teams -------------------------------------------------------------------------------------

TEAM_FIELDS = ("key_task", "kind", "name", "topic", "goals", "leader", "formed_on", "ends_on")

OUTPUT_FIELDS = ("kind", "title", "achieved_on", "description")


@transaction.atomic
def team_save(
    *,
    acting_user: User,
    campaign: Campaign,
    key_task: KeyTask | None = None,
    kind: str | None = None,
    name: str | None = None,
    topic: str | None = None,
    goals: str | None = None,
    leader: Staff | None = None,
    formed_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    members: Sequence[tuple[Staff, str]] = (),
    team: Team | None = None,
) -> Team:
    """Form (or change) a team with its leader and members across units."""
    check_open(campaign)
    if team is None and not rules.may_create_team(acting_user, campaign):
        raise Refused("只有办领导、牵头科室和各科室负责人可以组建团队。")
    if team is not None and not rules.may_edit_team(acting_user, team):
        raise Refused("只有团队负责人、牵头单位负责人或活动组织者可以修改团队。")
    errors: dict[str, str] = {}
    problem = _active_office_staff(leader, "团队负责人")
    if problem:
        errors["leader"] = problem
    elif (
        team is None
        and not rules.may_manage(acting_user, campaign)
        and not rules.heads_unit(acting_user, leader.unit_id)
    ):
        errors["leader"] = "科室负责人只能组建由本科室人员牵头的团队。"
    if key_task is not None and key_task.campaign_id != campaign.pk:
        errors["key_task"] = "重点任务不属于本年度。"
    if not (name or "").strip():
        errors["name"] = "请填写团队名称。"
    elif (
        Team.objects.filter(campaign=campaign, name=name.strip())
        .exclude(pk=getattr(team, "pk", None))
        .exists()
    ):
        errors["name"] = "本年度已有同名团队。"
    if not (topic or "").strip():
        errors["topic"] = "请填写攻坚课题或任务。"
    if kind not in TeamKind.values:
        errors["kind"] = "请选择攻坚团队、工作专班或项目组。"
    if formed_on is None:
        errors["formed_on"] = "请填写组建日期。"
    elif ends_on and ends_on < formed_on:
        errors["ends_on"] = "计划完成日期不能早于组建日期。"
    seen = set()
    for staff, _duty in members:
        problem = _active_office_staff(staff, "团队成员")
        if problem:
            errors["members"] = problem
        elif staff.pk in seen:
            errors["members"] = f"{staff.name}重复列入。"
        seen.add(staff.pk)
    _refuse(errors)
    if team is None:
        team = Team(campaign=campaign, created_by=acting_user, created_at=clock.now())
    team.key_task, team.kind, team.leader = key_task, kind, leader
    team.name, team.topic, team.goals = (
        (name or "").strip(),
        (topic or "").strip(),
        (goals or "").strip(),
    )
    team.formed_on, team.ends_on = formed_on, ends_on
    team.lead_unit = leader.unit
    team.save()
    TeamMember.objects.filter(team=team).delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, staff=staff, duty=(duty or "").strip()[:60])
        for staff, duty in members
        if staff.pk != leader.pk
    )
    units = {leader.unit_id, *(staff.unit_id for staff, _ in members)}
    _audit(
        acting_user,
        team,
        f"{team.get_kind_display()}“{team.name}”：负责人{leader.name}，成员 {len(seen)} 人，"
        f"涉及 {len(units)} 个单位",
    )
    return team


def team_output_add(
    *,
    acting_user: User,
    team: Team,
    kind: str | None = None,
    title: str | None = None,
    achieved_on: datetime.date | None = None,
    description: str | None = None,
    upload: UploadedFile | None = None,
) -> TeamOutput:
    """Record what a team produced, with an optional file."""
    check_open(team.campaign)
    if not rules.may_edit_team(acting_user, team):
        raise Refused("只有团队负责人、牵头单位负责人或活动组织者可以登记成果。")
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "请填写成果名称。"
    if achieved_on is None:
        errors["achieved_on"] = "请填写形成日期。"
    elif achieved_on > clock.today():
        errors["achieved_on"] = "形成日期不能晚于今天。"
    elif achieved_on < team.formed_on:
        errors["achieved_on"] = f"形成日期不能早于团队组建日期（{cn_date(team.formed_on)}）。"
    if upload is not None:
        try:
            EVIDENCE_VALIDATOR(upload)
        except ValidationError as error:
            errors["file"] = "；".join(error.messages)
    _refuse(errors)
    with atomic_with_files() as saved:
        output = TeamOutput(
            team=team,
            kind=kind,
            title=title.strip(),
            achieved_on=achieved_on,
            description=(description or "").strip(),
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        if upload is not None:
            content = (
                clean_image(upload) if extension_of(upload.name) in IMAGE_EXTENSIONS else upload
            )
            saved.save(output.file, content.name, content)
            output.original_name = upload.name[:200]
        output.save()
        _audit(acting_user, team, f"团队“{team.name}”登记成果《{output.title}》")
    return output


# --- mentoring, rotations ------------------------------------------------------------------------


def _stripped(value):
    """Strip a text value (the forms' strings); anything else is kept as it is."""
    return value.strip() if isinstance(value, str) else value


def _check_period(errors, starts_on, ends_on, *, start_field="starts_on", end_field="ends_on"):
    if starts_on is None:
        errors[start_field] = "请填写开始日期。"
    if ends_on is None:
        errors[end_field] = "请填写结束日期。"
    if starts_on and ends_on and ends_on < starts_on:
        errors[end_field] = "结束日期不能早于开始日期。"


PAIR_FIELDS = ("mentor", "mentee", "goals", "starts_on", "ends_on")
CHECK_IN_FIELDS = ("held_on", "content", "next_steps")


@transaction.atomic
def pair_save(
    *,
    acting_user: User,
    campaign: Campaign,
    mentor: Staff | None = None,
    mentee: Staff | None = None,
    goals: str | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    pair: MentorPair | None = None,
) -> MentorPair:
    """Set up (or change) a 岗位带教 pair: a mentor, a mentee, goals and a period."""
    check_open(campaign)
    errors: dict[str, str] = {}
    for field, staff, label in (("mentor", mentor, "带教人"), ("mentee", mentee, "被带教人")):
        problem = _active_office_staff(staff, label)
        if problem:
            errors[field] = problem
    if mentor is not None and mentee is not None and mentor.pk == mentee.pk:
        errors["mentee"] = "带教人和被带教人不能是同一人。"
    if not errors:
        if pair is None and not (
            rules.may_manage(acting_user, campaign) or rules.heads_unit(acting_user, mentee.unit_id)
        ):
            raise Refused("只有被带教人所在科室负责人或活动组织者可以建立带教关系。")
        if pair is not None and not rules.may_edit_pair(acting_user, pair):
            raise Refused("只有被带教人所在科室负责人或活动组织者可以修改带教关系。")
        if (
            MentorPair.objects.filter(campaign=campaign, mentor=mentor, mentee=mentee)
            .exclude(pk=getattr(pair, "pk", None))
            .exists()
        ):
            errors["mentee"] = f"本年度已有{mentor.name}带教{mentee.name}的记录。"
    if not (goals or "").strip():
        errors["goals"] = "请填写带教目标。"
    _check_period(errors, starts_on, ends_on)
    _refuse(errors)
    if pair is None:
        pair = MentorPair(campaign=campaign, created_by=acting_user, created_at=clock.now())
    pair.mentor, pair.mentee = mentor, mentee
    pair.goals = goals.strip()
    pair.starts_on, pair.ends_on = starts_on, ends_on
    pair.save()
    _audit(acting_user, pair, f"岗位带教：{pair}")
    return pair


@transaction.atomic
def check_in_add(
    *,
    acting_user: User,
    pair: MentorPair,
    held_on: datetime.date | None = None,
    content: str | None = None,
    next_steps: str | None = None,
) -> MentorCheckIn:
    """Record one meeting of a pair (date within the period, not in the future)."""
    check_open(pair.campaign)
    if not rules.may_check_in(acting_user, pair):
        raise Refused("只有带教双方或其科室负责人可以记录带教情况。")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请填写日期。"
    elif held_on > clock.today():
        errors["held_on"] = "日期不能晚于今天。"
    elif not pair.starts_on <= held_on <= pair.ends_on:
        errors["held_on"] = (
            f"带教记录的日期须在带教期内（{cn_date(pair.starts_on)}至{cn_date(pair.ends_on)}）。"
        )
    if not (content or "").strip():
        errors["content"] = "请填写带教内容。"
    _refuse(errors)
    check_in = MentorCheckIn.objects.create(
        pair=pair,
        held_on=held_on,
        content=content.strip(),
        next_steps=(next_steps or "").strip(),
        recorded_by=acting_user,
        recorded_by_name=display_name(acting_user),
        recorded_at=clock.now(),
    )
    _audit(acting_user, pair, f"带教记录 {held_on:%Y-%m-%d}：{pair}")
    return check_in


ROTATION_FIELDS = (
    "staff",
    "to_unit",
    "to_name",
    "post",
    "starts_on",
    "ends_on",
    "purpose",
    "summary",
)


@transaction.atomic
def rotation_save(
    *,
    acting_user: User,
    campaign: Campaign,
    staff: Staff | None = None,
    to_unit: Unit | None = None,
    to_name: str | None = None,
    post: str | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    purpose: str | None = None,
    summary: str | None = None,
    rotation: Rotation | None = None,
) -> Rotation:
    """Record a 交流锻炼: who goes where (another section, or outside), for what, how long."""
    check_open(campaign)
    errors: dict[str, str] = {}
    problem = _active_office_staff(staff, "交流人员")
    if problem:
        errors["staff"] = problem
    to_name = (to_name or "").strip()
    from_unit = rotation.from_unit if rotation is not None else getattr(staff, "unit", None)
    if to_unit is None and not to_name:
        errors["to_unit"] = "请选择本系统内的交流单位，或填写系统外的交流单位。"
    elif to_unit is not None and to_name:
        errors["to_name"] = "交流单位只填一处：本系统内的选择单位，系统外的填写名称。"
    elif to_unit is not None and from_unit is not None and to_unit.pk == from_unit.pk:
        errors["to_unit"] = f"交流单位不能是本人所在单位（{from_unit.name}）。"
    if not (post or "").strip():
        errors["post"] = "请填写交流岗位。"
    if not (purpose or "").strip():
        errors["purpose"] = "请填写锻炼目标。"
    _check_period(errors, starts_on, ends_on)
    if not errors:
        target = rotation or Rotation(campaign=campaign, from_unit=from_unit)
        allowed = (
            rules.may_edit_rotation(acting_user, target)
            if rotation is not None
            else rules.may_manage(acting_user, campaign)
            or rules.heads_unit(acting_user, from_unit.pk)
        )
        if not allowed:
            raise Refused("只有本人所在科室负责人或活动组织者可以登记交流锻炼。")
    _refuse(errors)
    if rotation is None:
        rotation = Rotation(
            campaign=campaign, from_unit=from_unit, created_by=acting_user, created_at=clock.now()
        )
    rotation.staff, rotation.to_unit = staff, to_unit
    rotation.post, rotation.purpose = _stripped(post), _stripped(purpose)
    rotation.summary = _stripped(summary)
    rotation.starts_on, rotation.ends_on = starts_on, ends_on
    rotation.to_name = to_name
    rotation.summary = rotation.summary or ""
    rotation.save()
    _audit(acting_user, rotation, f"交流锻炼：{rotation}")
    return rotation


# --- competitions -----------------------------------------------------------

COMPETITION_FIELDS = (
    "title",
    "discipline",
    "level",
    "organiser",
    "held_on",
    "place",
    "max_score",
    "note",
)


@transaction.atomic
def competition_save(
    *,
    acting_user: User,
    campaign: Campaign,
    title: str | None = None,
    discipline: str | None = None,
    level: str | None = None,
    organiser: str | None = None,
    held_on: datetime.date | None = None,
    place: str | None = None,
    max_score: Decimal | None = None,
    note: str | None = None,
    competition: Competition | None = None,
) -> Competition:
    check_open(campaign)
    if not rules.may_run_competitions(acting_user, campaign):
        raise Refused("只有办领导或牵头科室可以登记比武。")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请填写比武日期。"
    elif held_on.year != campaign.year:
        errors["held_on"] = f"比武日期须在{campaign.year}年内。"
    if max_score is None or max_score <= 0:
        errors["max_score"] = "满分须大于 0。"
    elif competition is not None:
        top = competition.entries.aggregate(n=Max("score"))["n"]
        if top is not None and top > max_score:
            errors["max_score"] = f"已登记的最高成绩为 {top} 分，满分不能低于它。"
    for key, value, label in (
        ("title", title, "比武名称"),
        ("discipline", discipline, "专业/岗位"),
        ("organiser", organiser, "组织单位"),
    ):
        if not (value or "").strip():
            errors[key] = f"请填写{label}。"
    _refuse(errors)
    if competition is None:
        competition = Competition(campaign=campaign, created_by=acting_user, created_at=clock.now())
    competition.title, competition.discipline = _stripped(title), _stripped(discipline)
    competition.level, competition.organiser = _stripped(level), _stripped(organiser)
    competition.held_on, competition.place = held_on, _stripped(place)
    competition.max_score, competition.note = max_score, _stripped(note)
    competition.place = competition.place or ""
    competition.note = competition.note or ""
    competition.save()
    _audit(acting_user, competition, f"比武“{competition.title}”（{cn_date(held_on)}）")
    return competition


@transaction.atomic
def competition_results_save(
    *, acting_user: User, competition: Competition, rows: Sequence[dict]
) -> list[CompetitionEntry]:
    """Replace the participants and their scores; the ranking follows from the scores."""
    check_open(competition.campaign)
    if not rules.may_run_competitions(acting_user, competition.campaign):
        raise Refused("只有办领导或牵头科室可以登记比武成绩。")
    errors: list[str] = []
    seen = set()
    today = clock.today()
    for number, row in enumerate(rows, start=1):
        staff, score = row.get("staff"), row.get("score")
        problem = _active_office_staff(staff, "参赛人员")
        if problem:
            errors.append(f"第 {number} 行：{problem}")
            continue
        if staff.pk in seen:
            errors.append(f"第 {number} 行：{staff.name}重复登记。")
        seen.add(staff.pk)
        if score is not None:
            if competition.held_on > today:
                errors.append(
                    f"第 {number} 行：比武尚未举行（{cn_date(competition.held_on)}），"
                    "不能登记成绩。"
                )
            elif score < 0 or score > competition.max_score:
                errors.append(
                    f"第 {number} 行：{staff.name}的成绩 {score} 不在 0 到满分 "
                    f"{competition.max_score} 之间。"
                )
    if errors:
        raise ValidationError(errors)
    CompetitionEntry.objects.filter(competition=competition).delete()
    entries = CompetitionEntry.objects.bulk_create(
        CompetitionEntry(
            competition=competition,
            staff=row["staff"],
            unit=row["staff"].unit,
            score=row.get("score"),
            award=(row.get("award") or "").strip()[:30],
        )
        for row in rows
    )
    _audit(
        acting_user,
        competition,
        f"登记比武“{competition.title}”成绩：{len(entries)} 名参赛人员",
    )
    return entries


# --- 四个够不够 discussions ----------------------------------------------------------------------


DISCUSSION_FIELDS = (
    "unit",
    "held_on",
    "host",
    "place",
    "questions",
    "minutes",
    "problems",
    "measures",
)


def discussion_save(
    *,
    acting_user: User,
    campaign: Campaign,
    unit: Unit | None = None,
    held_on: datetime.date | None = None,
    host: Staff | None = None,
    place: str | None = None,
    questions: Sequence[str] | None = None,
    minutes: str | None = None,
    problems: str | None = None,
    measures: str | None = None,
    participants: Sequence[Staff],
    upload: UploadedFile | None = None,
    discussion: Discussion | None = None,
) -> Discussion:
    """Record a section's 四个够不够 discussion: date, participants, minutes, problems found."""
    check_open(campaign)
    unit: Unit | None = unit if discussion is None else discussion.unit
    if unit is None or unit.kind not in CAMPAIGN_UNIT_KINDS:
        raise ValidationError({"unit": "请选择科室。"})
    if not rules.may_record_discussion(acting_user, campaign, unit):
        raise Refused("只有本科室负责人或活动组织者可以记录大讨论。")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请填写讨论日期。"
    elif held_on > clock.today():
        errors["held_on"] = "讨论日期不能晚于今天。"
    elif not campaign.start <= held_on <= campaign.end:
        errors["held_on"] = "讨论日期须在实践活动期间。"
    problem = _active_office_staff(host, "主持人")
    if problem:
        errors["host"] = problem
    people = {p.pk: p for p in participants}
    if host is not None:
        people.setdefault(host.pk, host)
    if len(people) < 2:
        errors["participants"] = "参加人员至少 2 人。"
    elif not any(p.unit_id == unit.pk for p in people.values()):
        errors["participants"] = f"参加人员须包括{unit.name}的干部职工。"
    for person in people.values():
        problem = _active_office_staff(person, "参加人员")
        if problem:
            errors["participants"] = problem
    questions = [q for q in questions or [] if q in FourQuestions.values]
    if not questions:
        errors["questions"] = "请至少选择“四个够不够”中的一个方面。"
    if not (minutes or "").strip():
        errors["minutes"] = "请填写讨论纪要。"
    if upload is not None:
        try:
            MINUTES_VALIDATOR(upload)
        except ValidationError as error:
            errors["file"] = "；".join(error.messages)
    _refuse(errors)
    with atomic_with_files() as saved:
        if discussion is None:
            discussion = Discussion(
                campaign=campaign, unit=unit, recorded_by=acting_user, recorded_at=clock.now()
            )
        discussion.held_on, discussion.host = held_on, host
        discussion.place = (place or "").strip()
        discussion.questions = questions
        discussion.minutes = (minutes or "").strip()
        discussion.problems = (problems or "").strip()
        discussion.measures = (measures or "").strip()
        if upload is not None:
            content = (
                clean_image(upload) if extension_of(upload.name) in IMAGE_EXTENSIONS else upload
            )
            saved.save(discussion.file, content.name, content)
            discussion.original_name = upload.name[:200]
        discussion.save()
        discussion.participants.set(list(people.values()))
        _audit(
            acting_user,
            discussion,
            f"{unit.name}“四个够不够”大讨论（{cn_date(held_on)}，{len(people)} 人参加）",
        )
    return discussion
