"""What the lecture series tells the campaign (registered in LecturesConfig.ready()).

- the monthly section ranking: speakers a section still owes once topics are due, lectures
  its speakers delivered in the month, manuscripts it handed in (报送材料);
- each person's yearly record: the lectures they gave and the topics they were chosen for;
- the campaign calendar: the scheduled lectures;
- the copy to next year: the slots of 附表1.

Every function runs a fixed number of queries whatever the number of units or people.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from campaigns import providers
from campaigns.enums import Metric
from campaigns.models import KeyDate
from campaigns.providers import CalendarEvent, Provider, RecordEntry, RecordPart, SummaryPart
from qpdo.org.dates import local_date
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion

from . import services
from .chains import MANUSCRIPT_CHAIN
from .enums import SPEAKERS_MINIMUM, KeyDateCode
from .models import Lecture, Slot, Topic


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def monthly(campaign, *, start: datetime.date, end: datetime.date, units) -> dict:
    """Return per unit: speakers owed at the month's end, lectures delivered, manuscripts in."""
    unit_ids = [u.pk for u in units]
    owed: dict[int, int] = {}
    due = KeyDate.objects.filter(campaign=campaign, code=KeyDateCode.TOPICS_DUE).first()
    if due is not None and end >= due.date:
        slots = dict(
            Slot.objects.filter(campaign=campaign, is_cancelled=False, unit_id__in=unit_ids)
            .values_list("unit")
            .annotate(n=Count("pk"))
        )
        approved = dict(
            Topic.objects.filter(
                campaign=campaign,
                unit_id__in=unit_ids,
                approval__state=State.APPROVED,
                approval__decided_at__lt=_day_start(end + datetime.timedelta(days=1)),
            )
            .values_list("unit")
            .annotate(n=Count("pk"))
        )
        for unit_id in unit_ids:
            expected = max(slots.get(unit_id, 0), SPEAKERS_MINIMUM)
            owed[unit_id] = max(expected - approved.get(unit_id, 0), 0)
    delivered = dict(
        Lecture.objects.filter(
            slot__campaign=campaign,
            topic__unit_id__in=unit_ids,
            held_on__gte=start,
            held_on__lte=end,
        )
        .values_list("topic__unit")
        .annotate(n=Count("pk"))
    )
    manuscripts = dict(
        Opinion.objects.filter(
            approval__chain_code=MANUSCRIPT_CHAIN.code,
            approval__unit_id__in=unit_ids,
            action=Action.SUBMIT,
            round=1,
            at__gte=_day_start(start),
            at__lt=_day_start(end + datetime.timedelta(days=1)),
        )
        .values_list("approval__unit")
        .annotate(n=Count("pk"))
    )
    return {
        Metric.SPEAKERS_OWED: owed,
        Metric.LECTURES_DELIVERED: delivered,
        Metric.REPORTS_FILED: manuscripts,
    }


def record(campaign, *, staff) -> dict[int, RecordPart]:
    """Return per person the lectures they gave and the topics they were chosen for."""
    parts: dict[int, RecordPart] = {}
    topics = (
        Topic.objects.filter(campaign=campaign, speaker__in=[s.pk for s in staff])
        .exclude(approval__state__in=[State.DRAFT, State.WITHDRAWN])
        .select_related("approval", "lecture__slot")
        .order_by("id")
    )
    for topic in topics:
        part = parts.setdefault(topic.speaker_id, RecordPart(counts={"lectures_given": 0}))
        lecture = getattr(topic, "lecture", None)
        if lecture is not None and lecture.held_on is not None:
            part.counts["lectures_given"] += 1
            promoted = "；报市国动办推广" if lecture.promoted_city_on else ""
            audience = f"，听众 {lecture.audience_count} 人" if lecture.audience_count else ""
            part.entries.append(
                RecordEntry(
                    "讲堂讲述",
                    f"《{topic.title}》",
                    lecture.held_on,
                    f"{lecture.held_place or lecture.place}{audience}{promoted}",
                )
            )
        elif topic.approval.state == State.APPROVED:
            if lecture is not None:
                starts = timezone.localtime(lecture.starts_at)
                when = f"，已安排{starts.month}月{starts.day}日讲述"
            else:
                when = "，待安排讲述"
            part.entries.append(
                RecordEntry(
                    "讲堂选题",
                    f"《{topic.title}》",
                    local_date(topic.approval.decided_at),
                    f"经办领导审定入选{when}",
                )
            )
        else:
            part.entries.append(
                RecordEntry(
                    "讲堂选题",
                    f"《{topic.title}》",
                    None,
                    f"科室推荐（{topic.approval.state_label}）",
                )
            )
    return parts


def calendar(campaign) -> list[CalendarEvent]:
    """Return the year's scheduled lectures for the campaign calendar."""
    lectures = Lecture.objects.filter(slot__campaign=campaign).select_related(
        "topic__speaker", "topic__unit"
    )
    return [
        CalendarEvent(
            date=local_date(lecture.starts_at),
            title=f"小讲堂：《{lecture.topic.title}》（{lecture.topic.speaker.name}）",
            programme="国动小讲堂",
            url=lecture.get_absolute_url(),
        )
        for lecture in lectures
    ]


def preview_slots(source, year: int) -> list[str]:
    """List the slots the new year will have (the cancelled ones of last year are left out)."""
    slots = Slot.objects.filter(campaign=source, is_cancelled=False).select_related("unit")
    return [
        f"第{number}场 · {year}年{slot.month}月 · {slot.unit.name}"
        for number, slot in enumerate(slots.order_by("number"), start=1)
    ]


def summary(campaign) -> list[SummaryPart]:
    """Return the lectures given in the year (topic, speaker, month) for the 实践活动总结."""
    slots = Slot.objects.filter(campaign=campaign, is_cancelled=False).count()
    given = list(
        Lecture.objects.filter(slot__campaign=campaign, held_on__isnull=False)
        .select_related("topic__speaker", "topic__unit")
        .order_by("held_on", "pk")
    )
    return [
        SummaryPart(
            heading="国动小讲堂",
            text=f"全年安排讲述场次{slots}场，已讲述{len(given)}场。",
            headers=("月份", "选题", "讲述人", "推荐科室"),
            rows=tuple(
                (
                    f"{lecture.held_on.month}月",
                    f"《{lecture.topic.title}》",
                    lecture.topic.speaker.name,
                    lecture.topic.unit.name,
                )
                for lecture in given
            ),
            widths=(18, 76, 26, 34),
            empty="本年度尚无已讲述的小讲堂。",
            records=len(given),
        )
    ]


PROVIDER = Provider(
    label="国动小讲堂",
    order=30,
    columns=(("lectures_given", "小讲堂讲述"),),
    monthly=monthly,
    record=record,
    calendar=calendar,
    summary=summary,
)


def register() -> None:
    providers.register("lectures", PROVIDER)
    providers.register_copy_hook(
        "lectures", label="国动小讲堂", copy=services.slots_copy, order=30, preview=preview_slots
    )
