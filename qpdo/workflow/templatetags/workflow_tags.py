"""Template tags of the approval engine (used in the admin, where no view adds context)."""

from django import template

from qpdo.workflow import selectors

register = template.Library()


@register.inclusion_tag("admin/workflow/_todo_box.html", takes_context=True)
def admin_todo_box(context, limit: int = 8):
    """Show the signed-in approver's waiting items at the top of the admin index."""
    user = context["request"].user
    inbox = selectors.inbox_for(user=user)
    items = list(inbox[:limit])
    for item in items:
        item.admin_url = selectors.subject_admin_url(item)
        item.flag = selectors.flag_for(item)
    return {"items": items, "total": inbox.count()}


@register.simple_tag
def subject_admin_url(approval) -> str:
    return selectors.subject_admin_url(approval)
