"""The index on disk: generations swapped atomically, one writer at a time, never a half-written commit.

Layout of ``PORTAL_INDEX_DIR``::

    CURRENT          {"generation": "gen-0003", "schema_version": 1}  (replaced atomically)
    gen-0003/        the live Whoosh index, plus sources.json (what each source file held)
    ingest.lock      held by the one ingest allowed at a time

A rebuild writes a new generation beside the live one and swaps ``CURRENT`` when it has
committed, so searches never see a missing or partial index (the paperless-ngx lesson).
A process killed part-way leaves a generation ``CURRENT`` does not name, ``*.tmp`` files,
Whoosh's ``MAIN.tmp`` folder of unmerged postings and the ``.segments-*`` folders segments are built
in (:mod:`index.writer`); :func:`clean_leftovers` removes them at the start of the next ingest.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from index.schema import SCHEMA_VERSION

CURRENT = "CURRENT"
LOCK = "ingest.lock"
SOURCES = "sources.json"


class IndexBusy(Exception):
    """Another ingest holds the index."""


class NoIndex(Exception):
    """There is no index yet at the configured folder."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no index at {index_dir}: run `portal ingest PATH` first")


def read_current(index_dir: Path) -> dict[str, object] | None:
    try:
        return json.loads((index_dir / CURRENT).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, if there is a usable one of this schema version."""
    current = read_current(index_dir)
    if not current or current.get("schema_version") != SCHEMA_VERSION:
        return None
    path = index_dir / str(current["generation"])
    return path if whoosh_index.exists_in(str(path)) else None


def open_current(index_dir: Path) -> Index:
    path = current_generation(index_dir)
    if path is None:
        raise NoIndex(index_dir)
    return _storage(path).open_index()


def new_generation(index_dir: Path, schema: Schema) -> tuple[Path, Index]:
    """An empty index with ``schema`` in a fresh generation folder beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    path = index_dir / f"gen-{max(numbers, default=0) + 1:04d}"
    path.mkdir()
    return path, _storage(path).create_index(schema)


def _storage(path: Path) -> FileStorage:
    """The storage of a generation, without memory maps: Whoosh reads a compound segment through a map by
    wrapping it in ``BytesIO``, which copies its postings and terms (350 MB on the corpus) into every reader,
    one per server thread; without the map each reader reads its slice of the file."""
    return FileStorage(str(path), supports_mmap=False)


def publish(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` the live index, then remove the generations before it."""
    tmp = index_dir / f"{CURRENT}.tmp"
    tmp.write_text(json.dumps({"generation": generation.name, "schema_version": SCHEMA_VERSION}), "utf-8")
    os.replace(tmp, index_dir / CURRENT)
    for old in index_dir.glob("gen-*"):
        if old != generation:
            # Open searchers keep reading their files (POSIX unlink semantics) until they refresh.
            shutil.rmtree(old, ignore_errors=True)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def clean_leftovers(index_dir: Path) -> list[str]:
    """Remove what killed ingests left behind; returns one line per thing removed, saying what it was.

    Call it holding the ingest lock: then no other ingest is writing, and every generation that
    ``CURRENT`` does not name is a rebuild that never finished (or an old one a swap failed to remove).
    The live generation keeps its index; only its temporaries go.
    """
    if not index_dir.is_dir():
        return []
    live = str((read_current(index_dir) or {}).get("generation", ""))
    removed = []
    for generation in sorted(index_dir.glob("gen-*")):
        if generation.name != live and generation.is_dir():
            shutil.rmtree(generation, ignore_errors=True)
            removed.append(f"{generation}: generation of a stopped rebuild, never made live")
    for folder in (index_dir, index_dir / live) if live else (index_dir,):
        for temporary in sorted([*folder.glob("*.tmp"), *folder.glob(".segments-*")]):
            if temporary.is_dir():
                shutil.rmtree(temporary, ignore_errors=True)
            else:
                temporary.unlink(missing_ok=True)
            removed.append(f"{temporary}: temporary file of a stopped ingest")
    return removed


@contextlib.contextmanager
def ingest_lock(index_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the index's ingest lock, waiting up to ``timeout`` seconds for another ingest to finish."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"another ingest is writing to {index_dir}; waited {timeout:g} s "
                        "(set PORTAL_LOCK_TIMEOUT to wait longer)"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_sources(generation: Path) -> dict[str, dict[str, object]]:
    """What each source file held when last ingested: {path: {"sha1": …, "ids": […]}}."""
    try:
        return json.loads((generation / SOURCES).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def write_sources(generation: Path, sources: dict[str, dict[str, object]]) -> None:
    tmp = generation / f"{SOURCES}.tmp"
    tmp.write_text(json.dumps(sources, ensure_ascii=False), "utf-8")
    os.replace(tmp, generation / SOURCES)
