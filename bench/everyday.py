"""The everyday-query benchmark: what citizens type, scored per kind and per split.

bench/data/everyday.json lists the queries (``id``, ``query``, ``kind``, ``need``, ``source``, ``split``);
bench/data/everyday-judgments.json holds their graded judgments (``{id: {"judgments": {doc id: 0–3},
"notes": …}}``). How both were made: bench/data/README.md. ``python -m bench.quality --everyday`` scores them.

Three measures for each split (``tune``, the queries a search engineer may tune on, and ``held_out``), each
kind and all kinds together:

* nDCG@10 (bench/metrics.py, gains 2^grade − 1; unjudged documents count 0);
* success@5: the share of queries with a document graded 2 or 3 among the first five;
* the no-result rate: the share of queries for which the system returns nothing at all.

nDCG@10 and success@5 are averaged over the *answerable* queries, those with at least one document graded 2
or 3 in the corpus (TREC drops topics without relevant documents: no system can score on them); the no-result
rate is over every query, since finding nothing is a dead end whatever the corpus holds.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench.metrics import ndcg, success

DATA = Path(__file__).resolve().parent / "data"
QUERIES = DATA / "everyday.json"
JUDGMENTS = DATA / "everyday-judgments.json"
KINDS = ("colloquial", "typo", "short", "question", "traditional", "year")
SPLITS = ("tune", "held_out")
MEASURES = {"ndcg10": "nDCG@10", "success5": "success@5", "no_result": "no result"}


def load(queries: Path = QUERIES, judgments: Path = JUDGMENTS) -> list[dict]:
    """The judged everyday entries: each query entry with its ``judgments`` ({doc id: grade}); entries not
    yet judged are left out. Raises ``ValueError`` naming the file and entry for a judgment of an unknown id."""
    entries = json.loads(queries.read_text("utf-8"))
    graded = json.loads(judgments.read_text("utf-8")) if judgments.exists() else {}
    known = {entry["id"] for entry in entries}
    for key in graded:
        if key not in known:
            raise ValueError(f"{judgments}: entry {key!r} is not a query of {queries}")
    return [entry | {"judgments": graded[entry["id"]]["judgments"]} for entry in entries if entry["id"] in graded]


def answerable(entry: dict) -> bool:
    """Whether a document graded 2 or 3 exists for the entry (else nDCG and success cannot be earned)."""
    return max(entry["judgments"].values(), default=0) >= 2


def score(runs: dict[str, list[str]], entries: list[dict]) -> dict[str, dict[str, dict]]:
    """``{split: {kind or "all": {"queries": n, "answerable": m, "ndcg10": …, "success5": …, "no_result": …}}}``
    of one system, from its ranked ids for each entry id (``runs[id]``); nDCG@10 and success@5 over the ``m``
    answerable queries (None when there are none), the no-result rate over all ``n``. Kinds without queries in
    a split are absent."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for entry in entries:
        for kind in (entry["kind"], "all"):
            groups.setdefault((entry["split"], kind), []).append(entry)
    scores: dict[str, dict[str, dict]] = {}
    for (split, kind), group in groups.items():
        judged = [e for e in group if answerable(e)]
        scores.setdefault(split, {})[kind] = {
            "queries": len(group),
            "answerable": len(judged),
            "ndcg10": _mean([ndcg(runs[e["id"]], e["judgments"]) for e in judged]),
            "success5": _mean([success(runs[e["id"]], e["judgments"]) for e in judged]),
            "no_result": statistics.fmean(float(not runs[e["id"]]) for e in group),
        }
    return scores


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def run(system, entries: list[dict], limit: int = 10) -> dict[str, list[str]]:
    """Each entry's query asked of ``system`` (``search(text, limit) -> [doc id, …]``): ``{entry id: ids}``."""
    return {entry["id"]: system.search(entry["query"], limit=limit) for entry in entries}


def table(rows: dict[str, dict[str, dict[str, dict]]]) -> str:
    """One markdown table per split: a row per kind and measure, a column per system (``rows[system]`` as
    :func:`score` returns)."""
    names = list(rows)
    lines: list[str] = []
    for split in SPLITS:
        if not any(split in rows[name] for name in names):
            continue
        lines += [f"\neveryday queries, {split}\n", "| kind | measure | " + " | ".join(names) + " |"]
        lines.append("|---|---|" + "---|" * len(names))
        for kind in ("all", *KINDS):
            cells = [rows[name].get(split, {}).get(kind) for name in names]
            if not cells[0]:
                continue
            for key, label in MEASURES.items():
                values = " | ".join("—" if not cell or cell[key] is None else f"{cell[key]:.2f}" for cell in cells)
                n = cells[0]["queries"] if key == "no_result" else cells[0]["answerable"]
                lines.append(f"| {kind} | {label} (n={n}) | {values} |")
    return "\n".join(lines)


def tune_half(entries: list[dict], notes: dict[str, str] | None = None) -> dict:
    """The ``tune`` entries alone (query, need, kind, source, judgments, the judge's notes), as handed to whoever
    tunes search; ``held_out`` entries never appear in it."""
    notes = notes or {}
    tune = [entry | ({"notes": notes[entry["id"]]} if notes.get(entry["id"]) else {}) for entry in entries]
    return {
        "about": "Tune half of the everyday-query benchmark (bench/data/everyday.json, bench/data/README.md). "
        "Judgments: {doc id: 0-3} over ../shared/corpus/real.jsonl.gz; unjudged documents count 0. Scored by "
        "`python -m bench.quality --everyday`: nDCG@10 and success@5 (a document graded >=2 in the top 5) over "
        "answerable queries, the no-result rate over all. Tune on these only; the held-out half is not here.",
        "entries": [entry for entry in tune if entry["split"] == "tune"],
    }


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        raise SystemExit("python -m bench.everyday OUT.json  (writes the tune half only)")
    graded = json.loads(JUDGMENTS.read_text("utf-8"))
    half = tune_half(load(), {key: record.get("notes", "") for key, record in graded.items()})
    Path(sys.argv[1]).write_text(json.dumps(half, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(half['entries'])} tune entries: {sys.argv[1]}")
