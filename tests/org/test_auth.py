"""Sign-in behaviour: lockout, idle expiry, sign-in required everywhere, audit, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord
from qpdo.org.seeds import DEMO_PASSWORD

LOGIN_URL = "/accounts/login/"


def post_login(client, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- sign-in and lockout ---------------------------------------------------------------------


def test_demo_account_signs_in_through_the_form(client, demo_user):
    response = post_login(client, "gongcheng_head", DEMO_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(demo_user("gongcheng_head").pk)


def test_wrong_password_shows_the_form_again_in_chinese(client, db):
    response = post_login(client, "gongcheng_head", "not-the-password")

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_five_wrong_passwords_lock_the_account(client, db):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "gongcheng_head", "wrong-password")

    response = post_login(client, "gongcheng_head", DEMO_PASSWORD)

    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "账号已临时锁定" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert settings.AXES_FAILURE_LIMIT == 5


def test_four_wrong_passwords_do_not_lock(client, db):
    for _ in range(4):
        post_login(client, "gongcheng_head", "wrong-password")

    response = post_login(client, "gongcheng_head", DEMO_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


def test_lockout_is_per_account(client, db):
    for _ in range(5):
        post_login(client, "gongcheng_head", "wrong-password")

    response = post_login(client, "dongyuan_head", DEMO_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


def test_lockout_ends_after_thirty_minutes(client, db):
    cooloff = settings.AXES_COOLOFF_TIME
    assert cooloff == timedelta(minutes=30)
    for _ in range(5):
        post_login(client, "gongcheng_head", "wrong-password")
    locked = post_login(client, "gongcheng_head", DEMO_PASSWORD)
    assert locked.status_code == settings.AXES_HTTP_RESPONSE_CODE

    AccessAttempt.objects.filter(username="gongcheng_head").update(
        attempt_time=timezone.now() - cooloff - timedelta(minutes=1)
    )
    response = post_login(client, "gongcheng_head", DEMO_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


# --- sessions ------------------------------------------------------------------------------


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_sessions_expire_after_thirty_idle_minutes_and_each_request_extends_them(
    client, db, settings
):
    from qpdo import settings as production

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert production.SESSION_REFRESH_AFTER <= 60  # the idle limit is kept within a minute
    settings.SESSION_REFRESH_AFTER = production.SESSION_REFRESH_AFTER
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    # Nearly idle for 30 minutes: one request restarts the clock.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert client.get("/").status_code == 200
    remaining = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)

    # Idle past the limit: the session is gone and the next page asks to sign in again.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_fresh_session_is_not_written_on_every_request(client, db, settings):
    settings.SESSION_REFRESH_AFTER = 60
    post_login(client, "gongcheng_head", DEMO_PASSWORD)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/workflow/todo/").status_code == 200
    session_writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]
    assert session_writes == []
    # Once its expiry is more than a minute old, a request refreshes it (and writes once).
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=28)
    )
    with CaptureQueriesContext(connection) as queries:
        client.get("/workflow/todo/")
    assert any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries)
    remaining = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


# --- every page requires sign-in -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/workflow/todo/", "/workflow/mine/", "/workflow/messages/", "/accounts/password/"],
)
def test_pages_require_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={url}"


def test_admin_requires_sign_in(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_login_page_is_open(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert "登录" in response.content.decode()


# --- audit -------------------------------------------------------------------------------


def audit_records(action: AuditAction):
    return AuditRecord.objects.filter(action=action)


def test_sign_in_is_audited(client, demo_user):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    record = audit_records(AuditAction.LOGIN).get()
    assert record.actor == demo_user("gongcheng_head")
    assert record.actor_name == "张卫东"
    assert record.success is True
    assert record.ip_address == "127.0.0.1"


def test_failed_sign_in_is_audited(client, db):
    post_login(client, "gongcheng_head", "wrong-password")

    record = audit_records(AuditAction.LOGIN_FAILED).get()
    assert record.actor is None
    assert record.success is False
    assert "gongcheng_head" in record.detail
    assert "wrong-password" not in record.detail


def test_sign_out_is_audited_and_ends_the_session(client, demo_user):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    record = audit_records(AuditAction.LOGOUT).get()
    assert record.actor == demo_user("gongcheng_head")
    assert client.get("/").status_code == 302


def test_sign_out_needs_post(client, db):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) is not None


# --- password change ---------------------------------------------------------------------


def change_password(client, old: str, new: str, repeat: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": repeat or new},
    )


def test_password_change_works_and_keeps_the_user_signed_in(client, demo_user):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = change_password(client, DEMO_PASSWORD, "Gcz-2024-fangkong!")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    user = demo_user("gongcheng_head")
    assert user.check_password("Gcz-2024-fangkong!")
    assert audit_records(AuditAction.PASSWORD_CHANGE).filter(actor=user).exists()

    client.post(reverse("logout"))
    assert post_login(client, "gongcheng_head", DEMO_PASSWORD).status_code == 200
    assert post_login(client, "gongcheng_head", "Gcz-2024-fangkong!").status_code == 302


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("12345678", "这个密码太常见了"),
        ("38271946105", "密码只包含数字"),
        ("gongcheng_head1", "密码跟 用户名 太相似了"),
    ],
)
def test_password_change_applies_django_validators(client, demo_user, new, message):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = change_password(client, DEMO_PASSWORD, new)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert demo_user("gongcheng_head").check_password(DEMO_PASSWORD)


def test_password_change_refuses_a_short_password(client, demo_user):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = change_password(client, DEMO_PASSWORD, "Ab1!x")

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["new_password2"]
    assert [error.code for error in errors] == ["password_too_short"]
    assert demo_user("gongcheng_head").check_password(DEMO_PASSWORD)


def test_short_password_message_is_chinese(client, db):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = change_password(client, DEMO_PASSWORD, "Ab1!x")

    assert "密码长度太短" in response.content.decode()


def test_password_change_needs_the_old_password(client, demo_user):
    post_login(client, "gongcheng_head", DEMO_PASSWORD)

    response = change_password(client, "not-my-password", "Gcz-2024-fangkong!")

    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    assert demo_user("gongcheng_head").check_password(DEMO_PASSWORD)
