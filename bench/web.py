"""The server and the command line, measured: ``python -m bench.web INDEX_DIR [--clients N] [--seconds M]`` prints JSON.

* cold start: from starting ``portal serve`` to its first answered search;
* ``/search`` under a bounded concurrent load (N clients on their own keep-alive connections, M seconds,
  the latency mix of :mod:`bench.latency` as ``/search?…`` pages), beside the raw rate of the same searches
  in one process (``Catalog.search`` one after another, no HTTP): the web figure is a share of it;
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
from urllib.parse import urlencode

import httpx

from bench.latency import MIX
from bench.load import PortalProcess, _run, rss_mb
from bench.measure import ROOT


def search_paths() -> list[str]:
    paths = []
    for _kind, q, filters, sort in MIX:
        params = [("q", q), ("sort", sort), ("go", "0")] + [(k, v) for k, vs in filters.items() for v in vs]
        paths.append("/search?" + urlencode(params))
    return paths


def cold_start(index_dir: Path) -> float:
    """Seconds from starting ``portal serve`` to the first 200 of a search."""
    started = time.perf_counter()
    with PortalProcess(index_dir) as portal:
        while True:
            try:
                if httpx.get(f"{portal.base_url}/search?q=低保", timeout=30).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.02)


def in_process_rate(index_dir: Path, seconds: float) -> float:
    """Searches per second of the mix run one after another in this process (warm)."""
    from index.query import SearchRequest
    from index.whoosh.catalog import Catalog

    catalog = Catalog(index_dir)
    catalog.warm()
    requests = [SearchRequest(q=q, filters=filters, sort=sort) for _kind, q, filters, sort in MIX]
    for request in requests:  # warm: arrays and posting lists read once, as the server will have
        catalog.search(request)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        catalog.search(requests[done % len(requests)])
        done += 1
    rate = done / (time.perf_counter() - started)
    catalog.close()
    return rate


def loaded(index_dir: Path, clients: int, seconds: float) -> dict[str, float]:
    with PortalProcess(index_dir) as portal:
        pid = portal.process.pid
        start_mb = rss_mb(pid)
        paths = search_paths()
        asyncio.run(_run(portal.base_url, paths, clients, min(5.0, seconds)))  # warm-up, not counted
        peak = [rss_mb(pid)]

        async def sampled() -> tuple[list, list, float]:
            async def sample() -> None:
                while True:
                    peak.append(rss_mb(pid))
                    await asyncio.sleep(0.25)

            sampler = asyncio.create_task(sample())
            try:
                return await _run(portal.base_url, paths, clients, seconds)
            finally:
                sampler.cancel()

        seen, errors, elapsed = asyncio.run(sampled())
        end_mb = rss_mb(pid)
    latencies = sorted(latency * 1000 for latency, _status, _path in seen)
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests_per_second": len(seen) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": len(errors) + sum(1 for _lat, status, _path in seen if status >= 500),
        "rss_start_mb": start_mb,
        "rss_peak_mb": max(peak),
        "rss_end_mb": end_mb,
    }


def cli_search(index_dir: Path) -> float:
    """Wall seconds of ``portal search 低保`` (median of three)."""
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "portal", "search", "低保"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(index_dir: Path, clients: int, seconds: float) -> dict[str, object]:
    web = loaded(index_dir, clients, seconds)
    raw = in_process_rate(index_dir, seconds)
    return {
        "cold_start_s": cold_start(index_dir),
        "web": web,
        "raw_searches_per_second": raw,
        "web_share_of_raw": web["requests_per_second"] / raw if raw else 0.0,
        "cli_search_s": cli_search(index_dir),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.index, args.clients, args.seconds), ensure_ascii=False))


if __name__ == "__main__":
    main()
