"""Settings for the test suite: the real settings with fast hashing and throw-away storage."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("QPDO_PLAIN_STATIC", "1")

from qpdo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="qpdo-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = tempfile.mkdtemp(prefix="qpdo-test-static-")

# A test-only subject for the approval engine (synced without migrations).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_testapp"]  # noqa: F405

# Tasks run inside the test, at once (one test starts a real db_worker on its own).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A slow test (minutes of set-up on a busy machine) must not see the once-a-minute session
# refresh in its statement counts; the session tests set the production value themselves.
SESSION_REFRESH_AFTER = 3600

# Tests move the portal clock by days or years after signing in (deadlines, demo days); the
# 12-hour absolute session cap would end those sessions. Its own test sets the real value.
SESSION_ABSOLUTE_HOURS = 24 * 365 * 100

# Whole list pages are not cached in tests: many tests write with update()/bulk_create (no
# signal, no data-version bump) between two requests of the same page. tests/perf/ switches
# the page cache on for its own tests.
QPDO_PAGE_CACHE = False

# The suite flushes its PostgreSQL database with TRUNCATE between transactional tests; the
# audit table's TRUNCATE trigger (org 0007) lets that through only for sessions that set this.
# Production settings never do; tests/org/test_audit_trail.py checks the refusal without it.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c qpdo.audit_truncate=on".strip()
