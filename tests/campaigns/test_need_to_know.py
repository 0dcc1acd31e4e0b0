"""Need to know for the 个人实践档案: every record URL as every demo role answers as declared."""

from __future__ import annotations

import pytest

from qpdo.org import clock
from qpdo.org.enums import Role
from qpdo.org.models import Staff
from qpdo.org.need_to_know import READERS, reads_across_units
from qpdo.org.scoping import has_role, user_unit
from tests.test_smoke import DEMO_ACCOUNTS


def declared(user, staff) -> bool:
    if reads_across_units(user, "campaigns.PersonRecord"):
        return True
    if staff.user_id == user.pk:
        return True
    own = user_unit(user)
    return has_role(user, Role.SECTION_HEAD) and own is not None and own.pk == staff.unit_id


def test_person_record_readers_are_the_leadership():
    assert READERS["campaigns.PersonRecord"] == {Role.OFFICE_LEADER, Role.PARTY_GROUP}


@pytest.mark.parametrize("username", sorted(DEMO_ACCOUNTS))
def test_every_record_url_answers_as_declared(client, login, username):
    user = login(username)
    person = Staff.objects.get(user__username="member")  # 刘洋, 工程指挥科
    with clock.frozen(clock.at(2024, 6, 3)):
        for url in (
            f"/campaigns/2024/records/{person.pk}/",
            f"/campaigns/2024/records/{person.pk}.pdf",
        ):
            status = client.get(url).status_code
            expected = 200 if declared(user, person) else 404
            assert status == expected, (username, url, status)
