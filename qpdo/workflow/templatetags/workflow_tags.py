"""Template tags of the approval engine (used in the admin, where no view adds context)."""

from django import template

from qpdo.org.scoping import has_role
from qpdo.workflow import selectors
from qpdo.workflow.chains import all_chains, get_chain
from qpdo.workflow.enums import Flag

register = template.Library()


@register.inclusion_tag("admin/workflow/_todo_box.html", takes_context=True)
def admin_todo_box(context, limit: int = 10):
    """Show the signed-in user's 待办 first on the admin index, with counts and due flags."""
    user = context["request"].user
    todo = selectors.todo_for(user=user)
    rows = list(todo[:limit])
    for item in rows:
        item.open_url = selectors.subject_admin_url(item, user) or ""
        item.flag = selectors.flag_for(item)
        item.due = selectors.due_of(item)
    flags = [
        selectors.flag_for(a)
        for a in todo.select_related(None).only("state", "due_on", "submit_due_on")
    ]
    return {
        "items": rows,
        "total": len(flags),
        "red": sum(f == Flag.RED for f in flags),
        "amber": sum(f == Flag.AMBER for f in flags),
    }


@register.simple_tag(takes_context=True)
def subject_admin_url(context, approval) -> str:
    """Return the item's admin page if the signed-in user can act there, else ""."""
    return selectors.subject_admin_url(approval, context["request"].user)


def _approver_roles() -> set:
    return {step.role for chain in all_chains() for step in chain.steps}


def _works_with(user, model_entry, approver: bool) -> bool:
    """Return whether the index lists the model: what the user decides or maintains; for
    someone who approves nothing (the auditor, the security administrator) all they may see."""
    model = model_entry.get("model")
    perms = model_entry.get("perms", {})
    if perms.get("add") or perms.get("change") or not approver:
        return True
    chain_code = getattr(model, "workflow_chain_code", "")
    if chain_code:
        return any(has_role(user, step.role) for step in get_chain(chain_code).steps)
    return False


@register.simple_tag(takes_context=True)
def role_app_list(context, app_list):
    """Return the admin index's apps cut down to the models this user works with."""
    user = context["request"].user
    if user.is_superuser:
        return app_list
    approver = any(has_role(user, role) for role in _approver_roles())
    result = []
    for app in app_list:
        models = [m for m in app["models"] if _works_with(user, m, approver)]
        if models:
            result.append({**app, "models": models})
    return result
