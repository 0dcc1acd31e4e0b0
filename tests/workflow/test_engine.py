"""The approval engine's rules, proven on the lecture topic and on the test memo chain."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from lectures import services as lecture_services
from qpdo.org import clock
from qpdo.org.enums import AuditAction, Role
from qpdo.org.models import AuditRecord, Staff
from qpdo.org.roles import role_group
from qpdo.org.services import account_ensure
from qpdo.workflow import rules, selectors, services
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Approval, Notification, Opinion, Reminder


def decide(approval, user, action=Action.APPROVE, text="同意。", **kwargs):
    return services.approval_transition(
        approval=approval, action=action, acting_user=user, opinion=text, **kwargs
    )


def test_topic_runs_its_whole_chain_with_signed_dated_opinions(make_topic, demo_user):
    topic = make_topic("gongcheng_head")
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    approval = topic.approval
    approval.refresh_from_db()
    assert approval.state_label == "审核中（综合科初评）"
    decide(approval, demo_user("zonghe_staff"), text="选题典型，同意推荐。")
    approval = decide(approval, demo_user("office_leader"), text="同意。")
    assert approval.state == State.APPROVED
    assert approval.decided_at is not None

    rows = list(selectors.history(approval))
    assert [(o.step_label, o.action, o.actor_name, o.actor_unit_name) for o in rows] == [
        ("科室推荐", Action.SUBMIT, "张卫东", "工程指挥科"),
        ("综合科初评", Action.APPROVE, "李静", "综合科"),
        ("办领导审定", Action.APPROVE, "沈建国", "办领导"),
    ]
    assert all(o.at is not None for o in rows)
    assert (
        AuditRecord.objects.filter(
            action=AuditAction.TRANSITION, success=True, object_id=str(topic.pk)
        ).count()
        == 3
    )


def test_return_to_submitter_then_resubmit_keeps_history(make_topic, demo_user):
    head = demo_user("gongcheng_head")
    topic = make_topic("gongcheng_head")
    services.approval_submit(subject=topic, acting_user=head)
    approval = decide(
        topic.approval, demo_user("zonghe_staff"), Action.RETURN, "事件时间请核实，讲述重点再聚焦。"
    )
    assert approval.state == State.RETURNED and approval.is_editable
    assert selectors.latest_return_reason(approval).text == "事件时间请核实，讲述重点再聚焦。"

    data = {f: getattr(topic, f) for f in lecture_services.TOPIC_FIELDS}
    lecture_services.topic_update(acting_user=head, topic=topic, **{**data, "title": "新题目"})
    approval = services.approval_submit(subject=topic, acting_user=head)
    assert approval.round == 2 and approval.step.code == "screening"
    actions = [o.action for o in selectors.history(approval)]
    assert actions == [Action.SUBMIT, Action.RETURN, Action.SUBMIT]


def test_return_to_an_earlier_step(make_topic, demo_user):
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    decide(topic.approval, demo_user("zonghe_staff"))
    approval = decide(
        topic.approval, demo_user("office_leader"), Action.RETURN, "请综合科再核一次。", return_to=0
    )
    assert approval.state == State.IN_REVIEW and approval.step.code == "screening"
    with pytest.raises(services.TransitionRefused):
        decide(approval, demo_user("zonghe_staff"), Action.RETURN, "x", return_to=1)


def test_submitted_subject_cannot_be_edited(make_topic, demo_user):
    head = demo_user("gongcheng_head")
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=head)
    data = {f: getattr(topic, f) for f in lecture_services.TOPIC_FIELDS}
    with pytest.raises(services.TransitionRefused, match="不能修改"):
        lecture_services.topic_update(acting_user=head, topic=topic, **data)


def test_withdraw_only_before_anyone_acted(make_topic, demo_user):
    head = demo_user("gongcheng_head")
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=head)
    with pytest.raises(services.TransitionRefused, match="提交人"):
        services.approval_withdraw(subject=topic, acting_user=demo_user("zonghe_staff"))
    approval = services.approval_withdraw(subject=topic, acting_user=head)
    assert approval.state == State.WITHDRAWN and approval.is_editable

    services.approval_submit(subject=topic, acting_user=head)
    decide(topic.approval, demo_user("zonghe_staff"))
    with pytest.raises(services.TransitionRefused, match="不能撤回"):
        services.approval_withdraw(subject=topic, acting_user=head)


def test_nobody_decides_their_own_submission(make_topic, demo_user):
    head = demo_user("zonghe_head")
    head.groups.add(role_group(Role.LECTURES_COORDINATOR))
    head = demo_user("zonghe_head")  # fresh object: roles are cached per user object
    topic = make_topic("zonghe_head")
    services.approval_submit(subject=topic, acting_user=head)
    topic.approval.refresh_from_db()
    assert rules.refusal_to_decide(head, topic.approval) == "不能审批本人提交的事项。"
    assert topic.approval not in selectors.inbox_for(user=head)


def test_opinion_and_reason_rules(make_memo, demo_user):
    memo = make_memo()
    head = demo_user("gongcheng_head")
    services.approval_submit(subject=memo, acting_user=head)
    with pytest.raises(services.TransitionRefused, match="请填写意见"):
        decide(memo.approval, head, text=" ")
    approval = decide(memo.approval, head, text="同意推荐。")  # the submitter signs step 1
    assert approval.step.code == "branch"
    with pytest.raises(services.TransitionRefused, match="不能作出“不同意”"):
        decide(approval, demo_user("party_branch"), Action.REJECT, "不同意。")
    with pytest.raises(services.TransitionRefused, match="须填写理由"):
        decide(approval, demo_user("party_branch"), Action.RETURN, "")


def test_deadlines_by_calendar_date_and_by_days(make_memo, demo_user):
    memo = make_memo(year=2024)
    approval = services.approval_submit(subject=memo, acting_user=demo_user("gongcheng_head"))
    assert approval.due_on == datetime.date(2024, 10, 20)
    approval = decide(approval, demo_user("gongcheng_head"))
    entered = approval.step_entered_at.astimezone(datetime.UTC).date()
    assert abs((approval.due_on - entered).days - 3) <= 1


def test_countersign_needs_every_member(make_memo, demo_user, unit):
    second = account_ensure(
        staff=Staff.objects.get(name="钱慧敏"),
        username="qian",
        roles=[Role.PARTY_GROUP],
        password="x",
    )
    memo = make_memo()
    head = demo_user("gongcheng_head")
    services.approval_submit(subject=memo, acting_user=head)
    decide(memo.approval, head)
    approval = decide(memo.approval, demo_user("party_branch"))
    assert approval.step.code == "group"
    approval = decide(approval, demo_user("party_group"))
    assert approval.step.code == "group"  # still waiting for the second member
    with pytest.raises(services.TransitionRefused, match="会签"):
        decide(approval, demo_user("party_group"))
    approval = decide(approval, second)
    assert approval.state == State.APPROVED


def test_transfer_hands_the_step_to_a_colleague(make_topic, demo_user):
    colleague = account_ensure(
        staff=Staff.objects.get(name="曹文婷"),
        username="caowt",
        roles=[Role.LECTURES_COORDINATOR],
        password="x",
    )
    coordinator = demo_user("zonghe_staff")
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    with pytest.raises(services.TransitionRefused, match="同样负责"):
        services.approval_transition(
            approval=topic.approval,
            action=Action.TRANSFER,
            acting_user=coordinator,
            to_user=demo_user("member"),
        )
    approval = services.approval_transition(
        approval=topic.approval,
        action=Action.TRANSFER,
        acting_user=coordinator,
        to_user=colleague,
        opinion="请曹文婷处理。",
    )
    assert approval.assignee == colleague
    assert approval not in selectors.inbox_for(user=demo_user("zonghe_staff"))
    assert approval in selectors.inbox_for(user=colleague)
    with pytest.raises(services.TransitionRefused, match="转办"):
        decide(approval, demo_user("zonghe_staff"))
    approval = decide(approval, colleague)
    assert approval.step.code == "final" and approval.assignee is None


def test_copy_gives_read_access_and_a_message(
    make_topic, demo_user, django_capture_on_commit_callbacks
):
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    reader = demo_user("dongyuan_head")
    assert not rules.may_view(reader, topic.approval)
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_transition(
            approval=topic.approval,
            action=Action.CC,
            acting_user=demo_user("zonghe_staff"),
            to_user=reader,
        )
    assert rules.may_view(reader, topic.approval)
    assert selectors.copied_to(user=reader).count() == 1
    assert Notification.objects.filter(recipient=reader, title__startswith="抄送").exists()


def test_notifications_go_to_next_actors_and_back_to_submitter(
    make_topic, demo_user, django_capture_on_commit_callbacks
):
    coordinator = demo_user("zonghe_staff")
    coordinator.email = "lijing@qpdo.example"
    coordinator.save()
    head = demo_user("gongcheng_head")
    head.email = "zhangwd@qpdo.example"
    head.save()
    topic = make_topic()
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_submit(subject=topic, acting_user=head)
    assert Notification.objects.filter(recipient=coordinator, title__startswith="待审批").exists()
    assert [m.to for m in mail.outbox] == [["lijing@qpdo.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        decide(topic.approval, coordinator, Action.RETURN, "请补充事件经过。")
    note = Notification.objects.get(recipient=head)
    assert note.title.startswith("退回修改") and "请补充事件经过" in note.body
    assert mail.outbox[-1].to == ["zhangwd@qpdo.example"]


def test_refused_attempt_is_audited(make_topic, demo_user):
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    with pytest.raises(services.TransitionRefused):
        decide(topic.approval, demo_user("dongyuan_head"))
    record = AuditRecord.objects.filter(action=AuditAction.TRANSITION, success=False).latest("id")
    assert record.actor_name == "赵立新" and "没有" in record.detail


def test_opinions_are_immutable(make_topic, demo_user):
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    opinion = Opinion.objects.get(approval=topic.approval)
    opinion.text = "改过"
    with pytest.raises(PermissionError):
        opinion.save()
    with pytest.raises(PermissionError):
        opinion.delete()
    with pytest.raises(PermissionError):
        Opinion.objects.filter(pk=opinion.pk).update(text="x")
    with pytest.raises(PermissionError):
        Opinion.objects.filter(pk=opinion.pk).delete()


def test_database_refuses_an_unsigned_decision(make_topic, demo_user):
    topic = make_topic()
    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.create(
            approval=topic.approval,
            round=1,
            action=Action.APPROVE,
            step_index=0,
            step_code="screening",
            step_label="综合科初评",
            actor=demo_user("zonghe_staff"),
            actor_name="",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.objects.create(
            approval=topic.approval,
            round=1,
            action=Action.APPROVE,
            step_code="",
            step_label="",
            actor=demo_user("zonghe_staff"),
            actor_name="李静",
        )


def test_inbox_matches_who_may_decide(make_topic, make_memo, demo_user):
    """An item is in a user's 待办 exactly when the engine would let them decide it."""
    head = demo_user("gongcheng_head")
    subjects = [make_topic(), make_topic(), make_topic("dongyuan_head"), make_memo(), make_memo()]
    services.approval_submit(subject=subjects[0], acting_user=head)
    services.approval_submit(subject=subjects[1], acting_user=head)
    decide(subjects[1].approval, demo_user("zonghe_staff"))
    services.approval_submit(subject=subjects[2], acting_user=demo_user("dongyuan_head"))
    services.approval_submit(subject=subjects[3], acting_user=head)
    services.approval_submit(subject=subjects[4], acting_user=head)
    decide(subjects[4].approval, head)
    decide(subjects[4].approval, demo_user("party_branch"))
    approvals = [s.approval for s in subjects]
    for username in [
        "zonghe_staff",
        "office_leader",
        "gongcheng_head",
        "dongyuan_head",
        "party_branch",
        "party_group",
        "member",
        "zhujiajiao",
    ]:
        user = demo_user(username)
        for approval in approvals:
            approval.refresh_from_db()
        expected = {a.pk for a in approvals if rules.refusal_to_decide(user, a) is None}
        inbox = set(
            selectors.inbox_for(user=user)
            .filter(pk__in=[a.pk for a in approvals])
            .values_list("pk", flat=True)
        )
        assert inbox == expected, username


