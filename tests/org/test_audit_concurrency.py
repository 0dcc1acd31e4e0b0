"""Audit records appended at the same moment from many transactions still form one chain."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from qpdo.org.audit import audit_record
from qpdo.org.enums import AuditAction
from qpdo.org.models import AuditRecord

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the chain lock is PostgreSQL's advisory lock; runs when DATABASE_URL is set",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_share_a_predecessor():
    writers = 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                audit_record(action=AuditAction.CHANGE, actor_name=f"并发{n}")
                time.sleep(0.05)  # hold the transaction open: the next writer must wait
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    previous = list(AuditRecord.objects.values_list("previous_hash", flat=True))
    assert len(previous) == len(set(previous))  # no two records chained to the same one
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "校验通过" in out.getvalue()
