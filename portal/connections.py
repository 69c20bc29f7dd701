"""The server sheds idle connections: a header-read timeout, and a bound on open connections below the file limit.

uvicorn closes a keep-alive connection that stays silent ``timeout_keep_alive`` seconds after a response, but
not one that never finishes a request: a socket that sends nothing, or a header line now and then, was held
for ever, and 1,100 of them under ``ulimit -n 1024`` left no descriptor to accept real requests with (the
accept loop then logged a traceback per try). :func:`protocol_class` gives uvicorn's httptools protocol (the C
parser of Node.js's llhttp; uvicorn's own choice where it is installed, and a fraction of h11's pure-Python cost
a request) two more rules:

- a request's headers must arrive within ``header_timeout`` seconds of its first byte (of the connection, for
  the first request), else the connection is closed (RFC 9112 §9.5 lets a server close an idle connection);
- at most ``max_connections`` are open at once: a new one past it closes the open connections that have been
  idle longest (no request being answered); when every one is busy, the new one is answered 503 and closed.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import logging
import resource
import time
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)
RESERVED_FILES = 64  # descriptors kept free of connections: index files, logs, a PDF reader's pipes
# asyncio accepts up to the listen backlog of connections in one go before any of them is seen by the protocol
# (and can be shed), so that many descriptors are kept free too; uvicorn's default is 2,048.
BACKLOG = 128
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n"


def connection_limit(wanted: int) -> int:
    """``wanted`` (PORTAL_MAX_CONNECTIONS), lowered to leave RESERVED_FILES and a BACKLOG of accepted connections
    free below the process's open-file limit (``ulimit -n``)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_FILES - BACKLOG))


class AcceptFailures(logging.Filter):
    """asyncio logs a traceback each time accept() fails for want of descriptors (52 MB in 20 s): let one line a
    minute through, without the traceback. The connection bound keeps it from happening in the first place."""

    def __init__(self, every: float = 60.0) -> None:
        super().__init__()
        self.every = every
        self._last = -every

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("socket.accept() out of system resource"):
            return True
        now = time.monotonic()
        if now - self._last < self.every:
            return False
        self._last = now
        record.exc_info, record.exc_text, record.msg, record.args = (
            None,
            None,
            "socket.accept() failed: %s",
            ("too many open files; shedding idle connections",),
        )
        return True


def quiet_accept_failures() -> None:
    """Install :class:`AcceptFailures` on asyncio's logger (once)."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, AcceptFailures) for f in logger.filters):
        logger.addFilter(AcceptFailures())


def protocol_class(header_timeout: float, max_connections: int) -> Callable[..., HttpToolsProtocol]:
    """uvicorn's httptools protocol with the header timeout and the connection bound (module docstring): what
    uvicorn calls for each connection. A partial of a module-level class, so that it pickles into the worker
    processes of ``portal serve`` (multiprocessing's spawn) as a class made here would not."""
    return functools.partial(_Shedding, header_timeout=header_timeout, max_connections=max_connections)


class _Shedding(HttpToolsProtocol):
    def __init__(self, *args: Any, header_timeout: float, max_connections: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_connections = max_connections

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._idle_since = self.loop.time()
        self._arm_header_timer()
        if len(self.connections) > self.max_connections:
            self._shed()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.answering():
            self._cancel_header_timer()
        else:
            self._arm_header_timer()  # bytes of a request whose headers are not complete: they have header_timeout

    def on_response_complete(self) -> None:
        self._idle_since = self.loop.time()
        super().on_response_complete()  # arms uvicorn's keep-alive timer; may start a pipelined request
        if self.answering():
            self._cancel_header_timer()

    def answering(self) -> bool:
        """Whether a request of this connection is being answered."""
        return self.cycle is not None and not self.cycle.response_complete

    def _arm_header_timer(self) -> None:
        if self._header_timer is None and not self.transport.is_closing():
            self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if not self.answering() and not self.transport.is_closing():
            self.transport.close()

    def _shed(self) -> None:
        """Past max_connections: close the longest idle others, or answer this one 503 when none is idle."""
        excess = len(self.connections) - self.max_connections
        idle = (c for c in self.connections if c is not self and isinstance(c, _Shedding) and not c.answering())
        for other in heapq.nsmallest(excess, idle, key=lambda c: c._idle_since):
            other.transport.close()
            self.connections.discard(other)
        if len(self.connections) > self.max_connections:
            self.transport.write(BUSY)
            self.transport.close()
            self.connections.discard(self)
