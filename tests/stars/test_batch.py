"""Batch printing: queued from the list, rendered outside the request as ONE PDF."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from stars import services
from stars.enums import BatchStatus
from stars.models import BatchPrint


def test_batch_of_a_selection_is_queued_then_rendered(
    client, login, approved_nominations, django_capture_on_commit_callbacks
):
    nominations = approved_nominations(2)
    login("party_branch")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/stars/batches/new/", {"scope": "selected", "ids": [n.pk for n in nominations]}
        )
    batch = BatchPrint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stars/batches/{batch.pk}/"
    assert batch.status == BatchStatus.PENDING
    assert sorted(batch.nomination_ids) == sorted(n.pk for n in nominations)
    # The background process is started after commit, never inside the request.
    started = [c.__qualname__ for c in callbacks if c.__qualname__ != "_bump_now"]  # cache
    assert started == ["batch_print_request.<locals>.<lambda>"]
    page = client.get(f"/stars/batches/{batch.pk}/").content.decode()
    assert "正在后台生成" in page

    call_command(
        "stars_render_batches", "--job", str(batch.pk), "--token", batch.token, verbosity=0
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.page_count == 2
    response = client.get(f"/stars/batches/{batch.pk}/file.pdf")
    data = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2


def test_batch_of_the_whole_year_leaves_out_drafts(
    client, login, approved_nominations, make_nomination
):
    approved_nominations(2)
    make_nomination("zonghe_head")  # a draft: never printed in the year's batch
    login("party_branch")
    client.post("/stars/batches/new/", {"scope": "all"})
    batch = BatchPrint.objects.get()
    assert len(batch.nomination_ids) == 2
    assert "全部已提交申报表（2份）" in batch.label


def test_batch_refuses_another_units_nomination(client, login, approved_nominations):
    nominations = approved_nominations(2)  # 管理保障中心 and 动员协调科
    login("baozhang_head")
    response = client.post(
        "/stars/batches/new/", {"scope": "selected", "ids": [n.pk for n in nominations]}
    )
    assert response.status_code == 404
    assert not BatchPrint.objects.exists()


def test_a_job_with_the_wrong_token_is_left_alone(approved_nominations, demo_user, campaign):
    nominations = approved_nominations(1)
    batch = services.batch_print_request(
        acting_user=demo_user("party_branch"),
        campaign=campaign,
        nominations=nominations,
        label="测试",
        base_url="http://portal.test",
    )
    assert services.batch_print_run(batch_id=batch.pk, token="wrong") is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING


def test_someone_elses_batch_is_a_404(client, login, approved_nominations, demo_user, campaign):
    batch = services.batch_print_request(
        acting_user=demo_user("party_branch"),
        campaign=campaign,
        nominations=approved_nominations(1),
        label="测试",
        base_url="http://portal.test",
    )
    login("party_group")
    assert client.get(f"/stars/batches/{batch.pk}/").status_code == 404


@pytest.mark.parametrize("ids", [[], ["x"]])
def test_empty_selection_is_refused_with_a_message(client, login, ids):
    login("party_branch")
    response = client.post("/stars/batches/new/", {"scope": "selected", "ids": ids}, follow=True)
    assert "请至少选择一份申报表。" in response.content.decode()


def test_launch_starts_the_render_command_detached(
    monkeypatch, approved_nominations, demo_user, campaign
):
    from stars import batch as batch_module

    started = []

    class FakePopen:
        def __init__(self, args, **kwargs):
            started.append((args, kwargs))

        def wait(self, timeout=None):
            return 0

    job = services.batch_print_request(
        acting_user=demo_user("party_branch"),
        campaign=campaign,
        nominations=approved_nominations(1),
        label="测试",
        base_url="http://portal.test",
    )
    monkeypatch.setattr(batch_module.subprocess, "Popen", FakePopen)
    batch_module.launch(job)
    ((args, kwargs),) = started
    assert args[:2] == ["/bin/sh", "-c"] and args[-4:] == [
        "--job",
        str(job.pk),
        "--token",
        job.token,
    ]
    assert "stars_render_batches" in args and kwargs["start_new_session"] is True
