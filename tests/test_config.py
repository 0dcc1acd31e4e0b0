"""Bad configuration stops `manage.py` with one clear Chinese line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "manage.py"


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment: the real settings, var/ under tmp_path."""
    base = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: the live-server tests set it for themselves only
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith(("QPDO_", "PYTEST_"))
    }
    base.update(QPDO_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_production_without_secret_key_names_secret_key(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="0")

    line = assert_one_clear_line(result, "SECRET_KEY")
    assert "export SECRET_KEY=" in line
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_with_secret_key_passes_check(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="0", SECRET_KEY="x" * 60)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_demo_mode_generates_its_key_once(tmp_path):
    first = run_manage(tmp_path, "check", DEBUG="1")
    key = (tmp_path / "var" / "secret_key").read_text()
    second = run_manage(tmp_path, "check", DEBUG="1")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert len(key) >= 40
    assert (tmp_path / "var" / "secret_key").read_text() == key


def test_unreachable_database_names_database_url(tmp_path):
    result = run_manage(
        tmp_path,
        "migrate",
        "--noinput",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/qpdo",
    )

    assert_one_clear_line(result, "DATABASE_URL")


@pytest.mark.parametrize("url", ["mysql://qpdo@127.0.0.1/qpdo", "oracle://db/qpdo"])
def test_unsupported_database_scheme_names_database_url(tmp_path, url):
    result = run_manage(tmp_path, "check", DEBUG="1", DATABASE_URL=url)

    line = assert_one_clear_line(result, "DATABASE_URL", url.split(":", 1)[0])
    assert "postgres://" in line
