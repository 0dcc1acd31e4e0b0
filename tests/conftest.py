"""Shared fixtures: a test database seeded once with reference data and the demo people.

The demo sign-ins (zonghe_head, gongcheng_head, zonghe_staff, office_leader, …) exist in every
test, as in the README. Programme records are built by each test through services.
Transactional tests (live server, concurrency) get a flushed database and re-seed it with the
`seeded_transactional_db` fixture.

Every test runs with the portal's clock pinned for the whole process (live-server threads
included) at TEST_TODAY: 2026-12-01 10:00 Asia/Shanghai, or the day in the environment variable
QPDO_TEST_TODAY (CI runs the suite a second time years ahead). A test that needs another day
moves it with the `clock_at` fixture or `clock.frozen(...)`; no test may depend on the real date.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from qpdo.org import clock
from qpdo.org.models import Unit


def _test_today() -> datetime.date:
    raw = os.environ.get("QPDO_TEST_TODAY", "2026-12-01")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"QPDO_TEST_TODAY 应为 YYYY-MM-DD，而不是 {raw!r}") from None


TEST_TODAY = _test_today()
TEST_NOW = clock.at(TEST_TODAY.year, TEST_TODAY.month, TEST_TODAY.day, 10, 0)


def seed_people() -> None:
    call_command("seed", "--demo", "--no-records", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: a rolled-back test leaves no cached page behind."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), clock.pinned(TEST_NOW):
        seed_people()
        # SQLite probes its JSON support once per connection (three statements): do it now,
        # not inside the first test that counts the statements of a page reading JSON.
        connection.features.supports_json_field  # noqa: B018


@pytest.fixture(autouse=True)
def clock_at():
    """Pin the portal's clock at TEST_NOW for the test; clock_at(y, m, d[, h, min]) moves it.

    The clock is pinned for the whole process, so the live server of a browser test and the
    threads of a concurrency test read the same day as the test itself.
    """

    def move(year: int, month: int, day: int, hour: int = 10, minute: int = 0):
        moment = clock.at(year, month, day, hour, minute)
        clock.pin(moment)
        return moment

    with clock.pinned(TEST_NOW):
        yield move


@pytest.fixture
def seeded_transactional_db(transactional_db):
    seed_people()


@pytest.fixture
def demo_user(db):
    """Return a demo sign-in by its username: demo_user("zonghe_head")."""

    def get(username: str):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def unit(db):
    """Return a unit by its code: unit("zonghe")."""

    def get(code: str) -> Unit:
        return Unit.objects.get(code=code)

    return get


@pytest.fixture
def login(client, demo_user):
    """Sign the test client in as a demo user and return that user."""

    def sign_in(username: str):
        user = demo_user(username)
        client.force_login(user, backend="qpdo.org.backends.PortalBackend")
        return user

    return sign_in
