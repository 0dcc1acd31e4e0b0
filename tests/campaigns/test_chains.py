"""The campaign's chains as tables: every demo role × each step × every decision, and who submits.

A progress report of 工程指挥科 is handed in by its 科室负责人 and verified by the 办领导
(组织单位核验): 核验通过, 退回修改 or 不同意. A month's ranking is compiled and handed in by the
牵头科室 (综合科) and confirmed by the 办领导: 确认公布 or 退回修改, never 不同意.
"""

from __future__ import annotations

import pytest

from campaigns import services
from campaigns.chains import PROGRESS_CHAIN, QUARTER_STAR_CHAIN, RANKING_CHAIN
from campaigns.models import QuarterStar
from qpdo.org.models import Staff
from qpdo.workflow import rules
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark
from tests.workflow.test_chain_tables import ALL_USERS

DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]
CHAINS = {
    "progress": {
        "submitters": {"gongcheng_head"},
        "actors": {"verify": {"office_leader"}},
        "decisions": {Action.APPROVE, Action.RETURN, Action.REJECT},
    },
    "ranking": {
        "submitters": {"zonghe_head"},
        "actors": {"confirm": {"office_leader"}},
        "decisions": {Action.APPROVE, Action.RETURN},
    },
    "quarter_star": {
        "submitters": {"gongcheng_head"},
        "actors": {"review": {"zonghe_head"}, "decide": {"party_group"}},
        "decisions": {Action.APPROVE, Action.RETURN, Action.REJECT},
    },
}


@pytest.fixture
def draft(make_item, make_report, demo_user, campaign):
    """Return a builder of a draft subject of either chain."""

    def make(kind: str):
        if kind == "progress":
            return make_report(make_item(unit="gongcheng", owner="刘洋"), submit=False)
        if kind == "quarter_star":
            head = demo_user("gongcheng_head")
            person = Staff.objects.get(name="刘洋")
            return workflow.subject_create(
                QuarterStar(
                    campaign=campaign,
                    quarter=2,
                    staff=person,
                    unit=person.unit,
                    deeds="牵头人防工程质量监督培训。",
                    chosen_on=campaign.start,
                    chosen_by=head,
                ),
                acting_user=head,
            )
        return services.ranking_compile(
            acting_user=demo_user("zonghe_head"), campaign=campaign, month=5
        )

    return make


def test_chains_are_declared_as_the_office_runs_them():
    assert PROGRESS_CHAIN.path_label == "责任单位报告 → 组织单位核验"
    assert RANKING_CHAIN.path_label == "牵头科室汇总 → 办领导确认"
    assert set(PROGRESS_CHAIN.steps[0].decisions) == CHAINS["progress"]["decisions"]
    assert set(RANKING_CHAIN.steps[0].decisions) == CHAINS["ranking"]["decisions"]
    assert PROGRESS_CHAIN.steps[0].label_of(Action.APPROVE) == "核验通过"
    assert RANKING_CHAIN.steps[0].label_of(Action.APPROVE) == "确认公布"
    assert QUARTER_STAR_CHAIN.path_label == "科室推荐 → 牵头科室审核 → 办党组评定"
    assert QUARTER_STAR_CHAIN.steps[1].label_of(Action.APPROVE) == "评定为季度之星"


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("username", ALL_USERS)
def test_quarter_star_decide_step_table(draft, demo_user, username, decision):
    """The second step of the 季度之星: only the 办党组 decides, with every decision."""
    star = draft("quarter_star")
    workflow.approval_submit(subject=star, acting_user=demo_user("gongcheng_head"))
    workflow.approval_decide(
        subject=star, acting_user=demo_user("zonghe_head"), decision=Action.APPROVE
    )
    approval = star.approval
    approval.refresh_from_db()
    assert approval.step.code == "decide"
    user = demo_user(username)
    may_decide = username in CHAINS["quarter_star"]["actors"]["decide"]
    assert (rules.refusal_to_decide(user, approval) is None) == may_decide
    if may_decide:
        workflow.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="意见。",
            expected_step="decide",
        )
        approval.refresh_from_db()
        assert (
            approval.state
            == {
                Action.APPROVE: State.APPROVED,
                Action.RETURN: State.RETURNED,
                Action.REJECT: State.REJECTED,
            }[decision]
        )
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见。",
                expected_step="decide",
            )
        approval.refresh_from_db()
        assert approval.state == State.IN_REVIEW and approval.step.code == "decide"


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("username", ALL_USERS)
@pytest.mark.parametrize("kind", list(CHAINS))
def test_decision_table(draft, demo_user, kind, username, decision):
    table = CHAINS[kind]
    subject = draft(kind)
    submitter = next(iter(table["submitters"]))
    workflow.approval_submit(subject=subject, acting_user=demo_user(submitter))
    approval = subject.approval
    approval.refresh_from_db()
    step = approval.step.code
    user = demo_user(username)
    may_decide = username in table["actors"][step]
    allowed = may_decide and decision in table["decisions"]
    before = Opinion.objects.filter(approval=approval).count()
    mark = audit_mark()

    assert (rules.refusal_to_decide(user, approval) is None) == may_decide
    if allowed:
        workflow.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="意见。",
            expected_step=step,
        )
        approval.refresh_from_db()
        # 同意 at the first of several steps hands the item on to the next step.
        approved = State.APPROVED if len(table["actors"]) == 1 else State.IN_REVIEW
        assert (
            approval.state
            == {
                Action.APPROVE: approved,
                Action.RETURN: State.RETURNED,
                Action.REJECT: State.REJECTED,
            }[decision]
        )
        assert Opinion.objects.filter(approval=approval).count() == before + 1
        assert_move_audited(
            mark, actor=user, subject=subject, decision=decision, state_label=approval.state_label
        )
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见。",
                expected_step=step,
            )
        approval.refresh_from_db()
        assert approval.state == State.IN_REVIEW
        assert Opinion.objects.filter(approval=approval).count() == before
        assert_refusal_audited(mark, actor=user, decision=decision)


@pytest.mark.parametrize("username", ALL_USERS)
@pytest.mark.parametrize("kind", list(CHAINS))
def test_submit_table(draft, demo_user, kind, username):
    subject = draft(kind)
    user = demo_user(username)
    mark = audit_mark()
    if username in CHAINS[kind]["submitters"]:
        workflow.approval_submit(subject=subject, acting_user=user)
        subject.approval.refresh_from_db()
        assert subject.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=subject, decision=Action.SUBMIT)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_submit(subject=subject, acting_user=user)
        subject.approval.refresh_from_db()
        assert subject.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def test_return_and_reject_need_a_reason(draft, demo_user):
    report = draft("progress")
    workflow.approval_submit(subject=report, acting_user=demo_user("gongcheng_head"))
    for decision in (Action.RETURN, Action.REJECT):
        with pytest.raises(workflow.TransitionRefused, match="须填写理由"):
            workflow.approval_decide(
                subject=report, acting_user=demo_user("office_leader"), decision=decision
            )
    workflow.approval_decide(
        subject=report, acting_user=demo_user("office_leader"), decision=Action.APPROVE
    )
    report.approval.refresh_from_db()
    assert report.approval.state == State.APPROVED
