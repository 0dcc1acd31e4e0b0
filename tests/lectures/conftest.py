"""Builders for lecture records, made through the services as a user would."""

import datetime

import pytest

from campaigns.models import Campaign
from lectures import services
from lectures.enums import SpeakerPart
from qpdo.org.models import Staff


@pytest.fixture
def campaign(db, clock_at) -> Campaign:
    """The 2024 campaign, with the clock in its year (pages show this year's series only)."""
    clock_at(2024, 12, 1)
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
        return services.topic_create(acting_user=user, campaign=campaign, **data)

    return make


@pytest.fixture
def approved_topic(make_topic, demo_user):
    """Return a topic of 工程指挥科 with 刘洋 (demo user `member`) as speaker, fully approved."""
    from qpdo.workflow import services as workflow
    from qpdo.workflow.enums import Action

    def make(username: str = "gongcheng_head", speaker_name: str = "刘洋", **overrides):
        topic = make_topic(username, speaker=Staff.objects.get(name=speaker_name), **overrides)
        workflow.approval_submit(subject=topic, acting_user=demo_user(username))
        for approver in ("zonghe_staff", "office_leader"):
            workflow.approval_transition(
                approval=topic.approval,
                action=Action.APPROVE,
                acting_user=demo_user(approver),
                opinion="同意。",
            )
        topic.approval.refresh_from_db()
        return topic

    return make


MANUSCRIPT_TEXT = {
    "background": "背景",
    "goals": "目标",
    "planning": "筹划",
    "implementation": "实施",
    "results": "成效",
    "planned_minutes": 14,
}
