"""The index's files checked at open, XXH3 beside CRC-32: ``python -m bench.checksums INDEX_DIR [--rounds R]``
prints JSON.

Every open of the index by a server or an ingest checks every file of the live generation against the
checksums saved at commit (index/whoosh/checksums.py; ``portal search`` checks only the blocks it reads). The two
ways alternate over the same files, ``--rounds`` times each, so that a changing load weighs on both: CRC-32 read in
4 MiB blocks (what older code saved) and XXH3 through a memory map (what the portal saves now). CPU and wall
seconds per pass over all the files, each way's rounds sorted, and the one-minute load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def measure(index_dir: Path, rounds: int) -> dict[str, object]:
    from index.whoosh import checksums, generations

    live = generations.current_generation(index_dir)
    if live is None:
        raise SystemExit(f"{index_dir}: no index")
    manifest = json.loads((live / checksums.MANIFEST).read_text("utf-8"))
    files = [live / name for name in manifest["files"]]
    ways = {"crc32": checksums.CRC32, "xxh3_64": checksums.XXH3}
    found: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for way, algorithm in ways.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            for path in files:
                checksums.digest(path, algorithm)
            found[way].append((time.process_time() - started_cpu, time.perf_counter() - started))
    return {
        "index": str(live),
        "files": len(files),
        "mb": round(sum(path.stat().st_size for path in files) / 1e6, 1),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        **{f"{way}_cpu_s": sorted(round(cpu, 3) for cpu, _ in runs) for way, runs in found.items()},
        **{f"{way}_wall_s": sorted(round(wall, 3) for _, wall in runs) for way, runs in found.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.index_dir, args.rounds)))


if __name__ == "__main__":
    main()
