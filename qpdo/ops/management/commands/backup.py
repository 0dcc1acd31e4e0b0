"""Write one backup archive: database, media and manifest."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from qpdo.ops import backup


class Command(BaseCommand):
    help = (
        "备份门户：数据库（PostgreSQL 用 pg_dump -Fc，SQLite 用在线备份）、上传文件和清单"
        "（迁移状态、各表行数、文件哈希），写成一个 .tar 文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            help="备份目录（默认 QPDO_BACKUP_DIR 或 var/backups；应再复制到服务器以外）",
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            summary = backup.backup_create(directory=Path(output_dir) if output_dir else None)
        except backup.Refused as error:
            self.stderr.write(f"备份失败：{error}")
            sys.exit(1)
        self.stdout.write(
            f"已备份：{summary.path}（{summary.tables} 张表、{summary.rows} 行、"
            f"{summary.files} 个文件）"
        )
