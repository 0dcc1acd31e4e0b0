"""One generic background job (batch PDFs, large exports) and the workers' heartbeats."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from qpdo.documents.uploads import upload_path
from qpdo.org import clock

from .enums import JobStatus


class Job(models.Model):
    """A piece of long work asked for by one person, run by a background worker.

    `kind` names the handler an app registered (see qpdo.jobs.registry); `params` are its
    JSON arguments. The worker reports progress as done/total; the result is one stored file.
    """

    kind = models.CharField("类型", max_length=60)
    label = models.CharField("内容", max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="qpdo_jobs",
    )
    params = models.JSONField("参数", default=dict)
    status = models.CharField(
        "状态", max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    error = models.TextField("失败原因", blank=True)
    note = models.CharField("结果说明", max_length=200, blank=True)
    file = models.FileField("结果文件", upload_to=upload_path("jobs"), blank=True, max_length=200)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    worker_id = models.CharField("后台进程", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", default=clock.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:job-detail", args=[self.pk])

    def get_file_url(self) -> str:
        return reverse("jobs:job-file", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))


class WorkerHeartbeat(models.Model):
    """A running `db_worker` process; its row is refreshed every few seconds."""

    worker_id = models.CharField("进程标识", max_length=64, unique=True)
    hostname = models.CharField("主机", max_length=200)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class DailyRun(models.Model):
    """A daily task enqueued for one day: the unique key lets M workers enqueue it once."""

    name = models.CharField("任务", max_length=100)
    day = models.DateField("日期")
    enqueued_at = models.DateTimeField("入队时间")

    class Meta:
        verbose_name = "每日任务记录"
        verbose_name_plural = "每日任务记录"
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="jobs_daily_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.day:%Y-%m-%d}"
