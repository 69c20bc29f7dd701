"""/stats's charts as a person sees them, in headless Chromium at 1366 px and 390 px (issue 20.5).

The index is modelled on the shared corpus: documents over 77 years (1949–2025), four-digit counts in the
recent years, and a publisher whose name is longer than a chart label. On it the old year chart ran its
numbers together (``1112311111275474…``), cut 1952 to ``952`` and put the recent years last. Here every text
of every chart is measured where the browser drew it: none overlaps another, none leaves its chart, and the
year chart begins with the newest year. Screenshots land in tests/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import portal_settings

from index.localports import free_port
from index.whoosh.ingest import ingest_paths
from portal.server import server_config, serving

pytestmark = pytest.mark.browser

YEARS = range(1949, 2026)
RECENT = {2023: 1275, 2024: 1112, 2025: 1031}  # documents in the latest years


def records() -> list[dict]:
    found = []
    for year in YEARS:
        for n in range(RECENT.get(year, 1 + year % 3)):
            found.append(
                {
                    "title": f"{year}年第{n + 1}号通知",
                    "body": f"{year}年的第{n + 1}份文件。",
                    "pub_date": f"{year}-06-01",
                    "publisher": "河北省人力资源和社会保障厅办公室综合处" if n % 2 else "外交部",
                    "id": f"y{year}-{n}",
                }
            )
    return found


@pytest.fixture(scope="module")
def years_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("years")
    (root / "docs").mkdir()
    (root / "docs" / "years.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records()), "utf-8"
    )
    ingest_paths([root / "docs"], root / "index", keep_history=False)  # the charts read the index alone
    settings = portal_settings(Path(root / "index"), host="127.0.0.1", port=free_port())
    with serving(server_config(settings, log_level="warning")) as base_url:
        yield base_url


# Every chart's texts and its own box, as the browser laid them out (CSS pixels).
MEASURE = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {
    id: svg.closest('section').id,
    box: [box.left, box.top, box.right, box.bottom],
    texts: [...svg.querySelectorAll('text')].map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, cls: t.getAttribute('class'), rect: [r.left, r.top, r.right, r.bottom]};
    }),
  };
})"""


@pytest.mark.parametrize("width", [1366, 390])
def test_every_chart_is_readable(browser, years_server: str, shot, width: int) -> None:
    context = browser.new_context(
        base_url=years_server, locale="zh-CN", viewport={"width": width, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    page.goto("/stats")
    charts = page.evaluate(MEASURE)
    shot(page, f"stats-{width}")
    context.close()
    assert len(charts) >= 3
    for chart in charts:
        left, top, right, bottom = chart["box"]
        texts = chart["texts"]
        for text in texts:
            x0, y0, x1, y1 = text["rect"]
            inside = left - 0.5 <= x0 and x1 <= right + 0.5 and top - 0.5 <= y0 and y1 <= bottom + 0.5
            assert inside, (chart["id"], text)
        for i, one in enumerate(texts):
            for other in texts[i + 1 :]:
                a, b = one["rect"], other["rect"]
                apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
                assert apart, (chart["id"], one, other)
    year_chart = next(chart for chart in charts if chart["id"] == "stat-year")
    labels = [text["text"] for text in year_chart["texts"] if text["cls"] == "label"]
    assert labels[0] == "2025" and labels == sorted(labels, reverse=True)  # the recent years first, in order
