"""Background tasks of the upload toolkit."""

from django_tasks import task

from .pending import clear_expired


@task()
def clear_pending_uploads() -> int:
    """Delete the kept uploads (qpdo.documents.pending) that nobody claimed in time."""

    return clear_expired()
