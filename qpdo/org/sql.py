"""SQL building blocks shared by the selectors: counts folded into one statement (issue #15)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def subquery_count(queryset: QuerySet) -> Coalesce:
    """Return `SELECT COUNT(*)` of the queryset as a scalar subquery (0 when empty).

    Filter the queryset on `OuterRef(...)` to count per row of the outer statement: a page then
    reads its rows and their counts in one statement instead of one per count.
    """
    counted = queryset.order_by().values(_one=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)
