"""A nightly re-crawl: ``python -m bench.recrawl [--work DIR] [--docs N | --data FILE] [--changed 0.01]``.

Issue 23's target: at 100,000 documents a re-ingest of the whole crawl in which 1 % of the documents changed takes
under 2 minutes of ingest, and the server keeps answering during it at its usual p95.

The work folder holds the crawl (``data.jsonl``, the documents as the crawler wrote them; ``--data`` copies a JSON
Lines file there, else ``bench.corpus``'s seeded expansion of ``--docs`` documents is written) and the index
built from it (``base``, by ``portal ingest``; built once and kept: ``--rebuild`` builds it again); or ``--index``
names an index built from ``--data`` (``python -m bench`` passes its own 100,000-document index). Each run:

1. copies the index to ``run`` in the work folder (the re-crawl changes it; removed afterwards);
2. serves ``run`` with ``portal serve`` and measures ``/search`` over the latency mix (``bench.latency.MIX``) with
   ``--clients`` clients for ``--before`` seconds: the usual p95;
3. rewrites the crawl in place with ``--changed`` of its documents changed (drawn with ``--seed``: a sentence
   added to the body, the title marked 修订), as a crawler re-writes its file;
4. runs ``portal ingest -q`` of the crawl on ``run`` under ``nice -n --ingest-nice`` (5 by default: the README's
   nightly recipe, a batch job that yields the cores to the public server; 0 runs it at the server's priority) (its
   wall time, CPU and peak memory are the figures) while
   the same load goes on (the p95 during); with ``--nights N``, N such nights one after the other, each changing
   another ``--changed`` of the crawl the night before left (an index built by older code keeps what its code kept
   of each record: the first night reads as that code would, the next as this code does);
5. puts the crawl back as it was.

Prints a summary (stderr) and JSON, with the load average before and after each phase; the machine is shared, so
compare figures of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.load import PortalProcess
from bench.measure import ROOT, folder_mb, measured
from bench.web import search_paths

TARGET_SECONDS = 120.0
CHANGED = 0.01


def changed_crawl(original: Path, out: Path, share: float, seed: int) -> list[str]:
    """Write ``original`` (JSON Lines) to ``out`` with ``share`` of its records changed (seeded); returns their ids."""
    with open(original, encoding="utf-8") as handle:
        count = sum(1 for line in handle if line.strip())
    rng = random.Random(seed)
    chosen = set(rng.sample(range(count), max(1, round(count * share))))
    changed = []
    with open(original, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as target:
        number = -1
        for line in source:
            if not line.strip():
                continue
            number += 1
            if number in chosen:
                record = json.loads(line)
                record["title"] = f"{record.get('title') or ''}（修订）"
                record["body"] = f"{record.get('body') or ''}\n本文于第{seed}次抓取时修订，增加第{number}条补充说明。"
                changed.append(str(record.get("id")))
                line = json.dumps(record, ensure_ascii=False) + "\n"
            target.write(line)
    return changed


class Load:
    """``clients`` clients searching the mix in a loop until :meth:`stop`; each search's wall time, by phase."""

    def __init__(self, base_url: str, clients: int) -> None:
        self.base_url, self.clients = base_url, clients
        self.phase = "warm-up"
        self.seen: dict[str, list[float]] = {}
        self.failures: dict[str, int] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join()

    async def _run(self) -> None:
        paths = search_paths()
        step = max(1, len(paths) // self.clients)
        await asyncio.gather(*(self._client(paths, n * step) for n in range(self.clients)))

    async def _client(self, paths: list[str], offset: int) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=60) as client:
            i = offset
            while not self._stopping.is_set():
                path, phase = paths[i % len(paths)], self.phase
                i += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code < 500
                except httpx.TransportError:
                    ok = False
                if ok:
                    self.seen.setdefault(phase, []).append((time.perf_counter() - started) * 1000)
                else:
                    self.failures[phase] = self.failures.get(phase, 0) + 1

    def figures(self, phase: str) -> dict[str, float]:
        times = sorted(self.seen.get(phase, []))
        if not times:
            return {"requests": 0, "failed": self.failures.get(phase, 0)}
        return {
            "requests": len(times),
            "failed": self.failures.get(phase, 0),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "max_ms": round(times[-1], 1),
        }


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


