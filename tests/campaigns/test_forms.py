"""The campaign's forms in the browser's place: each saves through its service, shows the
service's Chinese refusal on the form, and edit pages start from what is stored."""

from __future__ import annotations

import pytest

from campaigns.enums import ItemKind
from campaigns.models import (
    Competition,
    CompetitionEntry,
    Discussion,
    MentorCheckIn,
    MentorPair,
    QuarterStar,
    Recheck,
    Rotation,
    Team,
    TeamOutput,
)
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from tests.campaigns.conftest import d, pdf_file
from tests.forms import PageForm
from tests.utils import element_text


def pk(name: str) -> int:
    return Staff.objects.get(name=name).pk


def unit(code: str) -> int:
    return Unit.objects.get(code=code).pk


def test_team_pages(campaign, task, client, login):
    login("gongcheng_head")
    assert client.get("/campaigns/2024/teams/new/").status_code == 200
    response = client.post(
        "/campaigns/2024/teams/new/",
        {
            "kind": "assault",
            "name": "预案编制攻坚团队",
            "key_task": task(4).pk,
            "topic": "编制预案。",
            "leader": pk("陈志刚"),
            "members": [pk("刘洋"), pk("马骏")],
            "formed_on": "2024-05-08",
        },
    )
    team = Team.objects.get()
    assert response["Location"] == team.get_absolute_url()
    edit = client.get(f"/campaigns/2024/teams/{team.pk}/edit/")
    assert edit.status_code == 200
    assert {s.name for s in edit.context["form"].initial["members"]} == {"刘洋", "马骏"}
    with clock.frozen(clock.at(2024, 8, 21)):
        client.post(
            f"/campaigns/2024/teams/{team.pk}/outputs/",
            {
                "kind": "research",
                "title": "调研报告",
                "achieved_on": "2024-08-20",
                "file": pdf_file(),
            },
        )
    output = TeamOutput.objects.get()
    assert client.get(f"/campaigns/2024/outputs/{output.pk}/file/").status_code == 200
    login("dongyuan_head")
    assert client.get(f"/campaigns/2024/teams/{team.pk}/edit/").status_code == 404
    assert client.get(f"/campaigns/2024/teams/{team.pk}/").status_code == 200


def test_pair_pages(campaign, client, login):
    login("gongcheng_head")
    same = client.post(
        "/campaigns/2024/mentoring/new/",
        {
            "mentor": pk("郑雨欣"),
            "mentee": pk("郑雨欣"),
            "goals": "熟悉业务。",
            "starts_on": "2024-05-06",
            "ends_on": "2024-12-31",
        },
    )
    assert same.status_code == 200
    assert "带教人和被带教人不能是同一人" in same.content.decode()
    assert not MentorPair.objects.exists()
    client.post(
        "/campaigns/2024/mentoring/new/",
        {
            "mentor": pk("陈志刚"),
            "mentee": pk("郑雨欣"),
            "goals": "熟悉业务。",
            "starts_on": "2024-05-06",
            "ends_on": "2024-12-31",
        },
    )
    pair = MentorPair.objects.get()
    assert client.get(f"/campaigns/2024/mentoring/{pair.pk}/edit/").status_code == 200
    with clock.frozen(clock.at(2024, 6, 1)):
        early = client.post(
            f"/campaigns/2024/mentoring/{pair.pk}/", {"held_on": "2024-05-01", "content": "早"}
        )
        assert "带教记录的日期须在带教期内" in early.content.decode()
        client.post(
            f"/campaigns/2024/mentoring/{pair.pk}/",
            {"held_on": "2024-05-24", "content": "讲解流程"},
        )
    assert MentorCheckIn.objects.filter(pair=pair).count() == 1
    login("member")  # a colleague sees the pair, not the check-ins
    page = client.get(f"/campaigns/2024/mentoring/{pair.pk}/")
    assert page.context["check_ins"] is None and page.context["check_in_count"] == 1


def test_rotation_pages(campaign, client, login):
    login("gongcheng_head")
    data = {
        "staff": pk("周浩"),
        "to_unit": unit("gongcheng"),
        "post": "潜力调查",
        "starts_on": "2024-07-01",
        "ends_on": "2024-09-30",
        "purpose": "熟悉业务。",
    }
    refused = client.post("/campaigns/2024/rotations/new/", data)
    assert "交流单位不能是本人所在单位" in refused.content.decode()
    data["to_unit"] = unit("dongyuan")
    assert client.post("/campaigns/2024/rotations/new/", data).status_code == 302
    rotation = Rotation.objects.get()
    edit = client.get(f"/campaigns/2024/rotations/{rotation.pk}/edit/")
    assert edit.context["form"].initial["post"] == "潜力调查"


