"""SQL building blocks shared by the selectors: counts and child rows folded into one statement
(issue #15)."""

from __future__ import annotations

import functools
import operator

from django.db import models
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    JSONField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject, RowNumber


def subquery_count(queryset: QuerySet) -> Coalesce:
    """Return `SELECT COUNT(*)` of the queryset as a scalar subquery (0 when empty).

    Filter the queryset on `OuterRef(...)` to count per row of the outer statement: a page then
    reads its rows and their counts in one statement instead of one per count.
    """
    counted = queryset.order_by().values(_one=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


class JSONArrayAgg(Aggregate):
    """The group's values as one JSON array (SQLite json_group_array, PostgreSQL jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)

    def as_mysql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_ARRAYAGG", **extra_context)


def json_rows(queryset: QuerySet) -> Subquery:
    """Return the queryset's rows (every concrete field) as one JSON array, a scalar subquery.

    Filter the queryset on `OuterRef(...)`: each row of the outer statement then carries its few
    child rows (a campaign's 重点任务 and key dates) instead of one more statement for them.
    `rows_from_json` turns the array back into model instances. The array's order is not kept:
    sort the instances. Meant for short lists of plain fields (no datetimes: SQLite keeps them
    as text without a zone).
    """
    fields = {f.attname: F(f.attname) for f in queryset.model._meta.concrete_fields}
    rows = (
        queryset.order_by()
        .values(_one=Value(1))
        .annotate(rows=JSONArrayAgg(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(rows[:1], output_field=JSONField())


def rows_from_json(model: type[models.Model], rows: list[dict] | None) -> list[models.Model]:
    """Return the model instances of `json_rows`' array, as if loaded from the database."""
    fields = list(model._meta.concrete_fields)
    names = [f.attname for f in fields]
    return [
        model.from_db("default", names, [f.to_python(row.get(f.attname)) for f in fields])
        for row in rows or []
    ]


def set_prefetched(instance: models.Model, related_name: str, objects: list) -> None:
    """Fill `instance.<related_name>.all()` with objects already read (no statement later)."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}
    cache[related_name] = queryset


def _ordering(term):
    if isinstance(term, str):
        return F(term[1:]).desc() if term.startswith("-") else F(term).asc()
    return term


def first_rows_of_each(
    queryset: QuerySet, parts: dict[str, tuple[Q, list, int]]
) -> dict[str, list]:
    """Return the first rows of several views of one queryset, read in one statement.

    `parts` names each view with its filter, its ordering and how many rows it shows (a panel's
    "my open items" and "my items to recheck"). Each row is numbered within each view it
    belongs to (ROW_NUMBER() OVER (PARTITION BY …)); the statement keeps the rows within
    some view's limit. A row may belong to several views. Meant for views of a bounded set (one
    person's items of a year): the numbering reads every row the filters match.
    """
    flags = {
        name: Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for name, (condition, _, _) in parts.items()
    }
    rows = queryset.filter(functools.reduce(operator.or_, (p[0] for p in parts.values())))
    rows = rows.annotate(**{f"_in_{name}": flag for name, flag in flags.items()})
    rows = rows.annotate(
        **{
            f"_rank_{name}": Window(
                RowNumber(),
                partition_by=[F(f"_in_{name}")],
                order_by=[_ordering(term) for term in ordering],
            )
            for name, (_, ordering, _) in parts.items()
        }
    )
    keep = functools.reduce(
        operator.or_,
        (
            Q(**{f"_in_{name}": True, f"_rank_{name}__lte": limit})
            for name, (_, _, limit) in parts.items()
        ),
    )
    rows = rows.annotate(
        _keep=Case(When(keep, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).filter(_keep=True)
    found = list(rows.order_by())
    return {
        name: sorted(
            (
                row
                for row in found
                if getattr(row, f"_in_{name}") and getattr(row, f"_rank_{name}") <= limit
            ),
            key=lambda row, name=name: getattr(row, f"_rank_{name}"),
        )
        for name, (_, _, limit) in parts.items()
    }
