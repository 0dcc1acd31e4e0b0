"""Two-factor sign-in: who must use it, codes accepted once, recovery codes, demo exemption."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qpdo.org.enums import AuditAction, Role
from qpdo.org.models import AccountSecurity, AuditRecord
from qpdo.org.two_factor import REQUIRED_ROLES, is_required, new_recovery_codes


def code_of(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enable(user) -> TOTPDevice:
    AccountSecurity.objects.filter(user=user).update(demo_exempt=False)
    return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def test_required_roles_are_the_approvers_and_the_admin_roles():
    assert {
        Role.OFFICE_LEADER, Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.LECTURES_COORDINATOR,
        Role.OUTREACH_REVIEWER, Role.SECTION_HEAD, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR,
    } == REQUIRED_ROLES  # fmt: skip


def test_demo_accounts_have_two_factor_off(demo_user):
    assert not is_required(demo_user("party_branch"))
    AccountSecurity.objects.filter(user=demo_user("party_branch")).update(demo_exempt=False)
    assert is_required(demo_user("party_branch"))
    assert not is_required(demo_user("member"))  # optional for a 科员


def test_required_user_without_device_is_sent_to_setup(client, demo_user):
    user = demo_user("auditor")
    AccountSecurity.objects.filter(user=user).update(demo_exempt=False)
    sign_in(client, user)
    assert client.get("/admin/").url == "/accounts/2fa/setup/"
    assert client.get("/accounts/2fa/setup/").status_code == 200


def test_code_is_accepted_once_and_a_replay_is_refused(client, demo_user):
    user = demo_user("party_group")
    device = enable(user)
    sign_in(client, user)
    assert client.get("/").url.startswith("/accounts/2fa/verify/")
    code = code_of(device)

    assert client.post("/accounts/2fa/verify/", {"code": code, "next": "/"}).url == "/"
    assert client.get("/").status_code == 200

    client.logout()
    sign_in(client, user)
    replay = client.post("/accounts/2fa/verify/", {"code": code, "next": "/"})
    assert replay.status_code == 200
    assert "已使用过" in replay.content.decode()
    assert client.get("/").status_code == 302
    refused = AuditRecord.objects.filter(action=AuditAction.TWO_FACTOR, success=False)
    assert refused.filter(actor=user).exists()


def test_recovery_code_works_once(client, demo_user):
    user = demo_user("office_leader")
    enable(user)
    codes = new_recovery_codes(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    sign_in(client, user)
    assert client.post("/accounts/2fa/verify/", {"code": codes[0], "next": "/"}).url == "/"
    client.logout()
    sign_in(client, user)
    again = client.post("/accounts/2fa/verify/", {"code": codes[0], "next": "/"})
    assert again.status_code == 200


def test_optional_user_with_a_device_is_asked_for_a_code(client, demo_user):
    user = demo_user("member")
    enable(user)
    sign_in(client, user)
    assert client.get("/").url.startswith("/accounts/2fa/verify/")


def test_verify_refuses_an_outside_next_url(client, demo_user):
    user = demo_user("member")
    device = enable(user)
    sign_in(client, user)
    response = client.post(
        "/accounts/2fa/verify/", {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_security_admin_turns_two_factor_on_for_a_demo_account_and_resets_it(
    client, login, demo_user
):
    target = demo_user("party_branch")
    enable(target)
    AccountSecurity.objects.filter(user=target).update(demo_exempt=True)
    login("secadmin")
    security = AccountSecurity.objects.get(user=target)
    page = client.get("/admin/org/accountsecurity/")
    assert page.status_code == 200
    client.post(
        f"/admin/org/accountsecurity/{security.pk}/change/",
        {"must_change_password": "", "demo_exempt": ""},
    )
    assert is_required(target)
    client.post(
        "/admin/org/accountsecurity/",
        {"action": "reset_two_factor", "_selected_action": [security.pk]},
    )
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditRecord.objects.filter(
        action=AuditAction.TWO_FACTOR, object_id=str(target.pk)
    ).exists()
