"""Signing in through the real form in Chromium lands on the Chinese 工作台."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_section_head_signs_in_and_sees_their_unit(sign_in, portal_url, screenshot):
    page = sign_in("gongcheng_head")

    expect(page).to_have_url(portal_url("/"))
    expect(page).to_have_title(re.compile("工作台"))
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_test_id("my-unit")).to_have_text("工程指挥科")
    expect(page.get_by_test_id("who-am-i")).to_contain_text("科室负责人")
    path = screenshot()
    assert path.is_file()
    assert path.stat().st_size > 10_000


def test_wrong_password_shows_chinese_error(sign_in, portal_url, screenshot):
    page = sign_in("gongcheng_head", password="wrong-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert").or_(page.locator(".alert-danger"))).to_contain_text(
        "用户名或密码不正确"
    )
    expect(page.get_by_label("用户名", exact=True)).to_have_value("gongcheng_head")
    screenshot()


def test_pages_send_strangers_to_the_login_form(page, portal_url):
    page.goto(portal_url("/workflow/todo/"))

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/workflow/todo/"))
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()


def test_each_person_has_their_own_session(signed_in_page):
    reporter = signed_in_page("zhujiajiao")
    leader = signed_in_page("office_leader")

    expect(reporter.get_by_test_id("my-unit")).to_have_text("朱家角镇")
    expect(leader.get_by_test_id("my-unit")).to_have_text("办领导")
    reporter.reload()
    expect(reporter.get_by_test_id("who-am-i")).to_contain_text("填报员")
