"""Batch printing: queued from the list, rendered by a background job as ONE PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import Job
from qpdo.workflow.models import Notification
from stars import services


def test_batch_of_a_selection_is_queued_then_rendered_with_progress_and_a_message(
    client, login, approved_nominations, django_capture_on_commit_callbacks, demo_user
):
    nominations = approved_nominations(2)
    login("party_branch")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/stars/batches/new/", {"scope": "selected", "ids": [n.pk for n in nominations]}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.PENDING and job.kind == "stars.batch"
    assert sorted(job.params["nominations"]) == sorted(n.pk for n in nominations)
    assert (job.done, job.total) == (0, 2)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "正在后台处理" in page and "已完成 0 / 2" in page

    # The worker's task is enqueued after commit, never run inside the request.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)
    assert "共 2 页" in job.note
    response = client.get(f"/jobs/{job.pk}/file")
    data = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    message = Notification.objects.get(
        recipient=demo_user("party_branch"), title__startswith="后台任务"
    )
    assert message.title.startswith("后台任务已完成") and message.url == f"/jobs/{job.pk}/file"


def test_batch_of_the_whole_year_leaves_out_drafts(
    client, login, approved_nominations, make_nomination
):
    approved_nominations(2)
    make_nomination("zonghe_head")  # a draft: never printed in the year's batch
    login("party_branch")
    client.post("/stars/batches/new/", {"scope": "all"})
    job = Job.objects.get()
    assert len(job.params["nominations"]) == 2
    assert "全部已提交申报表（2份）" in job.label


def test_batch_progress_is_reported_chunk_by_chunk(
    approved_nominations, demo_user, campaign, monkeypatch
):
    monkeypatch.setattr(services, "BATCH_CHUNK", 1)
    seen = []
    job = Job(
        kind="stars.batch",
        label="测试",
        requested_by=demo_user("party_branch"),
        params={
            "campaign": campaign.pk,
            "nominations": [n.pk for n in approved_nominations(3)],
            "base_url": "http://portal.test",
        },
    )
    output = services.batch_print_run(job, lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert len(PdfReader(io.BytesIO(output.content)).pages) == 3


def test_batch_refuses_another_units_nomination(client, login, approved_nominations):
    nominations = approved_nominations(2)  # 管理保障中心 and 动员协调科
    login("baozhang_head")
    response = client.post(
        "/stars/batches/new/", {"scope": "selected", "ids": [n.pk for n in nominations]}
    )
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_batch_whose_forms_are_gone_fails_with_the_reason(
    client, login, approved_nominations, demo_user, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.batch_print_request(
            acting_user=demo_user("party_branch"),
            campaign=campaign,
            nominations=approved_nominations(1),
            label="测试",
            base_url="http://portal.test",
        )
    Job.objects.filter(pk=job.pk).update(params={**job.params, "nominations": [0]})
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "所选申报表已不存在或您已无权查看。"
    login("party_branch")
    assert (
        "生成失败：所选申报表已不存在或您已无权查看。"
        in client.get(f"/jobs/{job.pk}/").content.decode()
    )
    message = Notification.objects.get(
        recipient=demo_user("party_branch"), title__startswith="后台任务"
    )
    assert message.title == "后台任务失败：测试" and "所选申报表已不存在" in message.body


def test_someone_elses_batch_is_a_404(client, login, approved_nominations, demo_user, campaign):
    job = services.batch_print_request(
        acting_user=demo_user("party_branch"),
        campaign=campaign,
        nominations=approved_nominations(1),
        label="测试",
        base_url="http://portal.test",
    )
    login("party_group")
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/file").status_code == 404


@pytest.mark.parametrize("ids", [[], ["x"]])
def test_empty_selection_is_refused_with_a_message(client, login, ids):
    login("party_branch")
    response = client.post("/stars/batches/new/", {"scope": "selected", "ids": ids}, follow=True)
    assert "请至少选择一份申报表。" in response.content.decode()


def test_batch_list_is_the_job_list(client, login):
    login("party_branch")
    response = client.get("/stars/batches/")
    assert response.status_code == 302 and response["Location"] == "/jobs/?kind=stars.batch"


def test_batch_as_word_is_one_docx_with_each_form_in_its_own_section(
    client, login, approved_nominations, django_capture_on_commit_callbacks
):
    from docx.enum.section import WD_SECTION

    from qpdo.documents.word import DOCX_CONTENT_TYPE, read_docx
    from tests.word import row_texts

    nominations = approved_nominations(3)
    login("party_branch")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/stars/batches/new/?year=2024",
            {"print": "selected:docx", "ids": [n.pk for n in nominations]},
        )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.params["format"] == "docx" and job.label == "2024年度选定申报表（3份）（Word）"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.done, job.total) == (3, 3)
    assert job.note == "共 3 份申报表，每份另起一页，页码各自从 1 起"
    response = client.get(f"/jobs/{job.pk}/file")
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "docx" in response["Content-Disposition"]
    doc = read_docx(b"".join(response.streaming_content))
    # One section per form: each starts a new page and numbers its pages from 1.
    assert sorted(row_texts(t)[0][1] for t in doc.tables) == sorted(n.name for n in nominations)
    assert len(doc.sections) == 3
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in doc.sections[1:])


def test_batch_of_the_whole_year_as_word_and_a_bad_format_is_refused(
    client, login, approved_nominations
):
    approved_nominations(2)
    login("party_branch")
    client.post("/stars/batches/new/?year=2024", {"print": "all:docx"})
    job = Job.objects.get()
    assert job.params["format"] == "docx" and len(job.params["nominations"]) == 2
    response = client.post("/stars/batches/new/?year=2024", {"print": "all:exe"}, follow=True)
    assert Job.objects.count() == 1
    assert "请选择 PDF 或 Word 格式。" in response.content.decode()


def test_list_offers_each_batch_as_pdf_or_word(client, login, approved_nominations):
    approved_nominations(1)
    login("party_branch")
    page = client.get("/stars/nominations/?year=2024").content.decode()
    for value in ("selected:pdf", "selected:docx", "all:pdf", "all:docx"):
        assert f'name="print" value="{value}"' in page
