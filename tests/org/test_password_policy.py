"""Passwords and sign-in: strength, history, forced change, maximum age, lockout, session cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qpdo.org import clock
from qpdo.org.models import AccountSecurity
from qpdo.org.password_policy import SIGNED_IN_AT

GOOD = "Lk8#mQ2vXp"


@pytest.mark.parametrize(
    "password", ["zhangsan", "Qpdo2024", "qpdo@2024", "abcdefghij1", "ABCDEFGH12"]
)
def test_weak_passwords_are_refused_in_chinese(password, demo_user):
    with pytest.raises(ValidationError) as error:
        validate_password(password, demo_user("member"))
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in error.value.messages)


@pytest.mark.parametrize("password", [GOOD, "correct-Horse-battery-staple", "Aa1!" * 16 + "x" * 36])
def test_strong_passwords_of_any_length_are_accepted(password, demo_user):
    validate_password(password, demo_user("member"))


def test_last_five_passwords_are_refused(demo_user):
    user = demo_user("member")
    used = [f"Lk8#mQ2vX{i}" for i in range(6)]
    for password in used:
        user.set_password(password)
        user.save()
    for password in used[1:]:
        with pytest.raises(ValidationError) as error:
            validate_password(password, user)
        assert "最近 5 次" in error.value.messages[0]
    validate_password(used[0], user)  # six changes ago: allowed again


def _sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def test_reset_password_must_be_changed_at_first_sign_in(client, login, demo_user):
    login("sysadmin")
    target = demo_user("member")
    client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": GOOD, "password2": GOOD},
    )
    client.logout()
    target.refresh_from_db()
    _sign_in(client, target)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"

    client.post(
        "/accounts/password/",
        {"old_password": GOOD, "new_password1": "Zx9$wE4rTy", "new_password2": "Zx9$wE4rTy"},
    )
    assert client.get("/").status_code == 200


def test_password_older_than_90_days_must_be_changed_with_a_warning_before(client, demo_user):
    user = demo_user("member")
    with clock.frozen(clock.at(2026, 1, 1)):
        user.set_password(GOOD)
        user.save()
    AccountSecurity.objects.filter(user=user).update(demo_exempt=False)
    with clock.frozen(clock.at(2026, 3, 28)):  # 86 days: warned
        _sign_in(client, user)
        response = client.get("/", follow=True)
        assert response.status_code == 200
        assert "天内过期" in response.content.decode()
    with clock.frozen(clock.at(2026, 4, 2)):  # 91 days: must change
        _sign_in(client, user)
        response = client.get("/")
        assert response["Location"] == "/accounts/password/"


def test_demo_accounts_are_exempt_from_expiry(client, demo_user):
    user = demo_user("member")
    assert AccountSecurity.objects.get(user=user).demo_exempt
    with clock.frozen(clock.now() + timedelta(days=400)):
        _sign_in(client, user)
        assert client.get("/").status_code == 200


def test_session_ends_twelve_hours_after_sign_in_however_active(client, demo_user, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12  # production value (the test settings lift it)
    user = demo_user("member")
    start = clock.at(2026, 5, 6, 8)
    with clock.frozen(start):
        _sign_in(client, user)
        session = client.session
        session[SIGNED_IN_AT] = start.isoformat()
        session.save()
        assert client.get("/").status_code == 200
    with clock.frozen(start + timedelta(hours=11, minutes=59)):
        assert client.get("/").status_code == 200
    with clock.frozen(start + timedelta(hours=12, minutes=1)):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_lockout_is_keyed_on_user_name_and_address(client, demo_user):
    user = demo_user("party_branch")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "party_branch", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "party_branch", "password": "Qpdo@2024"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert locked.status_code in (403, 429) or "锁定" in locked.content.decode()
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "party_branch", "password": "Qpdo@2024"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
