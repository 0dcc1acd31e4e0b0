"""Server-drawn charts of the campaign: geometry only; templates draw it as inline SVG.

- progress bars: items per key task or per section, stacked by status;
- score bars: a month's ranking, against the base score;
- trend lines: each section's score month by month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .enums import RANKING_BASE, ItemStatus

STATUS_ORDER = (
    ItemStatus.DONE,
    ItemStatus.DONE_LATE,
    ItemStatus.ON_TRACK,
    ItemStatus.DUE_SOON,
    ItemStatus.OVERDUE,
)
STATUS_COLOURS = {
    ItemStatus.DONE: "#198754",
    ItemStatus.DONE_LATE: "#8fbf6a",
    ItemStatus.ON_TRACK: "#2c6fbb",
    ItemStatus.DUE_SOON: "#e0a100",
    ItemStatus.OVERDUE: "#a61b1b",
}
SERIES_COLOURS = ("#a61b1b", "#2c6fbb", "#198754", "#e0a100", "#6f42c1", "#0dcaf0", "#6c757d")


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    count: int


@dataclass
class BarRow:
    label: str
    y: float
    text: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    left: int
    area: int
    rows: list[BarRow]
    legend: list[tuple[str, str, float]] = field(default_factory=list)  # colour, label, x
    marks: list[tuple[float, str]] = field(default_factory=list)  # x, label


LABEL_WIDTH = 110
AREA = 380
TEXT_WIDTH = 150
ROW_HEIGHT = 26
BAR = 16
TOP = 30


def progress_bars(progress: list, *, label_width: int = LABEL_WIDTH) -> Chart:
    """Stacked bars, one per key task or section: the share of items in each status."""
    biggest = max((p.total for p in progress), default=0) or 1
    rows = []
    y = TOP
    for p in progress:
        x = float(label_width)
        row = BarRow(
            p.label,
            y,
            f"{p.done}/{p.total} 完成" + (f"，{p.overdue} 逾期" if p.overdue else "")
            if p.total
            else "暂无事项",
        )
        for status in STATUS_ORDER:
            count = p.counts[status]
            if not count:
                continue
            width = round(AREA * count / biggest, 1)
            row.segments.append(Segment(x, width, STATUS_COLOURS[status], status.label, count))
            x += width
        rows.append(row)
        y += ROW_HEIGHT
    legend, x = [], float(label_width)
    for status in STATUS_ORDER:
        legend.append((STATUS_COLOURS[status], status.label, x))
        x += 16 + 13 * len(status.label) + 14
    return Chart(
        width=label_width + AREA + TEXT_WIDTH,
        height=int(y) + 4,
        left=label_width,
        area=AREA,
        rows=rows,
        legend=legend,
    )


SCORE_LABEL_WIDTH = 150
SCORE_AREA = 260


def score_bars(lines: list) -> Chart:
    """Horizontal bars of the month's scores in rank order, with the base score marked."""
    scores = [line.score for line in lines]
    low = min([0, *scores])
    high = max([RANKING_BASE, *scores]) or 1
    span = (high - low) or 1

    def x_of(value: float) -> float:
        return round(SCORE_LABEL_WIDTH + SCORE_AREA * (value - low) / span, 1)

    rows = []
    y = TOP
    zero = x_of(0)
    for line in lines:
        end = x_of(line.score)
        left, width = (zero, end - zero) if end >= zero else (end, zero - end)
        colour = (
            "#a61b1b" if line.rank == 1 else ("#6c757d" if line.score < RANKING_BASE else "#2c6fbb")
        )
        row = BarRow(f"第{line.rank}名 {line.unit.display_name}", y, f"{line.score} 分")
        row.segments.append(Segment(left, max(width, 1.0), colour, "得分", line.score))
        rows.append(row)
        y += ROW_HEIGHT
    return Chart(
        width=SCORE_LABEL_WIDTH + SCORE_AREA + 60,
        height=int(y) + 4,
        left=SCORE_LABEL_WIDTH,
        area=SCORE_AREA,
        rows=rows,
        marks=[(x_of(RANKING_BASE), f"基础分 {RANKING_BASE}")],
    )


@dataclass
class Series:
    label: str
    colour: str
    points: str  # "x,y x,y" for <polyline>
    dots: list[tuple[float, float, int]]  # x, y, score
    legend_y: int = 0


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    series: list[Series]
    legend_x: int = 0


def trend_lines(months: list[int], units: list, trend: dict) -> LineChart | None:
    """Lines of each section's score over the months (only months with a stored ranking)."""
    months = [m for m in months if m in trend]
    if not months:
        return None
    scores = [line.score for m in months for line in trend[m].values()]
    low = min([RANKING_BASE, *scores]) - 10
    high = max([RANKING_BASE, *scores]) + 10
    left, top, width, height = 48, 16, 440, 180

    def x_of(index: int) -> float:
        return round(
            left + (width * index / (len(months) - 1) if len(months) > 1 else width / 2), 1
        )

    def y_of(score: float) -> float:
        return round(top + height * (high - score) / (high - low), 1)

    series = []
    for number, unit in enumerate(units):
        dots = [
            (x_of(i), y_of(trend[m][unit.pk].score), trend[m][unit.pk].score)
            for i, m in enumerate(months)
            if unit.pk in trend[m]
        ]
        if dots:
            series.append(
                Series(
                    unit.display_name,
                    SERIES_COLOURS[number % len(SERIES_COLOURS)],
                    " ".join(f"{x},{y}" for x, y, _ in dots),
                    dots,
                    legend_y=top + 6 + 20 * len(series),
                )
            )
    step = max(10, ((high - low) // 5) // 10 * 10)
    first = (low // step + 1) * step
    y_ticks = [(y_of(v), v) for v in range(int(first), int(high), int(step))]
    return LineChart(
        width=left + width + 150,
        height=top + height + 30,
        left=left,
        top=top,
        plot_width=width,
        plot_height=height,
        x_ticks=[(x_of(i), f"{m}月") for i, m in enumerate(months)],
        y_ticks=y_ticks,
        series=series,
        legend_x=left + width + 16,
    )
