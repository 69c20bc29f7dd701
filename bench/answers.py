"""Whether two searches answer alike: ``python -m bench.answers INDEX [OTHER_INDEX] [--portal-code DIR]`` searches a
fixed set of queries on ``INDEX`` with this checkout's code and on ``OTHER_INDEX`` (default: ``INDEX``) with the code
of ``DIR`` (default: this checkout), and prints the differences and a JSON summary; exit status 1 where any.

For a change that must leave results as they were: the same index before and after a change to the read path
(``--portal-code`` a checkout of main, ``git archive main | tar -x -C DIR``), or an index beside the same index
merged (``portal optimize``), one code. The queries: the latency mix (:data:`bench.latency.MIX`), the everyday
and topical benchmarks' queries (``bench/data/everyday.json``, ``topical.json``), 25 titles of the index's own
documents as pasted titles (seeded), and five of those with a filter; each on pages 1 and 2. Every field of the
result is compared (hits' ids and order, totals, facets, highlights, notices, corrections) except the time it took;
scores to a relative 1e-5 (float32 sums in another order).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.latency import MIX
from bench.measure import ROOT

DATA = Path(__file__).parent / "data"
TITLES = 25
SEED = 5
TOLERANCE = 1e-5

# Run by the code of the checkout compared (its own ``index`` package, by PYTHONPATH): only what every version of the
# read API has had.
_DUMP = """
import dataclasses, json, sys
from pathlib import Path
from index.query import SearchRequest
from index.whoosh.catalog import Catalog
index, queries, out = Path(sys.argv[1]), json.load(open(sys.argv[2], encoding="utf-8")), sys.argv[3]
catalog = Catalog(index)
answers = []
for q, filters, sort, page in queries:
    found = dataclasses.asdict(catalog.search(SearchRequest(q=q, filters=filters, sort=sort, page=page)))
    found.pop("elapsed_ms", None)
    found.pop("request", None)
    answers.append(found)
json.dump(answers, open(out, "w", encoding="utf-8"), ensure_ascii=False, default=str)
"""


def queries(index: Path) -> list[tuple[str, dict[str, list[str]], str, int]]:
    """(q, filters, sort, page) of every search compared."""
    import random

    from index.whoosh.catalog import Catalog

    found: list[tuple[str, dict[str, list[str]], str]] = [(q, filters, sort) for _kind, q, filters, sort in MIX]
    for name in ("everyday.json", "topical.json"):
        found += [(entry["query"], {}, "relevance") for entry in json.loads((DATA / name).read_text("utf-8"))]
    catalog = Catalog(index)
    try:
        with catalog.searcher() as searcher:
            reader = searcher.reader()
            size, draw = reader.doc_count_all(), random.Random(SEED)
            chosen: list[str] = []
            for _ in range(50 * TITLES):
                if len(chosen) >= TITLES or not size:
                    break
                docnum = draw.randrange(size)
                title = "" if reader.is_deleted(docnum) else str(reader.stored_fields(docnum).get("title") or "")
                if title:
                    chosen.append(title)
    finally:
        catalog.close()
    found += [(title, {}, "relevance") for title in chosen]
    found += [("通知 " + title[:6], {"year": ["2019"]}, "relevance") for title in chosen[:5]]
    return [(q, filters, sort, page) for q, filters, sort in found for page in (1, 2)]


def answers(index: Path, asked: Path, code: Path, out: Path) -> list[dict]:
    """The answers of ``code``'s checkout to the queries in ``asked`` on ``index`` (a process of their own)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([sys.executable, "-c", _DUMP, str(index), str(asked), str(out)], cwd=code, env=env, check=True)
    return json.loads(out.read_text("utf-8"))


def differences(a: object, b: object, where: str = "") -> list[str]:
    """Where ``a`` and ``b`` (decoded JSON) differ; floats to a relative TOLERANCE."""
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-6) else [f"{where}: {a} ≠ {b}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: fields {sorted(a.keys() ^ b.keys())}"]
        return [found for key in a for found in differences(a[key], b[key], f"{where}.{key}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} ≠ {len(b)} entries"]
        return [
            found for i, (x, y) in enumerate(zip(a, b, strict=True)) for found in differences(x, y, f"{where}[{i}]")
        ]
    return [] if a == b else [f"{where}: {str(a)[:80]!r} ≠ {str(b)[:80]!r}"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("other", type=Path, nargs="?", help="the index the other code searches (default: INDEX)")
    parser.add_argument("--portal-code", type=Path, default=ROOT, help="the other checkout (default: this one)")
    args = parser.parse_args()
    other = args.other or args.index
    asked = queries(args.index)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "queries.json").write_text(json.dumps(asked, ensure_ascii=False), "utf-8")
        ours = answers(args.index.resolve(), folder / "queries.json", ROOT, folder / "ours.json")
        theirs = answers(other.resolve(), folder / "queries.json", args.portal_code.resolve(), folder / "theirs.json")
    found = [
        line
        for (q, _filters, _sort, page), a, b in zip(asked, ours, theirs, strict=True)
        for line in differences(a, b, f"{q}@{page}")
    ]
    for line in found[:40]:
        print(line)
    print(
        json.dumps(
            {
                "searches": len(asked),
                "differences": len(found),
                "index": str(args.index),
                "other": str(other),
                "portal_code": str(args.portal_code),
            },
            ensure_ascii=False,
        )
    )
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
