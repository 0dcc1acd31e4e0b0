"""公示 before 公布: the chosen four are published for a 公示 (default 5 working days, weekends
skipped), objections are recorded with their handling, and 公布 waits for the period's end
with every objection concluded — refused with the reason otherwise."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qpdo.org import clock
from qpdo.org.models import AuditRecord
from stars import selectors, services
from stars.admin import ObjectionAdmin
from stars.enums import ObjectionResult
from tests.forms import PageForm

from .conftest import publicize


@pytest.fixture
def four_stars(approved_nominations, demo_user):
    nominations = approved_nominations(4)
    for nomination in nominations:
        services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    return nominations


def announce(demo_user, star_year, on=(2024, 11, 1)):
    with clock.frozen(clock.at(*on)):
        return services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2024, 10, 29), datetime.date(2024, 11, 4)),  # Tue → Mon (weekend skipped)
        (datetime.date(2024, 10, 28), datetime.date(2024, 11, 1)),  # Mon → Fri
        (datetime.date(2024, 11, 2), datetime.date(2024, 11, 8)),  # a Saturday start: Mon–Fri
    ],
)
def test_default_period_is_five_working_days(start, end):
    assert selectors.publicity_end(start, 5) == end


def test_publicize_defaults_to_today_and_five_working_days(four_stars, demo_user, star_year):
    with clock.frozen(clock.at(2024, 10, 29)):
        services.stars_publicize(acting_user=demo_user("party_group"), star_year=star_year)
    star_year.refresh_from_db()
    assert (star_year.publicity_starts_on, star_year.publicity_ends_on) == (
        datetime.date(2024, 10, 29),
        datetime.date(2024, 11, 4),
    )
    assert AuditRecord.objects.filter(detail__startswith="公示2024年度“岗位之星”人选").exists()


def test_publicize_needs_the_full_quota_and_the_party_group(
    approved_nominations, demo_user, star_year
):
    nomination = approved_nominations(1)[0]
    services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    with pytest.raises(ValidationError) as error:
        services.stars_publicize(acting_user=demo_user("party_group"), star_year=star_year)
    assert error.value.messages == [
        "2024年度“岗位之星”名额为4名，目前已确定1名，须确定满4名后方可公示。"
    ]
    with pytest.raises(PermissionDenied):
        services.stars_publicize(acting_user=demo_user("party_branch"), star_year=star_year)


def test_announce_is_refused_before_publicity_and_during_it(four_stars, demo_user, star_year):
    with pytest.raises(ValidationError) as error:
        announce(demo_user, star_year)
    assert error.value.messages == [
        "2024年度“岗位之星”人选尚未公示：须先公示，公示期满后方可公布。"
    ]
    publicize(demo_user, star_year, on=(2024, 10, 29), ends=(2024, 11, 4))
    with pytest.raises(ValidationError) as error:
        announce(demo_user, star_year, on=(2024, 11, 4))  # the last day of the 公示
    assert error.value.messages == ["公示期为2024年10月29日至2024年11月4日，期满后方可公布。"]
    announce(demo_user, star_year, on=(2024, 11, 5))
    star_year.refresh_from_db()
    assert star_year.is_announced


def test_an_open_objection_holds_the_announcement_until_handled(four_stars, demo_user, star_year):
    star_year = publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 10, 30)):
        objection = services.objection_record(
            acting_user=demo_user("party_branch"),
            star_year=star_year,
            nomination=four_stars[0],
            received_on=datetime.date(2024, 10, 30),
            raised_by="某科室同志",
            content="反映其比武成绩与事迹材料不一致。",
        )
    with pytest.raises(ValidationError) as error:
        announce(demo_user, star_year)
    assert error.value.messages == ["尚有1件公示异议未办结（涉及胡晓琳），办结后方可公布。"]
    with clock.frozen(clock.at(2024, 10, 31)):
        services.objection_handle(
            acting_user=demo_user("party_branch"),
            objection=objection,
            handling="经核对比武记录，成绩一致，已向反映人说明。",
            result=ObjectionResult.NOT_UPHELD,
        )
    objection.refresh_from_db()
    assert (objection.handled_by_name, objection.result) == ("蒋丽华", ObjectionResult.NOT_UPHELD)
    assert objection.handled_at.date() == datetime.date(2024, 10, 31)
    with pytest.raises(ValidationError, match="该异议已由蒋丽华于2024年10月31日办结"):
        services.objection_handle(
            acting_user=demo_user("party_group"),
            objection=objection,
            handling="再办一次",
            result=ObjectionResult.UPHELD,
        )
    announce(demo_user, star_year)


def test_an_upheld_objection_needs_new_choice_and_new_publicity(
    four_stars, approved_nominations, demo_user, star_year
):
    star_year = publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 10, 30)):
        objection = services.objection_record(
            acting_user=demo_user("party_group"),
            star_year=star_year,
            nomination=four_stars[1],
            received_on=datetime.date(2024, 10, 30),
            raised_by="",
            content="反映其事迹中的数据有误。",
        )
        services.objection_handle(
            acting_user=demo_user("party_group"),
            objection=objection,
            handling="经核查属实，报办党组研究调整。",
            result=ObjectionResult.UPHELD,
        )
    with pytest.raises(ValidationError) as error:
        announce(demo_user, star_year)
    assert "对黄俊杰的异议经核查属实：须撤销公示、调整人选并重新公示后方可公布。" in (
        error.value.messages
    )
    star = four_stars[1].star
    with pytest.raises(ValidationError, match="正在公示"):
        services.star_unselect(acting_user=demo_user("party_group"), star=star)
    with pytest.raises(ValidationError, match="请填写撤销公示的原因"):
        services.stars_publicity_withdraw(
            acting_user=demo_user("party_group"), star_year=star_year, reason=" "
        )
    services.stars_publicity_withdraw(
        acting_user=demo_user("party_group"), star_year=star_year, reason="异议属实，调整人选。"
    )
    services.star_unselect(acting_user=demo_user("party_group"), star=star)
    replacement = approved_nominations(5)[4]
    services.star_select(acting_user=demo_user("party_group"), nomination=replacement)
    publicize(demo_user, star_year, on=(2024, 11, 1), ends=(2024, 11, 7))
    announce(demo_user, star_year, on=(2024, 11, 8))


def test_objections_are_recorded_only_for_a_star_during_publicity(
    four_stars, approved_nominations, demo_user, star_year
):
    record = {
        "received_on": datetime.date(2024, 10, 30),
        "raised_by": "",
        "content": "反映意见。",
    }
    with pytest.raises(ValidationError, match="只有公示期间"):
        services.objection_record(
            acting_user=demo_user("party_branch"),
            star_year=star_year,
            nomination=four_stars[0],
            **record,
        )
    star_year = publicize(demo_user, star_year)
    with pytest.raises(PermissionDenied):
        services.objection_record(
            acting_user=demo_user("baozhang_head"),
            star_year=star_year,
            nomination=four_stars[0],
            **record,
        )
    with clock.frozen(clock.at(2024, 10, 30)), pytest.raises(ValidationError) as error:
        services.objection_record(
            acting_user=demo_user("party_branch"),
            star_year=star_year,
            nomination=approved_nominations(5)[4],
            **{**record, "received_on": datetime.date(2024, 10, 1)},
        )
    assert set(error.value.message_dict) == {"nomination", "received_on"}


def test_selection_page_and_workspace_show_the_publicity(
    client, login, four_stars, demo_user, star_year
):
    login("party_group")
    page = client.get("/stars/selection/")
    form = PageForm.from_response(page, testid="publicize-form")
    with clock.frozen(clock.at(2024, 10, 29)):
        response = form.submit(client)
    assert response.status_code == 302
    star_year.refresh_from_db()
    assert star_year.publicity_ends_on == datetime.date(2024, 11, 4)
    with clock.frozen(clock.at(2024, 10, 30)):
        text = client.get("/stars/selection/").content.decode()
        assert "公示期：<strong>2024年10月29日</strong> 至 <strong>2024年11月4日</strong>" in text
        assert "暂不能公布：公示期为2024年10月29日至2024年11月4日，期满后方可公布。" in text
        login("party_branch")
        objection = PageForm.from_response(client.get("/stars/selection/"), testid="objection-form")
        objection.fill("nomination", four_stars[2].pk).fill("received_on", "2024-10-30")
        objection.fill("content", "反映一件事。").submit(client)
        home = client.get("/").content.decode()
    assert "人选公示：2024年10月29日至2024年11月4日（公示中）" in home
    assert "1 件异议待办结" in home


def test_objections_are_read_as_their_nomination_is_in_the_admin_too(
    four_stars, demo_user, star_year
):
    star_year = publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 10, 30)):
        objection = services.objection_record(
            acting_user=demo_user("party_branch"),
            star_year=star_year,
            nomination=four_stars[0],
            received_on=datetime.date(2024, 10, 30),
            raised_by="某科室同志",
            content="反映其比武成绩与事迹材料不一致。",
        )
    own_unit = four_stars[0].unit
    for username in ("party_branch", "party_group", "office_leader"):
        assert objection in selectors.objection_list_for(user=demo_user(username))
    for username in ("outreach_reviewer", "zonghe_staff", "zhujiajiao"):
        assert objection not in selectors.objection_list_for(user=demo_user(username))
    other_heads = [
        name
        for name in ("zonghe_head", "gongcheng_head", "dongyuan_head", "baozhang_head")
        if demo_user(name).staff.unit_id != own_unit.pk
    ]
    assert other_heads
    for username in other_heads:
        assert objection not in selectors.objection_list_for(user=demo_user(username))
    # the admin asks the same selector
    assert "objection_list_for" in ObjectionAdmin.get_queryset.__code__.co_names
