"""Precision of the claims document pages make (issue 20): is each one true by the documents' own text?

A *claim* is what a page states about a document: that it was replaced by another (``replaced_by``, shown on
the earlier document), that it repeals or replaces another (``repeals``, on the later one), that another is
an edition of the same regulation (``version``: 现行版本 / 历史版本), that it interprets another (``interprets``:
解读 → 原文, either page), and its 文件类型 (``kind``: 原文, 解读 or 新闻发布). Each relation comes with the
sentence the page shows as its source.

``python -m bench.claims --draw --index DIR`` enumerates every claim the portal shows on the index at ``DIR``
(an ingest of ``../shared/corpus/real.jsonl.gz``), one per document and relation, copies of a document once,
and draws a seeded random sample, stratified by type (the relations are rare beside the 10,832 kinds), into
``bench/data/claims-sample.json``. The sample holds only each claim's key, type, document ids and value: the
corpus is never copied into the repository (its README), so titles, dates, openings and the sentence a page
shows stay in the corpus and the index. ``--texts OUT`` writes, outside the repository, the judge's copy: each
claim with both titles and dates, the sentence and the opening of both documents' texts, read from ``--index``.
Judgments are made by a person reading both documents' texts and kept in ``bench/data/claims-judgments.json``
(claim key → ``{"true": bool, "why": str}``); drawing again keeps them.

``python -m bench.claims`` prints precision per claim type and overall, over the judged claims of the sample
(the keys and judgments are all it needs), and names the claims judged false, titled from
``../shared/corpus/real.jsonl.gz`` (``--corpus``); where the corpus is absent, the false claims are named by key
and the check that every document of the sample is in the corpus is skipped, saying so. The sample was drawn
after the rules were written: none of its claims was used to tune them (the held-out figure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "bench" / "data" / "claims-sample.json"
JUDGMENTS = ROOT / "bench" / "data" / "claims-judgments.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
SEED = 20
# Claims drawn per type (kind is drawn per value: a 原文 is the common, easy case).
PER_TYPE = {"replaced_by": 45, "repeals": 45, "version": 40, "interprets": 45}
PER_KIND = {"解读": 20, "新闻发布": 20, "原文": 10}
EXCERPT = 300  # characters of each document's opening kept beside a claim, for the judge


def enumerate_claims(index_dir: Path) -> list[dict]:
    """Every claim the portal's pages show on the index at ``index_dir`` (copies of a document once).

    Each document's kind is read; its relations are asked of the catalog only where it can have some: it
    states a repeal or cites a document, another's statement or citation names it, or it shares a version key
    with another (every other document's relation lists are empty by the rules of index/query/linked.py).
    """
    from index import crossrefs
    from index.schema import from_stored
    from index.whoosh.catalog import Catalog

    catalog = Catalog(index_dir)
    claims: dict[str, dict] = {}
    try:
        listed = {doc_id for doc_id, _ in catalog.document_dates()}  # copies once
        with catalog.searcher() as searcher:
            docs = [from_stored(stored) for stored in searcher.reader().all_stored_fields()]
        docs = [doc for doc in docs if doc.id in listed]
        named: set[str] = set()
        stating: set[str] = set()
        versions: Counter = Counter()
        for doc in docs:
            tokens = [token for found in crossrefs.statements(doc) for token in found.tokens] + crossrefs.cites(doc)
            tokens += crossrefs.related_tokens(doc)
            if tokens:
                stating.add(doc.id)
                named.update(tokens)
            versions[crossrefs.version_key(doc)] += 1
        for doc in docs:
            kind = crossrefs.kind(doc)
            add(claims, "kind", doc, None, kind, f"{kind}：{doc.title}")
            key = crossrefs.version_key(doc)
            if not (doc.id in stating or named.intersection(crossrefs.refs(doc)) or (key and versions[key] > 1)):
                continue
            linked = catalog.relations(doc)
            for item in linked.replaced_by:
                add(claims, "replaced_by", doc, item, "", item.sentence)
            for item in linked.replaces:
                add(claims, "repeals", doc, item, "", item.sentence)
            for item in [*linked.current_version, *linked.older_versions]:
                pair = sorted((doc.id, item.id))
                add(claims, "version", doc, item, "", item.sentence, key=f"version|{pair[0]}|{pair[1]}")
            for item in linked.interprets:
                add(claims, "interprets", doc, item, "", item.sentence, key=f"interprets|{doc.id}|{item.id}")
            for item in linked.interpretations:
                add(claims, "interprets", item, doc, "", item.sentence, key=f"interprets|{item.id}|{doc.id}")
    finally:
        catalog.close()
    return list(claims.values())


def add(claims: dict, kind: str, doc, other, value: str, sentence: str, key: str = "") -> None:
    key = key or f"{kind}|{doc.id}|{other.id if other else value}"
    if key in claims:
        return
    claims[key] = {
        "key": key,
        "type": kind,
        "doc": {"id": doc.id, "title": doc.title, "date": getattr(doc, "pub_date", "")},
        "other": {"id": other.id, "title": other.title, "date": other.pub_date} if other else None,
        "value": value,
        "sentence": sentence,
    }


def draw(claims: list[dict], seed: int = SEED) -> list[dict]:
    """A seeded random sample, stratified by claim type (and by value for kind)."""
    rng = random.Random(seed)
    strata: dict[str, list[dict]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: c["key"]):
        strata[claim["type"] if claim["type"] != "kind" else f"kind:{claim['value']}"].append(claim)
    wanted = {**PER_TYPE, **{f"kind:{value}": n for value, n in PER_KIND.items()}}
    sample = []
    for stratum, size in wanted.items():
        found = strata.get(stratum, [])
        sample += rng.sample(found, min(size, len(found)))
    return sample


def with_texts(sample: list[dict], index_dir: Path) -> list[dict]:
    """Each claim with the opening of both documents' texts, for the judge."""
    from index.whoosh.catalog import Catalog

    catalog = Catalog(index_dir)
    try:
        for claim in sample:
            for side in ("doc", "other"):
                if claim[side]:
                    doc = catalog.get(claim[side]["id"])
                    claim[side]["opening"] = (doc.body[:EXCERPT] if doc else "").replace("\n", " ")
    finally:
        catalog.close()
    return sample


def kept(claim: dict) -> dict:
    """What the committed sample holds of a claim: its key, type, value and the documents' ids (no corpus text)."""
    return {
        "key": claim["key"],
        "type": claim["type"],
        "doc": {"id": claim["doc"]["id"]},
        "other": {"id": claim["other"]["id"]} if claim["other"] else None,
        "value": claim["value"],
    }


def corpus_titles(ids: set[str], corpus: Path = CORPUS) -> dict[str, str] | None:
    """id → title of the documents ``ids`` in the corpus at ``corpus`` (JSON Lines, gzip); None where it is absent."""
    if not corpus.is_file():
        return None
    from bench.corpus import records

    return {record["id"]: str(record.get("title") or "") for record in records(corpus) if record.get("id") in ids}


def precision(sample: list[dict], judgments: dict) -> tuple[dict[str, tuple[int, int]], list[dict]]:
    """type → (judged true, judged), and the claims judged false."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false = []
    for claim in sample:
        verdict = judgments.get(claim["key"])
        if verdict is None:
            continue
        counts[claim["type"]][1] += 1
        counts[claim["type"]][0] += bool(verdict["true"])
        if not verdict["true"]:
            false.append({**claim, "why": verdict.get("why", "")})
    return {kind: (good, total) for kind, (good, total) in counts.items()}, false


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draw", action="store_true", help="enumerate the claims on --index and draw the sample")
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("PORTAL_INDEX_DIR", "index")))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--texts", type=Path, help="with --draw: write the judge's copy (with the texts) here")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus the sample was drawn from")
    args = parser.parse_args(argv)
    if args.texts and ROOT in args.texts.resolve().parents:
        parser.error(f"--texts {args.texts}: the judge's copy holds corpus text; write it outside the repository")
    if args.draw:
        claims = enumerate_claims(args.index)
        print("claims shown:", dict(Counter(c["type"] for c in claims)), file=sys.stderr)
        drawn = draw(claims, args.seed)
        SAMPLE.write_text(json.dumps([kept(c) for c in drawn], ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"{len(drawn)} claims drawn into {SAMPLE.relative_to(ROOT)}", file=sys.stderr)
        if args.texts:
            judged = with_texts(drawn, args.index)
            args.texts.write_text(json.dumps(judged, ensure_ascii=False, indent=1) + "\n", "utf-8")
            print(f"the judge's copy: {args.texts}", file=sys.stderr)
    sample = json.loads(SAMPLE.read_text("utf-8"))
    judgments = json.loads(JUDGMENTS.read_text("utf-8")) if JUDGMENTS.exists() else {}
    counts, false = precision(sample, judgments)
    unjudged = sum(1 for claim in sample if claim["key"] not in judgments)
    print(f"claims in the sample: {len(sample)}, judged: {len(sample) - unjudged}")
    print("| claim type | true | judged | precision |\n|---|---:|---:|---:|")
    for kind in ("replaced_by", "repeals", "version", "interprets", "kind"):
        good, total = counts.get(kind, (0, 0))
        print(f"| {kind} | {good} | {total} | {100 * good / total if total else 0:.1f}% |")
    good, total = sum(g for g, _ in counts.values()), sum(t for _, t in counts.values())
    print(f"| **all** | {good} | {total} | {100 * good / total if total else 0:.1f}% |")
    ids = {claim[side]["id"] for claim in sample for side in ("doc", "other") if claim[side]}
    titles = corpus_titles(ids, args.corpus)
    if titles is None:
        print(f"skipped: {args.corpus} is absent: the false claims are named by key, the sample's documents unchecked")
    elif missing := sorted(ids - set(titles)):
        print(f"{len(missing)} documents of the sample are not in {args.corpus}: {', '.join(missing[:5])}")
        return 1
    for claim in false:
        if titles is None:
            print(f"false: {claim['key']}: {claim['why']}")
            continue
        other = titles[claim["other"]["id"]] if claim["other"] else claim["value"]
        print(f"false: {claim['type']} {titles[claim['doc']['id']]} → {other}: {claim['why']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
