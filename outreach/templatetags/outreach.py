"""Template helpers of the 六进 pages: state labels as the office says them, percentages."""

from django import template

from outreach import rules
from outreach.enums import PLAN_STATE_LABELS, REPORT_STATE_LABELS

register = template.Library()


@register.filter
def report_state(state) -> str:
    """Return how a report's state reads on 六进 pages (approved → 已采用)."""
    return REPORT_STATE_LABELS.get(str(state), str(state))


@register.filter
def plan_state(state) -> str:
    return PLAN_STATE_LABELS.get(str(state), str(state))


@register.filter
def percent(value) -> str:
    """Return 66.7% for 66.7, and — when there is nothing to measure (None)."""
    if value is None:
        return "—"
    return f"{value:g}%"


@register.inclusion_tag("outreach/_nav.html", takes_context=True)
def outreach_nav(context):
    """Render the programme's tabs, as far as the signed-in user may use them."""

    request = context["request"]
    return {
        "request": request,
        "perms_office": rules.may_see_dashboard(request.user),
        "show_registers": rules.may_see_registers(request.user),
        "show_party_school": rules.may_keep_party_school(request.user)
        or rules.may_see_dashboard(request.user),
        "spec": context.get("spec"),
    }
