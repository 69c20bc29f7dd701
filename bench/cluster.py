"""Ingest and query figures of the cluster store on 1, 2 and 3 shards on this machine, beside the Whoosh store.

``python -m bench.cluster [--docs N] [--shards 1 2 3] [--workers W]`` takes the first N documents of
``../shared/corpus/real.jsonl.gz``; for each shard count it starts that many ``searchd`` processes on loopback
(index/cluster/local.py, no mirrors), ingests with W Dask worker processes (0: in this process), then times
every judged query of ``bench/data/topical.json`` (and its everyday and traditional twins) through
``ClusterCatalog.search``, first page with facets, as the portal asks. The Whoosh store ingests and answers the
same documents and queries in the same run. Prints a table; writes JSON to ``bench/results/cluster.json``.

``python -m bench.cluster --quality [--docs N] [--shards S]`` measures search quality instead: bench.quality's
known-item and judged queries through the portal's /search.json on the Whoosh store and on a cluster of S shards
holding the same seeded sample of N documents (0: the whole corpus); writes ``bench/results/cluster-quality.json``.

All processes share this machine's two cores: more shards here is more processes on the same cores, so the
figures show the cost of distribution (fan-out, merging), not the gain of more machines.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
QUERIES = ROOT / "bench" / "data" / "topical.json"
RESULTS = ROOT / "bench" / "results"


def sample(path: Path, count: int) -> int:
    written = 0
    with gzip.open(CORPUS, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as sink:
        for line in source:
            if written >= count:
                break
            sink.write(line)
            written += 1
    return written


def queries() -> list[str]:
    """Every judged query and its twin (the official or simplified wording)."""
    found = []
    for item in json.loads(QUERIES.read_text("utf-8")):
        found += [text for text in (item["query"], item.get("twin")) if text]
    return list(dict.fromkeys(found))


def timed_queries(catalog, texts: list[str]) -> dict[str, float]:
    from index.query import SearchRequest

    for text in texts[:5]:  # warm caches, as a running portal's are
        catalog.search(SearchRequest(q=text))
    times = []
    for text in texts:
        started = time.perf_counter()
        catalog.search(SearchRequest(q=text))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": len(times),
    }


def run_cluster(shards: int, corpus: Path, docs: int, workers: int, texts: list[str], root: Path) -> dict:
    from index.cluster.catalog import ClusterCatalog
    from index.cluster.ingest import ingest_cluster, local_client
    from index.cluster.local import LocalCluster

    with LocalCluster(root / f"shards-{shards}", [(shard,) for shard in range(shards)]) as nodes:
        client = local_client(workers) if workers else None
        try:
            started = time.perf_counter()
            report = ingest_cluster([corpus], nodes.topology, client=client)
            seconds = time.perf_counter() - started
        finally:
            if client is not None:
                cluster = client.cluster
                client.close()
                cluster.close()
        catalog = ClusterCatalog(nodes.topology)
        catalog.warm()
        figures = timed_queries(catalog, texts)
        catalog.close()
    written = len(report.added) + len(report.updated)
    return {
        "store": f"cluster, {shards} shard{'s' if shards > 1 else ''}",
        "docs": written,
        "ingest_s": round(seconds, 1),
        "docs_per_s": round(written / seconds, 1),
        **figures,
    }


def run_whoosh(corpus: Path, texts: list[str], root: Path) -> dict:
    from index.whoosh.catalog import Catalog
    from index.whoosh.ingest import ingest_paths

    started = time.perf_counter()
    report = ingest_paths([corpus], root / "whoosh")
    seconds = time.perf_counter() - started
    catalog = Catalog(root / "whoosh")
    catalog.warm()
    figures = timed_queries(catalog, texts)
    catalog.close()
    written = len(report.added)
    return {
        "store": "whoosh",
        "docs": written,
        "ingest_s": round(seconds, 1),
        "docs_per_s": round(written / seconds, 1),
        **figures,
    }


def cluster_portal(topology):
    """bench.quality's Portal (the portal's /search.json, in-process) with PORTAL_STORE=manticore."""
    from bench.quality import Portal

    class ClusterPortal(Portal):
        def __init__(self) -> None:
            from starlette.testclient import TestClient

            from portal.app import create_app
            from portal.settings import load_settings

            environment = {"PORTAL_STORE": "manticore", "PORTAL_MANTICORE": str(topology)}
            settings = replace(load_settings(environment), query_log=RESULTS / "querylog-cluster")
            self.client = TestClient(create_app(settings)).__enter__()

    return ClusterPortal()


def quality(args) -> None:
    """``--quality``: bench.quality's known-item and judged measures for the cluster store (and Whoosh)."""
    from bench.known_items import draw, no_hits
    from bench.quality import TOPICAL, Portal, build_portal, evaluate, print_table
    from bench.quality import sample as seeded_sample
    from bench.textbook import records
    from index.cluster.catalog import ClusterCatalog
    from index.cluster.ingest import ingest_cluster, local_client
    from index.cluster.local import LocalCluster

    RESULTS.mkdir(exist_ok=True)
    corpus = seeded_sample(args.docs, RESULTS)
    docs = list(records(corpus))
    items, empty = draw(docs, args.per_kind), no_hits(docs, args.per_kind // 2)
    topical = json.loads(TOPICAL.read_text("utf-8"))
    tag = args.docs or "all"
    rows: dict[str, dict] = {}
    whoosh = args.whoosh or RESULTS / f"quality-portal-{tag}"
    if not whoosh.exists():
        build_portal(corpus, whoosh)
    system = Portal(whoosh)
    rows["whoosh"] = {"scores": evaluate(system, items, topical, empty)}
    system.close()
    shards = args.shards[0]
    with LocalCluster(RESULTS / f"quality-cluster-{tag}-{shards}", [(s,) for s in range(shards)]) as nodes:
        catalog = ClusterCatalog(nodes.topology)
        held: dict[str, Any] = catalog.stats()
        if held["documents"] < len(docs) // 2:  # an earlier run's cluster is reused
            client = local_client(args.workers) if args.workers else None
            try:
                ingest_cluster([corpus], nodes.topology, client=client)
            finally:
                if client is not None:
                    cluster = client.cluster
                    client.close()
                    cluster.close()
        catalog.close()
        system = cluster_portal(nodes.topology)
        rows[f"cluster, {shards} shards"] = {"scores": evaluate(system, items, topical, empty)}
        system.close()
    print_table(rows, len(items), len(docs))
    (RESULTS / "cluster-quality.json").write_text(json.dumps({"documents": len(docs), "systems": rows}, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000, help="first N documents (--quality: a seeded sample, 0 all)")
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (0: ingest in this process)")
    parser.add_argument("--quality", action="store_true", help="search quality of the cluster store beside Whoosh")
    parser.add_argument("--per-kind", type=int, default=100, help="--quality: known-item queries of each kind")
    parser.add_argument("--whoosh", type=Path, help="--quality: a Whoosh index of the same documents to reuse")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS}")
    if args.quality:
        quality(args)
        return
    texts = queries()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        root = Path(folder)
        corpus = root / "sample.jsonl"
        docs = sample(corpus, args.docs)
        rows.append(run_whoosh(corpus, texts, root))
        for shards in args.shards:
            rows.append(run_cluster(shards, corpus, docs, args.workers, texts, root))
    print(f"{docs} documents of {CORPUS.name}, {len(texts)} queries, {args.workers} Dask workers")
    print("| store | ingest s | docs/s | query p50 ms | query p95 ms |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['store']} | {row['ingest_s']} | {row['docs_per_s']} | {row['p50_ms']} | {row['p95_ms']} |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2), "utf-8")


if __name__ == "__main__":
    main()
