"""Pages of the campaign: who sees what, forms that refuse bad input, and list pages whose
query count does not grow with the number of rows."""

from __future__ import annotations

import re

import pytest

from campaigns import services
from campaigns.enums import TeamKind
from campaigns.models import MentorPair, ProgressReport, QuarterStar, Team, WorkItem
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow.enums import State
from tests.campaigns.conftest import d, exe_file, pdf_file
from tests.forms import PageForm
from tests.utils import assert_constant_queries, element_text

# Each page and its heading (<h1>); the overview's heading is the campaign's name.
PAGE_HEADINGS = {
    "/campaigns/2024/": None,
    "/campaigns/2024/items/": "工作清单",
    "/campaigns/2024/ranking/5/": "每月曝光 · 各科室实践活动完成情况排名",
    "/campaigns/2024/teams/": "攻坚团队 · 工作专班 · 项目组",
    "/campaigns/2024/mentoring/": "岗位带教",
    "/campaigns/2024/rotations/": "交流锻炼",
    "/campaigns/2024/competitions/": "专业技能比武",
    "/campaigns/2024/quarter-stars/": "“季度之星”",
    "/campaigns/2024/discussions/": "对照“四个够不够”学习大讨论",
}
PAGES = list(PAGE_HEADINGS)

# Who reads every unit's work items (organisers, office-wide roles) and who only their own.
SEES_EVERY_UNIT = {
    "zonghe_head": True,
    "gongcheng_head": False,
    "member": False,
    "office_leader": True,
    "party_branch": True,
}


def heading(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, "the page has no <h1>"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


@pytest.mark.parametrize("username", list(SEES_EVERY_UNIT))
def test_office_staff_open_every_page(
    campaign, task, make_item, demo_user, client, login, username
):
    ours = make_item(unit="gongcheng", owner="刘洋")  # 刘洋 is the demo user `member`
    theirs = make_item(unit="dongyuan", owner="黄俊杰")
    team = services.team_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        kind=TeamKind.ASSAULT,
        name="平战转换预案编制攻坚团队",
        key_task=task(4),
        topic="编制全区人防工程平战转换预案。",
        goals="形成送审稿。",
        leader=Staff.objects.get(name="陈志刚"),
        formed_on=d(5, 8),
        ends_on=d(10, 31),
        members=[(Staff.objects.get(name="刘洋"), "现场踏勘")],
    )
    services.pair_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        mentor=Staff.objects.get(name="陈志刚"),
        mentee=Staff.objects.get(name="郑雨欣"),
        goals="熟悉审批流程。",
        starts_on=d(5, 6),
        ends_on=d(12, 31),
    )
    services.rotation_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        staff=Staff.objects.get(name="周浩"),
        to_unit=Unit.objects.get(code="dongyuan"),
        post="潜力调查",
        starts_on=d(7, 1),
        ends_on=d(9, 30),
        purpose="熟悉潜力调查。",
    )
    login(username)
    pages = {}
    for url, expected in PAGE_HEADINGS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = page = response.content.decode()
        assert heading(page) == (expected or campaign.name), url
    assert element_text(pages[PAGES[0]], "campaign-title") == campaign.name
    assert "投身改革强能力" in campaign.name
    items = element_text(pages["/campaigns/2024/items/"], "item-list")
    assert ours.title in items
    assert (theirs.title in items) is SEES_EVERY_UNIT[username]
    ranking_page = pages["/campaigns/2024/ranking/5/"]
    if SEES_EVERY_UNIT[username]:  # the organisers and office-wide readers see the live figures
        assert element_text(ranking_page, "ranking-state") == "尚未汇总（实时预览）"
        ranking = element_text(ranking_page, "ranking-table")
        for section in ("综合科", "工程指挥科", "动员协调科", "民防管理保障中心"):
            assert section in ranking
    else:  # a section sees a month's ranking once the leadership has published it
        assert element_text(ranking_page, "ranking-state") == "尚未公布"
        assert 'data-testid="ranking-table"' not in ranking_page
    assert team.name in element_text(pages["/campaigns/2024/teams/"], "team-list")
    pairs = element_text(pages["/campaigns/2024/mentoring/"], "pair-list")
    assert "陈志刚" in pairs and "郑雨欣" in pairs
    rotations = element_text(pages["/campaigns/2024/rotations/"], "rotation-list")
    assert "周浩" in rotations and "潜力调查" in rotations


@pytest.mark.parametrize("username", ["zhujiajiao", "jiaoyuju"])
def test_outreach_reporters_do_not_see_the_campaign(campaign, client, login, username):
    login(username)
    for url in [*PAGES, "/campaigns/"]:
        assert client.get(url).status_code == 404, url


