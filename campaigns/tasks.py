"""Background tasks of the campaign: the daily reminders."""

import logging

from django_tasks import task

from .services import reminders_send

logger = logging.getLogger("qpdo.campaigns")


@task()
def remind_campaign() -> int:
    count = reminders_send()
    logger.info("campaign reminders sent: %s", count)
    return count
