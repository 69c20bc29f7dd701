"""Run the benchmarks: ``python -m bench [--docs N] [--queries FILE]`` (or ``make bench``).

Each variant runs in its own process over the same documents of ../shared/corpus/real.jsonl.gz,
so peak memory is that variant's alone:

* ``portal``   this project's analysis (word positions, sub-words, user dictionary)
* ``baseline`` jieba's bundled ``jieba.analyse.ChineseAnalyzer`` in the same schema

Reported: ingest documents/s and seconds, peak RSS, index size, and search latency
(median and 95th percentile over the query set, 3 rounds, highlights included) plus the
hits each variant finds for a phrase query. Results are printed and written to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
QUERIES = [
    "低保",
    "排污许可",
    "政府信息公开",
    '"新闻发布会"',
    "中国 外交部",
    "马克思主义",
    "科学技术奖",
    "义务教育 入学",
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1500, help="documents from the corpus (default 1500)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"needs {CORPUS} (../shared beside the checkout)")
    args.out.mkdir(parents=True, exist_ok=True)
    sample = args.out / f"sample-{args.docs}.jsonl"
    _write_sample(sample, args.docs)
    rows = [_run_variant(variant, sample, args.out) for variant in ("baseline", "portal")]
    _print_table(rows, args.docs)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (args.out / f"bench-{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")


def _write_sample(path: Path, count: int) -> None:
    import gzip

    with gzip.open(CORPUS, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as sink:
        for number, line in enumerate(source):
            if number >= count:
                break
            sink.write(line)


def _run_variant(variant: str, sample: Path, out: Path) -> dict:
    command = [sys.executable, "-m", "bench.variant", variant, str(sample), str(out / f"index-{variant}")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _print_table(rows: list[dict], docs: int) -> None:
    print(f"\n{docs} documents from real.jsonl.gz, {len(QUERIES)} queries x 3 rounds\n")
    header = (
        "variant",
        "ingest s",
        "docs/s",
        "peak RSS MB",
        "index MB",
        "search p50 ms",
        "search p95 ms",
        "phrase hits",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for row in rows:
        print(
            f"{row['variant']} | {row['ingest_s']:.1f} | {row['docs_per_s']:.1f} | {row['peak_rss_mb']:.0f} | "
            f"{row['index_mb']:.1f} | {row['search_p50_ms']:.0f} | {row['search_p95_ms']:.0f} | {row['phrase_hits']}"
        )


if __name__ == "__main__":
    main()
