"""Builders for lecture records, made through the services as a user would."""

import datetime

import pytest

from campaigns.models import Campaign
from lectures import services
from lectures.enums import SpeakerPart
from qpdo.org.models import Staff


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.get(year=2024)


@pytest.fixture
def make_topic(db, demo_user, campaign):
    """Create a draft topic as a section head: make_topic("gongcheng_head", title=...)."""
    counter = {"n": 0}

    def make(username: str = "gongcheng_head", **overrides):
        user = demo_user(username)
        counter["n"] += 1
        data = {
            "title": f"人防工程平战转换演练复盘 {counter['n']}",
            "speaker": Staff.objects.filter(unit=user.staff.unit).order_by("id").first(),
            "event": "组织全区人防工程平战转换综合演练",
            "event_date": datetime.date(2023, 9, 16),
            "speaker_part": SpeakerPart.DECIDER,
            "summary": "从筹划到实施的全过程，体现精业务、干成事。",
            "preferred_slot": None,
        }
        data.update(overrides)
        return services.topic_create(acting_user=user, campaign=campaign, data=data)

    return make
