"""Shared fixtures: a test database seeded once with reference data and the demo people.

The demo sign-ins (zonghe_head, gongcheng_head, zonghe_staff, office_leader, …) exist in every
test, as in the README. Programme records are built by each test through services.
Transactional tests (live server, concurrency) get a flushed database and re-seed it with the
`seeded_transactional_db` fixture.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from qpdo.org.models import Unit


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
    with django_db_blocker.unblock():
        seed_people()


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
