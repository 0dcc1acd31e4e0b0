"""Writes of the lecture series. Approval state changes go through qpdo.workflow only."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import Campaign
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.org.scoping import user_unit
from qpdo.workflow import services as workflow

from . import rules
from .enums import EVENT_YEARS_BACK
from .models import Slot, Topic

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
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def topic_create(*, acting_user, campaign: Campaign, data: dict) -> Topic:
    """Create a draft topic for the acting section head's own unit."""
    if not rules.may_propose_topic(acting_user):
        raise PermissionError("只有各科室负责人可以推荐选题。")
    unit = user_unit(acting_user)
    validate_topic(
        campaign=campaign,
        unit=unit,
        speaker=data["speaker"],
        event_date=data["event_date"],
        preferred_slot=data.get("preferred_slot"),
    )
    topic = Topic(campaign=campaign, unit=unit, **{k: data.get(k) for k in TOPIC_FIELDS})
    return workflow.subject_create(topic, acting_user=acting_user)


@transaction.atomic
def topic_update(*, acting_user, topic: Topic, data: dict) -> Topic:
    """Change a draft or returned topic; a submitted one is refused."""
    workflow.ensure_editable(topic)
    if not rules.may_edit_topic(acting_user, topic):
        raise PermissionError("只有本科室负责人可以修改该选题。")
    validate_topic(
        campaign=topic.campaign,
        unit=topic.unit,
        speaker=data["speaker"],
        event_date=data["event_date"],
        preferred_slot=data.get("preferred_slot"),
    )
    for key in TOPIC_FIELDS:
        setattr(topic, key, data.get(key))
    topic.save()
    workflow.subject_refresh_title(topic)
    return topic


def topic_submit(*, acting_user, topic: Topic, request=None):
    """Put the topic forward (科室推荐): it goes to 综合科初评."""
    return workflow.approval_submit(subject=topic, acting_user=acting_user, request=request)
