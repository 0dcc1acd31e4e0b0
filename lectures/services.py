"""Writes of the lecture series. Approval state changes go through qpdo.workflow only."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import check_open
from qpdo.documents.uploads import atomic_with_files, clean_photo
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_datetime
from qpdo.org.enums import AuditAction
from qpdo.org.models import Staff, Unit
from qpdo.org.scoping import user_unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import State

from . import rules
from .enums import EVENT_YEARS_BACK, MANUSCRIPT_PARTS
from .models import (
    CityPromotion,
    Lecture,
    LecturePhoto,
    Manuscript,
    ManuscriptVersion,
    Slot,
    SlotRequest,
    Topic,
)
from .selectors import slot_holder

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.core.files.uploadedfile import UploadedFile

    from qpdo.workflow.models import Approval


def _audit(acting_user: User, target, detail: str) -> None:
    # Called inside the service's transaction: the record commits with the change.
    audit_record(action=AuditAction.CHANGE, actor=acting_user, target=target, detail=detail)


TOPIC_FIELDS = (
    "title",
    "speaker",
    "event",
    "event_date",
    "speaker_part",
    "summary",
    "preferred_slot",
)


def validate_topic(
    *,
    campaign: Campaign,
    unit,
    speaker: Staff,
    event_date: datetime.date,
    preferred_slot: Slot | None,
    topic: Topic | None = None,
) -> None:
    """Raise a ValidationError (by field) when a topic breaks the series' rules."""
    errors: dict[str, str] = {}
    if speaker.unit_id != unit.pk or not speaker.is_active:
        errors["speaker"] = f"主讲人须为{unit.name}在职人员。"
    earliest = datetime.date(campaign.year - EVENT_YEARS_BACK, 1, 1)
    latest = min(campaign.end, clock.today())
    if event_date < earliest:
        errors["event_date"] = f"选题须为近五年来的事件：事件时间不能早于{earliest.year}年1月1日。"
    elif event_date > latest:
        errors["event_date"] = "事件时间不能晚于今天，也不能晚于活动结束日期。"
    if preferred_slot is not None and (
        preferred_slot.campaign_id != campaign.pk or preferred_slot.is_cancelled
    ):
        errors["preferred_slot"] = "意向场次不属于本年度或已取消。"
    elif preferred_slot is not None:
        holder = slot_holder(preferred_slot, except_topic=topic)
        if holder:
            errors["preferred_slot"] = f"场次“{preferred_slot}”{holder}，请选择空余场次。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def topic_create(
    *,
    acting_user: User,
    campaign: Campaign,
    title: str,
    speaker: Staff,
    event: str,
    event_date: datetime.date,
    speaker_part: str = "",
    summary: str = "",
    preferred_slot: Slot | None = None,
) -> Topic:
    """Create a draft topic for the acting section head's own unit."""
    check_open(campaign)
    if not rules.may_propose_topic(acting_user):
        raise Refused("只有各科室负责人可以推荐选题。")
    unit = user_unit(acting_user)
    validate_topic(
        campaign=campaign,
        unit=unit,
        speaker=speaker,
        event_date=event_date,
        preferred_slot=preferred_slot,
    )
    topic = Topic(
        campaign=campaign,
        unit=unit,
        title=title,
        speaker=speaker,
        event=event,
        event_date=event_date,
        speaker_part=speaker_part,
        summary=summary,
        preferred_slot=preferred_slot,
    )
    return workflow.subject_create(topic, acting_user=acting_user)


@transaction.atomic
def topic_update(
    *,
    acting_user: User,
    topic: Topic,
    title: str,
    speaker: Staff,
    event: str,
    event_date: datetime.date,
    speaker_part: str = "",
    summary: str = "",
    preferred_slot: Slot | None = None,
) -> Topic:
    """Change a draft or returned topic; a submitted one is refused."""
    check_open(topic.campaign)
    workflow.ensure_editable(topic)
    if not rules.may_edit_topic(acting_user, topic):
        raise Refused("只有本科室负责人可以修改该选题。")
    validate_topic(
        campaign=topic.campaign,
        unit=topic.unit,
        speaker=speaker,
        event_date=event_date,
        preferred_slot=preferred_slot,
        topic=topic,
    )
    topic.title, topic.speaker, topic.event = title, speaker, event
    topic.event_date, topic.speaker_part, topic.summary = event_date, speaker_part, summary
    topic.preferred_slot = preferred_slot
    topic.save()
    workflow.subject_refresh_title(topic)
    _audit(acting_user, topic, f"修改选题：{topic.title}")
    return topic


