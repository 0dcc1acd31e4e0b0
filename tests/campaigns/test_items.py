"""Work items, milestones, progress reports with evidence, verification and 回头看."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.exceptions import ValidationError

from campaigns import selectors, services
from campaigns.enums import ItemKind, ItemStatus, RecheckOutcome, RectifyMode
from campaigns.models import Evidence, Milestone, ProgressReport, Recheck, WorkItem
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import AuditRecord
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from tests.campaigns.conftest import d, exe_file, html_as_pdf, jpeg_file, pdf_file


def errors_of(error: ValidationError) -> str:
    return " ".join(" ".join(v) for v in error.value.message_dict.values())


# --- listing items -------------------------------------------------------------------------


def test_item_is_listed_with_numbered_code_and_milestones(make_item):
    item = make_item(milestones=[("完成调研", d(5, 31)), ("形成初稿", d(6, 20))])
    assert item.code == f"清单-{item.number:02d}"
    assert [m.title for m in item.milestones.order_by("due_on")] == ["完成调研", "形成初稿"]
    assert AuditRecord.objects.filter(
        object_id=str(item.pk), detail__contains="建立工作事项"
    ).exists()


def test_milestone_after_the_deadline_is_refused_and_nothing_saved(make_item):
    before = WorkItem.objects.count(), Milestone.objects.count()
    with pytest.raises(ValidationError) as error:
        make_item(deadline=d(6, 28), milestones=[("完成调研", d(5, 31)), ("形成初稿", d(7, 5))])
    message = errors_of(error)
    assert "节点“形成初稿”的日期（2024年7月5日）晚于事项完成时限（2024年6月28日）" in message
    assert (WorkItem.objects.count(), Milestone.objects.count()) == before


def test_owner_outside_the_responsible_unit_is_refused(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(unit="gongcheng", owner="黄俊杰")
    assert "责任人须为责任单位（工程指挥科）的在职人员，黄俊杰不在该单位" in errors_of(error)
    assert not WorkItem.objects.filter(owner__name="黄俊杰").exists()


def test_task_deadline_outside_the_campaign_is_refused(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(deadline=d(2, 20))
    assert "不能早于活动开始日期" in errors_of(error)
    with pytest.raises(ValidationError) as error:
        make_item(deadline=datetime.date(2025, 1, 10))
    assert "活动结束" in errors_of(error)


def test_section_head_lists_items_only_for_own_unit(make_item):
    item = make_item(by="gongcheng_head", unit="gongcheng", owner="刘洋")
    assert item.unit.code == "gongcheng"
    with pytest.raises(Refused):
        make_item(by="gongcheng_head", unit="dongyuan", owner="黄俊杰")
    with pytest.raises(Refused):
        make_item(by="member")


def test_long_term_rectification_needs_a_milestone(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(
            kind=ItemKind.RECTIFICATION, milestones=[{"title": "", "due_on": None, "delete": True}]
        )
    assert "长期整改事项须明确至少一个时间节点" in errors_of(error)


def test_immediate_rectification_is_done_within_thirty_days(make_item):
    with clock.frozen(clock.at(2024, 6, 1)), pytest.raises(ValidationError) as error:
        make_item(
            kind=ItemKind.RECTIFICATION,
            rectify_mode=RectifyMode.IMMEDIATE,
            deadline=d(8, 30),
        )
    assert "立行立改的问题须在 30 天内整改到位" in errors_of(error)
    with clock.frozen(clock.at(2024, 6, 1)):
        item = make_item(
            kind=ItemKind.RECTIFICATION,
            rectify_mode=RectifyMode.IMMEDIATE,
            deadline=d(6, 28),
            recheck_on=d(9, 30),
        )
    assert item.code.startswith("整改-")


def test_rectification_needs_problem_measures_and_a_recheck_after_the_deadline(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(kind=ItemKind.RECTIFICATION, problem="", measures="", recheck_on=d(6, 1))
    message = errors_of(error)
    assert "须写明存在的问题" in message
    assert "须写明整改措施" in message
    assert "回头看日期不能早于完成时限" in message


def test_item_update_keeps_milestones_with_reports(make_item, make_report, demo_user):
    item = make_item(milestones=[("完成调研", d(5, 31))])
    milestone = item.milestones.get()
    make_report(item, milestone=milestone, submit=False)
    data = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    with pytest.raises(ValidationError) as error:
        services.item_update(acting_user=demo_user("zonghe_head"), item=item, **data, milestones=[])
    assert "节点“完成调研”已有进展报告，不能删除" in errors_of(error)
    assert item.milestones.count() == 1


def test_verified_item_cannot_be_changed(done_item, demo_user):
    item = done_item()
    data = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    with pytest.raises(ValidationError, match="已完成（经组织单位核验），不能再修改"):
        services.item_update(acting_user=demo_user("zonghe_head"), item=item, **data)


# --- status, red/amber/green -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "done_on", "late", "expected"),
    [
        (d(6, 30), d(6, 20), 0, ItemStatus.DONE),
        (d(6, 30), d(6, 30), 0, ItemStatus.DONE),
        (d(6, 30), d(7, 2), 0, ItemStatus.DONE_LATE),
        (d(6, 9), None, 0, ItemStatus.OVERDUE),
        (d(6, 15), None, 0, ItemStatus.DUE_SOON),  # 5 days left
        (d(7, 30), None, 1, ItemStatus.DUE_SOON),  # a milestone is late
        (d(7, 30), None, 0, ItemStatus.ON_TRACK),
    ],
)
def test_status_by_deadline(deadline, done_on, late, expected):
    today = d(6, 10)
    assert (
        selectors.status_of(deadline=deadline, done_on=done_on, today=today, late_milestones=late)
        == expected
    )


def test_item_status_follows_verified_reports(make_item, make_report, verify, campaign, demo_user):
    item = make_item(deadline=d(6, 28), milestones=[("完成调研", d(5, 31))])
    user = demo_user("zonghe_head")

    def status(today):
        with clock.frozen(clock.at(2024, *today)):
            return selectors.item_get_for(user=user, campaign=campaign, pk=item.pk)

    assert status((5, 10)).status == ItemStatus.ON_TRACK
    assert status((6, 3)).status == ItemStatus.DUE_SOON  # milestone of 31 May not reached
    with clock.frozen(clock.at(2024, 6, 4)):
        report = make_report(item, percent=40, milestone=item.milestones.get())
        verify(report)
    on_june_5 = status((6, 5))
    assert on_june_5.status == ItemStatus.ON_TRACK and on_june_5.percent_verified == 40
    assert status((7, 1)).status == ItemStatus.OVERDUE
    assert status((7, 1)).flag == "red"
    with clock.frozen(clock.at(2024, 7, 2)):
        final = make_report(item, final=True)
        verify(final)
    late = status((7, 10))
    assert late.status == ItemStatus.DONE_LATE and late.flag == "amber"
    assert late.done_on == d(7, 2)


# --- progress reports and evidence ----------------------------------------------------------


def test_report_with_evidence_goes_to_the_office_leader(make_item, make_report, demo_user):
    item = make_item()
    report = make_report(item, percent=60, files=[pdf_file(), jpeg_file()])
    report.approval.refresh_from_db()
    assert report.approval.state == State.IN_REVIEW
    assert report.approval.step.label == "组织单位核验"
    assert [e.original_name for e in report.evidence.order_by("id")] == [
        "会议纪要.pdf",
        "现场照片.jpg",
    ]
    inbox = workflow.step_actors(report.approval)
    assert [u.username for u in inbox] == ["office_leader"]


def test_owner_drafts_and_only_the_section_head_submits(make_item, make_report, demo_user):
    item = make_item(owner="刘洋")  # demo user `member`
    report = make_report(item, writer="member", submit=False)
    with pytest.raises(workflow.TransitionRefused):
        services.report_submit(acting_user=demo_user("member"), report=report)
    services.report_submit(acting_user=demo_user("gongcheng_head"), report=report)
    with pytest.raises(Refused):
        make_report(make_item(owner="陈志刚"), writer="member", submit=False)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_pdf, "文件内容与扩展名不符"),
        (exe_file, "不支持的文件类型：“.exe”"),
    ],
)
def test_evidence_of_the_wrong_kind_is_refused_and_nothing_saved(
    make_item, make_report, upload, message, settings
):
    item = make_item()
    stored_before = sum(len(files) for _, _, files in os.walk(settings.MEDIA_ROOT))
    with pytest.raises(ValidationError) as error:
        make_report(item, files=[pdf_file(), upload()])
    assert message in errors_of(error)
    assert not ProgressReport.objects.filter(item=item).exists()
    assert not Evidence.objects.filter(report__item=item).exists()
    assert sum(len(files) for _, _, files in os.walk(settings.MEDIA_ROOT)) == stored_before


def test_completion_needs_evidence(make_item, make_report, demo_user):
    item = make_item(kind=ItemKind.RECTIFICATION)
    report = make_report(item, final=True, files=[], submit=False)
    with pytest.raises(workflow.TransitionRefused, match="整改销号须上传工作痕迹"):
        services.report_submit(acting_user=demo_user("gongcheng_head"), report=report)
    report.approval.refresh_from_db()
    assert report.approval.state == State.DRAFT
    assert report.percent == 100


def test_one_open_report_per_item(make_item, make_report):
    item = make_item()
    make_report(item)
    with pytest.raises(ValidationError, match="已有一份“审核中（组织单位核验）”的报告"):
        make_report(item)


def test_progress_cannot_go_below_what_was_verified(make_item, make_report, verify):
    item = make_item()
    verify(make_report(item, percent=60))
    with pytest.raises(ValidationError) as error:
        make_report(item, percent=40)
    assert "完成进度不能低于已核验的 60%" in errors_of(error)


def test_returned_report_is_completed_and_resubmitted(make_item, make_report, verify, demo_user):
    item = make_item()
    report = make_report(item, final=True)
    verify(report, Action.RETURN, "请补充签到表。")
    assert report.approval.state == State.RETURNED
    services.report_save(
        acting_user=demo_user("gongcheng_head"),
        item=item,
        report=report,
        milestone=None,
        percent=100,
        text="已补充签到表。",
        is_final=True,
        files=[pdf_file("签到表.pdf")],
    )
    services.report_submit(acting_user=demo_user("gongcheng_head"), report=report)
    verify(report)
    assert report.approval.state == State.APPROVED and report.approval.round == 2
    assert report.evidence.count() == 2
    assert services.item_is_done(item)
    with pytest.raises(ValidationError, match="已完成，不能再报告进展"):
        services.report_save(
            acting_user=demo_user("gongcheng_head"),
            item=item,
            percent=100,
            text="再报",
            is_final=False,
        )


def test_submitted_report_cannot_be_edited(make_item, make_report, demo_user):
    item = make_item()
    report = make_report(item)
    with pytest.raises(workflow.TransitionRefused, match="已提交的内容不能修改"):
        services.report_save(
            acting_user=demo_user("gongcheng_head"),
            item=item,
            report=report,
            percent=70,
            text="改",
            is_final=False,
        )


def test_milestone_is_reached_by_a_verified_report(make_item, make_report, verify):
    item = make_item(milestones=[("完成调研", d(5, 31))])
    milestone = item.milestones.get()
    with clock.frozen(clock.at(2024, 5, 30)):
        verify(make_report(item, milestone=milestone))
    reached = selectors.milestones_of(item)[0]
    assert reached.reached_on == d(5, 30)
    with pytest.raises(ValidationError, match="已经核验达到"):
        make_report(item, milestone=milestone, percent=70)


# --- 回头看 -----------------------------------------------------------------------------------


def rectification(done_item, **kwargs):
    return done_item(
        kind=ItemKind.RECTIFICATION,
        unit="dongyuan",
        owner="黄俊杰",
        deadline=d(6, 28),
        recheck_on=d(9, 30),
        **kwargs,
    )


def test_recheck_comes_back_to_the_owner_and_the_head(done_item, campaign, demo_user):
    item = rectification(done_item)
    with clock.frozen(clock.at(2024, 9, 25)):
        panel = selectors.panel_for(
            user=demo_user("dongyuan_head"), campaign=campaign, today=clock.today()
        )
    assert [i.pk for i in panel["rechecks"]] == [item.pk]
    with clock.frozen(clock.at(2024, 8, 1)):
        early = selectors.panel_for(
            user=demo_user("dongyuan_head"), campaign=campaign, today=clock.today()
        )
    assert early["rechecks"] == []
    other = selectors.panel_for(user=demo_user("gongcheng_head"), campaign=campaign, today=d(9, 25))
    assert other["rechecks"] == []


def test_recheck_consolidated(done_item, demo_user, campaign):
    item = rectification(done_item)
    with clock.frozen(clock.at(2024, 9, 30)):
        services.recheck_record(
            acting_user=demo_user("dongyuan_head"),
            item=item,
            checked_on=d(9, 30),
            outcome=RecheckOutcome.CONSOLIDATED,
            note="已巩固。",
        )
        panel = selectors.panel_for(
            user=demo_user("dongyuan_head"), campaign=campaign, today=d(9, 30)
        )
    assert panel["rechecks"] == []
    with pytest.raises(ValidationError, match="已经做过回头看"):
        services.recheck_record(
            acting_user=demo_user("dongyuan_head"),
            item=item,
            checked_on=d(9, 30),
            outcome=RecheckOutcome.CONSOLIDATED,
            note="再看",
        )


def test_relapse_lists_a_new_rectification_item(done_item, demo_user):
    item = rectification(done_item)
    with clock.frozen(clock.at(2024, 10, 8)):
        recheck = services.recheck_record(
            acting_user=demo_user("office_leader"),
            item=item,
            checked_on=d(10, 8),
            outcome=RecheckOutcome.RELAPSED,
            note="仍有数据未更新。",
            follow_up_deadline=d(10, 31),
        )
    follow_up = recheck.follow_up
    assert follow_up.kind == ItemKind.RECTIFICATION and follow_up.unit == item.unit
    assert follow_up.owner == item.owner and follow_up.deadline == d(10, 31)
    assert "回头看发现问题反弹" in follow_up.problem


def test_recheck_refusals(make_item, done_item, demo_user):
    open_item = make_item(kind=ItemKind.RECTIFICATION, unit="dongyuan", owner="黄俊杰")
    with pytest.raises(ValidationError, match="整改销号后才能进行回头看"):
        services.recheck_record(
            acting_user=demo_user("dongyuan_head"),
            item=open_item,
            checked_on=d(9, 30),
            outcome=RecheckOutcome.CONSOLIDATED,
            note="看",
        )
    item = rectification(done_item)
    with clock.frozen(clock.at(2024, 10, 8)), pytest.raises(ValidationError) as error:
        services.recheck_record(
            acting_user=demo_user("dongyuan_head"),
            item=item,
            checked_on=d(10, 8),
            outcome=RecheckOutcome.RELAPSED,
            note="反弹",
        )
    assert "须确定再整改的完成时限" in errors_of(error)
    assert not Recheck.objects.filter(item=item).exists()
    with pytest.raises(Refused):
        services.recheck_record(
            acting_user=demo_user("gongcheng_head"),
            item=item,
            checked_on=d(10, 8),
            outcome=RecheckOutcome.CONSOLIDATED,
            note="看",
        )


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_before_on_and_after_the_deadline(make_item, demo_user):
    from qpdo.workflow.models import Notification

    item = make_item(unit="gongcheng", owner="刘洋", deadline=d(6, 28))  # 刘洋 is `member`
    for day, expected in ((d(6, 24), 0), (d(6, 25), 2), (d(6, 28), 2), (d(6, 29), 2), (d(7, 1), 0)):
        with clock.frozen(clock.at(2024, day.month, day.day, 8)):
            assert services.reminders_send() == expected, day
            assert services.reminders_send() == 0  # once a day
    titles = list(
        Notification.objects.filter(recipient=demo_user("member")).values_list("title", flat=True)
    )
    assert titles == [
        f"实践活动提醒：{item.code} {item.title} 已逾期（完成时限2024年6月28日）",
        f"实践活动提醒：{item.code} {item.title} 今天到期",
        f"实践活动提醒：{item.code} {item.title} 还有 3 天到期（2024年6月28日）",
    ]
    assert Notification.objects.filter(recipient=demo_user("gongcheng_head")).count() == 3
    assert not Notification.objects.filter(recipient=demo_user("dongyuan_head")).exists()


def test_recheck_reminder_on_its_day(done_item, demo_user):
    from qpdo.workflow.models import Notification

    done_item(kind=ItemKind.RECTIFICATION, unit="gongcheng", owner="刘洋", recheck_on=d(9, 30))
    with clock.frozen(clock.at(2024, 9, 30, 8)):
        assert services.reminders_send() == 2
    note = Notification.objects.filter(recipient=demo_user("member")).latest("id")
    assert note.title.startswith("回头看提醒：整改-") and "今天组织“回头看”" in note.title
