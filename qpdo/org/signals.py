"""Audit sign-in, sign-out and failed sign-in; keep role groups in sync after migrate."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver

from .audit import audit_record, client_ip
from .enums import AuditAction
from .models import AuditRecord


@receiver(pre_save, sender=AuditRecord)
def refuse_overwriting_audit_records(sender, instance, raw, **kwargs):
    """loaddata saves raw, past AuditRecord.save(): let it add records, never overwrite one."""
    if raw and instance.pk is not None and sender.objects.filter(pk=instance.pk).exists():
        raise PermissionError("审计记录不可修改：不能用导入数据覆盖已有的审计记录。")


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from .password_policy import mark_signed_in
        from .two_factor import note_sign_in

        mark_signed_in(request)
        note_sign_in(request, user)
    audit_record(action=AuditAction.LOGIN, actor=user, ip_address=client_ip(request))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, ip_address=client_ip(request))


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:60]
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_name=username,
        detail=f"账号：{username}",
        ip_address=client_ip(request),
        success=False,
    )


def sync_groups_after_migrate(sender, **kwargs):
    from .roles import sync_role_groups

    sync_role_groups()


def connect_post_migrate() -> None:
    # Run after every app migrates: later apps create the permissions the roles hold.
    post_migrate.connect(sync_groups_after_migrate, dispatch_uid="qpdo.org.sync_role_groups")


def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        action=AuditAction.LOCKOUT,
        actor_name=str(username or "")[:60],
        detail=f"账号 {username or ''} 连续登录失败，已被锁定",
        ip_address=client_ip(request) if request is not None else ip_address,
        success=False,
    )


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(audit_lockout, dispatch_uid="qpdo.org.audit_lockout")
