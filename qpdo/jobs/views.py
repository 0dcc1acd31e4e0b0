from django.http import Http404
from django.views import View
from django.views.generic import ListView, TemplateView

from qpdo.documents.uploads import file_response

from . import registry, selectors, services
from .enums import OPEN_STATUSES, JobStatus

PAGE_SIZE = 20


class JobListView(ListView):
    template_name = "jobs/job/list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.job_list_for(user=self.request.user, kind=self.request.GET.get("kind"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        titles = registry.titles()
        for job in context["object_list"]:
            job.kind_title = titles.get(job.kind, job.kind)
        return context


class JobDetailView(TemplateView):
    template_name = "jobs/job/detail.html"

    def get_context_data(self, **kwargs):
        job = selectors.job_get_for(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(
            job=job,
            waiting=job.status in OPEN_STATUSES,
            kind_title=registry.titles().get(job.kind, job.kind),
            **kwargs,
        )


class JobFileView(View):
    def get(self, request, pk: int):
        job = selectors.job_get_for(user=request.user, pk=pk)
        if job.status != JobStatus.DONE or not job.file:
            raise Http404("该后台任务尚未完成。")
        services.job_record_download(job=job, acting_user=request.user)
        return file_response(job.file, filename=job.filename, inline=True)
