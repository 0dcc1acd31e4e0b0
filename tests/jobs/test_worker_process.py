"""A real `manage.py db_worker` renders a batch PDF; killed mid-batch, the job is retried by
the next worker instead of staying 'running'. Needs a database other processes can open, so
it runs in CI's PostgreSQL pass."""

from __future__ import annotations

import io
import signal

import pytest
from django.db import connection
from pypdf import PdfReader

from qpdo.jobs.enums import JobStatus
from qpdo.jobs.models import Job, WorkerHeartbeat
from stars import services
from tests.ops.servers import Processes, environment, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process on the test database; runs on PostgreSQL",
    ),
]


def _status(job) -> str:
    job.refresh_from_db()
    return job.status


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_replaced_and_the_job_finishes(
    seeded_transactional_db, tmp_path, approved_nominations, demo_user, campaign, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Queue in the database, as the portal does (the suite runs tasks at once otherwise).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = environment(tmp_path, QPDO_WORKER_STALE_SECONDS="3", QPDO_WORKER_SWEEP_SECONDS="1")
    processes = Processes()
    try:
        job = services.batch_print_request(
            acting_user=demo_user("party_branch"),
            campaign=campaign,
            nominations=approved_nominations(6),
            label="中断测试",
            base_url="http://portal.test",
        )
        first = processes.worker(env, tmp_path, "first")
        wait_for(lambda: _status(job) == JobStatus.RUNNING, "the first worker to start the job")
        first.send_signal(signal.SIGKILL)  # no chance to clean up, like a power cut
        first.wait(timeout=10)
        assert _status(job) == JobStatus.RUNNING  # nobody has noticed yet

        processes.worker(env, tmp_path, "second")
        wait_for(lambda: _status(job) == JobStatus.DONE, "the retried job", timeout=240)
        job.refresh_from_db()
        assert job.attempts == 2 and (job.done, job.total) == (6, 6)
        assert job.error == "第 1 次尝试中断（后台进程在生成过程中退出），已自动重新排队。"
        with job.file.open("rb") as handle:
            assert len(PdfReader(io.BytesIO(handle.read())).pages) == 6
    except BaseException:
        print(processes.logs())
        raise
    finally:
        processes.stop_all()
    # A worker stopped cleanly removes its row; the killed one's stays until it is a day old.
    assert WorkerHeartbeat.objects.count() == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
