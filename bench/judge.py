"""Blind judging of a pool file: ``python -m bench.judge POOL show ID…`` and ``… grade ID GRADES [NOTE]``.

``show`` prints an entry's query, need and pooled documents in an order shuffled by the entry id, numbered
1…n, without saying which system found which (the pool file keeps that under ``runs``, never printed here):
title, publisher, date, body length and the opening of the body. ``grade`` takes the grades in that printed
order as one string of digits 0–3 (``3210…``, one per document) and stores them, by document id, in
bench/data/everyday-judgments.json, with an optional note. Grades: bench/data/README.md. With ``--unjudged``,
both take only the documents the entry has no judgment for yet (a pool made again after a change of systems).
``… copies`` grades the unjudged copies of judged documents (:func:`copies`).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from bench.everyday import JUDGMENTS
from bench.pool import plain
from bench.quality import CORPUS
from bench.textbook import records


def blind_order(entry: dict, unjudged: bool = False, path: Path = JUDGMENTS) -> list[dict]:
    """The entry's pooled documents in a fixed order shuffled by the entry id (not by system, not by rank);
    ``unjudged``: only those without a judgment in ``path`` yet."""
    documents = sorted(entry["pool"], key=lambda d: d["id"])
    random.Random(entry["id"]).shuffle(documents)
    if unjudged:
        judged = _judged(path).get(entry["id"], {}).get("judgments", {})
        documents = [doc for doc in documents if doc["id"] not in judged]
    return documents


def _judged(path: Path) -> dict:
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


COPY_LENGTH = 0.2  # a copy's body length is within this share of the judged document's


def copies(entries: list[dict], documents: dict[str, dict], path: Path = JUDGMENTS) -> int:
    """Grades each pooled document an entry has no judgment for that is a copy of one it has: the same title and
    a body length within COPY_LENGTH of it (the same text published by another source: a 河北人社 reprint of a
    law), taking that document's grade, at most 1 for an empty body. The rule of bench/data/README.md (round 2);
    ``documents``: every corpus id → ``{"title", "length"}``; returns how many were graded."""
    judged = _judged(path)
    added = 0
    for entry in entries:
        record = judged.get(entry["id"])
        if record is None:
            continue
        grades = record["judgments"]
        known = [documents[key] | {"id": key} for key in grades if key in documents]
        for pooled in entry["pool"]:
            doc = documents.get(pooled["id"])
            if doc is None or pooled["id"] in grades:
                continue
            twins = [
                grades[other["id"]]
                for other in known
                if other["title"] == doc["title"]
                and abs(other["length"] - doc["length"]) <= COPY_LENGTH * max(other["length"], doc["length"])
            ]
            if twins:
                grades[pooled["id"]] = min(max(twins), 3 if doc["length"] else 1)
                added += 1
    _write(judged, path)
    return added


def show(entry: dict, opening: int, unjudged: bool = False) -> str:
    lines = [f"## {entry['id']} [{entry['kind']}] {entry['query']}", f"need: {entry['need']}"]
    for number, doc in enumerate(blind_order(entry, unjudged), start=1):
        text = doc["opening"][:opening]
        size = doc.get("length", "?")
        lines.append(f"{number:>2}. {doc['title']} | {doc['publisher']} {doc['date']} | {size}c | {text}")
    return "\n".join(lines)


def grade(entry: dict, grades: str, note: str, path: Path = JUDGMENTS, unjudged: bool = False) -> dict:
    """Stores ``grades`` (digits in :func:`blind_order`'s order) for ``entry``; raises ``ValueError`` when the
    count or a digit is wrong."""
    documents = blind_order(entry, unjudged, path)
    digits = grades.replace(" ", "")
    if len(digits) != len(documents) or set(digits) - set("0123"):
        raise ValueError(f"{entry['id']}: {len(documents)} grades 0–3 wanted, got {grades!r}")
    judged = json.loads(path.read_text("utf-8")) if path.exists() else {}
    record: dict[str, Any] = {"judgments": {doc["id"]: int(g) for doc, g in zip(documents, digits, strict=True)}}
    before = judged.get(entry["id"], {})
    if note:
        record["notes"] = (before.get("notes", "") + " " + note).strip() if unjudged else note
    judged[entry["id"]] = before | record | {"judgments": before.get("judgments", {}) | record["judgments"]}
    _write(judged, path)
    return judged[entry["id"]]


def _write(judged: dict, path: Path) -> None:
    path.write_text(
        "{\n"
        + ",\n".join(f" {json.dumps(key)}: {json.dumps(judged[key], ensure_ascii=False)}" for key in sorted(judged))
        + "\n}\n",
        "utf-8",
    )


def find(entry: dict, terms: list[str], limit: int = 15) -> str:
    """Corpus documents outside the entry's pool whose title holds every one of ``terms`` (the judge's own
    search by the need's official words, as for bench/data/topical.json): id, title, date, length, opening."""
    pooled = {doc["id"] for doc in entry["pool"]}
    lines = []
    for record in records(CORPUS):
        title = record.get("title") or ""
        if record["id"] not in pooled and all(term in title for term in terms):
            body = plain(record.get("body"))
            lines.append(f"{record['id']} | {title} | {record.get('date') or record.get('year')} | {len(body)}c")
    return "\n".join(lines[:limit]) + (f"\n… {len(lines) - limit} more" if len(lines) > limit else "")


def add(entry: dict, grades: list[str], path: Path = JUDGMENTS) -> dict:
    """Adds ``doc id=grade`` judgments of documents found by :func:`find` to an entry already graded."""
    judged = json.loads(path.read_text("utf-8")) if path.exists() else {}
    record = judged.setdefault(entry["id"], {"judgments": {}})
    for item in grades:
        doc_id, _, value = item.rpartition("=")
        if value not in ("0", "1", "2", "3") or not doc_id:
            raise ValueError(f"{entry['id']}: {item!r} is not doc id=grade (0–3)")
        record["judgments"][doc_id] = int(value)
    _write(judged, path)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.judge", description=__doc__.splitlines()[0])
    parser.add_argument("pool", type=Path, help="a pool file written by python -m bench.pool")
    parser.add_argument("action", choices=("show", "grade", "find", "add", "copies"))
    parser.add_argument("args", nargs="*", help="show: entry ids; grade: entry id, grades, optional note")
    parser.add_argument("--opening", type=int, default=120, help="show: characters of the body (default 120)")
    parser.add_argument("--unjudged", action="store_true", help="show, grade: only documents not yet judged")
    args = parser.parse_args()
    entries = {entry["id"]: entry for entry in json.loads(args.pool.read_text("utf-8"))["entries"]}
    if args.action == "copies":
        documents = {
            record["id"]: {"title": record.get("title") or "", "length": len(plain(record.get("body")))}
            for record in records(CORPUS)
        }
        print(f"{copies(list(entries.values()), documents)} copies of judged documents graded")
    elif args.action == "show":
        for key in args.args:
            print(show(entries[key], args.opening, args.unjudged) + "\n")
    elif args.action == "grade":
        key, grades, *note = args.args
        grade(entries[key], grades, " ".join(note), unjudged=args.unjudged)
    elif args.action == "find":
        key, *terms = args.args
        print(find(entries[key], terms))
    else:
        key, *grades = args.args
        add(entries[key], grades)


if __name__ == "__main__":
    main()