INGEST_NICE = 5  # the README's nightly recipe: `nice -n 5 portal ingest …`


def _ingest(index_dir: Path, data: Path, nice: int = 0) -> dict[str, object]:
    """``portal ingest -q --json data`` into ``index_dir``, at ``nice`` (the niceness ``nice -n`` adds; 0: none)."""
    env = {"PORTAL_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "portal", "ingest", "-q", "--json", str(data)]
    run = measured(["nice", "-n", str(nice), *command] if nice else command, env)
    report = json.loads(run.stdout)
    counts = {key: len(value) if isinstance(value, list) else value for key, value in report.items()}
    return {
        "seconds": round(run.seconds, 1),
        "cpu_seconds": round(run.cpu_seconds, 1),
        "peak_mb": round(run.peak_mb),
        "added": counts.get("added"),
        "updated": counts.get("updated"),
        "unchanged": counts.get("unchanged"),
        "conflicts": counts.get("conflicts"),
        "rejected": counts.get("rejected"),
    }


def prepare(work: Path, data: Path | None, docs: int, rebuild: bool) -> tuple[Path, Path, dict[str, object]]:
    """The crawl and its index in ``work`` (``data.jsonl``, ``base``), made where missing (or with ``rebuild``):
    (the index, the crawl, the build's figures where it was built)."""
    work.mkdir(parents=True, exist_ok=True)
    crawl, base = work / "data.jsonl", work / "base"
    pristine = work / "data.orig.jsonl"
    if pristine.exists():
        shutil.copyfile(pristine, crawl)  # a stopped run may have left the crawl changed
    if not crawl.exists():
        if data is not None:
            shutil.copyfile(data, crawl)
        else:
            command = [sys.executable, "-m", "bench.corpus", "--docs", str(docs), "--out", str(crawl)]
            subprocess.run(command, cwd=ROOT, check=True)
        rebuild = True
    if not rebuild and base.exists():
        return base, crawl, {}
    shutil.rmtree(base, ignore_errors=True)
    built = {"load_before": _load_average(), **_ingest(base, crawl), "load_after": _load_average()}
    built["index_mb"] = round(folder_mb(base))
    return base, crawl, built


def run(
    base: Path,
    crawl: Path,
    work: Path,
    share: float,
    seed: int,
    clients: int,
    before: float,
    full: bool = False,
    nights: int = 1,
    ingest_nice: int = INGEST_NICE,
) -> dict[str, Any]:
    """The re-crawl of ``crawl`` (the file ``base`` was built from: changed in place for the run, then put back) on
    a copy of ``base`` in ``work``, with the server loaded; its figures (of the first night; ``nights``: one a
    night). ``full``: the baseline, every record of the crawl normalised again (the copy's sources record keeps no
    fingerprints, as before they were kept). ``ingest_nice``: the re-crawl's ingest runs under ``nice -n`` that much."""
    pristine, index_dir = work / "data.orig.jsonl", work / "run"
    if not pristine.exists():
        shutil.copyfile(crawl, pristine)
    shutil.rmtree(index_dir, ignore_errors=True)
    shutil.copytree(base, index_dir)
    if full:
        for record in index_dir.glob("gen-*/sources.json"):
            sources = json.loads(record.read_text("utf-8"))
            for entry in sources.values():
                entry["versions"] = {key: version[:3] for key, version in (entry.get("versions") or {}).items()}
            record.write_text(json.dumps(sources, ensure_ascii=False), "utf-8")
    result: dict[str, Any] = {
        "documents": sum(1 for _ in open(pristine, encoding="utf-8")),
        "share": share,
        "ingest_nice": ingest_nice,
    }
    try:
        with PortalProcess(index_dir) as portal, Load(portal.base_url, clients) as load:
            time.sleep(min(10.0, before / 2))  # warm-up: not counted
            load.phase = "before"
            result["load_before"] = _load_average()
            time.sleep(before)
            result["nights"] = []
            for night in range(nights):
                night_before = _load_average()
                source = pristine
                if night:  # another share of the crawl the night before left
                    source = work / "data.night-before.jsonl"
                    shutil.copyfile(crawl, source)
                changed = changed_crawl(source, crawl, share, seed + night)
                load.phase = f"during-{night}"
                ingest = _ingest(index_dir, crawl, ingest_nice)
                load.phase = "after"
                result["nights"].append(
                    {
                        "changed": len(changed),
                        "load_before": night_before,
                        "ingest": ingest,
                        "load_after": _load_average(),
                    }
                )
            result["load_after"] = _load_average()
            time.sleep(min(10.0, before / 2))
        result["search_before"] = load.figures("before")
        for night, figures in enumerate(result["nights"]):
            figures["search_during"] = load.figures(f"during-{night}")
        result.update({key: result["nights"][0][key] for key in ("changed", "ingest", "search_during")})
        result["search_after"] = load.figures("after")
    finally:
        shutil.copyfile(pristine, crawl)
        pristine.unlink()
        (work / "data.night-before.jsonl").unlink(missing_ok=True)
        shutil.rmtree(index_dir, ignore_errors=True)
    return result


def _summary(what: str, result: dict[str, Any]) -> None:
    before = result["search_before"]
    for number, night in enumerate(result.get("nights") or [result], start=1):
        ingest, during = night["ingest"], night["search_during"]
        print(
            f"{what}, night {number}: {result['documents']:,} documents, {night['changed']:,} changed: ingest "
            f"{ingest['seconds']} s (target ≤ {TARGET_SECONDS:.0f} s), CPU {ingest['cpu_seconds']} s, peak "
            f"{ingest['peak_mb']} MB, {ingest['unchanged']:,} unchanged, {ingest['updated']:,} updated; /search p95 "
            f"{before.get('p95_ms')} ms before, {during.get('p95_ms')} ms during ({during['requests']} requests, "
            f"{during['failed']} failed); load average {night.get('load_before', result['load_before'])} → "
            f"{night.get('load_after', result['load_after'])}",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.recrawl", description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "recrawl")
    parser.add_argument("--index", type=Path, help="an index built from --data (copied; default: built in --work)")
    parser.add_argument("--data", type=Path, help="the crawl, JSON Lines (with --index: the file it was built from)")
    parser.add_argument("--docs", type=int, default=100_000, help="without --data: the seeded expansion's size")
    parser.add_argument("--changed", type=float, default=CHANGED, help="share of documents changed (0.01)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--before", type=float, default=30.0, help="seconds of load before the re-crawl")
    parser.add_argument("--rebuild", action="store_true", help="build the index in --work again")
    parser.add_argument("--baseline", action="store_true", help="first the same re-crawl reading every record")
    parser.add_argument("--nights", type=int, default=1, help="re-crawls one after the other, each measured")
    parser.add_argument(
        "--ingest-nice",
        type=int,
        default=INGEST_NICE,
        help=f"the re-crawl's ingest under `nice -n N` ({INGEST_NICE}: the README's nightly recipe; 0: none)",
    )
    args = parser.parse_args()
    built: dict[str, object] = {}
    if args.index is not None:
        if args.data is None:
            parser.error("--index needs --data, the file it was built from")
        base, crawl = args.index, args.data
        args.work.mkdir(parents=True, exist_ok=True)
    else:
        base, crawl, built = prepare(args.work, args.data, args.docs, args.rebuild)
    baseline = None
    if args.baseline:
        baseline = run(
            base, crawl, args.work, args.changed, args.seed, args.clients, args.before, True, 1, args.ingest_nice
        )
        _summary("baseline, every record read", baseline)
    result = run(
        base, crawl, args.work, args.changed, args.seed, args.clients, args.before, False, args.nights, args.ingest_nice
    )
    if baseline is not None:
        result["baseline"] = baseline
    if built:
        result["build"] = built
    result["target_s"] = TARGET_SECONDS
    _summary("re-crawl", result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
