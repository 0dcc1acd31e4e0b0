"""Coverage arithmetic per 街镇 and for the district against the 100% targets.

A school is covered in a year when it has a 紧急疏散行动方案 and held a drill that year; a
community when it held a training and a drill that year. A 街镇 with no places has no rate
(neither 0% nor 100%), is not counted behind, and adds nothing to the district.
"""

from __future__ import annotations

import datetime

import pytest

from outreach import selectors, services
from outreach.coverage import tally_coverage
from outreach.enums import ExerciseKind
from outreach.models import Community, School
from qpdo.errors import Refused
from qpdo.org.models import Unit

from .conftest import PDF_BYTES, upload


def test_tally_counts_each_requirement_and_covered_places():
    a, b, c = (Unit(pk=1, name="甲镇"), Unit(pk=2, name="乙镇"), Unit(pk=3, name="丙镇"))
    places = [
        (1, {"plan": True, "drill": True}),
        (1, {"plan": True, "drill": False}),
        (1, {"plan": False, "drill": False}),
        (2, {"plan": True, "drill": True}),
        (9, {"plan": True, "drill": True}),  # a 街镇 not shown: ignored
    ]
    rows, district = tally_coverage([a, b, c], places, ["plan", "drill"])
    first, second, third = rows
    assert (first.total, first.parts, first.covered) == (3, {"plan": 2, "drill": 1}, 1)
    assert first.rate == 33.3
    assert first.gap == 2
    assert first.meets(100) is False
    assert (second.rate, second.meets(100)) == (100.0, True)
    assert (third.total, third.rate, third.meets(100), third.gap) == (0, None, None, 0)
    assert (district.total, district.covered, district.rate) == (4, 2, 50.0)
    assert district.part_rate("plan") == 75.0


def test_a_district_with_no_places_has_no_rate():
    rows, district = tally_coverage([Unit(pk=1, name="甲镇")], [], ["training", "drill"])
    assert rows[0].rate is None
    assert district.rate is None
    assert district.meets(100) is None


@pytest.fixture
def towns(unit):
    return unit("zhujiajiao"), unit("xiayang"), unit("baihe")


def _school(town, name):
    return School.objects.create(town=town, name=name)


def test_school_coverage_per_town_and_district(towns, reviewer, in_2024):
    zhujiajiao, xiayang, _baihe = towns
    full = _school(zhujiajiao, "朱家角中学")
    plan_only = _school(zhujiajiao, "朱家角小学")
    drill_last_year = _school(xiayang, "夏阳小学")
    _school(xiayang, "夏阳中学")  # nothing at all
    School.objects.create(town=xiayang, name="已撤并小学", is_active=False)  # not counted
    for school in (full, plan_only, drill_last_year):
        services.evacuation_plan_add(
            acting_user=reviewer,
            school=school,
            upload=upload("方案.pdf", PDF_BYTES),
            compiled_on=datetime.date(2024, 3, 1),
        )
    services.school_drill_record(
        acting_user=reviewer, school=full, held_on=datetime.date(2024, 9, 21)
    )
    services.school_drill_record(
        acting_user=reviewer, school=drill_last_year, held_on=datetime.date(2023, 9, 16)
    )

    coverage = selectors.school_coverage(year=2024, town_list=list(towns))
    rows = {row.town.code: row for row in coverage.rows}
    assert (rows["zhujiajiao"].total, rows["zhujiajiao"].covered) == (2, 1)
    assert rows["zhujiajiao"].parts == {"plan": 2, "drill": 1, "courses": 0}
    assert (rows["xiayang"].total, rows["xiayang"].covered, rows["xiayang"].rate) == (2, 0, 0.0)
    assert rows["baihe"].total == 0 and rows["baihe"].rate is None  # no schools on the register
    assert coverage.target == 100
    assert [r.town.code for r in coverage.towns_behind] == ["zhujiajiao", "xiayang"]
    assert [r.town.code for r in coverage.towns_empty] == ["baihe"]
    assert (coverage.district.total, coverage.district.covered) == (4, 1)
    assert coverage.district.rate == 25.0

    # The 2023 drill covers 夏阳小学 for 2023, not for 2024.
    rows_2023 = {r.town.code: r for r in selectors.school_coverage(year=2023).rows}
    assert rows_2023["xiayang"].covered == 1


