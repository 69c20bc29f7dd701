"""Large pages are drawn once per commit: a bounded cache of rendered responses, keyed on the store's version.

A 600 KB document's page costs a quarter of a second (mostly finding its related documents), and every request
for it paid that again: 100 requests for it, answered or abandoned, were 100 renderings. :func:`cached` keeps a
view's 200 responses, keyed on the store's :meth:`~index.query.protocols.SearchStore.version` (so a commit or a
swap renews them), the day in Beijing (a document's page carries it as 引用日期), the request's path and query,
its public origin (the canonical links) and the large-text cookie (the page's layout). At most ``MAX_BYTES`` are
kept by the server (each of its worker processes keeps its share: portal/app.py), least recently used dropped
first; a body larger than a quarter of that is not kept.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from portal.citation import today
from portal.links import base_url
from portal.preferences import large_text

MAX_BYTES = 64 * 1024 * 1024


class PageCache:
    """Rendered responses (status 200) by key, at most ``max_bytes`` of bodies; thread-safe."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[bytes, list[tuple[bytes, bytes]]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
        body, headers = found
        response = Response(body)
        response.raw_headers = list(headers)
        return response

    def put(self, key: tuple, response: Response) -> None:
        body = bytes(response.body)
        if response.status_code != 200 or len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (body, list(response.raw_headers))
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


def cached(view: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """``view`` with its 200 responses kept in the app's PageCache (``app.state.page_cache``)."""

    @functools.wraps(view)
    def serve(request: Request) -> Response:
        cache: PageCache | None = getattr(request.app.state, "page_cache", None)
        catalog = getattr(request.state, "catalog", None)
        if cache is None or catalog is None:
            return view(request)
        origin = base_url(request, request.app.state.settings.base_url)
        # today's date (Beijing) too: a document's page and JSON carry it as 引用日期 (portal/citation.py)
        key = (catalog.version(), request.url.path, request.url.query, origin, large_text(request), today())
        found = cache.get(key)
        if found is not None:
            return found
        response = view(request)
        cache.put(key, response)
        return response

    return serve
