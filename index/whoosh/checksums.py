"""Checksums of a generation's committed files, stored at each commit and checked when the index is opened.

After every commit :func:`record` saves, in ``checksums.json`` beside the index, the size and a 64-bit XXH3 hash
of the commit's table of contents (``_MAIN_<n>.toc``) and of every file of the segments it names (a file an
earlier commit recorded keeps its checksum: a file damaged since is caught, not blessed). :func:`verify` compares
them with the files on disk: a truncated or bit-flipped TOC or segment is found before Whoosh reads it (where it
would fail with a pickle or zlib error, or worse, return wrong postings).

XXH3 (the ``xxhash`` package, Yann Collet's non-cryptographic hash, https://xxhash.com) detects such damage as
well as CRC-32 and costs a third of its CPU: every open of the index hashes all of it, 1.6 GB at 100,000
documents, 1.0–1.2 → 0.4 s of CPU, the files read through a memory map (one-off script on
``bench.corpus --docs 100000``'s merged index, README, Benchmarks). Entries saved by older code as
``[size, crc32]`` are still checked with CRC-32 (:data:`CRC32`), so a file recorded then is never re-blessed.

Each entry also holds an XXH3 hash of every :data:`BLOCK` bytes of its file, for a process that reads a little of a
large index and goes (``portal search``): :func:`checks_as_read` checks at open only that every file is there with
its size, and gives a :class:`Blocks` per file, which checks each block the first time a read reaches it, before
its bytes are used (:func:`index.whoosh.generations.open_generation` with ``check="read"``). A damaged block a
search reads is refused naming its file, as at open; one it never reads costs it nothing, and :func:`verify`
(``portal doctor``, a server's start) still hashes every file whole. An entry saved without block hashes is checked
whole at open in either way, and gains them at the next commit once its file is found sound (:func:`record`).

Saved derived files (the arrays and vocabulary of index/query/) carry their own checksum in a header
(:func:`seal`, :func:`unseal`).
"""

from __future__ import annotations

import base64
import json
import logging
import mmap
import os
import re
import struct
import threading
import weakref
import zlib
from pathlib import Path
from typing import Literal

import xxhash

MANIFEST = "checksums.json"
_TOC = re.compile(r"^_MAIN_([0-9]+)\.toc$")
_SEAL = b"PORTALCRC1"  # magic of a sealed file: magic, CRC-32 and length of the payload, the payload
XXH3 = "xxh3_64"  # an entry ``[size, hash, "xxh3_64", block, blocks]`` (the last two missing where saved before them)
CRC32 = "crc32"  # a manifest entry ``[size, crc]``, as code before XXH3 saved it
# Bytes each block hash covers: a search's first read of a block hashes it whole (about 15 µs of CPU), and an index
# of 3 GB has 49,000 of them (512 KB of manifest).
BLOCK = 1 << 16
_HASH = struct.Struct("<Q")  # a block hash in an entry's ``blocks``, base64 of them one after the other


