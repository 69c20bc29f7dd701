"""bench/load.py's PortalProcess stops the whole server it started: uvicorn's supervisor forks a replacement for a
worker that dies, and one forked while the server is being stopped (after any list of its workers was taken) must
not outlive it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.load import PortalProcess

# A stand-in for `portal serve` (PORTAL_PORT from the environment): answers /robots.txt, logs uvicorn's start line,
# and on SIGTERM forks a late "worker" that ignores SIGTERM, writes its pid to FILE, and exits.
LATE_FORKING_SERVER = """
import http.server, os, signal, sys, threading, time

class Robots(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

def on_term(*_):
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(120)
        os._exit(0)
    with open(sys.argv[1] + ".tmp", "w") as handle:
        handle.write(str(pid))
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    os._exit(0)

signal.signal(signal.SIGTERM, on_term)
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORTAL_PORT"])), Robots)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("INFO:     Application startup complete.", file=sys.stderr, flush=True)
while True:
    time.sleep(1)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent, init here, counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_worker_forked_while_the_server_stops_is_stopped_too(tmp_path: Path) -> None:
    script, pid_file = tmp_path / "server.py", tmp_path / "late.pid"
    script.write_text(LATE_FORKING_SERVER, "utf-8")
    late = 0
    try:
        with PortalProcess(tmp_path, command=[sys.executable, str(script), str(pid_file)]):
            pass
        deadline = time.monotonic() + 10
        while not pid_file.exists():
            assert time.monotonic() < deadline, "the stand-in server did not fork on SIGTERM"
            time.sleep(0.05)
        late = int(pid_file.read_text())
        deadline = time.monotonic() + 10
        while _alive(late) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(late), f"worker {late}, forked as the server stopped, outlived it"
    finally:
        if late and _alive(late):
            os.kill(late, 9)
