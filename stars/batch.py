"""Start the background process that renders a batch of 申报表 (never inside a request).

A batch is rendered by `manage.py stars_render_batches --job <id> --token <token>` in its own
process: WeasyPrint's memory goes back to the system when the process ends, and no web worker
waits on a render of dozens of pages. The process is detached (double fork through /bin/sh), so
the web worker never has to reap it. The token makes a process started against another
database (a test run) find nothing to do. Jobs left pending, e.g. after a restart, are picked
up by running `manage.py stars_render_batches` without arguments (cron or by hand).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("qpdo.stars")


def launch(batch) -> None:
    """Start rendering the batch in a detached process."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    command = [
        sys.executable,
        str(manage),
        "stars_render_batches",
        "--job",
        str(batch.pk),
        "--token",
        batch.token,
    ]
    try:
        subprocess.Popen(
            ["/bin/sh", "-c", '"$@" >/dev/null 2>&1 </dev/null &', "sh", *command],
            cwd=settings.BASE_DIR,
            start_new_session=True,
        ).wait(timeout=10)
    except (OSError, subprocess.SubprocessError):
        logger.exception("could not start the batch render of job %s", batch.pk)
