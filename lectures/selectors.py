"""Reads of the lecture series; the one place that decides which topics a user sees."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from campaigns.models import Campaign
from qpdo.org.scoping import units_user_may_see, user_staff
from qpdo.org.selectors import staff_of_unit

from .models import Slot, Topic


def topic_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[Topic]:
    """Return the topics the user may see: their units' topics and topics where they speak."""
    staff = user_staff(user)
    visible = Q(unit__in=units_user_may_see(user))
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


def slots_of(campaign: Campaign) -> QuerySet[Slot]:
    return Slot.objects.filter(campaign=campaign, is_cancelled=False).select_related("unit")
