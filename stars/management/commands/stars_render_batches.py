"""Render queued batches of 岗位之星 申报表 into PDFs (started by the portal, or by cron)."""

from django.core.management.base import BaseCommand

from stars.enums import BatchStatus
from stars.models import BatchPrint
from stars.services import batch_print_run


class Command(BaseCommand):
    help = "生成排队中的“岗位之星”申报表批量打印 PDF。"

    def add_arguments(self, parser):
        parser.add_argument("--job", type=int, help="只生成该编号的任务")
        parser.add_argument("--token", help="任务令牌（由门户启动时传入）")

    def handle(self, *args, job=None, token=None, **options):
        if job is not None:
            ids = [job]
        else:
            ids = list(
                BatchPrint.objects.filter(status=BatchStatus.PENDING)
                .order_by("created_at")
                .values_list("pk", flat=True)
            )
        for batch_id in ids:
            try:
                batch = batch_print_run(batch_id=batch_id, token=token)
            except Exception as error:  # recorded on the job; go on with the next one
                self.stderr.write(f"任务 {batch_id} 生成失败：{error}")
                continue
            if batch is not None and options.get("verbosity", 1) > 0:
                self.stdout.write(f"任务 {batch_id}：{batch.page_count} 页")
