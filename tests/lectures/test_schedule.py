"""Scheduling, delivery, the overview of speakers owed, and the schedule pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lectures import selectors, services
from lectures.models import Lecture, LecturePhoto, Slot
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from tests.utils import assert_constant_queries


def slot(campaign, number: int) -> Slot:
    return Slot.objects.get(campaign=campaign, number=number)


def schedule(topic, number, demo_user, when=None, place="三楼会议室"):
    return services.lecture_schedule(
        acting_user=demo_user("zonghe_staff"),
        topic=topic,
        slot=slot(topic.campaign, number),
        starts_at=when or clock.at(2024, 6, 27, 14, 30),
        place=place,
    )


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (160, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 9.0, 0.0), 3: "E", 4: (121.0, 7.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_schedule_an_approved_topic(approved_topic, demo_user):
    lecture = schedule(approved_topic(), 3, demo_user)
    assert lecture.slot.number == 3 and lecture.scheduled_by.username == "zonghe_staff"


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("not_approved", "topic", "审定通过"),
        ("taken", "slot", "已安排了其他讲述"),
        ("other_unit", "slot", "属于综合科"),
        ("wrong_month", "starts_at", "2024年6月"),
        ("cancelled", "slot", "已取消"),
    ],
)
def test_schedule_refusals(approved_topic, make_topic, demo_user, campaign, case, field, message):
    topic = approved_topic()
    number, when = 3, clock.at(2024, 6, 27, 14, 30)
    if case == "not_approved":
        topic = make_topic()
    elif case == "taken":
        schedule(approved_topic(), 3, demo_user)
    elif case == "other_unit":
        number, when = 1, clock.at(2024, 5, 28, 14, 30)
    elif case == "wrong_month":
        when = clock.at(2024, 7, 2, 14, 30)
    elif case == "cancelled":
        services.slot_cancel(acting_user=demo_user("zonghe_staff"), slot=slot(campaign, 3))
    with pytest.raises(ValidationError) as error:
        schedule(topic, number, demo_user, when=when)
    assert message in " ".join(error.value.message_dict[field])
    assert not Lecture.objects.filter(topic=topic).exists()


def test_only_the_coordinator_schedules(approved_topic, demo_user, client, login):
    topic = approved_topic()
    with pytest.raises(Refused):
        services.lecture_schedule(
            acting_user=demo_user("gongcheng_head"),
            topic=topic,
            slot=slot(topic.campaign, 3),
            starts_at=clock.at(2024, 6, 27),
            place="x",
        )
    login("gongcheng_head")
    assert client.get(f"/lectures/topics/{topic.pk}/schedule/").status_code == 404


def test_cancelling_a_slot_with_a_lecture_is_refused(approved_topic, demo_user):
    lecture = schedule(approved_topic(), 3, demo_user)
    with pytest.raises(ValidationError, match="已安排讲述"):
        services.slot_cancel(acting_user=demo_user("zonghe_staff"), slot=lecture.slot)


def test_moving_a_slot_away_from_its_lecture_is_refused(approved_topic, demo_user, unit):
    lecture = schedule(approved_topic(), 3, demo_user)
    with pytest.raises(ValidationError, match="改月份"):
        services.validate_slot(slot=lecture.slot, month=7, unit=lecture.slot.unit)
    with pytest.raises(ValidationError, match="不能改为其他单位"):
        services.validate_slot(slot=lecture.slot, month=6, unit=unit("zonghe"))


def test_delivery_with_photos_strips_location(approved_topic, demo_user):
    lecture = schedule(approved_topic(), 3, demo_user)
    photo = SimpleUploadedFile("现场.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with clock.frozen(clock.at(2024, 7, 1)):
        services.lecture_record_delivery(
            acting_user=demo_user("zonghe_staff"),
            lecture=lecture,
            held_on=datetime.date(2024, 6, 27),
            audience_count=40,
            held_place="三楼",
            notes="顺利",
            promoted_district_on=None,
            photos=[photo],
        )
    stored = LecturePhoto.objects.get(lecture=lecture)
    with stored.image.open("rb") as handle:
        assert 0x8825 not in Image.open(handle).getexif()
    with stored.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) <= 400


def test_delivery_refusals(approved_topic, demo_user):
    lecture = schedule(approved_topic(), 3, demo_user)
    with clock.frozen(clock.at(2024, 6, 20)), pytest.raises(ValidationError) as error:
        services.lecture_record_delivery(
            acting_user=demo_user("zonghe_staff"),
            lecture=lecture,
            held_on=datetime.date(2024, 6, 27),
        )
    assert "不能晚于今天" in str(error.value.message_dict["held_on"])


def test_delivery_form_refuses_a_fake_photo(approved_topic, demo_user, client, login):
    lecture = schedule(approved_topic(), 3, demo_user)
    login("zonghe_staff")
    response = client.post(
        f"/lectures/lectures/{lecture.pk}/delivery/",
        {
            "held_on": "2024-06-27",
            "held_place": "三楼",
            "audience_count": "30",
            "notes": "",
            "photos": [SimpleUploadedFile("x.jpg", b"not an image")],
        },
    )
    assert "文件内容与扩展名不符" in response.content.decode()
    lecture.refresh_from_db()
    assert lecture.held_on is None and not lecture.photos.exists()


def test_overview_counts_and_owing_sections(approved_topic, make_topic, demo_user, campaign):
    approved_topic("gongcheng_head")
    approved_topic("gongcheng_head", speaker_name="陈志刚")
    returned = make_topic("dongyuan_head")
    workflow.approval_submit(subject=returned, acting_user=demo_user("dongyuan_head"))
    workflow.approval_transition(
        approval=returned.approval,
        action=Action.RETURN,
        acting_user=demo_user("zonghe_staff"),
        opinion="请修改",
    )
    make_topic("zonghe_head")  # a draft counts for nothing
    lines = {
        line.unit.code: line
        for line in selectors.section_overview_for(
            user=demo_user("zonghe_staff"), campaign=campaign
        )
    }
    assert (lines["gongcheng"].proposed, lines["gongcheng"].approved) == (2, 2)
    assert lines["gongcheng"].flag == "green"
    assert (lines["dongyuan"].proposed, lines["dongyuan"].approved) == (1, 0)
    assert lines["dongyuan"].flag == "red" and lines["zonghe"].proposed == 0
    head_lines = selectors.section_overview_for(user=demo_user("gongcheng_head"), campaign=campaign)
    assert [line.unit.code for line in head_lines] == ["gongcheng"]


def test_schedule_pages(approved_topic, demo_user, client, login):
    lecture = schedule(approved_topic(), 3, demo_user)
    login("dongyuan_head")  # all office staff see the schedule
    page = client.get("/lectures/schedule/?view=list").content.decode()
    assert lecture.topic.title in page and "2024年6月27日 14:30" in page
    assert client.get(f"/lectures/lectures/{lecture.pk}/").status_code == 200
    login("zhujiajiao")  # a 街镇 reporter is not office staff
    assert client.get("/lectures/schedule/").status_code == 404
    assert client.get(f"/lectures/lectures/{lecture.pk}/").status_code == 404


SECTION_HEADS = ("gongcheng_head", "zonghe_head", "dongyuan_head", "baozhang_head")


@pytest.fixture
def add_programme_rows(make_topic, demo_user, campaign):
    """add(n): n more approved topics, taking turns across the four sections; each is put in
    its section's next free slot (in the slot's month), so lectures fill all eight slots and the
    topics beyond them wait in 待安排. add.made holds the titles made so far."""
    made: list[str] = []

    def add(n: int) -> None:
        for _ in range(n):
            head = SECTION_HEADS[len(made) % len(SECTION_HEADS)]
            topic = make_topic(head, title=f"第{len(made) + 1:02d}号讲述选题")
            workflow.approval_submit(subject=topic, acting_user=demo_user(head))
            for approver in ("zonghe_staff", "office_leader"):
                workflow.approval_transition(
                    approval=topic.approval, action=Action.APPROVE, acting_user=demo_user(approver)
                )
            free = (
                Slot.objects.filter(campaign=campaign, unit=topic.unit, lecture__isnull=True)
                .order_by("number")
                .first()
            )
            if free is not None:
                schedule(topic, free.number, demo_user, when=clock.at(2024, free.month, 20, 14, 30))
            made.append(topic.title)

    add.made = made
    return add


@pytest.mark.parametrize(
    "url", ["/lectures/schedule/?view=list", "/lectures/schedule/", "/lectures/"]
)
def test_schedule_pages_query_count_is_fixed(add_programme_rows, client, login, campaign, url):
    login("zonghe_staff")
    # 2 lectures first, then 6 more (all eight slots taken) and 4 approved topics to schedule.
    assert_constant_queries(client, url, add_programme_rows, few=2, many=10)
    scheduled = list(
        Lecture.objects.filter(slot__campaign=campaign).values_list("topic__title", flat=True)
    )
    assert len(scheduled) == 8
    page = client.get(url).content.decode()
    assert all(title in page for title in scheduled)
    if url != "/lectures/":  # the schedule also lists the approved topics still waiting
        assert all(title in page for title in add_programme_rows.made)
