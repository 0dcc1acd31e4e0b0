"""Archive audit records older than the retention period to a file, then remove them."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from qpdo.org import clock
from qpdo.org.audit import audit_record, verify_chain
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord


class Command(BaseCommand):
    help = (
        "把超过保存期限（默认 180 天）的审计记录写入归档文件（JSON Lines，含校验值），"
        "确认写盘后再从数据库移除；从不静默删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.QPDO_AUDIT_RETENTION_DAYS)
        parser.add_argument("--dir", default=str(settings.QPDO_AUDIT_ARCHIVE_DIR))

    def handle(self, *args, days: int, dir: str, **options):
        days = max(days, settings.QPDO_AUDIT_RETENTION_DAYS)  # never keep less than the rule
        cutoff = clock.now() - timedelta(days=days)
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7170646F61756474])
            old = AuditRecord.objects.filter(at__lt=cutoff).order_by("id")
            rows = list(old.values())
            if not rows:
                self.stdout.write("没有需要归档的审计记录。")
                return
            _count, problem = verify_chain(rows)
            if problem:
                self.stderr.write(f"注意：归档的记录中哈希链有问题：{problem}")
            first, last = rows[0], rows[-1]
            ids = [first["id"], last["id"]]
            span = f"{first['at']:%Y%m%d}-{last['at']:%Y%m%d}-{ids[0]}-{ids[1]}"
            name = f"audit-{span}.jsonl"
            path = folder / name
            with open(path, "w", encoding="utf-8") as out:
                for row in rows:
                    record = {"model": "org.auditrecord", "pk": row.pop("id")}
                    row["actor"] = row.pop("actor_id")
                    record["fields"] = row
                    out.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False))
                    out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.chmod(path, 0o440)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The one path the append-only trigger lets through (migration 0004).
                    cursor.execute("SET LOCAL qpdo.audit_archive = 'on'")
                cursor.execute(
                    "DELETE FROM org_auditrecord WHERE id BETWEEN %s AND %s AND at < %s",
                    [*ids, cutoff],
                )
                removed = cursor.rowcount
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL qpdo.audit_archive = 'off'")
            audit_record(
                action=AuditAction.ARCHIVE,
                detail=f"归档 {removed} 条 {cutoff:%Y-%m-%d} 之前的审计记录到 {path}",
            )
        self.stdout.write(f"已归档 {removed} 条审计记录：{path}")
