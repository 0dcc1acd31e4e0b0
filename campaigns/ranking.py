"""The arithmetic of the monthly section ranking: one score per section, then the ranks.

Pure functions over plain numbers, so the rule printed on the page (enums.RANKING_RULE) is
the rule applied, and a hand-computed example can check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .enums import RANKING_BASE, RANKING_RULE, RANKING_SHOWN, Metric

COLUMNS: tuple[Metric, ...] = (*RANKING_SHOWN, *(term.metric for term in RANKING_RULE))


def score_of(metrics: Mapping[str, int]) -> int:
    """Return a section's score: the base plus each counted metric times its weight."""
    return RANKING_BASE + sum(
        term.weight * int(metrics.get(term.metric, 0)) for term in RANKING_RULE
    )


@dataclass
class Line:
    """One section's line of a month: its counts, score and rank."""

    unit: object
    metrics: dict[str, int] = field(default_factory=dict)
    score: int = 0
    rank: int = 0

    def get(self, metric: str) -> int:
        return self.metrics.get(metric, 0)

    @property
    def completion_rate(self) -> float | None:
        """Return 按期完成 ÷ 到期事项 in percent, or None when nothing fell due."""
        due = self.metrics.get(Metric.ITEMS_DUE, 0)
        if not due:
            return None
        return round(100 * self.metrics.get(Metric.ITEMS_DONE, 0) / due, 1)

    @property
    def values(self) -> list[int]:
        return [self.metrics.get(metric, 0) for metric in COLUMNS]


def rank_lines(lines: Iterable[Line], *, order_key=None) -> list[Line]:
    """Score every line and rank them: higher score first, equal scores share a rank (1, 2, 2, 4).

    Lines with the same score keep the units' own order (`order_key`, default the unit's
    `order`) so the table reads the same way every time.
    """
    order_key = order_key or (
        lambda line: (getattr(line.unit, "order", 0), getattr(line.unit, "pk", 0))
    )
    lines = list(lines)
    for line in lines:
        line.score = score_of(line.metrics)
    lines.sort(key=lambda line: (-line.score, order_key(line)))
    previous_score, previous_rank = None, 0
    for position, line in enumerate(lines, start=1):
        if line.score != previous_score:
            previous_rank, previous_score = position, line.score
        line.rank = previous_rank
    return lines


def rule_terms() -> Sequence:
    return RANKING_RULE
