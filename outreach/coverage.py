"""Coverage arithmetic of the registers: places per 街镇 that meet each requirement, and all.

Pure arithmetic on counted places (no queries): the registers' reads in `selectors` feed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qpdo.org.models import Unit


@dataclass
class CoverageRow:
    """How many of a 街镇's places meet each requirement, and all of them (covered)."""

    town: Unit | None  # None: the district total
    total: int = 0
    parts: dict[str, int] = field(default_factory=dict)
    covered: int = 0

    @property
    def rate(self) -> float | None:
        """Return the covered share in percent (one decimal), None when there is nothing."""
        if self.total == 0:
            return None
        return round(self.covered * 100 / self.total, 1)

    def part_rate(self, name: str) -> float | None:
        if self.total == 0:
            return None
        return round(self.parts.get(name, 0) * 100 / self.total, 1)

    @property
    def gap(self) -> int:
        return self.total - self.covered

    def meets(self, target: int) -> bool | None:
        """Return whether the row reaches the target; None when there is nothing to cover."""
        if self.total == 0:
            return None
        return self.covered * 100 >= target * self.total


@dataclass
class Coverage:
    """Coverage of one register per 街镇 and for the district, against the notice's target."""

    register: str
    label: str
    year: int
    target: int
    part_labels: dict[str, str]
    rows: list[CoverageRow]
    district: CoverageRow

    @property
    def towns_behind(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.meets(self.target) is False]

    @property
    def towns_empty(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.total == 0]


def tally_coverage(
    towns: Iterable[Unit],
    places: Iterable[tuple[int, dict[str, bool]]],
    parts: Iterable[str],
    required: Iterable[str] | None = None,
) -> tuple[list[CoverageRow], CoverageRow]:
    """Count places per 街镇: each requirement met, and covered (every requirement met).

    `places` holds (town id, {requirement: met}) for each active place. A 街镇 with no places
    keeps total 0 (its rate is None, not 0% nor 100%) and adds nothing to the district.
    """
    parts = list(parts)
    required = parts if required is None else list(required)
    rows = {town.pk: CoverageRow(town, parts=dict.fromkeys(parts, 0)) for town in towns}
    district = CoverageRow(None, parts=dict.fromkeys(parts, 0))
    for town_id, met in places:
        row = rows.get(town_id)
        if row is None:
            continue
        for target in (row, district):
            target.total += 1
            for name in parts:
                target.parts[name] += bool(met.get(name))
            target.covered += all(met.get(name) for name in required)
    return list(rows.values()), district
