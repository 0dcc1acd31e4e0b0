"""SQL building blocks of the selectors (qpdo.org.sql): child rows as JSON in their parent's
statement, the first rows of several views in one statement."""

from __future__ import annotations

from django.db import connection
from django.db.models import OuterRef, Q
from django.test.utils import CaptureQueriesContext

from qpdo.org.enums import UnitKind
from qpdo.org.models import Unit
from qpdo.org.sql import first_rows_of_each, json_rows, rows_from_json


def test_first_rows_of_each_view_in_one_statement(db):
    towns = Q(kind=UnitKind.TOWN)
    latest = Q(pk__gt=0)
    with CaptureQueriesContext(connection) as queries:
        rows = first_rows_of_each(
            Unit.objects.all(),
            {"towns": (towns, ["order", "pk"], 3), "latest": (latest, ["-pk"], 2)},
        )
    assert len(queries) == 1
    assert rows["towns"] == list(Unit.objects.filter(towns).order_by("order", "pk")[:3])
    assert rows["latest"] == list(Unit.objects.order_by("-pk")[:2])
    assert len(rows["towns"]) == 3  # a town may also be among the latest: each view keeps it


def test_rows_from_json_are_the_rows_as_loaded(db):
    unit = Unit.objects.filter(kind=UnitKind.TOWN).first()
    found = Unit.objects.filter(pk=unit.pk).annotate(
        same=json_rows(Unit.objects.filter(pk=OuterRef("pk")))
    )
    row = found.get()
    (copy,) = rows_from_json(Unit, row.same)
    assert copy == unit and copy._state.adding is False
    assert [getattr(copy, f.attname) for f in Unit._meta.concrete_fields] == [
        getattr(unit, f.attname) for f in Unit._meta.concrete_fields
    ]
    assert rows_from_json(Unit, None) == []
