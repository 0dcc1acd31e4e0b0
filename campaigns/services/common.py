"""Helpers shared by the campaign's services: audit, refusals, the closed year."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from qpdo.org.audit import audit_record
from qpdo.org.enums import OUTREACH_UNIT_KINDS, AuditAction
from qpdo.org.models import Staff

from ..models import Campaign

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "heic", "heif"}


def _audit(acting_user: User, target, detail: str) -> None:
    # The client's address comes from the request being served (qpdo.org.audit).
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=target,
        detail=detail,
    )


def _refuse(errors: dict[str, str | list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _active_office_staff(staff: Staff | None, field_label: str) -> str | None:
    if staff is None:
        return f"请选择{field_label}。"
    if not staff.is_active:
        return f"{staff.name}已不在职，不能作为{field_label}。"
    if staff.unit.kind in OUTREACH_UNIT_KINDS:
        return f"{field_label}须为本办干部职工。"
    return None


def check_open(campaign: Campaign) -> None:
    """Refuse a write into a closed year."""
    if campaign is not None and campaign.is_closed:
        raise ValidationError(f"{campaign.year}年度工作已经结束，只能查看，不能再修改。")
