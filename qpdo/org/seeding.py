"""The seed command's registry: each app adds its reference data and its demo data.

Apps register from `AppConfig.ready()`; org never imports them. Every step must be
idempotent: running `seed` twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class SeedStep:
    order: int
    name: str
    run: Callable[..., None]
    demo_only: bool
    records: bool  # demo records of a programme (the test suite builds its own)


_STEPS: list[SeedStep] = []


def register(*, order: int, name: str, demo_only: bool = False, records: bool = False):
    """Register a seed step: a function taking `log` (a callable printing one line).

    `demo_only` steps run with `seed --demo`; `records` marks demo records of a programme
    (topics, nominations, reports), which `seed --demo --no-records` leaves out.
    """

    def decorator(func: Callable[..., None]) -> Callable[..., None]:
        if not any(step.name == name for step in _STEPS):
            _STEPS.append(SeedStep(order, name, func, demo_only or records, records))
        return func

    return decorator


def steps(*, demo: bool, records: bool = True) -> list[SeedStep]:
    chosen = [s for s in _STEPS if (demo or not s.demo_only) and (records or not s.records)]
    return sorted(chosen, key=lambda s: s.order)


def fixture_path(*parts: str) -> Path:
    return Path(settings.BASE_DIR, "fixtures", *parts)


def load_json(*parts: str):
    with fixture_path(*parts).open(encoding="utf-8") as handle:
        return json.load(handle)
