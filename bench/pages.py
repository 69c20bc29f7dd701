"""Portal page latency, side by side: ``python -m bench.pages [--index DIR] [--docs N] [--rounds N]``.

Times the portal's pages through Starlette's TestClient over one index, twice in one run:

* ``per-call`` a Catalog that opens a new Whoosh searcher for every call and recounts the
  whole-index facets every time (what the portal did before it kept searchers per thread)
* ``portal``   the Catalog as shipped

Without ``--index`` it builds one from the first N documents of ../shared/corpus/real.jsonl.gz
(and the bundled documents) under bench/results/, reusing it on later runs.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from bench.corpus import CORPUS, ROOT, dataset
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from portal.app import create_app, open_catalog
from portal.settings import Settings, load_settings

PAGES = [
    "/",
    "/search?q=低保",
    "/search?q=中国 外交部",
    "/search?q=排污许可&sort=newest",
    "/search?publisher=生态环境部",
    "/browse",
    "/feed.atom",
    "/sitemap.xml",
    "/doc/014319733/2018-00019",
]


class PerCallCatalog(Catalog):
    """The baseline: a fresh searcher for every call, facet counts never reused."""

    @contextlib.contextmanager
    def searcher(self, latest: bool = False) -> Iterator:
        with self._index().searcher() as searcher:
            yield searcher

    def facet_counts(self):
        self._facet_cache = None
        return super().facet_counts()


def per_call_catalog(settings: Settings) -> Catalog:
    catalog = PerCallCatalog(settings.index_dir)
    catalog.warm()
    return catalog


def time_pages(index_dir: Path, factory, rounds: int) -> dict[str, float]:
    from starlette.testclient import TestClient

    app = create_app(replace(load_settings({}), index_dir=index_dir), catalog_factory=factory)
    medians = {}
    with TestClient(app) as client:
        for page in PAGES:
            client.get(page)  # warm: first use of this thread's searcher, template compilation
            timings = []
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(page)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            medians[page] = statistics.median(timings)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index folder to time (default: build one)")
    parser.add_argument("--docs", type=int, default=3000, help="corpus documents for the built index")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    index_dir = args.index or _built_index(args.docs)
    rows = {
        "per-call": time_pages(index_dir, per_call_catalog, args.rounds),
        "portal": time_pages(index_dir, open_catalog, args.rounds),
    }
    print(f"\nmedian ms over {args.rounds} requests, index {index_dir}\n")
    print("page | per-call | portal")
    print("--- | --- | ---")
    for page in PAGES:
        print(f"{page} | {rows['per-call'][page]:.0f} | {rows['portal'][page]:.0f}")


def _built_index(docs: int) -> Path:
    index_dir = ROOT / "bench" / "results" / f"pages-index-{docs}"
    if not index_dir.exists():
        if not CORPUS.exists():
            raise SystemExit(f"needs {CORPUS} (../shared beside the checkout), or pass --index")
        (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
        sample = dataset(docs, ROOT / "bench" / "results")  # the corpus's first ``docs`` documents
        ingest_paths([sample, ROOT / "documents"], index_dir)
    return index_dir


if __name__ == "__main__":
    main()
