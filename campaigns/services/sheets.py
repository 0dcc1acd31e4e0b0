"""Writes around the printed lists (工作清单, 整改清单): the export's audit record and the
background job of a large list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from qpdo.org.audit import audit_record
from qpdo.org.dates import cn_date
from qpdo.org.enums import AuditAction

from ..selectors.sheets import Sheet, sheet_items_for

if TYPE_CHECKING:
    import datetime

    from campaigns.models import Campaign
    from qpdo.jobs.models import Job
    from qpdo.org.models import Unit

FORMAT_NAMES = {"xlsx": "Excel", "pdf": "PDF", "docx": "Word"}


def sheet_export_record(*, acting_user: User, sheet: Sheet, fmt: str) -> None:
    """Write the audit record of a list exported or printed (any format: one rule)."""
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        target=sheet.campaign,
        detail=(
            f"导出{sheet.campaign.year}年{sheet.name}（{FORMAT_NAMES[fmt]}，{sheet.scope_label}，"
            f"截至{cn_date(sheet.as_of)}），共 {len(sheet.lines)} 项。"
        ),
    )


def sheet_print_request(
    *,
    acting_user: User,
    campaign: Campaign,
    kind: str,
    as_of: datetime.date,
    unit: Unit | None,
    fmt: str,
) -> Job:
    """Queue a large list to be printed by a background worker; return the job."""
    from qpdo.jobs.services import job_request

    from ..documents import SHEET_JOB
    from ..selectors.sheets import SHEET_TITLES

    total = sheet_items_for(
        user=acting_user, campaign=campaign, kind=kind, unit=unit, as_of=as_of
    ).count()
    scope = unit.name if unit else "全办"
    return job_request(
        kind=SHEET_JOB,
        label=(
            f"{campaign.year}年{SHEET_TITLES[kind]}（{scope}，截至{cn_date(as_of)}，"
            f"{FORMAT_NAMES[fmt]}，{total}项）"
        ),
        params={
            "campaign": campaign.pk,
            "kind": kind,
            "as_of": as_of.isoformat(),
            "unit": unit.pk if unit else None,
            "format": fmt,
        },
        total=2,
        acting_user=acting_user,
    )
