"""Writes of the background-job machinery: request, run, progress, sweep, heartbeat, daily."""

from __future__ import annotations

import datetime
import gc
import logging
import os
import socket

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from qpdo.documents.uploads import atomic_with_files
from qpdo.org import clock
from qpdo.org.audit import audit_record
from qpdo.org.enums import AuditAction

from . import registry
from .enums import JobStatus
from .models import DailyRun, Job, WorkerHeartbeat

logger = logging.getLogger("qpdo.jobs")

WORKER_LOST = "后台进程在生成过程中退出"


def _max_attempts() -> int:
    return int(getattr(settings, "QPDO_JOB_MAX_ATTEMPTS", 2))


def _worker_stale() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "QPDO_WORKER_STALE_SECONDS", 60)))


def _job_timeout() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "QPDO_JOB_TIMEOUT_MINUTES", 30)))


def _enqueue(job_id: int, attempt: int) -> None:
    from .tasks import run_job

    run_job.enqueue(job_id, attempt)


def job_request(*, kind: str, label: str, params: dict, acting_user: User, total: int = 0) -> Job:
    """Queue a job for a background worker; the worker starts it after this commits."""
    registry.get(kind)  # an unknown kind is refused here, not in the worker
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label[:200],
            requested_by=acting_user,
            params=params,
            total=total,
            created_at=clock.now(),
        )
        audit_record(
            action=AuditAction.EXPORT,
            actor=acting_user,
            target=job,
            detail=f"发起后台任务：{job.label}",
        )
        transaction.on_commit(lambda: _enqueue(job.pk, 1))
    logger.info("job %s queued kind=%s by=%s", job.pk, kind, acting_user.pk)
    return job


def _claim(job_id: int, attempt: int, worker_id: str) -> Job | None:
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(pk=job_id, status=JobStatus.PENDING, attempts=attempt - 1)
            .first()
        )
        if job is None:
            return None
        now = clock.now()
        job.status = JobStatus.RUNNING
        job.attempts = attempt
        job.worker_id = worker_id[:64]
        job.started_at = now
        job.heartbeat_at = now
        job.done = 0
        job.save(
            update_fields=["status", "attempts", "worker_id", "started_at", "heartbeat_at", "done"]
        )
    return job


def _notify(job: Job, *, ok: bool) -> None:
    from qpdo.workflow.services import notify

    if ok:
        notify(
            [job.requested_by],
            title=f"后台任务已完成：{job.label}",
            body=f"{job.note}。点击下载。" if job.note else "点击下载。",
            url=job.get_file_url(),
        )
    else:
        notify(
            [job.requested_by],
            title=f"后台任务失败：{job.label}",
            body=f"失败原因：{job.error}",
            url=job.get_absolute_url(),
        )


def _fail(job: Job, attempt: int, message: str) -> None:
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(
            status=JobStatus.FAILED, error=message[:2000], finished_at=clock.now()
        )
        if changed:
            job.refresh_from_db()
            transaction.on_commit(lambda: _notify(job, ok=False))


def job_run(*, job_id: int, attempt: int = 1, worker_id: str = "") -> Job | None:
    """Run a queued job (in a worker); return it, or None when it is not this attempt's to run.

    The handler's refusal (JobRefused, ValidationError) and any error end the job as failed
    with its reason; the requester gets a 消息 either way.
    """
    job = _claim(job_id, attempt, worker_id)
    if job is None:
        return None
    logger.info("job %s started kind=%s attempt=%s", job.pk, job.kind, attempt)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(
            done=done, total=total, heartbeat_at=clock.now()
        )

    try:
        output = registry.get(job.kind).run(job, progress)
    except (registry.JobRefused, ValidationError) as error:
        message = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        logger.info("job %s refused: %s", job.pk, message)
        _fail(job, attempt, message)
        return job
    except Exception as error:  # recorded on the job; the requester sees the reason
        logger.exception("job %s failed", job.pk)
        _fail(
            job,
            attempt,
            f"生成时出错（{type(error).__name__}：{error}），请重新发起或联系系统管理员。",
        )
        return job
    finally:
        gc.collect()  # WeasyPrint leaves cyclic garbage behind each render
    with atomic_with_files() as saved:
        current = Job.objects.select_for_update().filter(
            pk=job.pk, status=JobStatus.RUNNING, attempts=attempt
        )
        if not current.exists():
            return None  # swept as stale meanwhile: another attempt owns the job now
        job.refresh_from_db(fields=["done", "total"])
        saved.save(job.file, output.filename, ContentFile(output.content))
        job.filename = output.filename[:200]
        job.note = output.note[:200]
        job.status = JobStatus.DONE
        job.total = max(job.total, 1)
        job.done = job.total
        job.finished_at = clock.now()
        job.save(
            update_fields=["file", "filename", "note", "status", "done", "total", "finished_at"]
        )
        transaction.on_commit(lambda: _notify(job, ok=True))
    logger.info("job %s done kind=%s bytes=%s", job.pk, job.kind, len(output.content))
    return job


