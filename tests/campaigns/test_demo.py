"""The demo 2024 campaign: built through the services in date order, and followable month by
month (who owns what, what is late, how each section ranks)."""

from __future__ import annotations

import datetime

from campaigns import selectors
from campaigns.demo import build
from campaigns.enums import ItemStatus
from campaigns.models import MonthlyRanking, Recheck, WorkItem
from qpdo.workflow.enums import State


def test_demo_year(campaign, demo_user):
    lines = []
    build(lines.append)
    assert lines and "3—10月排名已公布" in lines[0]
    states = {r.month: r.approval.state for r in MonthlyRanking.objects.select_related("approval")}
    assert states == dict.fromkeys(range(3, 11), State.APPROVED) | {11: State.IN_REVIEW}
    today = datetime.date(2025, 1, 15)
    items = selectors.decorate(
        selectors.with_progress(WorkItem.objects.filter(campaign=campaign), today=today),
        today=today,
    )
    statuses = {item.status for item in items}
    assert {ItemStatus.DONE, ItemStatus.DONE_LATE, ItemStatus.OVERDUE} <= statuses
    assert Recheck.objects.filter(follow_up__isnull=False).count() == 1
    july = selectors.ranking_view(user=demo_user("member"), campaign=campaign, month=7)
    assert july["source"] == "published" and len(july["lines"]) == 4
    build(lines.append)  # a second run adds nothing
    assert len(lines) == 1
