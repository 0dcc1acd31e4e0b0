"""Restore a backup archive into an empty database and media folder."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from qpdo.ops import backup


class Command(BaseCommand):
    help = (
        "从备份文件恢复门户：只恢复到空数据库和空的上传目录；迁移状态与当前代码不一致时拒绝，"
        "不做任何更改。恢复后核对各表行数与文件哈希。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 写出的 .tar 文件")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="只核对：当前数据库与上传文件是否与备份清单一致（不做任何更改）",
        )

    def handle(self, *args, archive, verify=False, **options):
        path = Path(archive)
        try:
            if verify:
                problems = backup.verify_archive(path)
                if problems:
                    self.stderr.write("与备份不一致：" + "；".join(problems[:10]))
                    sys.exit(1)
                self.stdout.write("与备份清单一致：各表行数与文件哈希相同。")
                return
            summary = backup.restore(path)
        except backup.Refused as error:
            self.stderr.write(str(error))
            sys.exit(1)
        self.stdout.write(
            f"已恢复：{summary.tables} 张表、{summary.rows} 行、{summary.files} 个文件，"
            "与备份清单一致。"
        )
