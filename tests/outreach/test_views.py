"""Pages of 六进: each allowed case, and the forbidden case with another unit's data present.

A unit's 填报员 reaches only its own plans, reports and files, by any URL, export, download or
admin page: anything else is a 404 (the same as a missing record).
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from outreach import services
from outreach.models import Community, Plan, Report, School
from qpdo.org import clock
from qpdo.org.enums import UnitKind
from qpdo.org.services import unit_upsert
from qpdo.workflow.enums import Action, State
from tests.forms import PageForm
from tests.utils import assert_constant_queries, element_text, queries_for_get

from .conftest import MP4_BYTES, PDF_BYTES, jpeg_with_gps, upload


@pytest.fixture
def other_units_data(make_report, make_plan, reviewer, unit, in_2024):
    """区教育局's plan and report (with a video), and a 夏阳街道 school with its plan."""
    report = make_report("jiaoyuju", fronts=("进学校",))
    services.report_update(
        acting_user=report.approval.created_by,
        report=report,
        **{f: getattr(report, f) for f in services.REPORT_FIELDS},
        fronts=list(report.fronts.all()),
        video=upload("课.mp4", MP4_BYTES),
    )
    school = School.objects.create(town=unit("xiayang"), name="青浦区夏阳小学")
    evacuation = services.evacuation_plan_add(
        acting_user=reviewer,
        school=school,
        upload=upload("方案.pdf", PDF_BYTES),
        compiled_on=datetime.date(2024, 3, 1),
    )
    community = Community.objects.create(town=unit("xiayang"), name="塘郁村")
    return {
        "report": report,
        "plan": make_plan("jiaoyuju"),
        "photo": report.photos.get(),
        "video": report.attachments.get(),
        "school": school,
        "evacuation": evacuation,
        "community": community,
    }


def test_another_units_records_are_404_for_a_reporter(client, login, other_units_data):
    data = other_units_data
    login("zhujiajiao")
    urls = [
        f"/outreach/reports/{data['report'].pk}/",
        f"/outreach/reports/{data['report'].pk}/edit/",
        f"/outreach/plans/{data['plan'].pk}/",
        f"/outreach/plans/{data['plan'].pk}/edit/",
        f"/outreach/photos/{data['photo'].pk}/",
        f"/outreach/photos/{data['photo'].pk}/thumb/",
        f"/outreach/files/{data['video'].pk}/",
        f"/outreach/schools/{data['school'].pk}/",
        f"/outreach/evacuation-plans/{data['evacuation'].pk}/",
        f"/outreach/communities/{data['community'].pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (
        f"/outreach/reports/{data['report'].pk}/review/",
        f"/outreach/reports/{data['report'].pk}/promote/",
        f"/outreach/reports/{data['report'].pk}/delete/",
        f"/outreach/plans/{data['plan'].pk}/review/",
    ):
        assert client.post(url, {"decision": "approve"}).status_code == 404, url
    assert Report.objects.filter(pk=data["report"].pk).exists()


def test_the_owner_and_the_office_reach_them(client, login, other_units_data):
    data = other_units_data
    for username in ("jiaoyuju", "outreach_reviewer"):
        login(username)
        assert client.get(f"/outreach/reports/{data['report'].pk}/").status_code == 200
        photo = client.get(f"/outreach/photos/{data['photo'].pk}/")
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
        assert client.get(f"/outreach/files/{data['video'].pk}/").status_code == 200
    login("outreach_reviewer")
    download = client.get(f"/outreach/evacuation-plans/{data['evacuation'].pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")


def test_lists_and_exports_hold_only_the_own_unit(client, login, other_units_data, make_report):
    make_report("zhujiajiao", title="朱家角的活动")
    login("zhujiajiao")
    page = client.get("/outreach/reports/").content.decode()
    assert "朱家角的活动" in page and other_units_data["report"].title not in page
    assert other_units_data["school"].name not in client.get("/outreach/schools/").content.decode()
    export = load_workbook(io.BytesIO(client.get("/outreach/reports/export.xlsx").content))
    titles = [row[2] for row in export.active.iter_rows(min_row=3, values_only=True)]
    assert titles == ["朱家角的活动"]
    # A filter naming another unit does not widen the scope.
    unit_id = other_units_data["report"].unit_id
    assert client.get(f"/outreach/reports/?unit={unit_id}").context["object_list"].count() == 1


