"""The 培树工作总结 edited in the portal: drafted once from the records, each save a new version,
the chosen version kept with its date, downloaded (Word read back, PDF text) and handed in as
the section's upload; it cites the recorded activities and the 机关党支部's 督查."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from qpdo.org import clock
from qpdo.org.dates import local_date
from qpdo.org.models import AuditRecord
from stars import summary_draft
from stars.models import StarSummary, SummaryReport
from tests.stars.test_pdf import pdftotext

from .conftest import photo_upload
from .test_implementation import filed_plan, record_activity, record_visit  # noqa: F401

DRAFT = "/stars/summaries/draft/?year=2024"
EDITED = "我科坚持以赛促训、以训促建，警报器维护保养实现零差错。"


@pytest.fixture
def recorded(filed_plan, record_activity, record_visit):  # noqa: F811
    plan = filed_plan()
    activity = record_activity(plan, files=[photo_upload()])
    visit = record_visit("baozhang", plan)
    return plan, activity, visit


def _docx_text(response) -> str:
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_draft_edit_choose_download_and_hand_in(
    client, login, demo_user, star_year, recorded, tmp_path
):
    _plan, activity, visit = recorded
    head = login("baozhang_head")
    page = client.get(DRAFT)
    assert page.status_code == 200 and "起草本科室培树工作总结" in page.content.decode()
    assert client.post(DRAFT).status_code == 302
    summary = StarSummary.objects.get()
    first = summary.versions.get()
    assert "组织实施活动1次（实操1次），接受机关党支部督查1次" in first.overview

    response = client.post(
        "/stars/summaries/draft/edit/?year=2024",
        {"overview": first.overview, "practices": EDITED, "next_steps": "继续深化培树成果。"},
    )
    assert response.status_code == 302
    second = summary.versions.order_by("-number").first()
    assert (second.number, second.practices) == (2, EDITED)
    assert first.practices != EDITED  # the earlier version stays as it was

    with clock.frozen(clock.at(2024, 10, 16, 15)):
        response = client.post(f"/stars/summaries/draft/versions/{first.pk}/choose/?year=2024")
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.chosen_version == first
    assert summary_draft.summary_version(summary) == first
    # Choosing the edited version later keeps the new day.
    with clock.frozen(clock.at(2024, 10, 18, 9)):
        client.post(f"/stars/summaries/draft/versions/{second.pk}/choose/?year=2024")
    summary.refresh_from_db()
    assert summary.chosen_version == second
    assert local_date(summary.chosen_at) == datetime.date(2024, 10, 18)

    text = _docx_text(client.get("/stars/summaries/draft.docx?year=2024"))
    assert EDITED in text
    assert activity.title in text and "实操" in text and "胡晓琳、林涛（2人）" in text
    assert visit.findings in text
    assert "三、督查及整改情况" in text
    assert "2024年10月18日" in text  # signed with the day the version was chosen
    assert "（草稿）" not in text  # the chosen version is the one handed in
    assert "要求：组织一次控制终端专项练习（2024年9月30日前）；尚未完成" in text
    pdf = "".join(
        pdftotext(client.get("/stars/summaries/draft.pdf?year=2024").content, tmp_path)
    ).replace("\n", "")
    assert "以赛促训、以训促建" in pdf and activity.title in pdf

    with clock.frozen(clock.at(2024, 10, 19, 10)):
        response = client.post("/stars/summaries/draft/hand-in/?year=2024")
    assert response.status_code == 302
    report = SummaryReport.objects.get()
    assert (report.unit.code, report.uploaded_by) == ("baozhang", head)
    assert report.file_name == "管理保障中心2024年度“岗位之星”培树工作总结.pdf"
    assert report.note == "以门户中选用的第2稿报送（2024年10月18日选用）"
    assert EDITED[:8] in "".join(pdftotext(report.file.read(), tmp_path)).replace("\n", "")
    details = set(AuditRecord.objects.values_list("detail", flat=True))
    summary_name = "管理保障中心2024年度“岗位之星”培树工作总结"
    assert {
        f"起草{summary_name}",
        f"保存{summary_name}第2稿",
        f"选用{summary_name}第2稿",
        f"报送培树工作总结：{summary_name}.pdf",
    } <= details


def test_hand_in_needs_a_chosen_version(demo_user, star_year, recorded):
    head = demo_user("baozhang_head")
    summary_draft.summary_create(acting_user=head, star_year=star_year)
    with pytest.raises(ValidationError, match="请先选用一稿"):
        summary_draft.summary_hand_in(acting_user=head, star_year=star_year)


def test_one_draft_per_section_and_only_its_own(demo_user, star_year, recorded):
    head = demo_user("baozhang_head")
    summary = summary_draft.summary_create(acting_user=head, star_year=star_year)
    with pytest.raises(ValidationError, match="已起草"):
        summary_draft.summary_create(acting_user=head, star_year=star_year)
    with pytest.raises(PermissionDenied):
        summary_draft.summary_save(
            acting_user=demo_user("gongcheng_head"), summary=summary, text={"overview": "改"}
        )
    with pytest.raises(PermissionDenied):
        summary_draft.summary_create(acting_user=demo_user("party_group"), star_year=star_year)
    with pytest.raises(ValidationError, match="请填写基本情况"):
        summary_draft.summary_save(acting_user=head, summary=summary, text={"overview": " "})


def test_another_sections_version_is_not_found(client, login, demo_user, star_year, recorded):
    summary = summary_draft.summary_create(
        acting_user=demo_user("baozhang_head"), star_year=star_year
    )
    version = summary.versions.get()
    for username in ("gongcheng_head", "party_branch", "party_group"):
        login(username)
        url = f"/stars/summaries/draft/versions/{version.pk}/choose/?year=2024"
        assert client.post(url).status_code == 404
    summary.refresh_from_db()
    assert summary.chosen_version is None


@pytest.mark.parametrize("username", ["party_group", "office_leader", "member"])
def test_draft_page_is_for_responsible_section_heads(client, login, username):
    login(username)
    assert client.get(DRAFT).status_code == 404
