"""How readable the shared corpus's bodies come out of the normaliser: ``python -m bench.bodies``.

For each source of ``../shared/corpus/real.jsonl.gz``: bodies, bodies still one wall of text (one
paragraph over 300 characters), bodies still carrying Markdown or HTML-comment markup (``# `` at a
line start, ``<!--``), and bodies whose paragraphs include a line of page tools. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

from index.htmltext import is_page_tools
from index.normalise import RejectedRecord, normalise
from index.record import RawRecord

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real.jsonl.gz"
_WALL = 300
_MARKUP = re.compile(r"^#{1,6} |<!--", re.MULTILINE)


def measure(path: Path) -> dict[str, Counter]:
    """Counts per source: bodies, walls, markup, tools."""
    counts: dict[str, Counter] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            row = json.loads(line)
            source = counts.setdefault(row.get("source") or "?", Counter())
            try:
                doc = normalise(RawRecord(str(path), f"line {number}", row), today=date(2026, 1, 1))
            except RejectedRecord:
                source["rejected"] += 1
                continue
            if not doc.body:
                continue
            paragraphs = doc.body.split("\n\n")
            source["bodies"] += 1
            source["walls"] += len(paragraphs) == 1 and len(doc.body) > _WALL
            source["markup"] += bool(_MARKUP.search(doc.body))
            source["tools"] += any(is_page_tools(p) for p in paragraphs)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bodies", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a JSON Lines (.gz) corpus")
    args = parser.parse_args()
    counts = measure(args.corpus)
    print("| source | bodies | one wall of text (> 300 chars) | Markdown/comment markup | page-tool lines |")
    print("|---|---|---|---|---|")
    for source, c in sorted(counts.items()):
        print(f"| {source} | {c['bodies']} | {c['walls']} | {c['markup']} | {c['tools']} |")


if __name__ == "__main__":
    main()