def test_remind_overdue_once_a_day(make_memo, demo_user, django_capture_on_commit_callbacks):
    memo = make_memo(year=2024)  # step 1 is due 2024-10-20
    services.approval_submit(subject=memo, acting_user=demo_user("gongcheng_head"))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_overdue(today=datetime.date(2024, 10, 22)) == 1
        assert services.reminders_send_overdue(today=datetime.date(2024, 10, 22)) == 0
        assert services.reminders_send_overdue(today=datetime.date(2024, 10, 23)) == 1
    assert Reminder.objects.filter(approval=memo.approval).count() == 2
    notes = Notification.objects.filter(title__startswith="催办", approval=memo.approval)
    assert notes.count() == 2 and "逾期 2 天" in notes.order_by("id").first().body


def test_remind_overdue_command_runs(
    make_memo, demo_user, capsys, django_capture_on_commit_callbacks
):
    memo = make_memo(year=2020)
    services.approval_submit(subject=memo, acting_user=demo_user("gongcheng_head"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_overdue")
    assert capsys.readouterr().out.strip() == "已对 1 个逾期事项发送催办提醒。"
    reminder = Reminder.objects.get(approval=memo.approval)
    assert reminder.day == clock.today() and reminder.step_index == memo.approval.step_index
    assert Notification.objects.filter(
        title=f"催办：{memo.approval.title}", approval=memo.approval
    ).exists()
    call_command("remind_overdue")  # the same day again: nobody is reminded twice
    assert capsys.readouterr().out.strip() == "已对 0 个逾期事项发送催办提醒。"
    assert Reminder.objects.filter(approval=memo.approval).count() == 1


def test_only_never_submitted_drafts_can_be_deleted(make_topic, demo_user):
    head = demo_user("gongcheng_head")
    draft = make_topic()
    approval_pk = draft.approval_id
    services.subject_delete_draft(draft, acting_user=head)
    assert not Approval.objects.filter(pk=approval_pk).exists()
    assert AuditRecord.objects.filter(detail__startswith="删除草稿").exists()

    withdrawn = make_topic()
    services.approval_submit(subject=withdrawn, acting_user=head)
    services.approval_withdraw(subject=withdrawn, acting_user=head)
    withdrawn.approval.refresh_from_db()
    with pytest.raises(services.TransitionRefused, match="流转记录"):
        services.subject_delete_draft(withdrawn, acting_user=head)


def test_step_label_names_the_decision(make_memo, make_topic, demo_user):
    from qpdo.workflow.chains import Step

    step = Step(code="review", label="宣教审核", role=Role.OUTREACH_REVIEWER, decided_label="采用")
    assert step.label_of(Action.APPROVE) == "采用"
    assert step.label_of(Action.RETURN) == "退回修改"
    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    decide(topic.approval, demo_user("zonghe_staff"))
    opinion = Opinion.objects.filter(approval=topic.approval, action=Action.APPROVE).get()
    assert opinion.label == "同意" and opinion.action_label == "同意"


def test_copy_is_dated_by_the_portal_clock(make_topic, demo_user):
    from qpdo.org import clock
    from qpdo.workflow.models import CarbonCopy

    topic = make_topic()
    services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    with clock.frozen(clock.at(2024, 4, 16, 9, 0)):
        services.approval_transition(
            approval=topic.approval,
            action=Action.CC,
            acting_user=demo_user("zonghe_staff"),
            to_user=demo_user("office_leader"),
        )
    assert CarbonCopy.objects.get(approval=topic.approval).at == clock.at(2024, 4, 16, 9, 0)


def test_messages_are_dated_when_the_move_was_made(
    make_topic, demo_user, django_capture_on_commit_callbacks
):
    """Sent after commit, yet dated by the move (demo data is dated in its campaign year)."""
    from django.db import transaction

    from qpdo.org import clock

    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        clock.frozen(clock.at(2024, 4, 8, 9, 30)),
    ):
        topic = make_topic()
        services.approval_submit(subject=topic, acting_user=demo_user("gongcheng_head"))
    note = Notification.objects.get(approval=topic.approval)
    assert note.created_at == clock.at(2024, 4, 8, 9, 30)
