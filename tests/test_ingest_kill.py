"""A killed ingest leaves no processes (issue 18, item 9): the spawn workers that analyse batches, and the
multiprocessing resource tracker, exit when the ingest that started them dies, even by SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.whoosh.writer import BATCH_CHARS, workers_available


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_sigkill_of_an_ingest_leaves_no_worker_behind(tmp_path) -> None:
    if workers_available() < 2:
        pytest.skip("needs 2 cores: with one, the ingest starts no worker processes")
    body = "为进一步做好城乡居民最低生活保障工作，现将有关事项通知如下。" * 100
    records = 4 * BATCH_CHARS // len(body)  # four batches: workers start on the first
    with (tmp_path / "many.jsonl").open("w", encoding="utf-8") as handle:
        for n in range(records):
            record = {"索引号": f"014319733/2023-{n:05d}", "标题": f"第{n}批低保资金的通知", "正文": body}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    environment = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index")}
    ingest = subprocess.Popen(
        [sys.executable, "-m", "portal", "ingest", "-q", str(tmp_path / "many.jsonl")],
        env=environment,
        stdout=subprocess.PIPE,  # a worker that outlives the ingest would hold this open
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2:  # the resource tracker and at least one worker
            assert ingest.poll() is None, "the ingest finished before it started workers"
            assert time.monotonic() < deadline, "no worker process started"
            workers = _children(ingest.pid)
            time.sleep(0.05)
        time.sleep(0.5)
        workers |= _children(ingest.pid)
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "processes of the killed ingest are still running"
        assert ingest.stdout.read() == b""  # nothing holds the ingest's stdout open: it ends
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        ingest.stdout.close()
