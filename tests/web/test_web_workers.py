"""``portal serve`` in several processes (PORTAL_WORKERS; portal/server.py): the workers are forked from a supervisor
that opened the store once, every worker answers, each sees a re-ingest and answers 503 for a damaged index, a
worker killed is replaced by one that answers, and a slow search in one holds up no other search (portal/lanes.py,
as tests/web/test_web_lanes.py for one process). Real servers over real indexes; nothing is timed.

Which worker takes a connection is the kernel's choice (SO_REUSEPORT spreads them by a hash of their addresses),
so the tests hold CONNECTIONS open at once and check that each worker holds some: the chance that all go to one
of two workers is 2 in 2**16.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from helpers import build_index, store_environment

from bench.load import PortalProcess, _cmdline
from index.localports import free_port
from index.whoosh import generations
from index.whoosh.ingest import ingest_paths
from portal.server import WORKER_HEALTHCHECK, WorkerHandle, WorkerListeners, _reuse_port

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "documents"
HELD_SERVER = Path(__file__).with_name("held_server.py")
CONNECTIONS = 16


def serving(index_dir: Path, command: list[str] | None = None) -> PortalProcess:
    """``portal serve`` (or ``command``) with two workers on the store standing for ``index_dir``."""
    # connections are held open across an ingest
    env = {**store_environment(index_dir), "PORTAL_WORKERS": "2", "PORTAL_KEEPALIVE_TIMEOUT": "300"}
    return PortalProcess(index_dir, env=env, command=command)


@contextlib.contextmanager
def held_connections(
    server: PortalProcess,
) -> Iterator[tuple[list[http.client.HTTPConnection], Callable[[], dict[int, int]]]]:
    """CONNECTIONS connections to the server's two workers, held open for the block, and what tells how many of
    them each worker holds (its sockets past those it held idle)."""
    workers = server.worker_pids()
    assert len(workers) == 2, server.server_log()[-3000:]
    idle = {pid: sockets(pid) for pid in workers}
    opened = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=60) for _ in range(CONNECTIONS)]
    try:
        yield opened, lambda: {pid: sockets(pid) - idle[pid] for pid in workers}
    finally:
        for connection in opened:
            connection.close()


def sockets(pid: int) -> int:
    """The sockets a process holds open (its listener and its connections); a descriptor closed while they are
    counted (the worker closing a file between the listing and its readlink) is not one."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):
            count += os.readlink(fd).startswith("socket:")
    return count


def search_total(connection: http.client.HTTPConnection, q: str) -> int:
    connection.request("GET", "/search.json?q=" + quote(q))
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body[:500]
    return json.loads(body)["total"]


def test_every_worker_answers_its_share_of_the_connections(web_index: Path) -> None:
    with serving(web_index) as server, held_connections(server) as (opened, holding):
        totals = [search_total(connection, "低保") for connection in opened]
        held = holding()
    assert all(total > 0 for total in totals) and len(set(totals)) == 1
    assert all(held.values()), f"a worker took no connection: {held}"


