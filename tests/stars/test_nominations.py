"""The 申报表: drafts, complete submissions with the section's opinion, and bad input refused
with a clear message and nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.enums import CompetitionLevel
from campaigns.models import Competition
from qpdo.org import clock
from qpdo.org.models import AuditRecord, Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action, State
from qpdo.workflow.models import Approval, Opinion
from stars import selectors, services
from stars.enums import Source
from stars.models import Nomination, Post

from .conftest import competition_entry, nomination_data, photo_upload, publicize


def _data(demo_user, post_of, nominee="胡晓琳", **overrides):
    staff = Staff.objects.get(name=nominee)
    chosen = overrides.pop("post") if "post" in overrides else post_of("通信警报")
    return nomination_data(staff, chosen, **overrides)


def test_create_draft_may_leave_fields_empty(demo_user, campaign, post):
    head = demo_user("baozhang_head")
    data = _data(demo_user, post, post=None, gender="", deeds="", years_on_post=None, source="")
    nomination = services.nomination_create(acting_user=head, campaign=campaign, **data)
    assert nomination.approval.state == State.DRAFT
    assert nomination.unit == head.staff.unit
    assert nomination.approval.title == "岗位之星申报：胡晓琳（管理保障中心）"
    assert AuditRecord.objects.filter(detail__contains="填报岗位之星申报表").exists()


def test_incomplete_draft_cannot_be_submitted(demo_user, campaign, post):
    head = demo_user("baozhang_head")
    data = _data(demo_user, post, deeds="", years_on_post=None)
    nomination = services.nomination_create(acting_user=head, campaign=campaign, **data)
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.nomination_submit(acting_user=head, nomination=nomination, opinion="同意推荐。")
    assert "申报表尚未填写完整，请填写：在岗年限、主要事迹。" in refused.value.message
    nomination.approval.refresh_from_db()
    assert nomination.approval.state == State.DRAFT
    assert not Opinion.objects.filter(approval=nomination.approval).exists()


def test_submit_signs_the_section_opinion_at_once(make_nomination, demo_user):
    nomination = make_nomination("baozhang_head")
    services.nomination_submit(
        acting_user=demo_user("baozhang_head"), nomination=nomination, opinion="同意推荐。"
    )
    approval = Approval.objects.get(pk=nomination.approval_id)
    assert approval.state == State.IN_REVIEW and approval.step.code == "branch"
    unit_opinion = Opinion.objects.get(approval=approval, step_code="unit")
    assert (unit_opinion.text, unit_opinion.actor_name, unit_opinion.label) == (
        "同意推荐。",
        "徐明",
        "推荐",
    )


def test_submit_needs_the_section_opinion(make_nomination, demo_user):
    nomination = make_nomination("baozhang_head")
    with pytest.raises(ValidationError):
        services.nomination_submit(
            acting_user=demo_user("baozhang_head"), nomination=nomination, opinion="  "
        )
    nomination.approval.refresh_from_db()
    assert nomination.approval.state == State.DRAFT


def test_create_and_submit_failing_keeps_nothing(demo_user, campaign, post):
    """Saving with “提交” and an incomplete form: no 申报表, no approval, no opinion."""
    head = demo_user("baozhang_head")
    before = (Nomination.objects.count(), Approval.objects.count(), Opinion.objects.count())
    with pytest.raises(workflow.TransitionRefused):
        services.nomination_create(
            acting_user=head,
            campaign=campaign,
            **_data(demo_user, post, deeds=""),
            photo=photo_upload(),
            submit_opinion="同意推荐。",
        )
    after = (Nomination.objects.count(), Approval.objects.count(), Opinion.objects.count())
    assert after == before


BAD_INPUT = [
    (
        "deeds",
        {"deeds": "事" * 1501},
        "主要事迹须在1500字以内（不计空格和换行），当前为1501字，请删减1字。",
    ),
    ("birth_month", {"birth_month": datetime.date(2024, 11, 1)}, "出生年月不能晚于当前月份。"),
    ("birth_month", {"birth_month": datetime.date(1930, 1, 1)}, "应在18至70岁之间"),
    ("years_on_post", {"years_on_post": -1}, "在岗年限须为0至45之间的整数（年）。"),
    ("years_on_post", {"years_on_post": 46}, "在岗年限须为0至45之间的整数（年）。"),
    ("years_on_post", {"years_on_post": 30}, "超过了按出生年月推算的最长工作年限"),
    (
        "political_status",
        {"political_status": "无党派"},
        "政治面貌须为中共党员、中共预备党员、共青团员、民主党派成员、群众之一。",
    ),
    ("gender", {"gender": "other"}, "性别只能为男或女。"),
    ("source", {"source": "appointed"}, "产生方式只能为比武竞赛或评选推荐。"),
    ("name", {"name": ""}, "请填写姓名。"),
    (
        "deeds",
        {"deeds": "表现突出👍🏽"},
        "主要事迹中含有申报表上无法打印的字符：👍、🏽（如表情符号），请删除或改用常用字。",
    ),
]


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    BAD_INPUT,
    ids=[b[0] + str(i) for i, b in enumerate(BAD_INPUT)],
)
def test_bad_input_is_refused_by_field_and_nothing_saved(
    demo_user, campaign, post, field, overrides, message
):
    head = demo_user("baozhang_head")
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=head, campaign=campaign, **_data(demo_user, post, **overrides)
        )
    assert message in " ".join(error.value.message_dict[field])
    assert not Nomination.objects.exists()
    assert not Approval.objects.filter(chain_code="stars.nomination").exists()


def test_deeds_of_exactly_1500_characters_are_accepted(demo_user, campaign, post):
    from stars.text import count_chars

    deeds = "\n".join(["该同志爱岗敬业工作扎实。"] * 125)  # 12 × 125; breaks not counted
    assert count_chars(deeds) == 1500 and len(deeds) == 1624
    nomination = services.nomination_create(
        acting_user=demo_user("baozhang_head"),
        campaign=campaign,
        **_data(demo_user, post, deeds=deeds),
    )
    assert nomination.pk


def test_post_not_of_the_year_is_refused(demo_user, campaign, post):
    other_year = campaign.__class__.objects.create(
        name="下一年度实践活动",
        doc_number="青国动〔2025〕1号",
        year=2025,
        start=datetime.date(2025, 3, 1),
        end=datetime.date(2025, 12, 31),
        organiser=campaign.organiser,
    )
    category = post("通信警报").category
    category.pk = None
    category.campaign = other_year
    category.save()
    foreign = Post.objects.create(
        campaign=other_year,
        category=category,
        number=5,
        name="通信警报",
        unit=post("通信警报").unit,
    )
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"),
            campaign=campaign,
            **_data(demo_user, post, post=foreign),
        )
    assert error.value.message_dict["post"] == ["所选工作岗位不在2024年度12个培树岗位之中。"]


def test_nominee_outside_the_section_is_refused(demo_user, campaign, post):
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"),
            campaign=campaign,
            **_data(demo_user, post, nominee="陈志刚"),  # 工程指挥科
        )
    assert error.value.message_dict["nominee"] == [
        "被推荐人须为本科室（民防管理保障中心）在职人员。"
    ]


def test_one_nomination_per_person_and_year(make_nomination, demo_user, campaign, post):
    make_nomination("baozhang_head", nominee="胡晓琳")
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"), campaign=campaign, **_data(demo_user, post)
        )
    assert "同一人每年只能申报一次" in error.value.message_dict["nominee"][0]


def test_recommendation_drops_the_competition(demo_user, campaign, post):
    nomination = services.nomination_create(
        acting_user=demo_user("baozhang_head"),
        campaign=campaign,
        **_data(demo_user, post, source=Source.RECOMMENDATION),
    )
    assert nomination.competition_record is None
    assert selectors.nomination_source_text(nomination) == "评选推荐"
    assert selectors.nomination_competition_text(nomination) == ""


def test_competition_needs_an_entry_to_submit(demo_user, campaign, post):
    head = demo_user("baozhang_head")
    nomination = services.nomination_create(
        acting_user=head, campaign=campaign, **_data(demo_user, post, competition_entry=None)
    )
    with pytest.raises(workflow.TransitionRefused) as refused:
        services.nomination_submit(acting_user=head, nomination=nomination, opinion="同意。")
    assert "比武成绩（从比武记录中选择）" in refused.value.message


def test_the_result_is_read_from_the_competition_record(demo_user, campaign, post):
    hu = Staff.objects.get(name="胡晓琳")
    entry = competition_entry(hu, score="92.5", award="一等奖")
    nomination = services.nomination_create(
        acting_user=demo_user("baozhang_head"),
        campaign=campaign,
        **_data(demo_user, post, competition_entry=entry),
    )
    assert nomination.competition_record == entry.competition
    text = "2024年上海市国动系统通信警报专业技能比武（市级）：一等奖，92.5分"
    assert selectors.nomination_competition_text(nomination) == text
    assert dict(selectors.nomination_form_rows(nomination))["产生方式"] == f"比武竞赛（{text}）"
    # The record is corrected: the 申报表 shows the correction, nothing to retype.
    competition_entry(hu, score="93", award="特等奖")
    fresh = Nomination.objects.get(pk=nomination.pk)
    assert selectors.nomination_competition_text(fresh) == (
        "2024年上海市国动系统通信警报专业技能比武（市级）：特等奖，93分"
    )
    assert selectors.nomination_print_content(fresh)["fields"]["比武成绩"] == (
        "2024年上海市国动系统通信警报专业技能比武（市级）：特等奖，93分"
    )


def test_an_office_competition_prints_the_place_too(demo_user, campaign, post):
    hu = Staff.objects.get(name="胡晓琳")
    entry = competition_entry(hu, score="95", award="", title="办内通信警报业务比武")
    Competition.objects.filter(pk=entry.competition_id).update(level=CompetitionLevel.OFFICE)
    competition_entry(
        Staff.objects.get(name="林涛"), score="97", award="", title=entry.competition.title
    )
    nomination = services.nomination_create(
        acting_user=demo_user("baozhang_head"),
        campaign=campaign,
        **_data(demo_user, post, competition_entry=entry),
    )
    assert selectors.nomination_competition_text(nomination) == (
        "办内通信警报业务比武（办内）：95分，第2名"
    )


def test_an_entry_of_someone_else_is_refused(demo_user, campaign, post):
    other = competition_entry(Staff.objects.get(name="林涛"))
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"),
            campaign=campaign,
            **_data(demo_user, post, competition_entry=other),
        )
    assert error.value.message_dict["competition_entry"] == [
        "所选比武成绩属于林涛，不是被推荐人胡晓琳的成绩。"
    ]


def test_an_entry_without_a_result_is_refused(demo_user, campaign, post):
    empty = competition_entry(Staff.objects.get(name="胡晓琳"), score=None, award="")
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"),
            campaign=campaign,
            **_data(demo_user, post, competition_entry=empty),
        )
    assert "尚未登记胡晓琳的成绩" in error.value.message_dict["competition_entry"][0]


@pytest.mark.parametrize("username", ["member", "party_branch", "party_group", "office_leader"])
def test_only_section_heads_nominate(demo_user, campaign, post, username):
    with pytest.raises(PermissionDenied):
        services.nomination_create(
            acting_user=demo_user(username), campaign=campaign, **_data(demo_user, post)
        )


def test_submitted_nomination_cannot_be_changed(make_nomination, advance, demo_user):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    with pytest.raises(workflow.TransitionRefused):
        services.nomination_update(
            acting_user=demo_user("baozhang_head"),
            nomination=nomination,
            **nomination_data(nomination.nominee, nomination.post, deeds="改写"),
        )


def test_returned_nomination_is_edited_and_resubmitted_in_a_new_round(
    make_nomination, advance, demo_user
):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    workflow.approval_decide(
        subject=nomination,
        acting_user=demo_user("party_branch"),
        decision=Action.RETURN,
        opinion="请补充具体数据。",
    )
    head = demo_user("baozhang_head")
    nomination.approval.refresh_from_db()
    services.nomination_update(
        acting_user=head,
        nomination=nomination,
        **nomination_data(nomination.nominee, nomination.post, deeds="补充后的主要事迹。"),
        submit_opinion="已补充，同意推荐。",
    )
    nomination.refresh_from_db()
    assert nomination.deeds == "补充后的主要事迹。"
    assert nomination.approval.round == 2
    assert nomination.approval.step.code == "branch"


def test_delete_only_a_never_submitted_draft(make_nomination, advance, demo_user):
    head = demo_user("baozhang_head")
    draft = make_nomination("baozhang_head")
    services.nomination_delete(acting_user=head, nomination=draft)
    assert not Nomination.objects.filter(pk=draft.pk).exists()
    submitted = advance(make_nomination("baozhang_head"), to="branch")
    with pytest.raises(PermissionDenied):
        services.nomination_delete(acting_user=head, nomination=submitted)


def test_photo_is_cleaned_and_thumbnailed(demo_user, campaign, post):
    nomination = services.nomination_create(
        acting_user=demo_user("baozhang_head"),
        campaign=campaign,
        **_data(demo_user, post),
        photo=photo_upload(),
    )
    assert nomination.photo.name.startswith("stars/photos/2")
    assert nomination.photo_thumb.name.endswith(".jpg")


def test_nominations_refused_after_announcement(
    approved_nominations, demo_user, star_year, campaign, post
):
    for nomination in approved_nominations(4):
        services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 11, 1)):
        services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            acting_user=demo_user("baozhang_head"),
            campaign=campaign,
            **_data(demo_user, post, nominee="林涛"),
        )
    assert "已公布，不再受理申报" in error.value.messages[0]
