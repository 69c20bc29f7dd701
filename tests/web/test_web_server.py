"""The portal under uvicorn as `portal serve` runs it, on loopback: keep-alive survives a failing request,
and no response names the server software."""

from __future__ import annotations

import http.client
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import ROOT, SEED_INDEX_NO, portal_settings, store_environment
from starlette.routing import Route

from index.localports import free_port
from portal.app import create_app, open_catalog
from portal.server import server_config, serving


@pytest.fixture(scope="module")
def live(web_index: Path) -> Iterator[tuple[str, int]]:
    """(host, port) of a real server whose app also has a route that fails unexpectedly."""
    settings = portal_settings(web_index, host="127.0.0.1", port=free_port())
    app = create_app(settings)

    def broken(request):
        raise RuntimeError("an unexpected fault")

    app.router.routes.insert(0, Route("/broken", broken))
    with serving(server_config(settings, app, log_level="critical")):
        yield settings.host, settings.port


def test_a_failing_request_never_poisons_the_keep_alive_connection(live) -> None:
    connection = http.client.HTTPConnection(*live, timeout=10)
    connection.connect()
    sock = connection.sock
    for attempt in range(20):
        connection.request("GET", "/broken")
        failed = connection.getresponse()
        failed.read()
        assert failed.status == 500
        assert failed.getheader("connection") != "close"
        connection.request("GET", "/search.json?q=" + quote("低保"))
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 200, attempt
        assert b'"total"' in body
        assert connection.sock is sock, f"the server closed the connection after attempt {attempt}"
    connection.close()


@pytest.mark.parametrize("path", ["/", "/search.json?q=x", "/static/portal.css", "/no-such-page", "/broken"])
def test_no_server_banner(live, path: str) -> None:
    connection = http.client.HTTPConnection(*live, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    assert response.getheader("server") is None
    assert "uvicorn" not in str(response.headers).lower()
    connection.close()


# Shedding idle and abandoned work (issue 18, item 6) ----------------------------------------------------------


class SlowDocuments:
    """The store, with every document fetch taking SLOW_GET seconds and counted: a large document's page."""

    SLOW_GET = 0.3

    def __init__(self, catalog) -> None:
        self._catalog = catalog
        self.gets = 0

    def __getattr__(self, name: str):
        return getattr(self._catalog, name)

    def get(self, doc_id: str):
        self.gets += 1
        time.sleep(self.SLOW_GET)
        return self._catalog.get(doc_id)


@pytest.fixture(scope="module")
def shedding(web_index: Path) -> Iterator[tuple[str, int, list[SlowDocuments]]]:
    """A real server with short timeouts and one worker thread, over a store whose documents are slow."""
    settings = portal_settings(
        web_index, host="127.0.0.1", port=free_port(), threads=1, header_timeout=0.5, keepalive_timeout=0.5
    )
    stores: list[SlowDocuments] = []

    def slow_store(settings):
        stores.append(SlowDocuments(open_catalog(settings)))
        return stores[-1]

    with serving(server_config(settings, create_app(settings, slow_store), log_level="critical")):
        yield settings.host, settings.port, stores


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reading and dropping anything it sends)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_a_connection_that_never_sends_a_request_is_closed(shedding) -> None:
    host, port, _ = shedding
    with socket.create_connection((host, port), timeout=5) as sock:
        assert _closed_within(sock, 5.0), "a silent connection was held open"


def test_a_request_trickling_its_headers_is_closed(shedding) -> None:
    host, port, _ = shedding
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + 5
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                sock.sendall(b"X-Slow: a\r\n")  # a header line now and then keeps no request alive
            except OSError:
                closed = True
                break
            closed = _closed_within(sock, 0.2)
        assert closed, "a request whose headers never end was held open"


def test_a_finished_keep_alive_connection_is_closed_when_idle(shedding) -> None:
    host, port, _ = shedding
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/robots.txt")
    assert connection.getresponse().read()
    assert _closed_within(connection.sock, 5.0)
    connection.close()


def test_abandoned_requests_are_not_computed(shedding) -> None:
    """Issue 18: 100 abandoned requests for a 600 KB document delayed the next search by 13 s."""
    host, port, stores = shedding
    [store] = stores
    before = store.gets
    abandoned = 12
    for n in range(abandoned):  # each its own address, so none is answered from the page cache
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(f"GET /doc/{SEED_INDEX_NO}?v={n} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    time.sleep(1.0)  # the server notices the clients are gone
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/search.json?q=" + quote("低保"))
    assert connection.getresponse().status == 200
    connection.close()
    computed = store.gets - before
    assert computed <= 3, f"{computed} of {abandoned} abandoned document pages were computed"


def test_idle_connections_past_the_file_limit_do_not_stall_real_requests(web_index: Path, tmp_path: Path) -> None:
    """Issue 18: with ulimit -n 1024, 1,100 idle sockets stalled every real request, and the accept loop wrote
    52 MB of tracebacks. Here: `portal serve` with 256 files, and 320 idle sockets."""
    port = free_port()
    env = {**os.environ, **store_environment(web_index), "PORTAL_PORT": str(port), "PORTAL_HEADER_TIMEOUT": "60"}
    log_path = tmp_path / "serve.log"

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "portal", "serve"], env=env, cwd=ROOT, stdout=log, stderr=log, preexec_fn=few_files
        )
    idle: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, log_path.read_text("utf-8", "replace")
                time.sleep(0.2)
        for _ in range(320):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)
        started = time.monotonic()
        answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/search.json?q={quote('低保')}", timeout=10)
        assert answer.status == 200 and b'"total"' in answer.read()
        assert time.monotonic() - started < 10
        assert sum(_closed_within(sock, 0.01) for sock in idle[:50]) > 0, "no idle connection was shed"
    finally:
        for sock in idle:
            sock.close()
        server.terminate()
        server.wait(timeout=10)
    assert log_path.stat().st_size < 50_000, log_path.read_text("utf-8", "replace")[-2000:]
    assert "Traceback" not in log_path.read_text("utf-8", "replace")


def test_a_large_page_asked_for_again_is_not_drawn_again(shedding) -> None:
    host, port, stores = shedding
    [store] = stores
    before = store.gets
    connection = http.client.HTTPConnection(host, port, timeout=30)
    bodies = set()
    for _ in range(5):
        connection.request("GET", f"/doc/{SEED_INDEX_NO}?cached=1")
        response = connection.getresponse()
        assert response.status == 200
        bodies.add(response.read())
    connection.close()
    assert len(bodies) == 1
    assert store.gets - before == 1
