"""Topics: who may propose, the rules of a topic, scoping of every page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from lectures import services
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff
from tests.utils import assert_constant_queries


def test_speaker_must_be_of_own_unit(make_topic):
    with pytest.raises(ValidationError) as error:
        make_topic("gongcheng_head", speaker=Staff.objects.get(name="黄俊杰"))
    assert "主讲人须为工程指挥科在职人员" in str(error.value.message_dict["speaker"])


@pytest.mark.parametrize(
    ("event_date", "message"),
    [
        (datetime.date(2018, 12, 31), "近五年来"),
        (datetime.date(2030, 1, 1), "不能晚于"),
    ],
)
def test_event_must_lie_in_the_last_five_years(make_topic, event_date, message):
    with clock.frozen(clock.at(2024, 4, 10)), pytest.raises(ValidationError) as error:
        make_topic(event_date=event_date)
    assert message in str(error.value.message_dict["event_date"])


def test_event_from_the_first_year_allowed(make_topic):
    with clock.frozen(clock.at(2024, 4, 10)):
        assert make_topic(event_date=datetime.date(2019, 1, 1)).pk


def test_only_section_heads_propose(client, login, campaign, demo_user):
    with pytest.raises(Refused):
        services.topic_create(
            acting_user=demo_user("member"),
            campaign=campaign,
            title="选题",
            speaker=None,
            event="事件",
            event_date=None,
        )
    login("member")
    assert client.get("/lectures/topics/new/").status_code == 403
    login("zonghe_staff")
    assert client.get("/lectures/topics/new/").status_code == 403


def test_propose_through_the_form_draft_then_submit(campaign, client, login):
    login("gongcheng_head")
    form = client.get("/lectures/topics/new/").content.decode()
    assert "陈志刚" in form and "黄俊杰" not in form  # only own unit's staff offered
    data = {
        "title": "一次演练",
        "speaker": Staff.objects.get(name="陈志刚").pk,
        "event": "组织演练",
        "event_date": "2023-09-16",
        "speaker_part": "decider",
        "summary": "简介",
        "preferred_slot": "",
    }
    response = client.post("/lectures/topics/new/", {**data, "save": "1"}, follow=True)
    assert "草稿已保存" in response.content.decode()
    topic_url = response.redirect_chain[-1][0]
    assert "草稿" in client.get(topic_url).content.decode()
    edit = client.post(
        topic_url + "edit/", {**data, "title": "一次演练（修改）", "submit": "1"}, follow=True
    )
    assert "选题已提交" in edit.content.decode()
    assert "审核中（综合科初评）" in edit.content.decode()


def test_form_shows_errors_and_saves_nothing(campaign, client, login):
    login("gongcheng_head")
    response = client.post(
        "/lectures/topics/new/",
        {
            "title": "旧事",
            "speaker": Staff.objects.get(name="陈志刚").pk,
            "event": "x",
            "event_date": "2010-01-01",
            "speaker_part": "decider",
            "summary": "s",
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert "近五年来" in response.content.decode()
    from lectures.models import Topic

    assert not Topic.objects.filter(title="旧事").exists()


def test_topic_pages_are_404_for_another_unit(client, login, make_topic):
    topic = make_topic("gongcheng_head")
    for username in ("dongyuan_head", "zhujiajiao"):
        login(username)
        for url in (
            f"/lectures/topics/{topic.pk}/",
            f"/lectures/topics/{topic.pk}/edit/",
            f"/admin/lectures/topic/{topic.pk}/change/",
        ):
            assert client.get(url).status_code in (404, 302), (username, url)
        assert topic.title not in client.get("/lectures/topics/").content.decode()
    login("zonghe_staff")  # the coordinator sees every section's topics
    assert client.get(f"/lectures/topics/{topic.pk}/").status_code == 200


def test_coordinator_admin_list_is_scoped_to_what_they_see(client, login, make_topic, demo_user):
    from lectures import selectors

    topics = [make_topic(head) for head in ("dongyuan_head", "gongcheng_head", "zonghe_head")]
    login("zonghe_staff")  # the coordinator reads every section's topics
    listed = client.get("/admin/lectures/topic/?wf_mine=all").context["cl"].result_list
    assert {t.pk for t in listed} == {t.pk for t in topics}
    assert client.get(f"/admin/lectures/topic/{topics[0].pk}/change/").status_code == 200
    # The changelist is the scoped selector: what the coordinator's selector gives, no more.
    expected = selectors.topic_list_for(user=demo_user("zonghe_staff"))
    assert {t.pk for t in listed} == set(expected.values_list("pk", flat=True))


def test_admin_list_lists_exactly_the_sections_topics(client, login, make_topic):
    """The office leader's changelist lists exactly the sections' topics, and reads them; the
    three IT admin roles have no topic changelist at all."""
    ours = make_topic("gongcheng_head")
    theirs = make_topic("dongyuan_head")
    login("office_leader")
    page = client.get("/admin/lectures/topic/?wf_mine=all")
    assert {t.pk for t in page.context["cl"].result_list} == {ours.pk, theirs.pk}
    assert ours.title in page.content.decode() and theirs.title in page.content.decode()
    for username in ("sysadmin", "secadmin", "auditor"):
        login(username)
        response = client.get("/admin/lectures/topic/?wf_mine=all")
        assert response.status_code == 403 and ours.title not in response.content.decode()


def test_topic_list_query_count_is_fixed(client, login, make_topic):
    login("zonghe_staff")
    assert_constant_queries(
        client, "/lectures/topics/", lambda n: [make_topic() for _ in range(n)], few=2, many=25
    )


def test_no_topics_before_the_year_is_set_up(client, login):
    """With the clock in a year without campaign, the form refuses and says who sets it up."""
    year = clock.today().year
    login("gongcheng_head")
    response = client.get("/lectures/topics/new/", follow=True)
    assert f"{year}年度实践活动尚未建立，由综合科建立" in response.content.decode()
    home = client.get("/lectures/").content.decode()
    assert f"{year}年度实践活动尚未建立，由综合科建立" in home
    assert f'href="/campaigns/?year={year}"' in home
