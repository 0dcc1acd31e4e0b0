"""Scoring on the three standards and choosing exactly the year's quota of stars."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from qpdo.org import clock
from qpdo.workflow.models import Notification
from stars import selectors, services
from stars.models import Score, Star

from .conftest import publicize


def select(demo_user, nomination, citation=""):
    return services.star_select(
        acting_user=demo_user("party_group"), nomination=nomination, citation=citation
    )


# How many stars are already chosen → may one more be chosen (quota 4)?
QUOTA_TABLE = [(0, True), (1, True), (2, True), (3, True), (4, False)]


@pytest.mark.parametrize(("chosen", "allowed"), QUOTA_TABLE)
def test_selection_quota_table(approved_nominations, demo_user, chosen, allowed):
    nominations = approved_nominations(5)
    for nomination in nominations[:chosen]:
        select(demo_user, nomination)
    candidate = nominations[chosen]
    if allowed:
        select(demo_user, candidate)
        assert Star.objects.count() == chosen + 1
    else:
        with pytest.raises(ValidationError) as error:
            select(demo_user, candidate)
        names = "、".join(n.name for n in nominations[:4])
        assert error.value.messages == [
            f"2024年度“岗位之星”名额为4名，已确定4名（{names}），不能再确定第5名。"
            "如需调整，请先取消其中一名。"
        ]
        assert Star.objects.count() == 4


def test_choosing_a_star_is_audited(approved_nominations, demo_user):
    from qpdo.org.enums import AuditAction
    from qpdo.org.models import AuditRecord
    from tests.utils import audit_mark

    first, second = approved_nominations(2)
    select(demo_user, first)
    mark = audit_mark()
    select(demo_user, second)
    (record,) = AuditRecord.objects.filter(pk__gt=mark)
    assert (record.action, record.actor, record.success) == (
        AuditAction.CHANGE,
        demo_user("party_group"),
        True,
    )
    assert (record.object_type, record.object_id) == ("stars.Nomination", str(second.pk))
    assert record.detail == "确定为2024年度“岗位之星”（2/4）"


def test_quota_is_data(approved_nominations, demo_user, star_year):
    star_year.quota = 2
    star_year.save()
    first, second, third = approved_nominations(3)
    select(demo_user, first)
    select(demo_user, second)
    with pytest.raises(ValidationError, match="名额为2名"):
        select(demo_user, third)


def test_unselect_frees_a_place(approved_nominations, demo_user):
    nominations = approved_nominations(5)
    stars = [select(demo_user, n) for n in nominations[:4]]
    services.star_unselect(acting_user=demo_user("party_group"), star=stars[0])
    select(demo_user, nominations[4])
    assert set(Star.objects.values_list("nomination__name", flat=True)) == {
        n.name for n in nominations[1:]
    }


def test_only_fully_approved_nominations_can_be_chosen(make_nomination, advance, demo_user):
    waiting = advance(make_nomination("baozhang_head"), to="group")
    with pytest.raises(ValidationError, match="三级意见均为同意"):
        select(demo_user, waiting)


@pytest.mark.parametrize("username", ["party_branch", "office_leader", "baozhang_head"])
def test_only_the_party_group_chooses(approved_nominations, demo_user, username):
    (nomination,) = approved_nominations(1)
    with pytest.raises(PermissionDenied):
        services.star_select(acting_user=demo_user(username), nomination=nomination)


def test_announce_needs_exactly_the_quota(approved_nominations, demo_user, star_year):
    nominations = approved_nominations(4)
    for nomination in nominations[:3]:
        select(demo_user, nomination)
    with pytest.raises(ValidationError) as error:
        services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)
    assert error.value.messages == [
        "2024年度“岗位之星”名额为4名，目前已确定3名，须确定满4名并经公示后方可公布。"
    ]


def test_announce_locks_the_choice_and_tells_the_office(
    approved_nominations, demo_user, star_year, django_capture_on_commit_callbacks
):
    nominations = approved_nominations(5)
    for nomination in nominations[:4]:
        select(demo_user, nomination)
    # Demo accounts have no e-mail address: give three one (a 街镇 reporter is not told).
    for username in ("baozhang_head", "party_branch", "zhujiajiao"):
        account = demo_user(username)
        account.email = f"{username}@qpdo.example"
        account.save(update_fields=["email"])
    publicize(demo_user, star_year)
    mails_before = len(mail.outbox)
    with clock.frozen(clock.at(2024, 11, 1)), django_capture_on_commit_callbacks(execute=True):
        services.stars_announce(acting_user=demo_user("party_group"), star_year=star_year)
    announce_mails = mail.outbox[mails_before:]
    star_year.refresh_from_db()
    assert star_year.is_announced
    assert "经办党组研究，确定" in star_year.announcement
    assert Notification.objects.filter(
        recipient=demo_user("baozhang_head"), title="2024年度“岗位之星”已公布"
    ).exists()
    with pytest.raises(ValidationError, match="已公布"):
        services.star_unselect(acting_user=demo_user("party_group"), star=Star.objects.first())
    with pytest.raises(ValidationError, match="已公布"):
        select(demo_user, nominations[4])
    with pytest.raises(ValidationError, match="评分已结束"):
        services.score_save(
            acting_user=demo_user("party_group"),
            nomination=nominations[4],
            political=9,
            skill=9,
            performance=9,
        )
    # One e-mail per in-app message whose recipient has an address, and nothing else.
    told = Notification.objects.filter(title="2024年度“岗位之星”已公布").select_related("recipient")
    addresses = sorted(n.recipient.email for n in told if n.recipient.email)
    assert addresses == ["baozhang_head@qpdo.example", "party_branch@qpdo.example"]
    assert sorted(address for m in announce_mails for address in m.to) == addresses
    assert {m.subject for m in announce_mails} == {"2024年度“岗位之星”已公布"}


def test_scores_are_kept_per_member_and_averaged(approved_nominations, demo_user, campaign):
    from qpdo.org.enums import Role
    from qpdo.org.models import Unit
    from tests.factories import UserFactory

    (nomination,) = approved_nominations(1)
    second = UserFactory(roles=[Role.PARTY_GROUP], unit=Unit.objects.get(code="party_group"))
    services.score_save(
        acting_user=demo_user("party_group"),
        nomination=nomination,
        political="9.5",
        skill="9",
        performance="8.5",
        note="突出",
    )
    services.score_save(
        acting_user=second, nomination=nomination, political=8.5, skill=9, performance=9.5
    )
    # A member changing their score replaces it.
    services.score_save(
        acting_user=demo_user("party_group"),
        nomination=nomination,
        political="9.5",
        skill="10",
        performance="8.5",
    )
    assert Score.objects.filter(nomination=nomination).count() == 2
    row = selectors.comparison_for(user=second, campaign=campaign).get(pk=nomination.pk)
    assert row.score_count == 2
    assert Decimal(str(row.avg_skill)) == Decimal("9.5")
    assert round(row.avg_total, 2) == 27.5
    assert [s.total for s in row.my_scores] == [Decimal("27.0")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.5", "须在0至10分之间"),
        ("-1", "须在0至10分之间"),
        ("9.25", "最多保留一位小数"),
        ("很好", "请填写0至10"),
    ],
)
def test_bad_scores_are_refused(approved_nominations, demo_user, value, message):
    (nomination,) = approved_nominations(1)
    with pytest.raises(ValidationError) as error:
        services.score_save(
            acting_user=demo_user("party_group"),
            nomination=nomination,
            political=value,
            skill=9,
            performance=9,
        )
    assert message in error.value.message_dict["political"][0]
    assert not Score.objects.exists()


def test_scoring_waits_until_the_form_reaches_the_party_group(make_nomination, advance, demo_user):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    with pytest.raises(ValidationError, match="尚未报送至办党组"):
        services.score_save(
            acting_user=demo_user("party_group"),
            nomination=nomination,
            political=9,
            skill=9,
            performance=9,
        )
