"""What every request costs before its page (issue #15): the session from the shared cache, the
data version read once per request, one Redis client per connection pool."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qpdo.org import caching
from qpdo.org.seeds import DEMO_PASSWORD
from qpdo.org.sessions import SessionStore

LOGIN_URL = "/accounts/login/"


def sign_in(client, username="gongcheng_head"):
    response = client.post(LOGIN_URL, {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def session_statements(client, url="/workflow/todo/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


# --- the session in the shared cache -------------------------------------------------------


@pytest.fixture
def session_cache(settings):
    settings.QPDO_SESSION_CACHE = True


def test_with_a_shared_cache_a_page_reads_its_session_from_the_cache(client, db, session_cache):
    key = sign_in(client)
    client.get("/")
    assert session_statements(client) == []
    data, expire_date = cache.get(SessionStore.cache_key_prefix + key)
    assert "_auth_user_id" in data
    assert expire_date == Session.objects.get(session_key=key).expire_date


def test_without_a_shared_cache_the_session_is_read_from_the_database(client, db, settings):
    settings.QPDO_SESSION_CACHE = False
    key = sign_in(client)
    assert cache.get(SessionStore.cache_key_prefix + key) is None
    assert len(session_statements(client)) == 1


def test_sign_out_ends_the_cached_session_everywhere(client, db, session_cache, django_user_model):
    from django.test import Client

    key = sign_in(client)
    other = Client()  # the same cookie in another browser tab, served by another worker
    other.cookies["sessionid"] = key
    assert other.get("/workflow/todo/").status_code == 200
    client.post("/accounts/logout/")
    assert cache.get(SessionStore.cache_key_prefix + key) is None
    response = other.get("/workflow/todo/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def test_a_cached_session_past_its_expiry_is_not_used(client, db, session_cache):
    key = sign_in(client)
    data, _ = cache.get(SessionStore.cache_key_prefix + key)
    past = timezone.now() - timedelta(seconds=1)
    cache.set(SessionStore.cache_key_prefix + key, (data, past), 60)
    Session.objects.filter(session_key=key).update(expire_date=past)
    response = client.get("/workflow/todo/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def test_idle_expiry_is_extended_in_the_cache_and_the_database(client, db, session_cache, settings):
    settings.SESSION_REFRESH_AFTER = 60
    key = sign_in(client)
    data, _ = cache.get(SessionStore.cache_key_prefix + key)
    soon = timezone.now() + timedelta(minutes=28)  # set two minutes ago
    cache.set(SessionStore.cache_key_prefix + key, (data, soon), 60 * 28)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/workflow/todo/").status_code == 200
    _, cached_expiry = cache.get(SessionStore.cache_key_prefix + key)
    stored_expiry = Session.objects.get(session_key=key).expire_date
    for expiry in (cached_expiry, stored_expiry):
        assert timedelta(minutes=29) < expiry - timezone.now() <= timedelta(minutes=30)


def test_a_lost_cache_entry_reads_the_database_again(client, db, session_cache):
    key = sign_in(client)
    cache.delete(SessionStore.cache_key_prefix + key)
    assert len(session_statements(client)) == 1
    assert session_statements(client) == []  # and it is cached again


# --- the data version, once per request ----------------------------------------------------


class CountingCache:
    """Wrap the cache's get() to count the reads of the data version."""

    def __init__(self, monkeypatch):
        self.reads = 0
        original = cache.get

        def get(key, *args, **kwargs):
            if key == caching.DATA_VERSION_KEY:
                self.reads += 1
            return original(key, *args, **kwargs)

        monkeypatch.setattr(caching.cache, "get", get)


def test_a_page_reads_the_data_version_once(client, login, monkeypatch, settings):
    settings.QPDO_PAGE_CACHE = True
    login("gongcheng_head")
    client.get("/workflow/todo/")
    counter = CountingCache(monkeypatch)
    assert client.get("/workflow/todo/").status_code == 200  # identity, security, page cache
    assert counter.reads == 1


def test_a_write_inside_the_request_reads_the_new_version():
    seen = []

    def view(request):
        seen.append(caching.data_version())
        seen.append(caching.data_version())
        caching.bump_data_version()
        seen.append(caching.data_version())
        return "response"

    assert caching.DataVersionMiddleware(view)(object()) == "response"
    assert seen[0] == seen[1] and seen[2] > seen[1]


def test_outside_a_request_every_read_sees_the_latest_version():
    before = caching.data_version()
    caching._bump_now()
    assert caching.data_version() > before


# --- one Redis client per pool -------------------------------------------------------------


def test_the_redis_cache_keeps_one_client_per_pool():
    redis = pytest.importorskip("redis")
    from qpdo.org.cache_backend import RedisCache

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "qpdo-test-client"})
    backend.set("k", {"a": 1})
    assert backend.get("k") == {"a": 1}
    assert backend.get_many(["k", "missing"]) == {"k": {"a": 1}}
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is client  # one server: one pool for both
    backend.delete("k")
