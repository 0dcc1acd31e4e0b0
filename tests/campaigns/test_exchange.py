"""交流展示: who records what (a table), uploads, the personal record, the ranking's evidence,
the list page (filters, a fixed number of statements), detail, change and delete."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from campaigns import selectors, services
from campaigns.enums import MAX_EXCHANGE_PHOTOS, ExchangeKind
from campaigns.models import Exchange, ExchangePhoto
from qpdo.errors import Refused
from qpdo.org import clock
from qpdo.org.audit import AuditRecord
from qpdo.org.models import Staff, Unit
from tests.campaigns.conftest import exe_file, html_as_pdf, pdf_file
from tests.documents.conftest import gps_exif, image_bytes


def s(name: str) -> Staff:
    return Staff.objects.select_related("unit").get(name=name)


def u(code: str) -> Unit:
    return Unit.objects.get(code=code)


def photo(name: str = "观摩现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, image_bytes("JPEG", (640, 480), exif=gps_exif()), content_type="image/jpeg"
    )


@pytest.fixture(autouse=True)
def in_october(campaign):
    """Run every test on 10 October of the fixture campaign's year."""
    with clock.frozen(clock.at(campaign.year, 10, 10)):
        yield


def day(campaign, month: int, dom: int) -> datetime.date:
    return datetime.date(campaign.year, month, dom)


def data(campaign, **overrides) -> dict:
    values = {
        "kind": ExchangeKind.PROJECT_VISIT,
        "title": "重点人防工程现场观摩",
        "held_on": day(campaign, 9, 18),
        "place": "施工现场",
        "unit": u("gongcheng"),
        "summary": "观摩重点人防工程建设，交流质量控制做法。",
    }
    values.update(overrides)
    return values


def record(demo_user, campaign, *, by="gongcheng_head", people=("刘洋", "陈志刚"), **kw):
    photos = kw.pop("photos", ())
    material = kw.pop("material", None)
    return services.exchange_save(
        acting_user=demo_user(by),
        campaign=campaign,
        **data(campaign, **kw),
        people=[services.Speaker(staff=s(n)) for n in people],
        photos=photos,
        material=material,
    )


# --- who records what --------------------------------------------------------------------------

SCOPE = [
    # (who, kind, organising unit, allowed)
    ("gongcheng_head", ExchangeKind.PROJECT_VISIT, "gongcheng", True),
    ("gongcheng_head", ExchangeKind.CASE, "dongyuan", False),
    ("dongyuan_head", ExchangeKind.CASE, "dongyuan", True),
    ("zonghe_head", ExchangeKind.EXPERIENCE, "dongyuan", True),  # 牵头科室: any section
    ("zonghe_head", ExchangeKind.MEETING, "zonghe", True),
    ("member", ExchangeKind.DEEDS, "gongcheng", False),
    ("zonghe_staff", ExchangeKind.DEEDS, "zonghe", False),
    ("office_leader", ExchangeKind.INNOVATION, "gongcheng", False),
    ("party_group", ExchangeKind.INNOVATION, "gongcheng", False),
    ("party_branch", ExchangeKind.EXPERIENCE, "gongcheng", False),
    ("outreach_reviewer", ExchangeKind.EXPERIENCE, "gongcheng", False),
    ("zhujiajiao", ExchangeKind.EXPERIENCE, "gongcheng", False),
    # the stars' session is the 机关党支部's alone
    ("party_branch", ExchangeKind.STAR_SHARING, "party_branch", True),
    ("zonghe_head", ExchangeKind.STAR_SHARING, "zonghe", False),
    ("gongcheng_head", ExchangeKind.STAR_SHARING, "gongcheng", False),
]


