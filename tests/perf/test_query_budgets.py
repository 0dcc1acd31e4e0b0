"""Statement budgets of every page: the header's, and the 工作台's in all (issue #15)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qpdo.org.seeding import load_json

HEADER_BUDGET = 4  # session, user + roles + staff, 待办 badge, unread count (cold cache)
HOME_BUDGET = 15

DEMO_USERNAMES = [row["username"] for row in load_json("demo", "staff.json") if row.get("username")]


def statements(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize(
    "username", ["gongcheng_head", "office_leader", "outreach_reviewer", "zhujiajiao", "member"]
)
def test_header_runs_at_most_four_statements_cold_and_two_warm(client, login, username):
    # The password page has no content of its own: what it runs is the header's.
    login(username)
    cache.clear()
    cold = statements(client, "/accounts/password/")
    assert len(cold) <= HEADER_BUDGET, cold
    warm = statements(client, "/accounts/password/")
    assert len(warm) <= 2, warm  # the session and the user (with roles and staff)


@pytest.mark.parametrize("username", ["gongcheng_head", "office_leader", "zhujiajiao"])
def test_with_a_shared_cache_the_header_reads_no_session_and_one_statement_warm(
    client, login, username, settings
):
    """Production (CACHE_URL): the session comes from the cache; after a write the user and the
    badges are read (and a 填报员's reports owed: 3), then only the user (1)."""
    from qpdo.org.caching import bump_data_version

    settings.QPDO_SESSION_CACHE = True
    login(username)
    bump_data_version()
    cold = statements(client, "/accounts/password/")
    assert len(cold) <= 3 and not any("django_session" in q for q in cold), cold
    warm = statements(client, "/accounts/password/")
    assert len(warm) == 1 and "auth_user" in warm[0], warm


def test_demo_users_listed():
    assert len(DEMO_USERNAMES) >= 10


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_home_runs_at_most_fifteen_statements_for_every_demo_role(client, login, username):
    login(username)
    cache.clear()
    cold = client.get("/")
    assert cold.status_code == 200
    again = statements(client, "/")
    assert len(again) <= HOME_BUDGET, "\n".join(again)
    assert len(statements(client, "/")) == len(again)  # steady: nothing recomputed later


def test_home_body_is_recomputed_after_a_write(client, login, demo_user):
    from qpdo.workflow.services import notify

    user = login("gongcheng_head")
    body = client.get("/").content.decode()
    assert "测试消息：缓存失效" not in body
    notify([user], title="测试消息：缓存失效")  # the message service bumps the data version
    body = client.get("/").content.decode()
    assert "测试消息：缓存失效" in body


def test_header_badges_follow_the_message_service(client, login):
    from qpdo.workflow.selectors import badge_counts_for
    from qpdo.workflow.services import notification_mark_read, notify

    user = login("member")
    before = badge_counts_for(user=user)["unread"]
    notify([user], title="新消息")
    assert badge_counts_for(user=user)["unread"] == before + 1
    notification_mark_read(user=user)
    assert badge_counts_for(user=user)["unread"] == 0


def test_templates_are_read_through_the_cached_loader():
    from django.template import engines
    from django.template.loaders.cached import Loader

    [loader] = engines["django"].engine.template_loaders
    assert isinstance(loader, Loader)


def test_cached_roles_follow_a_change_of_groups(demo_user):
    from django.contrib.auth.models import Group

    from qpdo.org.backends import PortalBackend
    from qpdo.org.enums import Role

    user = demo_user("member")
    backend = PortalBackend()
    assert Role.OUTREACH_REVIEWER not in backend.get_user(user.pk)._qpdo_roles
    assert Role.OUTREACH_REVIEWER not in backend.get_user(user.pk)._qpdo_roles  # from the cache
    user.groups.add(Group.objects.get(name=Role.OUTREACH_REVIEWER.label))
    assert Role.OUTREACH_REVIEWER in backend.get_user(user.pk)._qpdo_roles
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None


def test_permissions_and_security_row_come_from_the_cache_once_warm(client, login):
    login("office_leader")
    statements(client, "/workflow/todo/")
    warm = statements(client, "/workflow/todo/")
    assert not [sql for sql in warm if "auth_permission" in sql or "accountsecurity" in sql], warm


def test_cached_permissions_follow_a_change_of_group_permissions(demo_user):
    from django.contrib.auth.models import Group, Permission

    from qpdo.org.backends import PortalBackend
    from qpdo.org.enums import Role

    user = demo_user("member")
    backend = PortalBackend()
    assert not backend.get_user(user.pk).has_perm("org.add_unit")
    assert not backend.get_user(user.pk).has_perm("org.add_unit")  # from the cache
    user.groups.add(Group.objects.get(name=Role.OUTREACH_REVIEWER.label))
    Group.objects.get(name=Role.OUTREACH_REVIEWER.label).permissions.add(
        Permission.objects.get(codename="add_unit", content_type__app_label="org")
    )
    assert backend.get_user(user.pk).has_perm("org.add_unit")
