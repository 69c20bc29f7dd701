"""The benchmark's figures as an SVG chart: each as the portal's multiple of its baseline (1 = as good), so that
one picture shows where the portal is ahead and where behind. Written by hand: no plotting library needed."""

from __future__ import annotations

from html import escape

ROW, LABEL_WIDTH, PLOT_WIDTH = 26, 330, 360


def ratios(results: dict) -> list[tuple[str, float]]:
    """(label, how many times better than the baseline) for the figures that have one."""
    found = []
    for figures in results.values():
        if not isinstance(figures, dict) or "documents" not in figures:
            continue
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