def test_home_redirects_to_the_current_campaign(campaign, client, login, clock_at):
    clock_at(2024, 10, 10)
    login("member")
    assert client.get("/campaigns/")["Location"] == "/campaigns/2024/"


def test_home_says_who_sets_up_a_year_without_campaign(campaign, client, login):
    year = clock.today().year
    login("member")
    page = client.get("/campaigns/").content.decode()
    assert f"{year}年度实践活动尚未建立，由综合科建立" in page
    assert "/campaigns/new-year/" not in page
    login("zonghe_head")
    page = client.get("/campaigns/").content.decode()
    assert f"/campaigns/new-year/?year={year}" in page
    # The year selector runs from the first campaign to this year, none skipped.
    years = [link.year for link in client.get("/campaigns/").context["years"]]
    assert years == list(range(year, 2023, -1))


def test_items_are_scoped_to_the_unit_and_the_owner(campaign, make_item, client, login):
    mine = make_item(unit="gongcheng", owner="刘洋")
    colleague = make_item(unit="gongcheng", owner="陈志刚")
    other = make_item(unit="dongyuan", owner="黄俊杰")
    login("gongcheng_head")
    listed = {i.pk for i in client.get("/campaigns/2024/items/").context["items"]}
    assert listed == {mine.pk, colleague.pk}
    assert client.get(f"/campaigns/2024/items/{other.pk}/").status_code == 404
    login("member")  # 刘洋: only his own item
    listed = {i.pk for i in client.get("/campaigns/2024/items/").context["items"]}
    assert listed == {mine.pk}
    assert client.get(f"/campaigns/2024/items/{colleague.pk}/").status_code == 404
    login("zonghe_head")  # the 牵头科室 sees every unit's
    assert client.get(f"/campaigns/2024/items/{other.pk}/").status_code == 200


def test_item_form_refuses_a_milestone_after_the_deadline(campaign, task, client, login):
    login("gongcheng_head")
    page = client.get("/campaigns/2024/items/new/")
    form = PageForm.from_response(page, testid="item-form")
    # The page offers three blank milestone rows; two are filled, the third stays blank.
    assert form.value("milestones-TOTAL_FORMS") == "3"
    assert form.value("milestones-INITIAL_FORMS") == "0"
    (
        form.fill("kind", "task")
        .fill("key_task", task(4).pk)
        .fill("title", "编制预案")
        .fill("unit", Unit.objects.get(code="gongcheng").pk)
        .fill("owner", Staff.objects.get(name="刘洋").pk)
        .fill("deadline", "2024-06-28")
        .fill("milestones-0-title", "完成调研")
        .fill("milestones-0-due_on", "2024-05-31")
        .fill("milestones-1-title", "形成初稿")
        .fill("milestones-1-due_on", "2024-07-05")
    )
    response = form.submit(client)
    assert response.status_code == 200
    assert "晚于事项完成时限（2024年6月28日）" in response.content.decode()
    assert not WorkItem.objects.exists()
    # Corrected on the page the refusal rendered, as the user would.
    again = PageForm.from_response(response, testid="item-form")
    assert again.value("milestones-0-title") == "完成调研"
    response = again.fill("milestones-1-due_on", "2024-06-20").submit(client)
    item = WorkItem.objects.get()
    assert response["Location"] == item.get_absolute_url()
    assert [(m.title, m.due_on) for m in item.milestones.order_by("due_on")] == [
        ("完成调研", d(5, 31)),
        ("形成初稿", d(6, 20)),
    ]


def test_item_edit_page_keeps_its_milestones_and_adds_one(campaign, task, client, login):
    login("gongcheng_head")
    form = PageForm.from_response(client.get("/campaigns/2024/items/new/"), testid="item-form")
    form.fill("kind", "task").fill("key_task", task(4).pk).fill("title", "编制预案")
    form.fill("unit", Unit.objects.get(code="gongcheng").pk)
    form.fill("owner", Staff.objects.get(name="刘洋").pk).fill("deadline", "2024-06-28")
    form.fill("milestones-0-title", "完成调研").fill("milestones-0-due_on", "2024-05-31")
    item_url = form.submit(client)["Location"]
    item = WorkItem.objects.get()

    edit = PageForm.from_response(client.get(f"{item_url}edit/"), testid="item-form")
    # One stored row, then blank rows that the user may leave blank.
    assert edit.value("milestones-0-title") == "完成调研"
    blank = int(edit.value("milestones-TOTAL_FORMS")) - 1
    assert blank >= 1
    edit.fill("milestones-1-title", "形成初稿").fill("milestones-1-due_on", "2024-06-20")
    assert edit.submit(client)["Location"] == item.get_absolute_url()
    assert sorted(item.milestones.values_list("title", flat=True)) == ["完成调研", "形成初稿"]

    # Ticking 删除 on a stored row removes it.
    edit = PageForm.from_response(client.get(f"{item_url}edit/"), testid="item-form")
    titles = {edit.value(f"milestones-{i}-title"): i for i in range(2)}
    edit.check(f"milestones-{titles['完成调研']}-DELETE")
    assert edit.submit(client).status_code == 302
    assert list(item.milestones.values_list("title", flat=True)) == ["形成初稿"]


