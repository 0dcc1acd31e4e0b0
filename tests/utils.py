"""Test helpers shared by the suite."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_get(client, url: str) -> int:
    """Return how many queries one GET of `url` runs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def assert_constant_queries(
    client, url: str, add_rows: Callable[[int], None], few: int = 3, many: int = 30
) -> None:
    """Assert the page runs as many queries with `few` rows as with `many` more.

    `add_rows(n)` must create n more rows the page lists. Both visits start from an empty cache
    (bulk-created rows send no signal to invalidate cached counts, and the measure is the same).
    """
    from django.core.cache import cache

    add_rows(few)
    cache.clear()
    queries_few = queries_for_get(client, url)
    add_rows(many)
    cache.clear()
    queries_many = queries_for_get(client, url)
    assert queries_many == queries_few, (
        f"{url}: {queries_few} queries with {few} rows, {queries_many} with {few + many}"
    )


class _TestIdText(HTMLParser):
    """Collect the text inside the element carrying data-testid=<testid>."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    )

    def __init__(self, testid: str):
        super().__init__(convert_charrefs=True)
        self.testid = testid
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in self.VOID:
                self.depth += 1
        elif not self.found and dict(attrs).get("data-testid") == self.testid:
            self.found = True
            self.depth = 0 if tag in self.VOID else 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element_text(html: str | bytes, testid: str) -> str:
    """Return the text of the element with data-testid=`testid`, white space folded.

    Fails the test when the page has no such element, so an assertion on a part of the page
    never passes on text found elsewhere on it.
    """
    if isinstance(html, bytes):
        html = html.decode()
    parser = _TestIdText(testid)
    parser.feed(html)
    assert parser.found, f'no element with data-testid="{testid}" on the page'
    return " ".join(" ".join(parser.parts).split())


# -- the audit trail of approval moves ---------------------------------------------------------


def audit_mark() -> int:
    """Return the id of the newest audit record, to look at what is written after it."""
    from qpdo.org.models import AuditRecord

    newest = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def _moves_since(mark: int):
    from qpdo.org.enums import AuditAction
    from qpdo.org.models import AuditRecord

    return list(
        AuditRecord.objects.filter(pk__gt=mark, action=AuditAction.TRANSITION).order_by("pk")
    )


def assert_move_audited(mark: int, *, actor, subject, decision, state_label: str | None = None):
    """Assert exactly one approval move was audited since `mark`: a successful TRANSITION
    record by `actor` on `subject`, naming the decision (and the resulting state, if given)."""
    moves = _moves_since(mark)
    assert len(moves) == 1, [m.detail for m in moves]
    (record,) = moves
    assert record.success, record.detail
    assert record.actor_id == actor.pk and record.actor_name, record.actor_name
    assert (record.object_type, record.object_id) == (subject._meta.label, str(subject.pk))
    assert f"：{decision.label}" in record.detail, (decision.label, record.detail)
    if state_label is not None:
        assert record.detail.endswith(f"→ {state_label}"), record.detail
    return record


def assert_refusal_audited(mark: int, *, actor, decision):
    """Assert a refused move left one failed TRANSITION record by `actor`, and no success."""
    moves = _moves_since(mark)
    assert len(moves) == 1, [m.detail for m in moves]
    (record,) = moves
    assert not record.success and record.actor_id == actor.pk, record.detail
    assert record.detail.startswith(f"{decision.label} 被拒绝："), record.detail
    return record
