"""Stand-in for the suite's form-posting helper (tests/forms.py) until it lands on main.

Reads one <form> of a rendered page and posts what a browser would: every named input with its
rendered value (hidden inputs and management forms included), checked boxes, the selected option
of each select (the first when none is marked), textareas, and the clicked button.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Parser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[dict] = []
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            self.fields.append(
                {
                    "tag": tag,
                    "type": kind,
                    "name": a["name"],
                    "checked": "checked" in a,
                    "value": a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                }
            )
        elif tag == "button":
            self.fields.append(
                {"tag": tag, "type": "submit", "name": a["name"], "value": a.get("value", "")}
            )
        elif tag == "select":
            self._select = {"tag": tag, "type": "select", "name": a["name"], "options": []}
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self._textarea = {"tag": tag, "type": "textarea", "name": a["name"], "value": ""}
            self.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select["options"].append([value if value is not None else text.strip(), selected])
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea["value"] = self._textarea["value"].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


class PageForm:
    def __init__(self, fields: list[dict], url: str):
        self.fields = fields
        self.url = url

    @classmethod
    def from_response(cls, response, *, form_id: str) -> PageForm:
        assert response.status_code == 200, response.status_code
        parser = _Parser(form_id)
        parser.feed(response.content.decode())
        assert parser.fields, f"no form #{form_id} on the page"
        return cls(parser.fields, response.wsgi_request.get_full_path())

    def _field(self, name: str) -> dict:
        found = [f for f in self.fields if f["name"] == name]
        assert found, f"the page has no field “{name}”"
        return found[0]

    def fill(self, name: str, value) -> PageForm:
        field = self._field(name)
        value = "" if value is None else str(value)
        if field["type"] == "select":
            offered = [v for v, _ in field["options"]]
            assert value in offered, f"“{name}” offers no {value!r}"
            field["options"] = [[v, v == value] for v, _ in field["options"]]
        else:
            field["value"] = value
        return self

    def check(self, name: str) -> PageForm:
        self._field(name)["checked"] = True
        return self

    def value(self, name: str) -> str | None:
        return dict(self.data()).get(name)

    def data(self, button: str | None = None) -> list[tuple[str, str]]:
        out = []
        for f in self.fields:
            if f["tag"] == "button" or f["type"] == "submit":
                if f["name"] == button:
                    out.append((f["name"], f["value"]))
            elif f["type"] == "select":
                chosen = [v for v, selected in f["options"] if selected] or [f["options"][0][0]]
                out.append((f["name"], chosen[0]))
            elif f["type"] in ("checkbox", "radio"):
                if f["checked"]:
                    out.append((f["name"], f["value"]))
            elif f["type"] != "file":
                out.append((f["name"], f["value"]))
        return out

    def submit(self, client, button: str | None = None):
        if button is not None:
            assert any(f["name"] == button for f in self.fields if f["tag"] == "button")
        data: dict = {}
        for name, value in self.data(button):
            data.setdefault(name, []).append(value)
        return client.post(self.url, data)