def topic_submit(*, acting_user: User, topic: Topic) -> Approval:
    """Put the topic forward (科室推荐): it goes to 综合科初评."""
    return workflow.approval_submit(subject=topic, acting_user=acting_user)


# Manuscripts ------------------------------------------------------------------------------

MANUSCRIPT_TEXT_FIELDS = (*(field for field, _ in MANUSCRIPT_PARTS), "planned_minutes")


def manuscript_save(
    *,
    acting_user: User,
    topic: Topic,
    background: str,
    goals: str,
    planning: str,
    implementation: str,
    results: str,
    planned_minutes: int | None,
    slides: UploadedFile | None = None,
    media: UploadedFile | None = None,
) -> Manuscript:
    """Write the topic's manuscript: the open version is changed in place; after a return the
    next version starts from the last one. Attachments replace the previous ones."""
    check_open(topic.campaign)
    if not rules.may_write_manuscript(acting_user, topic):
        raise Refused("只有讲述人或本科室负责人可以撰写该讲述稿。")
    now = clock.now()
    with atomic_with_files() as saved:
        manuscript = Manuscript.objects.filter(topic=topic).first()
        if manuscript is None:
            manuscript = workflow.subject_create(Manuscript(topic=topic), acting_user=acting_user)
        else:
            workflow.ensure_editable(manuscript)
        version = manuscript.latest_version()
        if version is None or version.is_sealed:
            previous = version
            version = ManuscriptVersion(
                manuscript=manuscript,
                number=(previous.number + 1) if previous else 1,
                created_at=now,
                author=acting_user,
            )
            if previous is not None:
                for name in ("slides", "slides_name", "media", "media_name"):
                    setattr(version, name, getattr(previous, name))
        version.background, version.goals, version.planning = background, goals, planning
        version.implementation, version.results = implementation, results
        version.planned_minutes = planned_minutes
        for field, upload in (("slides", slides), ("media", media)):
            if upload:
                saved.save(getattr(version, field), upload.name, upload)
                setattr(version, f"{field}_name", upload.name[:200])
        version.updated_at = now
        version.author = acting_user
        version.full_clean(exclude=["manuscript", "slides", "media"])
        version.save()
        workflow.subject_refresh_title(manuscript)
        _audit(acting_user, manuscript, f"撰写讲述稿：第{version.number}稿")
    return manuscript


def manuscript_check_complete(manuscript: Manuscript) -> None:
    """Refuse to submit a manuscript whose open version lacks a part (a ValidationError)."""
    version = manuscript.latest_version()
    if version is None:
        raise ValidationError("请先填写讲述稿。")
    missing = [label for field, label in MANUSCRIPT_PARTS if not getattr(version, field).strip()]
    if missing:
        raise ValidationError(f"讲述稿尚未完成：请填写“{'”“'.join(missing)}”。")


@transaction.atomic
def manuscript_submit(*, acting_user: User, manuscript: Manuscript) -> Approval:
    """Submit the open version (讲述人提交) and seal it: it is kept unchanged from now on."""
    approval = workflow.approval_submit(subject=manuscript, acting_user=acting_user)
    ManuscriptVersion.objects.filter(manuscript=manuscript, is_sealed=False).update(is_sealed=True)
    return approval


# Schedule and delivery ------------------------------------------------------------------


