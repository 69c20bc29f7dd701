"""The benchmark's figures as SVG charts: each as the portal's multiple of its baseline (1 = as good), so that
one picture shows where the portal is ahead and where behind (``ratio_chart``); and measures against the number of
documents, one line per system (``line_charts``, bench/curve.py). Written by hand: no plotting library needed."""

from __future__ import annotations

from html import escape

ROW, LABEL_WIDTH, PLOT_WIDTH = 26, 330, 360


SIZE_STEPS = ("corpus", "large")


def size_results(results: dict) -> list[dict]:
    """``python -m bench``'s figures of each size measured (steps 1-4: ``corpus``, ``large``), by name: other
    steps' results (the re-crawl's) count documents too."""
    return [results[key] for key in SIZE_STEPS if isinstance(results.get(key), dict) and "documents" in results[key]]


def ratios(results: dict) -> list[tuple[str, float]]:
    """(label, how many times better than the baseline) for the figures that have one."""
    found = []
    for figures in size_results(results):
        n = f"{figures['documents']:,}"
        ours, theirs = figures.get("portal_ingest"), figures.get("textbook_ingest")
        if ours and theirs:
            found.append((f"ingest chars/s, {n} docs", ours["chars_per_s"] / theirs["chars_per_s"]))
        portal, textbook = figures["portal_latency"], figures["textbook_latency"]
        for key in ("p50_ms", "p95_ms"):
            found.append((f"query {key[:3]} (lower is better), {n} docs", textbook[key] / portal[key]))
        web = figures["web"]
        found.append((f"/search req/s ÷ raw in-process, {n} docs", web["web_share_of_raw"]))
    return found


def ratio_chart(results: dict) -> str:
    bars = ratios(results)
    top = max([2.0] + [value for _, value in bars])
    height = ROW * len(bars) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL_WIDTH + PLOT_WIDTH + 60} {height}" '
        'font-family="sans-serif" font-size="13">',
        '<text x="4" y="16">portal ÷ baseline (1 = the same; more is better)</text>',
    ]
    one = LABEL_WIDTH + PLOT_WIDTH / top
    for i, (label, value) in enumerate(bars):
        y = 28 + i * ROW
        width = PLOT_WIDTH * value / top
        colour = "#2a7" if value >= 1 else "#c54"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 15}">{value:.2f}×</text>')
    parts.append(
        f'<line x1="{one:.1f}" y1="24" x2="{one:.1f}" y2="{height - 4}" stroke="#333" stroke-dasharray="3,3"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


PANEL_WIDTH, PANEL_HEIGHT, MARGIN = 360, 200, 48
COLOURS = ("#2a7", "#c54", "#36c", "#a6c", "#e90", "#555")


def scale(value: float, low: float, high: float, start: float, length: float) -> float:
    """Where ``value`` lies on an axis from ``start`` that shows ``low``…``high`` over ``length`` pixels."""
    return start + length * (value - low) / ((high - low) or 1.0)


def line_charts(panels: list[dict]) -> str:
    """Small line charts side by side, two to a row: each panel a dict ``{"title": str, "lines": {name: [(x, y),
    …]}, "target": y or None}`` drawn as one polyline per name (x to the right from 0, y up from 0), the target a
    dashed line, the largest x and y written at the axes' ends. Names keep one colour across the panels."""
    names = list(dict.fromkeys(name for panel in panels for name in panel["lines"]))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
    cell_w, cell_h = PANEL_WIDTH + 2 * MARGIN, PANEL_HEIGHT + 2 * MARGIN
    rows = (len(panels) + 1) // 2
    width, height = 2 * cell_w, rows * cell_h + 24 * len(names) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        'font-size="12">'
    ]
    for n, panel in enumerate(panels):
        left, top = (n % 2) * cell_w + MARGIN, (n // 2) * cell_h + MARGIN
        points = [point for line in panel["lines"].values() for point in line]
        x_top = max([x for x, _ in points] or [1.0])
        y_top = max([y for _, y in points] + [panel.get("target") or 0]) * 1.1 or 1.0
        bottom = top + PANEL_HEIGHT
        parts.append(f'<text x="{left}" y="{top - 12}" font-weight="bold">{escape(panel["title"])}</text>')
        parts.append(
            f'<path d="M{left},{top} V{bottom} H{left + PANEL_WIDTH}" fill="none" stroke="#333" class="axes"/>'
        )
        parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{y_top:.4g}</text>')
        parts.append(f'<text x="{left - 4}" y="{bottom + 4}" text-anchor="end">0</text>')
        parts.append(f'<text x="{left + PANEL_WIDTH}" y="{bottom + 16}" text-anchor="end">{x_top:,.0f} docs</text>')
        if panel.get("target") is not None:
            y = scale(panel["target"], 0, y_top, bottom, -PANEL_HEIGHT)
            parts.append(
                f'<line class="target" x1="{left}" y1="{y:.1f}" x2="{left + PANEL_WIDTH}" y2="{y:.1f}" '
                f'stroke="#333" stroke-dasharray="4,3"/>'
            )
            parts.append(f'<text x="{left + PANEL_WIDTH}" y="{y - 3:.1f}" text-anchor="end">target</text>')
        for name, line in panel["lines"].items():
            xy = [
                (scale(x, 0, x_top, left, PANEL_WIDTH), scale(y, 0, y_top, bottom, -PANEL_HEIGHT))
                for x, y in sorted(line)
            ]
            drawn = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            parts.append(
                f'<polyline data-name="{escape(name)}" points="{drawn}" fill="none" stroke="{colour[name]}" '
                'stroke-width="2"/>'
            )
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour[name]}"/>' for x, y in xy]
    for i, name in enumerate(names):
        y = rows * cell_h + 14 + 24 * i
        parts.append(f'<rect x="{MARGIN}" y="{y - 10}" width="14" height="10" fill="{colour[name]}"/>')
        parts.append(f'<text x="{MARGIN + 20}" y="{y}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
