"""A cluster of ``searchd`` processes on this machine's loopback, for the tests, the benchmark and trying it out:
each node's configuration written by :mod:`.config` into a folder of its own, started, stopped, killed and
restarted by process id.

``searchd`` is Debian's ``sphinxsearch`` (2.2.11) or Manticore's, whichever is on PATH (``SEARCHD`` overrides).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.cluster.config import Node, searchd_config, topology_of
from index.cluster.topology import Topology
from index.localports import free_port

START_SECONDS = 20.0


def searchd_binary() -> str | None:
    """The ``searchd`` to run, or None where none is installed."""
    return (
        os.environ.get("SEARCHD")
        or shutil.which("searchd")
        or ("/usr/bin/searchd" if Path("/usr/bin/searchd").exists() else None)
    )


@dataclass
class Process:
    node: Node
    config: Path
    log: Path
    popen: subprocess.Popen | None = None


@dataclass
class LocalCluster:
    """Nodes holding ``layout[i]`` shards each (e.g. ``[(0,), (1,), (0,)]``: two shards and a mirror of the
    first), under ``root``. Use as a context manager; every process it started is stopped on exit."""

    root: Path
    layout: list[tuple[int, ...]]
    processes: list[Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        nodes = [
            Node(f"node{i}", "127.0.0.1", free_port(), free_port(), tuple(shards))
            for i, shards in enumerate(self.layout)
        ]
        for node in nodes:
            folder = self.root / node.name
            folder.mkdir(parents=True, exist_ok=True)
            config = folder / "searchd.conf"
            config.write_text(searchd_config(node, nodes, folder / "data"), encoding="utf-8")
            self.processes.append(Process(node, config, folder / "searchd.out"))

    @property
    def topology(self) -> Topology:
        return topology_of([process.node for process in self.processes])

    def __enter__(self) -> LocalCluster:
        for i in range(len(self.processes)):
            self.start(i)
        return self

    def __exit__(self, *_: object) -> None:
        for i in range(len(self.processes)):
            self.stop(i)

    def start(self, i: int) -> None:
        """Start node ``i`` and wait until it accepts SphinxQL connections."""
        binary = searchd_binary()
        if binary is None:
            raise FileNotFoundError("searchd is not installed (apt-get install sphinxsearch)")
        process = self.processes[i]
        stale = process.config.parent / "data" / "searchd.pid"
        stale.unlink(missing_ok=True)
        with process.log.open("ab") as out:
            process.popen = subprocess.Popen(
                [binary, "--config", str(process.config), "--nodetach"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"searchd {process.node.name} exited: {process.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", process.node.sql_port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"searchd {process.node.name} did not start in {START_SECONDS} s")

    def stop(self, i: int) -> None:
        """Stop node ``i`` as an operator would (SIGTERM: it saves its RAM chunks), waiting for it to exit."""
        self._signal(i, signal.SIGTERM)

    def kill(self, i: int) -> None:
        """Kill node ``i`` outright (SIGKILL): what a crash or a pulled cable does."""
        self._signal(i, signal.SIGKILL)

    def _signal(self, i: int, number: int) -> None:
        popen = self.processes[i].popen
        if popen is None or popen.poll() is not None:
            return
        popen.send_signal(number)
        try:
            popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=10)