def test_admin_lists_only_what_the_selector_allows(
    client, demo_user, other_units_data, make_report
):
    """Even given admin access, a unit's 填报员 sees only its own unit's reports there."""
    own = make_report("zhujiajiao", title="朱家角的活动")
    user = demo_user("zhujiajiao")
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="outreach", codename__startswith="view_")
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/outreach/report/")
    assert listing.status_code == 200
    assert [r.pk for r in listing.context["cl"].result_list] == [own.pk]
    other = client.get(f"/admin/outreach/report/{other_units_data['report'].pk}/change/")
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(f"/admin/outreach/report/{own.pk}/change/").status_code == 200
    schools = client.get("/admin/outreach/school/")
    assert list(schools.context["cl"].result_list) == []  # 夏阳街道's school is not 朱家角镇's


def test_reporters_have_no_admin_and_no_dashboard(client, login):
    login("zhujiajiao")
    assert client.get("/admin/outreach/report/").status_code == 302
    assert client.get("/outreach/dashboard/").status_code == 403
    assert client.get("/outreach/").status_code == 200


def test_a_member_unit_has_no_registers(client, login):
    login("jiaoyuju")
    assert client.get("/outreach/schools/").status_code == 403
    assert client.get("/outreach/import/schools/").status_code == 403


def test_report_form_files_and_submits(client, login, front, in_2024):
    login("zhujiajiao")
    response = client.post(
        "/outreach/reports/new/",
        {
            "fronts": [front("进学校").pk, front("进网络").pk],
            "kind": "activity",
            "title": "朱家角中学疏散演练",
            "held_on": "2024-09-21",
            "place": "朱家角中学",
            "organiser": "朱家角镇",
            "participants": "全校师生",
            "audience_count": "1200",
            "content": "全校师生 4 分钟完成疏散。",
            "plan_item": "",
            "photos": [jpeg_with_gps("一.jpg"), jpeg_with_gps("二.jpg")],
            "submit": "1",
        },
    )
    report = Report.objects.get(title="朱家角中学疏散演练")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.approval.state == State.IN_REVIEW
    assert report.photos.count() == 2
    assert {f.name for f in report.fronts.all()} == {"进学校", "进网络"}


