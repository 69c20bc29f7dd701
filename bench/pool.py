"""Pooling for relevance judgments: ``python -m bench.pool QUERIES_FILE [--depth 20] [--out FILE]``.

Runs every query of ``QUERIES_FILE`` (a JSON list of ``{"query": …, "need": …, "kind": …, "twin": …}``,
the shape of bench/data/topical.json, judgments not needed) through three systems over the whole corpus
(../shared/corpus/real.jsonl.gz) and writes, for each entry, the union of each system's top ``depth``
(TREC pooling, depth 20) as the documents to judge: id, title, publisher, date and the first 300
characters of the body. An entry with a twin (an everyday or traditional query beside its official or
simplified wording) pools both queries: the two share one information need and one set of judgments.

The three systems:

* ``portal``: the portal's /search.json over an index built by ``portal ingest``'s code from this checkout;
* ``textbook``: jieba's ``ChineseAnalyzer`` with Whoosh defaults (bench/textbook.py);
* ``bigrams``: :class:`Bigrams` below, BM25F over overlapping character bigrams counted as substrings,
  any bigram may match (OR). It needs no segmentation, so it finds what a word index misses, and the
  other way round: three different ways to fail widens the pool.

The two Whoosh indexes are built once under bench/results/ (``quality-portal-all``, ``quality-textbook-all``,
about 9 minutes each) and reused, by this and by ``python -m bench.quality --reuse``. The pool file lists each
entry's documents by id, not by system, so the judge does not see who found what; the systems' rankings are
kept apart under ``runs`` for the record.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Protocol

from bench.quality import CORPUS, RESULTS, ROOT, Portal, build_portal
from bench.textbook import Textbook, TextbookOr, build, records

OPENING_CHARS = 300
DEPTH = 20

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Runs of Chinese characters, and runs of Latin letters and digits (kept whole, lower-cased).
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+(?:[.\-/:][0-9a-z]+)*")


def plain(text: str | None) -> str:
    """A body as readable text: HTML tags dropped (the bucm bodies are raw TRS markup), entities decoded,
    whitespace (U+3000 and NBSP included) collapsed to one space."""
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def units(text: str) -> list[str]:
    """The bigram system's terms of ``text``: overlapping character bigrams of each Chinese run (a run of one
    character is itself a term), then whole Latin/digit runs lower-cased with their inner ``. - / :``; repeats
    kept."""
    found: list[str] = []
    for run in _CJK_RUN.findall(text):
        found += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    found += _WORD.findall(text.lower())
    return found


class Ranker(Protocol):
    """A system the pool asks: the ids of the documents it ranks first for a query."""

    def search(self, text: str, limit: int = 10) -> list[str]: ...

    def close(self) -> None: ...


class Bigrams:
    """BM25F over character bigrams, computed by counting substrings in memory; ``search(text) -> [doc id, …]``.

    Each distinct query unit (see :func:`units`) scores ``idf · tf / (tf + k1 · (1 − b + b · len / avglen))``
    with ``tf = 3 · count in title + count in body`` and ``len`` the weighted length in characters; a document
    scores the sum over units (an OR query: any unit may match). k1 = 1.2, b = 0.75 (Robertson & Zaragoza 2009).
    Ties go to the earlier record. No index: about 0.1 s a unit over the whole corpus.
    """

    TITLE_WEIGHT = 3
    K1 = 1.2
    B = 0.75

    def __init__(self, corpus: Path) -> None:
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.bodies: list[str] = []
        for record in records(corpus):
            self.ids.append(record["id"])
            self.titles.append((record.get("title") or "").lower())
            self.bodies.append(plain(record.get("body")).lower())
        lengths = [self.TITLE_WEIGHT * len(t) + len(b) for t, b in zip(self.titles, self.bodies, strict=True)]
        average = sum(lengths) / len(lengths)
        self.norms = [self.K1 * (1 - self.B + self.B * n / average) for n in lengths]

    def search(self, text: str, limit: int = 10) -> list[str]:
        scores: defaultdict[int, float] = defaultdict(float)
        total = len(self.ids)
        for unit in dict.fromkeys(units(text)):
            tfs: dict[int, float] = {}
            for i, (title, body) in enumerate(zip(self.titles, self.bodies, strict=True)):
                in_body = body.count(unit)
                in_title = title.count(unit)
                if in_body or in_title:
                    tfs[i] = self.TITLE_WEIGHT * in_title + in_body
            idf = math.log(1 + (total - len(tfs) + 0.5) / (len(tfs) + 0.5))
            for i, tf in tfs.items():
                scores[i] += idf * tf / (tf + self.norms[i])
        ranked = sorted(scores, key=lambda i: (-scores[i], i))
        return [self.ids[i] for i in ranked[:limit]]

    def close(self) -> None:
        pass


def whoosh_systems(
    out: Path, portal_index: Path | None = None, textbook_index: Path | None = None
) -> dict[str, Ranker]:
    """The portal and the textbook (words ANDed, and ``textbook_or``: any word) over whole-corpus indexes
    under ``out``, built where missing, or over the given existing indexes."""
    systems: dict[str, Ranker] = {}
    given = {"portal": portal_index, "textbook": textbook_index}
    for name, builder, opener in (("portal", build_portal, Portal), ("textbook", build, Textbook)):
        index_dir = given[name] or out / f"quality-{name}-all"
        if given[name]:
            if not index_dir.exists():
                raise SystemExit(f"{index_dir}: no such index")
            systems[name] = opener(index_dir)
            if name == "textbook":
                systems["textbook_or"] = TextbookOr(index_dir)
            continue
        if not index_dir.exists():
            print(f"building the {name} index at {index_dir} (about 9 minutes)", flush=True)
            started = time.perf_counter()
            builder(CORPUS, index_dir)
            (index_dir.parent / f"{index_dir.name}.built-from").write_text(_commit() + "\n")
            print(f"  {time.perf_counter() - started:.0f} s", flush=True)
        systems[name] = opener(index_dir)
        if name == "textbook":
            systems["textbook_or"] = TextbookOr(index_dir)
    return systems


def _commit() -> str:
    """The checkout's commit (with ``-dirty`` for uncommitted changes): what the portal index was built from."""
    run = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=ROOT, capture_output=True, text=True
    )
    return run.stdout.strip() or "unknown"


