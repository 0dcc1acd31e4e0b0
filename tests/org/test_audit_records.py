"""Audit records are append-only: no admin page and no ORM call changes or deletes one."""

import pytest

from qpdo.org.audit import audit_record
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from tests.factories import SuperuserFactory


@pytest.fixture
def record(db):
    return audit_record(action=AuditAction.LOGIN, actor_name="王海燕", detail="原始内容")


def unchanged(record) -> bool:
    fresh = AuditRecord.objects.get(pk=record.pk)
    return (fresh.detail, fresh.actor_name, fresh.action) == ("原始内容", "王海燕", "login")


@pytest.mark.parametrize("who", ["auditor", "superuser"])
def test_audit_record_cannot_be_changed_or_deleted_in_the_admin(client, login, record, who):
    if who == "superuser":
        client.force_login(SuperuserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    else:
        login(who)
    change = f"/admin/org/auditrecord/{record.pk}/change/"

    page = client.get(change)
    assert page.status_code == 200
    assert 'name="detail"' not in page.content.decode()  # shown read-only, no input
    assert client.post(change, {"detail": "篡改", "actor_name": "x"}).status_code == 403
    assert client.get(f"/admin/org/auditrecord/{record.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/org/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/org/auditrecord/add/").status_code == 403
    bulk = client.post(
        "/admin/org/auditrecord/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert unchanged(record)


def test_audit_record_cannot_be_changed_or_deleted_through_the_orm(record):
    record.detail = "篡改"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(detail="篡改")
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert unchanged(record)


def test_audit_records_can_still_be_added(record):
    audit_record(action=AuditAction.EXPORT, actor_name="李静")
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT).count() == 1
