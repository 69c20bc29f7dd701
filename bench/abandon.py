"""Abandoned requests and the next search: ``python -m bench.abandon [--requests N] [--index DIR]``.

Issue 18: 100 requests for a 600 KB document's page, each sent and its connection closed at once, delayed the
next search by 13 s, as every one of them was still computed. This builds (once, in ``--index``, by default a
temporary folder) an index of ``documents/`` and one 600 KB document, serves it with ``portal serve``, sends N
such requests (each with its own query string, so none is answered from the page cache), and times one search
after them. The server's defaults are used (PORTAL_THREADS).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from index.localports import free_port

ROOT = Path(__file__).resolve().parent.parent
BIG_INDEX_NO = "014319733/2018-00999"


def build(index_dir: Path, folder: Path) -> None:
    """``documents/`` and one document of about 600 KB, ingested into ``index_dir``."""
    paragraph = "为进一步做好城乡居民最低生活保障工作，现将有关事项通知如下，请各地认真贯彻执行。" * 3
    body = "\n\n".join(f"第{n}段：{paragraph}" for n in range(1500))
    record = {"标题": "篇幅很长的通知", "索引号": BIG_INDEX_NO, "正文": body}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "big.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    subprocess.run(
        [sys.executable, "-m", "portal", "ingest", "-q", str(ROOT / "documents"), str(folder)],
        env=env,
        check=True,
        capture_output=True,
    )


def measure(index_dir: Path, requests: int) -> float:
    """Seconds one search waits after ``requests`` abandoned requests for the large document's page."""
    port = free_port()
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "portal", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        for n in range(requests):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                path = f"/doc/{BIG_INDEX_NO}?n={n}"
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        time.sleep(0.5)
        started = time.monotonic()
        urllib.request.urlopen(f"http://127.0.0.1:{port}/search.json?q={quote('低保')}", timeout=300).read()
        return time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.abandon", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--index", type=Path, help="index folder, built there when missing (default: temporary)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        index_dir = args.index or Path(temporary) / "index"
        if not (index_dir / "CURRENT").exists():
            build(index_dir, Path(temporary) / "docs")
        waited = measure(index_dir, args.requests)
    print(f"one search after {args.requests} abandoned requests for a 600 KB document's page waited {waited:.2f} s")


if __name__ == "__main__":
    main()
