"""Each person's yearly record (个人实践档案): gathered from every registered provider, seen by
the person, their section head and the leadership only, printed on one A4 page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from campaigns import providers, selectors, services
from campaigns.enums import CompetitionLevel, FourQuestions, TeamKind
from campaigns.exports import RecordPdf
from lectures import services as lectures
from lectures.models import Slot
from outreach import services as outreach
from outreach.enums import ReportKind
from outreach.models import Front
from qpdo.org import clock
from qpdo.org.models import AuditRecord, Staff, Unit
from qpdo.workflow import services as workflow
from qpdo.workflow.enums import Action
from tests.campaigns.conftest import d, jpeg_file

at = clock.at
# The providers this test gives the person activity in. A programme that registers a record
# provider must add its activity here (the test below says which one is missing).
PROVIDERS_WITH_ACTIVITY = {"campaign", "lectures", "outreach", "stars"}


@pytest.fixture
def wu(db) -> Staff:
    """吴佳怡 of 工程指挥科 (国动宣教), the office's 宣教审核 (demo user outreach_reviewer)."""
    return Staff.objects.select_related("unit").get(name="吴佳怡")


@pytest.fixture
def busy_year(wu, campaign, task, demo_user, done_item, make_topic, choose_quarter_star):
    """Give 吴佳怡 something in every programme of 2024."""
    head = demo_user("gongcheng_head")
    done_item(unit="gongcheng", owner="吴佳怡", deadline=d(6, 28), when=(6, 20))
    services.team_save(
        acting_user=head,
        campaign=campaign,
        kind=TeamKind.PROJECT,
        name="国防教育宣传品牌项目组",
        key_task=task(5),
        topic="打造国防教育宣传品牌。",
        goals="",
        leader=Staff.objects.get(name="陈志刚"),
        formed_on=d(5, 6),
        ends_on=d(11, 29),
        members=[(wu, "宣传策划"), (Staff.objects.get(name="许婷"), "")],
    )
    services.pair_save(
        acting_user=head,
        campaign=campaign,
        mentor=Staff.objects.get(name="陈志刚"),
        mentee=wu,
        goals="熟悉国动宣教业务。",
        starts_on=d(5, 1),
        ends_on=d(12, 31),
    )
    services.rotation_save(
        acting_user=head,
        campaign=campaign,
        staff=wu,
        to_unit=None,
        to_name="市国动办",
        post="宣传教育",
        starts_on=d(7, 1),
        ends_on=d(8, 30),
        purpose="学习市级宣传工作经验。",
    )
    with clock.frozen(at(2024, 9, 13)):
        competition = services.competition_save(
            acting_user=demo_user("zonghe_head"),
            campaign=campaign,
            title="国动宣教业务比武",
            discipline="国动宣教",
            level=CompetitionLevel.OFFICE,
            organiser="区国动办",
            held_on=d(9, 12),
            max_score=100,
        )
        services.competition_results_save(
            acting_user=demo_user("zonghe_head"),
            competition=competition,
            rows=[
                {"staff": wu, "score": 91, "award": "一等奖"},
                {"staff": Staff.objects.get(name="郑雨欣"), "score": 86, "award": ""},
            ],
        )
    with clock.frozen(at(2024, 10, 9)):
        choose_quarter_star(campaign, 3, wu, "全民国防教育日宣传成效显著。")
    with clock.frozen(at(2024, 5, 20)):
        services.discussion_save(
            acting_user=head,
            campaign=campaign,
            unit=Unit.objects.get(code="gongcheng"),
            held_on=d(5, 14),
            place="科室会议室",
            host=Staff.objects.get(name="张卫东"),
            questions=[FourQuestions.READINESS],
            minutes="逐人发言。",
            participants=[wu, Staff.objects.get(name="刘洋")],
        )
    # 国动小讲堂: a topic approved, scheduled and delivered.
    with clock.frozen(at(2024, 4, 10)):
        topic = make_topic("gongcheng_head", speaker=wu, title="国防教育进校园的故事")
        workflow.approval_submit(subject=topic, acting_user=head)
    with clock.frozen(at(2024, 4, 20)):
        for approver in ("zonghe_staff", "office_leader"):
            workflow.approval_decide(
                subject=topic, acting_user=demo_user(approver), decision=Action.APPROVE
            )
        lecture = lectures.lecture_schedule(
            acting_user=demo_user("zonghe_staff"),
            topic=topic,
            slot=Slot.objects.get(campaign=campaign, number=3),
            starts_at=at(2024, 6, 26, 14, 30),
            place="三楼会议室",
        )
    with clock.frozen(at(2024, 6, 27)):
        lectures.lecture_record_delivery(
            acting_user=demo_user("zonghe_staff"),
            lecture=lecture,
            held_on=d(6, 26),
            held_place="三楼会议室",
            audience_count=38,
        )
    # 六进: she reviews and adopts a town's report (宣教审核).
    with clock.frozen(at(2024, 9, 23)):
        report = outreach.report_create(
            acting_user=demo_user("zhujiajiao"),
            kind=ReportKind.ACTIVITY,
            title="全民国防教育日社区宣传",
            held_on=d(9, 21),
            place="朱家角镇文化中心",
            organiser="朱家角镇",
            participants="社区居民",
            audience_count=150,
            content="开展国防知识宣传。",
            plan_item=None,
            fronts=[Front.objects.get(name="进社区")],
            photos=[jpeg_file()],
        )
        workflow.approval_submit(subject=report, acting_user=demo_user("zhujiajiao"))
        workflow.approval_decide(
            subject=report, acting_user=demo_user("outreach_reviewer"), decision=Action.APPROVE
        )
    # 岗位之星: a 申报表 filed for her (once the programme tells the campaign).
    if providers.get("stars") is not None:
        from stars import services as stars
        from stars.models import Post
        from tests.stars.conftest import nomination_data

        with clock.frozen(at(2024, 10, 18)):
            nomination = stars.nomination_create(
                acting_user=head,
                campaign=campaign,
                **nomination_data(
                    wu,
                    Post.objects.get(campaign=campaign, name="国动宣教"),
                    competition_entry=competition.entries.get(staff=wu),  # her 比武 above
                ),
            )
            stars.nomination_submit(acting_user=head, nomination=nomination, opinion="同意推荐。")
    return wu


