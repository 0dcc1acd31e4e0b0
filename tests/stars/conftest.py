"""Builders for 岗位之星 records, made through the services as the office would.

Dates are frozen in the 2024 campaign (申报表 in October) so deadlines and printed dates are
those of the real programme.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.models import Campaign
from qpdo.org import clock
from qpdo.org.models import Staff
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from stars import services
from stars.enums import Source
from stars.models import Post, StarYear

SHORT_DEEDS = (
    "该同志长期从事人民防空通信警报工作，刻苦钻研业务，熟练掌握警报器维护保养和故障排除技术。\n"
    "2024年代表我区参加全市专业技能比武，获个人一等奖。"
)

# Each section head's nominees, in order: make_nomination() takes the next one not yet used.
NOMINEES = {
    "baozhang_head": ["胡晓琳", "林涛", "马骏"],
    "gongcheng_head": ["陈志刚", "周浩", "郑雨欣", "吴佳怡", "刘洋"],
    "dongyuan_head": ["黄俊杰", "许婷", "孙敏"],
    "zonghe_head": ["曹文婷", "朱晓东", "李静"],
}


@pytest.fixture(autouse=True)
def october_2024():
    """Run every test on a working day of the 2024 campaign, before the 20 October deadline."""
    with clock.frozen(clock.at(2024, 10, 15)):
        yield


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.get(year=2024)


@pytest.fixture
def star_year(campaign) -> StarYear:
    return StarYear.objects.get(campaign=campaign)


@pytest.fixture
def post(campaign):
    """Return one of the year's posts by name: post("通信警报")."""

    def get(name: str) -> Post:
        return Post.objects.get(campaign=campaign, name=name)

    return get


ALARM_CONTEST = "2024年上海市国动系统通信警报专业技能比武"


def competition_entry(
    staff: Staff, *, score="92.5", award="一等奖", title=ALARM_CONTEST, year: int = 2024
):
    """Return the staff member's entry of a 比武 of `year` (2024 unless told), recorded as
    综合科 records it (the 比武 is registered once; entrants are added to its results)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from campaigns import services as campaign_services
    from campaigns.enums import CompetitionLevel
    from campaigns.models import Competition, CompetitionEntry

    campaign = Campaign.objects.get(year=year)
    coordinator = get_user_model().objects.get(username="zonghe_head")
    competition = Competition.objects.filter(campaign=campaign, title=title).first()
    with clock.frozen(clock.at(year, 9, 12, 18)):
        if competition is None:
            competition = campaign_services.competition_save(
                acting_user=coordinator,
                campaign=campaign,
                title=title,
                discipline="通信警报",
                level=CompetitionLevel.CITY,
                organiser="市国动办",
                held_on=datetime.date(year, 9, 12),
                place="市民防指挥中心",
                max_score=Decimal(100),
                note="",
            )
        rows = [
            {"staff": e.staff, "score": e.score, "award": e.award}
            for e in competition.entries.select_related("staff").exclude(staff=staff)
        ]
        rows.append({"staff": staff, "score": Decimal(score) if score else None, "award": award})
        campaign_services.competition_results_save(
            acting_user=coordinator, competition=competition, rows=rows
        )
    return CompetitionEntry.objects.get(competition=competition, staff=staff)


def nomination_data(staff: Staff, post: Post, **overrides) -> dict:
    data = {
        "nominee": staff,
        "post": post,
        "name": staff.name,
        "gender": staff.gender,
        "native_place": staff.native_place,
        "political_status": staff.political_status,
        "education": staff.education,
        "birth_month": staff.birth_month,
        "years_on_post": 5,
        "source": Source.COMPETITION,
        "deeds": SHORT_DEEDS,
    }
    data.update(overrides)
    if data["source"] == Source.COMPETITION and "competition_entry" not in data:
        data["competition_entry"] = competition_entry(staff)
    return data


@pytest.fixture
def make_nomination(db, demo_user, campaign, post):
    """Create a draft 申报表 as a section head: make_nomination("baozhang_head", deeds=...)."""
    used: set[str] = set()

    def make(username: str = "baozhang_head", *, nominee: str | None = None, **overrides):
        user = demo_user(username)
        name = nominee or next(n for n in NOMINEES[username] if n not in used)
        used.add(name)
        staff = Staff.objects.get(name=name, unit=user.staff.unit)
        data = nomination_data(staff, overrides.pop("post", None) or post("通信警报"), **overrides)
        return services.nomination_create(acting_user=user, campaign=campaign, **data)

    return make


@pytest.fixture
def advance(demo_user):
    """Drive a nomination through its chain: advance(n, to="group") stops waiting there;
    advance(n, to="approved") gives all three opinions. Dates: 18, 21 and 28 October."""

    def run(nomination, to: str = "approved"):
        head = demo_user(f"{nomination.unit.code}_head")
        with clock.frozen(clock.at(2024, 10, 18)):
            services.nomination_submit(
                acting_user=head, nomination=nomination, opinion="该同志表现突出，同意推荐。"
            )
        if to == "branch":
            return _fresh(nomination)
        with clock.frozen(clock.at(2024, 10, 21)):
            workflow.approval_decide(
                subject=nomination,
                acting_user=demo_user("party_branch"),
                decision=Action.APPROVE,
                opinion="经支部委员会研究，同意推荐。",
            )
        if to == "group":
            return _fresh(nomination)
        with clock.frozen(clock.at(2024, 10, 28)):
            workflow.approval_decide(
                subject=nomination,
                acting_user=demo_user("party_group"),
                decision=Action.APPROVE,
                opinion="同意推荐为“岗位之星”候选人选。",
            )
        return _fresh(nomination)

    return run


def _fresh(nomination):
    from stars.models import Nomination

    return Nomination.objects.select_related("approval", "unit", "post__category").get(
        pk=nomination.pk
    )


@pytest.fixture
def approved_nominations(make_nomination, advance, post):
    """Return n nominations with all three opinions given, from different sections."""

    def make(n: int):
        plan = [
            ("baozhang_head", "通信警报"),
            ("dongyuan_head", "潜力调查"),
            ("gongcheng_head", "组织指挥"),
            ("zonghe_head", "文秘宣传"),
            ("gongcheng_head", "行政执法"),
            ("dongyuan_head", "动员协调"),
        ]
        return [advance(make_nomination(u, post=post(p))) for u, p in plan[:n]]

    return make


def photo_upload(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 60, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf_upload(name: str = "总结.pdf") -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b"0" * 200 + b"\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")


OCT_20 = datetime.date(2024, 10, 20)


def publicize(demo_user, star_year, *, on=(2024, 10, 29), ends=(2024, 10, 31)):
    """Publish the chosen stars for a 公示 (29–31 October 2024 unless told): 公布 needs it."""
    with clock.frozen(clock.at(*on)):
        return services.stars_publicize(
            acting_user=demo_user("party_group"),
            star_year=star_year,
            ends_on=datetime.date(*ends),
        )
