"""factory-boy factories shared by the whole suite: units, staff, and accounts with roles.

    unit = UnitFactory()                                   # a 机关科室 named 测试科室1
    town = UnitFactory(kind=UnitKind.TOWN)
    person = StaffFactory(unit=unit)                       # no sign-in
    head = UserFactory(roles=[Role.SECTION_HEAD], unit=unit)   # sign-in + staff record in unit
    reviewer = UserFactory(roles=[Role.OUTREACH_REVIEWER])     # office-wide, no unit

Accounts get the demo password (`DEMO_PASSWORD`), and `is_staff` follows the roles the same
way the portal sets it (`needs_admin_access`).
"""

from __future__ import annotations

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from qpdo.org.enums import Education, Gender, PoliticalStatus, Role, UnitKind
from qpdo.org.models import Staff, Unit
from qpdo.org.roles import role_group
from qpdo.org.scoping import needs_admin_access
from qpdo.org.seeds import DEMO_PASSWORD

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "文博", "雨婷",
]  # fmt: skip


def chinese_name(n: int) -> str:
    """Return a distinct, realistic Chinese name for each n (a number is added past 840)."""
    surname = SURNAMES[n % len(SURNAMES)]
    given = GIVEN_NAMES[(n // len(SURNAMES)) % len(GIVEN_NAMES)]
    rounds = n // (len(SURNAMES) * len(GIVEN_NAMES))
    return f"{surname}{given}{rounds + 1 if rounds else ''}"


_names = itertools.count()


def unused_name(unit: Unit | None, wanted: str = "") -> str:
    """Return `wanted`, or the next generated name, that nobody in `unit` has yet."""
    candidate = wanted or chinese_name(next(_names))
    if unit is None or unit.pk is None:
        return candidate
    while Staff.objects.filter(unit=unit, name=candidate).exists():
        candidate = chinese_name(next(_names))
    return candidate


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-unit-{n}")
    name = factory.Sequence(lambda n: f"测试科室{n}")
    short_name = ""
    kind = UnitKind.SECTION
    order = factory.Sequence(lambda n: 1000 + n)
    is_active = True


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = Staff

    unit = factory.SubFactory(UnitFactory)
    name = factory.LazyAttribute(lambda o: unused_name(o.unit))
    gender = Gender.MALE
    position = "科员"
    native_place = "上海青浦"
    political_status = PoliticalStatus.CPC_MEMBER
    education = Education.BACHELOR
    birth_month = datetime.date(1990, 3, 1)
    post_since = datetime.date(2020, 7, 1)
    phone = factory.Sequence(lambda n: f"021-5970{n % 10000:04d}")
    is_active = True
    user = None


class UserFactory(DjangoModelFactory):
    """An account; `roles=[...]` gives role groups, `unit=` adds the person's staff record."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(lambda: chinese_name(next(_names)))
    password = factory.django.Password(DEMO_PASSWORD)
    is_active = True
    is_staff = False
    is_superuser = False

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        roles = [Role(r) for r in extracted]
        self.groups.add(*[role_group(r) for r in roles])
        if needs_admin_access(roles) and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])

    @factory.post_generation
    def demo_exempt(self, create, extracted, **kwargs):
        # Factory accounts carry the demo password, like the demo accounts: no forced change,
        # no expiry, no required second factor. Pass demo_exempt=False to test those rules.
        if create:
            from qpdo.org.models import AccountSecurity

            AccountSecurity.objects.update_or_create(
                user=self, defaults={"demo_exempt": extracted is not False}
            )

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        if create and extracted is not None:
            StaffFactory(user=self, unit=extracted, name=unused_name(extracted, self.first_name))


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"root{n}")
    is_staff = True
    is_superuser = True
