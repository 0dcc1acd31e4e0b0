"""django-tasks-db's worker, plus what an unattended server needs.

Beside the upstream loop this worker
- writes a heartbeat row every few seconds (read by /healthz and by the stale-job sweep),
- sweeps jobs whose worker died or that stopped making progress (retry, or fail with reason),
- enqueues the daily tasks (QPDO_DAILY_TASKS) once a day across all workers,
- survives the database going away: it logs one line, waits and reconnects; no job is lost,
  since a job is only claimed inside a transaction.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from qpdo.jobs import services
from qpdo.org import clock

logger = logging.getLogger("qpdo.jobs")

BEAT_SECONDS = 5
RECONNECT_SECONDS = 5


class Housekeeper(threading.Thread):
    """Heartbeat, stale sweep and daily tasks, on their own thread and database connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="qpdo-worker-housekeeper", daemon=True)
        self.worker_id = worker_id
        self.started_at = clock.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        last_sweep = 0.0
        while not self.stopping.is_set():
            try:
                close_old_connections()
                services.worker_beat(worker_id=self.worker_id, started_at=self.started_at)
                if time.monotonic() - last_sweep >= settings.QPDO_WORKER_SWEEP_SECONDS:
                    services.job_sweep_stale()
                    services.daily_enqueue_due()
                    last_sweep = time.monotonic()
            except Exception:
                logger.warning("worker housekeeping failed; retrying", exc_info=True)
                connections.close_all()
            self.stopping.wait(BEAT_SECONDS)
        try:
            services.worker_leave(worker_id=self.worker_id)
        except Exception:
            logger.warning("could not remove the worker's heartbeat", exc_info=True)
        connections.close_all()


class Worker(upstream.Worker):
    def run(self) -> None:
        housekeeper = Housekeeper(self.worker_id)
        housekeeper.start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except (OperationalError, InterfaceError) as error:
                    logger.warning(
                        "database unreachable (%s); worker retries in %ss",
                        str(error).strip().splitlines()[0] if str(error).strip() else error,
                        RECONNECT_SECONDS,
                    )
                    connections.close_all()
                    time.sleep(RECONNECT_SECONDS)
        finally:
            housekeeper.stopping.set()
            housekeeper.join(timeout=10)


class Command(upstream.Command):
    help = "运行后台任务进程（django-tasks 数据库后端）：批量打印、导出、邮件、每日提醒。"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise upstream.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
