"""The PageForm helper posts what a browser posts: checked against a page written by hand."""

from __future__ import annotations

import pytest

from tests.forms import PageForm

PAGE = """
<form method="post" action="/save/" data-testid="f" id="main">
  <input type="hidden" name="rows-TOTAL_FORMS" value="2">
  <input type="hidden" name="rows-INITIAL_FORMS" value="0">
  <input type="text" name="rows-0-title" value="">
  <input type="text" name="rows-1-title" value="预填">
  <input type="checkbox" name="rows-0-DELETE">
  <input type="checkbox" name="agree" value="yes" checked>
  <input type="radio" name="kind" value="a"><input type="radio" name="kind" value="b" checked>
  <select name="unit"><option value="">---</option><option value="3">综合科</option></select>
  <select name="tags" multiple><option value="1" selected>甲</option><option value="2">乙</option>
  </select>
  <textarea name="text">
第一行</textarea>
  <input type="text" name="off" value="x" disabled>
  <fieldset disabled><input type="text" name="fenced" value="y"></fieldset>
  <input type="file" name="photo">
  <button type="submit" name="action" value="draft">保存草稿</button>
  <button type="submit" name="action" value="submit">提交</button>
</form>
<input type="text" name="outside" value="z" form="main">
<form method="get" data-testid="other"><input name="q" value=""></form>
"""


def form() -> PageForm:
    return PageForm.from_html(PAGE, "/page/?year=2026", testid="f")


def test_page_form_sends_every_rendered_value_and_nothing_disabled():
    assert form().data_items() == [
        ("rows-TOTAL_FORMS", "2"),
        ("rows-INITIAL_FORMS", "0"),
        ("rows-0-title", ""),
        ("rows-1-title", "预填"),
        ("agree", "yes"),
        ("kind", "b"),
        ("unit", ""),
        ("tags", "1"),
        ("text", "第一行"),
        ("outside", "z"),
    ]


def test_page_form_sends_only_the_clicked_button():
    sent = form().data_items(button="action", value="submit")
    assert [v for n, v in sent if n == "action"] == ["submit"]
    first = form().data_items(button="action")
    assert [v for n, v in first if n == "action"] == ["draft"]
    assert "action" not in dict(form().data_items())


def test_page_form_refuses_what_a_browser_cannot_do():
    f = form()
    with pytest.raises(AssertionError, match="no field"):
        f.fill("missing", "1")
    with pytest.raises(AssertionError, match="offers no option"):
        f.fill("unit", "99")
    with pytest.raises(AssertionError, match="no submit button"):
        f.submit(client=None, button="nope")
    f.fill("unit", "3").check("rows-0-DELETE").choose("tags", ["2"]).check("kind", "a")
    data = f.data()
    assert (data["unit"], data["rows-0-DELETE"], data["tags"], data["kind"]) == (
        "3",
        "on",
        "2",
        "a",
    )


def test_page_form_posts_to_its_action_or_the_page():
    assert form().action == "/save/"
    other = PageForm.from_html(PAGE, "/page/?year=2026", testid="other")
    assert other.action == "/page/?year=2026"