def pool(entries: list[dict], systems: dict[str, Ranker], documents: dict[str, dict], depth: int) -> dict:
    """``{"entries": [entry + {"pool": [document, …]}], "runs": {system: {query: [id, …]}}}``."""
    runs: dict[str, dict[str, list[str]]] = {name: {} for name in systems}
    pooled = []
    for entry in entries:
        queries = [entry["query"]] + ([entry["twin"]] if entry.get("twin") else [])
        found: set[str] = set()
        for query in queries:
            for name, system in systems.items():
                if query not in runs[name]:
                    runs[name][query] = system.search(query, limit=depth)
                found.update(runs[name][query])
        pooled.append(
            {k: v for k, v in entry.items() if k != "judgments"} | {"pool": [documents[i] for i in sorted(found)]}
        )
    return {"depth": depth, "systems": list(systems), "entries": pooled, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pool", description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path, help="JSON list of {query, need, kind, twin}")
    parser.add_argument("--depth", type=int, default=DEPTH, help=f"each system's top N pooled (default {DEPTH})")
    parser.add_argument("--out", type=Path, help="the pool file (default bench/results/pool-<queries name>.json)")
    parser.add_argument(
        "--systems",
        default="portal,textbook,bigrams",
        help="comma-separated, of portal, textbook (AND), textbook_or, bigrams (default portal,textbook,bigrams)",
    )
    parser.add_argument("--portal-index", type=Path, help="an existing whole-corpus portal index to ask")
    parser.add_argument("--textbook-index", type=Path, help="an existing whole-corpus textbook index to ask")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS} (../shared beside the checkout)")
    wanted = args.systems.split(",")
    unknown = set(wanted) - {"portal", "textbook", "textbook_or", "bigrams"}
    if unknown:
        raise SystemExit(f"--systems: unknown {', '.join(sorted(unknown))}")
    entries = json.loads(args.queries.read_text("utf-8"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.out or RESULTS / f"pool-{args.queries.stem}.json"
    documents = {
        r["id"]: {
            "id": r["id"],
            "title": r.get("title") or "",
            "publisher": r.get("publisher") or "",
            "date": r.get("date") or r.get("year") or "",
            "opening": plain(r.get("body"))[:OPENING_CHARS],
            "length": len(plain(r.get("body"))),
        }
        for r in records(CORPUS)
    }
    systems = whoosh_systems(RESULTS, args.portal_index, args.textbook_index)
    if "bigrams" in wanted:
        systems["bigrams"] = Bigrams(CORPUS)
    for name in [n for n in systems if n not in wanted]:
        systems.pop(name).close()
    try:
        result = pool(entries, systems, documents, args.depth)
    finally:
        for system in systems.values():
            system.close()
    built_from = RESULTS / "quality-portal-all.built-from"
    if args.portal_index:
        result["portal_built_from"] = str(args.portal_index)
    else:
        result["portal_built_from"] = built_from.read_text().strip() if built_from.exists() else "unknown"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    sizes = [len(e["pool"]) for e in result["entries"]]
    print(f"{len(sizes)} entries, {sum(sizes)} documents to judge (median {sorted(sizes)[len(sizes) // 2]}): {out}")


if __name__ == "__main__":
    main()
