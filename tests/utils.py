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

    `add_rows(n)` must create n more rows the page lists.
    """
    add_rows(few)
    queries_few = queries_for_get(client, url)
    add_rows(many)
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
