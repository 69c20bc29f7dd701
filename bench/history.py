"""What keeping history costs: ``python -m bench.history [--sample N] [--rounds R] [--changed P] [--withdrawn P]``.

A sample of N documents of the shared corpus (``../shared/corpus/real.jsonl.gz``; seed 22, N=0 for all) is
written one document a file, as a crawl folder holds pages, and ingested; then R simulated re-crawls each
change the body of P % of the documents still online (a sentence added, or one replaced: a new version) and
remove W % of them (the file deleted: 已撤下), and ingest again with ``--prune``. The same runs go into two
indexes: one keeping its history (:mod:`index.history`), and the baseline, the single-version index without
it (``keep_history=False``). Prints per round the ingest seconds of each and the sizes on disk: the history
file, the index folder (live generation) and the baseline's index; then the totals.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from index import history
from index.whoosh.generations import current_generation
from index.whoosh.ingest import ingest_paths

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real.jsonl.gz"
SEED = 22


def sample(path: Path, size: int) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if size and size < len(records):
        records = random.Random(SEED).sample(records, size)
    return records


def write(folder: Path, key: int, record: dict) -> None:
    (folder / f"{key:06d}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")


def changed(record: dict, rng: random.Random, round_: int) -> dict:
    """A new version: a sentence appended, or a sentence of the body replaced."""
    body = str(record.get("body") or "")
    sentences = [s for s in body.split("。") if s]
    if sentences and rng.random() < 0.5:
        sentences[rng.randrange(len(sentences))] = f"本条于第{round_}次修订时作了调整"
        body = "。".join(sentences) + "。"
    else:
        body = f"{body}\n\n本文件于第{round_}次修订，补充了实施细则。"
    return {**record, "body": body}


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def index_size(index_dir: Path) -> int:
    live = current_generation(index_dir)
    return size_of(live) if live is not None else 0


def run(records: list[dict], rounds: int, changed_share: float, withdrawn_share: float, root: Path) -> list[dict]:
    folder = root / "docs"
    folder.mkdir()
    online = dict(enumerate(records))
    for key, record in online.items():
        write(folder, key, record)
    kept, baseline = root / "with-history", root / "baseline"
    rng = random.Random(SEED)
    rows = []
    for round_ in range(rounds + 1):
        if round_:
            keys = sorted(online)
            for key in rng.sample(keys, round(len(keys) * withdrawn_share)):
                (folder / f"{key:06d}.json").unlink()
                del online[key]
            for key in rng.sample(sorted(online), round(len(online) * changed_share)):
                online[key] = changed(online[key], rng, round_)
                write(folder, key, online[key])
        # Alternately first, so neither always meets the cold caches (jieba's dictionary, the page cache).
        timed = {}
        for keep in (True, False) if round_ % 2 else (False, True):
            started = time.perf_counter()
            ingest_paths([folder], kept if keep else baseline, prune=True, keep_history=keep)
            timed[keep] = time.perf_counter() - started
        with_history, without = timed[True], timed[False]
        stats = history.History(history.path_for(kept), readonly=True).stats()
        rows.append(
            {
                "round": round_,
                "online": len(online),
                "seconds_history": round(with_history, 2),
                "seconds_baseline": round(without, 2),
                "history_bytes": size_of(history.path_for(kept)),
                "index_bytes": index_size(kept),
                "baseline_index_bytes": index_size(baseline),
                **stats,
            }
        )
        row = rows[-1]
        print(
            f"round {round_:2d}: {row['online']:6d} online, {row['versions']:6d} versions, "
            f"{row['withdrawn']:5d} withdrawn | ingest {row['seconds_history']:7.2f} s with history, "
            f"{row['seconds_baseline']:7.2f} s without | history {row['history_bytes'] / 1e6:7.2f} MB, "
            f"index {row['index_bytes'] / 1e6:7.2f} MB, baseline index {row['baseline_index_bytes'] / 1e6:7.2f} MB",
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=2000, help="documents of the corpus (0: all 10,832)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--changed", type=float, default=5.0, help="%% of documents changed each round")
    parser.add_argument("--withdrawn", type=float, default=1.0, help="%% of documents withdrawn each round")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"no corpus at {args.corpus}")
    records = sample(args.corpus, args.sample)
    root = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        rows = run(records, args.rounds, args.changed / 100, args.withdrawn / 100, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    first, last = rows[0], rows[-1]
    recrawls = rows[1:]
    print(
        f"\n{len(records)} documents, {args.rounds} re-crawls ({args.changed:g} % changed, {args.withdrawn:g} % "
        f"withdrawn each): history {first['history_bytes'] / 1e6:.2f} → {last['history_bytes'] / 1e6:.2f} MB "
        f"({last['versions']} versions, {last['raw_blobs']} raw blobs, {last['sightings']} sightings); "
        f"index {last['index_bytes'] / 1e6:.2f} MB, single-version index {last['baseline_index_bytes'] / 1e6:.2f} MB; "
        f"first ingest {first['seconds_history']:.1f} s with history, {first['seconds_baseline']:.1f} s without; "
        f"re-crawl ingests {sum(r['seconds_history'] for r in recrawls) / len(recrawls):.2f} s with history, "
        f"{sum(r['seconds_baseline'] for r in recrawls) / len(recrawls):.2f} s without (mean)"
    )


if __name__ == "__main__":
    main()
