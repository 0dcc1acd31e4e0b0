"""Reads of the lecture series; the one place that decides which topics a user sees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Q, QuerySet
from django.http import Http404

from campaigns.models import Campaign, KeyDate
from campaigns.selectors import key_date_of, working_year, year_span
from qpdo.org.models import Unit
from qpdo.org.need_to_know import may_read_unit, reads_across_units, units_user_may_read
from qpdo.org.scoping import user_staff
from qpdo.org.selectors import campaign_units, staff_of_unit
from qpdo.org.sql import subquery_count
from qpdo.workflow.enums import Action, State

from .enums import SPEAKERS_MINIMUM, KeyDateCode
from .models import CityPromotion, Lecture, Manuscript, Slot, SlotRequest, Topic


def topic_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[Topic]:
    """Return the topics the user may see: their unit's topics, every unit's for the readers
    need_to_know declares (小讲堂管理, 办领导), and topics where they speak."""
    staff = user_staff(user)
    visible = Q(unit__in=units_user_may_read(user, "lectures.Topic"))
    if staff is not None:
        visible |= Q(speaker=staff)
    topics = Topic.objects.filter(visible)
    if campaign is not None:
        topics = topics.filter(campaign=campaign)
    return topics.select_related("unit", "speaker", "approval", "preferred_slot__unit", "campaign")


def topic_get_for(*, user, pk: int) -> Topic:
    """Return one topic the user may see; another unit's topic is a 404, like a missing one."""
    topic = topic_list_for(user=user).filter(pk=pk).first()
    if topic is None:
        raise Http404("未找到该选题。")
    return topic


def speakers_for_unit(unit):
    """Return who may speak for a unit: its active staff."""
    return staff_of_unit(unit)


def lecture_years() -> list[int]:
    """Return the years of the selector: every year from the first campaign with slots to
    this year (or a later year already set up), newest first, none skipped."""
    return year_span(*Slot.objects.values_list("campaign__year", flat=True).distinct())


def lecture_campaign_of(year: int) -> Campaign | None:
    """Return the campaign a year's series belongs to, or None before it is set up."""
    return Campaign.objects.select_related("coordinator_unit").filter(year=year).first()


def year_asked(raw: str | None) -> int | None:
    """Return the year of ?year= (this year when absent); None for a malformed one."""
    if not raw:
        return working_year()
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else None


def slots_of(campaign: Campaign) -> QuerySet[Slot]:
    return Slot.objects.filter(campaign=campaign, is_cancelled=False).select_related("unit")


def slots_taken(slots, *, except_lecture: Lecture | None = None) -> dict[int, str]:
    """Return the slots among `slots` that already hold a lecture, with what holds them."""
    lectures = (
        Lecture.objects.filter(slot__in=slots)
        .exclude(pk=getattr(except_lecture, "pk", None))
        .select_related("topic__speaker")
    )
    return {
        lecture.slot_id: f"已安排《{lecture.topic.title}》，{lecture.topic.speaker.name}主讲"
        for lecture in lectures
    }


def slot_holder(slot: Slot, *, except_topic: Topic | None = None) -> str:
    """Return what holds a slot (empty when it is free, or held by the topic itself)."""
    lecture = (
        Lecture.objects.filter(slot=slot)
        .exclude(topic=except_topic)
        .select_related("topic__speaker")
        .first()
        if slot.pk
        else None
    )
    return f"已安排《{lecture.topic.title}》，{lecture.topic.speaker.name}主讲" if lecture else ""


# Overview (quota per section) -------------------------------------------------------------


@dataclass
class SectionLine:
    """One section's line of the overview: speakers expected, proposed, approved, scheduled."""

    unit: Unit
    slots: int
    proposed: int
    approved: int
    scheduled: int
    delivered: int

    @property
    def expected(self) -> int:
        return max(self.slots, SPEAKERS_MINIMUM)

    @property
    def owes(self) -> int:
        return max(self.expected - self.approved, 0)

    @property
    def flag(self) -> str:
        if self.approved < SPEAKERS_MINIMUM:
            return "red"
        return "amber" if self.approved < self.expected else "green"

    @property
    def flag_label(self) -> str:
        return {"red": "尚未确定讲述人", "amber": f"还差 {self.owes} 名讲述人", "green": "已落实"}[
            self.flag
        ]


