"""The cost curve: ingest wall time, index size, peak memory and query p50/p95 against the number of documents, for
the portal's Whoosh store, the textbook and the cluster store on 1, 2 and 3 shards, and where one machine stops
being enough.

``python -m bench.curve [--sizes 10000 25000 50000 100000] [--shards 1 2 3] [--reuse] [--rebuild]``

At each size (the corpus's first N documents, or its seeded expansion past 10,832: :func:`bench.corpus.dataset`):

* the portal and the textbook are built and measured as ``python -m bench`` builds them (:func:`bench.__main__.build`:
  ``portal ingest`` and ``python -m bench.textbook``, each a process of its own, peak memory of its process tree),
  their indexes kept in ``bench/results/perf/`` beside ``make bench``'s and used again on the same terms;
* the cluster store: that many ``searchd`` processes on loopback (index/cluster/local.py), ``portal ingest
  --workers W`` with ``PORTAL_STORE=manticore``; peak memory is of the ingest's process tree (its Dask workers)
  and the ``searchd`` processes together, the index size the files of every shard after the ingest's flush. The
  cluster is built afresh every time (nothing kept: its figures are always of the code now);
* query p50/p95 over :mod:`bench.latency`'s mix (first page, facets counted), warm rounds.

Every point carries the one-minute load average before and after it (``os.getloadavg``): on a shared machine the
figures are only as good as that. Then, per system and measure, a least-squares line ``y = a + b·N``
(:func:`fit`); from it the size where one machine crosses the issue's targets (query p95 50 ms; a nightly re-crawl
of 1 % changed documents within 120 s of ingest, estimated as ``a + b·0.01·N``, the changed documents at the
measured per-document cost: recognising the unchanged ones is not in it), and a projection to 1,000,000 documents,
marked as a projection. Prints a table; writes ``bench/results/curve-<time>.json`` and ``.svg`` (one panel per
measure, one line per system). ``--embedded`` (none) or ``--shards`` (none) leaves systems out; ``python -m
bench.curve --from A.json B.json`` fits and plots runs made apart as one (``curve-<time>-combined.json``).
``--queries-on portal|textbook DOCS DIR [--built-by WHAT]`` measures only query p50/p95 and the index size of an
index built elsewhere (its ingest figures those recorded in ``DIR.built-from`` if there is one; its ``note`` naming what
built it), for ``--from``; ``--latency FILE`` takes a ``bench.latency`` run of DIR made before. Every run
records its checkout's commit; every built point the hash of the code that built its index (``built_from``).

On this machine every shard shares the same two cores: more shards show what distribution costs, not what more
machines gain (docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import PERF, RESULTS, build, json_of
from bench.corpus import CORPUS, dataset, records
from bench.measure import ROOT, folder_mb, measured, process_cpu_s
from bench.svg import line_charts

SIZES = (10_000, 25_000, 50_000, 100_000)
SHARDS = (1, 2, 3)
PROJECT_TO = 1_000_000
P95_TARGET_MS = 50.0  # issue 23, must-have 2
NIGHTLY_CHANGED = 0.01  # issue 23, must-have 6: a nightly re-crawl changes 1 % of the documents …
NIGHTLY_LIMIT_S = 120.0  # … and its ingest finishes in under 2 minutes
# (key in a point, panel title, target line)
MEASURES = (
    ("wall_s", "ingest wall time, s", None),
    ("index_mb", "index size, MB", None),
    ("peak_mb", "peak memory of the ingest, MB", None),
    ("p50_ms", "query p50, ms", None),
    ("p95_ms", "query p95, ms", P95_TARGET_MS),
    ("cpu_s", "ingest CPU time, s", None),
    ("cpu_p95_ms", "query p95, CPU ms", P95_TARGET_MS),
)
# A time measure and its CPU twin: on a shared machine the wall time also counts waiting for a core, the CPU time
# does not. Where the load average varied over a system's points by more than LOAD_VARIED (or passed the number of
# cores), its time lines are fitted on the CPU twins, and the report says so. The cluster's queries are answered by
# searchd, whose CPU time the client's does not hold: its query lines stay on the wall time.
CPU_TWIN = {"wall_s": "cpu_s", "p50_ms": "cpu_p50_ms", "p95_ms": "cpu_p95_ms"}
LOAD_VARIED = 1.0

# What a point keeps of bench.latency's figures: wall times, and the CPU time per search (which holds still when
# the machine's load changes between points).
LATENCY = (
    "p50_ms",
    "p95_ms",
    "cold_p95_ms",
    "cpu_p50_ms",
    "cpu_p95_ms",
    "cold_cpu_p95_ms",
    "by_kind_median_ms",
)


def load() -> float:
    """The one-minute load average now."""
    return round(os.getloadavg()[0], 2)


def whoosh_point(
    system: str, docs: int, data: Path, perf: Path, rebuild: bool, reuse: bool, rounds: int
) -> dict[str, object]:
    """``portal`` or ``textbook`` at ``docs`` documents, its index in ``perf``: ingest (or its kept figures) and
    latency."""
    index_dir = perf / f"{system}-{docs}"
    ingest = build(system, data, index_dir, rebuild, reuse)
    # the build's own load average kept apart: a kept index's was recorded when it was built, not with this point
    loads = {f"ingest_{key}": ingest.pop(key) for key in ("load_before", "load_after") if key in ingest}
    latency = json_of([sys.executable, "-m", "bench.latency", system, str(index_dir), "--rounds", str(rounds)])
    return {**ingest, **loads, **{key: latency[key] for key in LATENCY}}


def queries_point(
    system: str, docs: int, index_dir: Path, rounds: int, built_by: str = "", measured: dict | None = None
) -> dict[str, object]:
    """Query p50/p95 and index size of an index built elsewhere (``--queries-on``), with the load average before and
    after, and the point says so in ``note``, naming the code that built it (``built_by``) where given. Its ingest
    figures are those recorded beside it in ``<DIR>.built-from`` (as :func:`bench.__main__.build` keeps them: JSON
    with ``code`` and ``ingest``; the build's load as ``ingest_load_*``), if there is one, else left out.
    ``measured``: what ``python -m bench.latency`` printed for this index before (``--latency``), used instead of
    measuring again; its loads are its ``load_before``/``load_after`` where it has them."""
    stamp = index_dir.with_name(index_dir.name + ".built-from")
    kept = json.loads(stamp.read_text("utf-8")) if stamp.is_file() else {}
    ingest = {key: value for key, value in (kept.get("ingest") or {}).items() if key != "index_mb"}
    loads = {f"ingest_{key}": ingest.pop(key) for key in ("load_before", "load_after") if key in ingest}
    recorded = "its build's figures as recorded beside it" if ingest else "no ingest figures"
    before = load()
    if measured is None:
        command = [sys.executable, "-m", "bench.latency", system, str(index_dir), "--rounds", str(rounds)]
        latency = json_of(command)
    else:
        latency = {"load_before": None, "load_after": None} | measured
    return {
        "documents": docs,
        **ingest,
        **loads,
        **({"kept": True, "built_from": kept.get("code")} if ingest else {}),
        "index_mb": folder_mb(index_dir),
        **{key: latency[key] for key in LATENCY},
        "note": f"{'' if ingest else 'queries only: '}index built {built_by or 'elsewhere'}, {recorded}",
        "index": str(index_dir),
        "load_before": before if measured is None else latency["load_before"],
        "load_after": load() if measured is None else latency["load_after"],
    }


def cluster_point(shards: int, data: Path, perf: Path, workers: int, rounds: int) -> dict[str, object]:
    """The cluster store on ``shards`` local ``searchd`` processes (their data in a folder under ``perf``, removed
    after): ingest of ``data`` and latency."""
    from index.cluster.local import LocalCluster

    root = Path(tempfile.mkdtemp(prefix=f"curve-cluster{shards}-", dir=perf))
    try:
        with LocalCluster(root, [(shard,) for shard in range(shards)]) as nodes:
            servers = tuple(process.popen.pid for process in nodes.processes if process.popen is not None)
            environment = {"PORTAL_STORE": "manticore", "PORTAL_MANTICORE": str(nodes.topology)}
            command = [sys.executable, "-m", "portal", "ingest", "-q", "--json", "--workers", str(workers), str(data)]
            servers_cpu = sum(process_cpu_s(pid) for pid in servers)
            run = measured(command, environment, also=servers)
            servers_cpu = sum(process_cpu_s(pid) for pid in servers) - servers_cpu
            index_mb = sum(folder_mb(process.config.parent / "data") for process in nodes.processes)
            topology = str(nodes.topology)
            latency = json_of([sys.executable, "-m", "bench.latency", "cluster", topology, "--rounds", str(rounds)])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {
        "wall_s": run.seconds,
        "cpu_s": run.cpu_seconds + servers_cpu,  # the ingest's process tree and the searchd processes
        "searchd_cpu_s": servers_cpu,
        "peak_mb": run.peak_mb,
        "index_mb": index_mb,
        **{key: latency[key] for key in LATENCY},
        "workers": workers,
    }


def fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The least-squares line through ``(N, y)`` points as ``(a, b)`` of ``y = a + b·N``; None under two sizes."""
    if len({x for x, _ in points}) < 2:
        return None
    slope, intercept = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    return intercept, slope


def crossing(line: tuple[float, float] | None, target: float, share: float = 1.0) -> float | None:
    """The size N where ``a + b·share·N`` reaches ``target``: 0 if it rises from above it, None if the line does
    not rise (nothing to project from: on a loaded machine a smaller size can measure slower)."""
    if line is None or line[1] <= 0:
        return None
    a, b = line
    return 0.0 if a >= target else (target - a) / (b * share)


def projectable(line: tuple[float, float] | None) -> bool:
    """Whether a fitted line does not fall with N (a projection is only made from one that does not: a cost
    falling with size is the machine's load changing between points, not a trend)."""
    return line is not None and line[1] >= 0


def basis(system: str, rows: list[dict]) -> tuple[dict[str, str], str]:
    """Which measure each time line of ``system`` is fitted on (``{"wall_s": "cpu_s", …}`` or itself), and why, in
    words: the CPU twins where the load average varied over its points (CPU_TWIN, LOAD_VARIED) and at least two sizes
    have them (points from runs that did not record them are left out of those lines)."""
    keys = ("load_before", "load_after", "ingest_load_before", "ingest_load_after")
    loads = [row[key] for row in rows for key in keys if isinstance(row.get(key), int | float)]
    on = {key: key for key in CPU_TWIN}
    if not loads:
        return on, "wall time (no load average recorded)"
    low, high = min(loads), max(loads)
    if high - low <= LOAD_VARIED and high <= (os.cpu_count() or 1):
        return on, f"wall time (load {low:.1f}–{high:.1f}, steady)"
    twins = {key: twin for key, twin in CPU_TWIN.items() if not (system.startswith("cluster") and key != "wall_s")}
    usable = {
        key: twin
        for key, twin in twins.items()
        if len({row["documents"] for row in rows if isinstance(row.get(twin), int | float)}) >= 2
    }
    if not usable:
        return on, f"wall time (load {low:.1f}–{high:.1f} varied, but fewer than two sizes have CPU times)"
    on.update(usable)
    return on, f"CPU time for {', '.join(sorted(usable))} (load {low:.1f}–{high:.1f} varied)"


def summary(points: dict[str, list[dict]]) -> dict[str, dict]:
    """Per system: the fitted line of every measure, which one each time line stands on (:func:`basis`), the
    projection to PROJECT_TO documents (None where the line falls), and the sizes where query p95 reaches
    P95_TARGET_MS and a nightly re-crawl's estimated ingest NIGHTLY_LIMIT_S (on the CPU line: as if on one core)."""
    found = {}
    for system, rows in points.items():
        lines = {
            key: fit([(row["documents"], row[key]) for row in rows if isinstance(row.get(key), int | float)])
            for key in dict.fromkeys([key for key, _, _ in MEASURES] + list(CPU_TWIN.values()))
        }
        on, why = basis(system, rows)
        chosen = {key: lines[on.get(key, key)] for key in lines}
        found[system] = {
            "basis": why,
            "fitted_on": on,
            "fits": {key: line and {"a": line[0], "b_per_doc": line[1]} for key, line in lines.items()},
            "projection": {
                "documents": PROJECT_TO,
                **{
                    key: line[0] + line[1] * PROJECT_TO if line is not None and projectable(line) else None
                    for key, line in chosen.items()
                    if key in dict.fromkeys(k for k, _, _ in MEASURES[:5])
                },
            },
            "p95_crosses_target_at": crossing(chosen["p95_ms"], P95_TARGET_MS),
            "nightly_crosses_limit_at": crossing(chosen["wall_s"], NIGHTLY_LIMIT_S, NIGHTLY_CHANGED),
        }
    return found


def where(n: float | None) -> str:
    """A crossing in words."""
    if n is None:
        return "nowhere: no rising line (fewer than two sizes, or a line falling with size)"
    if n == 0:
        return "already at the smallest size (its rising line starts above it)"
    return f"at about {n:,.0f} documents"


def report(points: dict[str, list[dict]], fits: dict[str, dict]) -> str:
    """The measured points as a markdown table, then the crossings and the projection (marked as one)."""
    lines = [
        "| system | docs | ingest s | ingest CPU s | index MB | peak MB | query p50 ms | query p95 ms "
        "| query p95 CPU ms | load before / after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(value: object, fmt: str) -> str:
        return fmt.format(value) if isinstance(value, int | float) else "—"

    for system, rows in points.items():
        for row in rows:
            kept = " (kept index)" if row.get("kept") else ""
            noted = f" ({row['note']})" if row.get("note") else ""
            figures = [
                cell(row.get(key), fmt)
                for key, fmt in (
                    ("wall_s", "{:.0f}"),
                    ("cpu_s", "{:.0f}"),
                    ("index_mb", "{:.0f}"),
                    ("peak_mb", "{:.0f}"),
                    ("p50_ms", "{:.1f}"),
                    ("p95_ms", "{:.1f}"),
                    ("cpu_p95_ms", "{:.1f}"),
                )
            ]
            loads = f"{cell(row.get('load_before'), '{:.1f}')} / {cell(row.get('load_after'), '{:.1f}')}"
            lines.append(f"| {system}{kept}{noted} | {row['documents']:,} | {' | '.join(figures)} | {loads} |")
    lines += [
        "",
        f"From least-squares lines y = a + b·N per system (targets: query p95 {P95_TARGET_MS:.0f} ms; a "
        f"nightly re-crawl of {NIGHTLY_CHANGED:.0%} changed documents within {NIGHTLY_LIMIT_S:.0f} s of ingest, "
        "estimated as a + b·0.01·N), each on the time its basis names:",
    ]
    for system, found in fits.items():
        lines.append(
            f"- {system} (fitted on {found.get('basis', 'wall time')}): query p95 reaches {P95_TARGET_MS:.0f} ms "
            f"{where(found['p95_crosses_target_at'])}; a nightly re-crawl's ingest reaches {NIGHTLY_LIMIT_S:.0f} s "
            f"{where(found['nightly_crosses_limit_at'])}"
        )
    lines += ["", f"PROJECTION to {PROJECT_TO:,} documents (extrapolated from the lines, not measured):", ""]
    lines += ["| system | ingest s | index MB | peak MB | query p50 ms | query p95 ms |", "|---|---|---|---|---|---|"]
    for system, found in fits.items():
        cells = [found["projection"].get(key) for key, _, _ in MEASURES[:5]]
        on_cpu = sorted(key for key, twin in (found.get("fitted_on") or {}).items() if key != twin)
        label = f"{system} (projection{'; CPU time for ' + ', '.join(on_cpu) if on_cpu else ''})"
        lines.append(
            f"| {label} | " + " | ".join("— (no rising line)" if v is None else f"{v:,.0f}" for v in cells) + " |"
        )
    return "\n".join(lines)


def chart(points: dict[str, list[dict]]) -> str:
    """One panel per measure, one line per system."""
    return line_charts(
        [
            {
                "title": title,
                "lines": {
                    system: line
                    for system, rows in points.items()
                    if (line := [(row["documents"], row[key]) for row in rows if isinstance(row.get(key), int | float)])
                },
                "target": target,
            }
            for key, title, target in MEASURES
        ]
    )


def commit() -> str:
    """The checkout's commit (``git describe --always --dirty``), or "unknown" outside a git checkout."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.stdout.strip()


def searchd_missing() -> bool:
    from index.cluster.local import searchd_binary

    return searchd_binary() is None


def run(
    sizes: tuple[int, ...] = SIZES,
    shards: tuple[int, ...] = SHARDS,
    rebuild: bool = False,
    reuse: bool = False,
    workers: int = 2,
    results: Path = RESULTS,
    perf: Path = PERF,
    embedded: tuple[str, ...] = ("portal", "textbook"),
    rounds: int = 5,
) -> dict[str, object]:
    """Measure every system at every size (data sets and kept indexes in ``perf``), fit, print, and write
    ``curve-<time>.json`` and ``.svg`` into ``results`` (the JSON after every point too, so that a run cut short
    keeps what it measured). Returns the JSON's content."""
    perf.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = results / f"curve-{stamp}.json"
    skipped = "searchd is not installed (apt-get install sphinxsearch)" if shards and searchd_missing() else None
    clusters = [] if skipped else list(shards)
    systems = list(embedded) + [f"cluster, {s} shard{'s' * (s > 1)}" for s in clusters]
    points: dict[str, list[dict]] = {system: [] for system in systems}
    content: dict[str, object] = {
        "sizes": list(sizes),
        "points": points,
        "cluster_skipped": skipped,
        "commit": commit(),
    }
    for docs in sizes:
        data = dataset(docs, perf)
        count = sum(1 for _ in records(data))
        for system, shard_count in zip(systems, [None] * len(embedded) + list[int | None](clusters), strict=True):
            before = load()
            if shard_count is None:
                row = whoosh_point(system, docs, data, perf, rebuild, reuse, rounds)
            else:
                row = cluster_point(shard_count, data, perf, workers, rounds)
            points[system].append({"documents": count, **row, "load_before": before, "load_after": load()})
            print(f"{system}, {count:,} docs: {json.dumps(points[system][-1])}", file=sys.stderr, flush=True)
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2))
    if skipped:
        print(f"cluster store not measured: {skipped}\n")
    return finish(content, path)


