"""The everyday-query benchmark: what citizens type, scored per kind and per split.

bench/data/everyday.json lists the queries (``id``, ``query``, ``kind``, ``need``, ``source``, ``split``);
bench/data/everyday-judgments.json holds their graded judgments (``{id: {"judgments": {doc id: 0–3},
"notes": …}}``). How both were made: bench/data/README.md. ``python -m bench.quality --everyday`` scores them.

Three measures for each split (``tune``, the queries a search engineer may tune on, and ``held_out``), each
kind and all kinds together:

* nDCG@10 (bench/metrics.py, gains 2^grade − 1; unjudged documents count 0);
* success@5: the share of queries with a document graded 2 or 3 among the first five;
* the no-result rate: the share of queries for which the system returns nothing at all.
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


def score(runs: dict[str, list[str]], entries: list[dict]) -> dict[str, dict[str, dict]]:
    """``{split: {kind or "all": {"queries": n, "ndcg10": …, "success5": …, "no_result": …}}}`` of one
    system, from its ranked ids for each entry id (``runs[id]``). Kinds without queries in a split are absent."""
    per_query: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for entry in entries:
        ranked = runs[entry["id"]]
        values = (ndcg(ranked, entry["judgments"]), success(ranked, entry["judgments"]), float(not ranked))
        for kind in (entry["kind"], "all"):
            per_query.setdefault((entry["split"], kind), []).append(values)
    scores: dict[str, dict[str, dict]] = {}
    for (split, kind), values in per_query.items():
        columns = list(zip(*values, strict=True))
        scores.setdefault(split, {})[kind] = {"queries": len(values)} | {
            name: statistics.fmean(column) for name, column in zip(MEASURES, columns, strict=True)
        }
    return scores


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
                values = " | ".join(f"{cell[key]:.2f}" if cell else "—" for cell in cells)
                lines.append(f"| {kind} (n={cells[0]['queries']}) | {label} | {values} |")
    return "\n".join(lines)
