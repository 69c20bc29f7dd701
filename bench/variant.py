"""One benchmark variant in its own process (see bench/__main__.py); prints one JSON line."""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench.__main__ import QUERIES
from index.ingest import ingest_paths
from index.query import Catalog, SearchRequest


def main(variant: str, sample: Path, index_dir: Path) -> None:
    analyzer = None
    if variant == "baseline":
        from jieba.analyse import ChineseAnalyzer as JiebaAnalyzer  # character offsets as positions

        analyzer = JiebaAnalyzer()
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    report = ingest_paths([sample], index_dir, analyzer=analyzer)
    ingest_s = time.perf_counter() - started
    catalog = Catalog(index_dir)
    catalog.warm()
    timings = []
    for _ in range(3):
        for query in QUERIES:
            started = time.perf_counter()
            catalog.search(SearchRequest(q=query))
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "variant": variant,
                "documents": len(report.added),
                "ingest_s": ingest_s,
                "docs_per_s": len(report.added) / ingest_s,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "index_mb": size / 2**20,
                "search_p50_ms": statistics.median(timings),
                "search_p95_ms": timings[int(len(timings) * 0.95) - 1],
                "phrase_hits": catalog.search(SearchRequest(q='"政府信息公开"')).total,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
