"""Bar and column charts as geometry for server-rendered SVG (``templates/_chart.html`` draws them).

Readable without JavaScript and in print: plain rectangles and text with their colours as attributes, the
numbers written on the bars, and the same figures in a table beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # viewBox units; the SVG scales to its column, so text stays legible on a phone
FONT = 15
LABEL_CHARS = 12  # longer labels are cut with … in the chart (the table beside it has them whole)


@dataclass
class Bar:
    label: str  # as shown (maybe cut)
    full_label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float  # where the label's text anchor sits
    label_y: float
    value_x: float
    value_y: float


@dataclass
class Chart:
    kind: str  # "bars" (horizontal, one a row) or "columns" (vertical, one a year)
    width: float
    height: float
    bars: list[Bar]
    baseline: tuple[float, float, float, float]  # the axis line: x1, y1, x2, y2


def short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def bar_chart(items: list[tuple[str, int]], row: float = 30.0) -> Chart:
    """Horizontal bars, one row per (label, value), longest at full width."""
    label_width = FONT * LABEL_CHARS + 8
    value_room = FONT * 4
    plot = WIDTH - label_width - value_room
    top = max((value for _, value in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        width = max(plot * value / top, 1.0 if value else 0.0)
        bars.append(
            Bar(
                short(label),
                label,
                value,
                x=label_width,
                y=y,
                width=width,
                height=row - 10,
                label_x=label_width - 8,
                label_y=y + (row - 10) / 2 + FONT * 0.35,
                value_x=label_width + width + 6,
                value_y=y + (row - 10) / 2 + FONT * 0.35,
            )
        )
    height = len(items) * row + 8
    return Chart("bars", WIDTH, height, bars, (label_width, 0, label_width, height))


def column_chart(items: list[tuple[str, int]], plot_height: float = 180.0) -> Chart:
    """Vertical columns, one per (label, value) in the order given (years, oldest first)."""
    top_room, label_room = FONT * 1.6, FONT * 2.2
    slot = WIDTH / max(len(items), 1)
    top = max((value for _, value in items), default=0) or 1
    base = top_room + plot_height
    every = 1 if slot >= FONT * 2.6 else 2 if slot >= FONT * 1.3 else 5  # label every n-th column when crowded
    bars = []
    for i, (label, value) in enumerate(items):
        height = max(plot_height * value / top, 1.0 if value else 0.0)
        x = i * slot + slot * 0.15
        bars.append(
            Bar(
                label if i % every == 0 else "",
                label,
                value,
                x=x,
                y=base - height,
                width=slot * 0.7,
                height=height,
                label_x=x + slot * 0.35,
                label_y=base + FONT * 1.4,
                value_x=x + slot * 0.35,
                value_y=base - height - 5,
            )
        )
    return Chart("columns", WIDTH, base + label_room, bars, (0, base, WIDTH, base))