@pytest.mark.parametrize(("who", "kind", "unit_code", "allowed"), SCOPE)
def test_who_records_an_exchange(who, kind, unit_code, allowed, demo_user, campaign):
    unit = Unit.objects.filter(code=unit_code).first() or Unit.objects.get(kind=unit_code)
    attempt = lambda: record(demo_user, campaign, by=who, kind=kind, unit=unit)  # noqa: E731
    if allowed:
        exchange = attempt()
        assert exchange.unit == unit and exchange.kind == kind
    else:
        with pytest.raises(Refused):
            attempt()
        assert not Exchange.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("gongcheng_head", True),
        ("zonghe_head", True),
        ("dongyuan_head", False),
        ("member", False),
        ("office_leader", False),
    ],
)
def test_who_changes_and_deletes_an_exchange(who, allowed, demo_user, campaign):
    exchange = record(demo_user, campaign)
    if allowed:
        services.exchange_save(
            acting_user=demo_user(who),
            campaign=campaign,
            **data(campaign, title="改过的主题"),
            people=[services.Speaker(staff=s("刘洋"))],
            exchange=exchange,
        )
        assert Exchange.objects.get().title == "改过的主题"
        assert list(exchange.participants.values_list("staff__name", flat=True)) == ["刘洋"]
        services.exchange_delete(acting_user=demo_user(who), exchange=exchange)
        assert not Exchange.objects.exists()
    else:
        with pytest.raises(Refused):
            services.exchange_save(
                acting_user=demo_user(who),
                campaign=campaign,
                **data(campaign),
                people=[services.Speaker(staff=s("刘洋"))],
                exchange=exchange,
            )
        with pytest.raises(Refused):
            services.exchange_delete(acting_user=demo_user(who), exchange=exchange)
        assert Exchange.objects.count() == 1


def test_recording_writes_an_audit_record(demo_user, campaign):
    exchange = record(demo_user, campaign)
    audit = AuditRecord.objects.filter(object_type="campaigns.Exchange", object_id=str(exchange.pk))
    assert [a.detail for a in audit] == [
        "登记交流展示（重大项目观摩）“重点人防工程现场观摩”：工程指挥科，2 人，新增照片 0 张"
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"summary": ""}, "summary"),
        ({"held_on": None}, "held_on"),
        ({"kind": "lecture"}, "kind"),
    ],
)
def test_an_incomplete_exchange_is_refused_by_field(overrides, field, demo_user, campaign):
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, **overrides)
    assert field in error.value.message_dict


def test_an_exchange_is_recorded_after_it_took_place_within_its_year(demo_user, campaign):
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, held_on=clock.today() + datetime.timedelta(days=1))
    assert error.value.message_dict["held_on"] == ["日期不能晚于今天：交流展示举行后再登记。"]
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, held_on=datetime.date(campaign.year - 1, 12, 30))
    assert error.value.message_dict["held_on"] == [f"日期须在{campaign.year}年内。"]


def test_people_are_needed_and_must_be_office_staff(demo_user, campaign):
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, people=())
    assert "people" in error.value.message_dict
    reporter = Staff.objects.filter(unit__code="zhujiajiao").first()
    with pytest.raises(ValidationError) as error:
        services.exchange_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **data(campaign),
            people=[services.Speaker(staff=reporter)],
        )
    assert error.value.message_dict["people"] == ["参加人员须为本办干部职工。"]


# --- uploads -------------------------------------------------------------------------------------


def test_photos_are_stored_without_exif_with_a_thumbnail(demo_user, campaign):
    exchange = record(demo_user, campaign, photos=[photo(), photo("第二张.jpg")])
    photos = list(ExchangePhoto.objects.filter(exchange=exchange).order_by("order"))
    assert [p.original_name for p in photos] == ["观摩现场.jpg", "第二张.jpg"]
    for stored in photos:
        with stored.image.open("rb") as f:
            image = Image.open(io.BytesIO(f.read()))
            assert not image.getexif()
            assert image.size == (640, 480)
        with stored.thumbnail.open("rb") as f:
            assert max(Image.open(io.BytesIO(f.read())).size) <= 400


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"material": exe_file()}, "material"),
        ({"material": html_as_pdf()}, "material"),
        ({"photos": [SimpleUploadedFile("照片.jpg", b"<html>not a photo</html>")]}, "photos"),
        ({"photos": [pdf_file("照片.pdf")]}, "photos"),
    ],
)
def test_uploads_are_checked_by_content(kw, field, demo_user, campaign):
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, **kw)
    assert field in error.value.message_dict
    assert not Exchange.objects.exists()


def test_a_photo_over_the_pixel_cap_is_refused(demo_user, campaign, settings):
    from qpdo.documents import uploads

    big = SimpleUploadedFile("大图.png", image_bytes("PNG", (6000, 5000)))
    assert uploads.MAX_IMAGE_PIXELS < 6000 * 5000
    with pytest.raises(ValidationError) as error:
        record(demo_user, campaign, photos=[big])
    assert "photos" in error.value.message_dict


