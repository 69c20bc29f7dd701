"""Loopback ports for the servers the tests and benchmarks start on this machine (``searchd`` nodes, uvicorn).

A port found free with ``bind(0)`` and released again comes from the kernel's ephemeral range
(``/proc/sys/net/ipv4/ip_local_port_range``, 32768–60999 on Linux), the same range every outgoing connection takes
its local port from; and a second test process picking at the same time can be handed the same one. Either way the
server meant to listen there finds the port taken, and a client connects to someone else's server. Ports here are
taken below that range instead, and each is reserved for the life of this process with an exclusive ``flock`` on a
file named after it, so two processes (pytest-xdist workers, a benchmark beside the tests) never share one. The
lock goes with the process, however it ends.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
from pathlib import Path

FIRST, LAST = 20000, 32767
LOCKS = Path(tempfile.gettempdir()) / "portal-ports"
_held: dict[int, int] = {}


def free_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing listens on, reserved against every other process using this function.

    Raises OSError when no port in FIRST..LAST can be had.
    """
    LOCKS.mkdir(parents=True, exist_ok=True)
    start = random.randrange(FIRST, LAST + 1)
    for offset in range(LAST - FIRST + 1):
        port = FIRST + (start - FIRST + offset) % (LAST - FIRST + 1)
        if port in _held:
            continue
        fd = os.open(LOCKS / f"{port}.lock", os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        if _bindable(host, port):
            _held[port] = fd
            return port
        os.close(fd)
    raise OSError(f"no free port on {host} in {FIRST}–{LAST}")


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
