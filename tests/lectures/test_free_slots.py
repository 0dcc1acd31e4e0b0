"""The topic and scheduling forms offer only free slots; a taken slot is shown disabled with
the lecture that holds it, and the server refuses it too (the refusal no longer waits for
综合科 to save)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from lectures import services
from lectures.models import Slot
from qpdo.org import clock
from tests.forms import PageForm


def slot(campaign, number: int) -> Slot:
    return Slot.objects.get(campaign=campaign, number=number)


@pytest.fixture
def june_taken(approved_topic, demo_user, campaign):
    """工程指挥科's June slot holds a lecture (as in the demo)."""
    topic = approved_topic(title="平战转换演练复盘")
    june = slot(campaign, 3)
    services.lecture_schedule(
        acting_user=demo_user("zonghe_staff"),
        topic=topic,
        slot=june,
        starts_at=clock.at(2024, june.month, 27, 14, 30),
        place="三楼会议室",
    )
    return june


def options(html: str, select_id: str) -> list[tuple[str, bool, str]]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return [
        (value, bool(disabled), label.strip())
        for value, disabled, label in re.findall(
            r'<option value="([^"]*)"[^>]*?( disabled)?[^>]*>([^<]*)</option>', select
        )
    ]


def test_topic_form_shows_taken_slot_disabled_with_its_lecture(client, login, june_taken):
    login("gongcheng_head")
    html = client.get("/lectures/topics/new/").content.decode()
    listed = options(html, "id_preferred_slot")
    taken = [o for o in listed if o[0] == str(june_taken.pk)]
    assert taken == [
        (str(june_taken.pk), True, "工程指挥科 6月（已安排《平战转换演练复盘》，刘洋主讲）")
    ]
    free = [label for value, disabled, label in listed if value and not disabled]
    assert free == ["工程指挥科 7月"]


def test_topic_form_refuses_a_taken_slot_posted_anyway(client, login, june_taken, campaign):
    login("gongcheng_head")
    form = PageForm.from_response(client.get("/lectures/topics/new/"), has_field="title")
    assert str(june_taken.pk) not in form.options("preferred_slot")
    assert str(slot(campaign, 4).pk) in form.options("preferred_slot")
    form.fill("title", "另一个选题").fill("event", "组织演练").fill("event_date", "2023-09-16")
    form.fill("summary", "简介").fill("speaker", form.options("speaker")[1])
    form.fill("speaker_part", form.options("speaker_part")[1])
    data = form.data()
    data["preferred_slot"] = str(june_taken.pk)  # the disabled option, forced
    response = client.post("/lectures/topics/new/", data)
    assert response.status_code == 200
    assert "请选择空余场次" in response.content.decode()


def test_service_refuses_a_taken_preferred_slot(make_topic, june_taken):
    with pytest.raises(ValidationError, match="已安排《平战转换演练复盘》"):
        make_topic("gongcheng_head", preferred_slot=june_taken)


def test_schedule_form_offers_only_free_slots(client, login, approved_topic, june_taken):
    topic = approved_topic(title="第二个选题")
    login("zonghe_staff")
    html = client.get(f"/lectures/topics/{topic.pk}/schedule/").content.decode()
    listed = options(html, "id_slot")
    assert [(label, disabled) for value, disabled, label in listed if value] == [
        ("工程指挥科 6月（已安排《平战转换演练复盘》，刘洋主讲）", True),
        ("工程指挥科 7月", False),
    ]
