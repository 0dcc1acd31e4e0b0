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
        config["OPTIONS"] = {"connect_timeout": 5}
    return config


def fail(message: str) -> None:
    print(f"qpdo：{message}", file=sys.stderr)
    raise SystemExit(1)