class Damaged(Exception):
    """A file of the index is damaged; ``path`` names it and the message says how."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}")


def crc(path: Path) -> int:
    """CRC-32 of the file at ``path`` (how entries saved before :data:`XXH3` are checked)."""
    value = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            value = zlib.crc32(block, value)
    return value


def digest(path: Path, algorithm: str = XXH3) -> int:
    """The ``algorithm`` (:data:`XXH3` or :data:`CRC32`) checksum of the file at ``path``, as an int; XXH3 reads the
    file through a memory map (no copy into Python). Raises OSError where the file cannot be read."""
    if algorithm == CRC32:
        return crc(path)
    with path.open("rb") as handle:
        if not path.stat().st_size:
            return xxhash.xxh3_64_intdigest(b"")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return xxhash.xxh3_64_intdigest(mapped)


def _entry_algorithm(entry: list) -> str:
    """The algorithm of a manifest entry: ``[size, value, algorithm, …]``, or ``[size, crc]`` as older code saved it."""
    return str(entry[2]) if len(entry) > 2 else CRC32


def _scan(path: Path, algorithm: str = XXH3) -> tuple[int, list]:
    """The ``algorithm`` checksum of the file at ``path`` and the manifest entry :func:`record` saves for it now
    (its size, XXH3 of the whole and of every :data:`BLOCK` bytes), from one read through a memory map."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        view = memoryview(mapped if mapped is not None else b"")
        try:
            whole = xxhash.xxh3_64_intdigest(view)
            value = zlib.crc32(view) if algorithm == CRC32 else whole
            blocks = b"".join(
                _HASH.pack(xxhash.xxh3_64_intdigest(view[at : at + BLOCK])) for at in range(0, size, BLOCK)
            )
        finally:
            view.release()
            if mapped is not None:
                mapped.close()
    return value, [size, whole, XXH3, BLOCK, base64.b64encode(blocks).decode("ascii")]


def latest_toc(folder: Path) -> Path | None:
    """The table of contents Whoosh opens in ``folder``: the highest-numbered."""
    tocs = [(int(m.group(1)), path) for path in folder.glob("_MAIN_*.toc") if (m := _TOC.match(path.name))]
    return max(tocs)[1] if tocs else None


def record(folder: Path, files: list[Path]) -> None:
    """Save the checksums of the latest TOC and of ``files`` (the commit's segment files) for :func:`verify`. A file
    an earlier commit recorded keeps its entry; one recorded without block hashes gains them where it still matches
    its entry (checked in the same read), else keeps the entry that refuses it."""
    from index.whoosh.generations import write_atomic

    toc = latest_toc(folder)
    if toc is None:
        return
    before = _manifest(folder) or {}
    known = before.get("files", {}) if isinstance(before.get("files"), dict) else {}
    entries = {}
    for path in [toc, *files]:
        old = known.get(path.name)
        if path == toc or not old or old[0] != path.stat().st_size:
            entries[path.name] = _scan(path)[1]
        elif len(old) > 4:
            entries[path.name] = old
        else:
            value, entry = _scan(path, _entry_algorithm(old))
            entries[path.name] = entry if value == old[1] else old
    write_atomic(folder / MANIFEST, json.dumps({"toc": toc.name, "files": entries}, sort_keys=True).encode())


def _sized(folder: Path) -> tuple[str, list[tuple[Path, list]]]:
    """The latest commit's files with their manifest entries, each found with the size saved at commit; raises
    :class:`Damaged` naming the first missing or resized file. ``(why, [])`` where the commit has no checksums."""
    toc = latest_toc(folder)
    manifest = _manifest(folder)
    if manifest is False:
        raise Damaged(folder / MANIFEST, "校验和文件已损坏（不是 JSON）")
    if toc is None:
        raise Damaged(folder, "没有目录文件（_MAIN_<n>.toc）：索引中没有任何提交")
    if not manifest or manifest.get("toc") != toc.name:
        return f"{toc}: 这次提交没有保存校验和，未校验", []
    entries = []
    for name, entry in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            raise Damaged(path, "文件缺失")
        actual = path.stat().st_size
        if actual != entry[0]:
            raise Damaged(path, f"现有 {actual:,} 字节，提交时为 {entry[0]:,} 字节（被截断或改动）")
        entries.append((path, entry))
    return "", entries


def _check_whole(path: Path, entry: list) -> None:
    if digest(path, _entry_algorithm(entry)) != entry[1]:
        raise Damaged(path, "校验和与提交时保存的不符（文件已损坏）")


def verify(folder: Path) -> str:
    """Check the latest commit's files against their checksums, every byte. Raises :class:`Damaged` naming the first
    damaged file; returns "" when every file was checked, else why the commit could not be (no checksums were saved
    for it: an index built before they were, or an ingest stopped between its commit and saving them)."""
    unchecked, entries = _sized(folder)
    for path, entry in entries:
        _check_whole(path, entry)
    return unchecked


