"""/healthz, the 503 page while the database is gone, one-line logs."""

from __future__ import annotations

import logging

from django.db import OperationalError, connection

from qpdo.jobs import services
from qpdo.org import clock


def test_healthz_answers_without_sign_in_and_names_a_stale_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == "database ok\nmedia ok\nmigrations ok\nworker stale\n"


def test_healthz_is_200_with_a_fresh_worker(client, db):
    services.worker_beat(worker_id="w", started_at=clock.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database ok\nmedia ok\nmigrations ok\nworker ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_media_readonly(client, db, settings, tmp_path):
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    settings.MEDIA_ROOT = str(readonly / "missing")
    try:
        body = client.get("/healthz").content.decode()
    finally:
        readonly.chmod(0o700)
    import os

    if os.geteuid() != 0:  # root writes anywhere: the check cannot fail for it here
        assert "media readonly" in body


def _database_gone(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    monkeypatch.setattr(connection, "cursor", refuse)


def test_healthz_says_database_down(client, db, monkeypatch):
    with monkeypatch.context() as patch:
        _database_gone(patch)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == (
        "database down\nmedia ok\nmigrations unknown\nworker unknown\n"
    )


def test_pages_answer_503_in_chinese_while_the_database_is_gone(client, login, monkeypatch):
    login("zonghe_head")
    client.raise_request_exception = False  # the error is logged; the person sees the 503
    with monkeypatch.context() as patch:
        _database_gone(patch)
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "系统暂时无法访问" in response.content.decode()


def test_log_lines_are_one_line_per_event():
    from qpdo.ops.logging import OneLineFormatter

    formatter = OneLineFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("第一行\n第二行")
    except ValueError:
        import sys

        record = logging.LogRecord("qpdo", logging.ERROR, __file__, 1, "失败", None, sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line and line.startswith("ERROR 失败 | Traceback") and "第二行" in line


def test_500_is_mailed_to_admins(client, login, monkeypatch, settings):
    from django.core import mail
    from django.test import override_settings

    import qpdo.views

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("坏了")

    monkeypatch.setattr(qpdo.views.HomeView, "get", broken)
    login("zonghe_head")
    client.raise_request_exception = False
    with override_settings(DEBUG=False, ADMINS=[("管理员", "admin@example.gov.cn")]):
        response = client.get("/")
    assert response.status_code == 500
    assert [m.to for m in mail.outbox] == [["admin@example.gov.cn"]]
