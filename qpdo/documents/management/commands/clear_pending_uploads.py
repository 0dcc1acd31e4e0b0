"""Delete expired pending uploads (also run once a day by the task workers)."""

from django.core.management.base import BaseCommand

from qpdo.documents.pending import PENDING_MAX_AGE, clear_expired


class Command(BaseCommand):
    help = "删除超过保留期限、未被取用的暂存上传文件。"

    def handle(self, *args, **options):
        count = clear_expired()
        hours = int(PENDING_MAX_AGE.total_seconds() // 3600)
        self.stdout.write(f"已删除 {count} 个超过 {hours} 小时的暂存上传文件。")
