"""报市国动办推广 is a record, not only a date: what was sent (讲述稿, PPT, 视频 — checked by the
upload validators), when, and the city's reply."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from lectures import services
from lectures.models import CityPromotion, Slot
from qpdo.errors import Refused
from qpdo.org import clock
from tests.forms import PageForm


def docx_file(name: str = "讲述稿.docx") -> SimpleUploadedFile:
    document = Document()
    document.add_paragraph("背景与思考")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def delivered(approved_topic, demo_user, campaign):
    topic = approved_topic()
    june = Slot.objects.get(campaign=campaign, number=3)
    lecture = services.lecture_schedule(
        acting_user=demo_user("zonghe_staff"),
        topic=topic,
        slot=june,
        starts_at=clock.at(2024, 6, 27, 14, 30),
        place="三楼会议室",
    )
    services.lecture_record_delivery(
        acting_user=demo_user("zonghe_staff"),
        lecture=lecture,
        held_on=datetime.date(2024, 6, 27),
        held_place="三楼",
    )
    return lecture


def test_promotion_records_materials_date_and_reply(delivered, demo_user):
    staff = demo_user("zonghe_staff")
    services.lecture_record_city_promotion(
        acting_user=staff,
        lecture=delivered,
        sent_on=datetime.date(2024, 7, 2),
        note="推荐展播",
        manuscript_file=docx_file(),
    )
    services.lecture_record_city_promotion(
        acting_user=staff,
        lecture=delivered,
        sent_on=datetime.date(2024, 7, 2),
        reply_on=datetime.date(2024, 7, 9),
        reply="已采用。",
    )
    promotion = CityPromotion.objects.get(lecture=delivered)
    assert promotion.materials() == [("manuscript_file", "讲述稿")]  # kept on the second save
    assert (promotion.reply_on, promotion.reply) == (datetime.date(2024, 7, 9), "已采用。")
    delivered.refresh_from_db()
    assert delivered.promoted_city_on == datetime.date(2024, 7, 2)


@pytest.mark.parametrize(
    ("data", "files", "field"),
    [
        ({"sent_on": datetime.date(2024, 7, 2)}, {}, "manuscript_file"),
        ({"sent_on": datetime.date(2024, 6, 1)}, {"manuscript_file": 1}, "sent_on"),
        (
            {"sent_on": datetime.date(2024, 7, 2), "reply": "已采用"},
            {"manuscript_file": 1},
            "reply_on",
        ),
    ],
)
def test_promotion_refusals(delivered, demo_user, data, files, field):
    files = {k: docx_file() for k in files}
    with pytest.raises(ValidationError) as error:
        services.lecture_record_city_promotion(
            acting_user=demo_user("zonghe_staff"), lecture=delivered, **data, **files
        )
    assert field in error.value.message_dict


def test_only_the_coordinator_records_it(delivered, demo_user):
    with pytest.raises(Refused):
        services.lecture_record_city_promotion(
            acting_user=demo_user("gongcheng_head"),
            lecture=delivered,
            sent_on=datetime.date(2024, 7, 2),
            manuscript_file=docx_file(),
        )


def test_promotion_form_checks_the_video_by_content(client, login, delivered):
    login("zonghe_staff")
    url = f"/lectures/lectures/{delivered.pk}/promotion/"
    form = PageForm.from_response(client.get(url), has_field="sent_on")
    form.fill("sent_on", "2024-07-02")
    form.attach("video", SimpleUploadedFile("讲述.mp4", b"not a video at all"))
    response = form.submit(client)
    assert response.status_code == 200
    assert not CityPromotion.objects.exists()

    form = PageForm.from_response(client.get(url), has_field="sent_on")
    form.fill("sent_on", "2024-07-02").fill("reply_on", "2024-07-09").fill("reply", "已采用")
    form.attach("manuscript_file", docx_file())
    assert form.submit(client).status_code == 302
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert "2024年7月2日报送" in page and "讲述稿" in page and "已采用" in page
    download = client.get(f"/lectures/lectures/{delivered.pk}/promotion/manuscript_file/")
    assert download.status_code == 200


def test_delivery_form_no_longer_takes_the_city_date(client, login, delivered):
    login("zonghe_staff")
    page = client.get(f"/lectures/lectures/{delivered.pk}/delivery/")
    assert "promoted_city_on" not in PageForm.from_response(page, has_field="held_on").names()
