"""Each synonym group's official term against the corpus: ``python -m bench.synonym_check [--corpus P] [--file P]``.

The synonym file (index/data/synonyms.txt) is a list of groups, official term first (index/query/synonyms.py).
A group is only worth shipping if the documents use its official term, so this counts, for every term of every
group, the documents of the corpus (by default ../shared/corpus/real.jsonl.gz, titles and bodies in simplified
characters) holding it, prints one line per group (``official (docs) | everyday (docs) …``), and exits 1 when
an official term occurs in no document.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from index.analysis import fold
from index.convert import to_simplified
from index.query.synonyms import DEFAULT_PATH, SynonymTable

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real.jsonl.gz"


def corpus_texts(path: Path) -> Iterable[str]:
    """Title and body of every record of a JSON Lines corpus (gzip or plain), simplified, folded, lower case."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield to_simplified(fold(f"{record.get('title') or ''}\n{record.get('body') or ''}")).lower()


def document_counts(table: SynonymTable, texts: Iterable[str]) -> dict[str, int]:
    """term → documents holding it, for every term of every group."""
    terms = {term for group in table.groups for term in group}
    counts = dict.fromkeys(terms, 0)
    short = [term for term in terms if len(term) < 2]
    by_bigram: dict[int, list[str]] = {}
    for term in terms - set(short):
        by_bigram.setdefault(_bigram_codes(term[:2])[0], []).append(term)
    wanted = np.array(sorted(by_bigram), np.uint64)
    for text in texts:
        # a term can only occur where its first two characters do: the text's bigrams (as numbers, with numpy)
        # against the terms' first bigrams leave a few substring searches of ~1,000 (the corpus took half a minute)
        present = np.intersect1d(_bigram_codes(text), wanted, assume_unique=False)
        for term in [*short, *(term for code in present.tolist() for term in by_bigram[code])]:
            if term in text:
                counts[term] += 1
    return counts


def officials_missing(table: SynonymTable, texts: Iterable[str]) -> list[str]:
    """The groups' official terms that occur in none of ``texts``, in the table's order. Reads only until every
    one has been found, and looks in each text only for those not yet found (what ``make test`` checks; the
    counts of :func:`document_counts` read everything)."""
    left = dict.fromkeys(group[0] for group in table.groups)
    for text in texts:
        for term in [term for term in left if term in text]:
            del left[term]
        if not left:
            break
    return list(left)


def _bigram_codes(text: str) -> np.ndarray:
    """Each pair of neighbouring characters of ``text`` as one number (code points: 21 bits each)."""
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)
    return (points[:-1] << np.uint64(21)) | points[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synonym_check", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--file", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    table = SynonymTable.parse(args.file.read_text("utf-8"), str(args.file))
    counts = document_counts(table, corpus_texts(args.corpus))
    missing = [group[0] for group in table.groups if not counts[group[0]]]
    for group in table.groups:
        print(" | ".join(f"{term} ({counts[term]})" for term in group))
    for problem in table.problems:
        print(problem, file=sys.stderr)
    print(f"\n{len(table.groups)} groups; official term found in the corpus for {len(table.groups) - len(missing)}")
    if missing:
        print("official terms in no document: " + "、".join(missing), file=sys.stderr)
    return 1 if missing or table.problems else 0


if __name__ == "__main__":
    sys.exit(main())
