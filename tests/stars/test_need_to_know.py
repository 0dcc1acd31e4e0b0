"""Need to know: every object URL of a 申报表, walked as every demo role, answers as declared.

The declared rule (qpdo.org.need_to_know) opens a submitted 申报表 of another unit to
机关党支部, 办党组 and 办领导 only; its own unit's 科室负责人 and the nominee keep their access;
everybody else — 宣教审核 and 小讲堂管理 included — gets a 404, as for a missing record.
"""

from __future__ import annotations

import pytest

from qpdo.org.enums import Role
from qpdo.org.need_to_know import READERS, reads_across_units
from qpdo.org.scoping import has_role, user_unit
from tests.test_smoke import DEMO_ACCOUNTS

ROLES = sorted(DEMO_ACCOUNTS)


def declared(user, nomination) -> bool:
    """The declared answer: may this user read this 申报表?"""
    if reads_across_units(user, "stars.Nomination"):
        return True
    own = user_unit(user)
    if has_role(user, Role.SECTION_HEAD) and own is not None and own.pk == nomination.unit_id:
        return True
    return nomination.nominee.user_id == user.pk


def test_nomination_readers_are_declared_as_the_issue_asks():
    assert READERS["stars.Nomination"] == {Role.PARTY_BRANCH, Role.PARTY_GROUP, Role.OFFICE_LEADER}


@pytest.fixture
def submitted(make_nomination, advance):
    return advance(make_nomination("baozhang_head"), to="group")


@pytest.mark.parametrize("username", ROLES)
def test_every_nomination_url_answers_as_declared(client, login, submitted, username):
    user = login(username)
    allowed = declared(user, submitted)
    approval = submitted.approval
    urls = [
        f"/stars/nominations/{submitted.pk}/",
        f"/stars/nominations/{submitted.pk}/form.pdf",
        f"/workflow/{approval.pk}/",
        f"/workflow/{approval.pk}/sheet.pdf",
    ]
    for url in urls:
        status = client.get(url).status_code
        assert status == (200 if allowed else 404), (username, url, status)
    if user.is_staff:
        status = client.get(f"/admin/stars/nomination/{submitted.pk}/change/").status_code
        if allowed:
            assert status == 200, (username, status)
        else:
            assert status in (302, 403, 404), (username, status)


def test_outreach_reviewer_gets_404_for_the_nomination_pdf(client, login, submitted):
    login("outreach_reviewer")
    assert client.get(f"/stars/nominations/{submitted.pk}/form.pdf").status_code == 404


def test_lectures_coordinator_does_not_see_nominations_in_lists_or_exports(
    client, login, submitted
):
    login("zonghe_staff")
    page = client.get("/stars/nominations/")
    assert submitted.name not in page.content.decode()


def test_party_branch_reads_the_nomination_pdf(client, login, submitted):
    login("party_branch")
    response = client.get(f"/stars/nominations/{submitted.pk}/form.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_deeds_of_only_zero_width_characters_are_refused(make_nomination):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_nomination("baozhang_head", deeds="\u200b\u200c\u2060 \ufeff\n\u200b")
    assert "不可见" in str(error.value)