def test_community_coverage_needs_training_and_drill_in_the_year(towns, reviewer, in_2024):
    zhujiajiao, xiayang, _ = towns
    both = Community.objects.create(town=zhujiajiao, name="北大街居委会")
    trained = Community.objects.create(town=zhujiajiao, name="张马村")
    Community.objects.create(town=xiayang, name="塘郁村")
    for community, kind in (
        (both, ExerciseKind.TRAINING),
        (both, ExerciseKind.DRILL),
        (trained, ExerciseKind.TRAINING),
    ):
        services.community_exercise_record(
            acting_user=reviewer,
            community=community,
            kind=kind,
            held_on=datetime.date(2024, 5, 12),
        )
    coverage = selectors.community_coverage(year=2024, town_list=list(towns))
    rows = {row.town.code: row for row in coverage.rows}
    assert rows["zhujiajiao"].parts == {"training": 2, "drill": 1, "plan_revised": 0}
    assert (rows["zhujiajiao"].covered, rows["zhujiajiao"].rate) == (1, 50.0)
    assert (rows["xiayang"].covered, rows["xiayang"].rate) == (0, 0.0)
    assert rows["baihe"].rate is None
    assert (coverage.district.total, coverage.district.covered) == (3, 1)


def test_uncovered_lists_name_what_is_missing(towns, reviewer, demo_user, in_2024):
    zhujiajiao, xiayang, _ = towns
    covered = _school(zhujiajiao, "朱家角中学")
    missing = _school(zhujiajiao, "沈巷小学")
    _school(xiayang, "夏阳小学")
    services.evacuation_plan_add(
        acting_user=reviewer,
        school=covered,
        upload=upload("方案.pdf", PDF_BYTES),
        compiled_on=datetime.date(2024, 3, 1),
    )
    services.school_drill_record(
        acting_user=reviewer, school=covered, held_on=datetime.date(2024, 9, 21)
    )
    office = selectors.school_list_for(user=reviewer, year=2024, status="uncovered")
    assert {s.name for s in office} == {"沈巷小学", "夏阳小学"}
    town_reporter = selectors.school_list_for(
        user=demo_user("zhujiajiao"), year=2024, status="uncovered"
    )
    assert [s.name for s in town_reporter] == [missing.name]  # only its own 街镇
    no_plan = selectors.school_list_for(user=reviewer, year=2024, status="no_plan")
    assert {s.name for s in no_plan} == {"沈巷小学", "夏阳小学"}


def test_register_records_are_refused_for_another_town(towns, demo_user, in_2024):
    _, xiayang, _ = towns
    school = _school(xiayang, "夏阳小学")
    with pytest.raises(Refused):
        services.school_drill_record(
            acting_user=demo_user("zhujiajiao"), school=school, held_on=datetime.date(2024, 9, 1)
        )
    with pytest.raises(Refused):
        services.evacuation_plan_add(
            acting_user=demo_user("jiaoyuju"),  # a member unit keeps no 街镇 register
            school=school,
            upload=upload("方案.pdf", PDF_BYTES),
            compiled_on=datetime.date(2024, 3, 1),
        )
    assert not school.drills.exists() and not school.evacuation_plans.exists()


def test_a_drill_in_the_future_is_refused(towns, demo_user, in_2024):
    school = _school(towns[0], "朱家角中学")
    with pytest.raises(Exception, match="不能晚于今天"):
        services.school_drill_record(
            acting_user=demo_user("zhujiajiao"),
            school=school,
            held_on=datetime.date(2024, 12, 1),
        )


def test_party_school_agreement_in_force(reviewer, unit, in_2024):
    assert selectors.agreement_in_force(2024) is None
    services.agreement_create(
        acting_user=reviewer,
        title="共建协议",
        partner=unit("dangxiao"),
        signed_on=datetime.date(2023, 3, 15),
        valid_until=datetime.date(2024, 6, 30),
        upload=upload("协议.pdf", PDF_BYTES),
    )
    assert selectors.agreement_in_force(2024).title == "共建协议"
    assert selectors.agreement_in_force(2025) is None
    assert selectors.agreement_in_force(2022) is None
