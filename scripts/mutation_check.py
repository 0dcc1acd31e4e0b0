#!/usr/bin/env python3
"""Standing mutation check: break one rule at a time in a scratch copy and make sure the suite
notices.

Each mutation is a one-line rule break (file, exact old text, new text, tests to run). The
script copies the repository's files (tracked and new, not ignored: no .venv, no var/) into a
scratch directory under /tmp, runs every listed test once unbroken (the baseline must pass),
then applies each mutation alone, runs its tests with `pytest -x -q` under a timeout and reports
CAUGHT (the tests failed) or MISSED (they passed). Exit code: 0 when every break is caught,
1 when one is missed (or timed out), 2 when the check itself cannot run: an old text that is no
longer found exactly once (the mutation list must be updated with the code), a failing
baseline, or tests importing the real repository instead of the scratch copy.

Run before a release (it takes several minutes, so not on every CI run):

    .venv/bin/python scripts/mutation_check.py            # all mutations
    .venv/bin/python scripts/mutation_check.py --list     # names only
    .venv/bin/python scripts/mutation_check.py quota ranking-last-day   # some of them
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    rule: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


# The audit call in stars_select, several lines long: {call} is the function called.
STAR_AUDIT = (
    "        {call}(\n"
    "            action=AuditAction.CHANGE,\n"
    "            actor=acting_user,\n"
    "            target=nomination,\n"
    '            detail=f"确定为'
)

MUTATIONS = [
    Mutation(
        name="stars-quota",
        rule="岗位之星 no more stars than the year's quota (four)",
        path="stars/services.py",
        old="        if len(chosen) >= star_year.quota:",
        new="        if len(chosen) > star_year.quota:",
        tests=("tests/stars/test_selection.py",),
    ),
    Mutation(
        name="deeds-limit",
        rule="主要事迹 at most 1500 characters",
        path="stars/services.py",
        old="    if size > DEEDS_MAX_CHARS:",
        new="    if size > DEEDS_MAX_CHARS + 1:",
        tests=("tests/stars/test_nominations.py",),
    ),
    Mutation(
        name="scope-topics",
        rule="a section sees only its own unit's lecture topics (selector scope filter)",
        path="lectures/selectors.py",
        old="    visible = Q(unit__in=units_user_may_see(user))",
        new="    visible = Q(unit__isnull=False)",
        tests=("tests/lectures/test_topics.py",),
    ),
    Mutation(
        name="scope-items",
        rule="a section sees only its own unit's campaign work items (selector scope filter)",
        path="campaigns/selectors.py",
        old="    visible = Q(campaign_id__in=whole) | Q(unit__in=units_user_may_see(user))",
        new="    visible = Q(campaign_id__in=whole) | Q(unit__isnull=False)",
        tests=("tests/campaigns/test_views.py",),
    ),
    Mutation(
        name="chain-order-submit",
        rule="a submitted subject waits at its chain's first step (step order)",
        path="qpdo/workflow/services.py",
        old="        _enter_step(approval, 0, subject, now)",
        new="        _enter_step(approval, len(chain.steps) - 1, subject, now)",
        tests=("tests/workflow/test_chain_tables.py",),
    ),
    Mutation(
        name="chain-order-approve",
        rule="approving a step moves to the next step, none skipped (step order)",
        path="qpdo/workflow/services.py",
        old="        if index + 1 < len(chain.steps):",
        new="        if index + 2 < len(chain.steps):",
        tests=("tests/lectures/test_manuscripts.py",),
    ),
    Mutation(
        name="lecture-slot-month",
        rule="a lecture is held in its slot's month",
        path="lectures/services.py",
        old="(local.year != topic.campaign.year or local.month != slot.month):",
        new="(local.year != topic.campaign.year or local.month > slot.month + 1):",
        tests=("tests/lectures/test_schedule.py",),
    ),
    Mutation(
        name="manuscript-due-month",
        rule="manuscripts are due from the end of May (key date data)",
        path="fixtures/campaigns.json",
        old='{"code": "lecture-manuscripts", "date": "2024-05-31"',
        new='{"code": "lecture-manuscripts", "date": "2024-06-30"',
        tests=("tests/lectures/test_manuscripts.py",),
    ),
    Mutation(
        name="audit-transition",
        rule="every approval move writes its audit record in the same transaction",
        path="qpdo/workflow/services.py",
        old="                _mark_tasks_handled(locked, acting_user, now, moved=before != after)\n"
        "            audit_record(",
        new="                _mark_tasks_handled(locked, acting_user, now, moved=before != after)\n"
        "            (lambda **_: None)(",
        tests=("tests/workflow/test_chain_tables.py",),
    ),
    Mutation(
        name="audit-star-select",
        rule="choosing a star is audited",
        path="stars/services.py",
        old=STAR_AUDIT.format(call="audit_record"),
        new=STAR_AUDIT.format(call="(lambda **_: None)"),
        tests=("tests/stars/test_selection.py",),
    ),
    Mutation(
        name="ranking-last-day",
        rule="an item done on the month's last day is not overdue in that month's ranking",
        path="campaigns/selectors.py",
        old="        if done_on is None or done_on > end:",
        new="        if done_on is None or done_on >= end:",
        tests=("tests/campaigns/test_ranking.py",),
    ),
]


def changed_line(m: Mutation) -> str:
    """Return the first line of the new text that differs from the old one."""
    old_lines = m.old.splitlines()
    for index, line in enumerate(m.new.splitlines()):
        if index >= len(old_lines) or line != old_lines[index]:
            return line.strip()
    return m.new.strip()


def scratch_copy(destination: Path) -> None:
    """Copy the repository's files (tracked and untracked, not ignored) into destination."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def check_old_texts(mutations: list[Mutation], tree: Path) -> list[str]:
    problems = []
    for m in mutations:
        path = tree / m.path
        if not path.is_file():
            problems.append(f"{m.name}: file {m.path} no longer exists")
            continue
        found = path.read_text(encoding="utf-8").count(m.old)
        if found != 1:
            problems.append(f"{m.name}: old text found {found} times in {m.path} (need exactly 1)")
    return problems


