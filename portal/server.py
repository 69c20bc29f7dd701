"""How ``portal serve`` runs the portal under uvicorn; the browser and load tests run it the same way.

No ``server`` banner naming the software, and no trust in ``X-Forwarded-*`` headers: the public URL comes
from the settings (:mod:`portal.origin`), so a proxy in front sets PORTAL_BASE_URL instead.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

from portal.app import create_app
from portal.connections import BACKLOG, connection_limit, protocol_class, quiet_accept_failures
from portal.settings import Settings

STARTUP_TIMEOUT = 30.0  # seconds


def server_config(settings: Settings, app: Starlette | None = None, log_level: str = "info") -> uvicorn.Config:
    """The uvicorn configuration for the portal (or ``app``) on ``settings.host``:``settings.port``.

    Idle connections are shed (portal/connections.py): PORTAL_HEADER_TIMEOUT for a request's headers,
    PORTAL_KEEPALIVE_TIMEOUT between requests, at most PORTAL_MAX_CONNECTIONS open (below the open-file limit).
    """
    quiet_accept_failures()
    return uvicorn.Config(
        app or create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="uvloop",  # libuv's event loop: a request's turn through the loop at a fraction of asyncio's cost
        http=protocol_class(settings.header_timeout, connection_limit(settings.max_connections)),
        backlog=BACKLOG,
        # uvicorn annotates whole seconds, but only hands the value to loop.call_later, which takes any number
        timeout_keep_alive=settings.keepalive_timeout,  # type: ignore[arg-type]
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        log_level=log_level,
    )


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
