"""The 岗位之星 chains as tables: each demo sign-in × each step × each decision.

A 申报表 of 民防管理保障中心 (baozhang_head) and its 通信警报 培树计划 are driven to every step
by that step's rightful actors; then every user tries every decision there.
"""

from __future__ import annotations

import datetime

import pytest

from qpdo.workflow import rules, services
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion
from stars import services as stars_services
from stars.chains import NOMINATION_CHAIN, PLAN_CHAIN
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark

from .test_rules import ALL_USERS

DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]
NOMINATION_ACTORS = {
    "unit": {"baozhang_head"},
    "branch": {"party_branch"},
    "group": {"party_group"},
}
PLAN_ACTORS = {"branch_review": {"party_branch"}}


def test_chains_are_declared_as_the_paper_form_reads():
    assert [s.label for s in NOMINATION_CHAIN.steps] == [
        "推荐科室意见",
        "办机关党支部意见",
        "办党组意见",
    ]
    assert all(s.opinion_required for s in NOMINATION_CHAIN.steps)
    assert NOMINATION_CHAIN.steps[0].allow_submitter
    assert [s.label for s in PLAN_CHAIN.steps] == ["机关党支部审核"]


def drive_nomination(nomination, step_code, demo_user):
    head = demo_user("baozhang_head")
    if step_code == "unit":
        services.approval_submit(subject=nomination, acting_user=head)
    else:
        stars_services.nomination_submit(
            acting_user=head, nomination=nomination, opinion="同意推荐。"
        )
    approval = nomination.approval
    approval.refresh_from_db()
    while approval.step.code != step_code:
        actor = demo_user(sorted(NOMINATION_ACTORS[approval.step.code])[0])
        approval = services.approval_transition(
            approval=approval, action=Action.APPROVE, acting_user=actor, opinion="同意。"
        )
    return approval


def _try(approval, user, decision, step_code, allowed, final_step):
    before = Opinion.objects.filter(approval=approval).count()
    mark = audit_mark()
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
            Action.APPROVE: State.APPROVED if final_step else State.IN_REVIEW,
            Action.RETURN: State.RETURNED,
            Action.REJECT: State.REJECTED,
        }[decision]
        assert approval.state == expected
        subject = approval.content_type.get_object_for_this_type(pk=approval.object_id)
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
                expected_step=step_code,
            )
        approval.refresh_from_db()
        assert approval.step.code == step_code
        assert Opinion.objects.filter(approval=approval).count() == before
        assert_refusal_audited(mark, actor=user, decision=decision)


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("step_code", list(NOMINATION_ACTORS))
@pytest.mark.parametrize("username", ALL_USERS)
def test_nomination_chain_table(make_nomination, demo_user, username, step_code, decision):
    approval = drive_nomination(make_nomination("baozhang_head"), step_code, demo_user)
    step = NOMINATION_CHAIN.steps[NOMINATION_CHAIN.index_of(step_code)]
    user = demo_user(username)
    may_act = username in NOMINATION_ACTORS[step_code]
    assert (rules.refusal_to_decide(user, approval) is None) == may_act
    allowed = may_act and decision in step.decisions
    _try(approval, user, decision, step_code, allowed, final_step=step_code == "group")


@pytest.mark.parametrize("username", ALL_USERS)
def test_nomination_submit_table(make_nomination, demo_user, username):
    nomination = make_nomination("baozhang_head")
    user = demo_user(username)
    mark = audit_mark()
    if username == "baozhang_head":
        services.approval_submit(subject=nomination, acting_user=user)
        nomination.approval.refresh_from_db()
        assert nomination.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=nomination, decision=Action.SUBMIT)
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_submit(subject=nomination, acting_user=user)
        nomination.approval.refresh_from_db()
        assert nomination.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def make_plan(demo_user, post, username="baozhang_head", name="通信警报"):
    return stars_services.plan_create(
        acting_user=demo_user(username),
        post=post(name),
        focus="提升警报器检测维修能力。",
        method="both",
        carriers=["training"],
        standards="政治素质过硬、业务技能精湛、工作实绩突出。",
        arrangements="",
        deadline=datetime.date(2024, 10, 15),
    )


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("username", ALL_USERS)
def test_plan_chain_table(demo_user, post, username, decision):
    plan = make_plan(demo_user, post)
    services.approval_submit(subject=plan, acting_user=demo_user("baozhang_head"))
    approval = plan.approval
    approval.refresh_from_db()
    user = demo_user(username)
    allowed = username in PLAN_ACTORS["branch_review"]
    assert (rules.refusal_to_decide(user, approval) is None) == allowed
    _try(approval, user, decision, "branch_review", allowed, final_step=True)


@pytest.mark.parametrize("username", ALL_USERS)
def test_plan_submit_table(demo_user, post, username):
    plan = make_plan(demo_user, post)
    user = demo_user(username)
    mark = audit_mark()
    if username == "baozhang_head":
        services.approval_submit(subject=plan, acting_user=user)
        plan.approval.refresh_from_db()
        assert plan.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=plan, decision=Action.SUBMIT)
    else:
        with pytest.raises(services.TransitionRefused):
            services.approval_submit(subject=plan, acting_user=user)
        plan.approval.refresh_from_db()
        assert plan.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def test_branch_files_and_reviews_its_own_plan(demo_user, post):
    branch = demo_user("party_branch")
    plan = make_plan(demo_user, post, "party_branch", "基层党建")
    services.approval_submit(subject=plan, acting_user=branch)
    plan.approval.refresh_from_db()
    services.approval_decide(
        subject=plan, acting_user=branch, decision=Action.APPROVE, opinion="同意。"
    )
    plan.approval.refresh_from_db()
    assert plan.approval.state == State.APPROVED
