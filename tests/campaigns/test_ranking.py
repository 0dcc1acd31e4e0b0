"""The monthly section ranking: the arithmetic on a hand-computed May, compiling, confirming
through the engine, publishing to all staff and freezing the published month."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from campaigns import providers, selectors, services
from campaigns.enums import Metric, ranking_rule_text
from campaigns.models import RankingRow, WorkItem
from campaigns.ranking import Line, rank_lines, score_of
from lectures import services as lectures
from lectures.models import Slot
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from tests.campaigns.conftest import d

at = clock.at


def test_score_rule_on_plain_numbers():
    # 100 + 5×2 − 10×1 − 5×1 + 5×1 + 3×2 + 2×3 = 112
    metrics = {
        Metric.ITEMS_DUE: 9,  # shown, not scored
        Metric.ITEMS_DONE: 2,
        Metric.ITEMS_OVERDUE: 1,
        Metric.SPEAKERS_OWED: 1,
        Metric.LECTURES_DELIVERED: 1,
        Metric.NOMINATIONS_FILED: 2,
        Metric.REPORTS_FILED: 3,
    }
    assert score_of(metrics) == 112
    assert score_of({}) == 100
    assert ranking_rule_text() == (
        "得分 = 100 + 5×按期完成 − 10×逾期未完成 − 5×尚欠讲述人 + 5×完成讲述 + 3×申报表 "
        "+ 2×报送材料；得分相同的名次并列。"
    )


def test_equal_scores_share_a_rank(db):
    units = list(Unit.objects.filter(code__in=["zonghe", "gongcheng", "dongyuan", "baozhang"]))
    by_code = {u.code: u for u in units}
    lines = rank_lines(
        [
            Line(by_code["gongcheng"], {Metric.ITEMS_DONE: 1}),  # 105
            Line(by_code["zonghe"], {Metric.ITEMS_OVERDUE: 1}),  # 90
            Line(by_code["baozhang"], {Metric.ITEMS_DONE: 1}),  # 105
            Line(by_code["dongyuan"], {}),  # 100
        ]
    )
    assert [(line.unit.code, line.score, line.rank) for line in lines] == [
        ("gongcheng", 105, 1),
        ("baozhang", 105, 1),
        ("dongyuan", 100, 3),
        ("zonghe", 90, 4),
    ]


@pytest.fixture
def nominations_provider():
    """A programme that reports 申报表 and 报送材料 (as 岗位之星 will), registered for the test."""

    def monthly(campaign, *, start, end, units):
        if start.month != 5:
            return {}
        baozhang = Unit.objects.get(code="baozhang").pk
        return {Metric.NOMINATIONS_FILED: {baozhang: 1}, Metric.REPORTS_FILED: {baozhang: 2}}

    previous = providers.get("test-nominations")
    providers.register(
        "test-nominations", providers.Provider(label="测试", order=99, monthly=monthly)
    )
    yield
    providers.unregister("test-nominations")
    if previous is not None:
        providers.register("test-nominations", previous)


@pytest.fixture
def may(campaign, make_item, make_report, verify, make_topic, demo_user, nominations_provider):
    """May 2024, hand-computed (base 100; +5 on time, −10 overdue, −5 speaker owed,
    +5 lecture delivered, +3 申报表, +2 报送材料):

    综合科   F due 5/10 done 5/10; G due 5/31 done 6/2 (overdue at May's end); one speaker
             approved of two slots (owes 1), a lecture delivered on 28 May; F reported in May.
             100 + 5 − 10 − 5 + 5 + 2 = 97
    工程指挥科 A due 5/20 done 5/18; B due 5/31 open; C due 4/30 done 5/10 (April's, not May's
             overdue); owes 2 speakers; A and C reported in May. 100 + 5 − 10 − 10 + 4 = 89
    动员协调科 D due 4/15 open (still overdue); owes 2. 100 − 10 − 10 = 80
    管理保障中心 owes 2; 1 申报表 and 2 报送材料 from a programme. 100 − 10 + 3 + 4 = 97
    """

    def item_done(unit, owner, deadline, done_on):
        item = make_item(unit=unit, owner=owner, deadline=deadline)
        if done_on is not None:
            with clock.frozen(at(2024, done_on.month, done_on.day, 15)):
                report = make_report(item, final=True)
            with clock.frozen(at(2024, done_on.month, done_on.day, 17)):
                verify(report)
        return item

    item_done("zonghe", "曹文婷", d(5, 10), d(5, 10))  # F
    item_done("zonghe", "朱晓东", d(5, 31), d(6, 2))  # G
    item_done("gongcheng", "刘洋", d(5, 20), d(5, 18))  # A
    item_done("gongcheng", "陈志刚", d(5, 31), None)  # B
    item_done("gongcheng", "周浩", d(4, 30), d(5, 10))  # C
    item_done("dongyuan", "黄俊杰", d(4, 15), None)  # D
    item_done("dongyuan", "许婷", d(6, 15), None)  # E: due in June

    with clock.frozen(at(2024, 4, 10)):
        topic = make_topic("zonghe_head", speaker=Staff.objects.get(name="曹文婷"))
        workflow.approval_submit(subject=topic, acting_user=demo_user("zonghe_head"))
    with clock.frozen(at(2024, 4, 20)):
        for approver in ("zonghe_staff", "office_leader"):
            workflow.approval_decide(
                subject=topic, acting_user=demo_user(approver), decision=Action.APPROVE
            )
    with clock.frozen(at(2024, 5, 20)):
        lecture = lectures.lecture_schedule(
            acting_user=demo_user("zonghe_staff"),
            topic=topic,
            slot=Slot.objects.get(campaign=campaign, number=1),
            starts_at=at(2024, 5, 28, 14, 30),
            place="三楼会议室",
        )
    with clock.frozen(at(2024, 5, 29)):
        lectures.lecture_record_delivery(
            acting_user=demo_user("zonghe_staff"),
            lecture=lecture,
            held_on=d(5, 28),
            held_place="三楼会议室",
            audience_count=40,
        )
    return campaign


EXPECTED_MAY = {
    # unit: (due, done, overdue, owed, delivered, nominations, reports, score, rank)
    "zonghe": (2, 1, 1, 1, 1, 0, 1, 97, 1),
    "baozhang": (0, 0, 0, 2, 0, 1, 2, 97, 1),
    "gongcheng": (2, 1, 1, 2, 0, 0, 2, 89, 3),
    "dongyuan": (0, 0, 1, 2, 0, 0, 0, 80, 4),
}
ORDER = [
    Metric.ITEMS_DUE,
    Metric.ITEMS_DONE,
    Metric.ITEMS_OVERDUE,
    Metric.SPEAKERS_OWED,
    Metric.LECTURES_DELIVERED,
    Metric.NOMINATIONS_FILED,
    Metric.REPORTS_FILED,
]


def as_table(lines) -> dict:
    return {
        line.unit.code: (*(line.get(m) for m in ORDER), line.score, line.rank) for line in lines
    }


def test_may_is_computed_as_by_hand(may):
    lines = selectors.ranking_lines(campaign=may, month=5)
    assert as_table(lines) == EXPECTED_MAY
    assert [line.unit.code for line in lines] == ["zonghe", "baozhang", "gongcheng", "dongyuan"]
    assert lines[0].completion_rate == 50.0
    assert lines[1].completion_rate is None  # nothing fell due


def test_april_counts_the_late_item_as_overdue(may):
    april = {line.unit.code: line for line in selectors.ranking_lines(campaign=may, month=4)}
    assert (
        april["gongcheng"].get(Metric.ITEMS_DUE),
        april["gongcheng"].get(Metric.ITEMS_OVERDUE),
    ) == (
        1,
        1,
    )
    assert april["dongyuan"].get(Metric.ITEMS_OVERDUE) == 1
    # Topics are due on 30 April: from April's end on, the missing speakers count.
    assert april["dongyuan"].get(Metric.SPEAKERS_OWED) == 2
    march = {line.unit.code: line for line in selectors.ranking_lines(campaign=may, month=3)}
    assert march["dongyuan"].get(Metric.SPEAKERS_OWED) == 0


def test_compile_confirm_publish_and_freeze(may, demo_user, verify, make_report):
    coordinator, leader = demo_user("zonghe_head"), demo_user("office_leader")
    member = demo_user("member")
    ranking = services.ranking_compile(acting_user=coordinator, campaign=may, month=5)
    stored = {
        row.unit.code: (
            *(getattr(row, m) for m in ORDER),
            row.score,
            row.rank,
        )
        for row in RankingRow.objects.filter(ranking=ranking).select_related("unit")
    }
    assert stored == EXPECTED_MAY
    assert ranking.rule_text == ranking_rule_text()
    assert selectors.ranking_view(user=member, campaign=may, month=5)["source"] == "hidden"
    assert selectors.ranking_view(user=leader, campaign=may, month=5)["source"] == "live"

    services.ranking_submit(acting_user=coordinator, ranking=ranking)
    assert selectors.ranking_view(user=leader, campaign=may, month=5)["source"] == "submitted"
    with pytest.raises(workflow.TransitionRefused, match="已提交的内容不能修改"):
        services.ranking_compile(acting_user=coordinator, campaign=may, month=5)
    workflow.approval_decide(
        subject=ranking, acting_user=leader, decision=Action.APPROVE, opinion="同意公布。"
    )
    ranking.approval.refresh_from_db()
    assert ranking.approval.state == State.APPROVED

    published = selectors.ranking_view(user=member, campaign=may, month=5)
    assert published["source"] == "published"
    assert as_table(published["lines"]) == EXPECTED_MAY

    # Later work changes the live numbers, never the published month.
    open_b = WorkItem.objects.get(owner__name="陈志刚")
    with clock.frozen(at(2024, 5, 30, 10)):
        verify(make_report(open_b, final=True))
    # 工程指挥科 now: 2 on time, none overdue, owes 2, 3 reports: 100 + 10 − 10 + 6 = 106.
    assert as_table(selectors.ranking_lines(campaign=may, month=5))["gongcheng"][-2] == 106
    assert as_table(selectors.ranking_view(user=member, campaign=may, month=5)["lines"]) == (
        EXPECTED_MAY
    )
    with pytest.raises(ValidationError, match="已公布，不能重新汇总"):
        services.ranking_compile(acting_user=coordinator, campaign=may, month=5)


def test_returned_month_is_recompiled(may, demo_user):
    coordinator, leader = demo_user("zonghe_head"), demo_user("office_leader")
    ranking = services.ranking_compile(acting_user=coordinator, campaign=may, month=5)
    services.ranking_submit(acting_user=coordinator, ranking=ranking)
    workflow.approval_decide(
        subject=ranking, acting_user=leader, decision=Action.RETURN, opinion="请核对逾期事项。"
    )
    again = services.ranking_compile(acting_user=coordinator, campaign=may, month=5)
    assert again.pk == ranking.pk
    assert RankingRow.objects.filter(ranking=ranking).count() == 4
    services.ranking_submit(acting_user=coordinator, ranking=again)
    again.approval.refresh_from_db()
    assert again.approval.round == 2


def test_compile_refusals(campaign, demo_user):
    with pytest.raises(Refused):
        services.ranking_compile(
            acting_user=demo_user("gongcheng_head"), campaign=campaign, month=5
        )
    with pytest.raises(Refused):
        services.ranking_compile(acting_user=demo_user("office_leader"), campaign=campaign, month=5)
    with clock.frozen(at(2024, 5, 20)), pytest.raises(ValidationError, match="尚未结束"):
        services.ranking_compile(acting_user=demo_user("zonghe_head"), campaign=campaign, month=5)
    with pytest.raises(ValidationError, match="不在实践活动期间"):
        services.ranking_compile(acting_user=demo_user("zonghe_head"), campaign=campaign, month=2)


def test_ranking_excel(may, client, login):
    login("zonghe_head")
    ranking = services.ranking_compile(acting_user=login("zonghe_head"), campaign=may, month=5)
    assert ranking.pk
    login("member")
    assert client.get("/campaigns/2024/ranking/5.xlsx").status_code == 404  # not published
    login("office_leader")
    response = client.get("/campaigns/2024/ranking/5.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2024年5月各科室实践活动完成情况排名（预览）"
    assert rows[1][:3] == ("名次", "科室", "到期事项")
    assert rows[2][:2] == (1, "综合科") and rows[2][-1] == 97
    assert rows[5][:2] == (4, "动员协调科") and rows[5][-1] == 80
    assert rows[-1][0].startswith("计分规则：得分 = 100")


def test_published_month_shows_on_the_panel(may, demo_user):
    coordinator, leader = demo_user("zonghe_head"), demo_user("office_leader")
    ranking = services.ranking_compile(acting_user=coordinator, campaign=may, month=5)
    services.ranking_submit(acting_user=coordinator, ranking=ranking)
    workflow.approval_decide(subject=ranking, acting_user=leader, decision=Action.APPROVE)
    panel = selectors.panel_for(
        user=demo_user("gongcheng_head"), campaign=may, today=datetime.date(2024, 6, 10)
    )
    assert panel["latest"].month == 5
    assert (panel["my_row"].rank, panel["my_row"].score) == (3, 89)
    months = selectors.months_to_compile(may, today=datetime.date(2024, 7, 2))
    assert months == [3, 4, 6]


def finished(item, make_report, verify, *, on: datetime.date):
    """Report the item done and have it verified late in the evening of `on` (Shanghai)."""
    with clock.frozen(at(on.year, on.month, on.day, 22, 0)):
        report = make_report(item, final=True)
    with clock.frozen(at(on.year, on.month, on.day, 23, 30)):
        verify(report)
    return item


def test_item_done_on_the_months_last_day_is_not_overdue(campaign, make_item, make_report, verify):
    # Both due 10 June and done late; 工程指挥科's on 30 June, 动员协调科's on 1 July.
    finished(
        make_item(unit="gongcheng", owner="刘洋", deadline=d(6, 10)),
        make_report,
        verify,
        on=d(6, 30),
    )
    finished(
        make_item(unit="dongyuan", owner="黄俊杰", deadline=d(6, 10)),
        make_report,
        verify,
        on=d(7, 1),
    )
    june = {line.unit.code: line for line in selectors.ranking_lines(campaign=campaign, month=6)}
    due_done_overdue = (Metric.ITEMS_DUE, Metric.ITEMS_DONE, Metric.ITEMS_OVERDUE)
    assert tuple(june["gongcheng"].get(m) for m in due_done_overdue) == (1, 0, 0)
    assert tuple(june["dongyuan"].get(m) for m in due_done_overdue) == (1, 0, 1)
    # 工程指挥科 filed its report in June (+2), 动员协调科 in July; and −10 for the overdue item.
    assert (
        june["gongcheng"].get(Metric.REPORTS_FILED),
        june["dongyuan"].get(Metric.REPORTS_FILED),
    ) == (1, 0)
    assert june["gongcheng"].score - june["dongyuan"].score == 10 + 2
    july = {line.unit.code: line for line in selectors.ranking_lines(campaign=campaign, month=7)}
    assert july["dongyuan"].get(Metric.ITEMS_OVERDUE) == 0  # done by July's end


def test_ranking_counts_nominations_through_the_stars_provider(
    campaign, make_nomination, demo_user
):
    """No fake provider: 申报表 and 培树计划 filed through 岗位之星's services score."""
    from stars import services as stars
    from stars.models import Post

    assert providers.get("stars") is not None and providers.get("test-nominations") is None
    with clock.frozen(at(2024, 10, 15)):
        filed = [make_nomination("baozhang_head"), make_nomination("baozhang_head")]
        filed.append(make_nomination("gongcheng_head"))
        make_nomination("dongyuan_head")  # a draft: filed by nobody
        plan = stars.plan_create(
            acting_user=demo_user("baozhang_head"),
            post=Post.objects.get(campaign=campaign, name="通信警报"),
            focus="提升警报器检测维修能力。",
            method="both",
            carriers=["training"],
            standards="政治素质过硬、业务技能精湛、工作实绩突出。",
            arrangements="",
            deadline=datetime.date(2024, 10, 15),
        )
    with clock.frozen(at(2024, 10, 18)):
        for nomination in filed:
            stars.nomination_submit(
                acting_user=demo_user(f"{nomination.unit.code}_head"),
                nomination=nomination,
                opinion="该同志表现突出，同意推荐。",
            )
        workflow.approval_submit(subject=plan, acting_user=demo_user("baozhang_head"))
    october = {
        line.unit.code: line for line in selectors.ranking_lines(campaign=campaign, month=10)
    }
    counts = {
        code: (line.get(Metric.NOMINATIONS_FILED), line.get(Metric.REPORTS_FILED))
        for code, line in october.items()
    }
    assert counts == {"zonghe": (0, 0), "gongcheng": (1, 0), "dongyuan": (0, 0), "baozhang": (2, 1)}
    # +3 per 申报表, +2 per 报送材料; otherwise alike (no items, as many speakers owed).
    assert october["baozhang"].score - october["dongyuan"].score == 3 * 2 + 2 * 1
    assert october["gongcheng"].score - october["dongyuan"].score == 3
    september = selectors.ranking_lines(campaign=campaign, month=9)
    assert all(line.get(Metric.NOMINATIONS_FILED) == 0 for line in september)
