"""Reads of the personal yearly records (个人实践档案)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qpdo.org import clock
from qpdo.org.dates import cn_date
from qpdo.org.models import Staff
from qpdo.org.scoping import user_staff, user_unit

from .. import providers, rules
from ..enums import ItemStatus
from ..models import (
    Campaign,
    Discussion,
    ExchangeParticipant,
    MentorPair,
    QuarterStar,
    Rotation,
    Team,
    TeamMember,
    WorkItem,
)
from .activities import competition_results_of
from .items import campaign_staff, decorate, with_progress

# --- personal yearly record (个人实践档案) -------------------------------------------------------


@dataclass
class RecordSection:
    code: str
    label: str
    entries: list


@dataclass
class PersonRecord:
    staff: Staff
    campaign: Campaign
    counts: dict[str, int]
    sections: list[RecordSection]

    @property
    def total_entries(self) -> int:
        return sum(len(s.entries) for s in self.sections)


def record_columns() -> list[tuple[str, str]]:
    """Return the record's count columns, in provider order (the Excel's columns)."""
    return [column for _code, provider in providers.all_providers() for column in provider.columns]


def records_for(*, campaign: Campaign, staff, counts_only: bool = False) -> list[PersonRecord]:
    """Return the yearly records of these people, gathered from every registered provider.

    Each provider runs a fixed number of queries whatever the number of people. With
    `counts_only` (the list of people), providers that can count in SQL load no entries.
    """
    staff = list(staff)
    parts = providers.record_parts(campaign, staff=staff, counts_only=counts_only)
    records = []
    for person in staff:
        counts: dict[str, int] = {}
        sections = []
        for code, provider, by_staff in parts:
            for key, _header in provider.columns:
                counts[key] = 0
            part = by_staff.get(person.pk)
            if part is None:
                continue
            counts.update(part.counts)
            if part.entries:
                entries = sorted(part.entries, key=lambda e: (e.date or datetime.date.max, e.title))
                sections.append(RecordSection(code, provider.label, entries))
        records.append(PersonRecord(person, campaign, counts, sections))
    return records


def record_get_for(*, user, campaign: Campaign, staff_pk: int) -> PersonRecord:
    """Return one person's record if the user may see it; anyone else's is a 404."""
    staff = Staff.objects.select_related("unit", "user").filter(pk=staff_pk).first()
    if staff is None or not rules.may_view_record(user, staff):
        raise Http404("未找到该人员的实践档案。")
    return records_for(campaign=campaign, staff=[staff])[0]


def record_people_for(*, user, campaign: Campaign) -> QuerySet[Staff]:
    """Return the people whose records the user may open: the leadership everyone of the
    sections, a section head their unit, anyone else themselves."""
    people = campaign_staff()
    if rules.is_leadership(user):
        return people
    unit = user_unit(user)
    if unit is not None and rules.heads_unit(user, unit):
        return people.filter(unit=unit)
    staff = user_staff(user)
    return people.filter(pk=staff.pk if staff else None)


def own_record_parts(campaign: Campaign, *, staff) -> dict[int, providers.RecordPart]:
    """The campaign's own part of each person's record (a provider; a fixed number of queries).

    Items owned, teams led or joined, mentoring given or received, rotations, 比武 results,
    quarterly stars, the 四个够不够 discussions and the 交流展示 taken part in.
    """
    ids = [s.pk for s in staff]
    parts: dict[int, providers.RecordPart] = defaultdict(providers.RecordPart)
    RecordEntry = providers.RecordEntry
    today = clock.today()
    year_end = min(today, campaign.end)

    items = with_progress(
        WorkItem.objects.filter(campaign=campaign, owner_id__in=ids), today=year_end
    ).select_related("key_task")
    for item in decorate(items, today=year_end):
        part = parts[item.owner_id]
        part.counts["items_owned"] = part.counts.get("items_owned", 0) + 1
        if item.status == ItemStatus.DONE:
            part.counts["items_on_time"] = part.counts.get("items_on_time", 0) + 1
        if item.status in (ItemStatus.OVERDUE, ItemStatus.DONE_LATE):
            part.counts["items_late"] = part.counts.get("items_late", 0) + 1
        when = f"（{cn_date(item.done_on)}）" if item.done_on else ""
        part.entries.append(
            RecordEntry(
                "负责事项",
                f"{item.code} {item.title}",
                item.deadline,
                f"{item.key_task.title}；时限{item.deadline.month}月{item.deadline.day}日；"
                f"{item.status_label}{when}",
            )
        )

    for team in Team.objects.filter(campaign=campaign, leader_id__in=ids).annotate(
        outputs_n=Count("outputs")
    ):
        part = parts[team.leader_id]
        part.counts["teams"] = part.counts.get("teams", 0) + 1
        part.entries.append(
            RecordEntry(
                "攻坚团队",
                f"{team.get_kind_display()}“{team.name}”",
                team.formed_on,
                f"负责人；形成成果 {team.outputs_n} 项",
            )
        )
    for member in TeamMember.objects.filter(
        team__campaign=campaign, staff_id__in=ids
    ).select_related("team"):
        part = parts[member.staff_id]
        part.counts["teams"] = part.counts.get("teams", 0) + 1
        part.entries.append(
            RecordEntry(
                "攻坚团队",
                f"{member.team.get_kind_display()}“{member.team.name}”",
                member.team.formed_on,
                f"成员{('，' + member.duty) if member.duty else ''}",
            )
        )

    pairs = (
        MentorPair.objects.filter(campaign=campaign)
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
        .select_related("mentor", "mentee")
        .annotate(check_in_n=Count("check_ins"))
    )
    for pair in pairs:
        period = (
            f"{pair.starts_on.year}年{pair.starts_on.month}月至{pair.ends_on.month}月，"
            f"带教记录 {pair.check_in_n} 次"
        )
        if pair.mentor_id in ids:
            part = parts[pair.mentor_id]
            part.counts["mentoring"] = part.counts.get("mentoring", 0) + 1
            part.entries.append(
                RecordEntry("岗位带教", f"带教 {pair.mentee.name}", pair.starts_on, period)
            )
        if pair.mentee_id in ids:
            part = parts[pair.mentee_id]
            part.counts["mentoring"] = part.counts.get("mentoring", 0) + 1
            part.entries.append(
                RecordEntry("岗位带教", f"接受 {pair.mentor.name} 带教", pair.starts_on, period)
            )

    for rotation in Rotation.objects.filter(campaign=campaign, staff_id__in=ids).select_related(
        "to_unit", "from_unit"
    ):
        part = parts[rotation.staff_id]
        part.counts["rotations"] = part.counts.get("rotations", 0) + 1
        part.entries.append(
            RecordEntry(
                "交流锻炼",
                f"赴{rotation.destination}（{rotation.post}）",
                rotation.starts_on,
                f"{cn_date(rotation.starts_on)}至{cn_date(rotation.ends_on)}",
            )
        )

    for staff_id, results in competition_results_of(ids, year=campaign.year).items():
        part = parts[staff_id]
        part.counts["competitions"] = len(results)
        for result in results:
            part.entries.append(
                RecordEntry("比武", result["competition"], result["held_on"], result["result"])
            )

    for star in QuarterStar.objects.chosen().filter(campaign=campaign, staff_id__in=ids):
        part = parts[star.staff_id]
        part.counts["quarter_stars"] = part.counts.get("quarter_stars", 0) + 1
        part.entries.append(
            RecordEntry(
                "季度之星",
                f"{campaign.year}年{star.get_quarter_display()}“季度之星”",
                star.chosen_on,
                star.deeds[:40] + ("…" if len(star.deeds) > 40 else ""),
            )
        )

    taken_part = Discussion.participants.through.objects.filter(
        discussion__campaign=campaign, staff_id__in=ids
    ).select_related("discussion__unit")
    for row in taken_part:
        part = parts[row.staff_id]
        part.counts["discussions"] = part.counts.get("discussions", 0) + 1
        part.entries.append(
            RecordEntry(
                "“四个够不够”大讨论",
                f"{row.discussion.unit.display_name}大讨论",
                row.discussion.held_on,
                row.discussion.place,
            )
        )

    shown = ExchangeParticipant.objects.filter(
        exchange__campaign=campaign, staff_id__in=ids
    ).select_related("exchange__unit")
    for row in shown:
        part = parts[row.staff_id]
        part.counts["exchanges"] = part.counts.get("exchanges", 0) + 1
        exchange = row.exchange
        detail = f"{exchange.get_kind_display()}；{exchange.unit.display_name}组织"
        if row.reflection or row.file:
            detail += "；有交流体会"
        part.entries.append(RecordEntry("交流展示", exchange.title, exchange.held_on, detail))
    return dict(parts)


OWN_RECORD_COLUMNS = (
    ("items_owned", "负责事项"),
    ("items_on_time", "按期完成"),
    ("items_late", "逾期"),
    ("teams", "攻坚团队"),
    ("mentoring", "岗位带教"),
    ("rotations", "交流锻炼"),
    ("competitions", "比武"),
    ("quarter_stars", "季度之星"),
    ("discussions", "大讨论"),
    ("exchanges", "交流展示"),
)
