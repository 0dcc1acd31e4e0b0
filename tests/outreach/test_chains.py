"""The 六进 chains as tables: every demo role × the 宣教审核 step × every decision.

A plan and a report of 朱家角镇 are handed in by its 填报员; only 宣教审核 may decide, and only
采用 (同意) or 退回修改 — 不同意 is not a decision of these chains. Another unit's 填报员
(区教育局) may neither hand in nor decide.
"""

from __future__ import annotations

import pytest

from outreach import summaries
from outreach.chains import PLAN_CHAIN, REPORT_CHAIN, SUMMARY_CHAIN
from qpdo.workflow import rules, services
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark
from tests.workflow.test_chain_tables import ALL_USERS

# The builders date their records in 2024 (activity held 21 September 2024).
pytestmark = pytest.mark.usefixtures("in_2024")

ACTORS = {"review": {"outreach_reviewer"}}
SUBMITTERS = {"zhujiajiao"}
DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]
ALLOWED_DECISIONS = {Action.APPROVE, Action.RETURN}


@pytest.fixture
def make_summary(make_report, demo_user):
    """Draft a unit's 2024 六进年度工作总结 (its year holds one handed-in report)."""

    def make(username: str = "zhujiajiao"):
        user = demo_user(username)
        services.approval_submit(subject=make_report(username), acting_user=user)
        return summaries.summary_create(acting_user=user, year=2024)

    return make


@pytest.fixture(params=["plan", "report", "summary"])
def subject_of(request, make_plan, make_report, make_summary):
    """Return a builder of a draft 朱家角镇 plan, report or year summary (each test runs
    with all three)."""
    return {"plan": make_plan, "report": make_report, "summary": make_summary}[request.param]


def test_chains_are_declared_as_the_notice_runs_them():
    for chain in (PLAN_CHAIN, REPORT_CHAIN, SUMMARY_CHAIN):
        assert chain.path_label == "单位提交 → 宣教审核"
        assert [s.code for s in chain.steps] == ["review"]
        assert set(chain.steps[0].decisions) == ALLOWED_DECISIONS


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("username", ALL_USERS)
def test_review_table(subject_of, demo_user, username, decision):
    subject = subject_of("zhujiajiao")
    services.approval_submit(subject=subject, acting_user=demo_user("zhujiajiao"))
    approval = subject.approval
    approval.refresh_from_db()
    user = demo_user(username)
    may_decide = username in ACTORS["review"]
    allowed = may_decide and decision in ALLOWED_DECISIONS
    before = Opinion.objects.filter(approval=approval).count()
    mark = audit_mark()

    assert (rules.refusal_to_decide(user, approval) is None) == may_decide
    if allowed:
        services.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="意见。",
            expected_step="review",
        )
        approval.refresh_from_db()
        assert approval.state == (State.APPROVED if decision == Action.APPROVE else State.RETURNED)
        assert Opinion.objects.filter(approval=approval).count() == before + 1
        assert_move_audited(
            mark, actor=user, subject=subject, decision=decision, state_label=approval.state_label
        )
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见。",
                expected_step="review",
            )
        approval.refresh_from_db()
        assert approval.state == State.IN_REVIEW
        assert Opinion.objects.filter(approval=approval).count() == before
        assert_refusal_audited(mark, actor=user, decision=decision)


@pytest.mark.parametrize("username", ALL_USERS)
def test_submit_table(subject_of, demo_user, username):
    subject = subject_of("zhujiajiao")
    user = demo_user(username)
    mark = audit_mark()
    if username in SUBMITTERS:
        services.approval_submit(subject=subject, acting_user=user)
        subject.approval.refresh_from_db()
        assert subject.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=subject, decision=Action.SUBMIT)
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_submit(subject=subject, acting_user=user)
        subject.approval.refresh_from_db()
        assert subject.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def test_returned_subject_is_edited_and_handed_in_again(subject_of, demo_user, reviewer):
    subject = subject_of("zhujiajiao")
    reporter = demo_user("zhujiajiao")
    services.approval_submit(subject=subject, acting_user=reporter)
    services.approval_decide(
        subject=subject, acting_user=reviewer, decision=Action.RETURN, opinion="请补充。"
    )
    services.ensure_editable(subject)  # returned: the unit may edit again
    services.approval_submit(subject=subject, acting_user=reporter)
    subject.approval.refresh_from_db()
    assert subject.approval.state == State.IN_REVIEW
    assert subject.approval.round == 2


def test_return_needs_a_reason(make_report, demo_user, reviewer):
    report = make_report("zhujiajiao")
    services.approval_submit(subject=report, acting_user=demo_user("zhujiajiao"))
    with pytest.raises(services.TransitionRefused, match="须填写理由"):
        services.approval_decide(
            subject=report, acting_user=reviewer, decision=Action.RETURN, opinion=""
        )
