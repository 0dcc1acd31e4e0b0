"""Post a form the way a browser does: from the rendered page, not from a hand-made dict.

    page = client.get(url)
    form = PageForm.from_response(page, testid="plan-form")
    form.fill("goals", "推动“六进”全覆盖。").fill("items-0-title", "进学校宣传")
    response = form.submit(client, button="submit")

`PageForm` reads every control of one <form> of the page (including controls outside it that
name it in their `form` attribute) and posts exactly what a browser would: text inputs, hidden
inputs and management forms with their rendered values, checked boxes and radios, the selected
option of each select (the first one when none is marked), textareas, and the button that was
clicked. Disabled controls are left out. Filling a field the page does not render, or choosing an
option a select does not offer, fails the test: a browser could not do it either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXT_TYPES = frozenset(
    {
        "text",
        "hidden",
        "number",
        "date",
        "email",
        "tel",
        "url",
        "password",
        "search",
        "month",
        "week",
        "time",
        "datetime-local",
        "color",
        "range",
    }
)
BUTTON_TYPES = frozenset({"submit", "image", "button", "reset"})


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    type: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    multiple: bool = False
    options: list[tuple[str, bool, bool]] = field(default_factory=list)  # value, selected, disabled
    file: object | None = None


@dataclass
class _Form:
    attrs: dict
    controls: list[Control] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.orphans: list[tuple[str, Control]] = []  # (form id, control) outside their form
        self._open: _Form | None = None
        self._select: Control | None = None
        self._option: list | None = None
        self._textarea: Control | None = None
        self._disabled_fieldsets = 0
        self._fieldset_stack: list[bool] = []

    def _add(self, control: Control, attrs: dict) -> None:
        control.disabled = control.disabled or self._disabled_fieldsets > 0
        owner = attrs.get("form")
        if owner:
            self.orphans.append((owner, control))
        elif self._open is not None:
            self._open.controls.append(control)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._open = _Form(attrs=a)
            self.forms.append(self._open)
        elif tag == "fieldset":
            disabled = "disabled" in a
            self._fieldset_stack.append(disabled)
            self._disabled_fieldsets += disabled
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if "name" not in a:
                return
            self._add(
                Control(
                    tag="input",
                    type=kind,
                    name=a["name"],
                    value=a.get("value", "on" if kind in {"checkbox", "radio"} else ""),
                    checked="checked" in a,
                    disabled="disabled" in a,
                ),
                a,
            )
        elif tag == "button":
            if "name" in a:
                self._add(
                    Control(
                        tag="button",
                        type=a.get("type", "submit").lower(),
                        name=a["name"],
                        value=a.get("value", ""),
                        disabled="disabled" in a,
                    ),
                    a,
                )
        elif tag == "select" and "name" in a:
            self._select = Control(
                tag="select",
                type="select",
                name=a["name"],
                disabled="disabled" in a,
                multiple="multiple" in a,
            )
            self._add(self._select, a)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, "disabled" in a, ""]
        elif tag == "textarea" and "name" in a:
            self._textarea = Control(
                tag="textarea", type="textarea", name=a["name"], disabled="disabled" in a
            )
            self._add(self._textarea, a)

    def handle_data(self, data):
        if self._option is not None:
            self._option[3] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value, selected, disabled, text = self._option
            self._select.options.append(
                (value if value is not None else text.strip(), selected, disabled)
            )
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops one newline directly after <textarea>.
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "fieldset" and self._fieldset_stack:
            self._disabled_fieldsets -= self._fieldset_stack.pop()
        elif tag == "form":
            self._open = None


class PageForm:
    """One form of a rendered page, filled in and posted as a browser would post it."""

    def __init__(self, form: _Form, page_url: str):
        self.attrs = form.attrs
        self.controls = form.controls
        self.page_url = page_url

    # -- finding the form -------------------------------------------------------------------

    @classmethod
    def from_html(
        cls,
        html: str | bytes,
        page_url: str,
        *,
        testid: str | None = None,
        form_id: str | None = None,
        has_field: str | None = None,
        index: int | None = None,
    ) -> PageForm:
        """Return the page's form with that data-testid, id, field name, or position."""
        if isinstance(html, bytes):
            html = html.decode()
        parser = _Parser()
        parser.feed(html)
        parser.close()
        for owner, control in parser.orphans:
            for form in parser.forms:
                if form.attrs.get("id") == owner:
                    form.controls.append(control)
        candidates = [
            f
            for f in parser.forms
            if (testid is None or f.attrs.get("data-testid") == testid)
            and (form_id is None or f.attrs.get("id") == form_id)
            and (has_field is None or any(c.name == has_field for c in f.controls))
        ]
        if index is not None:
            candidates = candidates[index : index + 1]
        assert candidates, f"no form on the page matches {testid=} {form_id=} {has_field=}"
        assert len(candidates) == 1, f"{len(candidates)} forms match; name one by testid or id"
        return cls(candidates[0], page_url)

    @classmethod
    def from_response(cls, response, **which) -> PageForm:
        """Return a form of a test client's response (the page must have answered 200)."""
        assert response.status_code == 200, response.status_code
        request = response.wsgi_request
        return cls.from_html(response.content, request.get_full_path(), **which)

    # -- reading ----------------------------------------------------------------------------

    def names(self) -> set[str]:
        return {c.name for c in self.controls}

    def _named(self, name: str) -> list[Control]:
        found = [c for c in self.controls if c.name == name]
        assert found, f"the form has no field “{name}” (it has: {sorted(self.names())})"
        return found

    def value(self, name: str) -> str | list[str] | None:
        """Return what the browser would send for `name` now (a list for several)."""
        values = [v for n, v in self.data_items() if n == name]
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def options(self, name: str) -> list[str]:
        """Return the values a select offers (disabled options left out)."""
        (control,) = (c for c in self._named(name) if c.tag == "select")
        return [v for v, _selected, disabled in control.options if not disabled]

    # -- filling ----------------------------------------------------------------------------

    def fill(self, name: str, value) -> PageForm:
        """Type into a text field or textarea, or choose in a select (by option value)."""
        value = "" if value is None else str(value)
        controls = self._named(name)
        control = controls[0]
        if control.tag == "select":
            offered = self.options(name)
            assert value in offered, f"“{name}” offers no option {value!r} (offers {offered})"
            control.options = [(v, v == value, d) for v, _s, d in control.options]
        elif control.type in {"checkbox", "radio"}:
            raise AssertionError(f"“{name}” is a {control.type}: use check()/uncheck()")
        else:
            assert not control.disabled, f"“{name}” is disabled"
            control.value = value
        return self

    def choose(self, name: str, values) -> PageForm:
        """Select several options of a multiple select, or check several boxes of one name."""
        values = {str(v) for v in values}
        controls = self._named(name)
        if controls[0].tag == "select":
            offered = set(self.options(name))
            assert values <= offered, f"“{name}” offers no option {values - offered}"
            control = controls[0]
            control.options = [(v, v in values, d) for v, _s, d in control.options]
        else:
            present = {c.value for c in controls}
            assert values <= present, f"“{name}” has no box {values - present}"
            for c in controls:
                c.checked = c.value in values
        return self

    def check(self, name: str, value: str | None = None) -> PageForm:
        """Tick a checkbox, or pick a radio button by its value."""
        controls = [c for c in self._named(name) if c.type in {"checkbox", "radio"}]
        assert controls, f"“{name}” is not a checkbox or radio"
        if value is None:
            assert len(controls) == 1, f"“{name}” has several boxes: name the value"
            controls[0].checked = True
            return self
        match = [c for c in controls if c.value == str(value)]
        assert match, f"“{name}” has no box with value {value!r}"
        for c in controls:
            if c.type == "radio":
                c.checked = c is match[0]
        match[0].checked = True
        return self

    def uncheck(self, name: str, value: str | None = None) -> PageForm:
        for c in self._named(name):
            if value is None or c.value == str(value):
                c.checked = False
        return self

    def attach(self, name: str, *files) -> PageForm:
        """Choose files for a file input (Django's uploaded-file objects or open files)."""
        (control,) = (c for c in self._named(name) if c.type == "file")
        control.file = list(files)
        return self

    # -- posting ----------------------------------------------------------------------------

    def _button(self, name: str | None, value: str | None) -> Control | None:
        if name is None:
            return None
        found = [
            c
            for c in self.controls
            if c.name == name
            and c.type in {"submit", "image"}
            and not c.disabled
            and (value is None or c.value == value)
        ]
        assert found, f"the form has no submit button named “{name}” with value {value!r}"
        return found[0]

    def data_items(
        self, button: str | None = None, value: str | None = None
    ) -> list[tuple[str, str]]:
        """Return the (name, value) pairs a browser sends, in document order.

        `button` (and `value`, where several buttons share a name) is the submit clicked.
        """
        clicked = self._button(button, value)
        items: list[tuple[str, str]] = []
        for c in self.controls:
            if c.disabled:
                continue
            if c.tag == "button" or (c.tag == "input" and c.type in BUTTON_TYPES):
                if c is clicked:
                    items.append((c.name, c.value))
                continue
            if c.tag == "select":
                usable = [o for o in c.options if not o[2]]
                chosen = [v for v, selected, _d in c.options if selected]
                if not chosen and not c.multiple and usable:
                    chosen = [usable[0][0]]
                items.extend((c.name, v) for v in chosen)
            elif c.type in {"checkbox", "radio"}:
                if c.checked:
                    items.append((c.name, c.value))
            elif c.type == "file":
                continue
            elif c.tag == "textarea" or c.type in TEXT_TYPES:
                items.append((c.name, c.value))
        return items

    def data(self, button: str | None = None, value: str | None = None) -> dict:
        """Return the post data as the test client takes it (lists for repeated names)."""
        out: dict = {}
        for name, sent in self.data_items(button, value):
            if name not in out:
                out[name] = sent
            elif isinstance(out[name], list):
                out[name].append(sent)
            else:
                out[name] = [out[name], sent]
        for c in self.controls:
            if c.type == "file" and c.file and not c.disabled:
                out[c.name] = c.file if len(c.file) > 1 else c.file[0]
        return out

    @property
    def action(self) -> str:
        action = self.attrs.get("action") or self.page_url
        return urljoin(self.page_url, action)

    def submit(self, client, button: str | None = None, value: str | None = None, **extra):
        """Post the form with the test client, as if that submit button was clicked.

        `button` is the button's name (with `value` where several share it). Without it, the
        form is sent as by a click on an unnamed button or by Enter: no button value.
        """
        data = self.data(button, value)
        method = self.attrs.get("method", "get").lower()
        path = urlsplit(self.action)
        url = path.path + (f"?{path.query}" if path.query else "")
        if method == "post":
            return client.post(url, data, **extra)
        return client.get(url, data, **extra)
