"""Whether two portal indexes built from the same input hold the same: ``python -m bench.same_index A B``.

For a change meant to keep the index as it was (a faster ingest): build the same small input with the old code
(``git archive`` unpacked, run from there) and the new, each with ``PYTHONHASHSEED=0`` (Whoosh writes a document's
stored fields in the order of a set of names), then compare:

* the bytes of each segment file by kind (term tables ``.trm``, posting lists ``.pst``, stored fields), and of the
  parts of each compound ``.seg`` file by kind: their names hold the segment's random name, so the ``.seg`` file as
  a whole, and the arrays saved beside the commit, which name it, differ between any two builds;
* every stored document (its fields, in their order);
* the results of ``bench.latency``'s query mix and two broad queries, two pages each: ids, scores, highlighted
  title and snippet, copies, facets and totals;
* the history's versions (digest, compressed document) and raw blobs, byte for byte, and its count of sightings.

Prints one line per comparison and exits 1 if any differs.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from bench.latency import MIX
from index import history
from index.query import SearchRequest
from index.whoosh import generations
from index.whoosh.catalog import Catalog

_BROAD: list[tuple[str, str, dict[str, list[str]], str]] = [
    ("broad", "通知", {}, "date"),
    ("broad", "关于", {}, "relevance"),
]


def segment_files(index: Path) -> dict[str, list[str]]:
    """SHA-1 of each segment file and of each part of a compound file, by kind (the name after the segment's)."""
    generation = generations.current_generation(index)
    assert generation is not None, f"no index at {index}"
    found: dict[str, list[str]] = {}
    for path in sorted(generation.glob("MAIN_*.*")):
        kind = path.name.split(".", 1)[1]
        if kind == "seg":
            compound = CompoundStorage(FileStorage(str(generation)).open_file(path.name), use_mmap=False)
            try:
                for name in compound.list():
                    part = compound.open_file(name)
                    data = part.read()
                    part.close()
                    found.setdefault("seg:" + name.split(".", 1)[1], []).append(hashlib.sha1(data).hexdigest())
            finally:
                compound.close()  # its file: left to the collector, an unraisable ResourceWarning under pytest
        else:
            found.setdefault(kind, []).append(hashlib.sha1(path.read_bytes()).hexdigest())
    return {kind: sorted(hashes) for kind, hashes in found.items()}


def stored_documents(index: Path) -> list[bytes]:
    """Every stored document, pickled (its fields in their order), sorted."""
    with generations.open_current(index).searcher() as searcher:
        return sorted(pickle.dumps(list(fields.items())) for fields in searcher.all_stored_fields())


def search_results(index: Path) -> list[Any]:
    """The mix's results, two pages each (see the module docstring)."""
    catalog = Catalog(index)
    catalog.warm()
    found = []
    try:
        for _, q, filters, sort in MIX + _BROAD:
            for page in (1, 2):
                result = catalog.search(SearchRequest(q=q, filters=filters, sort=sort, page=page))
                hits = [
                    (hit.id, round(hit.score, 9), hit.title_html, hit.snippet_html, [copy.id for copy in hit.copies])
                    for hit in result.hits
                ]
                facets = {
                    name: [(value.value, value.count) for value in values] for name, values in result.facets.items()
                }
                found.append((q, page, result.total, hits, facets))
    finally:
        catalog.close()
    return found


def history_blobs(index: Path) -> tuple[list[Any], list[Any], int]:
    """The history's versions and raw blobs (times left out: every ingest has its own) and its sightings' count."""
    path = history.path_for(index)
    if not path.exists():
        return [], [], 0
    db = sqlite3.connect(path)
    try:
        versions = sorted(db.execute("SELECT doc_id, n, digest, raw_sha256, payload FROM versions"))
        raw = sorted(db.execute("SELECT sha256, size, content_type, data FROM raw"))
        sightings = db.execute("SELECT count(*) FROM sightings").fetchone()[0]
    finally:
        db.close()
    return versions, raw, sightings


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m bench.same_index INDEX_A INDEX_B")
    first, second = Path(sys.argv[1]), Path(sys.argv[2])
    same = True
    for name, compare in (
        ("segment files and compound parts", segment_files),
        ("stored documents", stored_documents),
        ("search results", search_results),
        ("history versions, raw blobs, sightings", history_blobs),
    ):
        a, b = compare(first), compare(second)
        size = len(a[0]) if isinstance(a, tuple) else len(a)
        print(f"{name}: {'same' if a == b else 'DIFFERENT'} ({size})", flush=True)
        same = same and a == b
    raise SystemExit(0 if same else 1)


if __name__ == "__main__":
    main()