def test_at_most_twelve_photos_per_exchange(demo_user, campaign):
    exchange = record(demo_user, campaign, photos=[photo(f"{i}.jpg") for i in range(10)])
    with pytest.raises(ValidationError) as error:
        services.exchange_save(
            acting_user=demo_user("gongcheng_head"),
            campaign=campaign,
            **data(campaign),
            people=[services.Speaker(staff=s("刘洋"))],
            photos=[photo(f"x{i}.jpg") for i in range(3)],
            exchange=exchange,
        )
    assert error.value.message_dict["photos"] == [
        f"每条交流展示最多 {MAX_EXCHANGE_PHOTOS} 张照片。"
    ]
    first = exchange.photos.order_by("order").first()
    services.exchange_save(
        acting_user=demo_user("gongcheng_head"),
        campaign=campaign,
        **data(campaign),
        people=[services.Speaker(staff=s("刘洋"))],
        photos=[photo(f"y{i}.jpg") for i in range(2)],
        remove_photos=[first.pk],
        exchange=exchange,
    )
    assert exchange.photos.count() == 11
    assert not exchange.photos.filter(pk=first.pk).exists()


def test_a_material_file_is_kept_and_served_to_the_office(demo_user, campaign, client, login):
    exchange = record(demo_user, campaign, material=pdf_file("观摩材料.pdf"))
    assert exchange.material_name == "观摩材料.pdf"
    url = reverse("campaigns:exchange-material", args=[campaign.year, exchange.pk])
    login("member")
    assert client.get(url).status_code == 200
    login("zhujiajiao")
    assert client.get(url).status_code == 404


# --- what it feeds -----------------------------------------------------------------------------


def test_each_participant_has_the_exchange_in_the_personal_record(demo_user, campaign):
    exchange = record(demo_user, campaign, people=("刘洋", "陈志刚"))
    liu, chen, zhou = s("刘洋"), s("陈志刚"), s("周浩")
    records = {
        r.staff.name: r for r in selectors.records_for(campaign=campaign, staff=[liu, chen, zhou])
    }
    for name in ("刘洋", "陈志刚"):
        assert records[name].counts["exchanges"] == 1
        section = next(x for x in records[name].sections if x.code == "campaign")
        entries = [e for e in section.entries if e.category == "交流展示"]
        assert [(e.title, e.date, e.detail) for e in entries] == [
            (exchange.title, exchange.held_on, "重大项目观摩；工程指挥科组织")
        ]
    assert records["周浩"].counts["exchanges"] == 0
    assert ("exchanges", "交流展示") in selectors.record_columns()


