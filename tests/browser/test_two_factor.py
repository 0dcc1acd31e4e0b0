"""An approver signs in with password and a TOTP code through the real pages in Chromium."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from qpdo.org.models import AccountSecurity

pytestmark = pytest.mark.browser


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def test_approver_signs_in_with_a_totp_code(sign_in, page, portal_url, screenshot):
    user = get_user_model().objects.get(username="party_branch")
    AccountSecurity.objects.filter(user=user).update(demo_exempt=False)
    device = TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)

    sign_in("party_branch")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    expect(page.get_by_text("请输入手机验证器上显示的 6 位数字")).to_be_visible()
    screenshot("verify")

    page.get_by_label("验证码").fill("000000" if current_code(device) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1500)  # django-otp throttles: 1 s after one wrong code

    page.get_by_label("验证码").fill(current_code(device))
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(portal_url("/"))
    expect(page.get_by_test_id("my-unit")).to_have_text("机关党支部")


def test_required_approver_without_authenticator_sets_one_up(sign_in, page, portal_url, screenshot):
    user = get_user_model().objects.get(username="office_leader")
    AccountSecurity.objects.filter(user=user).update(demo_exempt=False)

    sign_in("office_leader")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/setup/"))
    page.goto(portal_url("/workflow/todo/"))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/setup/"))  # nothing else before 2FA
    screenshot("setup")

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("验证码").fill(current_code(device))
    page.get_by_role("button", name="完成绑定").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="我已保存，进入工作台").click()
    expect(page).to_have_url(portal_url("/"))
