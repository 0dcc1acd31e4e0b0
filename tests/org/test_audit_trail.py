"""The audit trail is complete and tamper-evident: who, role, where from, hash chain, trigger."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import FileResponse
from django.test import RequestFactory, override_settings

from qpdo.org import clock
from qpdo.org.audit import GENESIS, audit_file_response, audit_record, client_ip
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord, Staff, Unit
from qpdo.org.request_context import request_context
from tests.org.roster_files import dry_run

BACKEND = "django.contrib.auth.backends.ModelBackend"
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def last(action: str | None = None) -> AuditRecord:
    records = AuditRecord.objects.order_by("-id")
    if action:
        records = records.filter(action=action)
    return records.first()


def verify(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


# Client address, user agent, role, control characters -----------------------------------


@override_settings(QPDO_TRUSTED_PROXY="10.0.0.5")
def test_client_ip_comes_from_x_forwarded_for_through_the_trusted_proxy_only():
    factory = RequestFactory()
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 172.16.3.4")
    direct = factory.get("/", REMOTE_ADDR="172.16.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")

    assert client_ip(via_proxy) == "172.16.3.4"  # the address the proxy saw, not the forged one
    assert client_ip(direct) == "172.16.9.9"
    assert client_ip(garbage) == "10.0.0.5"


def test_client_ip_without_a_trusted_proxy_ignores_x_forwarded_for():
    request = RequestFactory().get("/", REMOTE_ADDR="172.16.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "172.16.9.9"


@override_settings(QPDO_TRUSTED_PROXY="10.0.0.5")
def test_sign_in_record_has_user_role_client_ip_and_user_agent(client, demo_user):
    user = demo_user("party_branch")
    user.set_password("Qpdo@2024")
    user.save()
    client.post(
        "/accounts/login/",
        {"username": "party_branch", "password": "Qpdo@2024"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="172.16.3.4",
        HTTP_USER_AGENT="Mozilla/5.0 测试浏览器",
    )
    record = last(AuditAction.LOGIN)
    assert record.actor_id == user.pk
    assert record.actor_name == "蒋丽华"
    assert record.actor_roles == "机关党支部"
    assert record.ip_address == "172.16.3.4"
    assert record.user_agent == "Mozilla/5.0 测试浏览器"
    assert record.success


def test_control_characters_in_a_failed_user_name_are_escaped(client, db):
    client.post(
        "/accounts/login/",
        {"username": "evil\r\n2026-12-01 登录 admin\x1b[0m", "password": "x"},
        HTTP_USER_AGENT="a\nb",
    )
    record = last(AuditAction.LOGIN_FAILED)
    assert "\r" not in record.actor_name and "\n" not in record.actor_name
    assert record.actor_name.startswith("evil\\r\\n2026")
    assert "\\x1b" in record.detail
    assert record.user_agent == "a\\nb"
    assert not record.success


# Append-only ---------------------------------------------------------------------------


@pytest.fixture
def record(db):
    return audit_record(action=AuditAction.LOGIN, actor_name="王海燕", detail="原始内容")


def test_base_manager_and_raw_delete_are_refused(record):
    with pytest.raises(PermissionError):
        AuditRecord._base_manager.filter(pk=record.pk).update(detail="篡改")
    with pytest.raises(PermissionError):
        AuditRecord._base_manager.filter(pk=record.pk).delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk)._raw_delete(AuditRecord.objects.db)
    with pytest.raises(PermissionError):
        AuditRecord.objects.bulk_update([record], ["detail"])
    assert AuditRecord.objects.get(pk=record.pk).detail == "原始内容"


def test_loaddata_cannot_overwrite_a_record(record, tmp_path):
    out = io.StringIO()
    call_command("dumpdata", "org.auditrecord", stdout=out)
    data = json.loads(out.getvalue())
    for obj in data:
        obj["fields"]["detail"] = "篡改"
    dump = tmp_path / "audit.json"
    dump.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(PermissionError):
        call_command("loaddata", str(dump), verbosity=0)
    assert AuditRecord.objects.get(pk=record.pk).detail == "原始内容"


@on_postgres
def test_postgresql_trigger_rejects_update_and_delete(record):
    for statement in (
        "UPDATE org_auditrecord SET detail = 'x' WHERE id = %s",
        "DELETE FROM org_auditrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert AuditRecord.objects.get(pk=record.pk).detail == "原始内容"


@on_postgres
def test_postgresql_trigger_lets_only_old_records_through_the_archive_setting(record):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL qpdo.audit_archive = 'on'")
        cursor.execute("DELETE FROM org_auditrecord WHERE id = %s", [record.pk])  # too recent
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL qpdo.audit_archive = 'on'")
        cursor.execute("UPDATE org_auditrecord SET detail = 'x' WHERE id = %s", [record.pk])
    assert AuditRecord.objects.filter(pk=record.pk).exists()


@on_postgres
def test_postgresql_trigger_rejects_truncate_of_the_audit_table(record):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks from the insert
        c.execute("SET LOCAL qpdo.audit_truncate = 'off'")  # as in production: never set
        c.execute("TRUNCATE org_auditrecord")
    assert "不可清空" in str(error.value)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        c.execute("SET LOCAL qpdo.audit_truncate = 'off'")
        c.execute("TRUNCATE org_auditrecord, org_unit CASCADE")
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_production_settings_never_let_truncate_through(monkeypatch, tmp_path):
    from qpdo import config

    monkeypatch.setenv("DATABASE_URL", "postgres://qpdo@db.example:5432/qpdo")
    assert "audit_truncate" not in str(config.database(tmp_path))


# Hash chain ------------------------------------------------------------------------------


def test_each_record_chains_to_the_previous_one(db):
    first = audit_record(action=AuditAction.LOGIN, actor_name="甲")
    second = audit_record(action=AuditAction.LOGOUT, actor_name="甲")
    assert second.previous_hash == first.record_hash
    assert len(second.record_hash) == 64
    assert "校验通过" in verify()


def _tamper_in_database(record: AuditRecord, detail: str) -> None:
    """Edit a row behind the application's back, as a database superuser could.

    On PostgreSQL the superuser switches triggers off for the session (replica role).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE org_auditrecord SET detail = %s WHERE id = %s", [detail, record.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_audit_verify_names_the_first_edited_record(db):
    records = [audit_record(action=AuditAction.LOGIN, actor_name=f"人{i}") for i in range(5)]
    _tamper_in_database(records[2], "被改过")
    _tamper_in_database(records[3], "也被改过")

    with pytest.raises(CommandError) as error:
        verify()
    assert f"编号 {records[2].pk}" in str(error.value)
    assert "被修改" in str(error.value)


