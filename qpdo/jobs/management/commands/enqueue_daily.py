"""Enqueue today's daily tasks that are due and not yet queued (for cron; workers do it too)."""

from django.core.management.base import BaseCommand

from qpdo.jobs.services import daily_enqueue_due


class Command(BaseCommand):
    help = (
        "把今天已到时间、尚未入队的每日任务（催办、实践活动提醒）交给后台任务进程；只入队，不执行。"
    )

    def handle(self, *args, **options):
        names = daily_enqueue_due()
        if options.get("verbosity", 1) > 0:
            self.stdout.write("已入队：" + ("、".join(names) if names else "无（今天的都已入队）"))
