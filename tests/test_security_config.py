"""Smaller security rows: bad integers in the environment, Permissions-Policy, admin 404."""

from __future__ import annotations

import pytest

from tests.test_config import assert_one_clear_line, run_manage


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECURE_HSTS_SECONDS", ""), ("SECURE_HSTS_SECONDS", "1年"), ("EMAIL_PORT", "abc"),
     ("EMAIL_PORT", "0"), ("EMAIL_PORT", "70000")],
)  # fmt: skip
def test_bad_integer_variable_gives_one_chinese_line(tmp_path, name, value):
    result = run_manage(tmp_path, "check", DEBUG="0", SECRET_KEY="x" * 60, **{name: value})
    line = assert_one_clear_line(result, name)
    assert "配置错误" in line


def test_permissions_policy_header_on_every_page(client, db):
    response = client.get("/accounts/login/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_admin_decide_view_answers_404_not_500(client, login):
    login("party_branch")
    response = client.post("/admin/stars/nomination/999999/decide/", {"decision": "approve"})
    assert response.status_code == 404
