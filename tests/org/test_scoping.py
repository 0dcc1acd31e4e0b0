"""Who may see and act for which units (qpdo.org.scoping), and who holds which role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from qpdo.org.enums import ADMIN_ROLES, OFFICE_WIDE_ROLES, Role, UnitKind
from qpdo.org.models import Unit
from qpdo.org.scoping import (
    has_role,
    is_office_wide,
    may_act_for_unit,
    may_see_unit,
    needs_admin_access,
    units_user_may_act_for,
    units_user_may_see,
    user_roles,
    user_unit,
)
from qpdo.org.selectors import staff_list_for
from tests.factories import StaffFactory, SuperuserFactory, UnitFactory, UserFactory


def codes(units) -> set[str]:
    return set(units.values_list("code", flat=True))


def test_section_head_sees_only_own_unit(demo_user):
    head = demo_user("zonghe_head")
    assert codes(units_user_may_see(head)) == {"zonghe"}
    assert user_unit(head).code == "zonghe"


@pytest.mark.parametrize("role", sorted(OFFICE_WIDE_ROLES))
def test_office_wide_roles_see_every_unit(db, role):
    user = UserFactory(roles=[role], unit=UnitFactory())
    assert is_office_wide(user)
    assert codes(units_user_may_see(user)) == set(Unit.objects.values_list("code", flat=True))


@pytest.mark.parametrize("username", ["office_leader", "party_branch", "party_group",
                                      "outreach_reviewer", "zonghe_staff"])  # fmt: skip
def test_demo_office_wide_users_see_every_unit(demo_user, username):
    assert units_user_may_see(demo_user(username)).count() == Unit.objects.count()


@pytest.mark.parametrize(("username", "code"), [("zhujiajiao", "zhujiajiao"),
                                                ("jiaoyuju", "jiaoyuju")])  # fmt: skip
def test_outreach_reporter_sees_only_own_unit(demo_user, username, code):
    reporter = demo_user(username)
    assert has_role(reporter, Role.OUTREACH_REPORTER)
    assert codes(units_user_may_see(reporter)) == {code}
    assert codes(units_user_may_act_for(reporter, Role.OUTREACH_REPORTER)) == {code}


def test_member_sees_no_unit_wide_records(demo_user, unit):
    # A plain 科员 sees only their own records, not all of their unit's.
    member = demo_user("member")
    assert user_unit(member).code == "gongcheng"
    assert not is_office_wide(member)
    assert units_user_may_see(member).count() == 0
    assert not may_see_unit(member, unit("gongcheng"))
    assert staff_list_for(user=member).count() == 0


def test_user_without_staff_record_sees_nothing(db):
    user = UserFactory(roles=[Role.SECTION_HEAD])
    assert units_user_may_see(user).count() == 0
    assert units_user_may_act_for(user, Role.SECTION_HEAD).count() == 0
    assert not may_act_for_unit(user, Role.SECTION_HEAD, UnitFactory())


def test_user_whose_staff_record_is_inactive_sees_nothing(db):
    user = UserFactory(roles=[Role.SECTION_HEAD], unit=UnitFactory())
    assert units_user_may_see(user).count() == 1
    user.staff.is_active = False
    user.staff.save()
    user = type(user).objects.get(pk=user.pk)
    assert units_user_may_see(user).count() == 0


def test_superuser_sees_every_unit(db):
    assert units_user_may_see(SuperuserFactory()).count() == Unit.objects.count()


def test_anonymous_user_holds_no_role_and_sees_nothing(db):
    anonymous = AnonymousUser()
    assert user_roles(anonymous) == frozenset()
    assert not has_role(anonymous, Role.MEMBER)
    assert units_user_may_see(anonymous).count() == 0


def test_section_head_acts_only_for_own_unit_and_only_in_own_role(demo_user, unit):
    head = demo_user("gongcheng_head")
    assert codes(units_user_may_act_for(head, Role.SECTION_HEAD)) == {"gongcheng"}
    assert units_user_may_act_for(head, Role.OUTREACH_REPORTER).count() == 0
    assert may_act_for_unit(head, Role.SECTION_HEAD, unit("gongcheng"))
    assert may_act_for_unit(head, Role.SECTION_HEAD, unit("gongcheng").pk)
    assert not may_act_for_unit(head, Role.SECTION_HEAD, unit("zonghe"))
    assert not may_act_for_unit(head, Role.SECTION_HEAD, None)


def test_may_see_unit(demo_user, unit):
    head = demo_user("dongyuan_head")
    assert may_see_unit(head, unit("dongyuan"))
    assert not may_see_unit(head, unit("zonghe"))
    assert not may_see_unit(head, None)
    assert may_see_unit(demo_user("office_leader"), unit("zonghe"))


def test_has_role(db):
    user = UserFactory(roles=[Role.LECTURES_COORDINATOR, Role.MEMBER])
    assert has_role(user, Role.MEMBER)
    assert has_role(user, Role.SECTION_HEAD, Role.LECTURES_COORDINATOR)
    assert not has_role(user, Role.SECTION_HEAD)
    assert not has_role(user)
    assert user_roles(user) == {Role.LECTURES_COORDINATOR, Role.MEMBER}


def test_has_role_ignores_groups_that_are_not_roles(db):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.create(name="临时分组"))
    assert user_roles(user) == frozenset()


def test_demo_users_hold_their_roles(demo_user):
    assert user_roles(demo_user("zonghe_staff")) == {Role.LECTURES_COORDINATOR, Role.MEMBER}
    assert user_roles(demo_user("sysadmin")) == {Role.SYSADMIN}
    assert user_roles(demo_user("secadmin")) == {Role.SECADMIN}
    assert user_roles(demo_user("auditor")) == {Role.AUDITOR}


@pytest.mark.parametrize("role", list(Role))
def test_needs_admin_access(role):
    assert needs_admin_access([role]) == (role in ADMIN_ROLES)


def test_staff_list_for_follows_unit_scope(db):
    mine, other = UnitFactory(kind=UnitKind.TOWN), UnitFactory(kind=UnitKind.TOWN)
    reporter = UserFactory(roles=[Role.OUTREACH_REPORTER], unit=mine)
    StaffFactory(unit=mine)
    stranger = StaffFactory(unit=other)
    listed = staff_list_for(user=reporter)
    assert set(listed.values_list("unit__code", flat=True)) == {mine.code}
    assert stranger not in listed
