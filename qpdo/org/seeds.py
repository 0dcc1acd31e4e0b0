"""Seed steps of the org app: units (reference data) and the demo staff and accounts."""

from .enums import Role
from .models import AccountSecurity, Unit
from .seeding import load_json, register
from .services import account_ensure, staff_upsert, unit_upsert

DEMO_PASSWORD = "Qpdo@2024"


@register(order=10, name="单位")
def seed_units(log) -> None:
    rows = load_json("units.json")
    for index, row in enumerate(rows, start=1):
        unit_upsert(order=index * 10, **row)
    log(f"{len(rows)} 个单位")


@register(order=100, name="演示人员与账号", demo_only=True)
def seed_demo_staff(log) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    rows = load_json("demo", "staff.json")
    accounts = 0
    for row in rows:
        row = dict(row)
        username = row.pop("username", None)
        roles = [Role(r) for r in row.pop("roles", [])]
        unit = units[row.pop("unit")]
        staff = staff_upsert(unit=unit, **row)
        if username:
            account = account_ensure(
                staff=staff, username=username, roles=roles, password=DEMO_PASSWORD
            )
            # Demo data only: the shared demo password is neither forced to change nor expires.
            AccountSecurity.objects.update_or_create(
                user=account, defaults={"demo_exempt": True, "must_change_password": False}
            )
            accounts += 1
    log(f"{len(rows)} 名人员，{accounts} 个演示账号（密码 {DEMO_PASSWORD}）")
