"""Builders for engine tests: a lecture topic (the first real subject) and a test memo."""

import pytest

from qpdo.workflow import services
from tests.lectures.conftest import approved_topic, campaign, make_topic  # noqa: F401
from tests.stars.conftest import advance, make_nomination, post  # noqa: F401
from tests.workflow_testapp.models import Memo


@pytest.fixture
def make_memo(db, demo_user, unit):
    def make(username: str = "gongcheng_head", year: int = 2024):
        user = demo_user(username)
        memo = Memo(unit=user.staff.unit, text="测试公文", year=year)
        return services.subject_create(memo, acting_user=user)

    return make
