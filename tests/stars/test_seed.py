"""The demo records: plans, summaries, 申报表 in every state, scores and four chosen stars."""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from qpdo.workflow.enums import State
from stars.models import CultivationPlan, Nomination, Star, SummaryReport
from stars.seeds import _seed_year as seed_demo_records  # the 2024 script itself
from stars.text import count_chars


def test_demo_records_cover_every_state(db):
    lines = []
    with transaction.atomic():
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
