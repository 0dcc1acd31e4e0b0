"""Reads of the 交流展示 records.

Every 交流展示 is shown to the office (need_to_know.OFFICE_SHARED): any member of the office's
own units reads the list, the details, the material and the photos; a 街镇 or 成员单位 填报员
reads none (a 404, as for a record that does not exist).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from qpdo.org.need_to_know import reads_office_shared
from qpdo.org.selectors import campaign_units

from .. import rules
from ..enums import ExchangeKind
from ..models import Campaign, Exchange, ExchangeParticipant, ExchangePhoto

KIND = "campaigns.Exchange"


def _may_read(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or reads_office_shared(user, KIND)


def exchange_list_for(
    *, user, campaign: Campaign, kind: str = "", unit_id: int | None = None
) -> QuerySet[Exchange]:
    """Return the year's 交流展示 records the user may read, filtered by kind and unit, newest
    first, with their counts of people and photos (one query for a page of any length)."""
    if not _may_read(user):
        return Exchange.objects.none()
    exchanges = Exchange.objects.filter(campaign=campaign)
    if kind:
        exchanges = exchanges.filter(kind=kind)
    if unit_id:
        exchanges = exchanges.filter(unit_id=unit_id)
    return (
        exchanges.select_related("unit", "campaign")
        .annotate(
            people_n=Count("participants", distinct=True),
            photo_n=Count("photos", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def exchange_get_for(*, user, campaign: Campaign, pk: int) -> Exchange:
    """Return one 交流展示 with its people and photos; what the user may not read is a 404."""
    exchange = (
        exchange_list_for(user=user, campaign=campaign)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ExchangeParticipant.objects.select_related("staff__unit").order_by(
                    "order", "id"
                ),
            ),
            Prefetch("photos", queryset=ExchangePhoto.objects.order_by("order", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if exchange is None:
        raise Http404("未找到该交流展示。")
    return exchange


def exchange_photo_get_for(*, user, pk: int) -> ExchangePhoto:
    photo = ExchangePhoto.objects.filter(pk=pk).select_related("exchange").first()
    if photo is None or not _may_read(user):
        raise Http404("未找到该照片。")
    return photo


def exchange_participant_get_for(*, user, pk: int) -> ExchangeParticipant:
    """Return a person's 体会 (for its file)."""
    part = ExchangeParticipant.objects.filter(pk=pk).select_related("exchange", "staff").first()
    if part is None or not _may_read(user):
        raise Http404("未找到该交流体会。")
    return part


def exchange_units_for(*, user, campaign: Campaign):
    """Return the units the user may record a section's 交流展示 for: every section for the
    牵头科室, their own for a 科室负责人."""
    units = campaign_units()
    if rules.is_coordinator(user, campaign) or getattr(user, "is_superuser", False):
        return units
    return units.filter(pk__in=[u.pk for u in units if rules.heads_unit(user, u)])


def exchange_evidence(
    *, campaign: Campaign, start: datetime.date, end: datetime.date, units
) -> dict[int, list[Exchange]]:
    """Return per unit the 交流展示 it organised between start and end (the month's evidence
    beside the ranking), in one query."""
    unit_ids = [u.pk for u in units]
    found: dict[int, list[Exchange]] = defaultdict(list)
    rows = (
        Exchange.objects.filter(
            campaign=campaign, unit_id__in=unit_ids, held_on__gte=start, held_on__lte=end
        )
        .exclude(kind=ExchangeKind.STAR_SHARING)
        .select_related("campaign")
        .annotate(people_n=Count("participants"))
        .order_by("held_on", "id")
    )
    for exchange in rows:
        found[exchange.unit_id].append(exchange)
    return dict(found)


def star_sharing_sessions(*, campaign: Campaign) -> list[Exchange]:
    """Return the year's 岗位之星 交流展示 sessions with speakers and photos (three queries)."""
    return list(
        Exchange.objects.filter(campaign=campaign, kind=ExchangeKind.STAR_SHARING)
        .select_related("unit", "campaign")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ExchangeParticipant.objects.select_related("staff__unit").order_by(
                    "order", "id"
                ),
            ),
            Prefetch("photos", queryset=ExchangePhoto.objects.order_by("order", "id")),
        )
        .order_by("held_on", "id")
    )


def exchange_admin_list(*, user) -> QuerySet[Exchange]:
    """Return every year's 交流展示 the user may read (the admin's changelist)."""
    if not _may_read(user):
        return Exchange.objects.none()
    return Exchange.objects.select_related("campaign", "unit").order_by("-held_on", "-id")
