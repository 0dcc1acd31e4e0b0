"""Template helpers used on every page: Chinese dates and small badges."""

import datetime

from django import template
from django.utils import timezone

from qpdo.org import dates

register = template.Library()


# 2024年10月20日, 2024年10月, 2024年10月20日 14:30: the way documents print them.
register.filter("cn_date", dates.cn_date)
register.filter("cn_month", dates.cn_month)
register.filter("cn_datetime", dates.cn_datetime)


FLAG_CLASSES = {"red": "danger", "amber": "warning", "green": "success", "none": "secondary"}


@register.filter
def flag_class(flag) -> str:
    return FLAG_CLASSES.get(str(getattr(flag, "value", flag)), "secondary")


STATE_CLASSES = {
    "draft": "secondary",
    "in_review": "primary",
    "returned": "warning",
    "withdrawn": "secondary",
    "approved": "success",
    "rejected": "danger",
}


@register.filter
def state_class(state) -> str:
    return STATE_CLASSES.get(str(state), "secondary")


@register.filter
def after_day(moment, day) -> bool:
    """Return whether `moment` (a datetime or date) falls after the day `day` (逾期报送)."""
    if not moment or not day:
        return False
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment > day
