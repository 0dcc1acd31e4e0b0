"""Check the audit trail's hash chain and name the first broken link."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qpdo.org.audit import database_rows, dump_rows, verify_chain


class Command(BaseCommand):
    help = "校验审计记录的哈希链，报告第一处断开或被修改的记录。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            help="校验 dumpdata 导出的 JSON 文件（或 audit_archive 的归档文件）而不是数据库",
        )

    def handle(self, *args, file=None, **options):
        if file:
            path = Path(file)
            try:
                text = path.read_text(encoding="utf-8")
                data = (
                    json.loads(text)
                    if text.lstrip().startswith("[")
                    else [json.loads(line) for line in text.splitlines() if line.strip()]
                )
            except (OSError, ValueError) as error:
                raise CommandError(f"无法读取文件 {path}：{error}") from error
            rows = dump_rows(data)
            source = str(path)
        else:
            rows = database_rows()
            source = "数据库"
        count, problem = verify_chain(rows)
        if problem:
            raise CommandError(f"审计记录校验未通过（{source}）：{problem}")
        self.stdout.write(f"审计记录校验通过（{source}）：共 {count} 条，哈希链完整。")
