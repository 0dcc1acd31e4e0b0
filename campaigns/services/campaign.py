"""Writes of the campaign itself: copying it to another year, closing it."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qpdo.errors import Refused
from qpdo.org import clock

from .. import providers, rules
from ..models import Campaign, KeyDate, KeyTask
from .common import _audit, _refuse

# --- copying a campaign to another year ---------------------------------------------------------


def _shifted(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def campaign_copy(
    *,
    acting_user: User,
    source: Campaign,
    year: int,
    doc_number: str,
    name: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    key_dates: dict[str, datetime.date] | None = None,
) -> tuple[Campaign, list[str]]:
    """Copy a campaign's structure to another year: key tasks, key dates shifted by the years
    between, and each programme's structure through its copy hook (slots, posts …). Work
    items, reports, teams and every other record stay behind.

    `start`, `end` and `key_dates` (code → date) replace the shifted dates where given (the
    new-year page lets the office edit them before saving). A year that already has a campaign
    is refused; everything is created in one transaction or nothing is. Return the new campaign
    and the log lines.
    """
    if not rules.may_copy_campaign(acting_user, source):
        raise Refused("只有办领导或牵头科室可以复制实践活动。")
    errors: dict[str, str] = {}
    if not year or year < 2000 or year > 2100:
        errors["year"] = "请填写正确的年度。"
    elif Campaign.objects.filter(year=year).exists():
        errors["year"] = f"{year}年已有实践活动，不能重复建立。"
    if not (doc_number or "").strip():
        errors["doc_number"] = "请填写文号。"
    years = (year or source.year) - source.year
    start = start or _shifted(source.start, years)
    end = end or _shifted(source.end, years)
    if end < start:
        errors["end"] = "结束日期不能早于开始日期。"
    _refuse(errors)
    overrides = key_dates or {}
    by_rule: dict = {}
    for hook in providers.copy_hooks():
        if hook.key_dates and year:
            by_rule.update(hook.key_dates(year))
    log: list[str] = []
    try:
        with transaction.atomic():
            target = Campaign.objects.create(
                name=(name or source.name).strip(),
                doc_number=doc_number.strip(),
                year=year,
                start=start,
                end=end,
                issued_on=None,
                organiser=source.organiser,
                coordinator_unit=source.coordinator_unit,
                text=source.text,
            )
            tasks = [
                KeyTask(campaign=target, order=t.order, title=t.title, description=t.description)
                for t in source.key_tasks.order_by("order")
            ]
            KeyTask.objects.bulk_create(tasks)
            log.append(f"重点任务 {len(tasks)} 项")
            # A programme may already have put its key dates in (from its own rules).
            present = set(KeyDate.objects.filter(campaign=target).values_list("code", flat=True))
            dates = [
                KeyDate(
                    campaign=target,
                    code=kd.code,
                    date=overrides.get(kd.code) or by_rule.get(kd.code) or _shifted(kd.date, years),
                    title=kd.title,
                    programme=kd.programme,
                    is_deadline=kd.is_deadline,
                    note=kd.note,
                )
                for kd in source.key_dates.all()
                if kd.code not in present
            ]
            KeyDate.objects.bulk_create(dates)
            log.append(f"关键节点 {len(dates) + len(present)} 个（顺延 {years} 年）")
            for hook in providers.copy_hooks():
                log.append(f"{hook.label}：{hook.copy(source, target)}")
            # A programme's hook may have put in its own dates: the edited ones still win.
            for code, day in overrides.items():
                KeyDate.objects.filter(campaign=target, code=code).update(date=day)
            _audit(
                acting_user,
                target,
                f"由{source.year}年实践活动复制：" + "；".join(log),
            )
    except IntegrityError as error:
        raise ValidationError({"year": f"{year}年已有实践活动，不能重复建立。"}) from error
    return target, log


def campaign_preview(*, source: Campaign, year: int) -> dict:
    """Return what `campaign_copy` would create for `year` (nothing is written)."""
    years = year - source.year
    by_rule: dict = {}
    for hook in providers.copy_hooks():
        if hook.key_dates:
            by_rule.update(hook.key_dates(year))
    return {
        "start": _shifted(source.start, years),
        "end": _shifted(source.end, years),
        "key_tasks": list(source.key_tasks.order_by("order")),
        "key_dates": [
            (kd, by_rule.get(kd.code) or _shifted(kd.date, years))
            for kd in source.key_dates.order_by("date", "id")
        ],
        "programmes": [
            (hook.label, hook.preview(source, year) if hook.preview else [])
            for hook in providers.copy_hooks()
        ],
    }


def campaign_close(*, acting_user: User, campaign: Campaign) -> Campaign:
    """Close a finished year: from now on its pages are read-only."""
    if not rules.may_close_campaign(acting_user, campaign):
        raise Refused("只有办领导或牵头科室可以结束年度工作。")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.is_closed:
            raise ValidationError(f"{locked.year}年度工作已经结束。")
        locked.closed_at = clock.now()
        locked.closed_by = acting_user
        locked.save(update_fields=["closed_at", "closed_by"])
        _audit(acting_user, locked, f"结束{locked.year}年度实践活动（此后只读）")
    return locked
