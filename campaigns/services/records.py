"""Writes around the personal yearly records: queueing their PDFs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from .. import selectors
from ..models import Campaign

if TYPE_CHECKING:
    from qpdo.jobs.models import Job
    from qpdo.org.models import Unit


def unit_records_pdf_request(*, acting_user: User, campaign: Campaign, unit: Unit) -> Job:
    """Queue the PDF of the yearly records of a unit's people (one page each)."""
    from qpdo.jobs.services import job_request

    from ..exports import UNIT_RECORDS_JOB

    people = selectors.record_people_for(user=acting_user, campaign=campaign).filter(unit=unit)
    total = people.count()
    if not total:
        raise ValidationError("该单位没有您可以查看的个人实践档案。")
    return job_request(
        kind=UNIT_RECORDS_JOB,
        label=f"{campaign.year}年{unit.name}个人实践档案（{total}人）",
        params={"campaign": campaign.pk, "unit": unit.pk},
        total=total,
        acting_user=acting_user,
    )
