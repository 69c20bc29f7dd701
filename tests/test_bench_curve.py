"""The cost curve (bench/curve.py): its least-squares lines, crossings and projection, its SVG, and one tiny real
run of every system."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from bench.curve import LATENCY, MEASURES, combined, crossing, fit, queries_point, report, run, summary
from bench.svg import MARGIN, PANEL_HEIGHT, PANEL_WIDTH, line_charts
from tests.helpers import shared_path

SVG = "{http://www.w3.org/2000/svg}"


def row(docs: int, wall: float, p95: float) -> dict:
    figures = {"wall_s": wall, "index_mb": docs / 100, "peak_mb": 300.0, "p50_ms": 2.0, "p95_ms": p95}
    return {"documents": docs, **figures, "load_before": 1.0, "load_after": 1.0}


def test_fit_finds_the_line_through_exact_points_and_the_least_squares_one_through_noisy_ones():
    assert fit([(1000, 7.0), (2000, 9.0), (4000, 13.0)]) == pytest.approx((5.0, 0.002))
    # (0, 0), (1, 2), (2, 1): slope 0.5, intercept 0.5 (by hand: Sxy / Sxx = 1 / 2)
    assert fit([(0, 0.0), (1, 2.0), (2, 1.0)]) == pytest.approx((0.5, 0.5))
    assert fit([(1000, 7.0)]) is None
    assert fit([(1000, 7.0), (1000, 9.0)]) is None


def test_crossing_is_where_the_line_reaches_the_target_at_the_given_share():
    assert crossing((5.0, 0.002), 50.0) == pytest.approx(22_500)
    assert crossing((10.0, 0.01), 120.0, share=0.01) == pytest.approx(1_100_000)
    assert crossing((60.0, 0.002), 50.0) == 0.0  # already above at N = 0
    assert crossing((60.0, -0.002), 50.0) is None  # falling: smaller sizes measured slower, no slope
    assert crossing((5.0, 0.0), 50.0) is None  # flat: never
    assert crossing((5.0, -0.1), 50.0) is None
    assert crossing(None, 50.0) is None


def test_summary_projects_every_measure_to_a_million_and_finds_both_crossings():
    points = {"fast": [row(1000, 12.0, 7.0), row(2000, 14.0, 9.0), row(4000, 18.0, 13.0)], "one": [row(1000, 1, 1)]}
    found = summary(points)
    fast = found["fast"]
    assert fast["fits"]["p95_ms"]["a"] == pytest.approx(5.0)
    assert fast["fits"]["p95_ms"]["b_per_doc"] == pytest.approx(0.002)
    assert fast["projection"]["documents"] == 1_000_000
    assert fast["projection"]["p95_ms"] == pytest.approx(5.0 + 2000.0)
    assert fast["projection"]["wall_s"] == pytest.approx(10.0 + 2000.0)  # wall = 10 + 0.002 N
    assert fast["projection"]["index_mb"] == pytest.approx(10_000)
    assert fast["projection"]["peak_mb"] == pytest.approx(300.0)
    assert fast["p95_crosses_target_at"] == pytest.approx(22_500)
    # a nightly re-crawl: 10 + 0.002 · 0.01 · N = 120 s
    assert fast["nightly_crosses_limit_at"] == pytest.approx(110 / 0.00002)
    assert found["one"]["fits"]["wall_s"] is None and found["one"]["p95_crosses_target_at"] is None
    falling = summary({"slow": [row(1000, 30.0, 90.0), row(2000, 20.0, 60.0)]})["slow"]
    assert falling["fits"]["p95_ms"]["b_per_doc"] == pytest.approx(-0.03)
    assert falling["projection"]["p95_ms"] is None and falling["p95_crosses_target_at"] is None
    assert falling["projection"]["index_mb"] == pytest.approx(10_000)


def test_time_lines_are_fitted_on_cpu_time_where_the_load_varied_and_say_so():
    """A loaded machine: the wall times fall with size (the load fell), the CPU times rise: the CPU lines are used."""

    def loaded(docs: int, wall: float, p95: float, cpu: float, cpu_p95: float, load: float) -> dict:
        figures = row(docs, wall, p95) | {"cpu_s": cpu, "cpu_p50_ms": cpu_p95 / 2, "cpu_p95_ms": cpu_p95}
        return figures | {"load_before": load, "load_after": load}

    rows = [loaded(1000, 300.0, 150.0, 12.0, 7.0, 12.0), loaded(2000, 200.0, 60.0, 14.0, 9.0, 4.0)]
    found = summary({"portal": rows, "cluster, 1 shard": rows})
    portal = found["portal"]
    assert portal["fitted_on"] == {"wall_s": "cpu_s", "p50_ms": "cpu_p50_ms", "p95_ms": "cpu_p95_ms"}
    assert "CPU time" in portal["basis"] and "4.0–12.0" in portal["basis"]
    assert portal["p95_crosses_target_at"] == pytest.approx(22_500)  # 5 + 0.002 N = 50, from the CPU line
    assert portal["projection"]["wall_s"] == pytest.approx(10.0 + 2000.0)  # CPU seconds 10 + 0.002 N
    assert portal["fits"]["wall_s"]["b_per_doc"] < 0  # the wall line is kept beside, falling
    # the cluster's queries are computed by searchd, not in the client whose CPU is measured: wall time for them
    assert found["cluster, 1 shard"]["fitted_on"] == {"wall_s": "cpu_s", "p50_ms": "p50_ms", "p95_ms": "p95_ms"}
    # a steady load: the wall times stand
    steady = summary({"portal": [row(1000, 12.0, 7.0), row(2000, 14.0, 9.0)]})["portal"]
    assert steady["fitted_on"]["p95_ms"] == "p95_ms" and "steady" in steady["basis"]


def test_a_kept_index_s_build_load_counts_towards_the_basis_and_a_queries_only_point_is_reported():
    """A kept index was built under the load of its own time (``ingest_load_*``), not the point's; an index built
    elsewhere gives only query figures (its ingest cells are blank, its note names it)."""
    kept = row(1000, 300.0, 7.0) | {"cpu_s": 12.0, "cpu_p50_ms": 1.0, "cpu_p95_ms": 6.0}
    kept |= {"ingest_load_before": 9.0, "ingest_load_after": 12.0, "kept": True}
    fresh = row(2000, 200.0, 9.0) | {"cpu_s": 14.0, "cpu_p50_ms": 1.0, "cpu_p95_ms": 8.0}
    queries = {"documents": 4000, "index_mb": 40.0, "p50_ms": 3.0, "p95_ms": 13.0, "cpu_p95_ms": 12.0}
    queries |= {"cpu_p50_ms": 2.0, "note": "queries only: index built at abc123", "load_before": 1.0, "load_after": 1.0}
    points = {"portal": [kept, fresh, queries]}
    found = summary(points)["portal"]
    assert "CPU time" in found["basis"] and "1.0–12.0" in found["basis"]  # the points' own loads were all 1.0
    assert found["fits"]["wall_s"]["b_per_doc"] < 0 and found["fits"]["cpu_s"]["b_per_doc"] > 0
    assert found["fits"]["cpu_p95_ms"]["b_per_doc"] == pytest.approx(0.002)  # 6, 8 and 12 ms at 1k, 2k, 4k
    text = report(points, {"portal": found})
    [measured] = [line for line in text.splitlines() if line.startswith("| portal (queries only")]
    cells = [cell.strip() for cell in measured.strip("|").split("|")]
    assert cells[0] == "portal (queries only: index built at abc123)"
    assert cells[1:] == ["4,000", "—", "—", "40", "—", "3.0", "13.0", "12.0", "1.0 / 1.0"]
    assert any(line.startswith("| portal (kept index) | 1,000 | 300 | 12 |") for line in text.splitlines())


def test_a_queries_only_point_takes_a_latency_run_made_before_and_the_index_s_size(tmp_path):
    index = tmp_path / "index"
    (index / "gen-0001").mkdir(parents=True)
    (index / "gen-0001" / "seg").write_bytes(b"x" * 2**20)
    (index / "history.sqlite").write_bytes(b"x" * 2**19)
    measured = dict.fromkeys(LATENCY, 5.0) | {"p99_ms": 9.0, "load_before": 3.0, "load_after": 4.5}
    point = queries_point("portal", 100_000, index, 5, "at abc123", measured)
    assert point["documents"] == 100_000 and point["index_mb"] == pytest.approx(1.5)
    assert point["p95_ms"] == 5.0 and (point["load_before"], point["load_after"]) == (3.0, 4.5)
    assert point["note"] == "queries only: index built at abc123, no ingest figures"
    assert "wall_s" not in point and "p99_ms" not in point
    unloaded = queries_point("portal", 100_000, index, 5, measured=dict.fromkeys(LATENCY, 5.0))
    assert unloaded["load_before"] is None and "built elsewhere" in unloaded["note"]
    # the figures of its build, recorded beside it as `make bench` keeps them, make it a whole point
    ingest = {"wall_s": 700.0, "cpu_s": 208.0, "peak_mb": 711.0, "index_mb": 1.0, "load_before": 7.2, "load_after": 12}
    (tmp_path / "index.built-from").write_text(json.dumps({"code": "282698bee8a0", "ingest": ingest}))
    whole = queries_point("portal", 100_000, index, 5, "at fd9b149", measured)
    assert (whole["wall_s"], whole["cpu_s"], whole["peak_mb"]) == (700.0, 208.0, 711.0)
    assert whole["index_mb"] == pytest.approx(1.5)  # measured now, not the stamp's
    assert (whole["ingest_load_before"], whole["ingest_load_after"], whole["load_before"]) == (7.2, 12, 3.0)
    assert whole["kept"] and whole["built_from"] == "282698bee8a0"
    assert whole["note"] == "index built at fd9b149, its build's figures as recorded beside it"


def test_runs_made_apart_are_fitted_and_plotted_together_and_a_file_without_points_is_named(tmp_path):
    first, second, wrong = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    first.write_text(json.dumps({"sizes": [1000, 2000], "points": {"portal": [row(1000, 12, 7), row(2000, 14, 9)]}}))
    second.write_text(json.dumps({"sizes": [4000], "points": {"portal": [row(4000, 18, 13)], "x": [row(1000, 1, 1)]}}))
    content = combined([first, second], results=tmp_path)
    assert content["sizes"] == [1000, 2000, 4000]
    assert [r["documents"] for r in content["points"]["portal"]] == [1000, 2000, 4000]
    assert content["fits"]["portal"]["p95_crosses_target_at"] == pytest.approx(22_500)
    written = list(tmp_path.glob("curve-*-combined.json"))
    assert len(written) == 1 and json.loads(written[0].read_text())["fits"]["x"]["fits"]["wall_s"] is None
    assert written[0].with_suffix(".svg").exists()
    wrong.write_text("[1, 2]")
    with pytest.raises(ValueError, match="c.json"):
        combined([first, wrong], results=tmp_path)


def test_line_charts_place_each_point_on_its_panel_scale_with_the_target_and_a_legend():
    svg = line_charts(
        [
            {"title": "query p95, ms", "lines": {"a": [(100, 10.0), (0, 0.0)], "b": [(50, 5.0)]}, "target": 10.0},
            {"title": "index MB", "lines": {"b": [(200, 4.0)]}, "target": None},
        ]
    )
    root = ET.fromstring(svg)
    lines = {(p.get("data-name"), i): p.get("points") for i, p in enumerate(root.iter(f"{SVG}polyline"))}
    assert list(lines) == [("a", 0), ("b", 1), ("b", 2)]
    bottom = MARGIN + PANEL_HEIGHT
    top_of_y = 10.0 * 1.1  # the largest y (or target) and a tenth of room
    ten = bottom - PANEL_HEIGHT * 10.0 / top_of_y
    # sorted by x; x from 0 to the panel's largest (100) across PANEL_WIDTH
    assert lines[("a", 0)] == f"{MARGIN:.1f},{bottom:.1f} {MARGIN + PANEL_WIDTH:.1f},{ten:.1f}"
    five = bottom - PANEL_HEIGHT * 5.0 / top_of_y
    assert lines[("b", 1)] == f"{MARGIN + PANEL_WIDTH / 2:.1f},{five:.1f}"
    # the second panel sits to the right, its own scale: its one point at its top right (4.0 · 1.1 on top)
    left = MARGIN + PANEL_WIDTH + 2 * MARGIN
    assert lines[("b", 2)] == f"{left + PANEL_WIDTH:.1f},{bottom - PANEL_HEIGHT / 1.1:.1f}"
    targets = [t for t in root.iter(f"{SVG}line") if t.get("class") == "target"]
    assert len(targets) == 1 and float(targets[0].get("y1")) == pytest.approx(ten, abs=0.05)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "a" in texts and "b" in texts and "query p95, ms" in texts and "index MB" in texts
    colours = {p.get("data-name"): p.get("stroke") for p in root.iter(f"{SVG}polyline")}
    assert colours["a"] != colours["b"]


@pytest.mark.long  # about forty processes started and stopped
def test_a_tiny_curve_measures_every_system_at_each_size_and_writes_its_json_and_svg(tmp_path):
    shared_path("corpus", "real.jsonl.gz")
    from index.cluster.local import searchd_binary

    if searchd_binary() is None:
        pytest.skip("searchd is not installed (apt-get install sphinxsearch): the cluster's points need it")
    # small, one warm round, the cluster ingesting in-process, the textbook left out (it is built and timed by the
    # same code as the portal, bench.__main__.build): the figures are not the point, the plumbing is. The corpus's
    # first documents are long laws: 100 and 200 of them took most of a minute to cut into words, 25 and 50 a
    # quarter of that (the processes' start-up is the rest)
    content = run(
        sizes=(25, 50),
        shards=(1,),
        workers=0,
        rounds=1,
        results=tmp_path / "results",
        perf=tmp_path / "perf",
        embedded=("portal",),
    )
    points = content["points"]
    assert list(points) == ["portal", "cluster, 1 shard"]
    for system, rows in points.items():
        assert [r["documents"] for r in rows] == [25, 50], system
        for r in rows:
            assert r["wall_s"] > 0 and r["peak_mb"] > 10 and r["index_mb"] > 0, (system, r)
            assert 0 < r["cpu_s"] and 0 < r["cpu_p50_ms"] <= r["cpu_p95_ms"], (system, r)
            assert 0 < r["p50_ms"] <= r["p95_ms"], (system, r)
            assert r["load_before"] >= 0 and r["load_after"] >= 0
        assert rows[1]["index_mb"] > rows[0]["index_mb"], system
        assert content["fits"][system]["projection"]["documents"] == 1_000_000
    written = list((tmp_path / "results").glob("curve-*.json"))
    assert len(written) == 1
    assert json.loads(written[0].read_text())["points"] == json.loads(json.dumps(points))
    svg = ET.fromstring(written[0].with_suffix(".svg").read_text())
    assert len(list(svg.iter(f"{SVG}polyline"))) == len(MEASURES) * 2  # every measure, two systems
    assert not list((tmp_path / "perf").glob("curve-cluster*"))  # the searchd data is removed
