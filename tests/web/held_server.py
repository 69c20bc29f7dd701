"""``portal serve`` in two worker processes whose searches for SLOW_QUERY are held, for tests/web/test_web_workers.py:
``python tests/web/held_server.py FOLDER`` (the store and address from the PORTAL_* environment).

The slow searches live in the workers, so the test sees and steers them through files in FOLDER: a held search
creates ``started-<pid>-<n>`` when it starts, computes real searches of the index again and again until the file
``release`` exists (or SAFETY seconds have passed), and renames its file ``ended-…`` when it ends. The process that
opens the store leaves ``opened-<pid>``.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
import time
from pathlib import Path

from index.query import SearchRequest
from portal.app import open_catalog
from portal.server import run, server_config
from portal.settings import Settings, load_settings

SLOW_QUERY = "慢检索"
SAFETY = 60.0  # seconds: a held search ends by itself after this, so that a failing test does not hang
_numbers = itertools.count()


class FileHeldSearches:
    """The store, with every search for SLOW_QUERY held (module docstring)."""

    def __init__(self, catalog, folder: Path) -> None:
        self._catalog = catalog
        self.folder = folder

    def __getattr__(self, name: str):
        return getattr(self._catalog, name)

    def search(self, request: SearchRequest):
        if request.q != SLOW_QUERY:
            return self._catalog.search(request)
        marker = self.folder / f"started-{os.getpid()}-{next(_numbers)}"
        marker.touch()
        try:
            work = SearchRequest(q="低保 养老")
            deadline = time.monotonic() + SAFETY
            while not (self.folder / "release").exists() and time.monotonic() < deadline:
                self._catalog.search(work)  # CPU work holding the GIL, as a slow search does
            return self._catalog.search(request)
        finally:
            marker.rename(marker.with_name("ended-" + marker.name.removeprefix("started-")))


def held_store(folder: str, settings: Settings) -> FileHeldSearches:
    """The store, opened; the process that opened it leaves ``opened-<pid>`` in ``folder``."""
    (Path(folder) / f"opened-{os.getpid()}").touch()
    return FileHeldSearches(open_catalog(settings), Path(folder))


if __name__ == "__main__":
    run(server_config(load_settings(), workers=2, catalog_factory=functools.partial(held_store, sys.argv[1])))
