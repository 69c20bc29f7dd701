"""rjieba's cut beside jieba's on the whole corpus: ``python -m bench.segmenter [--every N]``.

Ingest cuts words with rjieba set up to give jieba's exact tokens (:class:`index.analysis.FastSegmenter`); queries
are cut by jieba itself. ``tests/test_analysis.py`` holds the two equal on every 50th corpus document; this runs
every document (title and body) and prints how many differ, the first differences, and each one's speed in
characters per second.
"""

from __future__ import annotations

import argparse
import itertools
import time

from bench.corpus import CORPUS, records
from index.analysis import FastSegmenter, fold, jieba_tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.segmenter", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="every Nth document (default: all)")
    args = parser.parse_args()
    texts = [
        fold(f"{record.get('title') or ''}\n{record.get('body') or ''}")
        for record in itertools.islice(records(CORPUS), 0, None, args.every)
    ]
    fast, jieba = FastSegmenter(), jieba_tokenizer()
    started = time.perf_counter()
    fast_cuts = [fast.cut(text) for text in texts]
    fast_seconds = time.perf_counter() - started
    started = time.perf_counter()
    jieba_cuts = [list(jieba.cut(text, HMM=True)) for text in texts]
    jieba_seconds = time.perf_counter() - started
    differ = [i for i, (a, b) in enumerate(zip(fast_cuts, jieba_cuts, strict=True)) if a != b]
    chars = sum(map(len, texts))
    print(f"{len(texts):,} documents, {chars:,} characters: {len(differ)} cut differently")
    print(f"rjieba {chars / fast_seconds:,.0f} characters/s, jieba {chars / jieba_seconds:,.0f} characters/s")
    for i in differ[:5]:
        ours, theirs = fast_cuts[i], jieba_cuts[i]
        first = next(k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b)
        print(f"  document {i * args.every}: rjieba {ours[first : first + 5]}, jieba {theirs[first : first + 5]}")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
