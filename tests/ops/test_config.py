"""Settings read from the environment: cache, admins, storages, Sentry."""

from __future__ import annotations

import pytest

from qpdo import config


def test_cache_is_locmem_when_unset():
    assert config.cache("") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_cache_is_redis_for_a_redis_url():
    cache = config.cache("redis://127.0.0.1:6379/1")
    assert cache["BACKEND"] == "qpdo.org.cache_backend.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_cache_refuses_another_scheme_in_one_line():
    with pytest.raises(SystemExit) as error:
        config.cache("memcached://x")
    assert "CACHE_URL" in str(error.value) and "\n" not in str(error.value)


def test_redis_cache_is_shared_between_clients():
    """Two cache clients (two app servers) on the same Redis see each other's keys."""
    import redis
    from django.core.cache.backends.redis import RedisCache

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis 未在 127.0.0.1:6379 运行")
    a = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "qpdo-test"})
    b = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "qpdo-test"})
    a.set("shared", "同一份缓存", 30)
    assert b.get("shared") == "同一份缓存"
    b.delete("shared")


def test_admins_are_read_from_one_line():
    assert config.admins("杨帆 <yang@example.gov.cn>, it@example.gov.cn") == [
        ("杨帆", "yang@example.gov.cn"),
        ("it@example.gov.cn", "it@example.gov.cn"),
    ]


def test_media_goes_to_s3_when_a_bucket_is_set(monkeypatch):
    monkeypatch.setenv("QPDO_S3_BUCKET", "qpdo-media")
    monkeypatch.setenv("QPDO_S3_ENDPOINT_URL", "https://s3.intranet.example")
    storages = config.storages(debug=False)
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storages["default"]["OPTIONS"]["bucket_name"] == "qpdo-media"
    assert storages["default"]["OPTIONS"]["endpoint_url"] == "https://s3.intranet.example"


def test_media_is_the_file_system_by_default(monkeypatch):
    monkeypatch.delenv("QPDO_S3_BUCKET", raising=False)
    assert config.storages(debug=True)["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_sessions_live_in_the_database(settings):
    from importlib import import_module

    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert issubclass(store, DatabaseStore)


def test_no_code_opens_uploads_by_local_path():
    """Uploads go through the storage API only, so shared folders and S3 both work."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations"} for part in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        local = re.search(r"\bfile\.path\b|settings\.MEDIA_ROOT", text)
        if local and not path.name.startswith("settings"):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_postgresql_connections_plan_for_solid_state_disks_without_jit(monkeypatch, tmp_path):
    """Ten years of data: index lookups, not a scan of every year's approvals (issue #15)."""
    monkeypatch.setenv("DATABASE_URL", "postgres://qpdo@127.0.0.1:5432/qpdo")
    options = config.database(tmp_path)["OPTIONS"]["options"]
    assert "-c jit=off" in options and "-c random_page_cost=1.1" in options
