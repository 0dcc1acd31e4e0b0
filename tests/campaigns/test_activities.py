"""People's activities: teams, 岗位带教, 交流锻炼, 比武, 季度之星, 四个够不够 discussions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns import selectors, services
from campaigns.enums import CompetitionLevel, FourQuestions, OutputKind, TeamKind
from campaigns.models import (
    CompetitionEntry,
    Discussion,
    MentorCheckIn,
    MentorPair,
    QuarterStar,
    Rotation,
    Team,
    TeamOutput,
)
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from tests.campaigns.conftest import d, exe_file, pdf_file

at = clock.at


def s(name: str) -> Staff:
    return Staff.objects.select_related("unit").get(name=name)


def messages_of(error) -> str:
    value = error.value
    if hasattr(value, "error_dict"):
        return " ".join(" ".join(v) for v in value.message_dict.values())
    return " ".join(value.messages)


# --- teams ------------------------------------------------------------------------------------


def team_data(task, **overrides):
    data = {
        "kind": TeamKind.ASSAULT,
        "name": "平战转换预案编制攻坚团队",
        "key_task": task(4),
        "topic": "编制全区人防工程平战转换预案。",
        "goals": "形成送审稿。",
        "leader": s("陈志刚"),
        "formed_on": d(5, 8),
        "ends_on": d(10, 31),
    }
    data.update(overrides)
    return data


def test_team_with_members_across_units(campaign, task, demo_user):
    team = services.team_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        **team_data(task),
        members=[
            (s("刘洋"), "现场踏勘"),
            (s("马骏"), ""),
            (s("黄俊杰"), "潜力数据"),
            (s("陈志刚"), ""),
        ],
    )
    assert team.lead_unit.code == "gongcheng"
    members = {m.staff.name: m.duty for m in team.members.select_related("staff")}
    assert members == {"刘洋": "现场踏勘", "马骏": "", "黄俊杰": "潜力数据"}  # the leader once
    units = {m.staff.unit.code for m in team.members.select_related("staff__unit")}
    assert units == {"gongcheng", "baozhang", "dongyuan"}


def test_team_refusals(campaign, task, demo_user):
    with pytest.raises(ValidationError) as error:
        services.team_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **team_data(task, leader=s("黄俊杰"), ends_on=d(5, 1), topic=""),
        )
    message = messages_of(error)
    assert "科室负责人只能组建由本科室人员牵头的团队" in message
    assert "计划完成日期不能早于组建日期" in message and "请填写攻坚课题或任务" in message
    with pytest.raises(ValidationError, match="重复列入"):
        services.team_save(
            acting_user=demo_user("zonghe_head"),
            campaign=campaign,
            **team_data(task),
            members=[(s("刘洋"), ""), (s("刘洋"), "")],
        )
    with pytest.raises(Refused):
        services.team_save(acting_user=demo_user("member"), campaign=campaign, **team_data(task))
    assert not Team.objects.exists()


def test_team_outputs_with_a_file(campaign, task, demo_user):
    team = services.team_save(
        acting_user=demo_user("gongcheng_head"), campaign=campaign, **team_data(task)
    )
    with clock.frozen(at(2024, 8, 21)):
        output = services.team_output_add(
            acting_user=demo_user("gongcheng_head"),
            team=team,
            kind=OutputKind.RESEARCH,
            title="现状调研报告",
            achieved_on=d(8, 20),
            upload=pdf_file("调研报告.pdf"),
        )
        assert output.original_name == "调研报告.pdf"
        with pytest.raises(ValidationError) as error:
            services.team_output_add(
                acting_user=demo_user("gongcheng_head"),
                team=team,
                kind=OutputKind.PLAN,
                title="预案",
                achieved_on=d(9, 1),
                upload=exe_file(),
            )
        message = messages_of(error)
        assert "形成日期不能晚于今天" in message and "不支持的文件类型" in message
        with pytest.raises(Refused):
            services.team_output_add(
                acting_user=demo_user("dongyuan_head"),
                team=team,
                kind=OutputKind.PLAN,
                title="预案",
                achieved_on=d(8, 1),
            )
    assert TeamOutput.objects.filter(team=team).count() == 1


# --- 岗位带教 ------------------------------------------------------------------------------------


def pair_data(**overrides):
    data = {
        "mentor": s("陈志刚"),
        "mentee": s("郑雨欣"),
        "goals": "熟悉审批流程。",
        "starts_on": d(5, 6),
        "ends_on": d(12, 31),
    }
    data.update(overrides)
    return data


def test_mentee_who_is_their_own_mentor_is_refused(campaign, demo_user):
    with pytest.raises(ValidationError) as error:
        services.pair_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **pair_data(mentor=s("郑雨欣")),
        )
    assert error.value.message_dict["mentee"] == ["带教人和被带教人不能是同一人。"]
    assert not MentorPair.objects.exists()


def test_pair_and_check_ins(campaign, demo_user):
    pair = services.pair_save(
        acting_user=demo_user("gongcheng_head"), campaign=campaign, **pair_data()
    )
    with pytest.raises(ValidationError, match="已有陈志刚带教郑雨欣的记录"):
        services.pair_save(
            acting_user=demo_user("gongcheng_head"), campaign=campaign, **pair_data()
        )
    with clock.frozen(at(2024, 6, 1)):
        services.check_in_add(
            acting_user=demo_user("gongcheng_head"),
            pair=pair,
            held_on=d(5, 24),
            content="讲解审批流程。",
        )
        with pytest.raises(ValidationError) as error:
            services.check_in_add(
                acting_user=demo_user("gongcheng_head"),
                pair=pair,
                held_on=d(5, 2),
                content="提前",
            )
        assert "带教记录的日期须在带教期内" in messages_of(error)
        with pytest.raises(ValidationError, match="不能晚于今天"):
            services.check_in_add(
                acting_user=demo_user("gongcheng_head"),
                pair=pair,
                held_on=d(6, 10),
                content="未来",
            )
        with pytest.raises(Refused):
            services.check_in_add(
                acting_user=demo_user("member"),
                pair=pair,
                held_on=d(5, 30),
                content="x",
            )
    assert MentorCheckIn.objects.filter(pair=pair).count() == 1


def test_pair_needs_the_mentees_head(campaign, demo_user):
    with pytest.raises(Refused):
        services.pair_save(acting_user=demo_user("dongyuan_head"), campaign=campaign, **pair_data())
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        services.pair_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **pair_data(ends_on=d(4, 1)),
        )


# --- 交流锻炼 ------------------------------------------------------------------------------------


def test_rotation_within_and_outside_the_office(campaign, demo_user):
    head = demo_user("gongcheng_head")
    inside = services.rotation_save(
        acting_user=head,
        campaign=campaign,
        staff=s("周浩"),
        to_unit=Unit.objects.get(code="dongyuan"),
        post="潜力调查",
        starts_on=d(7, 1),
        ends_on=d(9, 30),
        purpose="熟悉潜力调查。",
    )
    assert (inside.from_unit.code, inside.destination) == ("gongcheng", "动员协调科")
    outside = services.rotation_save(
        acting_user=head,
        campaign=campaign,
        staff=s("郑雨欣"),
        to_name="市国动办",
        post="政务服务",
        starts_on=d(9, 2),
        ends_on=d(11, 29),
        purpose="学习经验。",
    )
    assert outside.destination == "市国动办"
    assert str(outside) == "郑雨欣 赴市国动办交流锻炼"


def test_rotation_refusals(campaign, demo_user):
    base = {
        "staff": s("周浩"),
        "post": "潜力调查",
        "starts_on": d(7, 1),
        "ends_on": d(9, 30),
        "purpose": "熟悉。",
    }
    with pytest.raises(ValidationError) as error:
        services.rotation_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **{**base, "to_unit": Unit.objects.get(code="gongcheng")},
        )
    assert "交流单位不能是本人所在单位（工程指挥科）" in messages_of(error)
    with pytest.raises(ValidationError, match="请选择本系统内的交流单位"):
        services.rotation_save(acting_user=demo_user("gongcheng_head"), campaign=campaign, **base)
    with pytest.raises(Refused):
        services.rotation_save(
            acting_user=demo_user("dongyuan_head"),
            campaign=campaign,
            **{**base, "to_name": "市国动办"},
        )
    assert not Rotation.objects.exists()


# --- 比武 -------------------------------------------------------------------------------------


@pytest.fixture
def contest(campaign, demo_user):
    with clock.frozen(at(2024, 6, 1)):
        return services.competition_save(
            acting_user=demo_user("zonghe_head"),
            campaign=campaign,
            title="潜力调查业务比武",
            discipline="潜力调查",
            level=CompetitionLevel.OFFICE,
            organiser="区国动办",
            held_on=d(6, 20),
            max_score=Decimal(100),
        )


def test_competition_ranking_follows_scores(contest, demo_user):
    with clock.frozen(at(2024, 6, 21)):
        services.competition_results_save(
            acting_user=demo_user("zonghe_head"),
            competition=contest,
            rows=[
                {"staff": s("许婷"), "score": Decimal("88")},
                {"staff": s("黄俊杰"), "score": Decimal("95"), "award": "第一名"},
                {"staff": s("周浩"), "score": Decimal("88")},
                {"staff": s("郑雨欣"), "score": Decimal("80")},
                {"staff": s("杨帆"), "score": None},
            ],
        )
    standings = [(e.staff.name, e.rank) for e in selectors.standings(contest)]
    assert standings[0] == ("黄俊杰", 1)
    assert {standings[1], standings[2]} == {("许婷", 2), ("周浩", 2)}
    assert standings[3:] == [("郑雨欣", 4), ("杨帆", None)]


def test_competition_result_refusals(contest, demo_user):
    with clock.frozen(at(2024, 6, 10)), pytest.raises(ValidationError) as error:
        services.competition_results_save(
            acting_user=demo_user("zonghe_head"),
            competition=contest,
            rows=[{"staff": s("许婷"), "score": Decimal("88")}],
        )
    assert "比武尚未举行" in messages_of(error)
    with clock.frozen(at(2024, 6, 21)), pytest.raises(ValidationError) as error:
        services.competition_results_save(
            acting_user=demo_user("zonghe_head"),
            competition=contest,
            rows=[
                {"staff": s("许婷"), "score": Decimal("120")},
                {"staff": s("许婷"), "score": None},
            ],
        )
    message = messages_of(error)
    assert "不在 0 到满分 100" in message and "许婷重复登记" in message
    with pytest.raises(Refused):
        services.competition_results_save(
            acting_user=demo_user("gongcheng_head"), competition=contest, rows=[]
        )
    assert not CompetitionEntry.objects.exists()


# --- 季度之星 -------------------------------------------------------------------------------------


def test_quarter_star_goes_through_its_chain(campaign, demo_user):
    """科室推荐 → 牵头科室审核 → 办党组评定: only the approved one is a 季度之星."""
    with clock.frozen(at(2024, 7, 1)):
        star = services.quarter_star_recommend(
            acting_user=demo_user("zonghe_head"),
            campaign=campaign,
            quarter=2,
            staff=s("曹文婷"),
            deeds="编印学习资料。",
        )
        assert (star.unit.code, star.chosen_on) == ("zonghe", d(7, 1))
        assert star.approval.state == State.IN_REVIEW and star.approval.step.code == "review"
        assert not selectors.quarter_star_list(campaign=campaign).exists()
        workflow.approval_decide(
            subject=star, acting_user=demo_user("zonghe_head"), decision=Action.APPROVE
        )
        assert not selectors.quarter_star_list(campaign=campaign).exists()
        workflow.approval_decide(
            subject=star, acting_user=demo_user("party_group"), decision=Action.APPROVE
        )
    assert [x.staff.name for x in selectors.quarter_star_list(campaign=campaign)] == ["曹文婷"]
    assert selectors.activity_counts(campaign=campaign)["quarter_stars"] == 1


@pytest.mark.parametrize(
    ("username", "quarter", "name", "refusal"),
    [
        ("zonghe_head", 2, "曹文婷", "本季度已被推荐"),
        ("zonghe_head", 4, "曹文婷", "第四季度尚未开始"),
        ("gongcheng_head", 2, "曹文婷", "只能推荐本科室的人员"),
        ("zonghe_head", 2, "沈建国", "从机关科室和民防管理保障中心"),
        ("zonghe_head", 2, "李静", "每个科室每季度推荐一人"),
        ("gongcheng_head", 2, "刘洋", None),
    ],
)
def test_quarter_star_recommend_rules(campaign, demo_user, username, quarter, name, refusal):
    with clock.frozen(at(2024, 7, 1)):
        services.quarter_star_recommend(
            acting_user=demo_user("zonghe_head"),
            campaign=campaign,
            quarter=2,
            staff=s("曹文婷"),
            deeds="编印学习资料。",
        )
        call = {
            "acting_user": demo_user(username),
            "campaign": campaign,
            "quarter": quarter,
            "staff": s(name),
            "deeds": "事迹。",
        }
        if refusal is None:
            assert services.quarter_star_recommend(**call).approval.state == State.IN_REVIEW
        else:
            with pytest.raises(ValidationError, match=refusal):
                services.quarter_star_recommend(**call)


@pytest.mark.parametrize("username", ["office_leader", "party_group", "member", "zonghe_staff"])
def test_only_section_heads_recommend_quarter_stars(campaign, demo_user, username):
    with clock.frozen(at(2024, 7, 1)), pytest.raises(Refused):
        services.quarter_star_recommend(
            acting_user=demo_user(username),
            campaign=campaign,
            quarter=2,
            staff=s("刘洋"),
            deeds="自荐",
        )
    assert not QuarterStar.objects.exists()


def test_rejected_recommendation_frees_the_sections_place(campaign, demo_user):
    with clock.frozen(at(2024, 7, 1)):
        first = services.quarter_star_recommend(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            quarter=2,
            staff=s("刘洋"),
            deeds="事迹。",
        )
        workflow.approval_decide(
            subject=first,
            acting_user=demo_user("zonghe_head"),
            decision=Action.REJECT,
            opinion="事迹不够突出。",
        )
        with pytest.raises(ValidationError, match="未获通过"):
            services.quarter_star_recommend(
                acting_user=demo_user("gongcheng_head"),
                campaign=campaign,
                quarter=2,
                staff=s("刘洋"),
                deeds="再次推荐。",
            )
        other = Staff.objects.filter(unit__code="gongcheng", is_active=True).exclude(name="刘洋")
        second = services.quarter_star_recommend(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            quarter=2,
            staff=other.first(),
            deeds="事迹。",
        )
    assert second.approval.state == State.IN_REVIEW


def test_returned_recommendation_is_revised_and_handed_in_again(campaign, demo_user):
    with clock.frozen(at(2024, 7, 1)):
        star = services.quarter_star_recommend(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            quarter=2,
            staff=s("刘洋"),
            deeds="事迹。",
        )
        with pytest.raises(ValidationError, match="不能修改"):
            services.quarter_star_update(
                acting_user=demo_user("gongcheng_head"), star=star, deeds="改"
            )
        workflow.approval_decide(
            subject=star,
            acting_user=demo_user("zonghe_head"),
            decision=Action.RETURN,
            opinion="请写具体实绩。",
        )
        star.approval.refresh_from_db()
        with pytest.raises(Refused):
            services.quarter_star_update(
                acting_user=demo_user("dongyuan_head"), star=star, deeds="改"
            )
        services.quarter_star_update(
            acting_user=demo_user("gongcheng_head"), star=star, deeds="带队完成28处工程踏勘。"
        )
    star.refresh_from_db()
    star.approval.refresh_from_db()
    assert star.deeds == "带队完成28处工程踏勘。"
    assert star.approval.state == State.IN_REVIEW and star.approval.round == 2


# --- 四个够不够 ---------------------------------------------------------------------------------


def discussion_data(**overrides):
    data = {
        "unit": Unit.objects.get(code="dongyuan"),
        "held_on": d(6, 11),
        "place": "科室会议室",
        "host": s("赵立新"),
        "questions": [FourQuestions.RESEARCH, FourQuestions.INTEGRITY],
        "minutes": "逐人发言，查摆问题。",
        "problems": "数据更新不及时。",
    }
    data.update(overrides)
    return data


def test_discussion_recorded_with_participants(campaign, demo_user):
    with clock.frozen(at(2024, 6, 12)):
        discussion = services.discussion_save(
            acting_user=demo_user("dongyuan_head"),
            campaign=campaign,
            **discussion_data(),
            participants=[s("孙敏"), s("黄俊杰"), s("许婷")],
            upload=pdf_file("纪要.pdf"),
        )
    names = set(discussion.participants.values_list("name", flat=True))
    assert names == {"赵立新", "孙敏", "黄俊杰", "许婷"}  # the host counts
    assert discussion.original_name == "纪要.pdf"
    units = {
        row["unit"].code: row["count"] for row in selectors.discussion_units(campaign=campaign)
    }
    assert units == {"zonghe": 0, "gongcheng": 0, "dongyuan": 1, "baozhang": 0}


def test_discussion_refusals(campaign, demo_user):
    with clock.frozen(at(2024, 6, 12)):
        with pytest.raises(ValidationError) as error:
            services.discussion_save(
                acting_user=demo_user("dongyuan_head"),
                campaign=campaign,
                **discussion_data(held_on=d(6, 20), questions=[], minutes=""),
                participants=[],
                upload=exe_file(),
            )
        message = messages_of(error)
        for text in (
            "不能晚于今天",
            "参加人员至少 2 人",
            "请至少选择",
            "请填写讨论纪要",
            "不支持的文件类型",
        ):
            assert text in message
        with pytest.raises(Refused):
            services.discussion_save(
                acting_user=demo_user("gongcheng_head"),
                campaign=campaign,
                **discussion_data(),
                participants=[s("孙敏")],
            )
    assert not Discussion.objects.exists()


def test_discussion_minutes_are_scoped(campaign, demo_user):
    with clock.frozen(at(2024, 6, 12)):
        discussion = services.discussion_save(
            acting_user=demo_user("dongyuan_head"),
            campaign=campaign,
            **discussion_data(),
            participants=[s("孙敏")],
        )

    def seen(username):
        return list(selectors.discussion_list_for(user=demo_user(username), campaign=campaign))

    assert seen("dongyuan_head") == [discussion]
    assert seen("office_leader") == [discussion]
    assert seen("gongcheng_head") == []
    assert seen("member") == []
