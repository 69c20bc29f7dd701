"""Slow searches do not hold up fast ones (issue 23, item 4; portal/lanes.py): on a real server over the real web
index, two searches kept computing until the test lets them go, and a third, ordinary search asked while both
still run is answered before either ends. Nothing here is timed: the slow searches end only when told to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from helpers import portal_settings

from index.localports import free_port
from index.query import SearchRequest
from portal.app import create_app, open_catalog
from portal.server import server_config, serving

SLOW_QUERY = "慢检索"  # the store keeps computing this search until released
SAFETY = 60.0  # seconds: a slow search ends by itself after this, so that a failing test does not hang


class HeldSearches:
    """The store, with every search for SLOW_QUERY computing again and again (real searches of the index) until
    ``release`` is set; ``running`` counts the slow searches computing now, ``started`` is set at each start."""

    def __init__(self, catalog) -> None:
        self._catalog = catalog
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.running = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self._catalog, name)

    def search(self, request: SearchRequest):
        if request.q != SLOW_QUERY:
            return self._catalog.search(request)
        with self._lock:
            self.running += 1
        self.started.release()
        try:
            work = SearchRequest(q="低保 养老")
            waited = threading.Event()
            timer = threading.Timer(SAFETY, waited.set)
            timer.start()
            while not (self.release.is_set() or waited.is_set()):
                self._catalog.search(work)  # CPU work holding the GIL, as a slow search does
            timer.cancel()
            return self._catalog.search(request)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def held(web_index: Path) -> Iterator[tuple[str, HeldSearches]]:
    """A real server with the default worker threads over a store whose SLOW_QUERY searches are held."""
    settings = portal_settings(web_index, host="127.0.0.1", port=free_port())
    stores: list[HeldSearches] = []

    def held_store(settings):
        stores.append(HeldSearches(open_catalog(settings)))
        return stores[-1]

    with serving(server_config(settings, create_app(settings, held_store), log_level="critical")) as base_url:
        try:
            yield base_url, stores[0]
        finally:
            for store in stores:
                store.release.set()


def test_a_fast_search_is_answered_while_two_slow_ones_still_compute(held) -> None:
    base_url, store = held
    slow_path = "/search.json?q=" + quote(SLOW_QUERY)
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = [pool.submit(httpx.get, base_url + slow_path, timeout=SAFETY + 30) for _ in range(2)]
        for _ in slow:
            assert store.started.acquire(timeout=30), "a slow search never started"
        # Both slow searches are computing (neither can end before release is set). The fast one must get through.
        fast = httpx.get(base_url + "/search.json?q=" + quote("低保"), timeout=SAFETY / 2)
        still_running = store.running
        assert not any(future.done() for future in slow)
        store.release.set()
        answers = [future.result() for future in slow]
    assert fast.status_code == 200 and fast.json()["total"] > 0
    assert still_running == 2, "the fast search was answered only after a slow one ended"
    assert [answer.status_code for answer in answers] == [200, 200]