def _check_schedule(*, topic: Topic, slot: Slot, starts_at, lecture: Lecture | None) -> None:
    errors: dict[str, str] = {}
    if topic.approval.state != State.APPROVED:
        errors["topic"] = "只有经办领导审定通过的选题才能安排讲述。"
    if slot.is_cancelled:
        errors["slot"] = "该场次已取消。"
    elif slot.campaign_id != topic.campaign_id:
        errors["slot"] = "场次与选题不属于同一年度。"
    elif slot.unit_id != topic.unit_id:
        errors["slot"] = f"该场次属于{slot.unit.name}，请选择{topic.unit.name}的场次。"
    else:
        taken = Lecture.objects.filter(slot=slot).exclude(pk=getattr(lecture, "pk", None))
        if taken.exists():
            errors["slot"] = f"场次“{slot}”已安排了其他讲述，请选择其他场次。"
    local = timezone.localtime(starts_at)
    if "slot" not in errors and (local.year != topic.campaign.year or local.month != slot.month):
        errors["starts_at"] = (
            f"讲述时间须在该场次的月份（{topic.campaign.year}年{slot.month}月）内。"
        )
    other = Lecture.objects.filter(topic=topic).exclude(pk=getattr(lecture, "pk", None))
    if other.exists():
        errors["topic"] = "该选题已安排过讲述。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def lecture_schedule(
    *,
    acting_user: User,
    topic: Topic,
    slot: Slot,
    starts_at: datetime.datetime,
    place: str,
    duration_minutes: int = 30,
) -> Lecture:
    """Place an approved topic in a slot with its date, time and place (综合科)."""
    if not rules.may_coordinate(acting_user):
        raise Refused("只有综合科小讲堂管理人员可以安排讲述。")
    check_open(topic.campaign)
    Slot.objects.select_for_update().filter(pk=slot.pk).first()
    _check_schedule(topic=topic, slot=slot, starts_at=starts_at, lecture=None)
    lecture = Lecture.objects.create(
        slot=slot,
        topic=topic,
        starts_at=starts_at,
        place=place,
        duration_minutes=duration_minutes,
        scheduled_by=acting_user,
    )
    _audit(acting_user, lecture, f"安排讲述：{cn_datetime(starts_at)}，{place}")
    return lecture


@transaction.atomic
def lecture_reschedule(
    *,
    acting_user: User,
    lecture: Lecture,
    slot: Slot,
    starts_at: datetime.datetime,
    place: str,
    duration_minutes: int,
) -> Lecture:
    if not rules.may_coordinate(acting_user):
        raise Refused("只有综合科小讲堂管理人员可以调整安排。")
    check_open(lecture.topic.campaign)
    Slot.objects.select_for_update().filter(pk=slot.pk).first()
    _check_schedule(topic=lecture.topic, slot=slot, starts_at=starts_at, lecture=lecture)
    lecture.slot, lecture.starts_at, lecture.place = slot, starts_at, place
    lecture.duration_minutes = duration_minutes
    lecture.save()
    _audit(acting_user, lecture, f"调整讲述安排：{cn_datetime(starts_at)}，{place}")
    return lecture


DELIVERY_FIELDS = (
    "held_on",
    "held_place",
    "audience_count",
    "notes",
    "promoted_district_on",
)


def lecture_record_delivery(
    *,
    acting_user: User,
    lecture: Lecture,
    held_on: datetime.date | None = None,
    held_place: str | None = None,
    audience_count: int | None = None,
    notes: str | None = None,
    promoted_district_on: datetime.date | None = None,
    photos: Sequence[UploadedFile] = (),
    captions: dict | None = None,
) -> Lecture:
    """Record how the lecture went (date, place, audience, notes, promotion) and add photos."""
    if not rules.may_coordinate(acting_user):
        raise Refused("只有综合科小讲堂管理人员可以记录讲述情况。")
    check_open(lecture.slot.campaign)
    errors = {}
    if held_on and held_on > clock.today():
        errors["held_on"] = "实际举办日期不能晚于今天。"
    if promoted_district_on and held_on and promoted_district_on < held_on:
        errors["promoted_district_on"] = "宣传推广日期不能早于举办日期。"
    if promoted_district_on and not held_on:
        errors["promoted_district_on"] = "请先填写实际举办日期。"
    if errors:
        raise ValidationError(errors)
    with atomic_with_files() as saved:
        lecture.held_on, lecture.audience_count = held_on, audience_count
        lecture.held_place = held_place if held_place is not None else ""
        lecture.notes = notes if notes is not None else ""
        lecture.promoted_district_on = promoted_district_on
        lecture.save()
        for index, upload in enumerate(photos):
            photo = LecturePhoto(
                lecture=lecture,
                uploaded_at=clock.now(),
                caption=(captions or {}).get(index, "")[:100],
            )
            cleaned, thumb = clean_photo(upload)
            saved.save(photo.image, cleaned.name, cleaned)
            saved.save(photo.thumbnail, thumb.name, thumb)
            photo.save()
        _audit(acting_user, lecture, f"记录讲述情况（新增照片{len(photos)}张）")
    return lecture