def test_the_record_page_shows_the_exchange(demo_user, campaign, client, login):
    record(demo_user, campaign, people=("刘洋",))
    login("member")
    page = client.get(reverse("campaigns:record", args=[campaign.year, s("刘洋").pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "交流展示" in text and "重点人防工程现场观摩" in text


def test_the_months_evidence_lists_each_sections_exchanges(demo_user, campaign):
    september = record(demo_user, campaign, held_on=day(campaign, 9, 18))
    record(demo_user, campaign, held_on=day(campaign, 8, 30), title="八月的观摩")
    other = record(
        demo_user,
        campaign,
        by="dongyuan_head",
        unit=u("dongyuan"),
        kind=ExchangeKind.CASE,
        held_on=day(campaign, 9, 2),
        title="案例汇报",
        people=("黄俊杰",),
    )
    start, end = selectors.month_bounds(campaign.year, 9)
    units = [u("gongcheng"), u("dongyuan"), u("zonghe")]
    evidence = selectors.exchange_evidence(campaign=campaign, start=start, end=end, units=units)
    assert {k: [e.pk for e in v] for k, v in evidence.items()} == {
        u("gongcheng").pk: [september.pk],
        u("dongyuan").pk: [other.pk],
    }


def test_the_ranking_page_shows_the_months_exchanges(demo_user, campaign, client, login):
    record(demo_user, campaign, held_on=day(campaign, 9, 18))
    login("zonghe_head")
    page = client.get(reverse("campaigns:ranking", args=[campaign.year, 9]))
    text = page.content.decode()
    assert "佐证 · 本月各科室交流展示" in text
    assert "重大项目观摩“重点人防工程现场观摩”" in text
    page = client.get(reverse("campaigns:ranking", args=[campaign.year, 8]))
    assert "8月各科室没有登记交流展示。" in page.content.decode()


def test_an_exchange_of_a_confirmed_month_is_not_deleted(demo_user, campaign):
    from qpdo.workflow import services as workflow
    from qpdo.workflow.enums import Action

    exchange = record(demo_user, campaign, held_on=day(campaign, 9, 18))
    ranking = services.ranking_compile(
        acting_user=demo_user("zonghe_head"), campaign=campaign, month=9
    )
    services.ranking_submit(acting_user=demo_user("zonghe_head"), ranking=ranking)
    workflow.approval_decide(
        subject=ranking, acting_user=demo_user("office_leader"), decision=Action.APPROVE
    )
    with pytest.raises(ValidationError) as error:
        services.exchange_delete(acting_user=demo_user("gongcheng_head"), exchange=exchange)
    assert error.value.messages == ["9月排名已经办领导确认，本条交流展示是其佐证，不能删除。"]


# --- pages ---------------------------------------------------------------------------------------


def test_the_list_filters_by_kind_and_unit(demo_user, campaign, client, login):
    record(demo_user, campaign, title="观摩甲")
    record(
        demo_user,
        campaign,
        by="dongyuan_head",
        unit=u("dongyuan"),
        kind=ExchangeKind.CASE,
        title="汇报乙",
        people=("黄俊杰",),
    )
    login("member")
    url = reverse("campaigns:exchange-list", args=[campaign.year])

    def titles(query: dict) -> list[str]:
        page = client.get(url, query)
        assert page.status_code == 200
        return [e.title for e in page.context["object_list"]]

    assert sorted(titles({})) == ["汇报乙", "观摩甲"]
    assert titles({"kind": ExchangeKind.CASE}) == ["汇报乙"]
    assert titles({"unit": u("gongcheng").pk}) == ["观摩甲"]
    assert titles({"kind": ExchangeKind.CASE, "unit": u("gongcheng").pk}) == []


def test_the_list_runs_the_same_statements_for_one_or_many_records(
    demo_user, campaign, client, login
):
    record(demo_user, campaign, photos=[photo()])
    login("member")
    url = reverse("campaigns:exchange-list", args=[campaign.year])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(6):
        record(demo_user, campaign, title=f"观摩{i}", people=("刘洋", "陈志刚", "周浩"))
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["object_list"]) == 7
    assert len(many) == len(one)


def test_the_list_and_detail_are_for_the_office_only(demo_user, campaign, client, login):
    exchange = record(demo_user, campaign, photos=[photo()])
    detail = reverse("campaigns:exchange-detail", args=[campaign.year, exchange.pk])
    photo_url = reverse("campaigns:exchange-photo-thumb", args=[exchange.photos.get().pk])
    for username in ("member", "office_leader", "party_group", "dongyuan_head"):
        login(username)
        assert client.get(detail).status_code == 200
        assert client.get(photo_url).status_code == 200
    login("zhujiajiao")
    assert client.get(detail).status_code == 404
    assert client.get(photo_url).status_code == 404


def test_a_section_head_records_an_exchange_in_the_browser_form(campaign, client, login):
    from tests.forms import PageForm

    login("gongcheng_head")
    url = reverse("campaigns:exchange-create", args=[campaign.year])
    form = PageForm.from_response(client.get(url), has_field="summary")
    assert form.options("unit") == ["", str(u("gongcheng").pk)]  # a section head: own unit
    form.fill("kind", ExchangeKind.EXPERIENCE)
    form.fill("title", "平战转换经验交流")
    form.fill("held_on", day(campaign, 9, 20).isoformat())
    form.fill("unit", u("gongcheng").pk)
    form.choose("people", [s("刘洋").pk, s("周浩").pk])
    form.fill("summary", "交流平战转换预案编制经验。")
    form.attach("photos", photo())
    response = form.submit(client)
    exchange = Exchange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == exchange.get_absolute_url()
    assert exchange.photos.count() == 1
    assert sorted(exchange.people.values_list("name", flat=True)) == ["刘洋", "周浩"]


def test_the_form_is_refused_to_who_may_not_record(campaign, client, login):
    url = reverse("campaigns:exchange-create", args=[campaign.year])
    login("member")
    assert client.get(url).status_code == 403
    login("zhujiajiao")
    assert client.get(url).status_code == 404
