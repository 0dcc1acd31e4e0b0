"""Reads of people's activities: teams, 带教, 交流, 比武, 季度之星, 讨论."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from qpdo.org.scoping import is_office_wide, units_user_may_see, user_staff, user_unit
from qpdo.org.selectors import campaign_units

from .. import rules
from ..enums import Quarter
from ..models import (
    Campaign,
    Competition,
    CompetitionEntry,
    Discussion,
    MentorPair,
    QuarterStar,
    Rotation,
    Team,
    TeamMember,
)
from .campaign import month_bounds

# --- people's activities -----------------------------------------------------------------------


def team_list(*, campaign: Campaign) -> QuerySet[Team]:
    """Return the year's teams with their leaders and counts (open to the office's staff)."""
    return (
        Team.objects.filter(campaign=campaign)
        .select_related("leader", "lead_unit", "key_task")
        .annotate(
            member_count=Count("members", distinct=True),
            output_count=Count("outputs", distinct=True),
        )
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("staff__unit"))
        )
        .order_by("formed_on", "id")
    )


def team_get(*, campaign: Campaign, pk: int) -> Team:
    team = (
        Team.objects.filter(campaign=campaign, pk=pk)
        .select_related("leader__unit", "lead_unit", "key_task", "campaign")
        .first()
    )
    if team is None:
        raise Http404("未找到该团队。")
    return team


def pair_list(*, campaign: Campaign) -> QuerySet[MentorPair]:
    return (
        MentorPair.objects.filter(campaign=campaign)
        .select_related("mentor__unit", "mentee__unit", "campaign")
        .annotate(check_in_count=Count("check_ins"))
        .order_by("starts_on", "id")
    )


def pair_get(*, campaign: Campaign, pk: int) -> MentorPair:
    pair = (
        MentorPair.objects.filter(campaign=campaign, pk=pk)
        .select_related("mentor__unit", "mentee__unit", "campaign")
        .first()
    )
    if pair is None:
        raise Http404("未找到该带教记录。")
    return pair


def rotation_list(*, campaign: Campaign) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(campaign=campaign)
        .select_related("staff", "from_unit", "to_unit", "campaign")
        .order_by("starts_on", "id")
    )


def rotation_get(*, campaign: Campaign, pk: int) -> Rotation:
    rotation = rotation_list(campaign=campaign).filter(pk=pk).first()
    if rotation is None:
        raise Http404("未找到该交流锻炼记录。")
    return rotation


def competition_list(*, campaign: Campaign) -> QuerySet[Competition]:
    return (
        Competition.objects.filter(campaign=campaign)
        .annotate(entry_count=Count("entries"))
        .order_by("held_on", "id")
    )


def competition_get(*, campaign: Campaign, pk: int) -> Competition:
    competition = (
        Competition.objects.filter(campaign=campaign, pk=pk).select_related("campaign").first()
    )
    if competition is None:
        raise Http404("未找到该比武。")
    return competition


def ranked(entries) -> list[CompetitionEntry]:
    """Rank entries by score (higher first; equal scores share a rank); unscored come last."""
    scored = sorted((e for e in entries if e.score is not None), key=lambda e: (-e.score, e.pk))
    previous, rank = None, 0
    for position, entry in enumerate(scored, start=1):
        if entry.score != previous:
            rank, previous = position, entry.score
        entry.rank = rank
    unscored = [e for e in entries if e.score is None]
    for entry in unscored:
        entry.rank = None
    return scored + unscored


def standings(competition: Competition) -> list[CompetitionEntry]:
    return ranked(list(competition.entries.select_related("staff", "unit")))


def result_text(entry: CompetitionEntry, competition: Competition) -> str:
    """Return a result as a nomination cites it: 通信警报专业技能比武 第1名（95分，一等奖）."""
    parts = []
    if entry.score is not None:
        parts.append(f"{entry.score.normalize():f}分")
    if entry.award:
        parts.append(entry.award)
    place = f"第{entry.rank}名" if entry.rank else "参赛"
    detail = f"（{'，'.join(parts)}）" if parts else ""
    return f"{competition.title} {place}{detail}"


def competition_results_of(staff_ids, *, year: int | None = None) -> dict[int, list[dict]]:
    """Return each person's 比武 results (two queries), for the record and for nominations.

    A 岗位之星 申报表 may cite one: {"competition": title, "result": "第1名（95分）", "text": …}.
    """
    staff_ids = list(staff_ids)
    entries = CompetitionEntry.objects.filter(staff_id__in=staff_ids)
    if year is not None:
        entries = entries.filter(competition__campaign__year=year)
    competition_ids = set(entries.values_list("competition_id", flat=True))
    everyone = defaultdict(list)
    competitions = {}
    for entry in CompetitionEntry.objects.filter(competition_id__in=competition_ids).select_related(
        "competition"
    ):
        everyone[entry.competition_id].append(entry)
        competitions[entry.competition_id] = entry.competition
    results: dict[int, list[dict]] = defaultdict(list)
    for competition_id, entries_of in everyone.items():
        competition = competitions[competition_id]
        for entry in ranked(entries_of):
            if entry.staff_id not in staff_ids:
                continue
            text = result_text(entry, competition)
            results[entry.staff_id].append(
                {
                    "competition": competition.title,
                    "discipline": competition.discipline,
                    "held_on": competition.held_on,
                    "level": competition.get_level_display(),
                    "rank": entry.rank,
                    "score": entry.score,
                    "award": entry.award,
                    "result": text.removeprefix(competition.title).strip(),
                    "text": text,
                }
            )
    for rows in results.values():
        rows.sort(key=lambda r: r["held_on"])
    return dict(results)


def quarter_star_list(*, campaign: Campaign) -> QuerySet[QuarterStar]:
    """The year's 季度之星: the recommendations the 办党组 approved. The whole office sees them."""
    return (
        QuarterStar.objects.chosen()
        .filter(campaign=campaign)
        .select_related("staff", "unit", "approval")
        .order_by("quarter", "unit__order", "id")
    )


