"""Extra lecture slots (加开场次): a section head asks in the portal (month, reason), 综合科
grants or refuses it through the engine; a grant creates the slot, shown on the 工作分工表
apart from 附表1's eight and offered on the topic form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lectures import selectors, services
from lectures.models import Slot, SlotRequest
from qpdo.errors import Refused
from qpdo.workflow import rules
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Opinion
from tests.forms import PageForm
from tests.utils import assert_move_audited, assert_refusal_audited, audit_mark
from tests.workflow.test_chain_tables import ALL_USERS

DECIDERS = {"zonghe_staff"}
SUBMITTERS = {"gongcheng_head"}
DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]


@pytest.fixture
def ask(demo_user, campaign):
    def make(username: str = "gongcheng_head", month: int = 9, reason: str = "讲述人较多"):
        return services.slot_request_create(
            acting_user=demo_user(username), campaign=campaign, month=month, reason=reason
        )

    return make


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("username", ALL_USERS)
def test_slot_request_chain_table(ask, demo_user, username, decision):
    slot_request = ask()
    approval = slot_request.approval
    user = demo_user(username)
    allowed = username in DECIDERS
    before = Opinion.objects.filter(approval=approval).count()
    slots_before = Slot.objects.count()
    mark = audit_mark()
    assert (rules.refusal_to_decide(user, approval) is None) == allowed
    if allowed:
        workflow.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="意见。",
            expected_step="decision",
        )
        approval.refresh_from_db()
        assert Opinion.objects.filter(approval=approval).count() == before + 1
        expected = {
            Action.APPROVE: State.APPROVED,
            Action.RETURN: State.RETURNED,
            Action.REJECT: State.REJECTED,
        }[decision]
        assert approval.state == expected
        assert_move_audited(mark, actor=user, subject=slot_request, decision=decision)
        granted = decision == Action.APPROVE
        assert Slot.objects.count() == slots_before + (1 if granted else 0)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="意见。",
                expected_step="decision",
            )
        approval.refresh_from_db()
        assert approval.state == State.IN_REVIEW
        assert Opinion.objects.filter(approval=approval).count() == before
        assert Slot.objects.count() == slots_before
        assert_refusal_audited(mark, actor=user, decision=decision)


@pytest.mark.parametrize("username", ALL_USERS)
def test_slot_request_submit_table(demo_user, campaign, unit, username):
    draft = workflow.subject_create(
        SlotRequest(campaign=campaign, unit=unit("gongcheng"), month=9, reason="理由"),
        acting_user=demo_user("gongcheng_head"),
    )
    user = demo_user(username)
    mark = audit_mark()
    if username in SUBMITTERS:
        workflow.approval_submit(subject=draft, acting_user=user)
        draft.approval.refresh_from_db()
        assert draft.approval.state == State.IN_REVIEW
        assert_move_audited(mark, actor=user, subject=draft, decision=Action.SUBMIT)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_submit(subject=draft, acting_user=user)
        draft.approval.refresh_from_db()
        assert draft.approval.state == State.DRAFT
        assert_refusal_audited(mark, actor=user, decision=Action.SUBMIT)


def test_grant_creates_an_extra_slot_apart_from_the_eight(ask, demo_user, campaign):
    slot_request = ask(month=9)
    workflow.approval_transition(
        approval=slot_request.approval,
        action=Action.APPROVE,
        acting_user=demo_user("zonghe_staff"),
        opinion="同意加开。",
    )
    slot_request.refresh_from_db()
    extra = slot_request.slot
    assert (extra.unit.code, extra.month, extra.number) == ("gongcheng", 9, 9)
    assert [r["number"] for r in selectors.division_rows(campaign=campaign)] == list(range(1, 9))
    assert [r["number"] for r in selectors.extra_slot_rows(campaign=campaign)] == [9]


def test_refused_or_returned_request_creates_nothing(ask, demo_user):
    for action in (Action.REJECT, Action.RETURN):
        slot_request = ask()
        workflow.approval_transition(
            approval=slot_request.approval,
            action=action,
            acting_user=demo_user("zonghe_staff"),
            opinion="本年度场次已满足需要。",
        )
        slot_request.refresh_from_db()
        assert slot_request.slot is None


def test_only_section_heads_ask_and_a_reason_is_needed(ask):
    with pytest.raises(Refused):
        ask("zonghe_staff")
    with pytest.raises(ValidationError):
        ask(reason="  ")


def test_returned_request_is_resent_from_its_page(client, login, ask, demo_user):
    slot_request = ask(month=9)
    workflow.approval_transition(
        approval=slot_request.approval,
        action=Action.RETURN,
        acting_user=demo_user("zonghe_staff"),
        opinion="请说明讲述人。",
    )
    login("gongcheng_head")
    page = client.get(slot_request.get_absolute_url())
    form = PageForm.from_response(page, has_field="reason")
    form.fill("month", "10").fill("reason", "陈志刚、周浩两位讲述人")
    response = form.submit(client)
    assert response.status_code == 302
    slot_request.refresh_from_db()
    assert (slot_request.month, slot_request.approval.state) == (10, State.IN_REVIEW)


def test_section_head_asks_in_the_portal(client, login, campaign):
    login("gongcheng_head")
    page = client.get("/lectures/schedule/?view=division")
    assert "申请加开场次" in page.content.decode()
    assert "管理后台 · 讲堂场次" not in page.content.decode()  # the admin-only footnote is gone
    form = PageForm.from_response(client.get("/lectures/slot-requests/new/"), has_field="reason")
    form.fill("month", "11").fill("reason", "增加一名讲述人")
    response = form.submit(client)
    assert response.status_code == 302
    made = SlotRequest.objects.get()
    assert (made.unit.code, made.month, made.approval.state) == ("gongcheng", 11, State.IN_REVIEW)


def test_another_units_request_is_a_404(client, login, ask):
    slot_request = ask("gongcheng_head")
    login("dongyuan_head")
    assert client.get(slot_request.get_absolute_url()).status_code == 404
    login("zonghe_staff")
    assert client.get(slot_request.get_absolute_url()).status_code == 200
