"""Copying a campaign's structure to another year: key tasks, key dates, the programmes'
structure through their copy hooks — and none of the year's records."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns import providers, services
from campaigns.enums import TeamKind
from campaigns.models import (
    Campaign,
    Competition,
    Discussion,
    KeyDate,
    KeyTask,
    MentorPair,
    MonthlyRanking,
    ProgressReport,
    QuarterStar,
    Rotation,
    Team,
    WorkItem,
)
from lectures import services as lectures
from lectures.models import Slot, Topic
from qpdo.errors import Refused
from qpdo.org.models import Staff
from tests.campaigns.conftest import d


@pytest.fixture
def year_with_records(campaign, make_item, make_report, demo_user, task, make_topic):
    """The 2024 campaign with a work item, a report, a team, a compiled month and a topic."""
    make_report(make_item(), final=True)
    services.team_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        kind=TeamKind.ASSAULT,
        name="预案编制攻坚团队",
        key_task=task(4),
        topic="编制预案。",
        leader=Staff.objects.get(name="陈志刚"),
        formed_on=d(5, 6),
    )
    services.ranking_compile(acting_user=demo_user("zonghe_head"), campaign=campaign, month=5)
    make_topic("gongcheng_head")
    lectures.slot_cancel(  # 管理保障中心 7月 cancelled this year, as 综合科 does it
        acting_user=demo_user("zonghe_staff"), slot=Slot.objects.get(campaign=campaign, number=8)
    )
    assert Slot.objects.get(campaign=campaign, number=8).is_cancelled
    return campaign


def test_copy_creates_the_structure_and_no_records(year_with_records, demo_user):
    source = year_with_records
    target, log = services.campaign_copy(
        acting_user=demo_user("zonghe_head"),
        source=source,
        year=2025,
        doc_number="青国动〔2025〕3号",
    )
    assert (target.year, target.doc_number, target.name) == (2025, "青国动〔2025〕3号", source.name)
    assert (target.start, target.end) == (datetime.date(2025, 3, 1), datetime.date(2025, 12, 31))
    assert target.coordinator_unit == source.coordinator_unit and target.issued_on is None
    assert list(KeyTask.objects.filter(campaign=target).values_list("order", "title")) == list(
        source.key_tasks.values_list("order", "title")
    )
    dates = dict(KeyDate.objects.filter(campaign=target).values_list("code", "date"))
    assert set(dates) == set(source.key_dates.values_list("code", flat=True))
    assert dates["lecture-topics"] == datetime.date(2025, 4, 30)
    assert dates["star-nominations"] == datetime.date(2025, 10, 20)
    assert dates["plan-outreach"] == datetime.date(2025, 2, 28)  # from 29 February 2024
    assert dates["defence-education-day"] == datetime.date(2025, 9, 20)  # third Saturday
    slots = list(Slot.objects.filter(campaign=target).values_list("number", "unit__code", "month"))
    assert len(slots) == 7 and ("baozhang", 7) not in [(u, m) for _, u, m in slots]
    assert any("国动小讲堂：场次 7 个" in line for line in log)
    for model in (WorkItem, Team, MentorPair, Rotation, Competition, QuarterStar, Discussion):
        assert not model.objects.filter(campaign=target).exists(), model
    assert not MonthlyRanking.objects.filter(campaign=target).exists()
    assert not ProgressReport.objects.filter(item__campaign=target).exists()
    assert not Topic.objects.filter(campaign=target).exists()
    assert WorkItem.objects.filter(campaign=source).count() == 1  # the source is untouched


def test_copy_to_a_year_that_has_a_campaign_is_refused(campaign, demo_user):
    services.campaign_copy(
        acting_user=demo_user("office_leader"),
        source=campaign,
        year=2025,
        doc_number="青国动〔2025〕1号",
    )
    for year in (2025, 2024):
        with pytest.raises(ValidationError) as error:
            services.campaign_copy(
                acting_user=demo_user("office_leader"),
                source=campaign,
                year=year,
                doc_number="青国动〔2025〕2号",
            )
        assert f"{year}年已有实践活动，不能重复建立" in error.value.message_dict["year"][0]
    assert Campaign.objects.filter(year=2025).count() == 1


def test_failed_hook_leaves_nothing_half_saved(campaign, demo_user):
    def broken(source, target):
        raise RuntimeError("hook failed")

    providers.register_copy_hook("broken", label="测试", copy=broken, order=99)
    try:
        with pytest.raises(RuntimeError):
            services.campaign_copy(
                acting_user=demo_user("zonghe_head"),
                source=campaign,
                year=2026,
                doc_number="青国动〔2026〕1号",
            )
    finally:
        providers.unregister_copy_hook("broken")
    assert not Campaign.objects.filter(year=2026).exists()
    assert not Slot.objects.filter(campaign__year=2026).exists()


def test_only_the_organisers_copy(campaign, demo_user):
    for username in ("gongcheng_head", "member", "zonghe_staff"):
        with pytest.raises(Refused):
            services.campaign_copy(
                acting_user=demo_user(username), source=campaign, year=2025, doc_number="x"
            )
    with pytest.raises(ValidationError) as error:
        services.campaign_copy(
            acting_user=demo_user("zonghe_head"), source=campaign, year=2025, doc_number=" "
        )
    assert "请填写文号" in error.value.message_dict["doc_number"][0]


def test_copy_page_is_the_new_year_page(campaign, client, login):
    login("gongcheng_head")
    assert client.get("/campaigns/new-year/?year=2025").status_code == 403
    login("zonghe_head")
    old = client.get("/campaigns/2024/copy/")
    assert old.status_code == 302 and old["Location"] == "/campaigns/new-year/?year=2025"
    page = client.get("/campaigns/new-year/?year=2025")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["doc_number"] == "青国动〔2025〕号"
    post = {
        "doc_number": "青国动〔2025〕3号",
        "name": campaign.name,
        "start": "2025-03-01",
        "end": "2025-12-31",
    }
    for name in form.key_date_names:
        post[name] = form.fields[name].initial.isoformat()
    post["kd_star-nominations"] = "2025-10-24"
    response = client.post("/campaigns/new-year/?year=2025", post)
    assert response.status_code == 302 and response["Location"] == "/campaigns/2025/"
    assert KeyDate.objects.get(campaign__year=2025, code="star-nominations").date == (
        datetime.date(2025, 10, 24)
    )
    again = client.get("/campaigns/new-year/?year=2025")
    assert "2025年度实践活动已经建立" in again.content.decode()
    refused = client.post("/campaigns/new-year/?year=2025", post)
    assert "2025年度实践活动已经建立" in refused.content.decode()
    assert Campaign.objects.filter(year=2025).count() == 1
