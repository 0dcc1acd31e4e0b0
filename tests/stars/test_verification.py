"""A printed 申报表's verification code: genuine and current, genuine but outdated (and what
changed), or unknown."""

from __future__ import annotations

from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from stars import selectors, services


def print_form(user, nomination) -> str:
    nomination = selectors.nomination_get_for(user=user, pk=nomination.pk)
    (form,) = services.nomination_print_forms(
        acting_user=user, nominations=[nomination], verify_url=lambda code: code
    )
    return form["code_display"]


def test_code_round_trip_current_then_outdated(make_nomination, advance, demo_user):
    head = demo_user("baozhang_head")
    nomination = advance(make_nomination("baozhang_head"), to="group")
    printed = print_form(head, nomination)
    assert len(printed) == 11 and printed[5] == "-"

    result = selectors.verification_result(code=printed.lower(), user=head)
    assert result["status"] == "current"
    assert result["nomination"].pk == nomination.pk
    assert result["copy"].state_label == "审核中（办党组意见）"

    # Printing the same content again gives the same code.
    assert print_form(head, nomination) == printed
    assert nomination.printed_copies.get().times == 2

    workflow.approval_decide(
        subject=nomination,
        acting_user=demo_user("party_group"),
        decision=Action.APPROVE,
        opinion="同意。",
    )
    result = selectors.verification_result(code=printed, user=head)
    assert result["status"] == "outdated"
    assert result["changes"] == ["办党组意见"]
    assert result["state_label"] == "已通过"

    fresh = print_form(head, nomination)
    assert fresh != printed
    assert selectors.verification_result(code=fresh, user=head)["status"] == "current"


def test_unknown_or_altered_code_is_invalid(make_nomination, demo_user):
    head = demo_user("baozhang_head")
    printed = print_form(head, make_nomination("baozhang_head"))
    altered = printed[:-1] + ("A" if printed[-1] != "A" else "B")
    assert selectors.verification_result(code=altered, user=head)["status"] == "invalid"
    assert selectors.verification_result(code="", user=head)["status"] == "invalid"


def test_verify_page_says_whether_current(client, login, make_nomination, demo_user):
    head = demo_user("baozhang_head")
    nomination = make_nomination("baozhang_head")
    printed = print_form(head, nomination)
    login("party_branch")
    page = client.get("/stars/verify/", {"code": printed}).content.decode()
    assert "有效：打印件内容与门户中的申报表一致" in page
    assert nomination.name in page
    page = client.get("/stars/verify/", {"code": "ABCDE-12345"}).content.decode()
    assert "未找到该校验码" in page
