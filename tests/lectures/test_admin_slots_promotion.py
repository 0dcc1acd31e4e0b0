"""The admin of 加开场次申请 and 报市国动办推广: scoped like the portal (another unit's request
is not listed and its page is a 404), read-only (month, reason, slot and every field of the
promotion are the portal's), the request decided through the engine's decision panel."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lectures import services
from lectures.models import Lecture, Slot
from qpdo.workflow.enums import State
from tests.forms import PageForm

from .test_exports import approve, schedule

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def slot_request(demo_user, campaign):
    return services.slot_request_create(
        acting_user=demo_user("gongcheng_head"), campaign=campaign, month=9, reason="讲述人较多"
    )


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _changelist(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?all=1"


def test_coordinator_grants_a_slot_request_in_the_admin(client, login, slot_request, campaign):
    login("zonghe_staff")
    page = client.get(_change_url(slot_request))
    assert page.status_code == 200
    text = page.content.decode()
    assert "讲述人较多" in text and "9" in text
    assert 'name="month"' not in text and 'name="reason"' not in text  # read-only
    form = PageForm.from_response(page, testid="decision-form")
    form.check("decision", "approve").fill("opinion", "同意加开。")
    response = form.submit(client)
    assert response.status_code == 302
    slot_request.refresh_from_db()
    assert slot_request.approval.state == State.APPROVED
    assert (slot_request.slot.number, slot_request.slot.month) == (9, 9)
    assert Slot.objects.filter(campaign=campaign).count() == 9


def test_slot_request_admin_lists_only_what_the_user_may_read(client, login, slot_request):
    login("office_leader")
    assert client.get(_change_url(slot_request)).status_code == 200
    login("party_group")  # office-wide, but not a reader of the lecture series
    assert client.get(_change_url(slot_request)).status_code in (302, 403, 404)
    assert "讲述人较多" not in client.get(_changelist(slot_request)).content.decode()


def test_nobody_adds_or_changes_a_slot_request_in_the_admin(client, login, slot_request):
    login("zonghe_staff")
    add = reverse("admin:lectures_slotrequest_add")
    assert client.get(add).status_code == 403
    before = (slot_request.month, slot_request.reason)
    client.post(_change_url(slot_request), {"month": 3, "reason": "改"})
    slot_request.refresh_from_db()
    assert (slot_request.month, slot_request.reason) == before


@pytest.fixture
def promotion(make_topic, demo_user, campaign):
    topic = approve(
        make_topic("gongcheng_head", title="人防工程平战转换演练复盘"),
        demo_user,
        head="gongcheng_head",
    )
    lecture = schedule(
        topic,
        demo_user,
        campaign,
        number=3,
        when=datetime.datetime(2024, 6, 18, 6, 30, tzinfo=datetime.UTC),
    )
    services.lecture_record_delivery(
        acting_user=demo_user("zonghe_staff"),
        lecture=lecture,
        held_on=datetime.date(2024, 6, 18),
        held_place="三楼会议室",
        audience_count=40,
        notes="",
    )
    return services.lecture_record_city_promotion(
        acting_user=demo_user("zonghe_staff"),
        lecture=Lecture.objects.get(pk=lecture.pk),
        sent_on=datetime.date(2024, 6, 25),
        note="报送讲述稿",
        slides=SimpleUploadedFile("讲堂.pdf", PDF),
    )


def test_city_promotion_admin_is_read_only_and_scoped(client, login, promotion):
    login("zonghe_staff")
    page = client.get(_change_url(promotion))
    assert page.status_code == 200
    text = page.content.decode()
    assert "报送讲述稿" in text and "PPT" in text
    assert "/media/" not in text  # files only through the lecture page's checked download
    assert 'name="sent_on"' not in text
    assert client.get(reverse("admin:lectures_citypromotion_add")).status_code == 403
    assert "人防工程平战转换演练复盘" in client.get(_changelist(promotion)).content.decode()
    login("party_group")
    assert client.get(_change_url(promotion)).status_code in (302, 403, 404)


def test_promotion_file_is_for_its_readers_only(client, login, promotion):
    url = reverse(
        "lectures:lecture-promotion-file", kwargs={"pk": promotion.lecture_id, "kind": "slides"}
    )
    answers = {}
    for username in (
        "zonghe_staff",
        "office_leader",
        "gongcheng_head",
        "dongyuan_head",
        "member",
        "party_group",
    ):
        login(username)
        answers[username] = client.get(url).status_code
    assert answers == {
        "zonghe_staff": 200,
        "office_leader": 200,
        "gongcheng_head": 200,
        "dongyuan_head": 404,
        "member": 404,
        "party_group": 404,
    }


def test_slot_request_admin_list_runs_a_fixed_number_of_queries(client, login, demo_user, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:lectures_slotrequest_changelist") + "?all=1"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.slot_request_create(
        acting_user=demo_user("gongcheng_head"), campaign=campaign, month=9, reason="一"
    )
    login("zonghe_staff")
    count()  # the first request after a change fills the session and caches
    one = count()
    for head, month in (("dongyuan_head", 10), ("baozhang_head", 11), ("zonghe_head", 12)):
        services.slot_request_create(
            acting_user=demo_user(head), campaign=campaign, month=month, reason="多"
        )
    count()
    assert count() == one
