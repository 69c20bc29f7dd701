"""The server and the command line, measured: ``python -m bench.web INDEX_DIR [--clients N] [--seconds M]``
``[--rounds R] [--threads T] [--workers W] [--rate-only]`` prints JSON.

* cold start: from starting ``portal serve`` to its first answered search;
* ``/search`` under a bounded concurrent load (N clients on their own keep-alive connections, M seconds,
  the latency mix of :mod:`bench.latency` as ``/search?…`` pages), beside the raw rate of the same searches
  in one process (``Catalog.search`` one after another, no HTTP): the web figure is a share of it. The two
  alternate in R stretches, so that a machine whose load changes weighs on both alike; beside the rates, the CPU
  milliseconds per answer of the server, of the load generator (this process, sharing the cores) and of the raw
  search, and the load average before and after;
* the server's resident memory at start, after the load, and its peak while loaded;
* one ``portal search 低保`` from the shell, wall time (median of three).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.latency import MIX
from bench.load import PortalProcess, _run
from bench.measure import ROOT, tree_cpu_s, tree_pids, tree_pss_mb, tree_rss_mb


def search_paths() -> list[str]:
    paths = []
    for _kind, q, filters, sort in MIX:
        params = [("q", q), ("sort", sort), ("go", "0")] + [(k, v) for k, vs in filters.items() for v in vs]
        paths.append("/search?" + urlencode(params))
    return paths


def cold_start(index_dir: Path, code: Path = ROOT, workers: int | None = None) -> float:
    """Seconds from starting ``portal serve`` (``code``'s, with PORTAL_WORKERS ``workers``) to the first 200 of a
    search."""
    started = time.perf_counter()
    env = {"PORTAL_WORKERS": str(workers)} if workers else {}
    with PortalProcess(index_dir, env=env, code=code) as portal:
        while True:
            try:
                if httpx.get(f"{portal.base_url}/search?q=低保", timeout=30).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.02)


class RawSearches:
    """The mix run one after another in this process (warm; ``Catalog.search``, no HTTP), in timed stretches."""

    def __init__(self, index_dir: Path) -> None:
        from index.query import SearchRequest
        from index.whoosh.catalog import Catalog

        self.catalog = Catalog(index_dir)
        self.catalog.warm()
        self.requests = [SearchRequest(q=q, filters=filters, sort=sort) for _kind, q, filters, sort in MIX]
        for request in self.requests:  # warm: arrays and posting lists read once, as the server will have
            self.catalog.search(request)
        self.done = 0

    def run(self, seconds: float) -> tuple[int, float, float]:
        """``(searches, wall s, CPU s)`` of ``seconds`` of searching, going on round the mix where it stopped."""
        done, started, started_cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            self.catalog.search(self.requests[self.done % len(self.requests)])
            self.done += 1
            done += 1
        return done, time.perf_counter() - started, time.process_time() - started_cpu


def measure_rate(
    index_dir: Path,
    clients: int,
    seconds: float,
    rounds: int,
    threads: int | None,
    code: Path = ROOT,
    workers: int | None = None,
) -> dict[str, Any]:
    """``/search`` under ``clients`` concurrent clients beside the raw in-process rate, in ``rounds`` alternating
    stretches of ``seconds / rounds`` each (a load that changes during the run then weighs on both alike), with
    the CPU seconds of the server, of this process (the load generator), and of the raw searches per answer.
    ``code``: the checkout whose server runs (the raw searches are this checkout's); ``workers``: its PORTAL_WORKERS.
    The server's CPU and memory are of its whole process tree (its worker processes)."""
    env = {"PORTAL_THREADS": str(threads)} if threads else {}
    if workers:
        env["PORTAL_WORKERS"] = str(workers)
    load_before = os.getloadavg()[0]
    with PortalProcess(index_dir, env=env, code=code) as portal:
        pid = portal.process.pid
        start_mb, start_pss = tree_rss_mb(pid), tree_pss_mb(pid)
        processes = len(tree_pids(pid))
        paths = search_paths()
        asyncio.run(_run(portal.base_url, paths, clients, min(5.0, seconds)))  # warm-up, not counted
        raw = RawSearches(index_dir)
        peak, pss_peak = [tree_rss_mb(pid)], [tree_pss_mb(pid)]
        seen: list[tuple[float, int, str]] = []
        errors: list[str] = []
        web_s = raw_s = server_cpu = client_cpu = raw_cpu = 0.0
        raw_done = 0
        shares = []
        for _round in range(rounds):
            cpu_before, own_before = tree_cpu_s(pid), time.process_time()

            async def sampled() -> tuple[list, list, float]:
                async def sample() -> None:
                    while True:
                        peak.append(tree_rss_mb(pid))
                        pss_peak.append(tree_pss_mb(pid))
                        await asyncio.sleep(0.25)

                sampler = asyncio.create_task(sample())
                try:
                    return await _run(portal.base_url, paths, clients, seconds / rounds)
                finally:
                    sampler.cancel()

            answered, failed, elapsed = asyncio.run(sampled())
            server_cpu += tree_cpu_s(pid) - cpu_before
            client_cpu += time.process_time() - own_before
            seen += answered
            errors += failed
            web_s += elapsed
            done, wall, cpu = raw.run(seconds / rounds)
            raw_done, raw_s, raw_cpu = raw_done + done, raw_s + wall, raw_cpu + cpu
            shares.append((len(answered) / elapsed) / (done / wall) if done else 0.0)
        raw.catalog.close()
        end_mb, end_pss = tree_rss_mb(pid), tree_pss_mb(pid)
    latencies = sorted(latency * 1000 for latency, _status, _path in seen)
    web_rate, raw_rate = len(seen) / web_s, raw_done / raw_s
    return {
        "web": {
            "clients": clients,
            "threads": threads or "default",
            "workers": workers or "default",
            "processes": processes,
            "code": str(code),
            "seconds": web_s,
            "requests_per_second": web_rate,
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "errors": len(errors) + sum(1 for _lat, status, _path in seen if status >= 500),
            "server_cpu_ms_per_request": server_cpu / len(seen) * 1000,
            "client_cpu_ms_per_request": client_cpu / len(seen) * 1000,
            "rss_start_mb": start_mb,
            "rss_peak_mb": max(peak),
            "rss_end_mb": end_mb,
            # shared pages counted once (the rss figures count them in each worker): what the machine pays for
            # workers forked from one supervisor (portal/server.py), which share its loaded pages
            "pss_start_mb": start_pss,
            "pss_peak_mb": max(pss_peak),
            "pss_end_mb": end_pss,
        },
        "raw_searches_per_second": raw_rate,
        "raw_cpu_ms_per_search": raw_cpu / raw_done * 1000,
        "web_share_of_raw": web_rate / raw_rate if raw_rate else 0.0,
        "web_share_by_round": shares,
        # what a request costs the server's CPU beside what the search alone costs: the share the rate could
        # reach if the load generator took no core
        "cpu_share_of_raw": (raw_cpu / raw_done) / (server_cpu / len(seen)) if server_cpu else 0.0,
        "rounds": rounds,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def cli_search(index_dir: Path, code: Path = ROOT) -> float:
    """Wall seconds of ``portal search 低保`` (``code``'s; median of three)."""
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    if code != ROOT:
        env["PYTHONPATH"] = str(code)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "portal", "search", "低保"], cwd=code, env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(
    index_dir: Path,
    clients: int,
    seconds: float,
    rounds: int = 4,
    threads: int | None = None,
    code: Path = ROOT,
    workers: int | None = None,
) -> dict[str, object]:
    """:func:`measure_rate`, the cold start and ``portal search``, all of ``code``'s portal."""
    return {
        **measure_rate(index_dir, clients, seconds, rounds, threads, code, workers),
        "cold_start_s": cold_start(index_dir, code, workers),
        "cli_search_s": cli_search(index_dir, code),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="of load, and as many of raw searches")
    parser.add_argument("--rounds", type=int, default=4, help="alternating stretches of load and raw searches")
    parser.add_argument("--threads", type=int, help="the server's PORTAL_THREADS (default: the portal's own)")
    parser.add_argument("--workers", type=int, help="the server's PORTAL_WORKERS (default: the portal's own)")
    parser.add_argument("--rate-only", action="store_true", help="leave out the cold start and `portal search`")
    parser.add_argument("--portal-code", type=Path, default=ROOT, help="serve (and search) with this checkout's code")
    args = parser.parse_args()
    if args.rate_only:
        figures: dict[str, object] = measure_rate(
            args.index,
            args.clients,
            args.seconds,
            args.rounds,
            args.threads,
            args.portal_code.resolve(),
            args.workers,
        )
    else:
        figures = measure(
            args.index, args.clients, args.seconds, args.rounds, args.threads, args.portal_code.resolve(), args.workers
        )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
