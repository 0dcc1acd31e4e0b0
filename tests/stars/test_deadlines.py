"""One source per deadline: the 申报表's step falls due on the year's stored key date, and a
申报表 sent after it is accepted and marked 逾期报送 (list, detail page, printed sheet)."""

from __future__ import annotations

import datetime
import io

from pypdf import PdfReader

from campaigns.models import KeyDate
from qpdo.org import clock
from qpdo.workflow.services import _due_on
from stars import selectors, services
from stars.chains import NOMINATION_CHAIN
from tests.utils import element_text


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


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


def test_late_nomination_is_marked_on_the_approval_page_and_the_printed_sheet(
    campaign, make_nomination, demo_user, client, login
):
    on_time = make_nomination()
    late = make_nomination()
    head = demo_user("baozhang_head")
    with clock.frozen(clock.at(2024, 10, 18)):
        services.nomination_submit(acting_user=head, nomination=on_time, opinion="同意推荐。")
    with clock.frozen(clock.at(2024, 10, 22)):
        services.nomination_submit(acting_user=head, nomination=late, opinion="同意推荐。")
    late.approval.refresh_from_db()
    on_time.approval.refresh_from_db()
    assert (late.approval.is_late, on_time.approval.is_late) == (True, False)
    login("party_branch")
    page = client.get(f"/workflow/{late.approval.pk}/")
    assert element_text(page.content, "approval-late") == "逾期报送"
    other = client.get(f"/workflow/{on_time.approval.pk}/").content.decode()
    assert 'data-testid="approval-late"' not in other
    sheet = pdf_text(client.get(f"/workflow/{late.approval.pk}/sheet.pdf").content)
    # Text extraction breaks lines (and may split a date) where the cell wraps.
    assert "逾期报送（报送期限2024年10月20日，2024年10月22日报送）" in "".join(sheet.split())
    plain = pdf_text(client.get(f"/workflow/{on_time.approval.pk}/sheet.pdf").content)
    assert "逾期报送" not in plain


def test_late_nomination_is_marked_on_its_printed_form(
    campaign, make_nomination, demo_user, client, login
):
    on_time, late = make_nomination(), make_nomination()
    head = demo_user("baozhang_head")
    with clock.frozen(clock.at(2024, 10, 18)):
        services.nomination_submit(acting_user=head, nomination=on_time, opinion="同意推荐。")
    with clock.frozen(clock.at(2024, 10, 22)):
        services.nomination_submit(acting_user=head, nomination=late, opinion="同意推荐。")
    login("baozhang_head")
    printed = pdf_text(client.get(f"/stars/nominations/{late.pk}/form.pdf").content)
    assert "逾期报送" in "".join(printed.split())
    plain = pdf_text(client.get(f"/stars/nominations/{on_time.pk}/form.pdf").content)
    assert "逾期报送" not in "".join(plain.split())
