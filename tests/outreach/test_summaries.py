"""六进年度工作总结: drafted from the data, edited, chosen, handed in, printed as Word and PDF.

The figures in the documents are read back (python-docx, pdftotext) and compared with the
figures the 六进 pages show for the same year.
"""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from docx import Document

from outreach import services, summaries
from outreach.models import Report, School, YearSummary
from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import Job
from qpdo.workflow.enums import State
from qpdo.workflow.models import Notification
from tests.forms import PageForm
from tests.utils import assert_constant_queries

from .conftest import PDF_BYTES, upload

pytestmark = pytest.mark.usefixtures("in_2024")

HEADINGS_1 = [
    "一、总体情况",
    "二、工作开展情况",
    "三、主要做法和经验",
    "四、存在的问题和不足",
    "五、下一步工作打算",
]
HEADINGS_2 = [
    "（一）各方面活动开展情况",
    "（二）学校、社区和台账覆盖情况",
    "（三）年度计划和活动信息报送情况",
    "（四）优秀活动信息",
]


@pytest.fixture
def year_data(make_plan, make_report, adopt, reviewer, unit, front):
    """朱家角镇's 2024: an approved plan, three adopted reports, a draft, two schools."""
    adopt(make_plan("zhujiajiao"))
    adopt(make_report("zhujiajiao", title="社区疏散演练", audience_count=300))
    adopt(
        make_report(
            "zhujiajiao",
            title="校园防空演练",
            fronts=("进学校",),
            held_on=datetime.date(2024, 5, 12),
            audience_count=800,
        )
    )
    adopt(make_report("zhujiajiao", title="社区宣传", held_on=datetime.date(2024, 9, 3)))
    make_report("zhujiajiao", title="尚未提交的草稿")
    town = unit("zhujiajiao")
    covered = School.objects.create(town=town, name="朱家角中学")
    School.objects.create(town=town, name="朱家角小学")
    services.evacuation_plan_add(
        acting_user=reviewer,
        school=covered,
        upload=upload("方案.pdf", PDF_BYTES),
        compiled_on=datetime.date(2024, 3, 1),
    )
    services.school_drill_record(
        acting_user=reviewer, school=covered, held_on=datetime.date(2024, 9, 21)
    )
    return town


def _draft(client, login, username="zhujiajiao", **extra) -> YearSummary:
    login(username)
    response = client.post("/outreach/summaries/new/", {"year": 2024, **extra})
    assert response.status_code == 302, response
    return YearSummary.objects.get(year=2024, is_district=bool(extra))


