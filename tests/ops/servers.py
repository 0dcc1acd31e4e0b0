"""Real processes for the operations tests: gunicorn app servers and db_worker, all on the
test's PostgreSQL database and one shared media folder."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _load_portal():
    spec = importlib.util.spec_from_file_location("portal_http", ROOT / "scripts/portal_http.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Portal


Portal = _load_portal()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like process on the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "QPDO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="qpdo.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="ops-test-key-" + "x" * 40,
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        QPDO_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        QPDO_PLAIN_STATIC="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env.update(extra)
    return env


class Processes:
    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict, log: Path) -> subprocess.Popen:
        handle = open(log, "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        process.log = log
        self.started.append(process)
        return process

    def gunicorn(self, env: dict, tmp_path: Path, name: str) -> str:
        port = free_port()
        self.start(
            [
                str(VENV_BIN / "gunicorn"),
                "qpdo.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
            ],
            env,
            tmp_path / f"{name}.log",
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base + "/accounts/login/"), f"gunicorn {name}")
        return base

    def worker(self, env: dict, tmp_path: Path, name: str = "worker") -> subprocess.Popen:
        return self.start(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.3",
                "--no-startup-delay",
            ],
            env,
            tmp_path / f"{name}.log",
        )

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        for process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.log.name}\n{p.log.read_text(errors='replace')[-3000:]}" for p in self.started
        )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")