def test_record_gathers_every_registered_provider(busy_year, campaign):
    registered = {code for code, p in providers.all_providers() if p.record is not None}
    missing = registered - PROVIDERS_WITH_ACTIVITY
    assert not missing, f"give the person activity in {missing} in this test"
    record = selectors.records_for(campaign=campaign, staff=[busy_year])[0]
    assert {section.code for section in record.sections} == registered
    counts = record.counts
    assert (counts["items_owned"], counts["items_on_time"], counts["items_late"]) == (1, 1, 0)
    assert counts["teams"] == 1 and counts["mentoring"] == 1 and counts["rotations"] == 1
    assert counts["competitions"] == 1 and counts["quarter_stars"] == 1
    assert counts["discussions"] == 1
    assert counts["lectures_given"] == 1
    assert counts["outreach_reviews"] == 1
    if "stars" in registered:
        assert counts["star_nominations"] == 1
    lines = {(e.category, e.title, e.detail) for s in record.sections for e in s.entries}
    assert ("比武", "国动宣教业务比武", "第1名（91分，一等奖）") in lines
    assert ("岗位带教", "接受 陈志刚 带教", "2024年5月至12月，带教记录 0 次") in lines
    assert any(c == "讲堂讲述" and t == "《国防教育进校园的故事》" for c, t, _ in lines)
    assert any(c == "“六进”宣教审核" and "采用" in detail for c, _, detail in lines)


def test_record_columns_follow_the_providers(db):
    columns = [key for key, _ in selectors.record_columns()]
    assert columns[:3] == ["items_owned", "items_on_time", "items_late"]
    assert "lectures_given" in columns and "outreach_reviews" in columns


def test_competition_result_can_be_cited(busy_year, campaign):
    results = selectors.competition_results_of([busy_year.pk], year=2024)[busy_year.pk]
    assert results[0]["text"] == "国动宣教业务比武 第1名（91分，一等奖）"
    assert results[0]["rank"] == 1 and results[0]["level"] == "办内"


VISIBLE = {"outreach_reviewer", "gongcheng_head", "office_leader", "party_group"}
OTHERS = ["member", "dongyuan_head", "zonghe_staff", "party_branch", "zhujiajiao", "auditor"]


@pytest.mark.parametrize("username", sorted(VISIBLE) + OTHERS)
def test_record_visibility(wu, campaign, client, login, username):
    login(username)
    page = client.get(f"/campaigns/2024/records/{wu.pk}/")
    pdf = client.get(f"/campaigns/2024/records/{wu.pk}.pdf")
    if username in VISIBLE:
        assert page.status_code == 200
        assert "吴佳怡 · 2024年度个人实践档案" in page.content.decode()
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    else:
        assert page.status_code == 404
        assert pdf.status_code == 404


def test_record_list_is_scoped(campaign, client, login, wu):
    login("member")
    response = client.get("/campaigns/2024/records/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/records/{Staff.objects.get(name='刘洋').pk}/")
    login("gongcheng_head")
    names = {r.staff.name for r in client.get("/campaigns/2024/records/").context["records"]}
    assert "吴佳怡" in names and "黄俊杰" not in names
    login("office_leader")
    response = client.get("/campaigns/2024/records/?page=2")
    assert response.status_code == 200


def test_records_excel_has_a_row_per_person_in_scope(busy_year, client, login):
    login("gongcheng_head")
    response = client.get("/campaigns/2024/records.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[1]
    assert header[:4] == ("序号", "姓名", "科室", "职务/岗位")
    people = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert set(people) == set(
        Staff.objects.filter(unit__code="gongcheng", is_active=True).values_list("name", flat=True)
    )
    assert people["吴佳怡"]["小讲堂讲述"] == 1 and people["吴佳怡"]["比武"] == 1
    assert AuditRecord.objects.filter(detail__contains="导出2024年个人实践档案汇总").exists()


def test_record_prints_on_one_page_with_chinese_text(busy_year, campaign, make_item):
    for number in range(25):  # a very busy year still prints on one page
        make_item(unit="gongcheng", owner="吴佳怡", title=f"宣传专项工作 {number}")
    record = selectors.records_for(campaign=campaign, staff=[busy_year])[0]
    reader = PdfReader(io.BytesIO(RecordPdf(record).render()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "个人实践档案" in text and "吴佳怡" in text and "工程指挥科" in text
    assert "另有" in text  # the rest of the 25 items is summed up


def test_pdf_html_is_marked_chinese(busy_year, campaign):
    from django.template.loader import render_to_string

    record = selectors.records_for(campaign=campaign, staff=[busy_year])[0]
    html = render_to_string(RecordPdf.template_name, RecordPdf(record).context())
    assert '<html lang="zh-CN">' in html and "Noto Serif CJK SC" in html
