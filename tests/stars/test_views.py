"""The pages: a section head sees only their own unit's records (by URL, export, PDF, photo or
admin: another unit's record is a 404); lists run a fixed number of queries; the forms say
clearly what is wrong."""

from __future__ import annotations

import itertools

import pytest

from qpdo.org import clock
from qpdo.workflow.enums import State
from stars import services
from stars.models import Nomination, SummaryReport
from tests.forms import PageForm
from tests.stars.test_pdf import pdftotext
from tests.utils import assert_constant_queries, element_text

from .conftest import competition_entry, pdf_upload, photo_upload, publicize


@pytest.fixture
def other_units_nomination(make_nomination):
    """A 工程指挥科 申报表, and the 管理保障中心 head signed in to look at it."""
    return make_nomination("gongcheng_head")


@pytest.mark.parametrize(
    "path",
    [
        "/stars/nominations/{pk}/",
        "/stars/nominations/{pk}/edit/",
        "/stars/nominations/{pk}/form.pdf",
        "/stars/nominations/{pk}/photo/",
        "/stars/nominations/{pk}/score/",
        "/admin/stars/nomination/{pk}/change/",
    ],
)
def test_another_units_nomination_is_a_404(client, login, make_nomination, path, tmp_path):
    theirs = make_nomination("gongcheng_head", photo=None)
    services.nomination_update(
        acting_user=theirs.approval.created_by,
        nomination=theirs,
        **{f: getattr(theirs, f) for f in services.NOMINATION_FIELDS if f != "competition_record"},
        photo=photo_upload(),
    )
    mine = make_nomination("baozhang_head")
    login("baozhang_head")
    if path.startswith("/admin/"):
        # The admin is for office-wide readers (section heads are not staff). Another section's
        # draft answers exactly as a missing record does (the admin redirects to its index).
        login("party_branch")
        hidden = client.get(path.format(pk=mine.pk))
        missing = client.get(path.format(pk=999999))
        assert (hidden.status_code, hidden["Location"]) == (
            missing.status_code,
            missing["Location"],
        )
        assert client.get(path.format(pk=theirs.pk)).status_code in (302, 404)
        return
    assert client.get(path.format(pk=theirs.pk)).status_code == 404
    if "score" in path or "photo" in path:
        return  # a draft has no score sheet yet, and mine was filed without a photo
    response = client.get(path.format(pk=mine.pk))
    assert response.status_code == 200
    if path.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf"
        text = "".join(pdftotext(response.content, tmp_path))
        flat = "".join(text.split())
        assert f"姓名{mine.name}性别" in flat and "推荐科室民防管理保障中心" in flat
        assert theirs.name not in flat
        return
    page = response.content.decode()
    if path.endswith("/edit/"):
        form = PageForm.from_response(response, has_field="deeds")
        assert form.value("name") == mine.name and form.value("deeds") == mine.deeds
        assert element_text(page, "form-unit") == "民防管理保障中心"
    else:
        sheet = element_text(page, "stars-sheet")
        assert mine.name in sheet and "民防管理保障中心" in sheet
        assert element_text(page, "nomination-state") == "草稿"
    assert theirs.name not in page


def test_section_head_lists_and_exports_only_their_unit(client, login, make_nomination, advance):
    advance(make_nomination("gongcheng_head"), to="branch")
    mine = make_nomination("baozhang_head")
    login("baozhang_head")
    listing = client.get("/stars/nominations/").content.decode()
    assert mine.name in listing and "陈志刚" not in listing
    table = client.get("/stars/").content.decode()
    assert "陈志刚" not in table


def test_office_wide_readers_do_not_see_other_sections_drafts(
    client, login, make_nomination, advance
):
    draft = make_nomination("baozhang_head")
    submitted = advance(make_nomination("baozhang_head"), to="branch")
    login("party_branch")
    listing = client.get("/stars/nominations/").content.decode()
    assert submitted.name in listing and draft.name not in listing
    assert client.get(f"/stars/nominations/{draft.pk}/").status_code == 404


