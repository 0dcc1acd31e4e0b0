"""Two approvers deciding the same item at the same moment make exactly one transition.

Row locks (select_for_update) do nothing on SQLite, so this runs on PostgreSQL only; `.ci/run`
runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from qpdo.org.enums import AuditAction, Role
from qpdo.org.models import AuditRecord, Staff
from qpdo.org.services import account_ensure
from qpdo.workflow import services
from qpdo.workflow.enums import Action
from qpdo.workflow.models import Opinion

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks do nothing on SQLite; runs when DATABASE_URL points to PostgreSQL",
    ),
]


def race(approval, users, decision=Action.APPROVE):
    """Let every user decide the approval's first step at once; return their outcomes."""
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def attempt(user):
        try:
            barrier.wait()
            services.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="同意。",
                expected_step="screening",
            )
            outcomes.append("ok")
        except services.TransitionRefused as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once(seeded_transactional_db, make_topic, demo_user):
    colleague = account_ensure(
        staff=Staff.objects.get(name="曹文婷"),
        username="caowt",
        roles=[Role.LECTURES_COORDINATOR],
        password="x",
    )
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))

    outcomes = race(topic.approval, [demo_user("zonghe_staff"), colleague])

    assert sorted(outcomes)[0] == "ok" and outcomes.count("ok") == 1, outcomes
    refusal = next(o for o in outcomes if o != "ok")
    assert "已被他人处理" in refusal or "已不在" in refusal
    assert Opinion.objects.filter(approval=topic.approval, action=Action.APPROVE).count() == 1
    assert (
        AuditRecord.objects.filter(
            action=AuditAction.TRANSITION, success=True, detail__contains="同意"
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_double_click_at_once(seeded_transactional_db, make_topic, demo_user):
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    coordinator = demo_user("zonghe_staff")

    outcomes = race(topic.approval, [coordinator, demo_user("zonghe_staff")])

    assert outcomes.count("ok") == 1, outcomes
    assert Opinion.objects.filter(approval=topic.approval, action=Action.APPROVE).count() == 1
