"""Bar charts as geometry for server-rendered SVG (``templates/_chart.html`` draws them).

Readable without JavaScript and in print: plain rectangles and text with their colours as attributes, the
numbers written beside the bars, and the same figures in a table beside each chart. One bar a row: labels and
numbers each have a row of their own, so none overlaps another and none leaves the chart, whatever the
count of values (:func:`text_boxes` gives where each text lies, for the tests that check it).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # viewBox units; the SVG scales to its column, so text stays legible on a phone
FONT = 15  # labels
VALUE_FONT = 14  # the numbers
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
    kind: str  # "bars": horizontal, one a row
    width: float
    height: float
    bars: list[Bar]
    baseline: tuple[float, float, float, float]  # the axis line: x1, y1, x2, y2


def short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def bar_chart(items: list[tuple[str, int]], row: float = 30.0) -> Chart:
    """Horizontal bars, one row per (label, value), longest at full width."""
    label_width = FONT * LABEL_CHARS + 8
    top_digits = len(str(max((value for _, value in items), default=0)))
    value_room = text_width("0" * top_digits, VALUE_FONT) + 10
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


def text_width(text: str, size: float) -> float:
    """The width ``text`` takes at font ``size``: a CJK character is one em, a digit or Latin letter at most 0.62."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.62 for ch in text)


def text_boxes(chart: Chart) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of every label and number the chart writes, in its viewBox units."""
    boxes = []
    for bar in chart.bars:
        if bar.label:
            width = text_width(bar.label, FONT)
            boxes.append((bar.label_x - width, bar.label_y - FONT * 0.85, bar.label_x, bar.label_y + FONT * 0.2))
        width, top = text_width(str(bar.value), VALUE_FONT), bar.value_y - VALUE_FONT * 0.85
        boxes.append((bar.value_x, top, bar.value_x + width, bar.value_y + VALUE_FONT * 0.2))
    return boxes
