"""Background tasks of the approval engine: notification e-mail and the daily 催办."""

import logging

from django.core.mail import send_mail
from django_tasks import task

logger = logging.getLogger("qpdo.workflow")


@task()
def send_notification_mail(subject: str, body: str, to: list[str]) -> int:
    """Send one notification e-mail (EMAIL_TIMEOUT bounds a hung mail server)."""
    return send_mail(subject, body, None, to)


@task()
def remind_overdue() -> int:
    # inline: qpdo.workflow.services imports this module (mail task)
    from .services import reminders_send_overdue

    count = reminders_send_overdue()
    logger.info("催办 sent for %s overdue items", count)
    return count
