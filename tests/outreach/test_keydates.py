"""Key dates: 全民国防教育日 is the third Saturday of September, computed and stored per year."""

from __future__ import annotations

import datetime

import pytest

from campaigns.models import Campaign, KeyDate
from outreach import selectors, services
from outreach.keydates import end_of_february, third_saturday_of_september
from qpdo.org.models import Unit


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2021, datetime.date(2021, 9, 18)),
        (2022, datetime.date(2022, 9, 17)),
        (2023, datetime.date(2023, 9, 16)),
        (2024, datetime.date(2024, 9, 21)),
        (2025, datetime.date(2025, 9, 20)),
        (2026, datetime.date(2026, 9, 19)),
        (2027, datetime.date(2027, 9, 18)),
        (2028, datetime.date(2028, 9, 16)),  # 1 September is a Friday
        (2029, datetime.date(2029, 9, 15)),  # 1 September is a Saturday
        (2030, datetime.date(2030, 9, 21)),  # 1 September is a Sunday
    ],
)
def test_third_saturday_of_september(year, expected):
    day = third_saturday_of_september(year)
    assert day == expected
    assert day.weekday() == 5
    assert 15 <= day.day <= 21


def test_end_of_february_in_leap_and_common_years():
    assert end_of_february(2024) == datetime.date(2024, 2, 29)
    assert end_of_february(2025) == datetime.date(2025, 2, 28)


def _campaign(year: int) -> Campaign:
    return Campaign.objects.create(
        name="实践活动",
        doc_number=f"青国动〔{year}〕1号",
        year=year,
        start=datetime.date(year, 3, 1),
        end=datetime.date(year, 12, 31),
        organiser=Unit.objects.get(code="qpdo"),
    )


def test_a_new_campaign_gets_its_years_key_dates(db):
    campaign = _campaign(2025)
    dates = dict(KeyDate.objects.filter(campaign=campaign).values_list("code", "date"))
    assert dates["defence-education-day"] == datetime.date(2025, 9, 20)
    assert dates["air-raid-drill"] == datetime.date(2025, 9, 20)
    assert dates["disaster-day"] == datetime.date(2025, 5, 12)
    assert dates["fire-day"] == datetime.date(2025, 11, 9)
    assert dates["plan-outreach"] == datetime.date(2025, 2, 28)


def test_sync_rewrites_the_rule_but_keeps_dates_the_office_set(db):
    campaign = _campaign(2026)
    KeyDate.objects.filter(campaign=campaign, code="defence-education-day").update(
        date=datetime.date(2026, 9, 1)
    )
    KeyDate.objects.filter(campaign=campaign, code="air-raid-drill").update(
        date=datetime.date(2026, 9, 12)
    )
    KeyDate.objects.filter(campaign=campaign, code="plan-outreach").update(
        date=datetime.date(2026, 3, 10)
    )
    services.key_dates_sync(campaign=campaign)
    dates = dict(KeyDate.objects.filter(campaign=campaign).values_list("code", "date"))
    assert dates["defence-education-day"] == datetime.date(2026, 9, 19)
    assert dates["air-raid-drill"] == datetime.date(2026, 9, 12)
    assert selectors.plan_due_date(2026) == datetime.date(2026, 3, 10)


def test_a_year_without_campaign_uses_the_rules(db):
    days = {d.code: d.date for d in selectors.key_days_for(2031)}
    assert days["defence-education-day"] == datetime.date(2031, 9, 20)
    assert selectors.plan_due_date(2031) == datetime.date(2031, 2, 28)


def test_the_2024_campaign_holds_the_notice_dates(db):
    days = {d.code: d for d in selectors.key_days_for(2024)}
    assert days["defence-education-day"].date == datetime.date(2024, 9, 21)
    assert days["plan-outreach"].date == datetime.date(2024, 2, 29)
    assert days["plan-outreach"].is_deadline


def test_reports_around_key_dates_are_counted(make_report, adopt, in_2024):
    adopt(make_report("zhujiajiao", held_on=datetime.date(2024, 9, 18)))
    make_report("zhujiajiao", held_on=datetime.date(2024, 9, 25))  # a draft: not counted
    pending = make_report("zhujiajiao", held_on=datetime.date(2024, 9, 28))
    from qpdo.workflow import services as workflow

    workflow.approval_submit(subject=pending, acting_user=pending.approval.created_by)
    entries = selectors.key_days_with_reports(year=2024, reports=selectors.Report.objects.all())
    defence = next(e for e in entries if e.day.code == "defence-education-day")
    assert (defence.filed, defence.adopted) == (2, 1)
    fire = next(e for e in entries if e.day.code == "fire-day")
    assert (fire.filed, fire.adopted) == (0, 0)
