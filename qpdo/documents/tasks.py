"""Background tasks of the upload toolkit."""

from django_tasks import task


@task()
def clear_pending_uploads() -> int:
    """Delete the kept uploads (qpdo.documents.pending) that nobody claimed in time."""
    from .pending import clear_expired

    return clear_expired()