def checks_as_read(folder: Path, whole: bool = False) -> tuple[str, dict[str, Blocks]]:
    """The checks of the latest commit's files for reading them block by block: every file found with its size
    now, a :class:`Blocks` per file name for the reads (a file whose entry has no block hashes is checked whole
    now). ``whole``: every file is hashed whole now as well (:func:`verify`), and its blocks are taken as sound
    until the file changes. Raises :class:`Damaged` as :func:`verify` does; the first item says why nothing is
    checked, as its result."""
    unchecked, entries = _sized(folder)
    found = {}
    for path, entry in entries:
        if len(entry) > 4:
            blocks = found[path.name] = Blocks(path, entry)  # the file's state is taken before it is hashed
            if whole:
                _check_whole(path, entry)
                blocks.all_sound()
        else:
            _check_whole(path, entry)
    return unchecked, found


_STARTED: dict[tuple[Path, str], tuple[str, dict[str, Blocks]]] = {}  # start_behind's, until taken
_STARTED_LOCK = threading.Lock()
log = logging.getLogger(__name__)
_DAMAGE_FOUND = "索引已损坏：%s。运行 portal doctor 查看详情，portal ingest --rebuild 从源文件重建索引。"


def start_behind(folder: Path) -> None:
    """Start :func:`checks_behind` of ``folder`` now, for the open that takes it (:func:`take_behind`): a server
    finds its live generation and starts hashing it before it imports what opens it. Raises :class:`Damaged` as
    :func:`checks_as_read` does."""
    key = _commit_key(folder)
    with _STARTED_LOCK:
        if key not in _STARTED:
            _STARTED[key] = checks_behind(folder)


def take_behind(folder: Path) -> tuple[str, dict[str, Blocks]]:
    """The checks :func:`start_behind` started for ``folder``'s latest commit (given out once), else
    :func:`checks_behind` started now."""
    with _STARTED_LOCK:
        started = _STARTED.pop(_commit_key(folder), None)
    return started if started is not None else checks_behind(folder)


def _commit_key(folder: Path) -> tuple[Path, str]:
    return folder.resolve(), (latest_toc(folder) or folder).name


def checks_behind(folder: Path) -> tuple[str, dict[str, Blocks]]:
    """:func:`checks_as_read` of ``folder``, and every file of it hashed whole by a thread started now: a file
    found sound has every block taken as sound; a damaged one is logged (naming it) and refused at every later read
    (its :attr:`Blocks.damage`). Until its file is hashed, each block is still checked at its first read, so
    nothing is ever read unchecked. XXH3 hashes without holding the GIL (python-xxhash releases it always, since
    3.0.0), so the thread runs on a core of its own beside a server's start-up (``check="behind"`` of
    :func:`index.whoosh.generations.open_generation`). Raises :class:`Damaged` as :func:`checks_as_read` does."""
    unchecked, found = checks_as_read(folder)

    def run() -> None:
        for blocks in found.values():
            try:
                blocks.check_whole()
            except (Damaged, OSError) as exc:  # unreadable since it was found: its reads will say so as well
                log.error(_DAMAGE_FOUND, exc)

    threading.Thread(target=run, name="index-checksums", daemon=True).start()
    return unchecked, found


