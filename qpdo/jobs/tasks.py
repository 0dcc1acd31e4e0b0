"""The django-tasks entry points of the job machinery."""

from django_tasks import TaskContext, task

from . import services


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int, attempt: int = 1) -> str:
    worker_ids = context.task_result.worker_ids
    job = services.job_run(
        job_id=job_id, attempt=attempt, worker_id=worker_ids[-1] if worker_ids else ""
    )
    return job.status if job is not None else "skipped"
