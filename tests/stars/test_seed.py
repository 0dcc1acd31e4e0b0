"""The demo records: plans, summaries, 申报表 in every state, scores and four chosen stars."""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from campaigns.demo import build_competitions
from qpdo.workflow.enums import State
from stars import selectors
from stars.enums import Source
from stars.models import CultivationPlan, Nomination, Star, SummaryReport
from stars.seeds import _seed_year as seed_demo_records  # the 2024 script itself
from stars.text import count_chars


def test_demo_records_cover_every_state(db):
    lines = []
    with transaction.atomic():
        build_competitions(log=lines.append)  # runs before the stars' records: they cite it
        seed_demo_records(log=lines.append)
    states = Counter(Nomination.objects.values_list("approval__state", flat=True))
    assert set(states) == set(State.values)
    assert states[State.APPROVED] >= 4
    steps = set(
        Nomination.objects.filter(approval__state=State.IN_REVIEW).values_list(
            "approval__step_index", flat=True
        )
    )
    assert steps == {0, 1, 2}
    assert Star.objects.count() == 4
    assert all(s.nomination.approval.state == State.APPROVED for s in Star.objects.all())
    assert any(count_chars(n.deeds) == 1500 for n in Nomination.objects.all())
    full = Nomination.objects.filter(approval__state=State.APPROVED).first()
    assert full.approval.opinions.filter(action="approve").count() == 3
    assert CultivationPlan.objects.count() == 12
    assert SummaryReport.objects.count() == 4
    # A second run changes nothing.
    with transaction.atomic():
        seed_demo_records(log=lines.append)
    assert Nomination.objects.count() == 13


def test_demo_nominations_take_their_competition_results_from_the_record(db):
    """The demo no longer contradicts itself: 胡晓琳's 申报表 shows the 比武 record's 一等奖."""
    with transaction.atomic():
        build_competitions(log=lambda line: None)
        seed_demo_records(log=lambda line: None)
    from_competitions = Nomination.objects.filter(source=Source.COMPETITION)
    assert from_competitions.count() == 4
    assert all(n.competition_record_id for n in from_competitions)
    hu = Nomination.objects.get(name="胡晓琳")
    assert selectors.nomination_competition_text(hu) == (
        "2024年上海市国动系统通信警报专业技能比武（市级）：一等奖，92.5分"
    )
    assert "二等奖" not in hu.deeds and "以92.5分获得个人一等奖" in hu.deeds
    assert "二等奖" not in " ".join(hu.approval.opinions.values_list("text", flat=True))