class Blocks:
    """One file's block hashes (its manifest entry) and the blocks found sound so far in this process: checks the
    blocks a read reaches before its bytes are used, reading them through a descriptor of its own (opened now, while
    the file is known to be there). A block found sound is checked again once the file has changed since (its size,
    modification or status-change time, ``fstat``: a write to a committed file, which nothing of the index does,
    and a long-running server reads what was written, not its page cache's memory of the commit). Shared by the
    threads reading the file (two may check one block at once, alike). Raises :class:`Damaged` (naming the manifest)
    where the entry's hashes are not whole."""

    def __init__(self, path: Path, entry: list) -> None:
        self.path = path
        try:
            self.size, self.block, self.whole = int(entry[0]), int(entry[3]), int(entry[1])
            self._hashes = base64.b64decode(entry[4], validate=True)
        except (TypeError, ValueError):
            self.size, self.block, self.whole, self._hashes = 0, 0, 0, b""
        if self.block <= 0 or len(self._hashes) != _HASH.size * -(-self.size // self.block):
            raise Damaged(path.parent / MANIFEST, f"{path.name} 的分块校验和已损坏")
        self._sound = bytearray(len(self._hashes) // _HASH.size)
        self.damage: Damaged | None = None  # once found, every later check of the file says it again
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)
        self._state = self._now()  # the file as its sound blocks were found

    def _now(self) -> tuple[int, int, int]:
        found = os.fstat(self._fd)
        return found.st_size, found.st_mtime_ns, found.st_ctime_ns

    def check_whole(self) -> None:
        """Hash the file whole against its entry: every block sound where it matches, else :attr:`damage` set (every
        later read of the file refused) and raised. Raises :class:`Damaged`, or OSError where it cannot be read."""
        if digest(self.path) != self.whole:
            self.damage = Damaged(self.path, "校验和与提交时保存的不符（文件已损坏）")
            raise self.damage
        self.all_sound()

    def all_sound(self) -> None:
        """Take every block as sound (the file was just hashed whole against its entry, as it was when this was
        made)."""
        self._sound[:] = b"\x01" * len(self._sound)

    def check(self, start: int, length: int) -> None:
        """Check the blocks holding bytes ``start`` to ``start + length`` of the file, each the first time only.
        Raises :class:`Damaged` naming the file and the block's bytes where one differs from its commit (OSError
        where it cannot be read)."""
        if self.damage is not None:
            raise self.damage
        end = min(start + length, self.size)
        if end <= start:
            return
        first, last = start // self.block, (end - 1) // self.block + 1
        state = self._now()
        if state != self._state:  # written since its blocks were found sound: each is checked again at its read
            self._sound[:] = bytes(len(self._sound))
            self._state = state
        if self._sound.find(0, first, last) < 0:
            return
        for number in range(first, last):
            if self._sound[number]:
                continue
            at = number * self.block
            expected = _HASH.unpack_from(self._hashes, number * _HASH.size)[0]
            if xxhash.xxh3_64_intdigest(os.pread(self._fd, self.block, at)) != expected:
                upto = min(at + self.block, self.size)
                self.damage = Damaged(self.path, f"第 {at:,}–{upto:,} 字节的校验和与提交时保存的不符（文件已损坏）")
                raise self.damage
            self._sound[number] = 1


def _manifest(folder: Path) -> dict | Literal[False] | None:
    """The saved checksums; None where there are none, False where the file is damaged."""
    try:
        value = json.loads((folder / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return False
    return value if isinstance(value, dict) and isinstance(value.get("files"), dict) else False


def seal(payload: bytes) -> bytes:
    """``payload`` with a header holding its CRC-32 and length, for :func:`unseal`."""
    return _SEAL + struct.pack("<IQ", zlib.crc32(payload), len(payload)) + payload


def unseal(data: bytes) -> bytes:
    """The payload :func:`seal` wrapped; raises ValueError where it was cut short, changed, or never sealed."""
    head = len(_SEAL) + 12
    if not data.startswith(_SEAL) or len(data) < head:
        raise ValueError("没有校验和文件头")
    expected, length = struct.unpack("<IQ", data[len(_SEAL) : head])
    payload = data[head:]
    if len(payload) != length:
        raise ValueError(f"现有 {len(payload):,} 字节，保存时为 {length:,} 字节（被截断）")
    if zlib.crc32(payload) != expected:
        raise ValueError("校验和与保存时的不符（文件已损坏）")
    return payload
