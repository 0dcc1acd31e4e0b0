"""Read the portal's configuration from the environment.

Every failure here ends the process with one Chinese line that names what is missing and how to
fix it, not a traceback: these run before Django is configured.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


class ConfigurationError(SystemExit):
    """Stop the process with one readable line."""

    def __init__(self, message: str) -> None:
        super().__init__(f"qpdo 配置错误：{message}")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Return an integer variable; an empty, non-numeric or out-of-range value stops in one line."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip()
    try:
        number = int(value)
    except ValueError:
        shown = f"“{value}”" if value else "空值"
        raise ConfigurationError(
            f"环境变量 {name} 须为整数，当前为{shown}："
            f"请改为数字（如 {name}={default}）或删除该变量。"
        ) from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = f"至 {maximum}" if maximum is not None else "以上"
        raise ConfigurationError(f"环境变量 {name} 须在 {minimum}{upper} 之间，当前为 {number}。")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key(var_dir: Path, debug: bool) -> str:
    """Return SECRET_KEY from the environment, or the demo key kept under var/.

    Outside DEBUG a key must come from the environment: a generated file key is for the demo only.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ConfigurationError(
            "生产模式（DEBUG 关闭）必须设置环境变量 SECRET_KEY，例如："
            "export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(var_dir: Path) -> dict:
    """Return the default database from DATABASE_URL (SQLite under var/ when unset)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        var_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{var_dir / 'qpdo.sqlite3'}"
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            f"DATABASE_URL 的协议“{scheme}”不受支持：请使用 sqlite:///路径 或 "
            "postgres://用户@主机:端口/库名"
        )
    config = dj_database_url.parse(url, conn_max_age=0 if scheme == "sqlite" else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # BEGIN IMMEDIATE serialises writers, so a read-then-write transaction never
        # upgrades a stale snapshot; a busy timeout waits instead of failing at once.
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # JIT compilation costs a page 100+ ms on the portal's short queries (measured, #15).
        # random_page_cost 1.1 (the default 4 assumes spinning disks): with ten years of data
        # the planner otherwise reads every approval of every year (a sequential scan and a
        # hash join) to join the year's few thousand reports, instead of one index lookup each
        # (the 六进 dashboard: 44 ms → 15 ms per statement, measured with bench/).
        config["OPTIONS"] = {
            "connect_timeout": 5,
            "options": "-c jit=off -c random_page_cost=1.1",
        }
        # Server-side cursors (QuerySet.iterator(), form choices) cost DECLARE/FETCH/CLOSE
        # round trips; the portal's iterated querysets are small.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


def cache(url: str) -> dict:
    """Return the default cache from CACHE_URL: LocMem when unset, Redis for redis://…."""
    url = url.strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss"}:
        raise ConfigurationError(
            f"CACHE_URL 的协议“{scheme}”不受支持：请使用 redis://主机:端口/库号，或不设置（单机内存缓存）"
        )
    return {
        "BACKEND": "qpdo.org.cache_backend.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "qpdo",
        "TIMEOUT": 300,
    }


def admins(value: str) -> list[tuple[str, str]]:
    """Return ADMINS from "姓名 <a@b>, c@d" (a 500 is mailed to each)."""
    result = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        if "<" in item and item.endswith(">"):
            name, _, address = item[:-1].partition("<")
            result.append((name.strip() or address.strip(), address.strip()))
        else:
            result.append((item, item))
    return result


def storages(debug: bool) -> dict:
    """Return STORAGES: media on the file system, or S3 when QPDO_S3_BUCKET is set."""
    static_backend = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if debug or env_bool("QPDO_PLAIN_STATIC")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    default: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = os.environ.get("QPDO_S3_BUCKET", "").strip()
    if bucket:
        options = {
            "bucket_name": bucket,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "location": os.environ.get("QPDO_S3_PREFIX", "media"),
        }
        for option, name in (
            ("endpoint_url", "QPDO_S3_ENDPOINT_URL"),
            ("region_name", "QPDO_S3_REGION"),
            ("access_key", "QPDO_S3_ACCESS_KEY"),
            ("secret_key", "QPDO_S3_SECRET_KEY"),
        ):
            if os.environ.get(name):
                options[option] = os.environ[name]
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    return {"default": default, "staticfiles": {"BACKEND": static_backend}}


def sentry(dsn: str) -> None:
    """Send unhandled errors to a Sentry-compatible DSN (no personal data is sent)."""
    try:
        # inline: optional dependency, only when SENTRY_DSN is set
        import sentry_sdk
    except ImportError:
        raise ConfigurationError(
            '已设置 SENTRY_DSN，但未安装 sentry-sdk：请运行 .venv/bin/pip install -e ".[sentry]"'
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=0.0,
    )


def fail(message: str) -> None:
    print(f"qpdo：{message}", file=sys.stderr)
    raise SystemExit(1)
