"""Every service that takes `acting_user` (typed) writes an audit record; a read takes `user`.

Read from the source of every app's services: a public function with an `acting_user`
parameter must call `audit_record`, or a function of the services modules that does (its own
helper, the approval engine, another app's service), directly or through such a chain.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("campaigns", "lectures", "outreach", "stars", "qpdo/org", "qpdo/workflow", "qpdo/jobs")
# Modules beside services.py that also write (drafted documents, audited exports and prints):
# their functions taking `acting_user` are held to the same rule.
WRITING_MODULES = (
    "campaigns/summaries.py",
    "campaigns/exports.py",
    "campaigns/documents.py",
    "lectures/exports.py",
    "outreach/summaries.py",
    "outreach/exports.py",
    "stars/summary_draft.py",
    "stars/exports.py",
    "qpdo/documents/drafts.py",
)


def _services_modules() -> list[pathlib.Path]:
    found = []
    for app in APPS:
        base = ROOT / app
        if (base / "services.py").exists():
            found.append(base / "services.py")
        if (base / "services").is_dir():
            found += sorted(p for p in (base / "services").glob("*.py") if p.name != "__init__.py")
    return found


def _writing_modules() -> list[pathlib.Path]:
    return _services_modules() + [ROOT / name for name in WRITING_MODULES]


def _functions() -> dict[tuple[str, str], tuple[list[str], set[str]]]:
    """(module, name) → (parameter names, names of everything the function calls).

    An `acting_user` without a type is listed as the parameter name `acting_user?`.
    """
    functions = {}
    for module in _writing_modules():
        for node in ast.parse(module.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            params = [
                a.arg + ("?" if a.arg == "acting_user" and a.annotation is None else "")
                for a in node.args.args + node.args.kwonlyargs
            ]
            calls = set()
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    func = call.func
                    if isinstance(func, ast.Name):
                        calls.add(func.id)
                    elif isinstance(func, ast.Attribute):
                        calls.add(func.attr)
            functions[(str(module.relative_to(ROOT)), node.name)] = (params, calls)
    return functions


def _auditing_names(functions) -> set[str]:
    auditing = {"audit_record"}
    grown = True
    while grown:
        grown = False
        for (_module, name), (_params, calls) in functions.items():
            if name not in auditing and calls & auditing:
                auditing.add(name)
                grown = True
    return auditing


def test_the_services_of_every_app_are_read():
    modules = {str(m.relative_to(ROOT)).split("/services")[0] for m in _services_modules()}
    assert modules == set(APPS)


def test_every_service_taking_acting_user_writes_an_audit_record():
    functions = _functions()
    auditing = _auditing_names(functions)
    taking = {key for key, (params, _calls) in functions.items() if "acting_user" in params}
    assert len([key for key in taking if not key[1].startswith("_")]) > 80
    silent = {key for key in taking if not key[1].startswith("_") and key[1] not in auditing}
    assert silent == set()


def test_the_writing_modules_beside_services_exist():
    assert [name for name in WRITING_MODULES if not (ROOT / name).exists()] == []


def test_acting_user_is_typed_on_every_service():
    untyped = {key for key, (params, _calls) in _functions().items() if "acting_user?" in params}
    assert untyped == set()
