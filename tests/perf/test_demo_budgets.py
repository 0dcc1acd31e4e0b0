"""Statement budgets on the whole demo (every programme's records): the 工作台 cold, and every
page of the benchmark (bench/run.py PAGES) cold and warm (issue #15).

"Cold" is the first request after a write (which bumps the data version): everything the page
shows is read from the database; the session, which no write of data touches, stays in the
shared cache. "Warm" is the next one.
The app tests prove each list constant in its rows; these pin the values themselves.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.run import PAGES
from qpdo.org import clock
from qpdo.org.caching import bump_data_version
from tests.conftest import TEST_NOW

from .test_query_budgets import DEMO_USERNAMES, statements

# The target: fifteen for every role, cold (the cache emptied, as after any write), with
# the production configuration of a shared cache (CACHE_URL), which also keeps the session.
HOME_COLD_BUDGET = 15
HOME_WARM_BUDGET = 1  # the user (the session is in the cache): the cached body runs nothing

# (cold, warm) statements of every benchmarked page (page label, role) on the whole demo, with
# the whole-page cache off as in the other tests (with it, a warm list page runs the user's 1).
PAGE_BUDGETS: dict[tuple[str, str], tuple[int, int]] = {
    ("工作台", "office_leader"): (15, 1),
    ("工作台", "gongcheng_head"): (13, 1),
    ("工作台", "outreach_reviewer"): (14, 1),
    ("待办", "office_leader"): (6, 2),
    ("待办", "gongcheng_head"): (4, 2),
    ("待办", "outreach_reviewer"): (6, 2),
    ("已办", "office_leader"): (5, 3),
    ("已办", "gongcheng_head"): (5, 3),
    ("已办", "outreach_reviewer"): (5, 3),
    ("我的申报", "gongcheng_head"): (4, 2),
    ("消息", "gongcheng_head"): (3, 1),
    ("实践活动清单", "office_leader"): (9, 7),
    ("实践活动清单", "gongcheng_head"): (11, 9),
    ("攻坚团队", "office_leader"): (7, 5),
    # One statement per record part: the 交流展示 part (campaigns.providers) is the 24th.
    ("个人实践档案", "office_leader"): (23, 21),
    ("小讲堂选题", "office_leader"): (9, 6),
    ("小讲堂选题", "gongcheng_head"): (9, 6),
    ("申报表", "office_leader"): (10, 7),
    ("申报表", "gongcheng_head"): (10, 7),
    ("六进报道", "outreach_reviewer"): (11, 6),
    ("六进计划", "outreach_reviewer"): (10, 4),
    ("六进看板", "outreach_reviewer"): (28, 1),
}


@pytest.fixture(autouse=True)
def _shared_cache_keeps_the_session(settings):
    """As in production with CACHE_URL: the session is read from the shared cache."""
    settings.QPDO_SESSION_CACHE = True


@pytest.fixture(scope="module")
def demo_records(django_db_setup, django_db_blocker):
    """Build the whole demo once for this module; roll it back after."""
    with django_db_blocker.unblock(), clock.pinned(TEST_NOW), transaction.atomic():
        call_command("seed", "--demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _year() -> int:
    return clock.today().year


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_home_cold_and_warm_statements_on_the_whole_demo(demo_records, db, client, login, username):
    login(username)
    bump_data_version()
    cold = statements(client, "/")
    warm = statements(client, "/")
    assert len(cold) <= HOME_COLD_BUDGET, "\n".join(cold)
    assert len(warm) <= HOME_WARM_BUDGET, "\n".join(warm)


PAGE_CASES = [(label, url, role) for label, url, roles in PAGES for role in roles]


@pytest.mark.parametrize(
    ("label", "url", "role"), PAGE_CASES, ids=[f"{c[0]}-{c[2]}" for c in PAGE_CASES]
)
def test_benchmarked_page_statements_on_the_whole_demo(
    demo_records, db, client, login, label, url, role
):
    login(role)
    url = url.format(year=_year())
    bump_data_version()
    cold = statements(client, url)
    warm = statements(client, url)
    cold_budget, warm_budget = PAGE_BUDGETS[(label, role)]
    assert len(cold) <= cold_budget, "\n".join(cold)
    assert len(warm) <= warm_budget, "\n".join(warm)