def test_report_form_shows_chinese_errors_and_saves_nothing(client, login, front, in_2024):
    login("zhujiajiao")
    response = client.post(
        "/outreach/reports/new/",
        {
            "fronts": [front("进学校").pk],
            "kind": "activity",
            "title": "未来的活动",
            "held_on": "2024-12-01",
            "place": "朱家角中学",
            "organiser": "朱家角镇",
            "participants": "师生",
            "audience_count": "10",
            "content": "内容",
            "video": SimpleUploadedFile("活动.mp4", b"not a video at all" * 10),
            "photos": [SimpleUploadedFile("照片.jpg", PDF_BYTES)],
            "save": "1",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "文件内容与扩展名不符" in text
    assert not Report.objects.exists()


def test_reviewer_adopts_and_promotes_on_the_report_page(client, login, make_report, in_2024):
    report = make_report("zhujiajiao")
    services.report_submit(acting_user=report.approval.created_by, report=report)
    login("outreach_reviewer")
    page = client.get(report.get_absolute_url()).content.decode()
    assert "采用" in page and "退回修改" in page
    response = client.post(
        f"/outreach/reports/{report.pk}/review/",
        {"decision": "approve", "opinion": "", "expected_step": "review"},
    )
    assert response.status_code == 302
    report.approval.refresh_from_db()
    assert report.approval.state == State.APPROVED
    client.post(f"/outreach/reports/{report.pk}/promote/")
    report.refresh_from_db()
    assert report.promoted_to_city
    page = client.get(report.get_absolute_url()).content.decode()
    assert "已采用" in page and "已报市国动办" in page


def test_a_return_without_reason_is_refused_on_the_page(client, login, make_report, in_2024):
    report = make_report("zhujiajiao")
    services.report_submit(acting_user=report.approval.created_by, report=report)
    login("outreach_reviewer")
    client.post(
        f"/outreach/reports/{report.pk}/review/",
        {"decision": "return", "opinion": "", "expected_step": "review"},
    )
    report.approval.refresh_from_db()
    assert report.approval.state == State.IN_REVIEW


def _next_year() -> int:
    return clock.today().year + 1


PLAN_FRONTS = ("进机关", "进学校", "进企业", "进社区", "进网络")


def _fill_plan_head(form: PageForm) -> PageForm:
    return (
        form.fill("year", _next_year())
        .fill("goals", "推动“六进”全覆盖。")
        .fill("contact_name", "沈丹")
        .fill("contact_phone", "021-59700000")
    )


def test_plan_form_presets_a_row_per_responsible_front_as_extra_rows(client, login, front):
    login("zhujiajiao")
    page = client.get("/outreach/plans/new/")
    form = PageForm.from_response(page, form_id="plan-form")
    assert form.value("items-INITIAL_FORMS") == "0"
    assert form.value("items-TOTAL_FORMS") == "7"
    assert [form.value(f"items-{i}-front") for i in range(7)] == [
        *(str(front(n).pk) for n in PLAN_FRONTS),
        "",
        "",
    ]


def test_plan_form_files_a_plan_posted_as_the_page_renders_it(client, login, front):
    login("zhujiajiao")
    form = _fill_plan_head(
        PageForm.from_response(client.get("/outreach/plans/new/"), form_id="plan-form")
    )
    for index, name in enumerate(PLAN_FRONTS):
        form.fill(f"items-{index}-month", "9").fill(f"items-{index}-title", f"{name}活动")
        form.fill(f"items-{index}-form", "campaign").fill(f"items-{index}-audience", "居民")
        form.fill(f"items-{index}-budget", "1000.50")
    response = form.submit(client, button="submit")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.year == _next_year()
    assert sorted(plan.items.values_list("title", flat=True)) == sorted(
        f"{n}活动" for n in PLAN_FRONTS
    )
    assert plan.approval.state == State.IN_REVIEW


def test_plan_draft_with_untouched_preset_rows_saves_no_rows(client, login):
    login("zhujiajiao")
    form = _fill_plan_head(
        PageForm.from_response(client.get("/outreach/plans/new/"), form_id="plan-form")
    )
    response = form.submit(client, button="save")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.items.count() == 0
    assert plan.approval.state == State.DRAFT


def test_plan_edit_keeps_unchanged_rows_and_leaves_blank_rows_out(client, login, make_plan):
    plan = make_plan("zhujiajiao", year=_next_year())
    titles = sorted(plan.items.values_list("title", flat=True))
    login("zhujiajiao")
    page = client.get(f"/outreach/plans/{plan.pk}/edit/")
    form = PageForm.from_response(page, form_id="plan-form")
    assert form.value("items-INITIAL_FORMS") == str(len(titles))
    assert form.value("items-TOTAL_FORMS") == str(len(titles) + 3)
    response = form.submit(client, button="save")
    assert response.status_code == 302
    assert sorted(plan.items.values_list("title", flat=True)) == titles


def test_plan_resubmits_from_the_returned_page_as_rendered(client, login, make_plan, reviewer):
    plan = make_plan("zhujiajiao", year=_next_year())
    services.plan_submit(acting_user=plan.approval.created_by, plan=plan)
    services.subject_review(
        acting_user=reviewer, subject=plan, decision=Action.RETURN, opinion="请补充经费预算。"
    )
    login("zhujiajiao")
    page = client.get(f"/outreach/plans/{plan.pk}/edit/")
    assert "请补充经费预算。" in page.content.decode()
    form = PageForm.from_response(page, form_id="plan-form").fill("items-0-budget", "5000")
    response = form.submit(client, button="submit")
    assert response.status_code == 302
    plan.approval.refresh_from_db()
    assert plan.approval.state == State.IN_REVIEW
    assert plan.items.filter(budget=5000).count() == 1


def test_plan_form_errors_are_summarised_with_a_link_to_each_row(client, login):
    login("zhujiajiao")
    form = _fill_plan_head(
        PageForm.from_response(client.get("/outreach/plans/new/"), form_id="plan-form")
    )
    form.fill("items-6-month", "3")
    response = form.submit(client, button="save")
    assert response.status_code == 200
    assert not Plan.objects.exists()
    summary = element_text(response.content, "plan-errors")
    assert "计划活动第 7 行" in summary
    assert "请填写活动内容。" in summary and "请选择所属方面。" in summary
    html = response.content.decode()
    assert 'href="#items-row-7"' in html and 'id="items-row-7"' in html
    assert "计划活动第 1 行" not in summary


def test_plan_form_labels_every_input_of_the_row_table(client, login):
    login("zhujiajiao")
    html = client.get("/outreach/plans/new/").content.decode()
    form = PageForm.from_response(client.get("/outreach/plans/new/"), form_id="plan-form")
    row_inputs = [
        c.name
        for c in form.controls
        if c.name.startswith("items-") and c.name[6].isdigit() and c.type != "hidden"
    ]
    assert len(row_inputs) == 7 * 8  # no 删除 box on rows not yet saved
    for name in row_inputs:
        assert f'for="id_{name}"' in html, name


# --- query counts ----------------------------------------------------------------------------


def test_report_list_query_count_is_fixed(client, login, make_report, in_2024):
    login("outreach_reviewer")

    def add(n):
        for _ in range(n):
            make_report("zhujiajiao", fronts=("进学校", "进社区"))
            make_report("jiaoyuju", fronts=("进学校",))

    assert_constant_queries(client, "/outreach/reports/?year=2024", add, few=2, many=12)


def test_plan_list_query_count_is_fixed(client, login, make_plan, in_2024):
    login("outreach_reviewer")
    years = iter(
        [
            (2024, "zhujiajiao"),
            (2024, "jiaoyuju"),
            (2025, "zhujiajiao"),
            (2025, "jiaoyuju"),
            (2023, "zhujiajiao"),
        ]
    )

    def add(n):
        for _ in range(n):
            year, username = next(years)
            make_plan(username, year=year)

    assert_constant_queries(client, "/outreach/plans/", add, few=1, many=4)


def test_register_lists_query_count_is_fixed(client, login, unit, in_2024):
    login("outreach_reviewer")
    counter = iter(range(1000))

    def add_schools(n):
        for _ in range(n):
            School.objects.create(town=unit("zhujiajiao"), name=f"学校{next(counter)}")

    def add_communities(n):
        for _ in range(n):
            Community.objects.create(town=unit("xiayang"), name=f"村{next(counter)}")

    assert_constant_queries(client, "/outreach/schools/?year=2024", add_schools)
    assert_constant_queries(client, "/outreach/communities/?year=2024", add_communities)


def test_dashboard_query_count_is_fixed_in_units_and_reports(
    client, login, make_report, adopt, make_plan, in_2024
):
    login("outreach_reviewer")
    url = "/outreach/dashboard/?year=2024"
    adopt(make_report("zhujiajiao"))
    baseline = queries_for_get(client, url)
    for number in range(5):
        unit_upsert(code=f"extra{number}", name=f"新成员单位{number}", kind=UnitKind.MEMBER_UNIT)
    adopt(make_plan("zhujiajiao"))
    make_plan("jiaoyuju")
    for _ in range(6):
        adopt(make_report("zhujiajiao", fronts=("进学校", "进网络")))
        adopt(make_report("jiaoyuju", fronts=("进学校",)))
        make_report("jiaoyuju")
    assert queries_for_get(client, url) == baseline


def test_workbench_panel_query_count_is_fixed(client, login, make_report, adopt, in_2024):
    for username in ("zhujiajiao", "outreach_reviewer"):
        login(username)
        baseline = queries_for_get(client, "/")
        for _ in range(4):
            adopt(make_report("zhujiajiao"))
        assert queries_for_get(client, "/") == baseline, username


def test_workbench_shows_the_panel(client, login, make_report, in_2024):
    login("zhujiajiao")
    text = client.get("/").content.decode()
    panel = element_text(text, "outreach-panel")
    # On 10 October the next key day of the unit's panel is 全国消防日 (9 November).
    assert "宣传教育“六进”" in panel and "报送活动信息" in panel and "全国消防日" in panel
    login("outreach_reviewer")
    text = client.get("/").content.decode()
    assert "待审核活动信息" in text and "未报送2024年计划" in text
    login("auditor")  # no part in 六进
    assert 'data-testid="outreach-panel"' not in client.get("/").content.decode()


def test_dashboard_shows_who_is_behind(client, login, make_plan, make_report, adopt, in_2024):
    adopt(make_plan("zhujiajiao"))
    adopt(make_report("zhujiajiao", fronts=("进学校",)))
    login("office_leader")
    response = client.get("/outreach/dashboard/?year=2024")
    progress = {p.unit.code: p for p in response.context["progress"]}
    assert not progress["zhujiajiao"].is_behind
    assert progress["jiaoyuju"].has_no_plan and progress["jiaoyuju"].has_no_report
    text = response.content.decode()
    assert "<svg" in text and 'data-testid="coverage-chart"' in text
    assert "jiaoyuju" in {u.code for u in response.context["no_plan"]}
    assert "zhujiajiao" not in {u.code for u in response.context["no_report"]}


def test_report_page_says_when_it_was_handed_in(client, login, make_report, in_2024):
    late = make_report("zhujiajiao")  # held 21 September, handed in 10 October
    services.report_submit(acting_user=late.approval.created_by, report=late)
    on_time = make_report("zhujiajiao", held_on=datetime.date(2024, 10, 8))
    services.report_submit(acting_user=on_time.approval.created_by, report=on_time)
    login("zhujiajiao")
    text = client.get(late.get_absolute_url()).content.decode()
    assert "首次报送 2024年10月10日（活动后 19 天）" in text and "逾期报送" in text
    text = client.get(on_time.get_absolute_url()).content.decode()
    assert "（活动后 2 天）" in text and "及时报送" in text


def test_coverage_page_for_a_town_shows_its_own_schools_only(client, login, unit, in_2024):
    School.objects.create(town=unit("zhujiajiao"), name="青浦区朱家角中学")
    School.objects.create(town=unit("xiayang"), name="青浦区夏阳小学")
    login("zhujiajiao")
    response = client.get("/outreach/coverage/?year=2024")
    assert [row.town.code for row in response.context["schools"].rows] == ["zhujiajiao"]
    text = response.content.decode()
    assert "青浦区朱家角中学" in text and "青浦区夏阳小学" not in text
    assert "全区合计" not in text
    login("outreach_reviewer")
    response = client.get("/outreach/coverage/?year=2024")
    assert len(response.context["schools"].rows) == 11 and "全区合计" in response.content.decode()


def test_plan_edit_deletes_a_saved_row_ticked_delete(client, login, make_plan):
    plan = make_plan("zhujiajiao", year=clock.today().year + 1)
    count = plan.items.count()
    login("zhujiajiao")
    form = PageForm.from_response(
        client.get(f"/outreach/plans/{plan.pk}/edit/"), form_id="plan-form"
    )
    removed = form.value("items-0-title")
    response = form.check("items-0-DELETE").submit(client, button="save")
    assert response.status_code == 302
    assert plan.items.count() == count - 1
    assert not plan.items.filter(title=removed).exists()


def test_dashboard_is_cached_until_a_report_is_decided(client, login, make_report, adopt, in_2024):
    login("outreach_reviewer")
    before = client.get("/outreach/dashboard/?year=2024").context["adopted_total"]
    assert client.get("/outreach/dashboard/?year=2024").context["adopted_total"] == before
    adopt(make_report("zhujiajiao"))
    assert client.get("/outreach/dashboard/?year=2024").context["adopted_total"] == before + 1
