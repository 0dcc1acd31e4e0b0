"""Remind owners and section heads of work items falling due and of 回头看; run daily from cron."""

from django.core.management.base import BaseCommand

from campaigns.services import reminders_send


class Command(BaseCommand):
    help = (
        "提醒责任人和科室负责人：清单事项即将到期、已逾期，整改事项回头看到期（每人每天至多一次）。"
    )

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"已发送实践活动提醒 {count} 条。")
