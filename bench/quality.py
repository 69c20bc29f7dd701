"""Search quality beside the textbook baseline: ``python -m bench.quality [--docs N] [--per-kind N] [--reuse]``.

``python -m bench.quality --everyday [--portal-index DIR] [--textbook-index DIR]`` scores only the everyday
queries (bench/everyday.py) on existing whole-corpus indexes: a minute, not a rebuild.

Builds two indexes of the same documents (by default the whole of ../shared/corpus/real.jsonl.gz): the
portal's, through ``portal ingest``'s code, and the textbook's (bench/textbook.py). Then asks both:

* known-item queries drawn by bench/known_items.py (exact title, 文号 with [ ], a body sentence, a shortened
  title, a title with one character wrong): MRR@10 and recall@10;
* topical queries with graded judgments (bench/data/topical.json, see bench/data/README.md): nDCG@10 for each
  kind (topical, everyday wording, traditional characters) and for the twins of the last two;
* everyday queries as citizens type them (bench/data/everyday.json, whole corpus only): nDCG@10, success@5
  and the no-result rate per kind and split, for the portal beside the textbook with words ANDed and ORed.

The portal is asked through its JSON API (``/search.json`` in-process), so what is scored is what a user
gets: a 索引号 or 文号 query that names a document lists it first. Prints one markdown table with index size
and build time, and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import everyday
from bench.known_items import KINDS, draw, no_hits
from bench.metrics import ndcg, reciprocal_rank
from bench.textbook import Textbook, TextbookOr, build, records

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
TOPICAL = ROOT / "bench" / "data" / "topical.json"
RESULTS = ROOT / "bench" / "results"
# Kinds of bench/data/topical.json entries, each scored as nDCG@10; "_twin" is the same need asked in the
# official (everyday entries) or simplified (traditional entries) wording.
TOPICAL_LABELS = {
    "topical": "topical nDCG@10",
    "everyday": "everyday wording (低保, 社保 …) nDCG@10",
    "everyday_twin": "their official-wording twins nDCG@10",
    "traditional": "traditional characters (養老保險 …) nDCG@10",
    "traditional_twin": "their simplified twins nDCG@10",
}


def sample(count: int | None, out: Path) -> Path:
    """The corpus, or a seeded sample of ``count`` of its documents written beside the results."""
    if not count:
        return CORPUS
    path = out / f"quality-sample-{count}.jsonl"
    if not path.exists():
        chosen = list(records(CORPUS))
        random.Random(7).shuffle(chosen)
        with path.open("w", encoding="utf-8") as sink:
            for record in chosen[:count]:
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


class Portal:
    """The portal's /search.json, in-process; ``search(text) -> [doc id, …]``.

    ``plain``: without issue 11's query aids (no synonyms, no traditional → simplified conversion of the query),
    on the same index, to show what they change.
    """

    plain = False

    def __init__(self, index_dir: Path) -> None:
        from starlette.testclient import TestClient

        from index.whoosh.catalog import Catalog
        from portal.app import create_app, open_catalog
        from portal.settings import load_settings

        def plain_catalog(settings):
            catalog = Catalog(settings.index_dir, synonyms=None, convert=False)
            catalog.warm()
            return catalog

        # The query log goes under bench/results, never beside an index this run only reads.
        settings = replace(load_settings({}), index_dir=index_dir, query_log=RESULTS / "querylog")
        app = create_app(settings, plain_catalog if self.plain else open_catalog)
        self.client = TestClient(app).__enter__()

    def search(self, text: str, limit: int = 10) -> list[str]:
        data = self.client.get(f"/search.json?{urlencode({'q': text, 'per_page': limit})}").json()
        ranked = [item["id"] for item in data.get("identifier_matches", [])]
        ranked += [hit["id"] for hit in data["hits"] if hit["id"] not in ranked]
        return ranked[:limit]

    def close(self) -> None:
        self.client.__exit__(None, None, None)


class PlainPortal(Portal):
    plain = True


def build_portal(corpus: Path, index_dir: Path) -> None:
    import shutil

    from index.whoosh.ingest import ingest_paths

    shutil.rmtree(index_dir, ignore_errors=True)
    ingest_paths([corpus], index_dir)


def evaluate(system, items, topical, empty: list[str]) -> dict[str, object]:
    scores: dict[str, object] = {}
    latencies = []
    for kind in KINDS:
        ranks, found = [], []
        for item in (i for i in items if i.kind == kind):
            started = time.perf_counter()
            ranked = system.search(item.query)
            latencies.append((time.perf_counter() - started) * 1000)
            ranks.append(reciprocal_rank(ranked, item.doc_id))
            found.append(item.doc_id in ranked)
        scores[kind] = {
            "queries": len(ranks),
            "mrr10": statistics.fmean(ranks) if ranks else None,
            "recall10": statistics.fmean(found) if found else None,
        }
    gains: dict[str, list[float]] = {}
    for entry in topical:
        # An everyday or traditional query's twin (the official, simplified wording) is scored on the same
        # judgments, so the two stand side by side: kind "everyday" beside "everyday_twin".
        kind = entry.get("kind", "topical")
        for key, text in ((kind, entry["query"]), (f"{kind}_twin", entry.get("twin"))):
            if not text:
                continue
            started = time.perf_counter()
            ranked = system.search(text)
            latencies.append((time.perf_counter() - started) * 1000)
            gains.setdefault(key, []).append(ndcg(ranked, entry["judgments"]))
    for key, values in gains.items():
        scores[key] = {"queries": len(values), "ndcg10": statistics.fmean(values)}
    found_anyway = 0
    for text in empty:
        started = time.perf_counter()
        found_anyway += bool(system.search(text))
        latencies.append((time.perf_counter() - started) * 1000)
    scores["no_hit"] = {"queries": len(empty), "found": found_anyway}
    latencies.sort()
    scores["latency_ms"] = {
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95)],
        "max": latencies[-1],
    }
    return scores


def print_table(rows: dict[str, dict], items_count: int, docs: int) -> None:
    print(f"\n{docs} documents, {items_count} known-item queries; latency over every query below\n")
    print(quality_table(rows))


def quality_table(rows: dict[str, dict]) -> str:
    """The markdown table of a quality run: one column per system."""
    names = list(rows)
    lines: list[str] = []
    print = lines.append  # noqa: A001 - the table's lines, written as the printing code wrote them
    print("| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    labels = {
        "title": "exact title, MRR@10",
        "doc_no": "文号 with [ ], MRR@10",
        "sentence": "body sentence, MRR@10",
        "short_title": "shortened title, MRR@10",
        "typo_title": "title, one character wrong, MRR@10",
        "excerpt": "200 characters of its body, MRR@10",
    }
    for kind, label in labels.items():
        cells = [rows[n]["scores"][kind] for n in names]
        print(f"| {label} (n={cells[0]['queries']}) | " + " | ".join(_fmt(c["mrr10"]) for c in cells) + " |")
    for kind in KINDS:
        cells = [rows[n]["scores"][kind] for n in names]
        print(f"| {kind} recall@10 | " + " | ".join(_fmt(c["recall10"]) for c in cells) + " |")
    for kind, label in TOPICAL_LABELS.items():
        if kind in rows[names[0]]["scores"]:
            cells = [rows[n]["scores"][kind] for n in names]
            print(f"| {label} (n={cells[0]['queries']}) | " + " | ".join(_fmt(c["ndcg10"]) for c in cells) + " |")
    cells = [rows[n]["scores"]["no_hit"] for n in names]
    print(
        f"| no-hit queries finding something (n={cells[0]['queries']}) | "
        + " | ".join(str(c["found"]) for c in cells)
        + " |"
    )
    for key in ("p50", "p95", "max"):
        print(f"| query {key} ms | " + " | ".join(f"{rows[n]['scores']['latency_ms'][key]:.0f}" for n in names) + " |")
    if all("index_mb" in rows[n] for n in names):
        print("| index MB | " + " | ".join(f"{rows[n]['index_mb']:.0f}" for n in names) + " |")
        print(
            "| build s | "
            + " | ".join(f"{rows[n]['build_s']:.0f}" if rows[n]["build_s"] else "(reused)" for n in names)
            + " |"
        )
    return "\n".join(lines)


def evaluate_systems(
    docs: list[dict], portal_index: Path, textbook_index: Path, per_kind: int = 100
) -> dict[str, dict]:
    """Scores of the portal (with and without its query aids) and the textbook on indexes of ``docs`` built
    elsewhere (``make bench`` builds them for its own figures)."""
    items = draw(docs, per_kind)
    empty = no_hits(docs, per_kind // 2)
    topical = json.loads(TOPICAL.read_text("utf-8")) if TOPICAL.exists() else []
    rows: dict[str, dict] = {}
    for name, opener, index_dir in (
        ("portal", Portal, portal_index),
        ("portal, aids off", PlainPortal, portal_index),
        ("textbook", Textbook, textbook_index),
    ):
        system = opener(index_dir)
        try:
            rows[name] = {"scores": evaluate(system, items, topical, empty)}
        finally:
            system.close()
    return rows


def evaluate_everyday(portal_index: Path, textbook_index: Path) -> dict[str, dict]:
    """Everyday-query scores (bench/everyday.py ``score``) and ranked ids of the portal, the textbook (AND)
    and the textbook with any word matching (OR), on existing whole-corpus indexes:
    ``{system: {"scores": …, "runs": {entry id: [doc id, …]}}}``."""
    entries = everyday.load()
    rows: dict[str, dict] = {}
    for name, opener, index_dir in (
        ("portal", Portal, portal_index),
        ("textbook AND", Textbook, textbook_index),
        ("textbook OR", TextbookOr, textbook_index),
    ):
        system = opener(index_dir)
        try:
            runs = everyday.run(system, entries)
        finally:
            system.close()
        rows[name] = {"scores": everyday.score(runs, entries), "runs": runs}
    return rows


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=0, help="a seeded sample of N documents (default: all)")
    parser.add_argument("--per-kind", type=int, default=100, help="known-item queries of each kind (default 100)")
    parser.add_argument("--reuse", action="store_true", help="reuse indexes built by an earlier run")
    parser.add_argument("--only", choices=("portal", "textbook"), help="evaluate one system (portal: both variants)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--everyday", action="store_true", help="only the everyday queries, on existing indexes")
    parser.add_argument("--portal-index", type=Path, help="--everyday: the portal index (default: --reuse's)")
    parser.add_argument("--textbook-index", type=Path, help="--everyday: the textbook index (default: --reuse's)")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS} (../shared beside the checkout)")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.everyday:
        main_everyday(args)
        return
    corpus = sample(args.docs, args.out)
    docs = list(records(corpus))
    items = draw(docs, args.per_kind)
    empty = no_hits(docs, args.per_kind // 2)
    topical = json.loads(TOPICAL.read_text("utf-8")) if TOPICAL.exists() else []
    tag = args.docs or "all"
    rows: dict[str, dict] = {}
    systems = (
        ("portal", "portal", build_portal, Portal),
        # the same index, asked without synonyms and query conversion (issue 11's features off)
        ("portal, aids off", "portal", None, PlainPortal),
        ("textbook", "textbook", build, Textbook),
    )
    for name, index_name, builder, opener in systems:
        if args.only and index_name != args.only:
            continue
        index_dir = args.out / f"quality-{index_name}-{tag}"
        build_s = None
        if builder and not (args.reuse and index_dir.exists()):
            started = time.perf_counter()
            builder(corpus, index_dir)
            build_s = time.perf_counter() - started
        system = opener(index_dir)
        try:
            rows[name] = {
                "scores": evaluate(system, items, topical, empty),
                "index_mb": size_mb(index_dir),
                "build_s": build_s,
            }
        finally:
            system.close()
    print_table(rows, len(items), len(docs))
    result: dict[str, Any] = {"documents": len(docs), "systems": rows}
    if not args.docs and not args.only:  # the judgments are of whole-corpus ids
        result["everyday"] = evaluate_everyday(args.out / f"quality-portal-{tag}", args.out / f"quality-textbook-{tag}")
        print(everyday.table({name: row["scores"] for name, row in result["everyday"].items()}))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (args.out / f"quality-{stamp}.json").write_text(json.dumps(result, indent=2))


def main_everyday(args: argparse.Namespace) -> None:
    """``--everyday``: the everyday queries alone on existing whole-corpus indexes (built by --reuse's run
    where missing and not given)."""
    indexes = []
    for name, given, builder in (("portal", args.portal_index, build_portal), ("textbook", args.textbook_index, build)):
        index_dir = given or args.out / f"quality-{name}-all"
        if not index_dir.exists():
            if given:
                raise SystemExit(f"{index_dir}: no such index")
            builder(CORPUS, index_dir)
        indexes.append(index_dir)
    rows = evaluate_everyday(*indexes)
    print(f"\n{CORPUS.name}; portal index {indexes[0]}, textbook index {indexes[1]}")
    print(everyday.table({name: row["scores"] for name, row in rows.items()}))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (args.out / f"quality-everyday-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
