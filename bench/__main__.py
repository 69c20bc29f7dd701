"""The benchmarks, every figure beside its baseline: ``make bench`` (``python -m bench [--quick] [--rebuild]``).

1. Ingest of the shared corpus (``real.jsonl.gz``, 10,832 documents): ``portal ingest`` beside the textbook
   (:mod:`bench.textbook`: jieba's ``ChineseAnalyzer`` in a Whoosh schema, one default writer, one commit),
   each a process of its own: documents/s, characters/s of text, wall and CPU seconds, peak memory of the
   process tree, index size.
2. The same at 100,000 documents, a seeded expansion of the corpus (:mod:`bench.corpus`). Built indexes are
   kept in ``bench/results/perf/`` and used again while the code that built them is unchanged
   (``--rebuild`` builds anyway; ``--quick`` skips this size: the textbook takes over an hour to build it).
3. Query latency p50/p95/p99 over a fixed mix (:mod:`bench.latency`) on both indexes of each size.
4. The server (:mod:`bench.web`) on each of the portal's indexes: cold start, ``/search`` under load beside
   the raw in-process search rate, serving memory, one ``portal search`` from the shell.
5. Search quality (:mod:`bench.quality`) on the corpus indexes of step 1.
6. Field fidelity (:mod:`bench.fidelity`) on the real pages of ``tests/fidelity/``: the share of fields read right,
   per split (tune / held-out by site). Cheap: a few seconds, no index.
7. A nightly re-crawl (:mod:`bench.recrawl`) of the 100,000 documents with 1 % changed: ingest time, and the
   server's ``/search`` p95 before and during it (skipped by ``--quick``).
8. The cost curve (:mod:`bench.curve`): ingest time, index size, peak memory and query p50/p95 of the portal, the
   textbook and the cluster store on 1, 2 and 3 shards at 10k, 25k, 50k and 100k documents, the sizes where one
   machine crosses the targets, and a projection to 1,000,000 (its own table, ``curve-<time>.json`` and ``.svg``).
   ``--quick`` and ``--no-curve`` skip it.

Prints one markdown table with the targets of the performance issue, and writes
``bench/results/bench-<time>.json`` and ``bench/results/bench-<time>.svg`` (the ratios to the baselines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import CORPUS, dataset, records
from bench.measure import ROOT, folder_mb, measured
from bench.svg import ratio_chart

RESULTS = ROOT / "bench" / "results"
PERF = RESULTS / "perf"
LARGE = 100_000
# The code an index depends on: a change to any of it builds the benchmark's indexes again.
_PORTAL_CODE = ("index",)
_TEXTBOOK_CODE = ("bench/textbook.py",)


def code_hash(paths: tuple[str, ...]) -> str:
    digest = hashlib.sha1()
    for top in paths:
        root = ROOT / top
        for path in sorted([root] if root.is_file() else root.rglob("*.py")):
            digest.update(path.read_bytes())
        for path in sorted(root.rglob("*.txt")) if root.is_dir() else []:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def text_chars(path: Path) -> int:
    """Characters of title and body in a dataset: what characters/s counts."""
    return sum(len(r.get("title") or "") + len(r.get("body") or "") for r in records(path))


def build(system: str, data: Path, index_dir: Path, rebuild: bool, reuse: bool = False) -> dict[str, Any]:
    """Build ``system``'s index of ``data`` and measure it: wall and CPU seconds, peak MB of the process tree,
    index MB. A kept index still current for the code is not built again (with ``reuse``, whatever code built
    it); its figures are those measured when it was built, kept beside it in ``<index>.built-from`` (JSON: the
    code hash and the figures)."""
    stamp = index_dir.with_name(index_dir.name + ".built-from")
    code = code_hash(_PORTAL_CODE if system == "portal" else _TEXTBOOK_CODE)
    if not rebuild and index_dir.exists() and stamp.exists():
        try:
            kept = json.loads(stamp.read_text())
        except ValueError:
            kept = {}
        if (kept.get("code") == code or reuse) and kept.get("ingest"):
            return kept["ingest"] | {"kept": True, "built_from": kept.get("code"), "code_now": code}
    shutil.rmtree(index_dir, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    if system == "portal":
        run = measured(
            [sys.executable, "-m", "portal", "ingest", "-q", "--json", str(data)], {"PORTAL_INDEX_DIR": str(index_dir)}
        )
    else:
        run = measured([sys.executable, "-m", "bench.textbook", str(data), str(index_dir)], timeout=4 * 3600)
    ingest = {
        "wall_s": run.seconds,
        "cpu_s": run.cpu_seconds,
        "peak_mb": run.peak_mb,
        "index_mb": folder_mb(index_dir),
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    stamp.write_text(json.dumps({"code": code, "ingest": ingest}))
    return ingest


def json_of(command: list[str]) -> dict:
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def size_figures(docs: int, rebuild: bool, reuse: bool = False) -> dict[str, Any]:
    data = dataset(docs, PERF)
    count = sum(1 for _ in records(data))
    chars = text_chars(data)
    figures: dict[str, object] = {"documents": count, "chars": chars}
    for system in ("portal", "textbook"):
        index_dir = PERF / f"{system}-{docs}"
        ingest = build(system, data, index_dir, rebuild, reuse)
        ingest["docs_per_s"] = count / ingest["wall_s"]
        ingest["chars_per_s"] = chars / ingest["wall_s"]
        figures[f"{system}_ingest"] = ingest
        figures[f"{system}_latency"] = json_of([sys.executable, "-m", "bench.latency", system, str(index_dir)])
    figures["web"] = json_of([sys.executable, "-m", "bench.web", str(PERF / f"portal-{docs}")])
    return figures


CORPUS_DOCS = 10_832


def quality(corpus: dict[str, Any]) -> dict[str, dict]:
    """Search quality on the corpus indexes, each row beside the size and build time of its index."""
    from bench.quality import evaluate_systems

    rows = evaluate_systems(list(records(CORPUS)), PERF / f"portal-{CORPUS_DOCS}", PERF / f"textbook-{CORPUS_DOCS}")
    for name, row in rows.items():
        ingest = corpus["textbook_ingest" if name == "textbook" else "portal_ingest"]
        row["index_mb"], row["build_s"] = ingest["index_mb"], ingest["wall_s"]
    return rows


def fidelity() -> dict[str, object]:
    """Field fidelity on the real-page collection, in a process of its own: its JSON figures (the tables:
    ``python -m bench.fidelity``)."""
    return json_of([sys.executable, "-m", "bench.fidelity", "--json"])


def table(results: dict[str, dict]) -> str:
    rows = ["| measure | portal | baseline | ratio | target |", "|---|---|---|---|---|"]

    def row(label, ours, theirs, target, fmt="{:.0f}"):
        ratio = ""
        if isinstance(ours, int | float) and isinstance(theirs, int | float) and theirs:
            ratio = f"{ours / theirs:.2f}×"
        shown = [fmt.format(v) if isinstance(v, int | float) else (v or "—") for v in (ours, theirs)]
        rows.append(f"| {label} | {shown[0]} | {shown[1]} | {ratio} | {target} |")

    for figures in results.values():
        if not isinstance(figures, dict) or "documents" not in figures:
            continue
        n = f"{figures['documents']:,} docs"
        ours, theirs = figures.get("portal_ingest"), figures.get("textbook_ingest")
        if ours and theirs:
            if ours.get("built_from", ours.get("code_now")) != ours.get("code_now"):
                n += f" (portal index built {ours['built']} by code {ours['built_from']}, now {ours['code_now']})"
            row(f"ingest, {n}: characters/s", ours["chars_per_s"], theirs["chars_per_s"], "≥ 4× textbook")
            row(f"ingest, {n}: documents/s", ours["docs_per_s"], theirs["docs_per_s"], "", fmt="{:.1f}")
            row(f"ingest, {n}: wall s", ours["wall_s"], theirs["wall_s"], "")
            row(f"ingest, {n}: peak memory MB (process tree)", ours["peak_mb"], theirs["peak_mb"], "≤ 1,000")
            row(f"index, {n}: MB", ours["index_mb"], theirs["index_mb"], "")
        pl, tl = figures["portal_latency"], figures["textbook_latency"]
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            target = "≤ 50 at 100k" if key == "p95_ms" else ""
            row(f"query {key[:3]} ms, {n} (facets counted)", pl[key], tl[key], target, fmt="{:.1f}")
        row(f"query cold p95 ms, {n} (first round)", pl["cold_p95_ms"], tl["cold_p95_ms"], "", fmt="{:.1f}")
        web = figures["web"]
        row(
            f"/search requests/s, {n}, {web['web']['clients']} clients",
            web["web"]["requests_per_second"],
            web["raw_searches_per_second"],
            "≥ 0.70× raw in-process",
            fmt="{:.1f}",
        )
        row(f"/search p50 / p99 ms, {n}", f"{web['web']['p50_ms']:.0f} / {web['web']['p99_ms']:.0f}", None, "")
        row(
            f"server memory MB, {n}: start / peak / end",
            f"{web['web']['rss_start_mb']:.0f} / {web['web']['rss_peak_mb']:.0f} / {web['web']['rss_end_mb']:.0f}",
            None,
            "≤ 500 at 100k, flat",
        )
        row(f"cold start to first answer s, {n}", web["cold_start_s"], None, "≤ 2", fmt="{:.2f}")
        row(f"`portal search 低保` s, {n}", web["cli_search_s"], None, "≤ 1", fmt="{:.2f}")
    recrawl = results.get("recrawl")
    if recrawl:
        n = f"{recrawl['documents']:,} docs, {recrawl['changed']:,} changed"
        row(f"nightly re-crawl, {n}: ingest s", recrawl["ingest"]["seconds"], None, "≤ 120", fmt="{:.1f}")
        before, during = recrawl["search_before"].get("p95_ms"), recrawl["search_during"].get("p95_ms")
        row(f"/search p95 ms during the re-crawl (before: {before})", during, None, "≈ before", fmt="{:.1f}")
    for split, figures in (results.get("fidelity") or {}).items():
        if isinstance(figures, dict) and "judged" in figures:
            what = f"{figures['pages']} pages, {figures['sites']} sites" if "pages" in figures else "all pages"
            target = "≥ 98%" if split == "held_out" else ""
            row(f"fields read right, {split} ({what})", f"{figures['share']:.1%}", None, target)
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"the corpus only, not {LARGE:,} documents")
    parser.add_argument("--rebuild", action="store_true", help="build every index again")
    parser.add_argument("--no-quality", action="store_true", help="skip the search-quality benchmark")
    parser.add_argument("--no-curve", action="store_true", help="skip the cost curve (bench.curve)")
    parser.add_argument(
        "--reuse", action="store_true", help="use kept indexes even where the code has changed since (the JSON says so)"
    )
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS} (../shared beside the checkout)")
    PERF.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"corpus": size_figures(CORPUS_DOCS, args.rebuild, args.reuse)}
    if not args.quick:
        results["large"] = size_figures(LARGE, args.rebuild, args.reuse)
        # A nightly re-crawl (bench.recrawl): the 100,000-document crawl again with 1 % changed, the server loaded.
        crawl = ["--index", str(PERF / f"portal-{LARGE}"), "--data", str(dataset(LARGE, PERF))]
        results["recrawl"] = json_of([sys.executable, "-m", "bench.recrawl", "--work", str(PERF / "recrawl"), *crawl])
    if not args.no_quality:
        results["quality"] = quality(results["corpus"])
    results["fidelity"] = fidelity()
    print(table(results))
    if "quality" in results:
        from bench.quality import quality_table

        print()
        print(quality_table(results["quality"]))
    if not (args.quick or args.no_curve):
        from bench.curve import run as cost_curve

        print("\nThe cost curve (bench.curve):")
        results["curve"] = cost_curve(rebuild=args.rebuild, reuse=args.reuse)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    (RESULTS / f"bench-{stamp}.svg").write_text(ratio_chart(results))
    print(f"\nwritten: bench/results/bench-{stamp}.json and .svg")


if __name__ == "__main__":
    main()