def test_audit_verify_detects_a_record_removed_from_the_middle_of_a_dump(db, tmp_path):
    records = [audit_record(action=AuditAction.LOGIN, actor_name=f"人{i}") for i in range(4)]
    out = io.StringIO()
    call_command("dumpdata", "org.auditrecord", stdout=out)
    data = [o for o in json.loads(out.getvalue()) if o["pk"] != records[1].pk]
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        verify("--file", str(dump))
    assert f"编号 {records[2].pk}" in str(error.value)
    assert "链接断开" in str(error.value)


def test_audit_verify_detects_an_edited_dump(db, tmp_path):
    records = [audit_record(action=AuditAction.LOGIN, actor_name=f"人{i}") for i in range(3)]
    out = io.StringIO()
    call_command("dumpdata", "org.auditrecord", stdout=out)
    dump = tmp_path / "dump.json"
    dump.write_text(out.getvalue(), encoding="utf-8")
    assert "校验通过" in verify("--file", str(dump))

    data = json.loads(out.getvalue())
    for obj in data:
        if obj["pk"] == records[1].pk:
            obj["fields"]["success"] = False
    dump.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        verify("--file", str(dump))
    assert f"编号 {records[1].pk}" in str(error.value)


def test_first_record_of_an_empty_trail_chains_to_genesis(db):
    AuditRecord.objects.all().exists()
    record = audit_record(action=AuditAction.LOGIN, actor_name="甲")
    previous = AuditRecord.objects.filter(pk__lt=record.pk).order_by("-id").first()
    assert record.previous_hash == (previous.record_hash if previous else GENESIS)


# Retention -------------------------------------------------------------------------------


def test_audit_archive_moves_old_records_to_a_file_and_keeps_the_chain(db, tmp_path):
    with clock.frozen(clock.at(2020, 1, 1)):
        old = [audit_record(action=AuditAction.LOGIN, actor_name=f"旧{i}") for i in range(3)]
    with clock.frozen(clock.at(2020, 12, 1)):
        recent = audit_record(action=AuditAction.LOGIN, actor_name="新")
        out = io.StringIO()
        call_command("audit_archive", "--dir", str(tmp_path), stdout=out)

    assert "已归档" in out.getvalue()
    assert not AuditRecord.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditRecord.objects.filter(pk=recent.pk).exists()
    files = list(tmp_path.glob("audit-*.jsonl"))
    assert len(files) == 1
    lines = [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines()]
    assert {line["pk"] for line in lines} >= {r.pk for r in old}
    assert "校验通过" in verify("--file", str(files[0]))
    assert "校验通过" in verify()
    assert last(AuditAction.ARCHIVE) is not None


# Events that used to write nothing -------------------------------------------------------


