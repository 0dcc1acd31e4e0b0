"""Charts drawn on the server as PNG (Pillow), for Word files and PDFs alike: no browser needed."""

from __future__ import annotations

import functools
import io
import itertools
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from .fonts import MissingFontError, missing_fonts_message

SERIES_COLOURS = ["#1f5fa8", "#d4862b", "#3d8f5a", "#8a5fb0"]
BEHIND_COLOUR = "#b02a37"
GRID_COLOUR = "#c8c8c8"
TEXT_COLOUR = "#222222"


@functools.cache
def _font_path(family: str = "Noto Sans CJK SC") -> str:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise MissingFontError(missing_fonts_message([family]))
    path = subprocess.run(
        [fc_match, "-f", "%{file}", f"{family}:lang=zh-cn"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.strip()
    if not path:
        raise MissingFontError(missing_fonts_message([family]))
    return path


def _font(size: int) -> ImageFont.FreeTypeFont:
    # The Noto CJK collection holds JP, KR, SC, TC, HK faces; index 2 is Simplified Chinese.
    path = _font_path()
    index = 2 if path.endswith(".ttc") else 0
    return ImageFont.truetype(path, size, index=index)


@dataclass(frozen=True)
class BarValue:
    """One bar: its share in percent (None: nothing to measure) and the text printed beside it."""

    percent: float | None
    text: str
    behind: bool = False


@dataclass(frozen=True)
class BarGroup:
    label: str
    values: list[BarValue]


def bar_chart_png(
    groups: list[BarGroup],
    *,
    series: list[str],
    title: str = "",
    target: int | None = None,
    scale: int = 2,
) -> bytes:
    """Return a horizontal grouped bar chart (0–100 %) as PNG bytes, with a target line."""
    s = scale
    label_w, bar_w, value_w = 150 * s, 420 * s, 170 * s
    bar_h, gap, group_gap = 14 * s, 3 * s, 12 * s
    top = (46 if title else 16) * s + 18 * s
    per_group = len(series) * bar_h + (len(series) - 1) * gap + group_gap
    legend_h = 28 * s
    width = label_w + bar_w + value_w
    height = top + per_group * len(groups) + legend_h + 10 * s
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, small, big = _font(12 * s), _font(11 * s), _font(15 * s)
    if title:
        draw.text((width // 2, 12 * s), title, fill=TEXT_COLOUR, font=big, anchor="mt")
    axis_top = top - 8 * s
    axis_bottom = top + per_group * len(groups) - group_gap + 4 * s
    for tick in range(0, 101, 20):
        x = label_w + bar_w * tick // 100
        draw.line([(x, axis_top), (x, axis_bottom)], fill=GRID_COLOUR, width=1)
        draw.text((x, axis_top - 2 * s), f"{tick}%", fill=TEXT_COLOUR, font=small, anchor="mb")
    y = top
    for group in groups:
        draw.text(
            (label_w - 8 * s, y + (per_group - group_gap) // 2),
            group.label,
            fill=TEXT_COLOUR,
            font=font,
            anchor="rm",
        )
        for index, value in enumerate(group.values):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            if value.percent is not None and value.percent > 0:
                right = label_w + int(bar_w * min(value.percent, 100) / 100)
                draw.rectangle([(label_w, y), (right, y + bar_h - 1)], fill=colour)
            else:
                right = label_w
            draw.text(
                (right + 6 * s, y + bar_h // 2),
                value.text,
                fill=BEHIND_COLOUR if value.behind else TEXT_COLOUR,
                font=small,
                anchor="lm",
            )
            y += bar_h + gap
        y += group_gap - gap
    if target is not None:
        x = label_w + bar_w * min(target, 100) // 100
        draw.line([(x, axis_top), (x, axis_bottom)], fill=BEHIND_COLOUR, width=2 * s)
    legend_y = height - legend_h
    x = label_w
    for index, name in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        draw.rectangle([(x, legend_y + 4 * s), (x + 14 * s, legend_y + 16 * s)], fill=colour)
        draw.text((x + 20 * s, legend_y + 10 * s), name, fill=TEXT_COLOUR, font=small, anchor="lm")
        x += int(draw.textlength(name, font=small)) + 44 * s
    if target is not None:
        draw.line(
            [(x, legend_y + 10 * s), (x + 14 * s, legend_y + 10 * s)],
            fill=BEHIND_COLOUR,
            width=2 * s,
        )
        draw.text(
            (x + 20 * s, legend_y + 10 * s),
            f"目标 {target}%",
            fill=TEXT_COLOUR,
            font=small,
            anchor="lm",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def line_chart_png(
    x_labels: list[str],
    series: list[tuple[str, list[int | None]]],
    *,
    title: str = "",
    lowest_on_top: bool = False,
    scale: int = 2,
) -> bytes:
    """Return a line chart as PNG bytes: one line per series over the x labels.

    With `lowest_on_top` (ranks: 1 is best) the axis runs downward from the smallest value.
    A None value leaves a gap in its line.
    """
    s = scale
    left, right, top, bottom = 56 * s, 24 * s, (44 if title else 20) * s, 40 * s
    legend_rows = (len(series) + 3) // 4
    plot_w, plot_h = 560 * s, 220 * s
    width = left + plot_w + right
    height = top + plot_h + bottom + legend_rows * 20 * s + 8 * s
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small, big = _font(11 * s), _font(15 * s)
    if title:
        draw.text((width // 2, 14 * s), title, fill=TEXT_COLOUR, font=big, anchor="mt")
    values = [v for _, line in series for v in line if v is not None]
    low, high = (min(values), max(values)) if values else (0, 1)
    if low == high:
        low, high = low - 1, high + 1
    colours = [*SERIES_COLOURS, "#6c757d", "#b8860b", "#17a2b8", "#e83e8c"]

    def y_of(value: float) -> float:
        share = (value - low) / (high - low)
        return top + (share if lowest_on_top else 1 - share) * plot_h

    for tick in range(int(low), int(high) + 1):
        y = y_of(tick)
        draw.line([(left, y), (left + plot_w, y)], fill=GRID_COLOUR, width=1)
        draw.text((left - 6 * s, y), str(tick), fill=TEXT_COLOUR, font=small, anchor="rm")
    step = plot_w / max(len(x_labels) - 1, 1)
    for index, label in enumerate(x_labels):
        x = left + index * step
        draw.text((x, top + plot_h + 8 * s), label, fill=TEXT_COLOUR, font=small, anchor="mt")
    for number, (_name, line) in enumerate(series):
        colour = colours[number % len(colours)]
        points = [
            (left + index * step, y_of(value)) if value is not None else None
            for index, value in enumerate(line)
        ]
        for first, second in itertools.pairwise(points):
            if first and second:
                draw.line([first, second], fill=colour, width=2 * s)
        for point in points:
            if point:
                x, y = point
                draw.ellipse([(x - 3 * s, y - 3 * s), (x + 3 * s, y + 3 * s)], fill=colour)
    legend_top = top + plot_h + 30 * s
    for number, (name, _line) in enumerate(series):
        column, row = number % 4, number // 4
        x = left + column * (plot_w // 4)
        y = legend_top + row * 20 * s
        colour = colours[number % len(colours)]
        draw.line([(x, y + 8 * s), (x + 16 * s, y + 8 * s)], fill=colour, width=3 * s)
        draw.text((x + 22 * s, y + 8 * s), name, fill=TEXT_COLOUR, font=small, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
