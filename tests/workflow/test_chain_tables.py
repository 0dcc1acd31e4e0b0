"""Every declared chain as a table: each role × each step × each decision → allowed or refused.

The demo sign-ins cover every role, and another unit's section head is among them. A topic is
proposed by 工程指挥科 (gongcheng_head) and driven to each step by that step's rightful actors;
then every user tries every decision there.
"""

from __future__ import annotations

import pytest

from qpdo.workflow import rules, services
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark

ALL_USERS = [
    "zonghe_head",
    "gongcheng_head",
    "dongyuan_head",
    "baozhang_head",
    "zonghe_staff",
    "member",
    "office_leader",
    "party_branch",
    "party_group",
    "outreach_reviewer",
    "zhujiajiao",
    "jiaoyuju",
    "sysadmin",
    "secadmin",
    "auditor",
]

# chain → step code → who may decide there (for a subject of 工程指挥科 submitted by its head)
TOPIC_ACTORS = {
    "screening": {"zonghe_staff"},
    "final": {"office_leader"},
}
TOPIC_SUBMITTERS = {"gongcheng_head"}
DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]


def drive_to(subject, step_code: str, demo_user, actors: dict[str, set[str]]):
    """Submit the subject and approve it step by step until it waits at `step_code`."""
    services.approval_submit(subject=subject, acting_user=demo_user("gongcheng_head"))
    approval = subject.approval
    approval.refresh_from_db()
    while approval.step.code != step_code:
        actor = demo_user(sorted(actors[approval.step.code])[0])
        approval = services.approval_transition(
            approval=approval, action=Action.APPROVE, acting_user=actor, opinion="同意。"
        )
    return approval


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("step_code", list(TOPIC_ACTORS))
@pytest.mark.parametrize("username", ALL_USERS)
def test_topic_chain_table(make_topic, demo_user, username, step_code, decision):
    topic = make_topic("gongcheng_head")
    approval = drive_to(topic, step_code, demo_user, TOPIC_ACTORS)
    user = demo_user(username)
    allowed = username in TOPIC_ACTORS[step_code]
    before = Opinion.objects.filter(approval=approval).count()
    mark = audit_mark()

    assert (rules.refusal_to_decide(user, approval) is None) == allowed
    if allowed:
        services.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="意见。",
            expected_step=step_code,
        )
        approval.refresh_from_db()
        assert Opinion.objects.filter(approval=approval).count() == before + 1
        expected = {
            Action.APPROVE: State.APPROVED if step_code == "final" else State.IN_REVIEW,
            Action.RETURN: State.RETURNED,
            Action.REJECT: State.REJECTED,
        }[decision]
        assert approval.state == expected
        assert_move_audited(
            mark, actor=user, subject=topic, decision=decision, state_label=approval.state_label
        )
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见。",
                expected_step=step_code,
            )
        approval.refresh_from_db()
        assert approval.step.code == step_code
        assert Opinion.objects.filter(approval=approval).count() == before
        assert_refusal_audited(mark, actor=user, decision=decision)


@pytest.mark.parametrize("username", ALL_USERS)
def test_topic_submit_table(make_topic, demo_user, username):
    topic = make_topic("gongcheng_head")
    user = demo_user(username)
    mark = audit_mark()
    if username in TOPIC_SUBMITTERS:
        services.approval_submit(subject=topic, acting_user=user)
        topic.approval.refresh_from_db()
        assert topic.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=topic, decision=Action.SUBMIT)
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_submit(subject=topic, acting_user=user)
        topic.approval.refresh_from_db()
        assert topic.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def test_every_registered_chain_has_a_table():
    """A new chain must get its table here (or in its app's tests) before it ships."""
    from qpdo.workflow.chains import all_chains

    tabled = {"lectures.topic", "workflow_testapp.memo"}
    missing = {c.code for c in all_chains()} - tabled - TABLED_ELSEWHERE
    assert not missing, f"chains without a role × step × decision table: {missing}"


# Chains whose tables live in their own app's tests (added as the programmes arrive).
TABLED_ELSEWHERE: set[str] = {
    "lectures.manuscript",  # tests/lectures/test_manuscripts.py
    "lectures.slot_request",  # tests/lectures/test_slot_requests.py
    "outreach.plan",  # tests/outreach/test_chains.py
    "outreach.report",  # tests/outreach/test_chains.py
    "outreach.summary",  # tests/outreach/test_chains.py
    "campaigns.progress",  # tests/campaigns/test_chains.py
    "campaigns.ranking",  # tests/campaigns/test_chains.py
    "campaigns.quarter_star",  # tests/campaigns/test_chains.py
    "campaigns.appraisal",  # tests/campaigns/test_appraisal.py
    "stars.nomination",  # tests/stars/test_chain_tables.py
    "stars.plan",  # tests/stars/test_chain_tables.py
}
