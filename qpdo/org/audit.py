"""Write audit records. Called inside the caller's transaction, so the record commits with it."""

from __future__ import annotations

from django.db import models

from .enums import AuditAction
from .models import AuditRecord


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    actor_name: str = "",
    target: models.Model | None = None,
    detail: str = "",
    ip_address: str | None = None,
    success: bool = True,
) -> AuditRecord:
    """Append one audit record."""
    from .scoping import display_name

    if actor is not None and getattr(actor, "is_authenticated", False) and not actor_name:
        actor_name = display_name(actor)
    from .clock import now

    return AuditRecord.objects.create(
        at=now(),
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name[:60],
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        detail=detail,
        ip_address=ip_address,
        success=success,
    )
