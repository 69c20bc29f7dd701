"""The index on disk: generations swapped atomically, one writer at a time, never a half-written commit.

Layout of ``PORTAL_INDEX_DIR``::

    CURRENT          {"generation": "gen-0003", "schema_version": 1}  (replaced atomically)
    gen-0003/        the live Whoosh index, plus sources.json (what each source file held)
    gen-0003/pointer.json  what CURRENT says, kept in the generation it names
    gen-0004/BUILDING  a generation being built, not yet complete
    ingest.lock      held by the one ingest allowed at a time

A rebuild writes a new generation beside the live one and swaps ``CURRENT`` when it has
committed and the arrays, vocabulary and lexicon's table its searches read are saved beside the commit
(:meth:`index.whoosh.catalog.Catalog.prepare`), so searches never see a missing or partial index (the paperless-ngx
lesson), and the first ones after the swap derive nothing.
A process killed part-way leaves a generation ``CURRENT`` does not name, ``*.tmp`` files,
Whoosh's ``MAIN.tmp`` folder of unmerged postings and the ``.segments-*`` folders segments are built
in (:mod:`index.whoosh.writer`); :func:`clean_leftovers` removes them at the start of the next ingest.

A generation is built with a ``BUILDING`` marker, removed when it is published. So a damaged
``CURRENT`` (empty, deleted, garbage, naming a generation that is not there) loses nothing: the
newest generation without the marker is the last complete one; readers use it, and the next ingest
points ``CURRENT`` at it again (:func:`recover_current`). Only a generation still marked ``BUILDING``,
or one ``CURRENT`` supersedes, is ever removed. ``CURRENT``, the sources record and the arrays saved
beside a commit are written by :func:`write_atomic`: a temporary file, fsync, rename, fsync of the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index

from index.query.protocols import StoreError
from index.schema import SCHEMA_VERSION
from index.whoosh import checksums
from index.whoosh.live import (  # noqa: F401 (the live generation, read here too)
    BUILDING,
    CURRENT,
    complete_generations,
    current_pointed,
    has_commit,
    live_generation,
    read_current,
)

LOCK = "ingest.lock"
SOURCES = "sources.json"
POINTER = "pointer.json"  # in a generation: what CURRENT says when it is live


class IndexBusy(StoreError):
    """Another ingest holds the index."""


class NoIndex(StoreError):
    """There is no index yet at the configured folder."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no index at {index_dir}: run `portal ingest PATH` first")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably: written to ``<name>.tmp`` beside it, fsynced,
    renamed over it, and the folder fsynced, so after a crash or a power cut ``path`` holds the old bytes
    or the new ones, never part of them. Raises OSError (ENOSPC on a full disk; ``path`` is then unchanged)."""
    partial = path.with_name(path.name + ".tmp")
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class DamagedIndex(StoreError):
    """A file of the live index is damaged (``path`` names it): the index is not read; ``portal doctor`` says
    what is wrong and ``portal ingest --rebuild`` builds the index again from the sources."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(
            f"索引已损坏：{path}: {why}。运行 portal doctor 查看详情，portal ingest --rebuild 从源文件重建索引。"
        )


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, if there is a usable one of this schema version."""
    path = live_generation(index_dir)
    if path is None:
        return None
    if current_pointed(index_dir) == path:
        current = read_current(index_dir) or {}
    else:  # recovered: a generation published before pointer.json was kept is taken as of this schema
        current = _read_json(path / POINTER) or {"schema_version": SCHEMA_VERSION}
    return path if current.get("schema_version") == SCHEMA_VERSION else None


def recover_current(index_dir: Path) -> list[str]:
    """Point a damaged ``CURRENT`` at the newest complete generation again; returns a line saying so, if it did.

    Call it holding the ingest lock."""
    if not index_dir.is_dir() or current_pointed(index_dir) is not None:
        return []
    complete = complete_generations(index_dir)
    if not complete:
        return []
    state = "missing" if not (index_dir / CURRENT).exists() else "damaged"
    _point(index_dir, complete[0])
    return [f"{index_dir / CURRENT}: {state}; pointed again at {complete[0].name}, the newest complete generation"]


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def damage(index_dir: Path) -> DamagedIndex | None:
    """What :func:`open_current` would refuse the live index for now (a damaged file), or None."""
    path = live_generation(index_dir)
    try:
        if path is not None:
            checksums.verify(path)
    except checksums.Damaged as exc:
        return DamagedIndex(exc.path, exc.why)
    return None


def open_current(index_dir: Path, check: str = "open") -> Index:
    """The live index (:func:`current_generation`), checked against the checksums saved when it was committed
    (:mod:`index.whoosh.checksums`) as :func:`open_generation` says. Raises NoIndex where there is none,
    DamagedIndex naming the file where one is damaged."""
    path = current_generation(index_dir)
    if path is None:
        raise NoIndex(index_dir)
    return open_generation(path, check)


def open_generation(path: Path, check: str = "open") -> Index:
    """The index in the generation folder ``path``, live or not yet published (a rebuild prepares its searches
    before the swap). ``check="open"``: every file hashed whole now (an ingest, what reads much of it); ``"read"``:
    every file found with its size now, and each block of it hashed the first time a read of this index reaches it,
    before Whoosh or the engine sees its bytes (a search from the shell, which reads a little of a large index);
    ``"behind"``: as ``"read"``, and every file hashed whole by a thread started now (:func:`checksums.checks_behind`:
    a server, whose start-up it would otherwise hold up by half a second at 100,000 documents; damage it finds is
    logged and refused at every later read). In every way a block is hashed again at its next read once its file has
    changed since (:class:`checksums.Blocks`): a file damaged while a server runs is refused by the search that
    reads the damage, not read as wrong postings or a missing document. Raises DamagedIndex naming a damaged file:
    at open, or at the read."""
    try:
        if check == "behind":
            blocks = checksums.take_behind(path)[1]
        else:
            blocks = checksums.checks_as_read(path, whole=check == "open")[1]
    except checksums.Damaged as exc:
        raise DamagedIndex(exc.path, exc.why) from None
    try:
        return _storage(path, blocks).open_index()
    except DamagedIndex:
        raise
    except Exception as exc:  # an unchecked commit Whoosh cannot read: a pickle, zlib or struct error
        toc = checksums.latest_toc(path) or path
        raise DamagedIndex(toc, f"无法读取：{type(exc).__name__}: {exc}") from None


def new_generation(index_dir: Path, schema: Schema) -> tuple[Path, Index]:
    """An empty index with ``schema`` in a fresh generation folder beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdecimal()]
    path = index_dir / f"gen-{max(numbers, default=0) + 1:04d}"
    path.mkdir()
    write_atomic(path / BUILDING, b"")
    return path, _storage(path).create_index(schema)


