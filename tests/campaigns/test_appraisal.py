"""The 年度考核参考 list: everyone's record summarised by programme (the 个人实践档案's own
figures), sortable, with its rule, exported to Excel; the 办领导 and the 办党组 mark people
for 优秀等次 / 评先表彰, and the 办党组 decides through the engine."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from campaigns import selectors, services
from campaigns.chains import APPRAISAL_CHAIN
from campaigns.enums import AppraisalKind
from campaigns.models import AppraisalRecommendation, Campaign
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord, Staff, Unit
from qpdo.workflow import rules as workflow_rules
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from tests.campaigns.test_records import busy_year, wu  # noqa: F401  (fixtures)
from tests.factories import StaffFactory
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
MARKERS = {"office_leader", "party_group"}  # 提出推荐
DECIDERS = {"party_group"}  # 办党组研究确定
READERS = {"office_leader", "party_group"}  # the list, its Excel, the marks
DECISIONS = [Action.APPROVE, Action.RETURN, Action.REJECT]


@pytest.fixture
def this_year(db):
    """This year's campaign (copied from 2024), whatever the clock's year."""
    today = clock.today()
    existing = Campaign.objects.filter(year=today.year).first()
    if existing is not None:
        return existing
    campaign, _log = services.campaign_copy(
        acting_user=get_user_model().objects.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=today.year,
        doc_number=f"青国动〔{today.year}〕7号",
    )
    return campaign


def liu() -> Staff:
    return Staff.objects.select_related("unit").get(name="刘洋")


def mark(campaign, demo_user, username="office_leader", *, staff=None, kind=None, reason=""):
    return services.appraisal_recommend(
        acting_user=demo_user(username),
        campaign=campaign,
        staff=staff or liu(),
        kind=kind or AppraisalKind.EXCELLENT,
        reason=reason or "全年负责事项均按期完成，讲述国动小讲堂一场。",
    )


# --- the figures ---------------------------------------------------------------------------


def test_list_figures_are_the_records_figures(busy_year, campaign, demo_user):  # noqa: F811
    reference = selectors.appraisal_reference_for(user=demo_user("party_group"), campaign=campaign)
    people = [row.staff for row in reference.rows]
    assert people == list(selectors.campaign_staff())
    records = {r.staff.pk: r for r in selectors.records_for(campaign=campaign, staff=people)}
    keys = [column.key for column in reference.columns]
    for row in reference.rows:
        assert row.values == [records[row.staff.pk].counts.get(key, 0) for key in keys]
    busy = next(row for row in reference.rows if row.staff == busy_year)
    counts = dict(zip(keys, busy.values, strict=True))
    assert counts["items_owned"] == counts["items_on_time"] == 1
    assert counts["competitions"] == counts["quarter_stars"] == 1
    assert counts["lectures_given"] == counts["star_nominations"] == 1
    assert counts["outreach_reviews"] == 1
    # Headed as the 个人实践档案 heads them.
    headers = dict(selectors.record_columns())
    assert [c.header for c in reference.columns] == [headers[key] for key in keys]


def test_the_rule_and_the_year_dates_are_on_the_page(this_year, client, login):
    login("party_group")
    page = client.get(f"/campaigns/{this_year.year}/appraisal/").content.decode()
    assert 'data-testid="appraisal-rule"' in page
    end = min(clock.today(), this_year.end)
    assert f"{this_year.start.year}年{this_year.start.month}月{this_year.start.day}日至" in page
    assert f"{end.year}年{end.month}月{end.day}日" in page
    for column in selectors.appraisal_columns():
        assert column.rule in page
    assert "不折算总分、不排名次" in page


def test_sorted_by_each_column_on_the_server(this_year, client, login, make_item_this_year):
    make_item_this_year(owner="许婷")
    make_item_this_year(owner="许婷")
    make_item_this_year(owner="刘洋")
    login("office_leader")
    for key in selectors.appraisal_sort_keys():
        for sort in (key, f"-{key}"):
            response = client.get(f"/campaigns/{this_year.year}/appraisal/?sort={sort}")
            assert response.status_code == 200, sort
    descending = selectors.appraisal_reference_for(
        user=login("office_leader"), campaign=this_year, sort="-items_owned"
    )
    owned = [row.counts.get("items_owned", 0) for row in descending.rows]
    assert owned == sorted(owned, reverse=True)
    assert [row.staff.name for row in descending.rows[:2]] == ["许婷", "刘洋"]
    ascending = selectors.appraisal_reference_for(
        user=login("office_leader"), campaign=this_year, sort="items_owned"
    )
    assert ascending.rows[-1].staff.name == "许婷"
    # An unknown sort keeps the default order (unit, then person).
    default = selectors.appraisal_reference_for(
        user=login("office_leader"), campaign=this_year, sort="password"
    )
    assert default.sort == "" and [r.staff for r in default.rows] == list(
        selectors.campaign_staff()
    )


@pytest.fixture
def make_item_this_year(this_year, demo_user):
    from itertools import count

    from campaigns.models import KeyTask

    numbers = count(1)

    def make(*, owner: str):
        person = Staff.objects.get(name=owner)
        return services.item_create(
            acting_user=demo_user("zonghe_head"),
            campaign=this_year,
            key_task=KeyTask.objects.get(campaign=this_year, order=2),
            kind="task",
            title=f"{owner}负责的第{next(numbers)}项事项",
            goal="目标。",
            measures="措施。",
            unit=person.unit,
            owner=person,
            deadline=this_year.end,
            milestones=[],
        )

    return make


# --- the mark and its chain ------------------------------------------------------------------


def test_chain_is_declared_as_the_office_runs_it():
    assert APPRAISAL_CHAIN.path_label == "提出推荐 → 办党组研究确定"
    assert APPRAISAL_CHAIN.steps[0].label_of(Action.APPROVE) == "确定推荐"


@pytest.mark.parametrize("username", ALL_USERS)
def test_who_may_mark_table(this_year, demo_user, username):
    mark_before = audit_mark()
    if username in MARKERS:
        recommendation = mark(this_year, demo_user, username)
        recommendation.approval.refresh_from_db()
        assert recommendation.approval.state == State.IN_REVIEW
        assert recommendation.approval.step.code == "decide"
        submitted = recommendation.approval.opinions.get(action=Action.SUBMIT)
        assert submitted.text == recommendation.reason
        assert submitted.actor == demo_user(username)
        assert AuditRecord.objects.filter(
            pk__gt=mark_before, object_type="campaigns.AppraisalRecommendation"
        ).exists()
    else:
        with pytest.raises(Refused):
            mark(this_year, demo_user, username)
        assert not AppraisalRecommendation.objects.exists()


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
@pytest.mark.parametrize("proposer", sorted(MARKERS))
@pytest.mark.parametrize("username", ALL_USERS)
def test_decide_step_table(this_year, demo_user, username, proposer, decision):
    """Only the 办党组 decides, every decision, whoever marked (its own member too)."""
    recommendation = mark(this_year, demo_user, proposer)
    approval = recommendation.approval
    approval.refresh_from_db()
    user = demo_user(username)
    allowed = username in DECIDERS
    assert (workflow_rules.refusal_to_decide(user, approval) is None) == allowed
    audit = audit_mark()
    if allowed:
        workflow.approval_transition(
            approval=approval,
            action=decision,
            acting_user=user,
            opinion="经党组会议研究。",
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
        assert_move_audited(audit, actor=user, subject=recommendation, decision=decision)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.approval_transition(
                approval=approval,
                action=decision,
                acting_user=user,
                opinion="经党组会议研究。",
                expected_step="decide",
            )
        approval.refresh_from_db()
        assert approval.state == State.IN_REVIEW
        assert_refusal_audited(audit, actor=user, decision=decision)


def test_decision_needs_an_opinion(this_year, demo_user):
    recommendation = mark(this_year, demo_user)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approval_decide(
            subject=recommendation, acting_user=demo_user("party_group"), decision=Action.APPROVE
        )


def test_one_mark_per_person_and_kind(this_year, demo_user):
    mark(this_year, demo_user, "office_leader")
    with pytest.raises(Exception) as refused:
        mark(this_year, demo_user, "party_group")
    assert "已有" in str(refused.value)
    # The other kind is a mark of its own.
    mark(this_year, demo_user, "party_group", kind=AppraisalKind.COMMENDATION)
    assert AppraisalRecommendation.objects.filter(staff=liu()).count() == 2


def test_withdrawn_mark_is_handed_in_again_with_the_new_reason(this_year, demo_user):
    recommendation = mark(this_year, demo_user, "office_leader")
    workflow.approval_withdraw(subject=recommendation, acting_user=demo_user("office_leader"))
    again = mark(this_year, demo_user, "office_leader", reason="补充：牵头完成人防工程专项检查。")
    assert again.pk == recommendation.pk
    again.approval.refresh_from_db()
    assert again.approval.state == State.IN_REVIEW
    assert again.reason == "补充：牵头完成人防工程专项检查。"


def test_only_office_staff_of_the_sections_are_marked(this_year, demo_user):
    with pytest.raises(Exception) as refused:
        mark(this_year, demo_user, staff=Staff.objects.get(name="沈建国"))
    assert "只能推荐" in str(refused.value)


def test_closed_year_is_read_only(this_year, demo_user):
    Campaign.objects.filter(pk=this_year.pk).update(closed_at=clock.now())
    this_year.refresh_from_db()
    with pytest.raises(Exception) as refused:
        mark(this_year, demo_user)
    assert "只能查看" in str(refused.value)


# --- the pages: who sees what ----------------------------------------------------------------


@pytest.mark.parametrize("username", ALL_USERS)
def test_list_export_and_mark_page_only_for_the_leadership(this_year, client, login, username):
    login(username)
    y = this_year.year
    urls = [
        f"/campaigns/{y}/appraisal/",
        f"/campaigns/{y}/appraisal.xlsx",
        f"/campaigns/{y}/appraisal/{liu().pk}/mark/",
    ]
    expected = 200 if username in READERS else 404
    for url in urls:
        assert client.get(url).status_code == expected, url
    response = client.post(urls[2], {"kind": AppraisalKind.EXCELLENT, "reason": "理由。"})
    if username in MARKERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        assert not AppraisalRecommendation.objects.exists()


def test_tab_shows_only_for_the_leadership(this_year, client, login):
    login("gongcheng_head")
    page = client.get(f"/campaigns/{this_year.year}/records/").content.decode()
    assert "年度考核参考" not in page
    login("party_group")
    page = client.get(f"/campaigns/{this_year.year}/records/").content.decode()
    assert 'data-testid="tab-appraisal"' in page


def test_mark_shows_on_the_list_and_on_the_record_with_name_and_date(
    this_year, client, login, demo_user
):
    recommendation = mark(this_year, demo_user, "office_leader", reason="负责事项全部按期完成。")
    today = clock.today()
    signed = f"沈建国 {today.year}年{today.month}月{today.day}日"
    login("party_group")
    page = client.get(f"/campaigns/{this_year.year}/appraisal/").content.decode()
    assert "年度考核优秀等次 · 待办党组研究确定" in page
    assert "负责事项全部按期完成。" in page and signed in page
    assert 'data-testid="appraisal-decide"' in page  # the 办党组 decides from the list
    workflow.approval_decide(
        subject=recommendation,
        acting_user=demo_user("party_group"),
        decision=Action.APPROVE,
        opinion="经党组会议研究，同意推荐。",
    )
    record_url = f"/campaigns/{this_year.year}/records/{liu().pk}/"
    page = client.get(record_url).content.decode()
    assert 'data-testid="record-appraisal"' in page
    assert "年度考核优秀等次 · 办党组已确定推荐" in page
    assert "经党组会议研究，同意推荐。" in page and "陆振华" in page
    # The person's section head opens the record, not the marks.
    login("gongcheng_head")
    page = client.get(record_url).content.decode()
    assert client.get(record_url).status_code == 200
    assert "record-appraisal" not in page and "经党组会议研究" not in page
    # Nor the 审批单 of the mark.
    approval_url = f"/workflow/{recommendation.approval_id}/"
    assert client.get(approval_url).status_code == 404


def test_party_group_decides_in_the_admin(this_year, client, login, demo_user):
    recommendation = mark(this_year, demo_user, "office_leader")
    url = f"/admin/campaigns/appraisalrecommendation/{recommendation.pk}/"
    login("party_group")
    page = client.get(url + "change/").content.decode()
    assert 'data-testid="decision-form"' in page and recommendation.reason in page
    response = client.post(
        url + "decide/",
        {"expected_step": "decide", "decision": "approve", "opinion": "同意推荐。"},
    )
    assert response.status_code == 302
    recommendation.approval.refresh_from_db()
    assert recommendation.approval.state == State.APPROVED
    # A section head has no such page.
    login("gongcheng_head")
    assert client.get(url + "change/").status_code in (302, 403, 404)


def test_waiting_marks_are_on_the_party_groups_todo(this_year, client, login, demo_user):
    recommendation = mark(this_year, demo_user, "office_leader")
    login("party_group")
    page = client.get("/workflow/todo/").content.decode()
    assert recommendation.approval.title in page
    assert recommendation.approval.title in client.get("/").content.decode()


# --- the Excel -------------------------------------------------------------------------------


def test_excel_reads_back_with_typed_figures_and_is_audited(this_year, client, login, demo_user):
    recommendation = mark(this_year, demo_user, "office_leader", reason="表现突出。")
    login("office_leader")
    response = client.get(f"/campaigns/{this_year.year}/appraisal.xlsx?sort=-items_owned")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "年度考核参考" in rows[0][0]
    header = rows[1]
    columns = selectors.appraisal_columns()
    assert list(header[:4]) == ["序号", "姓名", "科室", "职务/岗位"]
    assert list(header[4 : 4 + len(columns)]) == [c.header for c in columns]
    people = {row[1]: row for row in rows[2:] if row and isinstance(row[0], int)}
    assert len(people) == selectors.campaign_staff().count()
    row = people["刘洋"]
    assert all(isinstance(v, int) for v in row[4 : 4 + len(columns)])
    assert row[4 + len(columns)] == "待办党组研究确定"
    assert "表现突出。" in row[-1] and "沈建国" in row[-1]
    text = "\n".join(str(cell) for r in rows for cell in r if cell is not None)
    assert "统计期间" in text and columns[0].rule in text
    audit = AuditRecord.objects.filter(action=AuditAction.EXPORT).order_by("-pk").first()
    assert audit is not None and "年度考核参考" in audit.detail
    assert recommendation.pk


# --- statements ------------------------------------------------------------------------------


def _statements(client, url: str) -> int:
    """Return the statements of a warm GET of the page."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_runs_the_same_statements_whatever_the_number_of_staff(
    this_year, client, login, demo_user
):
    login("party_group")
    url = f"/campaigns/{this_year.year}/appraisal/"
    mark(this_year, demo_user, staff=liu())  # one mark (with none, the opinions are not read)
    client.get(url)
    few = _statements(client, url)
    unit = Unit.objects.get(code="dongyuan")
    for n in range(25):
        person = StaffFactory(unit=unit)
        if n % 5 == 0:
            mark(this_year, demo_user, staff=person)
    mark(this_year, demo_user, "party_group", staff=liu(), kind=AppraisalKind.COMMENDATION)
    client.get(url)  # the header's cached parts are refreshed after a write: warm them again
    many = _statements(client, url)
    assert many == few
    assert _statements(client, url + "?sort=-marks&page=2") == few