def test_admin_password_reset_is_audited(client, login, demo_user):
    login("sysadmin")
    target = demo_user("member")
    client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": "Xy7#kL9pQ2mn", "password2": "Xy7#kL9pQ2mn"},
    )
    record = last(AuditAction.PASSWORD_RESET)
    assert record is not None
    assert record.object_id == str(target.pk)
    assert record.actor_name == "杨帆"


def test_moving_a_person_to_another_unit_in_the_admin_is_audited(client, login):
    login("sysadmin")
    person = Staff.objects.select_related("unit").get(user__username="member")
    other = Unit.objects.get(code="zonghe")
    page = client.get(f"/admin/org/staff/{person.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(unit=other.pk, user=person.user_id or "")
    data = {k: v for k, v in data.items() if v is not None}
    if "is_active" in data and not data["is_active"]:
        data.pop("is_active")
    response = client.post(f"/admin/org/staff/{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = last(AuditAction.CHANGE)
    assert "所在单位：工程指挥科 → 综合科" in record.detail


def test_unit_edit_in_the_admin_is_audited(client, login):
    login("sysadmin")
    unit = Unit.objects.get(code="zonghe")
    client.post(
        f"/admin/org/unit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": unit.name,
            "short_name": "综合",
            "kind": unit.kind,
            "order": unit.order,
            "is_active": "on",
        },
    )
    assert "简称：" in last(AuditAction.CHANGE).detail


def test_group_permission_change_is_audited(client, db):
    from tests.factories import SuperuserFactory

    client.force_login(SuperuserFactory(), backend=BACKEND)
    group = Group.objects.get(name="科员")
    permission = Permission.objects.get(codename="view_unit")
    client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {
            "name": group.name,
            "permissions": [*group.permissions.values_list("pk", flat=True), permission.pk],
        },
    )
    record = last(AuditAction.CHANGE)
    assert "view_unit" in record.detail
    assert record.object_id == str(group.pk)


def test_generated_export_is_audited_once(client, login, demo_user):
    from campaigns.models import Campaign
    from campaigns.services import campaign_copy
    from qpdo.org import clock

    # The lecture pages show this year's series: set this year up from the 2024 campaign.
    year = clock.today().year
    campaign_copy(
        acting_user=demo_user("zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )
    login("zonghe_staff")
    response = client.get("/lectures/division.xlsx")
    assert response.status_code == 200
    exports = AuditRecord.objects.filter(action=AuditAction.EXPORT, actor__username="zonghe_staff")
    assert exports.count() == 1


def test_file_download_is_audited(demo_user):
    request = RequestFactory().get("/files/1/", HTTP_USER_AGENT="UA")
    request.user = demo_user("member")
    response = FileResponse(io.BytesIO(b"x"), as_attachment=True, filename="讲述稿.pdf")
    with request_context(request):
        audit_file_response(request, response)
    record = last(AuditAction.DOWNLOAD)
    assert record.object_repr == "讲述稿.pdf"
    assert record.user_agent == "UA"


def test_lockout_is_audited(client, db):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "party_group", "password": "wrong"})
    assert last(AuditAction.LOCKOUT) is not None


def test_refused_roster_import_is_audited_and_its_temp_file_removed(client, login, tmp_path):
    import os
    import tempfile

    login("sysadmin")
    before = set(os.listdir(tempfile.gettempdir()))
    dry_run(client, b"PK\x03\x04not really a zip", name="名册.xlsx")
    after = set(os.listdir(tempfile.gettempdir()))
    record = last(AuditAction.IMPORT)
    assert not record.success
    assert "未受理" in record.detail
    leftovers = [n for n in after - before if len(n) == 32 or n.endswith(".xlsx")]
    assert leftovers == []


def test_refused_register_import_is_audited(client, login):
    login("outreach_reviewer")
    response = client.post(
        "/outreach/import/schools/",
        {"file": SimpleUploadedFile("学校.xlsx", b"PK\x03\x04broken")},
    )
    assert response.status_code == 200
    record = last(AuditAction.IMPORT)
    assert record is not None and not record.success


# The 审计管理员 -----------------------------------------------------------------------------


def test_auditor_searches_and_exports_the_trail(client, login):
    audit_record(action=AuditAction.LOGIN_FAILED, actor_name="=cmd|calc", success=False)
    login("auditor")
    page = client.get("/admin/org/auditrecord/", {"q": "cmd"})
    assert page.status_code == 200
    assert "导出 Excel" in page.content.decode()

    export = client.get("/admin/org/auditrecord/export/", {"q": "cmd"})
    assert export.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["'=cmd|calc"]
    assert last(AuditAction.EXPORT).actor.username == "auditor"


def test_sysadmin_cannot_read_or_export_the_trail(client, login):
    login("sysadmin")
    assert client.get("/admin/org/auditrecord/").status_code == 403
    assert client.get("/admin/org/auditrecord/export/").status_code == 403