def test_report_form_refuses_wrong_files_and_submits(campaign, make_item, client, login):
    item = make_item(unit="gongcheng", owner="刘洋")
    login("gongcheng_head")
    url = f"/campaigns/2024/items/{item.pk}/report/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"percent": 100, "text": "完成", "is_final": "on", "files": [exe_file()]}
    )
    assert bad.status_code == 200
    assert "不支持的文件类型：“.exe”" in bad.content.decode()
    assert not ProgressReport.objects.exists()
    good = client.post(
        url,
        {
            "percent": 100,
            "text": "已完成。",
            "is_final": "on",
            "files": [pdf_file()],
            "submit": "1",
        },
    )
    report = ProgressReport.objects.get()
    assert good["Location"] == report.get_absolute_url()
    report.approval.refresh_from_db()
    assert report.approval.state == State.IN_REVIEW


def test_verifier_decides_on_the_report_page(campaign, make_item, make_report, client, login):
    report = make_report(make_item(), final=True)
    login("gongcheng_head")
    page = client.get(report.get_absolute_url())
    assert page.context["decision_form"] is None
    login("office_leader")
    page = client.get(report.get_absolute_url())
    assert page.context["decision_form"] is not None
    response = client.post(
        f"/workflow/{report.approval_id}/decide/",
        {
            "expected_step": "verify",
            "decision": "approve",
            "opinion": "核验通过。",
            "return_to": "submitter",
            "next": report.get_absolute_url(),
        },
    )
    assert response["Location"] == report.get_absolute_url()
    report.approval.refresh_from_db()
    assert report.approval.state == State.APPROVED
    evidence = report.evidence.get()
    download = client.get(f"/campaigns/2024/evidence/{evidence.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    login("dongyuan_head")
    assert client.get(f"/campaigns/2024/evidence/{evidence.pk}/").status_code == 404


def test_unpublished_month_is_hidden_from_staff(campaign, client, login):
    login("member")
    page = client.get("/campaigns/2024/ranking/5/")
    assert page.context["view"]["source"] == "hidden" and page.context["lines"] == []
    assert "尚未经办领导确认公布" in page.content.decode()
    login("office_leader")
    page = client.get("/campaigns/2024/ranking/5/")
    assert page.context["view"]["source"] == "live" and len(page.context["lines"]) == 4
    assert "得分 = 100 + 5×按期完成" in page.content.decode()
    assert 'data-testid="score-chart"' in page.content.decode()


def test_coordinator_compiles_and_submits_from_the_page(campaign, client, login):
    login("zonghe_head")
    response = client.post("/campaigns/2024/ranking/5/compile/", {"submit": "1"})
    assert response["Location"] == "/campaigns/2024/ranking/5/"
    page = client.get("/campaigns/2024/ranking/5/")
    assert page.context["view"]["source"] == "submitted"
    login("gongcheng_head")
    assert client.post("/campaigns/2024/ranking/6/compile/").status_code == 403


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def add_items(make_item, make_report, verify):
    """Add n items across units and key tasks, some done, some with reports waiting."""
    units = [
        ("gongcheng", "刘洋"),
        ("dongyuan", "黄俊杰"),
        ("zonghe", "曹文婷"),
        ("baozhang", "马骏"),
    ]
    counter = {"n": 0}

    def add(n: int, owner: str | None = None):
        for _ in range(n):
            counter["n"] += 1
            unit, person = units[counter["n"] % len(units)]
            if owner is not None:
                unit, person = "gongcheng", owner
            item = make_item(
                unit=unit,
                owner=person,
                deadline=d(5, 1 + counter["n"] % 28),
                key_task=1 + counter["n"] % 5,
                milestones=[("节点", d(4, 20))],
            )
            if counter["n"] % 3 == 0:
                with clock.frozen(clock.at(2024, 4, 25)):
                    verify(make_report(item, final=True))
            elif counter["n"] % 3 == 1:
                make_report(item, percent=30)

    return add


@pytest.mark.parametrize(
    "url",
    [
        "/campaigns/2024/",
        "/campaigns/2024/items/",
        "/campaigns/2024/items/?status=overdue&kind=task",
        "/campaigns/2024/ranking/5/",
    ],
)
def test_item_pages_run_a_fixed_number_of_queries(campaign, client, login, add_items, url):
    login("office_leader")
    assert_constant_queries(client, url, add_items)


def test_record_page_runs_a_fixed_number_of_queries(campaign, client, login, add_items):
    login("office_leader")
    liu = Staff.objects.get(name="刘洋")
    assert_constant_queries(
        client, f"/campaigns/2024/records/{liu.pk}/", lambda n: add_items(n, owner="刘洋")
    )


def test_record_list_runs_a_fixed_number_of_queries(campaign, client, login):
    login("office_leader")
    unit = Unit.objects.get(code="gongcheng")

    def add_people(n):
        start = Staff.objects.count()
        Staff.objects.bulk_create(Staff(unit=unit, name=f"测试人员{start + i}") for i in range(n))

    assert_constant_queries(client, "/campaigns/2024/records/", add_people)


def test_team_list_runs_a_fixed_number_of_queries(campaign, client, login, task, demo_user):
    login("office_leader")
    people = list(Staff.objects.filter(unit__code__in=["gongcheng", "dongyuan"]))

    def add_teams(n):
        start = Team.objects.count()
        for i in range(n):
            services.team_save(
                acting_user=demo_user("zonghe_head"),
                campaign=campaign,
                kind=TeamKind.PROJECT,
                name=f"项目组{start + i}",
                key_task=task(4),
                topic="课题。",
                leader=people[0],
                formed_on=d(5, 1),
                members=[(p, "") for p in people[1:4]],
            )

    assert_constant_queries(client, "/campaigns/2024/teams/", add_teams)


@pytest.fixture
def add_activities(campaign, demo_user, choose_quarter_star):
    """Add n pairs, rotations, competitions with entries, quarter stars and discussions."""
    from decimal import Decimal

    people = list(
        Staff.objects.filter(unit__code__in=["gongcheng", "dongyuan", "baozhang"]).order_by("id")
    )
    leader = demo_user("office_leader")
    counter = {"n": 0}

    def add(n: int):
        with clock.frozen(clock.at(2024, 12, 20)):
            for _ in range(n):
                counter["n"] += 1
                k = counter["n"]
                mentor, mentee = people[k % len(people)], people[(k + 1) % len(people)]
                if not MentorPair.objects.filter(mentor=mentor, mentee=mentee).exists():
                    services.pair_save(
                        acting_user=leader,
                        campaign=campaign,
                        mentor=mentor,
                        mentee=mentee,
                        goals="目标。",
                        starts_on=d(5, 1),
                        ends_on=d(5, 1 + k % 28),
                    )
                services.rotation_save(
                    acting_user=leader,
                    campaign=campaign,
                    staff=mentee,
                    to_name=f"交流单位{k}",
                    post="岗位",
                    starts_on=d(7, 1),
                    ends_on=d(8, 1),
                    purpose="锻炼。",
                )
                competition = services.competition_save(
                    acting_user=leader,
                    campaign=campaign,
                    title=f"业务比武{k}",
                    discipline="潜力调查",
                    level="office",
                    organiser="区国动办",
                    held_on=d(6, 20),
                    max_score=Decimal(100),
                )
                services.competition_results_save(
                    acting_user=leader,
                    competition=competition,
                    rows=[{"staff": p, "score": Decimal(80 + i)} for i, p in enumerate(people[:3])],
                )
                quarter, person = 1 + k % 4, people[k % len(people)]
                taken = QuarterStar.objects.filter(quarter=quarter, unit=person.unit)
                if not taken.exists():  # one recommendation per 科室 and quarter
                    choose_quarter_star(campaign, quarter, person)
                services.discussion_save(
                    acting_user=leader,
                    campaign=campaign,
                    unit=people[0].unit,
                    held_on=d(6, 1 + k % 28),
                    place="会议室",
                    host=people[0],
                    questions=["readiness"],
                    minutes="纪要。",
                    participants=people[1:4],
                )

    return add


@pytest.mark.parametrize(
    "url",
    [
        "/campaigns/2024/mentoring/",
        "/campaigns/2024/rotations/",
        "/campaigns/2024/competitions/",
        "/campaigns/2024/quarter-stars/",
        "/campaigns/2024/discussions/",
    ],
)
def test_activity_lists_run_a_fixed_number_of_queries(campaign, client, login, add_activities, url):
    login("office_leader")
    assert_constant_queries(client, url, add_activities, few=2, many=12)
