"""The three separated admin roles (三员分立): each sees its own pages and none of the others'."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from qpdo.org.audit import audit_record
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord


@pytest.fixture
def record(db):
    return audit_record(action=AuditAction.LOGIN, actor_name="测试", detail="测试记录")


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        username="member",
        ip_address="10.0.0.9",
        user_agent="test",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        http_accept="*/*",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


def pages(demo_user, record, attempt) -> dict[str, str]:
    member = demo_user("member").pk
    auditor = demo_user("auditor").pk
    return {
        "admin_index": "/admin/",
        "user_list": "/admin/auth/user/",
        "user_add": "/admin/auth/user/add/",
        "user_change": f"/admin/auth/user/{member}/change/",
        "user_password": f"/admin/auth/user/{member}/password/",
        "auditor_account": f"/admin/auth/user/{auditor}/change/",
        "group_list": "/admin/auth/group/",
        "unit_list": "/admin/org/unit/",
        "unit_add": "/admin/org/unit/add/",
        "staff_list": "/admin/org/staff/",
        "staff_add": "/admin/org/staff/add/",
        "staff_import": "/admin/org/staff/import/",
        "staff_export": "/admin/org/staff/export/",
        "audit_list": "/admin/org/auditrecord/",
        "audit_detail": f"/admin/org/auditrecord/{record.pk}/change/",
        "attempt_list": "/admin/axes/accessattempt/",
        "attempt_detail": f"/admin/axes/accessattempt/{attempt.pk}/change/",
        "attempt_delete": f"/admin/axes/accessattempt/{attempt.pk}/delete/",
        "accesslog_list": "/admin/axes/accesslog/",
        "failurelog_list": "/admin/axes/accessfailurelog/",
    }


ALLOWED = {
    "sysadmin": {
        "admin_index", "user_list", "user_add", "user_change", "user_password",
        "auditor_account",  # read-only: see test_account_admin
        "group_list", "unit_list", "unit_add", "staff_list", "staff_add", "staff_import",
        "staff_export",
    },
    "secadmin": {
        "admin_index", "attempt_list", "attempt_detail", "attempt_delete", "accesslog_list",
        "failurelog_list",
    },
    "auditor": {"admin_index", "audit_list", "audit_detail"},
}  # fmt: skip


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_each_admin_role_gets_its_pages_and_403_on_the_others(
    client, login, demo_user, record, attempt, username
):
    login(username)
    urls = pages(demo_user, record, attempt)
    got = {name: client.get(url).status_code for name, url in urls.items()}
    expected = {name: 200 if name in ALLOWED[username] else 403 for name in urls}
    assert got == expected


@pytest.mark.parametrize("username", ["sysadmin", "secadmin", "auditor"])
def test_admin_roles_work_in_the_admin(demo_user, username):
    assert demo_user(username).is_staff
    assert not demo_user(username).is_superuser


def test_business_users_cannot_enter_the_admin(client, login):
    login("zonghe_head")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("username", ["sysadmin", "secadmin"])
def test_audit_trail_hidden_from_sysadmin_and_secadmin(client, login, username):
    login(username)
    assert client.get("/admin/org/auditrecord/").status_code == 403
    assert "审计记录" not in client.get("/admin/").content.decode()


def test_auditor_reads_audit_trail_and_nothing_else_on_the_index(client, login, record):
    login("auditor")
    page = client.get("/admin/").content.decode()
    assert "审计记录" in page
    for other in ("/admin/auth/user/", "/admin/org/staff/", "/admin/axes/accessattempt/"):
        assert other not in page
    assert "测试记录" in client.get(f"/admin/org/auditrecord/{record.pk}/change/").content.decode()


def test_secadmin_unlocks_an_account_and_the_unlock_is_audited(client, login, attempt):
    user = login("secadmin")

    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    record = AuditRecord.objects.get(action=AuditAction.CHANGE, actor=user)
    assert record.detail == "解除账号锁定：member"


def test_secadmin_unlocks_several_accounts_with_the_bulk_action(client, login, attempt):
    login("secadmin")
    other = AccessAttempt.objects.create(
        username="zonghe_head", ip_address="10.0.0.8", user_agent="t", path_info="/",
        get_data="", post_data="", http_accept="*/*", failures_since_start=5,
        attempt_time=timezone.now(),
    )  # fmt: skip

    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk, other.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert AccessAttempt.objects.count() == 0
    details = set(
        AuditRecord.objects.filter(action=AuditAction.CHANGE).values_list("detail", flat=True)
    )
    assert details == {"解除账号锁定：member", "解除账号锁定：zonghe_head"}


def test_secadmin_cannot_add_access_attempts(client, login):
    login("secadmin")
    assert client.get("/admin/axes/accessattempt/add/").status_code == 403
