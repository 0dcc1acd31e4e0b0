"""`seed --demo` is idempotent: a second run changes no row counts and keeps changed passwords."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from qpdo.org.enums import Role
from qpdo.org.scoping import user_roles


def row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def test_seed_demo_twice_changes_no_row_counts(db):
    call_command("seed", "--demo", verbosity=0)
    before = row_counts()

    call_command("seed", "--demo", verbosity=0)

    assert row_counts() == before
    assert before["org.Unit"] > 20
    assert before["org.Staff"] > 20


def test_seed_keeps_a_changed_password_and_the_roles(db):
    user = get_user_model().objects.get(username="zonghe_head")
    user.set_password("Changed#Pass2024")
    user.save()

    call_command("seed", "--demo", verbosity=0)

    user = get_user_model().objects.get(username="zonghe_head")
    assert user.check_password("Changed#Pass2024")
    assert not user.check_password("Qpdo@2024")
    assert user_roles(user) == {Role.SECTION_HEAD}
    assert user.staff.unit.code == "zonghe"
