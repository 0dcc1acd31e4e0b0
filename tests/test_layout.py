"""Imports sit at the top of a module; one inside a function says why it must be there.

Read from the source of the app code (tests, migrations and the bench harness aside): an import
inside a function needs a `# inline: <reason>` comment (an import cycle, the app registry,
an optional or heavy dependency) on its line, on the line above, or above the first import of
the run of imports it belongs to. Plain Django imports never need to wait: they go to the top
(apps.py aside, where ready() runs once the registry is loaded).
"""

from __future__ import annotations

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("campaigns", "lectures", "outreach", "stars", "qpdo")
# "# inline: <reason>" (older comments say "# Inline import: <reason>").
MARK = re.compile(r"#\s*inline( import)?:", re.IGNORECASE)


def _app_modules() -> list[pathlib.Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _inline_imports(path: pathlib.Path):
    """Yield (import node, the statement list holding it) for imports inside functions."""
    tree = ast.parse(path.read_text())
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for holder in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(holder, field, None)
                if not isinstance(statements, list):
                    continue
                for statement in statements:
                    if isinstance(statement, ast.Import | ast.ImportFrom):
                        yield statement, statements


def _explained(node, statements, lines: list[str]) -> bool:
    def marked(number: int) -> bool:  # 1-based line number
        return 1 <= number <= len(lines) and bool(MARK.search(lines[number - 1]))

    first = node
    index = statements.index(node)
    while index > 0 and isinstance(statements[index - 1], ast.Import | ast.ImportFrom):
        index -= 1
        first = statements[index]
    return marked(node.lineno) or marked(node.lineno - 1) or marked(first.lineno - 1)


def _module(node) -> str:
    return node.module or "" if isinstance(node, ast.ImportFrom) else node.names[0].name


def test_the_app_code_is_read():
    paths = {str(p.relative_to(ROOT)) for p in _app_modules()}
    assert {"lectures/services.py", "qpdo/org/audit.py", "campaigns/apps.py"} <= paths


def test_every_inline_import_says_why():
    unexplained = []
    seen = set()
    for path in _app_modules():
        lines = path.read_text().splitlines()
        for node, statements in _inline_imports(path):
            if (path, node.lineno) in seen:
                continue
            seen.add((path, node.lineno))
            if not _explained(node, statements, lines):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert unexplained == []


def test_plain_django_imports_are_at_the_top():
    inline = [
        f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}"
        for path in _app_modules()
        if path.name != "apps.py"
        for node, _statements in _inline_imports(path)
        if _module(node) == "django" or _module(node).startswith("django.")
    ]
    assert inline == []


def test_the_check_finds_an_unexplained_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "def f():\n"
        "    import json\n"
        "\n"
        "\n"
        "def g():\n"
        "    # inline: example imports this module\n"
        "    import csv\n"
        "    import io\n"
    )
    lines = module.read_text().splitlines()
    found = {ast.unparse(n): _explained(n, s, lines) for n, s in _inline_imports(module)}
    assert found == {"import json": False, "import csv": True, "import io": True}
