"""``portal serve`` in several processes (PORTAL_WORKERS; portal/server.py): every worker answers, each sees a
re-ingest, and a slow search in one holds up no other search (portal/lanes.py, as tests/web/test_web_lanes.py for
one process). Real servers over real indexes; nothing is timed.

Which worker takes a connection is the kernel's choice (SO_REUSEPORT spreads them by a hash of their addresses),
so the tests hold CONNECTIONS open at once and check that each worker holds some: the chance that all go to one
of two workers is 2 in 2**16.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from helpers import build_index, store_environment

from bench.load import PortalProcess

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "documents"
HELD_SERVER = Path(__file__).with_name("held_server.py")
CONNECTIONS = 16


def serving(index_dir: Path, command: list[str] | None = None) -> PortalProcess:
    """``portal serve`` (or ``command``) with two workers on the store standing for ``index_dir``."""
    # connections are held open across an ingest
    env = {**store_environment(index_dir), "PORTAL_WORKERS": "2", "PORTAL_KEEPALIVE_TIMEOUT": "300"}
    return PortalProcess(index_dir, env=env, command=command)


def connections(server: PortalProcess) -> list[http.client.HTTPConnection]:
    return [http.client.HTTPConnection("127.0.0.1", server.port, timeout=60) for _ in range(CONNECTIONS)]


def sockets(pid: int) -> int:
    """The sockets a process holds open (its listener and its connections)."""
    return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if os.readlink(fd).startswith("socket:"))


def search_total(connection: http.client.HTTPConnection, q: str) -> int:
    connection.request("GET", "/search.json?q=" + quote(q))
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body[:500]
    return json.loads(body)["total"]


def test_every_worker_answers_its_share_of_the_connections(web_index: Path) -> None:
    with serving(web_index) as server:
        workers = server.worker_pids()
        assert len(workers) == 2, server.server_log()[-3000:]
        idle = {pid: sockets(pid) for pid in workers}
        held_open = connections(server)
        try:
            totals = [search_total(connection, "低保") for connection in held_open]
            held = {pid: sockets(pid) - idle[pid] for pid in workers}
        finally:
            for connection in held_open:
                connection.close()
    assert all(total > 0 for total in totals) and len(set(totals)) == 1
    assert all(held.values()), f"a worker took no connection: {held}"


def test_every_worker_sees_a_reingest(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([DOCUMENTS / "siyang-2016-wubao-gongyang-biaozhun.txt"], index_dir)
    with serving(index_dir) as server:
        workers = server.worker_pids()
        assert len(workers) == 2, server.server_log()[-3000:]
        idle = {pid: sockets(pid) for pid in workers}
        held_open = connections(server)
        try:
            before = [search_total(connection, "公积金") for connection in held_open]
            held = {pid: sockets(pid) - idle[pid] for pid in workers}
            build_index([DOCUMENTS / "suqian-gjj-2019-jiaocun-jishu-tiaozheng.json"], index_dir)
            after = [search_total(connection, "公积金") for connection in held_open]
        finally:
            for connection in held_open:
                connection.close()
    assert all(held.values()), f"a worker took no connection: {held}"
    assert before == [0] * CONNECTIONS
    assert after == [1] * CONNECTIONS, "a worker answered from the index before the ingest"


@pytest.fixture
def held(web_index: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """tests/web/held_server.py on the web index: two workers whose slow searches the folder steers."""
    folder = tmp_path / "held"
    folder.mkdir()
    with serving(web_index, [sys.executable, str(HELD_SERVER), str(folder)]) as server:
        try:
            yield server.base_url, folder
        finally:
            (folder / "release").touch()


def test_a_fast_search_is_answered_while_two_slow_ones_compute_in_the_workers(held) -> None:
    base_url, folder = held
    slow_path = "/search.json?q=" + quote("慢检索")
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = [pool.submit(httpx.get, base_url + slow_path, timeout=120) for _ in range(2)]
        deadline = time.monotonic() + 60
        while len(list(folder.glob("started-*"))) < 2:
            assert time.monotonic() < deadline, "a slow search never started"
            time.sleep(0.05)
        # Both slow searches are computing (neither ends before "release" exists). The fast one must get through.
        fast = httpx.get(base_url + "/search.json?q=" + quote("低保"), timeout=30)
        still_running = len(list(folder.glob("started-*")))
        assert not any(future.done() for future in slow)
        (folder / "release").touch()
        answers = [future.result() for future in slow]
    assert fast.status_code == 200 and fast.json()["total"] > 0
    assert still_running == 2, "the fast search was answered only after a slow one ended"
    assert [answer.status_code for answer in answers] == [200, 200]
