"""Test helpers shared by the suite."""

from __future__ import annotations

from collections.abc import Callable

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