def section_overview_for(*, user, campaign: Campaign) -> list[SectionLine]:
    """Return per section the speakers proposed / approved / scheduled against the slots.

    The coordinator and the leadership see every section; a section head their own line.
    One statement whatever the number of sections and topics.
    """
    units = campaign_units()
    if not reads_across_units(user, "lectures.Topic"):
        units = units.filter(pk__in=units_user_may_read(user, "lectures.Topic"))
    # Every count as a subquery per unit: the sections and their counts in one statement.
    submitted = Topic.objects.filter(campaign=campaign, unit=OuterRef("pk")).exclude(
        approval__state__in=[State.DRAFT, State.WITHDRAWN]
    )
    lectures = Lecture.objects.filter(topic__campaign=campaign, topic__unit=OuterRef("pk"))
    units = units.annotate(
        n_slots=subquery_count(
            Slot.objects.filter(campaign=campaign, is_cancelled=False, unit=OuterRef("pk"))
        ),
        n_proposed=subquery_count(submitted),
        n_approved=subquery_count(submitted.filter(approval__state=State.APPROVED)),
        n_scheduled=subquery_count(lectures),
        n_delivered=subquery_count(lectures.filter(held_on__isnull=False)),
    )
    return [
        SectionLine(
            unit=u,
            slots=u.n_slots,
            proposed=u.n_proposed,
            approved=u.n_approved,
            scheduled=u.n_scheduled,
            delivered=u.n_delivered,
        )
        for u in units
    ]


# Schedule ---------------------------------------------------------------------------------


def lecture_list(*, campaign: Campaign) -> QuerySet[Lecture]:
    """Return a year's scheduled lectures (the schedule is open to all staff)."""
    return (
        Lecture.objects.filter(slot__campaign=campaign)
        .select_related("slot__unit", "topic__speaker", "topic__unit")
        .order_by("starts_at")
    )


def lecture_get(*, pk: int) -> Lecture:
    lecture = (
        Lecture.objects.select_related(
            "slot__unit", "topic__speaker", "topic__unit", "topic__approval", "topic__campaign"
        )
        .filter(pk=pk)
        .first()
    )
    if lecture is None:
        raise Http404("未找到该讲堂活动。")
    return lecture


def city_promotion_of(lecture: Lecture) -> CityPromotion | None:
    """Return what the lecture sent to the 市国动办 (报市国动办推广), or None."""
    return CityPromotion.objects.filter(lecture=lecture).select_related("recorded_by").first()


def city_promotion_list_for(*, user) -> QuerySet[CityPromotion]:
    """Return the 报市国动办推广 records the user may read: the declared readers' all, a
    科室负责人's of their unit's topics, a speaker's own."""
    units = units_user_may_read(user, "lectures.CityPromotion")
    mine = Q(lecture__topic__unit__in=units)
    staff = user_staff(user)
    if staff is not None:
        mine |= Q(lecture__topic__speaker=staff)
    return CityPromotion.objects.filter(mine).select_related(
        "lecture__topic__unit", "lecture__topic__speaker", "lecture__slot", "recorded_by__staff"
    )


def city_promotion_for(*, user, lecture: Lecture) -> CityPromotion | None:
    """Return the lecture's 报市国动办推广 if the user may read it, else None.

    The lecture itself is announced to the office; what was sent to the city (the manuscript,
    the PPT, the video) and the city's reply are read by the declared readers of
    lectures.CityPromotion (小讲堂管理, 办领导), the topic's own unit (科室负责人) and the speaker.
    """
    promotion = city_promotion_of(lecture)
    if promotion is None:
        return None
    topic = lecture.topic
    if may_read_unit(user, "lectures.CityPromotion", topic.unit_id):
        return promotion
    staff = user_staff(user)
    if staff is not None and staff.pk == topic.speaker_id:
        return promotion
    return None


def schedulable_topics(*, campaign: Campaign) -> QuerySet[Topic]:
    """Return approved topics not yet placed in a slot."""
    return Topic.objects.filter(
        campaign=campaign, approval__state=State.APPROVED, lecture__isnull=True
    ).select_related("unit", "speaker")


def division_rows(*, campaign: Campaign) -> list[dict]:
    """Return the rows of 附表1 工作分工表: each slot with its unit, month, topic and speaker."""
    slots = (
        Slot.objects.filter(campaign=campaign, extra_request__isnull=True)
        .select_related("unit", "lecture__topic__speaker")
        .order_by("number")
    )
    rows = []
    for slot in slots:
        lecture = getattr(slot, "lecture", None)
        rows.append(
            {
                "number": slot.number,
                "unit": slot.unit.display_name,
                "month": slot.month,
                "topic": lecture.topic.title if lecture else slot.topic_rule,
                "speaker": lecture.topic.speaker.name if lecture else slot.people_rule,
                "cancelled": slot.is_cancelled,
                "lecture": lecture,
                "slot_pk": slot.pk,
            }
        )
    return rows