def job_record_download(*, job: Job, acting_user: User) -> None:
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        target=job,
        detail=f"下载后台任务结果：{job.label}",
    )


# Workers ---------------------------------------------------------------------------------


def worker_beat(*, worker_id: str, started_at: datetime.datetime) -> None:
    """Record that this worker process is alive."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": clock.now(),
        },
    )


def worker_leave(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: datetime.datetime | None = None) -> set[str]:
    cutoff = (now or clock.now()) - _worker_stale()
    return set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )


def job_sweep_stale(*, now: datetime.datetime | None = None) -> int:
    """Retry or fail the jobs whose worker died or that stopped making progress.

    A job is stale when its worker's heartbeat is older than QPDO_WORKER_STALE_SECONDS, or its
    own progress is older than QPDO_JOB_TIMEOUT_MINUTES. It is queued again while it has
    attempts left (QPDO_JOB_MAX_ATTEMPTS), otherwise it fails with the reason. Return how many
    jobs were swept.
    """
    now = now or clock.now()
    live = live_worker_ids(now)
    swept = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING).only("pk", "worker_id", "heartbeat_at"):
        worker_gone = bool(job.worker_id) and job.worker_id not in live
        hung = job.heartbeat_at is not None and job.heartbeat_at < now - _job_timeout()
        if worker_gone or hung:
            swept += _sweep_one(job.pk, hung=hung and not worker_gone)
    _sweep_task_results(live, now)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()
    return swept


def _sweep_one(job_id: int, *, hung: bool) -> int:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.RUNNING).first()
        if job is None:
            return 0
        reason = "生成超时，没有进展" if hung else WORKER_LOST
        if job.attempts < _max_attempts():
            job.status = JobStatus.PENDING
            job.error = f"第 {job.attempts} 次尝试中断（{reason}），已自动重新排队。"
            job.worker_id = ""
            job.save(update_fields=["status", "error", "worker_id"])
            transaction.on_commit(lambda: _enqueue(job.pk, job.attempts + 1))
            logger.warning("job %s requeued after attempt %s: %s", job.pk, job.attempts, reason)
        else:
            job.status = JobStatus.FAILED
            job.error = (
                f"{reason}，已尝试 {job.attempts} 次仍未完成。"
                "请重新发起；如仍失败，请联系系统管理员。"
            )
            job.finished_at = clock.now()
            job.save(update_fields=["status", "error", "finished_at"])
            transaction.on_commit(lambda: _notify(job, ok=False))
            logger.warning("job %s failed after %s attempts: %s", job.pk, job.attempts, reason)
    return 1


def _sweep_task_results(live: set[str], now: datetime.datetime) -> None:
    """Mark django-tasks-db results left RUNNING by a dead worker as failed."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.running().filter(started_at__lt=now - _worker_stale()):
        if result.worker_ids and result.worker_ids[-1] in live:
            continue
        DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path="qpdo.jobs.WorkerLost",
            traceback=WORKER_LOST,
        )
        logger.warning("task %s marked failed: its worker is gone", result.pk)


# Daily tasks -----------------------------------------------------------------------------


def daily_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each of QPDO_DAILY_TASKS whose time has come today and that is not yet queued.

    Safe to call from every worker and from cron at once: a unique row per task and day
    decides who enqueues. Return the names enqueued.
    """
    now = timezone.localtime(now or clock.now())
    today = now.date()
    enqueued = []
    for name, at, path in getattr(settings, "QPDO_DAILY_TASKS", []):
        hour, minute = (int(part) for part in at.split(":"))
        if (now.hour, now.minute) < (hour, minute):
            continue
        if DailyRun.objects.filter(name=name, day=today).exists():
            continue
        try:
            with transaction.atomic():
                DailyRun.objects.create(name=name, day=today, enqueued_at=clock.now())
                task = import_string(path)
                transaction.on_commit(task.enqueue)
        except IntegrityError:
            continue  # another worker got there first
        logger.info("daily task %s enqueued for %s", name, today)
        enqueued.append(name)
    return enqueued
