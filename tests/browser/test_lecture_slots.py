"""Lecture slots that tell the truth, in Chromium: the topic form offers only free slots (a
taken one shows disabled with the lecture that holds it); a section head asks for an extra
slot and 综合科 grants it; the 工作分工表 then lists it apart from 附表1's eight."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qpdo.org import clock

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "lecture-slots"
HELD = "地下空间平战转换演练复盘"


@pytest.fixture(autouse=True)
def june_is_taken(seeded_transactional_db):
    """This year's campaign (set up from the 2024 notice) with 工程指挥科's June slot taken."""
    from django.contrib.auth import get_user_model

    from campaigns import services as campaign_services
    from campaigns.models import Campaign
    from lectures import services
    from lectures.enums import SpeakerPart
    from lectures.models import Slot
    from qpdo.org.models import Staff
    from qpdo.workflow import services as workflow
    from qpdo.workflow.enums import Action

    users = get_user_model().objects
    year = clock.today().year
    campaign = campaign_services.campaign_copy(
        acting_user=users.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )[0]
    head = users.get(username="gongcheng_head")
    topic = services.topic_create(
        acting_user=head,
        campaign=campaign,
        title=HELD,
        speaker=Staff.objects.get(name="刘洋"),
        event="组织全区人防工程平战转换综合演练",
        event_date=datetime.date(year - 1, 9, 16),
        speaker_part=SpeakerPart.DECIDER,
        summary="从筹划到实施的全过程。",
        preferred_slot=None,
    )
    workflow.approval_submit(subject=topic, acting_user=head)
    for approver in ("zonghe_staff", "office_leader"):
        workflow.approval_transition(
            approval=topic.approval,
            action=Action.APPROVE,
            acting_user=users.get(username=approver),
            opinion="同意。",
        )
    june = Slot.objects.get(campaign=campaign, unit__code="gongcheng", month=6)
    services.lecture_schedule(
        acting_user=users.get(username="zonghe_staff"),
        topic=topic,
        slot=june,
        starts_at=clock.at(year, 6, 27, 14, 30),
        place="区国动办三楼会议室",
    )


def slot_options(page):
    return page.locator("#id_preferred_slot option")


def test_topic_form_offers_only_free_slots(signed_in_page, live_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    head = signed_in_page("gongcheng_head")
    head.goto(live_server.url + "/lectures/topics/new/")
    taken = head.locator("#id_preferred_slot option", has_text="工程指挥科 6月")
    expect(taken).to_be_disabled()
    expect(taken).to_have_text(f"工程指挥科 6月（已安排《{HELD}》，刘洋主讲）")
    free = head.locator("#id_preferred_slot option:not([disabled])")
    expect(free).to_have_text(["不指定", "工程指挥科 7月"])
    head.screenshot(path=str(ARTIFACTS / "topic-form-1366.png"), full_page=True)
    head.set_viewport_size({"width": 390, "height": 844})
    head.screenshot(path=str(ARTIFACTS / "topic-form-390.png"), full_page=True)


def test_section_head_asks_for_an_extra_slot_and_zonghe_grants_it(signed_in_page, live_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    head = signed_in_page("gongcheng_head")
    head.goto(live_server.url + "/lectures/schedule/?view=division")
    expect(head.get_by_text("管理后台 · 讲堂场次")).to_have_count(0)
    head.get_by_role("link", name="申请加开场次").click()
    head.get_by_label("月份").select_option(label="9月")
    head.get_by_label("申请理由").fill("本科室陈志刚、周浩两位同志均有选题，6月、7月场次不足。")
    head.get_by_role("button", name="提交申请").click()
    expect(head.get_by_test_id("slot-request-state")).to_have_text("审核中（综合科审定）")

    coordinator = signed_in_page("zonghe_staff")
    coordinator.goto(live_server.url + "/workflow/todo/")
    coordinator.get_by_role("link", name=re.compile("申请加开9月讲堂场次")).click()
    form = coordinator.get_by_test_id("decision-form")
    form.get_by_role("radio", name="同意", exact=True).check()
    form.get_by_label("意见").fill("同意加开。")
    form.get_by_role("button", name="提交审批意见").click()
    expect(coordinator.get_by_test_id("approval-state")).to_have_text("已通过")

    coordinator.goto(live_server.url + "/lectures/schedule/?view=division")
    extra = coordinator.get_by_test_id("extra-slots")
    row = extra.get_by_role("row", name=re.compile("工程指挥科"))
    expect(row).to_contain_text("9月")
    expect(row).to_contain_text("9")  # the ninth slot, after 附表1's eight
    coordinator.screenshot(path=str(ARTIFACTS / "division-1366.png"), full_page=True)
    coordinator.set_viewport_size({"width": 390, "height": 844})
    coordinator.screenshot(path=str(ARTIFACTS / "division-390.png"), full_page=True)

    head.goto(live_server.url + "/lectures/topics/new/")
    expect(head.locator("#id_preferred_slot option:not([disabled])")).to_have_text(
        ["不指定", "工程指挥科 7月", "工程指挥科 9月"]
    )