def extra_slot_rows(*, campaign: Campaign) -> list[dict]:
    """Return the slots granted beyond 附表1 (加开场次), each with the request behind it."""
    slots = (
        Slot.objects.filter(campaign=campaign, extra_request__isnull=False)
        .select_related("unit", "lecture__topic__speaker", "extra_request")
        .order_by("number")
    )
    return [
        {
            "number": slot.number,
            "unit": slot.unit.display_name,
            "month": slot.month,
            "topic": slot.lecture.topic.title if hasattr(slot, "lecture") else slot.topic_rule,
            "speaker": (
                slot.lecture.topic.speaker.name if hasattr(slot, "lecture") else slot.people_rule
            ),
            "cancelled": slot.is_cancelled,
            "lecture": getattr(slot, "lecture", None),
            "slot_pk": slot.pk,
            "request": slot.extra_request,
        }
        for slot in slots
    ]


def slot_request_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[SlotRequest]:
    """Return the extra-slot requests (of a year, or of every year) the user may see: their
    unit's; the declared readers of lectures.SlotRequest (小讲堂管理, 办领导) see all."""
    requests = SlotRequest.objects.filter(
        unit__in=units_user_may_read(user, "lectures.SlotRequest")
    )
    if campaign is not None:
        requests = requests.filter(campaign=campaign)
    return requests.select_related("unit", "approval", "slot", "campaign").order_by("-id")


def slot_request_get_for(*, user, pk: int) -> SlotRequest:
    """Return one request the user may see; another unit's is a 404, like a missing one."""
    found = (
        SlotRequest.objects.filter(
            pk=pk, unit__in=units_user_may_read(user, "lectures.SlotRequest")
        )
        .select_related("unit", "approval", "slot", "campaign")
        .first()
    )
    if found is None:
        raise Http404("未找到该申请。")
    return found


# Manuscripts ------------------------------------------------------------------------------


def manuscript_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[Manuscript]:
    """Return the manuscripts of the topics the user may see."""
    topics = topic_list_for(user=user, campaign=campaign)
    return Manuscript.objects.filter(topic__in=topics.values("pk")).select_related(
        "topic__speaker", "topic__unit", "topic__campaign", "approval"
    )


def manuscript_get_for(*, user, pk: int) -> Manuscript:
    manuscript = manuscript_list_for(user=user).filter(pk=pk).first()
    if manuscript is None:
        raise Http404("未找到该讲述稿。")
    return manuscript


def manuscript_due_date(campaign: Campaign):
    """Return the day manuscripts are due from (data: the campaign's key date)."""
    key_date = key_date_of(campaign, KeyDateCode.MANUSCRIPTS_START)
    return key_date.date if key_date else None


def manuscript_writing_ends(campaign: Campaign) -> datetime.date:
    """Return the last day of the writing period (the stored key date, else 30 September):
    a manuscript first sent after it is late (逾期交稿); one sent after 5月底 is not."""
    stored = (
        KeyDate.objects.filter(campaign=campaign, code=KeyDateCode.MANUSCRIPTS_END)
        .values_list("date", flat=True)
        .first()
    )
    return stored or datetime.date(campaign.year, 9, 30)


def manuscript_first_submitted(manuscript: Manuscript):
    first = manuscript.approval.opinions.filter(action=Action.SUBMIT).order_by("at").first()
    return first.at if first else None


def programme_rows(*, user, campaign: Campaign) -> list[dict]:
    """Return every topic of the year with its state, speaker, slot and dates (for Excel)."""
    topics = (
        topic_list_for(user=user, campaign=campaign)
        .select_related("lecture__slot", "manuscript__approval")
        .annotate(
            submitted_at=Min(
                "approval__opinions__at", filter=Q(approval__opinions__action=Action.SUBMIT)
            )
        )
    )
    rows = []
    for topic in topics.order_by("unit__order", "id"):
        lecture = getattr(topic, "lecture", None)
        manuscript = getattr(topic, "manuscript", None)
        rows.append(
            {
                "unit": topic.unit.name,
                "title": topic.title,
                "speaker": topic.speaker.name,
                "speaker_part": topic.get_speaker_part_display(),
                "event": topic.event,
                "event_date": topic.event_date,
                "state": topic.approval.state_label,
                "submitted_at": topic.submitted_at,
                "manuscript_state": manuscript.approval.state_label if manuscript else "未撰写",
                "slot": str(lecture.slot) if lecture else "",
                "starts_at": lecture.starts_at if lecture else None,
                "place": lecture.place if lecture else "",
                "held_on": lecture.held_on if lecture else None,
                "audience_count": lecture.audience_count if lecture else None,
                "promoted_district_on": lecture.promoted_district_on if lecture else None,
                "promoted_city_on": lecture.promoted_city_on if lecture else None,
            }
        )
    return rows