def test_nominee_sees_their_own_form(client, login, make_nomination):
    nomination = make_nomination("gongcheng_head", nominee="刘洋")  # the “member” demo sign-in
    login("member")
    assert client.get(f"/stars/nominations/{nomination.pk}/").status_code == 200
    assert client.get("/stars/nominations/new/").status_code == 403


def test_admin_lists_through_the_selector(client, login, make_nomination, advance):
    advance(make_nomination("gongcheng_head"), to="branch")
    make_nomination("baozhang_head")  # a draft
    login("party_branch")
    page = client.get("/admin/stars/nomination/?wf_mine=all").content.decode()
    assert "陈志刚" in page and "胡晓琳" not in page
    for path in [
        "/admin/stars/cultivationplan/?wf_mine=all",
        "/admin/stars/summaryreport/",
        "/admin/stars/score/",
        "/admin/stars/star/",
        "/admin/stars/post/",
        "/admin/stars/printedcopy/",
        "/admin/stars/staryear/",
    ]:
        assert client.get(path).status_code == 200, path


def test_admin_decides_through_the_engine(client, login, make_nomination, advance):
    nomination = advance(make_nomination("baozhang_head"), to="branch")
    login("party_branch")
    page = client.get(f"/admin/stars/nomination/{nomination.pk}/change/").content.decode()
    assert "审批：办机关党支部意见" in page
    response = client.post(
        f"/admin/stars/nomination/{nomination.pk}/decide/",
        {
            "expected_step": "branch",
            "decision": "approve",
            "opinion": "同意推荐。",
            "return_to": "submitter",
        },
    )
    assert response.status_code == 302
    nomination.approval.refresh_from_db()
    assert nomination.approval.step.code == "group"


# Forms -----------------------------------------------------------------------------------------


def form_post(staff, post_obj, **overrides):
    data = {
        "nominee": staff.pk,
        "name": staff.name,
        "gender": staff.gender,
        "native_place": staff.native_place,
        "political_status": staff.political_status,
        "education": staff.education,
        "birth_month": staff.birth_month.strftime("%Y-%m"),
        "post": post_obj.pk,
        "years_on_post": "6",
        "source": "competition",
        "competition_entry": str(competition_entry(staff).pk),
        "deeds": "该同志刻苦钻研业务。",
        "opinion": "",
    }
    data.update(overrides)
    return data


def test_form_is_prefilled_from_the_staff_record(client, login):
    from qpdo.org.models import Staff

    login("baozhang_head")
    staff = Staff.objects.get(name="胡晓琳")
    page = client.get(f"/stars/nominations/new/?nominee={staff.pk}").content.decode()
    assert 'value="胡晓琳"' in page and 'value="上海青浦"' in page and 'value="1989-08"' in page
    assert 'value="10"' in page  # 在岗年限 from post_since 2014-04, on 15 October 2024
    assert "民防管理保障中心" in page
    assert "/static/stars/deeds-counter.js" in page


def test_form_saves_a_draft_then_submits_with_the_opinion(client, login, post):
    from qpdo.org.models import Staff

    login("baozhang_head")
    staff = Staff.objects.get(name="胡晓琳")
    response = client.post("/stars/nominations/new/", form_post(staff, post("通信警报"), save="1"))
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and nomination.approval.state == State.DRAFT
    response = client.post(
        f"/stars/nominations/{nomination.pk}/edit/",
        form_post(staff, post("通信警报"), submit="1", opinion="同意推荐。"),
    )
    nomination.approval.refresh_from_db()
    assert nomination.approval.step.code == "branch"


