"""Two 办党组 members choosing the fourth and a fifth star at the same moment: exactly one
succeeds. Row locks do nothing on SQLite, so this runs on PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qpdo.org.enums import Role
from qpdo.org.models import Unit
from stars import services
from stars.models import Star
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks do nothing on SQLite; runs when DATABASE_URL points to PostgreSQL",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_members_cannot_choose_a_fifth_star(
    seeded_transactional_db, approved_nominations, demo_user
):
    nominations = approved_nominations(5)
    group = demo_user("party_group")
    colleague = UserFactory(roles=[Role.PARTY_GROUP], unit=Unit.objects.get(code="party_group"))
    for nomination in nominations[:3]:
        services.star_select(acting_user=group, nomination=nomination)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user, nomination):
        try:
            barrier.wait()
            services.star_select(acting_user=user, nomination=nomination)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(group, nominations[3])),
        threading.Thread(target=attempt, args=(colleague, nominations[4])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("ok") == 1, outcomes
    assert any("不能再确定第5名" in o for o in outcomes)
    assert Star.objects.count() == 4
