"""/stats and /stats.json: documents per year, publisher, classification, 有效性 and 原文/解读, as server-rendered
SVG charts beside their data tables."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape as html_unescape

import pytest

from portal.charts import bar_chart, text_boxes
from portal.views import CHART_BARS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def figures(client) -> dict:
    response = client.get("/stats.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def page(client) -> str:
    response = client.get("/stats")
    assert response.status_code == 200
    return response.text


def section(page: str, key: str) -> str:
    return page.split(f'<section class="stat" id="stat-{key}"')[1].split("</section>")[0]


def test_every_breakdown_accounts_for_every_document(client, figures: dict) -> None:
    entries = client.get("/index.json").json()["stats"]["documents"]
    documents = figures["documents"]
    assert documents + figures["copies"] == entries and figures["copies"] >= 3  # fixtures/copies.json, truthful.json
    assert [b["key"] for b in figures["breakdowns"]] == [
        "year",
        "publisher",
        "category_scheme",
        "category_topic",
        "category_genre",
        "validity",
        "kind",
    ]
    for breakdown in figures["breakdowns"]:
        assert sum(c["count"] for c in breakdown["counts"]) + breakdown["unknown"] == documents, breakdown["key"]
        for count in breakdown["counts"]:
            assert count["share"] == round(100 * count["count"] / documents, 1)
    years = [c["label"] for c in figures["breakdowns"][0]["counts"]]
    assert years == sorted(years)
    assert figures["interpretations"] == 6


@pytest.mark.parametrize("key", ["year", "publisher", "category_topic", "validity", "kind"])
def test_each_chart_is_an_svg_beside_a_table_with_the_same_figures(page: str, figures: dict, key: str) -> None:
    breakdown = next(b for b in figures["breakdowns"] if b["key"] == key)
    html = section(page, key)
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == f"文件数量{breakdown['title']}"
    bars = svg.findall(f".//{SVG}rect")
    drawn = breakdown["counts"][::-1][:CHART_BARS] if key == "year" else breakdown["counts"][:CHART_BARS]
    assert len(bars) == len(drawn)
    assert all(bar.get("fill") for bar in bars)  # colours are attributes: right without CSS and in print
    values = [text.text for text in svg.findall(f".//{SVG}text") if text.get("class") == "value"]
    assert values == [str(count["count"]) for count in drawn]
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td class="num">(\d+)</td>', html)
    listed = breakdown["counts"][::-1] if key == "year" else breakdown["counts"]  # the newest year first
    assert [(html_unescape(label), n) for label, n in rows] == [(c["label"], str(c["count"])) for c in listed]
    if breakdown["unknown"]:
        assert f'<th scope="row">{breakdown["unknown_label"]}</th><td class="num">{breakdown["unknown"]}</td>' in html


def test_the_page_needs_no_script_and_links_its_json(page: str) -> None:
    assert "<script>" not in page and "onclick" not in page
    assert '<link rel="alternate" type="application/json" href="/stats.json">' in page


def test_longer_bars_for_larger_counts() -> None:
    chart = bar_chart([("甲", 10), ("乙", 5), ("一个很长很长很长的发布机构名称", 1)])
    widths = [bar.width for bar in chart.bars]
    assert widths[0] > widths[1] > widths[2] > 0 and widths[0] == pytest.approx(2 * widths[1])
    assert chart.bars[2].label.endswith("…") and chart.bars[2].full_label == "一个很长很长很长的发布机构名称"


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([(str(year), 1000 + year % 7 * 40) for year in range(1949, 2026)], id="77-years-of-4-digits"),
        pytest.param([("一个很长很长很长的发布机构名称", 10832), ("乙", 1)], id="long-label-5-digits"),
    ],
)
def test_no_text_overlaps_another_or_leaves_the_chart(items) -> None:
    """The shared corpus's year chart wrote 1112311111275474… (numbers run together) and cut 1952 to 952."""
    chart = bar_chart(items)
    boxes = text_boxes(chart)
    assert all(0 <= x0 and x1 <= chart.width and 0 <= y0 and y1 <= chart.height for x0, y0, x1, y1 in boxes)
    for i, (ax0, ay0, ax1, ay1) in enumerate(boxes):
        for bx0, by0, bx1, by1 in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, ((ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1))
