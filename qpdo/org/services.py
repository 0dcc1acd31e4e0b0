"""Writes of the org app."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from import_export.results import RowResult

from .audit import audit_record
from .enums import AuditAction, Role
from .models import Staff, Unit
from .resources import RosterResult, RosterXLSX, StaffResource
from .roles import group_name, role_group
from .scoping import needs_admin_access
from .selectors import SEPARATED_ADMIN_ROLES, account_roles

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db import models
    from tablib import Dataset

    from .models import AuditRecord


def unit_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    print_name: str = "",
    order: int = 0,
) -> Unit:
    """Create or update a unit by its code; an unchanged unit is not written."""
    unit = Unit.objects.filter(code=code).first()
    values = {
        "name": name,
        "kind": kind,
        "short_name": short_name,
        "print_name": print_name,
        "order": order,
    }
    if unit is None:
        return Unit.objects.create(code=code, **values)
    if any(getattr(unit, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(unit, key, value)
        unit.save()
    return unit


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    year, month = value.split("-")[:2]
    return datetime.date(int(year), int(month), 1)


@transaction.atomic
def staff_upsert(*, unit: Unit, name: str, **fields) -> Staff:
    """Create or update a staff member identified by unit and name."""
    for key in ("birth_month", "post_since"):
        if isinstance(fields.get(key), str):
            fields[key] = _month(fields[key])
    staff = Staff.objects.filter(unit=unit, name=name).first()
    if staff is None:
        return Staff.objects.create(unit=unit, name=name, **fields)
    changed = [k for k, v in fields.items() if getattr(staff, k) != v]
    for key in changed:
        setattr(staff, key, fields[key])
    if changed:
        staff.save(update_fields=changed)
    return staff


@transaction.atomic
def account_ensure(*, staff: Staff, username: str, roles: list[Role], password: str):
    """Give a staff member a sign-in with these roles; an existing password is kept."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
        user.set_password(password)
    user.first_name = staff.name
    user.is_staff = needs_admin_access(roles)
    user.is_active = True
    user.save()
    user.groups.add(*[role_group(role) for role in roles])
    if staff.user_id != user.pk:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


# --- the staff roster ----------------------------------------------------------------------


def staff_roster_import(
    *, dataset: Dataset, acting_user: User, file_name: str = "", dry_run: bool = False
) -> RosterResult:
    """Import a roster sheet; nothing is saved unless every row is valid.

    A real (confirmed) import is audited whether it succeeds or not; a dry run is not.
    """
    with transaction.atomic():
        result = StaffResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,
            user=acting_user,
            file_name=file_name,
        )
        if not dry_run:
            if result.is_clean():
                new = result.count(RowResult.IMPORT_TYPE_NEW)
                updated = result.count(RowResult.IMPORT_TYPE_UPDATE)
                unchanged = result.count(RowResult.IMPORT_TYPE_SKIP)
                detail = (
                    f"导入人员名册《{file_name}》：新增 {new} 人，更新 {updated} 人，"
                    f"未变 {unchanged} 人。"
                )
            else:
                detail = (
                    f"导入人员名册《{file_name}》失败：{len(result.problems())} 处问题，"
                    "未保存任何数据。"
                )
            audit_record(
                action=AuditAction.IMPORT,
                actor=acting_user,
                detail=detail,
                success=result.is_clean(),
            )
    return result


def staff_roster_export(*, staff: QuerySet[Staff], acting_user: User) -> bytes:
    """Return the roster of these staff as an xlsx file, and audit the export."""
    with transaction.atomic():
        dataset = StaffResource().export(queryset=staff)
        content = RosterXLSX().export_data(dataset)
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            detail=f"导出人员名册，共 {len(dataset)} 人。",
        )
    return content


# --- accounts ------------------------------------------------------------------------------


def admin_change_record(*, acting_user: User, target: models.Model, detail: str) -> None:
    """Audit a change made on an admin page (units, staff, role groups)."""
    audit_record(action=AuditAction.CHANGE, actor=acting_user, target=target, detail=detail)


def account_password_reset(*, account: User, acting_user: User) -> None:
    """Audit an administrator setting another account's password."""
    from .models import AccountSecurity

    AccountSecurity.objects.update_or_create(
        user=account, defaults={"must_change_password": True, "demo_exempt": False}
    )
    audit_record(
        action=AuditAction.PASSWORD_RESET,
        actor=acting_user,
        target=account,
        detail=f"重置账号 {account.get_username()} 的密码（下次登录须修改）",
    )


def staff_roster_import_refused(*, acting_user: User, file_name: str, reason: str) -> None:
    """Audit a roster upload that was refused before any row was imported."""
    audit_record(
        action=AuditAction.IMPORT,
        actor=acting_user,
        detail=f"导入人员名册《{file_name}》未受理：{reason}",
        success=False,
    )


