"""The generic job machinery: request, run, failure, stale sweep, heartbeats, daily tasks."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from qpdo.jobs import registry, services
from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import DailyRun, Job, WorkerHeartbeat
from qpdo.org import clock
from qpdo.org.models import AuditRecord
from qpdo.workflow.models import Notification

MOMENT = clock.at(2026, 12, 1, 10, 0)


def _echo(job, progress):
    for i in range(1, 4):
        progress(i, 3)
    return registry.JobOutput(filename="结果.txt", content=b"hello", note="共 3 项")


def _boom(job, progress):
    raise RuntimeError("磁盘已满")


@pytest.fixture(autouse=True)
def kinds():
    registry.register("test.echo", title="测试", run=_echo)
    registry.register("test.boom", title="测试失败", run=_boom)


def _request(user, kind="test.echo") -> Job:
    return services.job_request(kind=kind, label="测试任务", params={}, acting_user=user)


def test_job_runs_after_commit_and_tells_the_requester(
    demo_user, client, login, django_capture_on_commit_callbacks
):
    user = demo_user("zonghe_head")
    with clock.frozen(MOMENT), django_capture_on_commit_callbacks(execute=True):
        job = _request(user)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == (JobStatus.DONE, 3, 3, 1)
    assert job.filename == "结果.txt" and job.note == "共 3 项"
    assert AuditRecord.objects.filter(detail="发起后台任务：测试任务").exists()
    message = Notification.objects.get(recipient=user, title="后台任务已完成：测试任务")
    assert message.url == f"/jobs/{job.pk}/file"
    login("zonghe_head")
    response = client.get(message.url)
    assert b"".join(response.streaming_content) == b"hello"
    assert AuditRecord.objects.filter(detail="下载后台任务结果：测试任务").exists()


def test_job_error_is_recorded_and_shown(
    demo_user, client, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _request(demo_user("zonghe_head"), kind="test.boom")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "磁盘已满" in job.error
    login("zonghe_head")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "生成失败：生成时出错（RuntimeError：磁盘已满）" in page
    assert client.get(f"/jobs/{job.pk}/file").status_code == 404


def test_unknown_kind_is_refused_before_queueing(demo_user):
    with pytest.raises(registry.JobRefused):
        _request(demo_user("zonghe_head"), kind="nope")
    assert not Job.objects.exists()


def test_a_job_already_taken_is_not_run_twice(demo_user):
    job = Job.objects.create(kind="test.echo", label="x", requested_by=demo_user("zonghe_head"))
    assert services.job_run(job_id=job.pk, attempt=1, worker_id="w1") is not None
    assert services.job_run(job_id=job.pk, attempt=1, worker_id="w2") is None


def _running_job(user, *, worker_id: str, attempts: int = 1) -> Job:
    """A job claimed by a worker that then died (built through the claim)."""
    job = Job.objects.create(kind="test.echo", label="中断", requested_by=user)
    Job.objects.filter(pk=job.pk).update(attempts=attempts - 1)
    claimed = services._claim(job.pk, attempts, worker_id)
    assert claimed is not None
    return claimed


def test_a_killed_workers_job_is_retried_then_done(demo_user, django_capture_on_commit_callbacks):
    user = demo_user("zonghe_head")
    with clock.frozen(MOMENT):
        services.worker_beat(worker_id="dead", started_at=MOMENT)
        job = _running_job(user, worker_id="dead")
    later = MOMENT + datetime.timedelta(minutes=5)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        assert services.job_sweep_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_a_job_out_of_attempts_fails_with_its_reason(demo_user, django_capture_on_commit_callbacks):
    user = demo_user("zonghe_head")
    with clock.frozen(MOMENT):
        job = _running_job(user, worker_id="gone", attempts=2)
    with (
        clock.frozen(MOMENT + datetime.timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.job_sweep_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("后台进程在生成过程中退出，已尝试 2 次仍未完成")
    assert Notification.objects.filter(recipient=user, title="后台任务失败：中断").exists()


def test_a_live_workers_job_is_left_running(demo_user):
    with clock.frozen(MOMENT):
        services.worker_beat(worker_id="alive", started_at=MOMENT)
        job = _running_job(demo_user("zonghe_head"), worker_id="alive")
        assert services.job_sweep_stale() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_hung_job_without_progress_is_swept(
    demo_user, settings, django_capture_on_commit_callbacks
):
    settings.QPDO_JOB_TIMEOUT_MINUTES = 30
    with clock.frozen(MOMENT):
        job = _running_job(demo_user("zonghe_head"), worker_id="")
    with (
        clock.frozen(MOMENT + datetime.timedelta(minutes=31)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.job_sweep_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_heartbeat_is_fresh_then_stale(db, settings):
    settings.QPDO_WORKER_STALE_SECONDS = 60
    with clock.frozen(MOMENT):
        services.worker_beat(worker_id="w", started_at=MOMENT)
        assert services.live_worker_ids() == {"w"}
    with clock.frozen(MOMENT + datetime.timedelta(seconds=61)):
        assert services.live_worker_ids() == set()
    services.worker_leave(worker_id="w")
    assert not WorkerHeartbeat.objects.exists()


def test_daily_tasks_are_enqueued_once_a_day_after_their_time(
    settings, demo_user, django_capture_on_commit_callbacks
):
    settings.QPDO_DAILY_TASKS = [
        ("remind_overdue", "08:00", "qpdo.workflow.tasks.remind_overdue"),
        ("remind_campaign", "08:05", "campaigns.tasks.remind_campaign"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_enqueue_due(now=clock.at(2026, 12, 1, 7, 59)) == []
        assert services.daily_enqueue_due(now=clock.at(2026, 12, 1, 8, 1)) == ["remind_overdue"]
        assert services.daily_enqueue_due(now=clock.at(2026, 12, 1, 9, 0)) == ["remind_campaign"]
        assert services.daily_enqueue_due(now=clock.at(2026, 12, 1, 23, 0)) == []
        assert services.daily_enqueue_due(now=clock.at(2026, 12, 2, 8, 30)) == [
            "remind_overdue",
            "remind_campaign",
        ]
    assert DailyRun.objects.count() == 4


def test_enqueue_daily_command_only_enqueues(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with (
        clock.frozen(clock.at(2026, 12, 1, 9, 0)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("enqueue_daily", verbosity=0)
    assert set(DailyRun.objects.values_list("name", flat=True)) == {
        "remind_overdue",
        "remind_campaign",
        "clear_pending_uploads",
    }


def test_job_list_shows_only_my_jobs(client, login, demo_user):
    Job.objects.create(kind="test.echo", label="我的任务", requested_by=demo_user("zonghe_head"))
    Job.objects.create(kind="test.echo", label="别人的任务", requested_by=demo_user("member"))
    login("zonghe_head")
    page = client.get("/jobs/").content.decode()
    assert "我的任务" in page and "别人的任务" not in page


def test_job_list_runs_a_fixed_number_of_queries(client, login, demo_user):
    from tests.utils import assert_constant_queries

    login("zonghe_head")

    def add(n):
        for i in range(n):
            Job.objects.create(
                kind="test.echo", label=f"任务{i}", requested_by=demo_user("zonghe_head")
            )

    assert_constant_queries(client, "/jobs/", add, few=2, many=6)


def test_notification_mail_is_sent_from_a_task_not_in_the_request(demo_user, settings):
    from django_tasks import default_task_backend

    from qpdo.workflow.services import notify

    user = demo_user("zonghe_head")
    user.email = "wang@example.gov.cn"
    user.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    notify([user], title="测试消息", body="内容", url="/x")
    assert mail.outbox == []  # nothing sent inside the caller
    (result,) = default_task_backend.results
    assert result.task.name == "send_notification_mail"
    assert result.args == ["测试消息", "内容\n\n/x", ["wang@example.gov.cn"]]


def test_notification_mail_task_sends_with_a_timeout(db, settings):
    from qpdo.workflow.tasks import send_notification_mail

    assert settings.EMAIL_TIMEOUT == 10
    send_notification_mail.call("标题", "正文", ["a@example.gov.cn"])
    assert [m.subject for m in mail.outbox] == ["标题"]
