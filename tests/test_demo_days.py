"""The demo is alive on the day it is built: `seed --demo` run on 15 April, 20 October or
1 December (of the test year) builds this year's campaign up to that day and last year as
history, and every demo role's 工作台 shows this year's work with due dates counted in days."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from campaigns.models import Campaign, MonthlyRanking
from outreach.models import Plan
from qpdo.org import clock
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow.enums import State
from qpdo.workflow.models import Approval
from stars.models import StarYear
from tests.conftest import TEST_TODAY

YEAR = TEST_TODAY.year
ROLES = (
    "zonghe_head",
    "gongcheng_head",
    "zonghe_staff",
    "member",
    "office_leader",
    "party_branch",
    "party_group",
    "outreach_reviewer",
    "zhujiajiao",
)


def _subject_year(approval: Approval) -> int | None:
    model = ContentType.objects.get_for_id(approval.content_type_id).model_class()
    return model.objects.get(pk=approval.object_id).get_workflow_year()


def _home(client, login, username: str) -> str:
    login(username)
    response = client.get("/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(("month", "day"), [(4, 15), (10, 20), (12, 1)])
def test_demo_built_on_a_day_shows_current_work(month, day, clock_at, client, login, demo_user):
    clock_at(YEAR, month, day, 9, 0)
    call_command("seed", "--demo", verbosity=0)
    current = Campaign.objects.get(year=YEAR)
    previous = Campaign.objects.get(year=YEAR - 1)
    assert current.key_dates.exists() and previous.key_dates.exists()
    # Last year is history: rankings published, stars announced, nothing waiting.
    assert StarYear.objects.get(campaign=previous).is_announced
    assert MonthlyRanking.objects.filter(campaign=previous, approval__state=State.APPROVED).count()
    # Nothing recorded after the seeding moment.
    assert not Approval.objects.filter(submitted_at__gt=clock.now()).exists()
    assert Plan.objects.filter(year=YEAR).exists()  # 六进 plans are due by end of February
    waiting_total = 0
    for username in ROLES:
        page = _home(client, login, username)
        for days in re.findall(r"逾期 ?(\d+) ?天", page):
            assert int(days) < 200, f"{username}: 逾期 {days} 天"
        assert f"{YEAR - 1}年度实践活动尚未建立" not in page
        waiting = Approval.objects.filter(workflow_rules.inbox_q(demo_user(username)))
        years = {_subject_year(a) for a in waiting}
        assert years <= {YEAR}, f"{username} has last year's work waiting: {years}"
        waiting_total += waiting.count()
    assert waiting_total > 0
    # The 六进 reviewer and the 综合科 head have this year's work in front of them.
    office = _home(client, login, "zonghe_head")
    assert current.name in office
    if month == 12:
        assert f"{YEAR + 1}年度即将开始" in office
