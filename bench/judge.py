"""Blind judging of a pool file: ``python -m bench.judge POOL show ID…`` and ``… grade ID GRADES [NOTE]``.

``show`` prints an entry's query, need and pooled documents in an order shuffled by the entry id, numbered
1…n, without saying which system found which (the pool file keeps that under ``runs``, never printed here):
title, publisher, date, body length and the opening of the body. ``grade`` takes the grades in that printed
order as one string of digits 0–3 (``3210…``, one per document) and stores them, by document id, in
bench/data/everyday-judgments.json, with an optional note. Grades: bench/data/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bench.everyday import JUDGMENTS


def blind_order(entry: dict) -> list[dict]:
    """The entry's pooled documents in a fixed order shuffled by the entry id (not by system, not by rank)."""
    documents = sorted(entry["pool"], key=lambda d: d["id"])
    random.Random(entry["id"]).shuffle(documents)
    return documents


def show(entry: dict, opening: int) -> str:
    lines = [f"## {entry['id']} [{entry['kind']}] {entry['query']}", f"need: {entry['need']}"]
    for number, doc in enumerate(blind_order(entry), start=1):
        text = doc["opening"][:opening]
        size = doc.get("length", "?")
        lines.append(f"{number:>2}. {doc['title']} | {doc['publisher']} {doc['date']} | {size}c | {text}")
    return "\n".join(lines)


def grade(entry: dict, grades: str, note: str, path: Path = JUDGMENTS) -> dict:
    """Stores ``grades`` (digits in :func:`blind_order`'s order) for ``entry``; raises ``ValueError`` when the
    count or a digit is wrong."""
    documents = blind_order(entry)
    digits = grades.replace(" ", "")
    if len(digits) != len(documents) or set(digits) - set("0123"):
        raise ValueError(f"{entry['id']}: {len(documents)} grades 0–3 wanted, got {grades!r}")
    judged = json.loads(path.read_text("utf-8")) if path.exists() else {}
    record = {"judgments": {doc["id"]: int(g) for doc, g in zip(documents, digits, strict=True)}}
    if note:
        record["notes"] = note
    judged[entry["id"]] = record
    path.write_text(
        "{\n"
        + ",\n".join(f" {json.dumps(key)}: {json.dumps(judged[key], ensure_ascii=False)}" for key in sorted(judged))
        + "\n}\n",
        "utf-8",
    )
    return record


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.judge", description=__doc__.splitlines()[0])
    parser.add_argument("pool", type=Path, help="a pool file written by python -m bench.pool")
    parser.add_argument("action", choices=("show", "grade"))
    parser.add_argument("args", nargs="+", help="show: entry ids; grade: entry id, grades, optional note")
    parser.add_argument("--opening", type=int, default=120, help="show: characters of the body (default 120)")
    args = parser.parse_args()
    entries = {entry["id"]: entry for entry in json.loads(args.pool.read_text("utf-8"))["entries"]}
    if args.action == "show":
        for key in args.args:
            print(show(entries[key], args.opening) + "\n")
    else:
        key, grades, *note = args.args
        grade(entries[key], grades, " ".join(note))


if __name__ == "__main__":
    main()