@transaction.atomic
def slot_cancel(*, acting_user: User, slot: Slot) -> Slot:
    """Cancel a slot that holds no lecture yet."""
    if not rules.may_coordinate(acting_user):
        raise Refused("只有综合科小讲堂管理人员可以取消场次。")
    check_open(slot.campaign)
    if Lecture.objects.filter(slot=slot).exists():
        raise ValidationError("该场次已安排讲述，请先调整讲述安排再取消。")
    slot.is_cancelled = True
    slot.save(update_fields=["is_cancelled"])
    _audit(acting_user, slot, f"取消场次：{slot}")
    return slot


def slots_copy(source: Campaign, target: Campaign) -> str:
    """Copy the slots of 附表1 (unit × month) to the new year; cancelled ones stay behind.

    A step of `campaigns.services.campaign_copy` (the programme's copy hook): it runs in that
    service's transaction, whose audit record lists what each programme copied.
    """
    slots = [
        Slot(
            campaign=target,
            number=number,
            unit_id=slot.unit_id,
            month=slot.month,
            topic_rule=slot.topic_rule,
            people_rule=slot.people_rule,
        )
        for number, slot in enumerate(
            Slot.objects.filter(campaign=source, is_cancelled=False).order_by("number"), start=1
        )
    ]
    Slot.objects.bulk_create(slots)
    return f"场次 {len(slots)} 个"


def validate_slot(
    *, slot: Slot, month: int | None, unit: Unit | None = None, is_cancelled: bool = False
) -> None:
    """Refuse to move or cancel a slot away from the lecture it holds."""
    lecture = Lecture.objects.filter(slot=slot).select_related("topic").first() if slot.pk else None
    if not 1 <= (month or 0) <= 12:
        raise ValidationError("月份须在 1 到 12 之间。")
    if lecture is None:
        return
    if is_cancelled:
        raise ValidationError("该场次已安排讲述，请先调整讲述安排再取消。")
    if unit and unit.pk != lecture.topic.unit_id:
        raise ValidationError(f"该场次已安排{lecture.topic.unit.name}的讲述，不能改为其他单位。")
    if month != timezone.localtime(lecture.starts_at).month:
        raise ValidationError("该场次已安排讲述，改月份前请先调整讲述时间。")


# Extra slots (加开场次) ------------------------------------------------------------------------


@transaction.atomic
def slot_request_create(
    *, acting_user: User, campaign: Campaign, month: int, reason: str
) -> SlotRequest:
    """Ask for a slot beyond 附表1 (a section head, for their own unit) and submit it to
    综合科 at once: the request has nothing to prepare beyond its month and reason."""
    check_open(campaign)
    if not rules.may_request_slot(acting_user):
        raise Refused("只有各科室负责人可以申请加开场次。")
    errors = {}
    if not 1 <= (month or 0) <= 12:
        errors["month"] = "月份须在 1 到 12 之间。"
    if not (reason or "").strip():
        errors["reason"] = "请填写申请理由。"
    if errors:
        raise ValidationError(errors)
    slot_request = SlotRequest(
        campaign=campaign, unit=user_unit(acting_user), month=month, reason=reason.strip()
    )
    workflow.subject_create(slot_request, acting_user=acting_user)
    _audit(acting_user, slot_request, f"申请加开讲堂场次：{campaign.year}年{month}月")
    workflow.approval_submit(subject=slot_request, acting_user=acting_user)
    return slot_request


def slot_request_granted(*, slot_request: SlotRequest, acting_user: User) -> Slot:
    """Create the extra slot of a granted request (called by the engine's move, inside its
    transaction): the next number after the year's slots, the unit and month asked for."""
    campaign = slot_request.campaign
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    last = Slot.objects.filter(campaign=campaign).order_by("-number").first()
    slot = Slot.objects.create(
        campaign=campaign,
        number=(last.number if last else 0) + 1,
        unit=slot_request.unit,
        month=slot_request.month,
    )
    slot_request.slot = slot
    slot_request.save(update_fields=["slot"])
    _audit(
        acting_user, slot, f"加开讲堂场次：第{slot.number}场（{slot}），依申请 {slot_request.pk}"
    )
    return slot


