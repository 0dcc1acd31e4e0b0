"""Reads of background jobs: a person sees only the jobs they asked for."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Job


def job_list_for(*, user, kind: str | None = None) -> QuerySet[Job]:
    """Return the jobs the user asked for, newest first (nobody sees another's jobs)."""
    jobs = Job.objects.filter(requested_by=user)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs


def job_get_for(*, user, pk: int) -> Job:
    job = job_list_for(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("没有找到该后台任务。")
    return job
