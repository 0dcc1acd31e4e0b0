"""Smaller security rows: bad integers in the environment, Permissions-Policy, admin 404."""

from __future__ import annotations

import secrets

import pytest

from tests.test_config import ROOT, assert_one_clear_line, run_manage


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


def _readme_cron() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("```cron", 1)[1].split("```", 1)[0]


def test_readme_cron_clears_sessions_archives_and_verifies_the_audit_trail():
    """Retention: the archive command runs daily (records older than 180 days go to a file)."""
    from django.core.management import get_commands

    cron = _readme_cron()
    for command in ("clearsessions", "audit_archive", "audit_verify"):
        line = next(line for line in cron.splitlines() if f"manage.py {command}" in line)
        assert line.split()[:5][2:] == ["*", "*", "*"], line  # every day
        assert command in get_commands()


def test_ci_runs_the_deploy_checks_with_production_settings():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "manage.py check --deploy --fail-level WARNING" in run
    assert "DEBUG=0" in run.split("check --deploy", 1)[0].rsplit("step ", 1)[1]


def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://portal.example.gov.cn",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stderr
