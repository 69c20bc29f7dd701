"""How ``portal serve`` runs the portal under uvicorn; the browser and load tests run it the same way.

No ``server`` banner naming the software, and no trust in ``X-Forwarded-*`` headers: the public URL comes
from the settings (:mod:`portal.origin`), so a proxy in front sets PORTAL_BASE_URL instead.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import pickle
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from multiprocessing.context import ForkProcess
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from uvicorn._subprocess import subprocess_started
from uvicorn.supervisors import Multiprocess, multiprocess

from portal.connections import BACKLOG, connection_limit, protocol_class, quiet_accept_failures
from portal.settings import Settings

if TYPE_CHECKING:
    from index.query.protocols import SearchStore

log = logging.getLogger("uvicorn.error")
STARTUP_TIMEOUT = 30.0  # seconds
WORKER_HEALTHCHECK = 60  # seconds (server_config)


def server_config(
    settings: Settings,
    app: Starlette | None = None,
    log_level: str = "info",
    workers: int = 1,
    catalog_factory: Callable[[Settings], SearchStore] | None = None,
) -> uvicorn.Config:
    """The uvicorn configuration for the portal (or ``app``) on ``settings.host``:``settings.port``, served by
    :func:`run` in ``workers`` processes (``portal serve`` passes PORTAL_WORKERS; ``app`` is served in one).

    Without ``app``, the portal is made when the server starts (:func:`worker_app`), its store opened by
    ``catalog_factory`` (default :func:`portal.app.open_catalog`): with several workers, once, in the process
    that then forks them (:func:`run`). Idle connections are shed
    (portal/connections.py): PORTAL_HEADER_TIMEOUT for a request's headers, PORTAL_KEEPALIVE_TIMEOUT between
    requests, at most PORTAL_MAX_CONNECTIONS open in all (each process holds its share, below its open-file limit).
    Raises ValueError for ``app`` with more than one worker.
    """
    if app is not None and workers > 1:
        raise ValueError("an app object is served in one process; portal serve makes the app its workers share")
    quiet_accept_failures()
    share = -(-settings.max_connections // workers)  # rounded up
    return uvicorn.Config(
        app or functools.partial(worker_app, settings, workers, catalog_factory),
        factory=app is None,
        workers=workers,
        # seconds a worker has to answer the supervisor's health check, its start included
        timeout_worker_healthcheck=WORKER_HEALTHCHECK,
        host=settings.host,
        port=settings.port,
        loop="uvloop",  # libuv's event loop: a request's turn through the loop at a fraction of asyncio's cost
        # uvicorn calls this for each connection; it need not be a class (mypy reads uvicorn's annotation so)
        http=protocol_class(settings.header_timeout, connection_limit(share)),  # type: ignore[arg-type]
        backlog=BACKLOG,
        # uvicorn annotates whole seconds, but only hands the value to loop.call_later, which takes any number
        timeout_keep_alive=settings.keepalive_timeout,  # type: ignore[arg-type]
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        log_level=log_level,
    )


def worker_app(
    settings: Settings, processes: int, catalog_factory: Callable[[Settings], SearchStore] | None = None
) -> Starlette:
    """The portal served by ``processes`` server processes, its store opened and warmed now (with several
    processes, in the supervisor before it forks them: :func:`run`). Each process keeps its own page cache, fast
    lanes, query log counts (the query log's file is merged under a lock: portal/querylog.py) and, with several,
    its own open files (the store's :meth:`close_files` before the fork)."""
    from portal.app import create_app, open_catalog

    quiet_accept_failures()  # this process's asyncio logger
    catalog = (catalog_factory or open_catalog)(settings)
    if processes > 1:
        catalog.close_files()
    return create_app(settings, functools.partial(_opened, catalog), processes=processes)


def _opened(catalog: SearchStore, _settings: Settings) -> SearchStore:
    return catalog


def run(config: uvicorn.Config) -> None:
    """Serve ``config`` until SIGINT or SIGTERM: in this process, or in ``config.workers`` processes forked from
    this one under uvicorn's supervisor (``uvicorn.supervisors.Multiprocess``: it starts a worker again when one
    dies or stops answering its health check, and SIGTERM stops them all; SIGHUP replaces them one by one, SIGTTIN
    and SIGTTOU add and remove one), each on a listening socket of its own (:class:`WorkerListeners`). Searches
    hold Python's GIL, so the threads of one process take turns on one core; processes compute on every core.

    Pre-fork: the supervisor loads the app first (imports, the store opened and warmed: the segmenter, the index's
    arrays, the vocabulary), and the workers are forked from it, so that they share those pages copy-on-write
    rather than each loading its own (100,000 documents: 652 MB resident in two spawned workers; the start to the
    first answer 2.19 s). At the fork the supervisor holds no thread (a warming thread is waited for), no event
    loop, no listening socket and no open file of the index (:meth:`SearchStore.close_files`); its objects are
    frozen out of the garbage collector's passes (``gc.freeze``), whose reference writes would copy their pages.

    Raises OSError if the address cannot be bound.
    """
    if config.workers > 1:
        listeners = WorkerListeners(config.host, config.port, config.backlog)
        config.port = listeners.port  # port 0: the one chosen
        config.load()  # the app, its store opened (worker_app)
        _join_other_threads()
        gc.collect()  # the readers close_files dropped, and their files' descriptors (index/whoosh/termtable.py)
        gc.freeze()
        log.info("portal serving on http://%s:%d in %d processes", config.host, config.port, config.workers)
        spawning, handle = multiprocess.get_subprocess, multiprocess.Process
        # uvicorn's supervisor spawns its workers; this one forks them (its process objects answer alike), and
        # gives up a health check as soon as the worker is gone (WorkerHandle)
        multiprocess.get_subprocess = _forked_worker  # type: ignore[assignment]
        multiprocess.Process = WorkerHandle  # type: ignore[misc]
        try:
            Multiprocess(config, sockets=listeners).run()
        finally:
            multiprocess.get_subprocess, multiprocess.Process = spawning, handle  # type: ignore[misc]
            listeners.close()
    else:
        uvicorn.Server(config).run()


_FORK = multiprocessing.get_context("fork")


class WorkerHandle(multiprocess.Process):
    """uvicorn's supervisor's handle on one worker, whose health check ends as soon as the worker is gone.

    Every half second the supervisor sends each worker a ping down a pipe and waits up to
    ``timeout_worker_healthcheck`` seconds (WORKER_HEALTHCHECK) for the answer, which a thread of the worker's own
    gives. uvicorn waits for the answer alone, and a worker that dies while the supervisor waits closes nothing the
    wait would see: the pipe's other end stays open in the supervisor itself and in every worker forked after the
    dead one. So the supervisor sat out the whole timeout (a worker killed under load was replaced after 60.2 s in 2
    runs of 3, 0.5 s in the third), checking no other worker and handling no signal, SIGTERM included, the while.
    This check waits for the answer or the worker's end (its process sentinel, which the kernel closes when the
    worker exits), whichever comes first; a worker that lives but does not answer in time is still restarted, as
    uvicorn does.
    """

    def _healthcheck(self, timeout: float) -> bool | None:
        """Whether the worker's server has started (uvicorn's answer to a ping), or None where the worker did not
        answer within ``timeout`` seconds or is gone."""
        try:
            self.parent_conn.send(b"ping")
            if self.parent_conn not in wait([self.parent_conn, self.process.sentinel], timeout):
                return None
            started: bool = self.parent_conn.recv()
            return started
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):  # ValueError: a process never started
            return None


def _forked_worker(config: uvicorn.Config, target: Callable[..., None], sockets: list[socket.socket]) -> ForkProcess:
    """A worker process forked from the supervisor (uvicorn's ``get_subprocess`` spawns one), serving on a listening
    socket it opens itself (:class:`WorkerListeners`)."""
    return _FORK.Process(target=_serve_forked, args=(config, target, sockets))


def _serve_forked(config: uvicorn.Config, target: Callable[..., None], listeners: WorkerListeners) -> None:
    subprocess_started(config, target, [_reuse_port(listeners.host, listeners.port, listeners.backlog)], None)


def _join_other_threads() -> None:
    """Wait for every thread but this one (a store warming in the background), which a fork must not copy
    mid-work: the locks it holds would stay held in every worker. One still running after STARTUP_TIMEOUT
    seconds is logged."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(STARTUP_TIMEOUT)
            if thread.is_alive():
                log.warning("thread %s still running when the workers are forked", thread.name)


class WorkerListeners(list[socket.socket]):
    """Where the workers listen, for uvicorn's supervisor (which hands each worker its sockets): none in the
    supervisor; each forked worker opens a socket of its own (:func:`_serve_forked`), bound to ``host``:``port``
    with SO_REUSEPORT, so that the kernel spreads new connections over the workers by a hash of their addresses.
    One socket shared by all wakes every idle worker at each connection, and the first to run accepts all that
    are waiting: 8 clients connecting at once landed 7 or 8 on one worker, the other idle.

    SO_REUSEPORT lets any process of the same user bind the port beside these, so the address is claimed first, in
    the supervisor, as one process binding it would claim it: a bind without SO_REUSEPORT (refused while anything
    listens there, another ``portal serve`` in several processes included, whose workers would otherwise share the
    port with ours and answer half the requests from their own index and code), and the address's lock
    (:func:`_address_lock`), held while the supervisor runs, against another ``portal serve`` starting in the
    seconds before our workers listen.

    ``port`` 0 takes a port the system chooses, the same for every worker (:attr:`port`).
    Raises OSError (its message naming the address) if ``host``:``port`` cannot be bound or another ``portal serve``
    holds it, in the supervisor, before any worker starts.
    """

    def __init__(self, host: str, port: int, backlog: int) -> None:
        super().__init__()
        probe = _bound(host, port)  # the address is free: fail here, not in each worker
        try:
            # port 0 is the port the system chose for the probe: every worker on that one, not each on its own
            self.host, self.port, self.backlog = host, probe.getsockname()[1], backlog
            self.lock = _address_lock(host, self.port)  # taken while the probe holds the port: no gap between
        finally:
            probe.close()

    def close(self) -> None:
        """Free the address's lock (the supervisor, once its workers have stopped)."""
        if self.lock is not None:
            self.lock.close()


def _reuse_port(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` with SO_REUSEPORT, listening."""
    sock = _bound(host, port, reuse_port=True)
    sock.listen(backlog)
    return sock


def _bound(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (with SO_REUSEADDR, as uvicorn binds; with SO_REUSEPORT too where
    ``reuse_port``). Raises OSError naming the address."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return sock


def _address_lock(host: str, port: int) -> socket.socket | None:
    """A Unix socket bound to an abstract name for ``host``:``port`` (Linux; None elsewhere), which one process at
    a time can hold and the kernel frees when it exits, however it ends. Raises OSError naming the address where
    another process holds it."""
    if not hasattr(socket, "AF_UNIX") or not sys.platform.startswith("linux"):
        return None
    lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        lock.bind(f"\0portal-serve {host}:{port}")
    except OSError as exc:
        lock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: another portal serve holds it") from exc
    return lock


@contextlib.contextmanager
def serving(config: uvicorn.Config) -> Iterator[str]:
    """The server running in a thread of this process for the ``with`` block; yields its base URL.

    For tests and benchmarks. Raises RuntimeError if it has not started within STARTUP_TIMEOUT seconds.
    """
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on {config.host}:{config.port}")
        time.sleep(0.05)
    try:
        yield f"http://{config.host}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
