"""The benchmark's document sets: the shared corpus, and a seeded expansion of it to any size.

``python -m bench.corpus --docs 100000 --out FILE`` writes the expansion as JSON Lines. The recipe keeps
the corpus's vocabulary and document-frequency profile (so postings, facets and queries behave as they
would on a larger portal of the same kind) while making every document new:

* copy 0 is the corpus itself; copy k (1, 2, …) of a record gets the id ``<id>~k`` and its URL ``#copy-k``;
* its body's paragraphs are shuffled, and one of them is replaced by a paragraph of another record of the
  same source (so no copy repeats another's body: copies are not collapsed as duplicates);
* its date moves k years back (not before 1980); title, publisher, 文号 and category stay (real portals
  do republish titles: laws in several versions, yearly notices).

Everything is drawn from ``random.Random(f"{seed}:{k}:{id}")``: the same seed gives the same documents.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
SEED = 20261130


def records(path: Path = CORPUS) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def expanded(base: list[dict], count: int, seed: int = SEED) -> Iterator[dict]:
    """``count`` documents: the base records, then copies of them (see the module docstring)."""
    by_source: dict[str, list[dict]] = {}
    for record in base:
        by_source.setdefault(str(record.get("source")), []).append(record)
    made = 0
    copy = 0
    while made < count:
        for record in base:
            if made >= count:
                return
            yield record if copy == 0 else _copy(record, copy, by_source[str(record.get("source"))], seed)
            made += 1
        copy += 1


def _copy(record: dict, k: int, same_source: list[dict], seed: int) -> dict:
    rng = random.Random(f"{seed}:{k}:{record['id']}")
    paragraphs = [p for p in (record.get("body") or "").split("\n") if p.strip()]
    rng.shuffle(paragraphs)
    donor = rng.choice(same_source)
    donated = [p for p in (donor.get("body") or "").split("\n") if p.strip()]
    if paragraphs and donated:
        paragraphs[rng.randrange(len(paragraphs))] = rng.choice(donated)
    elif donated:
        paragraphs = [rng.choice(donated)]
    date = record.get("date") or ""
    if date[:4].isdigit():
        date = f"{max(1980, int(date[:4]) - k):04d}{date[4:]}"
    return {
        **record,
        "id": f"{record['id']}~{k}",
        "body": "\n".join(paragraphs),
        "date": date or None,
        "year": date[:4] if date[:4].isdigit() else record.get("year"),
        "url": f"{record.get('url') or ''}#copy-{k}",
    }


def write(path: Path, docs: Iterator[dict]) -> int:
    """Write documents as JSON Lines; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as sink:
        for doc in docs:
            sink.write(json.dumps(doc, ensure_ascii=False) + "\n")
            count += 1
    return count


def dataset(docs: int, folder: Path, seed: int = SEED) -> Path:
    """The JSON Lines file of ``docs`` documents (the corpus itself for its own size or fewer), made once."""
    path = folder / f"corpus-{docs}.jsonl"
    if path.exists():
        return path
    base = list(itertools.islice(records(), docs))  # the corpus read no further than the documents taken
    if len(base) == docs:
        write(path, iter(base))
        return path
    path = folder / f"expanded-{docs}-{seed}.jsonl"
    if not path.exists():
        partial = path.with_suffix(".part")
        write(partial, expanded(base, docs, seed))
        partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write(args.out, expanded(list(records()), args.docs, args.seed)), "documents written to", args.out)


if __name__ == "__main__":
    main()
