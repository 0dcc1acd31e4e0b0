"""One source per deadline: the 申报表's step falls due on the year's stored key date, and a
申报表 sent after it is accepted and marked 逾期报送 (list, detail page, printed sheet)."""

from __future__ import annotations

import datetime

from campaigns.models import KeyDate
from qpdo.org import clock
from qpdo.workflow.services import _due_on
from stars import selectors, services
from stars.chains import NOMINATION_CHAIN


def test_unit_step_falls_due_on_the_stored_key_date(campaign, make_nomination):
    nomination = make_nomination()
    step = NOMINATION_CHAIN.steps[0]
    now = clock.now()
    assert _due_on(step, nomination.approval, nomination, now) == datetime.date(2024, 10, 20)
    KeyDate.objects.filter(campaign=campaign, code="star-nominations").update(
        date=datetime.date(2024, 10, 25)
    )
    assert _due_on(step, nomination.approval, nomination, now) == datetime.date(2024, 10, 25)


def test_late_nomination_is_accepted_and_marked(
    campaign, make_nomination, demo_user, client, login
):
    on_time = make_nomination()
    late = make_nomination()
    head = demo_user("baozhang_head")
    with clock.frozen(clock.at(2024, 10, 18)):
        services.nomination_submit(acting_user=head, nomination=on_time, opinion="同意推荐。")
    with clock.frozen(clock.at(2024, 10, 22)):
        services.nomination_submit(acting_user=head, nomination=late, opinion="同意推荐。")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert not selectors.nomination_submitted_late(on_time)
    assert selectors.nomination_submitted_late(late)
    login("baozhang_head")
    with clock.frozen(clock.at(2024, 10, 22)):
        listing = client.get("/stars/nominations/?year=2024").content.decode()
        assert listing.count('data-testid="late"') == 1
        assert 'data-testid="late"' in client.get(late.get_absolute_url()).content.decode()
        assert 'data-testid="late"' not in client.get(on_time.get_absolute_url()).content.decode()
        form = client.get("/stars/nominations/new/?year=2024").content.decode()
        assert 'data-testid="late-warning"' in form
