"""Fast requests compute a core's worth at a time, until one turns out slow: then the next starts beside it.

The views are sync and run on worker threads (at most PORTAL_THREADS) of each server process (PORTAL_WORKERS of
them, one a core by default: portal/server.py). A search is CPU work that holds Python's GIL
most of the time, so more searches computing at once than there are cores only take turns with it and pay for the
switching (8 clients, 2 cores: 45 searches/s with 40 threads, 70 with 2; ``python -m bench.web``); as many as the
cores let the parts that release the GIL (NumPy, reading files) overlap. A fixed pool that small, though, queues
every request behind as many slow ones (a pasted title at 100,000 documents, the first query on a common term).

:class:`Lanes` keeps both: a request takes one of the *fast lanes* (the process's share of the cores, at least one,
at most PORTAL_THREADS) to compute; once it has used :data:`SLOW_CPU` seconds of CPU, or :data:`STALLED` seconds
have passed, it leaves its lane, still computing, and the next request takes it. Slow searches then hold up nothing but
themselves, and fast ones run as the GIL runs them best. Slowness is counted in the thread's own CPU time first: on
a busy machine every request takes longer by the clock while it waits for a core, and more threads would not make
it faster. The worker threads stay the cap: at most PORTAL_THREADS requests compute at once, however many are slow.

This is a thread pool's starvation rule (a pool adds a thread when its work items stop finishing) applied to
admission: a lane is held for a time, not to completion.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from portal.settings import cores

SLOW_CPU = 0.1  # CPU seconds after which a request leaves the fast lane (the corpus's p95 search is 26 ms)
STALLED = 0.5  # seconds by the clock after which it leaves anyway (waiting for a disk, say, or for a thread)


def fast_lanes(threads: int, processes: int = 1) -> int:
    """Requests one server process computes at once while none is slow: its share of the machine's cores when
    ``processes`` of them answer (PORTAL_WORKERS; at least one lane), at most ``threads`` (PORTAL_THREADS)."""
    return max(1, min(cores() // max(1, processes), threads))


T = TypeVar("T")


class _Clock:
    """The CPU clock of the thread computing a request, once it has started (Linux: pthread_getcpuclockid)."""

    def __init__(self) -> None:
        self.clock: int | None = None
        self.start = 0.0

    def begin(self) -> None:
        self.clock = time.pthread_getcpuclockid(threading.get_ident())
        self.start = time.clock_gettime(self.clock)

    def used(self) -> float:
        """CPU seconds used since :meth:`begin` (0.0 before)."""
        return 0.0 if self.clock is None else time.clock_gettime(self.clock) - self.start


class Lanes:
    """The fast lane of one server run (asyncio primitives belong to the loop they were first used on: a lifespan
    makes one per run). ``run(func, *args)`` computes ``func`` on a worker thread when admitted (module docstring).
    """

    def __init__(self, lanes: int, slow_cpu: float = SLOW_CPU, stalled: float = STALLED) -> None:
        self.slow_cpu = slow_cpu
        self.stalled = stalled
        self._lane = asyncio.Semaphore(lanes)

    async def run(self, func: Callable[..., T], *args: object) -> T:
        await self._lane.acquire()
        loop = asyncio.get_running_loop()
        admitted = loop.time()
        clock = _Clock()
        held = True
        timer: asyncio.TimerHandle | None = None

        def leave() -> None:
            nonlocal held
            if held:
                held = False
                self._lane.release()

        def check() -> None:
            nonlocal timer
            if clock.used() >= self.slow_cpu or loop.time() - admitted >= self.stalled:
                leave()
            else:
                timer = loop.call_later(self.slow_cpu, check)

        def compute() -> T:
            clock.begin()
            return func(*args)

        timer = loop.call_later(self.slow_cpu, check)
        try:
            return await to_thread.run_sync(compute)
        finally:
            if timer is not None:
                timer.cancel()
            leave()


def in_lane(view: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A sync view as an async endpoint computed through the server run's :class:`Lanes` (``request.state.lanes``,
    from the lifespan; on a worker thread without a lane where there is none, as Starlette runs sync views)."""

    @functools.wraps(view)
    async def endpoint(request: Request) -> Response:
        lanes = getattr(request.state, "lanes", None)
        if lanes is None:
            return await to_thread.run_sync(view, request)
        return await lanes.run(view, request)

    return endpoint
