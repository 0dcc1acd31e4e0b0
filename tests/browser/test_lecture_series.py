"""The lecture series end to end in Chromium: a section head proposes a topic, 综合科 screens
it, 办领导 approves it, 综合科 schedules it, and it shows on the schedule page and in the .ics."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from qpdo.org import clock

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "lecture-series"
TITLE = "国防动员潜力调查数据平台建设纪实"


def decide(page, text: str) -> None:
    form = page.get_by_test_id("decision-form")
    form.get_by_role("radio", name="同意", exact=True).check()
    form.get_by_label("意见").fill(text)
    form.get_by_role("button", name="提交审批意见").click()


@pytest.fixture(autouse=True)
def in_this_years_campaign(seeded_transactional_db, clock_at):
    """The walk runs on 10 October of the test clock's year, in that year's campaign (set up
    from the 2024 notice): the topic's event is last year's, the lecture goes into August."""
    from django.contrib.auth import get_user_model

    from campaigns import services as campaign_services
    from campaigns.models import Campaign

    year = clock.today().year
    campaign_services.campaign_copy(
        acting_user=get_user_model().objects.get(username="zonghe_head"),
        source=Campaign.objects.get(year=2024),
        year=year,
        doc_number=f"青国动〔{year}〕7号",
    )
    clock_at(year, 10, 10)


def test_topic_from_proposal_to_schedule(signed_in_page, live_server):
    year = clock.today().year
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    head = signed_in_page("dongyuan_head")
    head.goto(live_server.url + "/lectures/")
    head.get_by_role("link", name="推荐选题").first.click()
    head.get_by_label("选题名称").fill(TITLE)
    head.locator("#id_speaker").select_option(label="黄俊杰（科员（潜力调查））")
    head.get_by_label("讲述事件").fill("建设区国防动员潜力调查数据平台")
    head.get_by_label("事件时间").fill(f"{year - 1}-03-20")
    head.get_by_label("主讲人在事件中的角色").select_option(label="参与者")
    head.get_by_label("选题简介").fill("用数据说话，让潜力看得见、调得动。")
    head.locator("#id_preferred_slot").select_option(label="动员协调科 8月")
    head.get_by_role("button", name="保存并提交").click()
    expect(head.get_by_test_id("topic-state")).to_have_text("审核中（综合科初评）")

    coordinator = signed_in_page("zonghe_staff")
    coordinator.goto(live_server.url + "/workflow/todo/")
    coordinator.get_by_role("link", name=re.compile(TITLE)).click()
    decide(coordinator, "同意推荐。")
    expect(coordinator.get_by_test_id("approval-state")).to_have_text("审核中（办领导审定）")

    leader = signed_in_page("office_leader")
    leader.goto(live_server.url + "/workflow/todo/")
    leader.get_by_role("link", name=re.compile(TITLE)).click()
    decide(leader, "同意。")
    expect(leader.get_by_test_id("approval-state")).to_have_text("已通过")

    coordinator.goto(live_server.url + "/lectures/schedule/")
    coordinator.get_by_role("link", name="安排", exact=True).first.click()
    expect(coordinator.locator("#id_slot")).to_have_value(re.compile(r"\d+"))
    coordinator.get_by_label("日期").fill(f"{year}-08-22")
    coordinator.get_by_label("开始时间").fill("14:30")
    coordinator.get_by_label("地点").fill("区国动办三楼会议室")
    coordinator.get_by_role("button", name="保存安排").click()
    expect(coordinator.get_by_test_id("lecture-time")).to_contain_text(f"{year}年8月22日 14:30")
    coordinator.screenshot(path=str(ARTIFACTS / "lecture.png"), full_page=True)

    head.goto(live_server.url + "/lectures/schedule/?view=list")
    row = head.get_by_test_id("schedule-list").get_by_role("row", name=re.compile(TITLE))
    expect(row).to_contain_text(f"{year}年8月22日 14:30")
    expect(row).to_contain_text("黄俊杰")
    head.screenshot(path=str(ARTIFACTS / "schedule.png"), full_page=True)

    response = head.request.get(live_server.url + "/lectures/schedule.ics")
    assert response.ok
    calendar = icalendar.Calendar.from_ical(response.body())
    events = [e for e in calendar.walk("VEVENT") if TITLE in str(e.get("SUMMARY"))]
    assert len(events) == 1
    start = events[0].decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (year, 8, 22, 14, 30)
    assert (
        str(start.tzinfo) in ("Asia/Shanghai", "UTC+08:00") or start.utcoffset().seconds == 8 * 3600
    )
