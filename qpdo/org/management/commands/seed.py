"""Load reference data (units, posts, slots, fronts, the campaign) and, with --demo, demo data."""

from django.core.management.base import BaseCommand
from django.db import transaction

from qpdo.org import seeding
from qpdo.org.caching import bump_data_version
from qpdo.org.roles import sync_role_groups


class Command(BaseCommand):
    help = "载入基础数据；加 --demo 同时载入演示数据（演示账号密码 Qpdo@2024，仅供演示）。"

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="同时载入演示数据")
        parser.add_argument(
            "--no-records",
            action="store_true",
            help="只载入演示人员与账号，不载入各项工作的演示记录（测试用）",
        )

    def handle(self, *args, demo: bool = False, no_records: bool = False, **options):
        verbose = options.get("verbosity", 1) > 0
        sync_role_groups()
        for step in seeding.steps(demo=demo, records=not no_records):
            with transaction.atomic():
                step.run(log=lambda line: self.stdout.write(f"  {line}") if verbose else None)
            if verbose:
                self.stdout.write(f"✓ {step.name}")

        bump_data_version()  # bulk writes send no signals: drop every cached page fragment
        self.stdout.write(
            self.style.SUCCESS("基础数据已就绪。" + ("演示数据已载入。" if demo else ""))
        )
