"""Work for a client that has gone is dropped: a request is cancelled when its client disconnects.

The views are sync and wait their turn for one of PORTAL_THREADS worker threads; a request whose client hung up
kept its place in that queue and was computed in full (100 abandoned requests for a 600 KB document delayed the
next search by 13 s). :class:`CancelOnDisconnect` reads the request's (empty) body first, then listens for the
client going away while the app works, and cancels the app when it does: a request still waiting for a thread
is dropped, and a streamed response stops at its next chunk. (A view already running in a thread finishes its
step, as Python cannot stop a thread, and its answer is thrown away.)

Only GET and HEAD are watched (every route of the portal); other methods pass through untouched.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CancelOnDisconnect:
    """ASGI middleware: cancel a GET or HEAD request's app when its client disconnects (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        first = await receive()
        if first["type"] == "http.disconnect":
            return
        if first.get("more_body"):  # a GET with a streamed body: nothing to watch without reading it
            await self.app(scope, _replaying(first, receive), send)
            return
        gone = anyio.Event()
        answered = False
        delivered = False

        async def app_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return first
            await gone.wait()
            return {"type": "http.disconnect"}

        async def app_send(message: Message) -> None:
            nonlocal answered
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True

        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        gone.set()
                        if not answered:
                            group.cancel_scope.cancel()
                        return

            group.start_soon(watch)
            await self.app(scope, app_receive, app_send)
            group.cancel_scope.cancel()  # answered: stop listening


def _replaying(first: Message, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return first
        return await receive()

    return replay
