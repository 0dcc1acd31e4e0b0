"""Server-drawn charts: the geometry of the coverage bars, drawn as inline SVG by a template."""

from __future__ import annotations

from dataclasses import dataclass, field

from .coverage import Coverage

LABEL_WIDTH = 96
BAR_AREA = 420
VALUE_WIDTH = 150
BAR_HEIGHT = 12
BAR_GAP = 3
ROW_GAP = 12
TOP = 28


@dataclass
class Bar:
    series: str  # schools / communities
    y: float
    width: float
    text: str
    behind: bool
    empty: bool


@dataclass
class ChartRow:
    label: str
    y: float
    label_y: float
    bars: list[Bar] = field(default_factory=list)
    is_total: bool = False


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    area: int
    target_x: float
    target: int
    rows: list[ChartRow]
    series: list[tuple[str, str]]  # (code, label) for the legend


def _bar(series: str, row, target: int, y: float, noun: str) -> Bar:
    if row.total == 0:
        return Bar(series, y, 0, f"无登记{noun}", False, True)
    return Bar(
        series,
        y,
        round(BAR_AREA * row.covered / row.total, 1),
        f"{row.covered}/{row.total}（{row.rate:g}%）",
        row.meets(target) is False,
        False,
    )


def coverage_bars(
    schools: Coverage, communities: Coverage, *, total_label: str = "全区合计"
) -> BarChart:
    """Return two bars per 街镇 (schools, communities) and the total, against the target."""
    target = max(schools.target, communities.target)
    pairs = [
        (s.town.name, s, c, False) for s, c in zip(schools.rows, communities.rows, strict=True)
    ]
    pairs.append((total_label, schools.district, communities.district, True))
    rows = []
    y = TOP
    for label, school_row, community_row, is_total in pairs:
        if is_total:
            y += ROW_GAP
        first = _bar("schools", school_row, schools.target, y, "学校")
        second = _bar(
            "communities", community_row, communities.target, y + BAR_HEIGHT + BAR_GAP, "村居"
        )
        rows.append(ChartRow(label, y, y + BAR_HEIGHT + BAR_GAP / 2 + 4, [first, second], is_total))
        y += 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP
    return BarChart(
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=int(y),
        left=LABEL_WIDTH,
        area=BAR_AREA,
        target_x=LABEL_WIDTH + BAR_AREA * min(target, 100) / 100,
        target=target,
        rows=rows,
        series=[("schools", "学校（方案＋演练）"), ("communities", "社区村居（培训＋演练）")],
    )
