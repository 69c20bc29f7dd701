"""A server's cost is its whole process tree's (bench/measure.py): ``portal serve`` answers in worker processes, and
the CPU and memory of its supervisor alone would leave theirs out."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.measure import process_cpu_s, tree_cpu_s, tree_pids, tree_pss_mb, tree_rss_mb

BURN = 0.3  # CPU seconds the child uses before it waits
CHILD = (
    "import sys, time\n"
    f"while time.process_time() < {BURN}: pass\n"
    "big = bytearray(64 * 2**20)\n"
    "big[::4096] = b'x' * (64 * 2**20 // 4096)\n"  # a byte written in each page: 64 MB resident
    "print('ready', flush=True)\n"
    "sys.stdin.read()\n"
)


def test_the_tree_counts_a_live_child_and_then_an_ended_one() -> None:
    me = os.getpid()
    cpu_before, rss_before = tree_cpu_s(me), tree_rss_mb(me)
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert child.pid in tree_pids(me)
        own = process_cpu_s(me)
        assert tree_cpu_s(me) - own >= BURN * 0.9  # the child's CPU, beside this process's own
        assert tree_rss_mb(me) - rss_before >= 60 and tree_pss_mb(me) >= 60
    finally:
        child.communicate("")
    assert child.pid not in tree_pids(me)
    assert tree_cpu_s(me) - cpu_before >= BURN * 0.9  # ended and waited for: counted with this process