def _docx(client, summary) -> Document:
    response = client.get(f"/outreach/summaries/{summary.pk}/summary.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return Document(io.BytesIO(response.content))


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_unit_summary_docx_carries_the_pages_figures(client, login, year_data):
    summary = _draft(client, login)
    page = client.get("/outreach/?year=2024")
    progress = page.context["progress"]
    coverage_page = client.get("/outreach/coverage/?year=2024").context
    document = _docx(client, summary)

    assert document.paragraphs[0].text == "朱家角镇2024年度国防动员宣传教育“六进”工作总结"
    assert document.paragraphs[1].text == "〔2024〕　　号"
    assert _headings(document, 1) == HEADINGS_1
    assert _headings(document, 2) == HEADINGS_2
    assert _headings(document, 3) == ["1.校园防空演练", "2.社区疏散演练", "3.社区宣传"]

    fronts, coverage, *_ = document.tables
    rows = _cells(fronts)
    assert rows[0] == ["方面", *(f"{m}月" for m in range(1, 13)), "合计"]
    per_front = {row[0]: int(row[-1]) for row in rows[1:-1]}
    on_page = {c.front.name: c.adopted for c in progress.cells if c.responsible or c.adopted}
    assert per_front == on_page
    assert per_front["进社区"] == 2 and per_front["进学校"] == 1
    by_month = {row[0]: row[1:13] for row in rows[1:]}
    assert by_month["进社区"][8] == "2" and by_month["进学校"][4] == "1"
    assert rows[-1][-1] == str(progress.adopted) == "3"

    school_row = coverage_page["schools"].rows[0]
    community_row = coverage_page["communities"].rows[0]
    assert _cells(coverage)[1:3] == [
        ["学校", str(school_row.total), str(school_row.covered), "50%", "100%", "未达标"],
        ["社区（村、居委）", "0", "0", "—", "100%", "无登记"],
    ]
    assert (school_row.total, school_row.covered, community_row.total) == (2, 1, 0)
    # The coverage chart and the best reports' photos are pictures in the file.
    assert len(document.inline_shapes) == 1 + 3

    text = "\n".join(p.text for p in document.paragraphs)
    assert f"全年报送活动信息{progress.filed}条" in text
    assert "按时报送" in text and "审核状态为“审核通过”" in text
    assert "尚未提交的草稿" not in text


def test_unit_summary_pdf_is_a4_text(client, login, year_data, request):
    summary = _draft(client, login)
    response = client.get(f"/outreach/summaries/{summary.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Kept under test-artifacts/ to be looked at (pdftoppm -png -r 60).
    folder = request.config.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / "outreach-summary-unit.pdf"
    (folder / "outreach-summary-unit.docx").write_bytes(
        client.get(f"/outreach/summaries/{summary.pk}/summary.docx").content
    )
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    plain = text.stdout.replace(" ", "").replace("\n", "")
    for heading in HEADINGS_1 + HEADINGS_2:
        assert heading in plain
    assert "朱家角镇2024年度国防动员宣传教育“六进”工作总结" in plain
    assert "未达标" in plain and "校园防空演练" in plain
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info  # A4 in points


def test_downloads_are_audited(client, login, year_data):
    from qpdo.org.models import AuditRecord

    summary = _draft(client, login)
    client.get(f"/outreach/summaries/{summary.pk}/summary.docx")
    assert AuditRecord.objects.filter(detail=f"下载{summary}（DOCX）").count() == 1


def test_free_paragraphs_are_edited_as_new_versions_and_the_choice_is_dated(
    client, login, year_data, clock_at
):
    summary = _draft(client, login)
    first = summary.versions.get()
    assert "全年报送活动信息3条" in first.overview  # drafted from the data
    page = client.get(f"/outreach/summaries/{summary.pk}/edit/")
    form = PageForm.from_response(page, testid="summary-form")
    assert form.value("overview") == first.overview  # the page opens on the drafted text
    form.fill("overview", "全镇上下齐抓共管，“六进”工作扎实推进。")
    form.fill("practices", "一是建立联络机制。\n二是结合重要节点开展演练。")
    response = form.submit(client)
    assert response.status_code == 302
    assert list(summary.versions.values_list("number", flat=True)) == [2, 1]
    document = _docx(client, summary)
    text = [p.text for p in document.paragraphs]
    assert "全镇上下齐抓共管，“六进”工作扎实推进。" in text
    assert "二是结合重要节点开展演练。" in text  # each line is its own paragraph

    moment = clock_at(2024, 12, 20)
    response = client.post(f"/outreach/summaries/{summary.pk}/versions/{first.pk}/choose/")
    summary.refresh_from_db()
    assert summary.chosen_version == first and summary.chosen_at == moment
    text = [p.text for p in _docx(client, summary).paragraphs]
    assert first.overview in text and "2024年12月20日" in text
    assert "全镇上下齐抓共管，“六进”工作扎实推进。" not in text


def test_handed_in_to_the_reviewer_and_no_longer_editable(client, login, year_data, demo_user):
    summary = _draft(client, login)
    response = client.post(f"/outreach/summaries/{summary.pk}/submit/")
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.approval.state == State.IN_REVIEW
    assert summary.chosen_version == summary.versions.get()  # the latest is chosen on submit
    assert client.get(f"/outreach/summaries/{summary.pk}/edit/").status_code == 302
    with pytest.raises(Exception, match="已提交的内容不能修改"):
        summaries.summary_save(
            acting_user=demo_user("zhujiajiao"), summary=summary, text={"overview": "改"}
        )

    login("outreach_reviewer")
    page = client.get(f"/outreach/summaries/{summary.pk}/")
    assert 'data-testid="review-form"' in page.content.decode()
    client.post(
        f"/outreach/summaries/{summary.pk}/review/",
        {"decision": "approve", "opinion": "", "expected_step": "review"},
    )
    summary.approval.refresh_from_db()
    assert summary.approval.state == State.APPROVED


def test_a_unit_drafts_and_sees_only_its_own(client, login, year_data, demo_user):
    summary = _draft(client, login)
    login("jiaoyuju")
    for url in (
        f"/outreach/summaries/{summary.pk}/",
        f"/outreach/summaries/{summary.pk}/summary.docx",
        f"/outreach/summaries/{summary.pk}/edit/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/outreach/summaries/{summary.pk}/submit/").status_code == 404
    assert list(client.get("/outreach/summaries/").context["object_list"]) == []
    # 区教育局 drafting lands on its own unit, never on 朱家角镇's.
    with pytest.raises(Exception, match="没有"):
        summaries.summary_create(acting_user=demo_user("jiaoyuju"), year=2024)
    assert YearSummary.objects.filter(unit__code="jiaoyuju").count() == 0
    # A section head is no 填报员: refused.
    login("zonghe_head")
    assert client.post("/outreach/summaries/new/", {"year": 2024}).status_code == 403


def test_a_year_without_data_says_so(client, login, make_plan):
    login("zhujiajiao")
    response = client.post("/outreach/summaries/new/", {"year": 2024}, follow=True)
    assert "朱家角镇2024年度没有“六进”年度计划、活动信息和台账记录，无从总结。" in (
        response.content.decode()
    )
    assert not YearSummary.objects.exists()


def test_a_section_without_data_prints_a_sentence_not_an_empty_table(
    client, login, make_plan, demo_user
):
    from qpdo.workflow import services as workflow

    plan = make_plan("zhujiajiao")
    workflow.approval_submit(subject=plan, acting_user=demo_user("zhujiajiao"))
    summary = _draft(client, login)
    document = _docx(client, summary)
    text = [p.text for p in document.paragraphs]
    assert "2024年度没有采用的活动信息。" in text
    assert "2024年度台账中没有登记学校、社区和企业。" in text
    assert document.tables == []


def test_district_summary_runs_in_the_background_and_messages_the_requester(
    client, login, year_data, demo_user, django_capture_on_commit_callbacks
):
    summary = _draft(client, login, "outreach_reviewer", district="1")
    assert summary.is_district and summary.unit.code == "qpdo"
    assert client.get(f"/outreach/summaries/{summary.pk}/summary.docx").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/outreach/summaries/{summary.pk}/job/", {"format": "docx"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total > 0  # progress was told
    note = Notification.objects.get(recipient=demo_user("outreach_reviewer"))
    assert note.title == f"后台任务已完成：{job.label}" and note.url == job.get_file_url()
    file = client.get(f"/jobs/{job.pk}/file")
    document = Document(io.BytesIO(b"".join(file.streaming_content)))
    assert document.paragraphs[0].text == "全区2024年度国防动员宣传教育“六进”工作总结"
    dashboard = client.get("/outreach/dashboard/?year=2024").context
    tables = [_cells(t) for t in document.tables]
    fronts = {row[0]: int(row[-1]) for row in tables[0][1:-1]}
    assert fronts == {
        name: total
        for name, total in zip(
            [f.name for f in dashboard["fronts"]], dashboard["front_totals"], strict=True
        )
        if total or name in fronts
    }
    units = {row[0]: row for row in tables[-1][1:]}
    assert units["朱家角镇"][1:4] == ["逾期报送", "3", "3"]
    assert len(units) == len(dashboard["progress"])
    # A unit's 填报员 of the office cannot reach the district summary.
    login("quguodong")
    assert client.get(f"/outreach/summaries/{summary.pk}/").status_code == 404


def test_summary_list_runs_a_fixed_number_of_queries(client, login, unit, demo_user):
    from qpdo.workflow import services as workflow

    login("outreach_reviewer")
    towns = list(unit("zhujiajiao").__class__.objects.filter(kind="town"))
    years = iter(range(2000, 2100))

    def add_rows(n):
        for _ in range(n):
            year = next(years)
            for town in towns[:1]:
                summary = YearSummary(unit=town, year=year)
                workflow.subject_create(summary, acting_user=demo_user("zhujiajiao"))

    assert_constant_queries(client, "/outreach/summaries/", add_rows)


def test_a_town_summary_is_read_by_the_outreach_readers_only(client, login, year_data):
    """Need to know: 宣教审核 and 办领导 read every unit's summary; the other office-wide roles
    (机关党支部, 办党组, 小讲堂管理) have no business with it: a 404, and none on the list."""
    summary = _draft(client, login)
    answers = {}
    for username in (
        "outreach_reviewer",
        "office_leader",
        "party_branch",
        "party_group",
        "zonghe_staff",
    ):
        login(username)
        answers[username] = (
            client.get(f"/outreach/summaries/{summary.pk}/").status_code,
            client.get(f"/outreach/summaries/{summary.pk}/summary.pdf").status_code,
            summary in client.get("/outreach/summaries/").context["object_list"],
        )
    assert answers == {
        "outreach_reviewer": (200, 200, True),
        "office_leader": (200, 200, True),
        "party_branch": (404, 404, False),
        "party_group": (404, 404, False),
        "zonghe_staff": (404, 404, False),
    }


def test_a_photo_whose_file_is_gone_is_named_not_silently_dropped(client, login, year_data):
    summary = _draft(client, login)
    photo = Report.objects.get(title="社区疏散演练").photos.get()
    photo.thumbnail.storage.delete(photo.thumbnail.name)
    document = _docx(client, summary)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "该条活动信息有1张照片的文件已不存在，未能附上。" in text
    # the other adopted reports' photos are still in the document
    assert len(document.inline_shapes) >= 2