def test_every_worker_sees_a_reingest(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([DOCUMENTS / "siyang-2016-wubao-gongyang-biaozhun.txt"], index_dir)
    with serving(index_dir) as server, held_connections(server) as (opened, holding):
        before = [search_total(connection, "公积金") for connection in opened]
        held = holding()
        build_index([DOCUMENTS / "suqian-gjj-2019-jiaocun-jishu-tiaozheng.json"], index_dir)
        after = [search_total(connection, "公积金") for connection in opened]
    assert all(held.values()), f"a worker took no connection: {held}"
    assert before == [0] * CONNECTIONS
    assert after == [1] * CONNECTIONS, "a worker answered from the index before the ingest"


def test_every_worker_answers_503_for_a_segment_damaged_while_it_runs(tmp_path: Path) -> None:
    """As tests/test_damage.py for one process: a look-up reading a damaged block answers the damage page."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(6):
        record = {
            "索引号": f"014319733/2024-{n:05d}",
            "标题": f"第{n}号低保通知",
            "正文": f"第{n}号通知：低保标准提高。",
        }
        (docs / f"{n}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    env = {"PORTAL_STORE": "whoosh", "PORTAL_WORKERS": "2", "PORTAL_KEEPALIVE_TIMEOUT": "300"}
    with PortalProcess(index_dir, env=env) as server, held_connections(server) as (opened, holding):
        before = [search_total(connection, "低保") for connection in opened]
        held = holding()
        [segment] = generations.current_generation(index_dir).glob("MAIN_*.seg")
        data = bytearray(segment.read_bytes())
        for at in range(len(data) // 4, 3 * len(data) // 4, 7):  # half the segment garbled
            data[at] ^= 0x55
        segment.write_bytes(bytes(data))
        after = []
        for connection in opened:
            connection.request("GET", "/doc/014319733/2024-00001")
            response = connection.getresponse()
            after.append((response.status, "检索索引已损坏" in response.read().decode()))
    assert all(held.values()), f"a worker took no connection: {held}"
    assert before == [6] * CONNECTIONS
    assert after == [(503, True)] * CONNECTIONS


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


def test_a_second_portal_serve_on_the_port_of_one_in_several_processes_is_refused(web_index: Path) -> None:
    """SO_REUSEPORT let a second ``portal serve`` bind the port of a running one beside it and answer half its
    requests, from its own index and code; it must stop, naming the address, and leave the first serving."""
    with serving(web_index) as server:
        second = subprocess.Popen(
            [sys.executable, "-m", "portal", "serve", "--port", str(server.port), "--workers", "2"],
            cwd=ROOT,
            env={**os.environ, **store_environment(web_index), "PORTAL_HOST": "127.0.0.1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _out, err = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.terminate()
            second.communicate(timeout=30)
            pytest.fail("a second portal serve runs on the port of the first")
        assert second.returncode != 0
        assert f"cannot listen on 127.0.0.1:{server.port}" in err.decode("utf-8", "replace")
        with held_connections(server) as (opened, _holding):
            assert all(search_total(connection, "低保") > 0 for connection in opened)


def test_the_address_is_claimed_before_the_workers_listen() -> None:
    """Between the supervisor's check and its workers' binding (seconds, spawning them) another ``portal serve``
    found the port free too: the address is held from the check on."""
    port = free_port()
    first = WorkerListeners("127.0.0.1", port, 8)
    try:
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            WorkerListeners("127.0.0.1", port, 8)
    finally:
        first.close()
    WorkerListeners("127.0.0.1", port, 8).close()  # free again once the first is closed


def test_port_0_is_one_port_for_every_worker() -> None:
    """PORTAL_PORT=0 with several workers bound each worker to a port of its own, the log saying port 0."""
    listeners = WorkerListeners("127.0.0.1", 0, 8)
    try:
        assert listeners.port != 0
        # as each forked worker opens its socket (portal.server._serve_forked)
        workers = [_reuse_port(listeners.host, listeners.port, listeners.backlog) for _ in range(2)]
        try:
            assert {sock.getsockname()[1] for sock in workers} == {listeners.port}
        finally:
            for sock in workers:
                sock.close()
    finally:
        listeners.close()


def test_the_store_is_opened_once_in_the_supervisor_and_its_workers_forked_from_it(
    web_index: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "held"
    folder.mkdir()
    with serving(web_index, [sys.executable, str(HELD_SERVER), str(folder)]) as server:
        supervisor = server.process.pid
        workers = server.worker_pids()
        opened = sorted(path.name for path in folder.glob("opened-*"))
        commands = {_cmdline(pid) for pid in [supervisor, *workers]}
        (folder / "release").touch()
    assert len(workers) == 2
    assert opened == [f"opened-{supervisor}"], "the store was not opened in the supervisor alone"
    assert len(commands) == 1, f"a worker was not forked from the supervisor: {commands}"


def test_a_worker_killed_is_replaced_by_one_that_answers(web_index: Path) -> None:
    with serving(web_index) as server:
        started = server.worker_pids()
        killed = started[0]
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        # a new worker beside the other (a pick from the two took the one that had served all along half the
        # time, whose start was logged long before, and the searches then went out while the new one started)
        while killed in (now := server.worker_pids()) or len(now) != 2 or set(now) <= set(started):
            assert time.monotonic() < deadline, f"no worker replaced {killed}: {server.server_log()[-2000:]}"
            time.sleep(0.1)
        [replacement] = set(now) - set(started)
        deadline = time.monotonic() + 60
        while "Application startup complete" not in _log_since(server, replacement):
            assert time.monotonic() < deadline, server.server_log()[-2000:]
            time.sleep(0.1)
        with held_connections(server) as (opened, holding):
            totals = [search_total(connection, "低保") for connection in opened]
            held = holding()
    assert all(total > 0 for total in totals) and len(set(totals)) == 1
    assert held[replacement] > 0, f"the new worker took no connection: {held}"


def _read_pings_without_answering(connection: Connection, pinged: EventType) -> None:
    """A worker's end of the health-check pipe that takes the supervisor's ping and never answers (a worker
    killed between the two)."""
    connection.recv()
    pinged.set()
    time.sleep(3600)


def test_a_worker_that_dies_while_the_supervisor_awaits_its_health_answer_is_given_up_at_once() -> None:
    """uvicorn's supervisor waited WORKER_HEALTHCHECK seconds for the answer of a worker that had died after taking
    the ping: the pipe stays open in the supervisor and in the workers forked after the dead one, so nothing ended
    the wait, and for that minute no worker was started in its place and no signal handled. The check
    (portal.server.WorkerHandle, through uvicorn's own ``is_alive``) must end when the worker does."""
    fork = multiprocessing.get_context("fork")
    worker = WorkerHandle.__new__(WorkerHandle)  # uvicorn's constructor makes a server's process; this one reads
    worker.parent_conn, worker.child_conn = fork.Pipe()
    pinged = fork.Event()
    worker.process = fork.Process(target=_read_pings_without_answering, args=(worker.child_conn, pinged))
    worker.process.start()
    answers: queue.Queue[bool] = queue.Queue()
    # a daemon thread: without the fix it waits ten times the health check, which must not hold up the test's end
    threading.Thread(target=lambda: answers.put(worker.is_alive(10 * WORKER_HEALTHCHECK)), daemon=True).start()
    try:
        assert pinged.wait(WORKER_HEALTHCHECK), "the ping never reached the worker"
        os.kill(worker.process.pid, signal.SIGKILL)  # the supervisor now waits for its answer
        alive = answers.get(timeout=WORKER_HEALTHCHECK)
    finally:
        worker.process.kill()
        worker.process.join()
    assert alive is False


def _log_since(server: PortalProcess, pid: int) -> str:
    """The server's log from the line naming ``pid``'s start on."""
    log = server.server_log()
    at = log.find(f"[{pid}]")
    return log[at:] if at >= 0 else ""