@transaction.atomic
def slot_request_resubmit(
    *, acting_user: User, slot_request: SlotRequest, month: int, reason: str
) -> SlotRequest:
    """Change a returned (or withdrawn) request and send it to 综合科 again."""
    check_open(slot_request.campaign)
    workflow.ensure_editable(slot_request)
    if not rules.may_resubmit_slot_request(acting_user, slot_request):
        raise Refused("只有本科室负责人可以修改该申请。")
    if not 1 <= (month or 0) <= 12 or not (reason or "").strip():
        raise ValidationError({"reason": "请填写月份和申请理由。"})
    slot_request.month, slot_request.reason = month, reason.strip()
    slot_request.save(update_fields=["month", "reason"])
    workflow.subject_refresh_title(slot_request)
    _audit(acting_user, slot_request, f"修改加开讲堂场次申请：{month}月")
    workflow.approval_submit(subject=slot_request, acting_user=acting_user)
    return slot_request


# 报市国动办推广 -------------------------------------------------------------------------------

CITY_FILES = ("manuscript_file", "slides", "video")


def lecture_record_city_promotion(
    *,
    acting_user: User,
    lecture: Lecture,
    sent_on: datetime.date | None,
    note: str | None = "",
    reply_on: datetime.date | None = None,
    reply: str | None = "",
    manuscript_file: UploadedFile | None = None,
    slides: UploadedFile | None = None,
    video: UploadedFile | None = None,
) -> CityPromotion:
    """Record what was sent to the 市国动办 (讲述稿, PPT, 视频), when, and the city's reply.

    Files already sent stay unless a new one replaces them; the date is also kept on the
    lecture (promoted_city_on) for the lists and the yearly record.
    """
    if not rules.may_coordinate(acting_user):
        raise Refused("只有综合科小讲堂管理人员可以登记报市国动办推广。")
    check_open(lecture.slot.campaign)
    uploads = {"manuscript_file": manuscript_file, "slides": slides, "video": video}
    files = {k: v for k, v in uploads.items() if v}
    promotion = CityPromotion.objects.filter(lecture=lecture).first()
    today = clock.today()
    errors: dict[str, str] = {}
    if lecture.held_on is None:
        errors["sent_on"] = "请先记录讲述情况（实际举办日期）。"
    elif sent_on is None or sent_on < lecture.held_on or sent_on > today:
        errors["sent_on"] = "报送日期须在举办日期之后，且不晚于今天。"
    if reply_on and (sent_on is None or reply_on < sent_on or reply_on > today):
        errors["reply_on"] = "反馈日期须在报送日期之后，且不晚于今天。"
    if (reply or "").strip() and not reply_on:
        errors["reply_on"] = "请填写市国动办反馈的日期。"
    has_file = any(files.get(f) or (promotion and getattr(promotion, f)) for f in CITY_FILES)
    if not has_file:
        errors["manuscript_file"] = "请上传报送的材料（讲述稿、PPT 或视频，至少一项）。"
    if errors:
        raise ValidationError(errors)
    with atomic_with_files() as saved:
        if promotion is None:
            promotion = CityPromotion(lecture=lecture)
        promotion.sent_on, promotion.reply_on = sent_on, reply_on
        promotion.note = (note or "").strip()
        promotion.reply = (reply or "").strip()
        promotion.recorded_by, promotion.updated_at = acting_user, clock.now()
        for field in CITY_FILES:
            upload = files.get(field)
            if upload:
                saved.save(getattr(promotion, field), upload.name, upload)
                name_field = "manuscript_name" if field == "manuscript_file" else f"{field}_name"
                setattr(promotion, name_field, upload.name[:200])
        promotion.save()
        lecture.promoted_city_on = sent_on
        lecture.save(update_fields=["promoted_city_on"])
        sent = "、".join(label for _, label in promotion.materials())
        _audit(
            acting_user,
            lecture,
            f"报市国动办推广：{sent_on:%Y-%m-%d} 报送{sent}"
            + (f"；{reply_on:%Y-%m-%d} 反馈：{promotion.reply[:100]}" if reply_on else ""),
        )
    return promotion