def run_pytest(python: str, tree: Path, tests, timeout: int) -> tuple[str, int, str]:
    """Run the tests in the scratch tree; return (outcome, return code, last output line)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)  # SQLite in memory: nobody's database is touched
    command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout", -1, f"no result within {timeout} s"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    last = lines[-1] if lines else done.stderr.strip().splitlines()[-1:] or ""
    if done.returncode == 0:
        return "passed", 0, str(last)
    if done.returncode == 1:
        return "failed", 1, str(last)
    return "error", done.returncode, str(last)  # 2–5: interrupted, usage, no tests collected


def imports_scratch(python: str, tree: Path) -> bool:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = "import qpdo, stars, campaigns, lectures; print(qpdo.__file__, stars.__file__)"
    out = subprocess.run(
        [python, "-c", code], cwd=tree, env=env, capture_output=True, text=True, check=True
    ).stdout
    return all(path.startswith(str(tree)) for path in out.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per pytest run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    args = parser.parse_args(argv)

    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:22} {m.path:28} {m.rule}")
        return 0
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        print(f"unknown mutation(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]

    problems = check_old_texts(chosen, ROOT)
    if problems:
        print("MUTATION LIST OUT OF DATE — update scripts/mutation_check.py:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 2

    venv_python = ROOT / ".venv" / "bin" / "python"
    python = str(venv_python if venv_python.exists() else sys.executable)
    tree = Path(tempfile.mkdtemp(prefix="qpdo-mutation-"))
    try:
        scratch_copy(tree)
        print(f"scratch copy: {tree}")
        if not imports_scratch(python, tree):
            print("the tests would import the real repository, not the copy", file=sys.stderr)
            return 2
        all_tests = sorted({t for m in chosen for t in m.tests})
        started = time.monotonic()
        outcome, _, last = run_pytest(python, tree, all_tests, args.timeout * 2)
        print(f"baseline ({' '.join(all_tests)}): {outcome} — {last}")
        if outcome != "passed":
            print("the unbroken code must pass its tests first", file=sys.stderr)
            return 2

        missed = 0
        for m in chosen:
            path = tree / m.path
            original = path.read_text(encoding="utf-8")
            path.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
            began = time.monotonic()
            try:
                outcome, code, last = run_pytest(python, tree, m.tests, args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            caught = outcome == "failed" or (outcome == "error" and code in (2, 3))
            missed += not caught
            verdict = "CAUGHT" if caught else "MISSED"
            print(
                f"{verdict:6}  {m.name:22} {m.rule}\n"
                f"        {m.path}: {changed_line(m)}\n"
                f"        {' '.join(m.tests)} → {outcome} in {time.monotonic() - began:.0f} s"
                f" ({last})"
            )
        total = time.monotonic() - started
        print(f"{len(chosen) - missed}/{len(chosen)} rule breaks caught in {total:.0f} s")
        return 1 if missed else 0
    finally:
        if args.keep:
            print(f"kept {tree}")
        else:
            shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
