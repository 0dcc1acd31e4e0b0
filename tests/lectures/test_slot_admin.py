"""综合科 adds and moves 附表1's slots on the admin pages: the save goes through a service
(audited, refused for a slot that holds a lecture), and a slot's state — cancelled or not — is
not a field there (it is cancelled on the schedule page, by `slot_cancel`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from lectures.models import Slot
from qpdo.org.models import AuditRecord
from tests.forms import PageForm

from .test_exports import approve, schedule


def _change(slot: Slot) -> str:
    return reverse("admin:lectures_slot_change", args=[slot.pk])


def test_coordinator_moves_a_free_slot_and_the_move_is_audited(client, login, campaign, demo_user):
    slot = (
        Slot.objects.filter(campaign=campaign)
        .filter(lecture__isnull=True, is_cancelled=False)
        .first()
    )
    assert slot is not None
    login("zonghe_staff")
    page = client.get(_change(slot))
    assert 'name="is_cancelled"' not in page.content.decode()  # the state is not a field
    new_month = 12 if slot.month != 12 else 11
    form = PageForm.from_response(page, form_id="slot_form")
    response = form.fill("month", new_month).submit(client, button="_save")
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.month == new_month
    assert AuditRecord.objects.filter(
        actor=demo_user("zonghe_staff"), detail=f"调整场次：{slot}"
    ).exists()


def test_a_post_cannot_cancel_a_slot_through_the_admin(client, login, campaign):
    slot = Slot.objects.filter(campaign=campaign, is_cancelled=False).first()
    login("zonghe_staff")
    form = PageForm.from_response(client.get(_change(slot)), form_id="slot_form")
    data = {**form.data(), "is_cancelled": "on", "_save": "保存"}
    client.post(_change(slot), data)
    slot.refresh_from_db()
    assert slot.is_cancelled is False


def test_a_slot_holding_a_lecture_keeps_its_month(client, login, campaign, make_topic, demo_user):
    topic = approve(
        make_topic("gongcheng_head", title="人防工程维护管理"), demo_user, head="gongcheng_head"
    )
    when = datetime.datetime(2024, 6, 18, 6, 30, tzinfo=datetime.UTC)
    slot = schedule(topic, demo_user, campaign, number=3, when=when).slot
    login("zonghe_staff")
    form = PageForm.from_response(client.get(_change(slot)), form_id="slot_form")
    response = form.fill("month", 1 if slot.month != 1 else 2).submit(client, button="_save")
    assert response.status_code == 200
    assert "该场次已安排讲述" in response.content.decode()
    before = slot.month
    slot.refresh_from_db()
    assert slot.month == before
