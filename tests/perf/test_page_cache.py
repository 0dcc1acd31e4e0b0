"""Whole list pages cached per session, day and data version (qpdo.org.page_cache)."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage

from qpdo.org.page_cache import CACHE_HEADER

from .test_query_budgets import statements


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.QPDO_PAGE_CACHE = True


def test_a_list_page_is_served_from_the_cache_until_the_next_write(client, login):
    from qpdo.workflow.services import notify

    user = login("gongcheng_head")
    first = client.get("/workflow/todo/")
    assert first.status_code == 200 and CACHE_HEADER not in first
    again = client.get("/workflow/todo/")
    assert again[CACHE_HEADER] == "hit"
    assert again.content == first.content
    assert len(statements(client, "/workflow/todo/")) <= 2  # the session and the user
    notify([user], title="新消息")  # any write bumps the data version
    assert CACHE_HEADER not in client.get("/workflow/todo/")


def test_each_query_string_and_each_user_has_its_own_page(client, login):
    login("gongcheng_head")
    client.get("/workflow/done/")
    assert CACHE_HEADER not in client.get("/workflow/done/?page=1")
    client.logout()
    login("office_leader")
    assert CACHE_HEADER not in client.get("/workflow/done/")


def test_pages_not_listed_are_never_cached(client, login):
    login("gongcheng_head")
    client.get("/accounts/password/")
    assert CACHE_HEADER not in client.get("/accounts/password/")


def test_a_waiting_flash_message_is_shown_not_skipped(client, login, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    login("gongcheng_head")
    client.get("/workflow/todo/")
    assert client.get("/workflow/todo/")[CACHE_HEADER] == "hit"
    session = client.session
    request = type("R", (), {"session": session})()
    storage = SessionStorage(request)
    storage.add(messages.INFO, "提醒：缓存不吞消息")
    storage.update(response=None)
    session.save()
    response = client.get("/workflow/todo/")
    assert CACHE_HEADER not in response
    assert "提醒：缓存不吞消息" in response.content.decode()
    assert "提醒：缓存不吞消息" not in client.get("/workflow/todo/").content.decode()


def test_the_password_rule_runs_before_a_cached_page(client, login):
    from qpdo.org.models import AccountSecurity

    user = login("gongcheng_head")
    client.get("/workflow/todo/")
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": True, "demo_exempt": False}
    )
    response = client.get("/workflow/todo/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_the_messages_page_is_cached_until_a_message_arrives_or_is_read(client, login):
    from qpdo.workflow.services import notification_mark_read, notify

    user = login("gongcheng_head")
    client.get("/workflow/messages/")
    assert client.get("/workflow/messages/")[CACHE_HEADER] == "hit"
    notify([user], title="缓存中的新消息")
    fresh = client.get("/workflow/messages/")
    assert CACHE_HEADER not in fresh
    assert "缓存中的新消息" in fresh.content.decode()
    assert client.get("/workflow/messages/")[CACHE_HEADER] == "hit"
    notification_mark_read(user=user)
    assert CACHE_HEADER not in client.get("/workflow/messages/")
