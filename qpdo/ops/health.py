"""The checks behind /healthz: each answers one word, "ok" or why not."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from qpdo.jobs.services import live_worker_ids


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "down"
    return "ok"


def check_media() -> str:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        stored = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(stored)
    except Exception:  # any storage failure means uploads would fail too
        return "readonly"
    return "ok"


def check_migrations() -> str:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unknown"
    return "pending" if plan else "ok"


def check_worker() -> str:
    try:
        return "ok" if live_worker_ids() else "stale"
    except DatabaseError:
        return "unknown"


CHECKS = {
    "database": check_database,
    "media": check_media,
    "migrations": check_migrations,
    "worker": check_worker,
}


def run_checks() -> dict[str, str]:
    results = {"database": check_database()}
    for name, check in CHECKS.items():
        if name == "database":
            continue
        if results["database"] != "ok" and name != "media":
            results[name] = "unknown"
            continue
        results[name] = check()
    return results


def database_reachable() -> bool:
    try:
        connection.close_if_unusable_or_obsolete()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True