def quarter_star_recommendations(*, campaign: Campaign, user) -> QuerySet[QuarterStar]:
    """The year's recommendations with their state, newest first.

    The 牵头科室, 办领导 and office-wide roles see every 科室's; a 科室负责人 sees their own
    科室's; anyone else none.
    """
    stars = QuarterStar.objects.filter(campaign=campaign).select_related(
        "staff", "unit", "approval"
    )
    if rules.sees_all(user, campaign):
        return stars.order_by("-quarter", "unit__order", "id")
    unit = user_unit(user)
    if unit is None or not rules.heads_unit(user, unit):
        return stars.none()
    return stars.filter(unit=unit).order_by("-quarter", "id")


def quarter_star_list_for(*, user) -> QuerySet[QuarterStar]:
    """Every year's recommendations the user may see (the admin's list): the 牵头科室's head,
    the 办领导 and office-wide roles every 科室's, a 科室负责人 their own 科室's."""
    stars = QuarterStar.objects.select_related("campaign", "staff", "unit", "approval__unit")
    coordinated = Campaign.objects.filter(coordinator_unit=user_unit(user)).values("pk")
    if is_office_wide(user) or rules.may_manage(user, None):
        return stars
    if rules.heads_unit(user, user_unit(user)):
        return stars.filter(Q(unit=user_unit(user)) | Q(campaign__in=coordinated))
    return stars.none()


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = 3 * (quarter - 1) + 1
    return month_bounds(year, first)[0], month_bounds(year, first + 2)[1]


def quarters_of(campaign: Campaign) -> list[Quarter]:
    """Return the quarters the campaign runs in."""
    return [
        q
        for q in Quarter
        if quarter_bounds(campaign.year, q)[1] >= campaign.start
        and quarter_bounds(campaign.year, q)[0] <= campaign.end
    ]


def discussion_list_for(*, user, campaign: Campaign) -> QuerySet[Discussion]:
    """Return the discussions the user may read: all for office-wide roles and the organisers,
    a section's own for its head, those a person took part in."""
    discussions = Discussion.objects.filter(campaign=campaign)
    if not rules.sees_all(user, campaign):
        visible = Q(unit__in=units_user_may_see(user))
        staff = user_staff(user)
        if staff is not None:
            visible |= Q(participants=staff) | Q(host=staff)
        discussions = discussions.filter(visible).distinct()
    return (
        discussions.select_related("unit", "host", "campaign")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-held_on", "id")
    )


def discussion_get_for(*, user, campaign: Campaign, pk: int) -> Discussion:
    discussion = discussion_list_for(user=user, campaign=campaign).filter(pk=pk).first()
    if discussion is None:
        raise Http404("未找到该讨论记录。")
    return discussion


def discussion_units(*, campaign: Campaign) -> list[dict]:
    """Return per section how many discussions it held and when the last was (two queries)."""
    held = {
        row["unit"]: row
        for row in Discussion.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
    }
    last = {}
    for row in Discussion.objects.filter(campaign=campaign).values("unit", "held_on"):
        if row["held_on"] > last.get(row["unit"], datetime.date.min):
            last[row["unit"]] = row["held_on"]
    return [
        {"unit": unit, "count": held.get(unit.pk, {}).get("n", 0), "last": last.get(unit.pk)}
        for unit in campaign_units()
    ]
