"""Template helpers used on every page: Chinese dates and small badges."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """Format a date as 2024年10月20日 (the way documents print it)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_month(value) -> str:
    if not value:
        return ""
    return f"{value.year}年{value.month}月"


@register.filter
def cn_datetime(value) -> str:
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


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
