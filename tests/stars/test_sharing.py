"""岗位之星 交流展示 (11月上旬): the 机关党支部 records the session (date, place, speakers with
their 体会 as text or file, photos); it shows on 风采展示 and in each speaker's record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import selectors as campaign_selectors
from campaigns.enums import ExchangeKind
from campaigns.models import Exchange
from campaigns.services import Speaker
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.models import Staff
from stars import selectors, services
from tests.forms import PageForm
from tests.stars.conftest import pdf_upload, photo_upload


@pytest.fixture
def early_november(campaign):
    with clock.frozen(clock.at(campaign.year, 11, 8, 15, 0)):
        yield


@pytest.fixture
def nominees(make_nomination, advance, post):
    """Two submitted 申报表 (胡晓琳 approved, 黄俊杰 at the 机关党支部) and one draft (周浩)."""
    approved = advance(make_nomination("baozhang_head", nominee="胡晓琳"))
    waiting = advance(
        make_nomination("dongyuan_head", nominee="黄俊杰", post=post("潜力调查")), to="branch"
    )
    draft = make_nomination("gongcheng_head", nominee="周浩", post=post("组织指挥"))
    return approved.nominee, waiting.nominee, draft.nominee


def session_data(campaign, **overrides) -> dict:
    data = {
        "title": f"{campaign.year}年度“岗位之星”交流展示会",
        "held_on": datetime.date(campaign.year, 11, 6),
        "place": "办机关三楼会议室",
        "summary": "“岗位之星”交流岗位建功体会，全体干部职工参加。",
    }
    data.update(overrides)
    return data


def record(demo_user, star_year, speakers, *, by="party_branch", photos=()):
    return services.star_sharing_save(
        acting_user=demo_user(by),
        star_year=star_year,
        **session_data(star_year.campaign),
        speakers=speakers,
        photos=photos,
    )


def test_the_speakers_offered_are_the_years_submitted_nominees(nominees, star_year):
    hu, huang, _zhou = nominees  # no star chosen yet: in the units' order
    assert [s.name for s in selectors.sharing_speakers(star_year)] == [huang.name, hu.name]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("party_branch", True),
        ("party_group", False),
        ("office_leader", False),
        ("zonghe_head", False),
        ("baozhang_head", False),
        ("member", False),
    ],
)
def test_only_the_party_branch_records_the_session(
    who, allowed, nominees, star_year, demo_user, early_november
):
    speakers = [Speaker(staff=nominees[0])]
    if allowed:
        session = record(demo_user, star_year, speakers, by=who)
        assert session.kind == ExchangeKind.STAR_SHARING
        assert session.unit.name == "机关党支部"
    else:
        with pytest.raises(Refused):
            record(demo_user, star_year, speakers, by=who)
        assert not Exchange.objects.exists()


def test_a_speaker_must_be_a_star_or_a_submitted_nominee(
    nominees, star_year, demo_user, early_november
):
    _hu, _huang, zhou = nominees
    stranger = Staff.objects.get(name="李静")
    with pytest.raises(ValidationError) as error:
        record(demo_user, star_year, [Speaker(staff=zhou), Speaker(staff=stranger)])
    assert error.value.message_dict["speakers"] == [
        f"周浩、李静不是{star_year.year}年度“岗位之星”或被推荐人。"
    ]
    with pytest.raises(ValidationError) as error:
        record(demo_user, star_year, [])
    assert error.value.message_dict["speakers"] == ["请至少选择一名交流发言人。"]


def test_the_session_shows_on_the_showcase_and_in_the_speakers_record(
    nominees, star_year, demo_user, client, login, early_november
):
    hu, huang, _ = nominees
    session = record(
        demo_user,
        star_year,
        [
            Speaker(staff=hu, reflection="把每一次值班都当作实战。"),
            Speaker(staff=huang, upload=pdf_upload("黄俊杰交流体会.pdf")),
        ],
        photos=[photo_upload("交流会现场.jpg")],
    )
    login("member")
    page = client.get(reverse("stars:showcase") + f"?year={star_year.year}")
    text = page.content.decode()
    assert page.status_code == 200
    assert session.title in text and "把每一次值班都当作实战。" in text
    assert "交流体会：黄俊杰交流体会.pdf" in text
    photo = session.photos.get()
    assert reverse("campaigns:exchange-photo-thumb", args=[photo.pk]) in text
    assert client.get(reverse("campaigns:exchange-photo-thumb", args=[photo.pk])).status_code == 200
    part = session.participants.get(staff=huang)
    assert client.get(
        reverse("campaigns:exchange-reflection-file", args=[part.pk])
    ).status_code == (200)
    record_ = campaign_selectors.records_for(campaign=star_year.campaign, staff=[hu])[0]
    assert record_.counts["exchanges"] == 1
    entries = [e for s in record_.sections for e in s.entries if e.category == "交流展示"]
    assert [(e.title, e.detail) for e in entries] == [
        (session.title, "岗位之星交流展示；办机关党支部组织；有交流体会")
    ]


def test_a_town_reporter_does_not_see_the_session(
    nominees, star_year, demo_user, client, login, early_november
):
    session = record(demo_user, star_year, [Speaker(staff=nominees[0])], photos=[photo_upload()])
    login("zhujiajiao")
    page = client.get(reverse("stars:showcase") + f"?year={star_year.year}")
    assert session.title not in page.content.decode()
    photo = session.photos.get()
    assert client.get(reverse("campaigns:exchange-photo", args=[photo.pk])).status_code == 404


def test_the_party_branch_records_and_changes_it_through_the_page(
    nominees, star_year, demo_user, client, login, early_november
):
    hu, huang, _ = nominees
    login("party_branch")
    url = reverse("stars:sharing-create") + f"?year={star_year.year}"
    form = PageForm.from_response(client.get(url), has_field="summary")
    form.fill("held_on", datetime.date(star_year.year, 11, 6).isoformat())
    form.fill("place", "办机关三楼会议室")
    form.fill("summary", "四位“岗位之星”交流体会。")
    form.check(f"speaker_{hu.pk}")
    form.fill(f"reflection_{hu.pk}", "岗位建功在于日常。")
    form.check(f"speaker_{huang.pk}")
    form.attach(f"file_{huang.pk}", pdf_upload("体会.pdf"))
    form.attach("photos", photo_upload())
    response = form.submit(client)
    session = Exchange.objects.get(kind=ExchangeKind.STAR_SHARING)
    assert response.status_code == 302
    assert f"#sharing-{session.pk}" in response["Location"]
    assert [(p.staff.name, p.reflection, p.original_name) for p in session.participants.all()] == [
        (huang.name, "", "体会.pdf"),  # in the order offered
        (hu.name, "岗位建功在于日常。", ""),
    ]
    # Change: 黄俊杰 adds a text and keeps his file; the photo is removed.
    edit = reverse("stars:sharing-edit", args=[session.pk])
    form = PageForm.from_response(client.get(edit), has_field="summary")
    assert form.value(f"reflection_{hu.pk}") == "岗位建功在于日常。"
    assert "已上传：体会.pdf（不选则保留，选择新文件则替换）" in client.get(edit).content.decode()
    form.fill(f"reflection_{huang.pk}", "数据核到底。")
    form.check("remove_photos", str(session.photos.get().pk))
    assert form.submit(client).status_code == 302
    huang_part = session.participants.get(staff=huang)
    assert (huang_part.reflection, huang_part.original_name) == ("数据核到底。", "体会.pdf")
    assert session.photos.count() == 0


def test_the_form_pages_are_the_party_branchs(nominees, star_year, demo_user, client, login):
    with clock.frozen(clock.at(star_year.year, 11, 8)):
        session = record(demo_user, star_year, [Speaker(staff=nominees[0])])
    for username in ("party_group", "zonghe_head", "member"):
        login(username)
        assert client.get(reverse("stars:sharing-create")).status_code == 403
        assert client.get(reverse("stars:sharing-edit", args=[session.pk])).status_code == 404
    # A section's 交流展示 is not opened in the stars' form.
    login("party_branch")
    other = Exchange.objects.create(
        campaign=star_year.campaign,
        kind=ExchangeKind.CASE,
        title="案例汇报",
        held_on=datetime.date(star_year.year, 9, 1),
        unit=nominees[0].unit,
        summary="汇报。",
        recorded_by=demo_user("baozhang_head"),
    )
    assert client.get(reverse("stars:sharing-edit", args=[other.pk])).status_code == 404
