"""Migration 0003/0004: the free-text 比武 result of a 申报表 becomes a link to the 比武 record.

Run backwards (the link becomes text again) and forwards (the text is linked to the record by
the 比武's name, else the post's 专业, else the nominee's only entry; unmatched text is kept)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import Campaign, CompetitionEntry
from qpdo.org import clock
from qpdo.org.models import Staff
from stars import selectors, services
from stars.models import Nomination, Post

from .conftest import nomination_data

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("stars", "0002_delete_batchprint")
AFTER = ("stars", "0004_remove_nomination_competition_text")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Leave every app at its latest migration, whatever the test migrated to (later
    migrations of stars and of the apps depending on it must be applied again)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_nominations_are_linked_to_their_entry(seeded_transactional_db, demo_user):
    campaign = Campaign.objects.get(year=2024)
    head = demo_user("baozhang_head")
    with clock.frozen(clock.at(2024, 10, 15)):
        hu, lin = Staff.objects.get(name="胡晓琳"), Staff.objects.get(name="林涛")
        alarm = Post.objects.get(campaign=campaign, name="通信警报")
        linked = services.nomination_create(
            acting_user=head, campaign=campaign, **nomination_data(hu, alarm)
        )
        lost = services.nomination_create(
            acting_user=head, campaign=campaign, **nomination_data(lin, alarm)
        )
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT competition, competition_result FROM stars_nomination WHERE id = %s",
            [linked.pk],
        )
        assert cursor.fetchone() == ("2024年上海市国动系统通信警报专业技能比武", "92.5分，一等奖")
        # The old free text of the demo: another wording of the name, another result.
        cursor.execute(
            "UPDATE stars_nomination SET competition = %s, competition_result = %s WHERE id = %s",
            ["2024年上海市人防通信警报专业技能比武", "个人二等奖", linked.pk],
        )
    # 林涛's entry is gone from the record: his text matches nothing and is kept as it was.
    CompetitionEntry.objects.filter(staff=lin).delete()
    migrate(AFTER)

    hu_nomination = Nomination.objects.get(pk=linked.pk)
    assert hu_nomination.competition_record.title == "2024年上海市国动系统通信警报专业技能比武"
    assert selectors.nomination_competition_text(hu_nomination) == (
        "2024年上海市国动系统通信警报专业技能比武（市级）：一等奖，92.5分"
    )
    lin_nomination = Nomination.objects.get(pk=lost.pk)
    assert lin_nomination.competition_record is None
    assert lin_nomination.competition_legacy == (
        "2024年上海市国动系统通信警报专业技能比武，92.5分，一等奖"
    )
    assert services.nomination_missing(lin_nomination) == [
        ("competition_entry", "比武成绩（从比武记录中选择）")
    ]
