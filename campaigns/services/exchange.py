"""Writes of the 交流展示 records: record, change, delete (photos, material, 体会 files)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile

from qpdo.documents.uploads import SavedFiles, atomic_with_files, clean_photo, messages_naming
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow.enums import State

from .. import rules
from ..enums import MAX_EXCHANGE_PHOTOS, ExchangeKind
from ..models import (
    EVIDENCE_VALIDATOR,
    MINUTES_VALIDATOR,
    Campaign,
    Exchange,
    ExchangeParticipant,
    ExchangePhoto,
    MonthlyRanking,
)
from ..models.exchange import PHOTO_VALIDATOR
from .common import _active_office_staff, _audit, _refuse, check_open

EXCHANGE_FIELDS = ("kind", "title", "held_on", "place", "unit", "summary")


@dataclass(frozen=True)
class Speaker:
    """A person of a 交流展示 with their 体会 (text, or a file: PDF, Word or a scan)."""

    staff: Staff
    reflection: str = ""
    upload: UploadedFile | None = None


def _refusal(kind: str) -> str:
    if kind == ExchangeKind.STAR_SHARING:
        return "“岗位之星”交流展示由机关党支部登记。"
    return "科室负责人只能登记本科室组织的交流展示；牵头科室可以登记各科室的。"


def _published_month(exchange: Exchange) -> bool:
    return MonthlyRanking.objects.filter(
        campaign_id=exchange.campaign_id,
        month=exchange.held_on.month,
        approval__state=State.APPROVED,
    ).exists()


def _check(
    campaign: Campaign,
    data: dict[str, object],
    people: Sequence[Speaker],
    photos: Sequence[UploadedFile],
    material: UploadedFile | None,
) -> None:
    errors: dict[str, list[str] | str] = {}
    if data.get("kind") not in ExchangeKind.values:
        errors["kind"] = "请选择交流展示的类别。"
    if not (data.get("title") or "").strip():
        errors["title"] = "请填写主题。"
    if not (data.get("summary") or "").strip():
        errors["summary"] = "请填写内容摘要。"
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "请填写日期。"
    elif held_on > clock.today():
        errors["held_on"] = "日期不能晚于今天：交流展示举行后再登记。"
    elif held_on.year != campaign.year:
        errors["held_on"] = f"日期须在{campaign.year}年内。"
    if not isinstance(data.get("unit"), Unit):
        errors["unit"] = "请选择组织科室。"
    if not people:
        errors["people"] = "请至少选择一名参加人员。"
    seen: set[int] = set()
    for speaker in people:
        problem = _active_office_staff(speaker.staff, "参加人员")
        if problem:
            errors["people"] = problem
        elif speaker.staff.pk in seen:
            errors["people"] = f"{speaker.staff.name}重复列入。"
        seen.add(speaker.staff.pk)
        if speaker.upload is not None:
            try:
                MINUTES_VALIDATOR(speaker.upload)
            except ValidationError as error:
                errors.setdefault("people", [])
                if isinstance(errors["people"], str):
                    errors["people"] = [errors["people"]]
                errors["people"] += messages_naming(speaker.upload, error)
    if material is not None:
        try:
            EVIDENCE_VALIDATOR(material)
        except ValidationError as error:
            errors["material"] = messages_naming(material, error)
    for upload in photos:
        try:
            PHOTO_VALIDATOR(upload)
        except ValidationError as error:
            errors.setdefault("photos", []).extend(messages_naming(upload, error))
    _refuse(errors)


def _store_photos(
    saved: SavedFiles, exchange: Exchange, photos: Sequence[UploadedFile], start: int
) -> None:
    for offset, upload in enumerate(photos):
        try:
            cleaned, thumbnail = clean_photo(upload)
        except ValidationError as error:
            raise ValidationError({"photos": messages_naming(upload, error)}) from error
        photo = ExchangePhoto(
            exchange=exchange, original_name=upload.name[:200], order=start + offset
        )
        saved.save(photo.image, cleaned.name, cleaned)
        saved.save(photo.thumbnail, thumbnail.name, thumbnail)
        photo.save()


def _delete_after_commit(*field_files: FieldFile) -> None:
    for field_file in field_files:
        if field_file:
            storage, name = field_file.storage, field_file.name
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))


def exchange_save(
    *,
    acting_user: User,
    campaign: Campaign,
    kind: str | None = None,
    title: str | None = None,
    held_on: datetime.date | None = None,
    place: str | None = None,
    unit: Unit | None = None,
    summary: str | None = None,
    people: Sequence[Speaker],
    material: UploadedFile | None = None,
    photos: Sequence[UploadedFile] = (),
    remove_photos: Sequence[int] = (),
    exchange: Exchange | None = None,
) -> Exchange:
    """Record (or change) a 交流展示 with its people, their 体会, the material and photos.

    A 科室负责人 records for their own unit, the 牵头科室 for any; the 岗位之星 session is the
    机关党支部's (stars.services.star_sharing_save checks its speakers are the year's
    nominees). A changed record keeps the 体会 file of a person who stays unless replaced.
    """
    check_open(campaign)
    data = {
        "kind": kind,
        "title": title,
        "held_on": held_on,
        "place": place,
        "unit": unit,
        "summary": summary,
    }
    if exchange is not None and not rules.may_edit_exchange(acting_user, exchange):
        raise Refused(_refusal(exchange.kind))
    if exchange is not None and (kind == ExchangeKind.STAR_SHARING) != exchange.is_star_sharing:
        raise Refused("“岗位之星”交流展示与科室的交流展示不能互相改换类别。")
    if not rules.may_record_exchange(acting_user, campaign, getattr(unit, "pk", None), kind):
        raise Refused(_refusal(kind))
    kept = exchange.photos.exclude(pk__in=remove_photos).count() if exchange else 0
    photos = list(photos)
    _check(campaign, data, people, photos, material)
    if kept + len(photos) > MAX_EXCHANGE_PHOTOS:
        raise ValidationError({"photos": f"每条交流展示最多 {MAX_EXCHANGE_PHOTOS} 张照片。"})
    created = exchange is None
    with atomic_with_files() as saved:
        if created:
            exchange = Exchange(campaign=campaign, recorded_by=acting_user, recorded_at=clock.now())
        for key in EXCHANGE_FIELDS:
            value = data.get(key)
            if key in ("title", "place", "summary"):
                value = (value or "").strip()
            setattr(exchange, key, value)
        exchange.updated_at = clock.now()
        if material is not None:
            if exchange.material:
                _delete_after_commit(exchange.material)
            saved.save(exchange.material, material.name, material)
            exchange.material_name = material.name[:200]
        exchange.save()
        previous = {p.staff_id: p for p in exchange.participants.all()} if not created else {}
        staying = {speaker.staff.pk for speaker in people}
        for staff_id, part in previous.items():
            if staff_id not in staying:
                _delete_after_commit(part.file)
                part.delete()
        for order, speaker in enumerate(people):
            part = previous.get(speaker.staff.pk) or ExchangeParticipant(
                exchange=exchange, staff=speaker.staff
            )
            part.order = order
            part.reflection = (speaker.reflection or "").strip()
            if speaker.upload is not None:
                if part.file:
                    _delete_after_commit(part.file)
                saved.save(part.file, speaker.upload.name, speaker.upload)
                part.original_name = speaker.upload.name[:200]
            part.save()
        if remove_photos and not created:
            for photo in exchange.photos.filter(pk__in=remove_photos):
                _delete_after_commit(photo.image, photo.thumbnail)
                photo.delete()
        start = (max((p.order for p in exchange.photos.all()), default=-1) + 1) if kept else 0
        _store_photos(saved, exchange, photos, start)
        verb = "登记" if created else "修改"
        _audit(
            acting_user,
            exchange,
            f"{verb}交流展示（{exchange.get_kind_display()}）“{exchange.title}”："
            f"{unit.display_name}，{len(people)} 人，新增照片 {len(photos)} 张",
        )
    return exchange


@transaction.atomic
def exchange_delete(*, acting_user: User, exchange: Exchange) -> None:
    """Delete a 交流展示 while its year is open and its month's ranking is not yet confirmed
    (a confirmed month keeps the evidence it was confirmed with)."""
    check_open(exchange.campaign)
    if not rules.may_edit_exchange(acting_user, exchange):
        raise Refused(_refusal(exchange.kind))
    if not exchange.is_star_sharing and _published_month(exchange):
        raise ValidationError(
            f"{exchange.held_on.month}月排名已经办领导确认，本条交流展示是其佐证，不能删除。"
        )
    _audit(
        acting_user, exchange, f"删除交流展示（{exchange.get_kind_display()}）“{exchange.title}”"
    )
    files = [exchange.material]
    for part in exchange.participants.all():
        files.append(part.file)
    for photo in exchange.photos.all():
        files += [photo.image, photo.thumbnail]
    _delete_after_commit(*files)
    exchange.delete()
