"""bench.memtimeline samples this process and the processes under it, and keeps the peaks."""

import io
import json
import subprocess
import sys
import time

import pytest

from bench.memtimeline import Sampler


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sampler_sees_a_child_and_keeps_the_peak() -> None:
    out = io.StringIO()
    sampler = Sampler(out, every=0.05)
    alone = sampler.sample()
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(64 << 20); time.sleep(30)"])
    try:
        for _ in range(200):  # until the child holds its 64 MB (10 s at most)
            time.sleep(0.05)
            row = sampler.sample()
            if row["workers_mb"] and max(row["workers_mb"]) > 64:
                break
        else:
            pytest.fail("the child's memory was never seen")
    finally:
        child.kill()
        child.wait()
    # Children the process had before (an xdist worker may hold multiprocessing's resource tracker) count as well.
    assert row["tree_mb"] >= row["main_mb"] + sum(row["workers_mb"]) - 0.5 and row["tree_mb"] >= row["main_mb"] + 64
    assert sampler.peaks["tree_mb"]["tree_mb"] >= row["tree_mb"]
    assert "test_sampler_sees_a_child_and_keeps_the_peak" not in json.dumps(row["stack"])  # the project's code only
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == alone and [line["t"] for line in lines] == sorted(line["t"] for line in lines)
