"""Running a command as a whole process and measuring it: wall time, CPU time, and the peak resident memory of
its whole process tree (its workers included), sampled from /proc every 50 ms."""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float  # wall
    cpu_seconds: float  # user + system, children included
    peak_mb: float  # the largest sum of resident memory over the process tree at one time
    stdout: str


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants now (Linux /proc; the root first, gone ones left out)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            children = [
                int(child)
                for task in Path(f"/proc/{current}/task").iterdir()
                for child in (task / "children").read_text().split()
            ]
        except (OSError, ValueError):
            continue
        found.append(current)
        pending += children
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants now, in MB (Linux /proc)."""
    return _tree_kb(pid, "status", "VmRSS:") / 1024


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants now, in MB (Linux /proc/PID/smaps_rollup): each page
    shared among several processes (libraries, mapped index files) counted once in all, where the sum of their
    resident memory counts it in each."""
    return _tree_kb(pid, "smaps_rollup", "\nPss:") / 1024


def _tree_kb(pid: int, file: str, field: str) -> int:
    """The kB figure after ``field`` in /proc/PID/``file``, summed over the process tree (gone ones left out)."""
    total = 0
    for current in tree_pids(pid):
        try:
            total += int(Path(f"/proc/{current}/{file}").read_text().split(field)[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return total


def tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants now: the live ones' own, and what the
    root's children that have ended and been waited for used (a server's worker processes, one started again)."""
    return sum(process_cpu_s(current, ended_children=current == pid) for current in tree_pids(pid))


def process_cpu_s(pid: int, ended_children: bool = False) -> float:
    """User + system CPU seconds a running process has used (Linux /proc/PID/stat; 0.0 where it is not there);
    ``ended_children``: with those of its children that have ended and been waited for (cutime, cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14, 15 of stat
    if ended_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: fields 16, 17
    return ticks / os.sysconf("SC_CLK_TCK")


def folder_mb(folder: Path) -> float:
    """Bytes of every file under ``folder``, in MB (an index's size on disk)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


HISTORY_FILES = ("history.sqlite", "history.sqlite-wal", "history.sqlite-shm")  # index/history.py's FILE_NAME


def index_sizes(folder: Path) -> dict[str, float]:
    """An index folder's size in MB: ``index_mb`` (all of it), ``search_index_mb`` (what searches read: the
    generations, their arrays and vocabulary) and ``history_mb`` (issue 22's history database beside it, every
    version and its raw bytes: no search reads it, and the textbook keeps none)."""
    whole = folder_mb(folder)
    history = sum((folder / name).stat().st_size for name in HISTORY_FILES if (folder / name).is_file()) / 2**20
    return {"index_mb": whole, "search_index_mb": whole - history, "history_mb": history}


def measured(
    command: list[str], env: dict[str, str] | None = None, timeout: float = 7200, also: tuple[int, ...] = ()
) -> Run:
    """Run ``command`` (from the checkout) to its end; raises CalledProcessError if it fails.

    ``also``: processes outside the command's tree whose memory counts too (the servers it writes to, e.g. a
    cluster's ``searchd``): the peak is then of the command's tree and theirs together. Their CPU is not counted.

    Its output goes to temporary files, not pipes: a pipe nobody reads while the command runs fills at
    64 KB and stops the command (``portal ingest --json`` of the corpus prints more than that).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err, text=True
        )
        peak = 0.0
        deadline = started + timeout
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid) + sum(tree_rss_mb(pid) for pid in also))
            if time.perf_counter() > deadline:
                process.kill()
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, peak, stdout)
