"""The lock files pin, with hashes, versions inside pyproject.toml's ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    pins = {}
    for match in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^ \\\n]+)", text, flags=re.M):
        pins[canonicalize_name(match.group(1))] = match.group(2)
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    for block in blocks:
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]
    return pins


def _requirements(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(n) for n in names]


def test_runtime_lock_pins_every_dependency_within_its_range():
    pins = _pins("requirements.lock")
    for requirement in _requirements([]):
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, requirement.name
        assert requirement.specifier.contains(version), (requirement, version)


def test_test_lock_pins_the_extras_too():
    pins = _pins("requirements-test.lock")
    for requirement in _requirements(["test", "sentry", "s3"]):
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, requirement.name
        assert requirement.specifier.contains(version), (requirement, version)


def test_lock_files_name_no_machine_paths():
    for name in ("requirements.lock", "requirements-test.lock"):
        assert "file://" not in (ROOT / name).read_text()
