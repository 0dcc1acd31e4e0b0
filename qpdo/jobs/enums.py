from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


OPEN_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)