def test_competition_pages(campaign, client, login):
    login("zonghe_head")
    client.post(
        "/campaigns/2024/competitions/new/",
        {
            "title": "潜力调查业务比武",
            "discipline": "潜力调查",
            "level": "office",
            "organiser": "区国动办",
            "held_on": "2024-06-20",
            "max_score": "100",
        },
    )
    competition = Competition.objects.get()
    url = f"/campaigns/2024/competitions/{competition.pk}/results/"
    form = PageForm.from_response(client.get(url), testid="results-form")
    # Four blank rows are offered; two are filled, the others stay blank.
    assert form.value("entries-TOTAL_FORMS") == "4"
    form.fill("entries-0-staff", pk("黄俊杰")).fill("entries-0-score", "95")
    form.fill("entries-0-award", "第一名")
    form.fill("entries-1-staff", pk("许婷")).fill("entries-1-score", "120")
    refused = form.submit(client)
    assert "不在 0 到满分 100" in refused.content.decode()
    assert not CompetitionEntry.objects.exists()
    again = PageForm.from_response(refused, testid="results-form")
    assert again.value("entries-0-staff") == str(pk("黄俊杰"))
    assert again.fill("entries-1-score", "88").submit(client)["Location"] == (
        competition.get_absolute_url()
    )
    standings = client.get(competition.get_absolute_url()).context["entries"]
    assert [(e.staff.name, e.rank) for e in standings] == [("黄俊杰", 1), ("许婷", 2)]
    login("gongcheng_head")
    assert client.get(url).status_code == 404


def test_quarter_star_page(campaign, client, login):
    """A 科室负责人 recommends from their own 科室 only; the page lists it with its state."""
    login("gongcheng_head")
    with clock.frozen(clock.at(2024, 7, 5)):
        page = client.get("/campaigns/2024/quarter-stars/new/")
        offered = {str(p.pk) for p in page.context["form"].fields["staff"].queryset}
        assert str(pk("刘洋")) in offered and str(pk("曹文婷")) not in offered
        form = PageForm.from_response(page, has_field="deeds")
        form.fill("quarter", "2").fill("staff", str(pk("刘洋"))).fill("deeds", "编印学习资料。")
        response = form.submit(client)
        assert response["Location"] == "/campaigns/2024/quarter-stars/"
        listing = client.get("/campaigns/2024/quarter-stars/")
    star = QuarterStar.objects.get()
    assert star.staff.name == "刘洋" and star.approval.state == "in_review"
    assert "牵头科室审核" not in element_text(listing.content.decode(), "quarter-stars")
    assert "审核中" in element_text(listing.content.decode(), "quarter-star-recommendations")
    login("office_leader")
    assert client.get("/campaigns/2024/quarter-stars/new/").status_code == 403
    login("dongyuan_head")
    listing = client.get("/campaigns/2024/quarter-stars/")
    assert "刘洋" not in element_text(listing.content.decode(), "quarter-star-recommendations")


def test_discussion_pages(campaign, client, login):
    login("dongyuan_head")
    form = {
        "unit": unit("dongyuan"),
        "held_on": "2024-06-11",
        "place": "科室会议室",
        "host": pk("赵立新"),
        "participants": [pk("孙敏"), pk("黄俊杰")],
        "questions": ["research", "integrity"],
        "minutes": "逐人发言。",
        "file": pdf_file("纪要.pdf"),
    }
    with clock.frozen(clock.at(2024, 6, 12)):
        response = client.post("/campaigns/2024/discussions/new/", form)
    discussion = Discussion.objects.get()
    assert response["Location"] == discussion.get_absolute_url()
    page = client.get(discussion.get_absolute_url())
    assert [p.name for p in page.context["participants"]] == ["赵立新", "孙敏", "黄俊杰"]
    assert client.get(f"/campaigns/2024/discussions/{discussion.pk}/file/").status_code == 200
    login("gongcheng_head")
    assert client.get(discussion.get_absolute_url()).status_code == 404


def test_item_edit_and_recheck_pages(campaign, done_item, make_item, client, login):
    item = make_item(unit="gongcheng", owner="刘洋", milestones=[("完成调研", d(5, 31))])
    login("gongcheng_head")
    edit = client.get(f"/campaigns/2024/items/{item.pk}/edit/")
    assert edit.context["form"].initial["title"] == item.title
    assert edit.context["formset"].initial[0]["title"] == "完成调研"
    closed = done_item(
        kind=ItemKind.RECTIFICATION, unit="gongcheng", owner="刘洋", recheck_on=d(9, 30)
    )
    refused = client.get(f"/campaigns/2024/items/{closed.pk}/edit/", follow=True)
    assert refused.redirect_chain[-1][0] == closed.get_absolute_url()
    assert "不能再修改" in refused.content.decode()
    assert refused.context["may_edit"] is False
    with clock.frozen(clock.at(2024, 9, 30, 9)):
        refused = client.post(
            f"/campaigns/2024/items/{closed.pk}/recheck/",
            {"checked_on": "2024-09-30", "outcome": "relapsed", "note": "问题反弹。"},
        )
        assert "须确定再整改的完成时限" in refused.content.decode()
        client.post(
            f"/campaigns/2024/items/{closed.pk}/recheck/",
            {"checked_on": "2024-09-30", "outcome": "consolidated", "note": "已巩固。"},
        )
    assert Recheck.objects.get(item=closed).get_outcome_display() == "整改成果巩固"


@pytest.mark.parametrize("username", ["member", "dongyuan_head"])
def test_report_edit_page_is_for_the_unit(
    campaign, make_item, make_report, client, login, username
):
    report = make_report(
        make_item(unit="gongcheng", owner="陈志刚"), submit=False, text="完成预案初稿。", percent=40
    )
    login("gongcheng_head")
    response = client.get(f"/campaigns/2024/reports/{report.pk}/edit/")
    form = PageForm.from_response(response, testid="report-form")
    assert form.value("text") == "完成预案初稿。" and form.value("percent") == "40"
    login(username)
    response = client.get(f"/campaigns/2024/reports/{report.pk}/edit/")
    assert response.status_code == 404
    assert "完成预案初稿。" not in response.content.decode()
