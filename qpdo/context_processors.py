"""Template context shared by every page: navigation by role and the waiting-item counts."""

from django.conf import settings

from qpdo.org.navigation import entries_for
from qpdo.org.scoping import user_roles, user_staff
from qpdo.workflow.selectors import badge_counts_for


def portal(request):
    user = getattr(request, "user", None)
    context = {
        "office_name": settings.QPDO_OFFICE_NAME,
        "office_short_name": settings.QPDO_SHORT_NAME,
    }
    if user is None or not user.is_authenticated:
        return context

    context.update(
        nav_entries=entries_for(user),
        nav_counts=badge_counts_for(user=user),
        current_staff=user_staff(user),
        current_roles=sorted(r.label for r in user_roles(user)),
    )
    return context