def _storage(path: Path, blocks: dict[str, checksums.Blocks] | None = None) -> FileStorage:
    """The storage of a generation, without memory maps: Whoosh reads a compound segment through a map by
    wrapping it in ``BytesIO``, which copies its postings and terms (350 MB on the corpus) into every reader,
    one per server thread; without the map each reader reads its slice of the file. The files ``blocks`` names
    are read through :class:`_CheckedFile`."""
    return _CheckedStorage(str(path), blocks) if blocks else FileStorage(str(path), supports_mmap=False)


class _CheckedStorage(FileStorage):
    """A generation's storage whose files named in ``blocks`` are read through :class:`_CheckedFile`."""

    def __init__(self, folder: str, blocks: dict[str, checksums.Blocks]) -> None:
        super().__init__(folder, supports_mmap=False)
        self._blocks = blocks

    def open_file(self, name, **kwargs):
        blocks = self._blocks.get(name)
        if blocks is None:
            return super().open_file(name, **kwargs)
        return StructFile(io.BufferedReader(_CheckedFile(self._fpath(name), blocks)), name=name, **kwargs)


class _CheckedFile(io.FileIO):
    """A committed file read only after the blocks each read reaches are checked (:class:`checksums.Blocks`): the
    reads of Whoosh's buffered file and, through :meth:`check`, the positional reads of the term tables and posting
    lists (:class:`index.whoosh.termtable.PositionalFile`). Raises DamagedIndex naming the file; a damaged file is
    closed then (a reader Whoosh was opening when it failed leaves nothing open) and read no further."""

    def __init__(self, path: str, blocks: checksums.Blocks) -> None:
        super().__init__(path, "rb")
        self._blocks = blocks

    def check(self, start: int, length: int) -> None:
        """Check the bytes ``start`` to ``start + length`` before they are read."""
        try:
            self._blocks.check(start, length)
        except checksums.Damaged as exc:
            self.close()
            raise DamagedIndex(exc.path, exc.why) from None

    def readinto(self, buffer) -> int | None:
        self.check(self._position(), memoryview(buffer).nbytes)
        return super().readinto(buffer)

    def read(self, size: int | None = -1) -> bytes | None:  # type: ignore[override]
        if size is None or size < 0:
            return self.readall()
        self.check(self._position(), size)
        return super().read(size)

    def readall(self) -> bytes:
        self.check(self._position(), self._blocks.size)
        return super().readall()

    def _position(self) -> int:
        return 0 if self.closed else self.tell()  # closed: its damage is said again (or FileIO's ValueError)


def publish(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` the live index, then remove the generations before it."""
    # What CURRENT will say, kept in the generation: a damaged CURRENT is recovered from it (recover_current).
    write_atomic(generation / POINTER, _pointer(generation))
    (generation / BUILDING).unlink()
    _point(index_dir, generation)
    for old in index_dir.glob("gen-*"):
        if old != generation:
            # Open searchers keep reading their files (POSIX unlink semantics) until they refresh.
            shutil.rmtree(old, ignore_errors=True)


def _pointer(generation: Path) -> bytes:
    return json.dumps({"generation": generation.name, "schema_version": SCHEMA_VERSION}).encode()


def _point(index_dir: Path, generation: Path) -> None:
    pointer = _read_json(generation / POINTER)
    write_atomic(index_dir / CURRENT, json.dumps(pointer).encode() if pointer else _pointer(generation))


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def clean_leftovers(index_dir: Path) -> list[str]:
    """Remove what killed ingests left behind; returns one line per thing removed, saying what it was.

    Call it holding the ingest lock: then no other ingest is writing, and a generation that is not live is
    a rebuild that never finished (still marked ``BUILDING``) or an old one a swap failed to remove. Where
    nothing is live, only generations marked ``BUILDING`` go: never one that holds committed documents.
    The live generation keeps its index; only its temporaries go.
    """
    if not index_dir.is_dir():
        return []
    pointed = live_generation(index_dir)
    live = pointed.name if pointed is not None else ""
    removed = []
    for generation in sorted(index_dir.glob("gen-*")):
        unfinished = (generation / BUILDING).exists() or not has_commit(generation)
        if generation.name != live and generation.is_dir() and (live or unfinished):
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


def read_sources(generation: Path) -> dict[str, dict[str, Any]]:
    """What each source file held when last ingested: {path: {"sha1": …, "ids": […]}}."""
    try:
        return json.loads((generation / SOURCES).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def write_sources(generation: Path, sources: dict[str, dict[str, object]]) -> None:
    write_atomic(generation / SOURCES, json.dumps(sources, ensure_ascii=False).encode("utf-8"))
