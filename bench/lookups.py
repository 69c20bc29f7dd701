"""A term's first look-up, by positional reads (index/whoosh/termtable.py) beside Whoosh's own reader:
``python -m bench.lookups INDEX_DIR [--field F] [--terms N] [--rounds R]`` prints JSON.

What a cold query pays per term and segment before it decodes the list: the term's entry in the segment's hash
table, then the list's bytes (:func:`index.whoosh.postings._lookup`). The two ways alternate in one process, each
round on a fresh reader (nothing cached) and a fresh random sample of the field's terms, so that a changing load
weighs on both; CPU and wall microseconds per look-up, each way's rounds sorted.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path


def measure(index_dir: Path, field: str, terms: int, rounds: int) -> dict[str, object]:
    from index.whoosh import generations, postings

    ix = generations.open_current(index_dir)
    try:
        reader = ix.reader()
        every = [term.decode("utf-8") for term in reader.lexicon(field)]
        reader.close()
        ways = {
            "pread": (postings.term_table, postings.positional_file),
            "whoosh": (lambda hashreader: None, lambda structfile: None),
        }
        found: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
        rng = random.Random(4)
        try:
            for _ in range(rounds):
                for way, (table, positional) in ways.items():
                    postings.term_table, postings.positional_file = table, positional
                    reader = ix.reader()
                    sample = rng.sample(every, min(terms, len(every)))
                    started, started_cpu = time.perf_counter(), time.process_time()
                    for term in sample:
                        postings._lookup(reader, field, term)
                    cpu = (time.process_time() - started_cpu) / len(sample) * 1e6
                    found[way].append((cpu, (time.perf_counter() - started) / len(sample) * 1e6))
                    reader.close()
        finally:
            postings.term_table, postings.positional_file = ways["pread"]
    finally:
        ix.close()
    return {
        "field": field,
        "terms": terms,
        **{f"{way}_cpu_us": sorted(round(cpu, 1) for cpu, _ in times) for way, times in found.items()},
        **{f"{way}_wall_us": sorted(round(wall, 1) for _, wall in times) for way, times in found.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lookups", description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--field", default="body_grams")
    parser.add_argument("--terms", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    print(json.dumps(measure(args.index, args.field, args.terms, args.rounds)))


if __name__ == "__main__":
    main()
