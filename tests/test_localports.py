"""index.localports: ports for local test servers are never handed to two processes, nor taken while in use."""

from __future__ import annotations

import socket
import subprocess
import sys

from index import localports


def test_a_port_reserved_by_another_process_is_passed_over(monkeypatch) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "from index.localports import free_port; print(free_port(), flush=True); input()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        taken = int(holder.stdout.readline())
        monkeypatch.setattr(localports.random, "randrange", lambda *_: taken)
        got = localports.free_port()
        assert got != taken
        assert got == taken + 1 or (taken == localports.LAST and got == localports.FIRST)
    finally:
        holder.communicate("\n", timeout=10)


def test_a_port_someone_listens_on_is_passed_over(monkeypatch) -> None:
    with socket.socket() as listener:
        for port in range(localports.FIRST + 500, localports.LAST):
            try:
                listener.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        listener.listen()
        monkeypatch.setattr(localports.random, "randrange", lambda *_: port)
        assert localports.free_port() != port


def test_ports_come_from_below_the_ephemeral_range_and_are_not_repeated() -> None:
    ports = [localports.free_port() for _ in range(20)]
    assert len(set(ports)) == 20
    assert all(localports.FIRST <= port <= localports.LAST < 32768 for port in ports)
