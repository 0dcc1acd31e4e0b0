"""Send 催办 reminders for items past their step's deadline; safe to run from cron."""

from django.core.management.base import BaseCommand

from qpdo.workflow.services import reminders_send_overdue


class Command(BaseCommand):
    help = "对超过环节期限的待办事项发送催办提醒（每个事项每天至多一次，可由 cron 定时运行）。"

    def handle(self, *args, **options):
        count = reminders_send_overdue()
        self.stdout.write(f"已对 {count} 个逾期事项发送催办提醒。")