def account_roles_check(roles) -> None:
    """Refuse a set of roles that breaks the separation of the three admin roles (三员分立)."""
    given = {Role(r) for r in roles}
    held = [r for r in Role if r in given and r in SEPARATED_ADMIN_ROLES]
    if len(held) > 1:
        names = "、".join(r.label for r in held)
        raise ValidationError(
            f"系统管理员、安全管理员、审计管理员须由不同人员担任（三员分立），不能同时授予：{names}。"
        )


@transaction.atomic
def account_roles_set(*, account: User, roles: Iterable[Role], acting_user: User) -> bool:
    """Give an account exactly these roles, leave its other groups alone, set is_staff to match.

    The account works in the admin (is_staff) when a role needs it; a superuser always does.
    Return whether the roles changed; a change is audited.
    """
    wanted = {Role(r) for r in roles}
    account_roles_check(wanted)
    current = account_roles(account)
    if wanted != current:
        removed, added = current - wanted, wanted - current
        account.groups.remove(
            *[g for g in account.groups.all() if g.name in {group_name(r) for r in removed}]
        )
        account.groups.add(*[role_group(r) for r in added])
        order = list(Role)
        before = "、".join(r.label for r in sorted(current, key=order.index)) or "无"
        after = "、".join(r.label for r in sorted(wanted, key=order.index)) or "无"
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            target=account,
            detail=f"账号 {account.get_username()} 的角色：{before} → {after}",
        )
    is_staff = account.is_superuser or needs_admin_access(wanted)
    if account.is_staff != is_staff:
        account.is_staff = is_staff
        account.save(update_fields=["is_staff"])
    account.__dict__.pop("_qpdo_roles", None)
    return wanted != current


def account_change_record(
    *, account: User, acting_user: User, created: bool, changed: list[str]
) -> None:
    """Audit an account created or edited in the admin (not its password or roles)."""
    if created:
        from .models import AccountSecurity

        # An initial password is the administrator's: its owner changes it at first sign-in.
        AccountSecurity.objects.update_or_create(
            user=account, defaults={"must_change_password": True}
        )
        detail = f"新建账号 {account.get_username()}"
    else:
        labels = {
            "is_active": "启用状态",
            "username": "用户名",
            "first_name": "姓名",
            "email": "邮箱",
        }
        fields = [labels.get(name, name) for name in changed if name != "roles"]
        if not fields:
            return
        detail = f"修改账号 {account.get_username()}：{'、'.join(fields)}"
        if "is_active" in changed:
            detail += "（已启用）" if account.is_active else "（已停用）"
    audit_record(
        action=AuditAction.CHANGE,
        actor=acting_user,
        target=account,
        detail=detail,
    )


@transaction.atomic
def account_unlock(*, attempts: QuerySet, acting_user: User) -> int:
    """Unlock the accounts behind these failed sign-in records (axes) and audit it."""
    usernames = sorted({a.username or "" for a in attempts})
    count = attempts.count()
    attempts.delete()
    for username in usernames:
        audit_record(
            action=AuditAction.CHANGE,
            actor=acting_user,
            detail=f"解除账号锁定：{username or '（未知账号）'}",
        )
    return count


def _cell(value):
    """Neutralise text a spreadsheet would run as a formula (= + - @, tab, CR first)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def audit_records_export(*, queryset: QuerySet[AuditRecord], acting_user: User) -> bytes:
    """Return the given audit records as .xlsx, and audit the export itself."""
    import tablib
    from django.utils import timezone

    labels = dict(AuditAction.choices)
    headers = [
        "时间", "用户编号", "操作人", "角色", "操作", "对象类型", "对象编号", "对象",
        "详情", "结果", "来源地址", "浏览器", "校验值",
    ]  # fmt: skip
    dataset = tablib.Dataset(headers=headers, title="审计记录")
    count = 0
    for r in queryset:
        count += 1
        dataset.append(
            [
                _cell(v)
                for v in (
                    timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
                    r.actor_id or "",
                    r.actor_name,
                    r.actor_roles,
                    labels.get(r.action, r.action),
                    r.object_type,
                    r.object_id,
                    r.object_repr,
                    r.detail,
                    "成功" if r.success else "失败",
                    r.ip_address or "",
                    r.user_agent,
                    r.record_hash,
                )
            ]
        )
    audit_record(
        action=AuditAction.EXPORT, actor=acting_user, detail=f"导出审计记录，共 {count} 条。"
    )
    return dataset.export("xlsx")


@transaction.atomic
def account_two_factor_reset(*, account: User, acting_user: User) -> None:
    """Remove an account's authenticators and recovery codes (a lost phone), and audit it."""
    from django_otp import devices_for_user

    for device in list(devices_for_user(account, confirmed=None)):
        device.delete()
    audit_record(
        action=AuditAction.TWO_FACTOR,
        actor=acting_user,
        target=account,
        detail=f"重置账号 {account.get_username()} 的双因素登录",
    )
