"""The 六进 standing duties of a 填报员's 待办: planned activities owed a report (待报送)."""

from __future__ import annotations

from django.urls import reverse

from qpdo.org import clock
from qpdo.workflow.duties import Duty

from . import rules, selectors


def reports_owed(*, user) -> list[Duty]:
    """Return a 待报送 duty per activity of the unit's plans (this year, last) owed a report."""
    unit = rules.reporting_unit(user)
    if unit is None:
        return []
    today = clock.today()
    owed = selectors.plan_items_owed(units=[unit], since_year=today.year - 1, today=today)
    create = reverse("outreach:report-create")
    return [
        Duty(
            label="待报送",
            title=f"{o.item.plan.year}年{o.item.month}月 · {o.item.front.name} · {o.item.title}",
            unit_name=unit.name,
            url=f"{create}?plan_item={o.item.pk}",
            due_on=o.month_end,
            days_late=o.days_late,
            level=o.level_class,
            note=f"年度计划安排在{o.item.month}月，已过 {o.days_late} 天，尚未报送对应的活动信息",
            action_label="报送活动信息",
        )
        for o in owed
    ]
