"""Where an ingest's memory peaks: ``python -m bench.memtimeline OUT.jsonl [--every S] -- PORTAL-INGEST-ARGS…``.

Runs ``portal ingest`` (with the arguments after ``--``; ``PORTAL_INDEX_DIR`` from the environment) in this process,
while a thread samples every ``--every`` seconds (0.5) the resident memory of this process (``main_mb``) and of each
process under it (``workers_mb``: the analysing and merging workers), their sum (``tree_mb``, what ``bench.ingest``'s
``peak_mb`` samples), this process's CPU seconds, and the functions of the project (``index/``, ``portal/``) the main
thread is in (``stack``, innermost first): one JSON object a line in OUT.jsonl. At the end it prints the peak of the
tree and of the main process, each with its time, its parts and the stack it was reached in, as JSON on stdout.

Memory is read from ``/proc/<pid>/status`` (VmRSS, MB of 2^20 bytes): Linux only. The sampling costs well under 1 %
of a core. A peak between two samples is not seen: lower ``--every`` for short phases.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from bench.measure import tree_pids


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB; 0 where the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def project_stack(thread_id: int | None) -> list[str]:
    """The project's functions (``module.function``, innermost first) the thread ``thread_id`` is in now."""
    frame = sys._current_frames().get(thread_id) if thread_id is not None else None
    stack = []
    while frame is not None:
        code = frame.f_code
        if "/index/" in code.co_filename or "/portal/" in code.co_filename:
            stack.append(f"{Path(code.co_filename).stem}.{code.co_name}")
        frame = frame.f_back
    return stack[:8]


class Sampler(threading.Thread):
    """Samples this process's tree into ``out`` every ``every`` seconds until :meth:`stop`; keeps the peaks."""

    def __init__(self, out: TextIO, every: float = 0.5) -> None:
        super().__init__(daemon=True, name="memtimeline")
        self.out, self.every = out, every
        self.peaks: dict[str, dict[str, Any]] = {}
        self._stopping = threading.Event()
        self._t0 = time.perf_counter()
        self._main = threading.main_thread().ident

    def sample(self) -> dict[str, Any]:
        me = os.getpid()
        workers = [round(rss_mb(pid), 1) for pid in tree_pids(me)[1:]]
        main = round(rss_mb(me), 1)
        row = {
            "t": round(time.perf_counter() - self._t0, 2),
            "main_mb": main,
            "workers_mb": workers,
            "tree_mb": round(main + sum(workers), 1),
            "cpu_s": round(time.process_time(), 2),
            "stack": project_stack(self._main),
        }
        for key in ("tree_mb", "main_mb"):
            if row[key] > self.peaks.get(key, {}).get(key, -1):
                self.peaks[key] = row
        self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.out.flush()
        return row

    def run(self) -> None:
        while not self._stopping.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self._stopping.set()
        self.join()
        self.sample()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memtimeline", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the time line, JSON Lines")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args, ingest_args = parser.parse_args(argv[:cut]), argv[cut + 1 :]
    with open(args.out, "w", encoding="utf-8") as out:
        sampler = Sampler(out, args.every)
        sampler.start()
        sys.argv = ["portal", "ingest", *ingest_args]
        status: object = 0
        try:
            runpy.run_module("portal", run_name="__main__", alter_sys=True)
        except SystemExit as stop:  # click ends with sys.exit
            status = stop.code
        finally:
            sampler.stop()
    print(json.dumps({"peak": sampler.peaks, "load_average": os.getloadavg()[0]}, ensure_ascii=False), flush=True)
    if status not in (0, None):
        raise SystemExit(status)


if __name__ == "__main__":
    main()
