"""The ingest comparison alone: ``portal ingest`` beside the textbook on the corpus or a sample of it, in one run,
with how busy the cores were.

``python -m bench.ingest [--docs N | --data FILE] [--no-textbook] [--portal-code DIR]``

Each system is built in a fresh index (a temporary folder) by a process of its own, as ``python -m bench`` builds
them (:func:`bench.__main__.build`): ``portal ingest -q --json`` and ``python -m bench.textbook``. While each runs,
the CPU time of every process of its tree is sampled from ``/proc`` every 0.25 s, which gives:

* ``cpu_s``: user + system seconds of the whole tree (the workers included);
* ``busy_share``: ``cpu_s / (wall_s × cores)``, how much of the machine's cores the build used;
* ``both_busy_share``: the share of the sampled intervals in which the tree used at least 1.5 cores (both cores
  busy, on this 2-core machine), and ``main_cpu_s``, the CPU time of the main process alone.

``--docs N`` takes the corpus's first N documents (``bench.corpus.dataset``; default: the whole corpus; more than the
corpus holds: its seeded expansion, made once in ``bench/results/perf``); ``--data FILE`` ingests a JSON Lines file
made already (``python -m bench.corpus --docs 100000 --out FILE``).
``--portal-code DIR`` runs ``portal ingest`` from another checkout's code (e.g. ``git archive main | tar -x -C
DIR``), with this venv, for a before/after on the same documents in the same run. The one-minute load average is
printed before and after each build: on a shared machine a wall-clock figure is only as good as it.
Prints one JSON object a build and a markdown table; the textbook is the baseline of every ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import PERF, text_chars
from bench.corpus import CORPUS, dataset, records
from bench.measure import ROOT, folder_mb, tree_pids, tree_rss_mb

_TICK = os.sysconf("SC_CLK_TCK")
BUSY = 1.5  # cores: "both cores busy" on this 2-core machine


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def sampled(command: list[str], env: dict[str, str], cwd: Path, interval: float = 0.25) -> dict[str, float]:
    """Run ``command`` to its end, sampling its process tree: wall, CPU (tree and main process), peak memory of the
    tree, the busy shares above, and the load average before and after. Raises CalledProcessError if it fails."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=err, text=True)
        seen: dict[int, float] = {}
        peak = 0.0
        intervals = busy = 0
        last = time.perf_counter()
        while process.poll() is None:
            time.sleep(interval)
            now = time.perf_counter()
            used = 0.0
            for pid in tree_pids(process.pid):
                cpu = _cpu_seconds(pid)
                if cpu is not None:
                    used += cpu - seen.get(pid, 0.0)
                    seen[pid] = cpu
            intervals += 1
            busy += used / (now - last) >= BUSY
            last = now
            peak = max(peak, tree_rss_mb(process.pid))
        wall = time.perf_counter() - started
        main_cpu = seen.get(process.pid, 0.0)
        err.seek(0)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command, None, err.read())
    cpu_s = sum(seen.values())
    cores = len(os.sched_getaffinity(0))
    return {
        "wall_s": wall,
        "cpu_s": cpu_s,
        "main_cpu_s": main_cpu,
        "busy_share": cpu_s / (wall * cores),
        "both_busy_share": busy / max(intervals, 1),
        "peak_mb": peak,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def build(system: str, data: Path, index_dir: Path, code: Path) -> dict[str, float]:
    if system == "portal":
        command = [sys.executable, "-m", "portal", "ingest", "-q", "--json", str(data)]
        figures = sampled(command, {"PORTAL_INDEX_DIR": str(index_dir)}, code)
    else:
        figures = sampled([sys.executable, "-m", "bench.textbook", str(data), str(index_dir)], {}, ROOT)
    return figures | {"index_mb": folder_mb(index_dir)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=0, help="the corpus's first N documents (default: all)")
    parser.add_argument("--data", type=Path, help="a JSON Lines file of documents (bench.corpus --out) instead")
    parser.add_argument("--no-textbook", action="store_true", help="build the portal's index only")
    parser.add_argument("--portal-code", type=Path, action="append", default=[], help="also ingest with this code")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"needs {CORPUS} (../shared beside the checkout)")
    PERF.mkdir(parents=True, exist_ok=True)
    data = args.data or (dataset(args.docs, PERF) if args.docs else CORPUS)
    if not data.exists():
        raise SystemExit(f"no such file: {data}")
    count = sum(1 for _ in records(data))
    chars = text_chars(data)
    systems = [("portal", ROOT)] + [(f"portal@{code}", code.resolve()) for code in args.portal_code]
    if not args.no_textbook:
        systems.append(("textbook", ROOT))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=PERF) as scratch:
        for name, code in systems:
            figures = build(name.split("@")[0], data, Path(scratch) / name.replace("/", "_"), code)
            figures |= {"documents": count, "chars_per_s": chars / figures["wall_s"]}
            results[name] = figures
            print(json.dumps({"system": name, **figures}), flush=True)
    baseline = results.get("textbook")
    print(f"\n{count:,} documents, {chars:,} characters of title and body")
    print("| system | chars/s | ratio | wall s | CPU s (main) | cores busy | both busy | peak MB | index MB | load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, row in results.items():
        ratio = f"{row['chars_per_s'] / baseline['chars_per_s']:.2f}×" if baseline else ""
        print(
            f"| {name} | {row['chars_per_s']:.0f} | {ratio} | {row['wall_s']:.1f} | {row['cpu_s']:.1f} "
            f"({row['main_cpu_s']:.1f}) | {row['busy_share']:.0%} | {row['both_busy_share']:.0%} | "
            f"{row['peak_mb']:.0f} | {row['index_mb']:.0f} | {row['load_before']:.1f} → {row['load_after']:.1f} |"
        )


if __name__ == "__main__":
    main()