def test_form_refuses_bad_input_with_chinese_messages(client, login, post):
    from qpdo.org.models import Staff

    login("baozhang_head")
    staff = Staff.objects.get(name="胡晓琳")
    response = client.post(
        "/stars/nominations/new/",
        form_post(
            staff,
            post("通信警报"),
            save="1",
            deeds="字" * 1600,
            birth_month="2030-01",
            years_on_post="-3",
            political_status="无党派人士",
            post="99999",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in [
        "在岗年限须为0至45之间的整数（年）。",
        "政治面貌须为中共党员、中共预备党员、共青团员、民主党派成员、群众之一。",
        "所选工作岗位不在本年度12个培树岗位之中。",
    ]:
        assert message in page
    assert not Nomination.objects.exists()
    response = client.post(
        "/stars/nominations/new/",
        form_post(staff, post("通信警报"), save="1", deeds="字" * 1600, birth_month="2030-01"),
    )
    page = response.content.decode()
    assert "主要事迹须在1500字以内" in page and "出生年月不能晚于当前月份。" in page
    assert not Nomination.objects.exists()


def test_form_submit_needs_every_field_and_the_opinion(client, login, post):
    from qpdo.org.models import Staff

    login("baozhang_head")
    staff = Staff.objects.get(name="胡晓琳")
    response = client.post(
        "/stars/nominations/new/",
        form_post(staff, post("通信警报"), submit="1", deeds="", competition_entry=""),
    )
    page = response.content.decode()
    assert "提交前请填写主要事迹。" in page
    assert "以比武竞赛方式产生的，请从比武记录中选择比武成绩。" in page
    assert "提交时请填写推荐科室意见。" in page
    assert not Nomination.objects.exists()


def test_form_refuses_a_nominee_of_another_unit(client, login, post):
    from qpdo.org.models import Staff

    login("baozhang_head")
    outsider = Staff.objects.get(name="陈志刚")
    page = client.post(
        "/stars/nominations/new/", form_post(outsider, post("通信警报"), save="1")
    ).content.decode()
    assert "被推荐人须为本科室在职人员。" in page
    assert not Nomination.objects.exists()


def test_detail_page_submits_and_signs(client, login, make_nomination):
    nomination = make_nomination("baozhang_head")
    login("baozhang_head")
    page = client.get(f"/stars/nominations/{nomination.pk}/").content.decode()
    assert "签署推荐科室意见并提交" in page
    client.post(f"/stars/nominations/{nomination.pk}/submit/", {"opinion": "同意推荐。"})
    nomination.approval.refresh_from_db()
    assert nomination.approval.step.code == "branch"


def test_pdf_view_answers_a_pdf(client, login, make_nomination):
    nomination = make_nomination("baozhang_head")
    login("baozhang_head")
    response = client.get(f"/stars/nominations/{nomination.pk}/form.pdf?download=1")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


# Summaries ----------------------------------------------------------------------------------


def test_summary_upload_and_status(client, login):
    login("baozhang_head")
    response = client.post("/stars/summaries/upload/", {"file": pdf_upload(), "note": "第一版"})
    assert response.status_code == 302
    report = SummaryReport.objects.get()
    assert report.unit.code == "baozhang" and report.uploaded_by_name == "徐明"
    page = client.get("/stars/summaries/").content.decode()
    assert "按时报送" in page
    assert client.get(f"/stars/summaries/{report.pk}/file/").status_code == 200
    login("gongcheng_head")
    assert client.get(f"/stars/summaries/{report.pk}/file/").status_code == 404


def test_summary_upload_refuses_a_disguised_file(client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login("baozhang_head")
    fake = SimpleUploadedFile("总结.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post("/stars/summaries/upload/", {"file": fake}, follow=True)
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not SummaryReport.objects.exists()


def test_member_cannot_upload_a_summary(client, login):
    login("member")
    response = client.post("/stars/summaries/upload/", {"file": pdf_upload()})
    assert response.status_code == 403
    assert not SummaryReport.objects.exists()


# Selection pages --------------------------------------------------------------------------


def test_selection_page_refuses_a_fifth_with_the_reason(client, login, approved_nominations):
    nominations = approved_nominations(5)
    login("party_group")
    for nomination in nominations[:4]:
        client.post(f"/stars/nominations/{nomination.pk}/select/")
    response = client.post(f"/stars/nominations/{nominations[4].pk}/select/", follow=True)
    page = response.content.decode()
    assert "名额为4名，已确定4名" in page and "不能再确定第5名" in page
    # Four chosen: next comes the 公示 (公布 only after it).
    assert 'data-testid="publicize-form"' in page and 'data-testid="announce-form"' not in page
    assert "暂不能公布：2024年度“岗位之星”人选尚未公示" in page


@pytest.mark.parametrize("username", ["baozhang_head", "member"])
def test_selection_page_is_for_the_party_bodies(client, login, username):
    login(username)
    assert client.get("/stars/selection/").status_code == 403


def test_showcase_is_public_only_after_announcement(
    client, login, approved_nominations, demo_user, star_year
):
    for nomination in approved_nominations(4):
        services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    login("baozhang_head")
    page = client.get("/stars/showcase/").content.decode()
    assert "尚未公布" in page and "胡晓琳" not in page
    login("party_group")
    assert "拟定人选" in client.get("/stars/showcase/").content.decode()
    publicize(demo_user, star_year)
    with clock.frozen(clock.at(2024, 11, 1)):
        client.post("/stars/selection/announce/")
    login("baozhang_head")
    page = client.get("/stars/showcase/").content.decode()
    assert "胡晓琳" in page and "经办党组研究" in page


# Query counts --------------------------------------------------------------------------------


def _add_nominations(demo_user, campaign, post, *, submit: bool, approve: bool = False):
    """Return add_rows(n): n more 申报表 of 管理保障中心 for new staff."""
    from qpdo.org.models import Unit
    from qpdo.workflow import services as workflow
    from qpdo.workflow.enums import Action
    from tests.factories import StaffFactory

    from .conftest import nomination_data

    head = demo_user("baozhang_head")
    unit = Unit.objects.get(code="baozhang")

    def add_rows(n: int):
        for _ in range(n):
            staff = StaffFactory(unit=unit)
            nomination = services.nomination_create(
                acting_user=head, campaign=campaign, **nomination_data(staff, post("通信警报"))
            )
            if submit:
                services.nomination_submit(
                    acting_user=head, nomination=nomination, opinion="同意。"
                )
            if approve:
                for user in ("party_branch", "party_group"):
                    workflow.approval_decide(
                        subject=nomination,
                        acting_user=demo_user(user),
                        decision=Action.APPROVE,
                        opinion="同意。",
                    )
                services.score_save(
                    acting_user=demo_user("party_group"),
                    nomination=nomination,
                    political=9,
                    skill=9,
                    performance=9,
                )

    return add_rows


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("baozhang_head", "/stars/nominations/"),
        ("party_branch", "/stars/nominations/"),
        ("baozhang_head", "/stars/"),
    ],
)
def test_nomination_lists_run_a_fixed_number_of_queries(
    client, login, demo_user, campaign, post, username, url
):
    login(username)
    add_rows = _add_nominations(demo_user, campaign, post, submit=True)
    assert_constant_queries(client, url, add_rows, few=2, many=8)


def test_selection_page_runs_a_fixed_number_of_queries(client, login, demo_user, campaign, post):
    login("party_group")
    add_rows = _add_nominations(demo_user, campaign, post, submit=True, approve=True)
    assert_constant_queries(client, "/stars/selection/", add_rows, few=2, many=6)


def test_summary_and_batch_lists_run_a_fixed_number_of_queries(
    client, login, demo_user, campaign, make_nomination
):
    login("baozhang_head")

    def add_summaries(n):
        for _ in range(n):
            services.summary_upload(
                acting_user=demo_user("baozhang_head"), campaign=campaign, upload=pdf_upload()
            )

    assert_constant_queries(client, "/stars/summaries/", add_summaries, few=2, many=6)

    nomination = make_nomination("baozhang_head")
    numbers = itertools.count(1)

    def add_batches(n):
        # Requested through the service (the job stays queued: the test never commits).
        for i in itertools.islice(numbers, n):
            services.batch_print_request(
                acting_user=demo_user("baozhang_head"),
                campaign=campaign,
                nominations=[nomination],
                label=f"批次{i}",
                base_url="http://testserver",
            )

    assert_constant_queries(client, "/jobs/?kind=stars.batch", add_batches, few=2, many=6)
    listed = element_text(client.get("/jobs/?kind=stars.batch").content, "job-list")
    assert all(f"批次{i} " in listed for i in range(1, 9)) and listed.count("排队中") == 8


def test_plan_list_runs_a_fixed_number_of_queries(client, login, demo_user, post):
    import datetime

    login("party_branch")
    names = iter(["组织指挥", "智慧国动", "防护救援", "国动宣教", "行政执法", "政务服务"])

    def add_plans(n):
        for _ in range(n):
            plan = services.plan_create(
                acting_user=demo_user("gongcheng_head"),
                post=post(next(names)),
                focus="重点",
                method="both",
                carriers=[],
                standards="标准",
                arrangements="",
                deadline=datetime.date(2024, 10, 15),
            )
            services.plan_submit(acting_user=demo_user("gongcheng_head"), plan=plan)

    assert_constant_queries(client, "/stars/plans/", add_plans, few=2, many=4)


def test_admin_changelist_runs_a_fixed_number_of_queries(client, login, demo_user, campaign, post):
    login("party_branch")
    add_rows = _add_nominations(demo_user, campaign, post, submit=True)
    assert_constant_queries(client, "/admin/stars/nomination/?wf_mine=all", add_rows, few=2, many=6)
    assert_constant_queries(client, "/admin/stars/nomination/?wf_mine=1", add_rows, few=2, many=6)


def test_dashboard_panel_hides_the_choice_from_sections_until_announced(
    client, login, approved_nominations, demo_user
):
    from stars.dashboard import panel_context as dashboard_panel_for

    for nomination in approved_nominations(4):
        services.star_select(acting_user=demo_user("party_group"), nomination=nomination)
    assert dashboard_panel_for(user=demo_user("baozhang_head"))["stars_chosen"] is None
    assert dashboard_panel_for(user=demo_user("party_group"))["stars_chosen"] == 4
    assert dashboard_panel_for(user=demo_user("member")) is None
    login("baozhang_head")
    page = client.get("/").content.decode()
    assert 'data-testid="stars-panel"' in page and "已确定“岗位之星”" not in page


def test_form_offers_only_the_sections_competition_entries(client, login, post):
    from qpdo.org.models import Staff

    hu, chen = Staff.objects.get(name="胡晓琳"), Staff.objects.get(name="陈志刚")
    competition_entry(hu)
    theirs = competition_entry(chen)  # 工程指挥科's 陈志刚, of the same 比武
    mine = theirs.competition.entries.get(staff=hu)  # results saved again: entries re-created
    login("baozhang_head")
    page = client.get("/stars/nominations/new/")
    offered = PageForm.from_response(page, has_field="deeds").options("competition_entry")
    assert offered == ["", str(mine.pk)]
    # A posted entry of another unit's person is refused, nothing saved.
    response = client.post(
        "/stars/nominations/new/",
        form_post(hu, post("通信警报"), save="1", competition_entry=str(theirs.pk)),
    )
    assert "所选比武成绩不是本科室人员本年度的比武成绩。" in response.content.decode()
    assert not Nomination.objects.exists()


def test_nomination_list_stays_fixed_when_the_cited_competition_lacks_the_nominee(
    client, login, demo_user, campaign, post
):
    """A 申报表 that cites a 比武 in which its nominee has no result prints the 比武's title:
    the title comes with the row, not from one more statement per row."""
    from qpdo.org.models import Staff
    from stars.enums import Source

    competition = competition_entry(
        Staff.objects.get(name="胡晓琳"), title="2024年区国动办应急通信保障比武"
    ).competition
    add_nominations = _add_nominations(demo_user, campaign, post, submit=True)

    def add_rows(n: int) -> None:
        add_nominations(n)
        Nomination.objects.exclude(nominee__name="胡晓琳").update(
            source=Source.COMPETITION, competition_record=competition
        )

    login("party_branch")
    assert_constant_queries(client, "/stars/nominations/", add_rows, few=2, many=8)
    page = client.get("/stars/nominations/").content.decode()
    assert "比武记录中没有" in page
