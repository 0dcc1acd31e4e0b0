"""The 系统管理员 manages accounts through roles only: no superuser status, no loose permissions,
no account of the three separated admin roles, and is_staff follows the roles."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from qpdo.org.enums import AuditAction, Role
from qpdo.org.models import AuditRecord
from qpdo.org.roles import group_name
from qpdo.org.scoping import user_roles
from tests.factories import SuperuserFactory, UnitFactory, UserFactory

User = get_user_model()
PASSWORD = "Qingpu#Guodong2024"


def add_account(client, username, roles, **extra):
    data = {
        "username": username,
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "陈晓梅",
        "roles": [Role(r).value for r in roles],
        **extra,
    }
    return client.post("/admin/auth/user/add/", data)


def change_account(client, account, roles, **extra):
    data = {
        "username": account.username,
        "first_name": account.first_name,
        "email": account.email,
        "is_active": "on" if account.is_active else "",
        "roles": [Role(r).value for r in roles],
        **extra,
    }
    return client.post(f"/admin/auth/user/{account.pk}/change/", data)


def fresh(account):
    return User.objects.get(pk=account.pk)


def test_sysadmin_creates_an_account_with_a_business_role(client, login):
    admin = login("sysadmin")

    response = add_account(client, "chen_xm", [Role.SECTION_HEAD])

    assert response.status_code == 302, response.context["adminform"].form.errors
    account = User.objects.get(username="chen_xm")
    assert account.check_password(PASSWORD)
    assert user_roles(account) == {Role.SECTION_HEAD}
    assert not account.is_staff  # section heads work in the portal, not the admin
    assert not account.is_superuser
    details = list(
        AuditRecord.objects.filter(actor=admin, action=AuditAction.CHANGE).values_list(
            "detail", flat=True
        )
    )
    assert "新建账号 chen_xm" in details
    assert "账号 chen_xm 的角色：无 → 科室负责人" in details


def test_is_staff_follows_roles_that_need_the_admin(client, login):
    login("sysadmin")
    add_account(client, "leader2", [Role.OFFICE_LEADER])
    account = User.objects.get(username="leader2")
    assert account.is_staff

    response = change_account(client, account, [Role.MEMBER])

    assert response.status_code == 302
    assert not fresh(account).is_staff
    change_account(client, fresh(account), [Role.MEMBER, Role.OUTREACH_REVIEWER])
    assert fresh(account).is_staff


def test_forms_ignore_superuser_status_permissions_and_raw_groups(client, login):
    login("sysadmin")
    account = UserFactory(roles=[Role.MEMBER], unit=UnitFactory())
    permission = Permission.objects.get(codename="view_auditrecord")
    sysadmin_group = Group.objects.get(name=group_name(Role.SYSADMIN))
    sneaky = {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [permission.pk],
        "groups": [sysadmin_group.pk],
    }

    response = change_account(client, account, [Role.MEMBER], **sneaky)
    add_account(client, "sneaky", [Role.MEMBER], **sneaky)

    assert response.status_code == 302
    for each in (fresh(account), User.objects.get(username="sneaky")):
        assert not each.is_superuser
        assert not each.is_staff
        assert not each.user_permissions.exists()
        assert list(each.groups.values_list("name", flat=True)) == ["科员"]
        assert not each.has_perm("org.view_auditrecord")


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_sysadmin_cannot_give_the_separated_admin_roles(client, login, role):
    login("sysadmin")
    account = UserFactory(roles=[Role.MEMBER])

    response = change_account(client, account, [Role.MEMBER, role])

    assert response.status_code == 200  # the form comes back with an error
    assert "roles" in response.context["adminform"].form.errors
    assert user_roles(fresh(account)) == {Role.MEMBER}


def test_role_choices_offered_to_the_sysadmin(client, login):
    login("sysadmin")
    form = client.get("/admin/auth/user/add/").context["adminform"].form
    offered = {value for value, _ in form.fields["roles"].choices}
    assert offered == {r.value for r in Role} - {"sysadmin", "secadmin", "auditor"}
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert "groups" not in form.fields


@pytest.mark.parametrize("username", ["auditor", "secadmin", "sysadmin"])
def test_sysadmin_cannot_change_the_accounts_of_the_three_admins(
    client, login, demo_user, username
):
    login("sysadmin")
    account = demo_user(username)

    page = client.get(f"/admin/auth/user/{account.pk}/change/")
    response = change_account(client, account, [Role.MEMBER], is_active="")

    assert page.status_code == 200  # read-only view
    assert 'name="roles"' not in page.content.decode()
    assert "password/" not in page.content.decode()  # no button leading to a refusal
    assert response.status_code == 403
    assert client.get(f"/admin/auth/user/{account.pk}/password/").status_code == 403
    assert fresh(account).is_active
    assert user_roles(fresh(account)) == {Role(username)}


def test_superusers_are_hidden_from_the_sysadmin(client, login):
    root = SuperuserFactory()
    login("sysadmin")
    assert root.username not in client.get("/admin/auth/user/").content.decode()
    assert client.get(f"/admin/auth/user/{root.pk}/change/").status_code == 302  # "not found"


def test_superuser_gives_an_admin_role_but_never_two(client, db):
    client.force_login(SuperuserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    account = UserFactory(roles=[Role.MEMBER])

    assert change_account(client, account, [Role.AUDITOR]).status_code == 302
    assert user_roles(fresh(account)) == {Role.AUDITOR}
    assert fresh(account).is_staff

    response = change_account(client, fresh(account), [Role.AUDITOR, Role.SYSADMIN])
    assert response.status_code == 200
    assert "三员分立" in str(response.context["adminform"].form.errors["roles"])
    assert user_roles(fresh(account)) == {Role.AUDITOR}


def test_other_groups_survive_a_role_change(client, login):
    login("sysadmin")
    account = UserFactory(roles=[Role.MEMBER])
    extra = Group.objects.create(name="值班组")
    account.groups.add(extra)

    change_account(client, account, [Role.SECTION_HEAD])

    names = set(fresh(account).groups.values_list("name", flat=True))
    assert names == {"值班组", "科室负责人"}


def test_deactivating_an_account_is_audited(client, login):
    admin = login("sysadmin")
    account = UserFactory(roles=[Role.MEMBER])
    account.is_active = False

    change_account(client, account, [Role.MEMBER])

    assert not fresh(account).is_active
    assert AuditRecord.objects.filter(
        actor=admin, detail=f"修改账号 {account.username}：启用状态（已停用）"
    ).exists()


def test_account_list_shows_unit_and_roles_in_constant_queries(client, login):
    from tests.utils import assert_constant_queries

    login("sysadmin")

    def add_rows(n):
        for _ in range(n):
            UserFactory(roles=[Role.SECTION_HEAD, Role.MEMBER], unit=UnitFactory())

    assert_constant_queries(client, "/admin/auth/user/", add_rows)
    page = client.get("/admin/auth/user/?q=zonghe_head").content.decode()
    assert "综合科" in page
    assert "科室负责人" in page


def test_staff_list_runs_constant_queries(client, login):
    from tests.factories import StaffFactory
    from tests.utils import assert_constant_queries

    login("sysadmin")
    unit = UnitFactory()
    assert_constant_queries(
        client,
        f"/admin/org/staff/?unit__id__exact={unit.pk}",
        lambda n: [StaffFactory(unit=unit, user=UserFactory()) for _ in range(n)],
    )
