"""A bounded load test of the portal: ``python -m bench.load [--index DIR] [--clients N] [--seconds M] [--json]``
``[--idle K] [--server-files F]``.

Starts ``portal serve`` as its own process on a free loopback port, sends N clients (each on its own keep-alive
connection) round a mix of pages, JSON, feeds, empty results, identifier redirects, 404s and broken queries for
M seconds, then stops by itself. Reports requests/s, latency p50/p99, responses by status class, 5xx and
connection errors, and the server's resident memory at start and end (Linux /proc). It asserts nothing about
speed; ``tests/web/test_web_load.py`` runs it for a few seconds and asserts no 5xx and no connection error.

``--idle K`` holds K more connections open that never send a request, for the whole run, and ``--server-files F``
starts the server with an open-file limit of F (``ulimit -n``): issue 18's 1,100 idle sockets against 1,024 files
stalled every real request and filled the log with accept tracebacks, whose size is reported too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.measure import tree_pids, tree_rss_mb
from index.localports import free_port

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 60.0  # seconds for `portal serve` to answer
# What people and robots ask for, besides document pages taken from the sitemap.
PATHS = [
    "/no-such-page",  # first, so that even a short run meets a 404 and a redirect
    "/search?q=014319733/2018-00019",  # an identifier: 303 to the document
    "/",
    "/search?q=低保",
    "/search?q=低保&page=2",
    "/search.json?q=养老&publisher=宿迁市民政局",
    "/search?q=量子引力波",  # empty result: ways out and suggestions
    "/search?q=低保殡葬",
    "/search?q=((低保",  # broken syntax
    "/search?kind=解读&validity=有效",
    "/search.atom?q=低保",
    "/lookup?q=2018-00019",
    "/browse",
    "/browse/year/2019",
    "/stats",
    "/stats.json",
    "/advanced",
    "/feed.atom",
    "/sitemap.xml",
    "/openapi.json",
    "/static/portal.css",
]
DOC_PAGES = 40  # document pages (and their JSON) from the sitemap


@dataclass
class LoadReport:
    clients: int
    seconds: float
    requests: int = 0
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)  # "2xx" → count
    server_errors: int = 0  # 5xx
    connection_errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    idle: int = 0  # connections held open without a request
    idle_closed_by_server: int = 0
    server_log_bytes: int = 0

    def table(self) -> str:
        statuses = ", ".join(f"{key} {count}" for key, count in sorted(self.statuses.items()))
        return "\n".join(
            (
                f"clients {self.clients}, {self.seconds:.1f} s: {self.requests} requests, "
                f"{self.requests_per_second:.1f} requests/s",
                f"latency p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms",
                f"responses: {statuses}; 5xx {self.server_errors}; connection errors {self.connection_errors}",
                f"server memory (RSS): {self.rss_start_mb:.0f} MB at start, {self.rss_end_mb:.0f} MB at end",
                f"idle connections {self.idle} ({self.idle_closed_by_server} closed by the server); "
                f"server log {self.server_log_bytes:,} bytes",
            )
        )


class PortalProcess:
    """``portal serve`` on a free loopback port, in its own process, for the ``with`` block; ready once every one
    of its worker processes (PORTAL_WORKERS) has started."""

    def __init__(
        self,
        index_dir: Path,
        files: int | None = None,
        env: dict[str, str] | None = None,
        code: Path = ROOT,
        command: list[str] | None = None,
    ) -> None:
        """``env``: more environment for the server; ``code``: the checkout whose ``portal`` it runs; ``command``:
        another command serving the portal (its address from PORTAL_HOST and PORTAL_PORT)."""
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORTAL_INDEX_DIR": str(index_dir),
            "PORTAL_HOST": "127.0.0.1",
            "PORTAL_PORT": str(self.port),
            **(env or {}),
        }
        if code != ROOT:
            env["PYTHONPATH"] = str(code)
        command = command or [sys.executable, "-m", "portal", "serve", "--port", str(self.port)]
        self.log = tempfile.TemporaryFile()  # a file, not a pipe: a pipe nobody reads would stall the server
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))) if files else None
        # a process group of its own: every process of the server, workers forked at any time included, is in it
        self.process = subprocess.Popen(
            command,
            cwd=code,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            preexec_fn=limit,
            process_group=0,
        )

    def __enter__(self) -> PortalProcess:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"portal serve exited: {self.server_log()[-2000:]}")
            try:
                answered = httpx.get(f"{self.base_url}/robots.txt", timeout=2).status_code == 200
            except httpx.TransportError:
                answered = False
            # the workers are started together, before any answers; each logs its start (uvicorn, level info)
            if answered and self.server_log().count("Application startup complete") >= len(self.worker_pids()):
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"portal serve did not answer within {STARTUP_TIMEOUT:.0f} s")

    def __exit__(self, *exc: object) -> None:
        """Stop the server: SIGTERM to the supervisor (uvicorn's stops its workers), SIGKILL after 30 s, then
        SIGKILL to whatever is left of its process group. The group, not a list of workers taken beforehand: the
        supervisor forks a replacement for a worker that dies, also while it is being stopped, and a worker it
        leaves (a supervisor killed leaves all of them) would go on holding the port, the index and a core."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def worker_pids(self) -> list[int]:
        """The server's worker processes (the supervisor's children, forked or spawned, not multiprocessing's
        resource tracker); none where it serves in its own process."""
        root = self.process.pid
        return [pid for pid in tree_pids(root)[1:] if _parent(pid) == root and b"resource_tracker" not in _cmdline(pid)]

    def server_log(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def _parent(pid: int) -> int:
    """The parent's process id (Linux /proc/PID/stat: the field after the state, past the command's parentheses); 0
    where the process is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def document_paths(base_url: str, limit: int = DOC_PAGES) -> list[str]:
    """Document pages and their JSON twins, from the sitemap."""
    root = ET.fromstring(httpx.get(f"{base_url}/sitemap.xml", timeout=30).content)
    locs = [el.text or "" for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    docs = [urlsplit(loc).path for loc in locs if "/doc/" in loc][:limit]
    return [path for doc in docs for path in (doc, doc + ".json")]


async def _client(
    base_url: str, paths: list[str], offset: int, deadline: float, seen: list, errors: list, at_least: int = 0
) -> None:
    """One client: its own connection, round the paths from ``offset`` until ``deadline``, and at least
    ``at_least`` requests however long they take."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30, follow_redirects=False) as client:
        i = offset
        while time.monotonic() < deadline or i - offset < at_least:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.TransportError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            seen.append((time.perf_counter() - started, response.status_code, path))


async def _run(
    base_url: str, paths: list[str], clients: int, seconds: float, every_path: bool = False
) -> tuple[list, list, float]:
    seen: list[tuple[float, int, str]] = []
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + seconds
    step = max(1, len(paths) // clients)
    # client n starts at path n · step: with ``every_path`` each sends its stretch up to the next one's start
    # (the last one to the end), so that every path is asked for however slow the machine is
    at_least = [len(paths) - n * step if n == clients - 1 else step for n in range(clients)] if every_path else []
    await asyncio.gather(
        *(
            _client(base_url, paths, n * step, deadline, seen, errors, at_least[n] if every_path else 0)
            for n in range(clients)
        )
    )
    return seen, errors, time.monotonic() - started


def run_load(
    index_dir: Path,
    clients: int = 8,
    seconds: float = 10.0,
    idle: int = 0,
    server_files: int | None = None,
    every_path: bool = False,
) -> LoadReport:
    """Serve ``index_dir`` with ``portal serve`` and load it; the server is stopped when this returns.
    ``every_path``: go on past ``seconds`` until every path (PATHS and the document pages) was asked for once, so
    that what is exercised does not depend on the machine's speed."""
    with PortalProcess(index_dir, server_files) as portal:
        paths = PATHS + document_paths(portal.base_url)
        report = LoadReport(clients=clients, seconds=seconds, rss_start_mb=tree_rss_mb(portal.process.pid), idle=idle)
        held = [socket.create_connection(("127.0.0.1", portal.port), timeout=5) for _ in range(idle)]
        try:
            seen, errors, elapsed = asyncio.run(_run(portal.base_url, paths, clients, seconds, every_path))
            report.idle_closed_by_server = sum(_closed(sock) for sock in held)
        finally:
            for sock in held:
                sock.close()
        report.rss_end_mb = tree_rss_mb(portal.process.pid)
        report.server_log_bytes = len(portal.server_log().encode())
    latencies = sorted(latency * 1000 for latency, _, _ in seen)
    report.seconds = elapsed
    report.requests = len(seen)
    report.requests_per_second = len(seen) / elapsed if elapsed else 0.0
    if latencies:
        report.p50_ms = statistics.median(latencies)
        report.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    report.statuses = dict(Counter(f"{status // 100}xx" for _, status, _ in seen))
    failed = [f"{path}: {status}" for _, status, path in seen if status >= 500]
    report.server_errors = len(failed)
    report.connection_errors = len(errors)
    report.error_samples = (failed + errors)[:10]
    return report


def _closed(sock: socket.socket) -> bool:
    """Whether the server has closed ``sock`` (it never sent a request, so nothing else is to be read)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "var" / "index", help="index to serve (PORTAL_INDEX_DIR)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--idle", type=int, default=0, help="connections held open without a request")
    parser.add_argument("--server-files", type=int, help="the server's open-file limit (ulimit -n)")
    args = parser.parse_args()
    report = run_load(args.index, args.clients, args.seconds, args.idle, args.server_files)
    print(json.dumps(asdict(report), ensure_ascii=False, indent=2) if args.json else report.table())
    sys.exit(1 if report.server_errors or report.connection_errors else 0)


if __name__ == "__main__":
    main()