def finish(content: dict, path: Path) -> dict:
    """Fit ``content["points"]``, print the report, write ``path`` (JSON) and its SVG beside it."""
    content["fits"] = summary(content["points"])
    print(report(content["points"], content["fits"]))
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2))
    path.with_suffix(".svg").write_text(chart(content["points"]))
    print(f"\nwritten: {path} and {path.with_suffix('.svg').name}")
    return content


def combined(paths: list[Path], results: Path = RESULTS) -> dict:
    """The points of several runs' JSON (e.g. the embedded stores and the cluster measured side by side) fitted,
    reported and plotted together as ``curve-<time>-combined.json`` and ``.svg``; ValueError naming a file that
    holds no points."""
    points: dict[str, list[dict]] = {}
    sizes: set[int] = set()
    for path in paths:
        content = json.loads(path.read_text("utf-8"))
        if not isinstance(content, dict) or not isinstance(content.get("points"), dict):
            raise ValueError(f"{path}: no 'points' object (not a bench.curve result)")
        for system, rows in content["points"].items():
            points.setdefault(system, []).extend(rows)
        sizes.update(content.get("sizes") or [])
    content = {"sizes": sorted(sizes), "points": points, "from": [str(path) for path in paths]}
    return finish(content, results / f"curve-{time.strftime('%Y%m%dT%H%M%S')}-combined.json")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.curve", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of documents")
    parser.add_argument("--shards", type=int, nargs="*", default=list(SHARDS), help="cluster shard counts (none: skip)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes of the cluster's ingest")
    parser.add_argument(
        "--embedded", nargs="*", choices=("portal", "textbook"), default=["portal", "textbook"], help="(none: skip)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="bench.latency's warm rounds over the mix")
    parser.add_argument("--rebuild", action="store_true", help="build the portal and textbook indexes again")
    parser.add_argument(
        "--reuse", action="store_true", help="use kept indexes even where the code has changed since (the JSON says so)"
    )
    parser.add_argument("--from", dest="sources", nargs="+", type=Path, help="fit and plot these runs' JSON together")
    parser.add_argument(
        "--queries-on",
        nargs=3,
        metavar=("SYSTEM", "DOCS", "DIR"),
        help="only query p50/p95 and index size of DIR, a portal or textbook index of DOCS documents built elsewhere",
    )
    parser.add_argument("--built-by", default="", help="with --queries-on: which code built DIR (said in the point)")
    parser.add_argument(
        "--latency", type=Path, help="with --queries-on: the JSON `python -m bench.latency` printed for DIR before"
    )
    args = parser.parse_args()
    if args.sources:
        combined(args.sources)
        return
    if args.queries_on:
        system, docs, folder = args.queries_on
        if system not in ("portal", "textbook") or not docs.isdigit() or not Path(folder).is_dir():
            parser.error("--queries-on takes portal|textbook, a number of documents and an index folder")
        measured = json.loads(args.latency.read_text("utf-8")) if args.latency else None
        point = queries_point(system, int(docs), Path(folder), args.rounds, args.built_by, measured)
        RESULTS.mkdir(parents=True, exist_ok=True)
        finish(
            {"sizes": [int(docs)], "points": {system: [point]}},
            RESULTS / f"curve-{time.strftime('%Y%m%dT%H%M%S')}.json",
        )
        return
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS} (../shared beside the checkout)")
    run(
        tuple(args.sizes),
        tuple(args.shards),
        args.rebuild,
        args.reuse,
        args.workers,
        embedded=tuple(args.embedded),
        rounds=args.rounds,
    )


if __name__ == "__main__":
    main()
