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

Saved derived files (the arrays and vocabulary of index/query/) carry their own checksum in a header
(:func:`seal`, :func:`unseal`).
"""

from __future__ import annotations

import json
import mmap
import re
import struct
import zlib
from pathlib import Path
from typing import Literal

import xxhash

MANIFEST = "checksums.json"
_TOC = re.compile(r"^_MAIN_([0-9]+)\.toc$")
_SEAL = b"PORTALCRC1"  # magic of a sealed file: magic, CRC-32 and length of the payload, the payload
XXH3 = "xxh3_64"  # a manifest entry ``[size, hash, "xxh3_64"]``
CRC32 = "crc32"  # a manifest entry ``[size, crc]``, as code before XXH3 saved it


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
    """The algorithm of a manifest entry: ``[size, value, algorithm]``, or ``[size, crc]`` as older code saved it."""
    return str(entry[2]) if len(entry) > 2 else CRC32


def latest_toc(folder: Path) -> Path | None:
    """The table of contents Whoosh opens in ``folder``: the highest-numbered."""
    tocs = [(int(m.group(1)), path) for path in folder.glob("_MAIN_*.toc") if (m := _TOC.match(path.name))]
    return max(tocs)[1] if tocs else None


def record(folder: Path, files: list[Path]) -> None:
    """Save the checksums of the latest TOC and of ``files`` (the commit's segment files) for :func:`verify`."""
    from index.whoosh.generations import write_atomic

    toc = latest_toc(folder)
    if toc is None:
        return
    before = _manifest(folder) or {}
    known = before.get("files", {}) if isinstance(before.get("files"), dict) else {}
    entries = {}
    for path in [toc, *files]:
        size = path.stat().st_size
        old = known.get(path.name)
        entries[path.name] = old if path != toc and old and old[0] == size else [size, digest(path), XXH3]
    write_atomic(folder / MANIFEST, json.dumps({"toc": toc.name, "files": entries}, sort_keys=True).encode())


def verify(folder: Path) -> str:
    """Check the latest commit's files against their checksums. Raises :class:`Damaged` naming the first damaged
    file; returns "" when every file was checked, else why the commit could not be (no checksums were saved for
    it: an index built before they were, or an ingest stopped between its commit and saving them)."""
    toc = latest_toc(folder)
    manifest = _manifest(folder)
    if manifest is False:
        raise Damaged(folder / MANIFEST, "校验和文件已损坏（不是 JSON）")
    if toc is None:
        raise Damaged(folder, "没有目录文件（_MAIN_<n>.toc）：索引中没有任何提交")
    if not manifest or manifest.get("toc") != toc.name:
        return f"{toc}: 这次提交没有保存校验和，未校验"
    for name, entry in sorted(manifest["files"].items()):
        size, expected = entry[0], entry[1]
        path = folder / name
        if not path.is_file():
            raise Damaged(path, "文件缺失")
        actual = path.stat().st_size
        if actual != size:
            raise Damaged(path, f"现有 {actual:,} 字节，提交时为 {size:,} 字节（被截断或改动）")
        if digest(path, _entry_algorithm(entry)) != expected:
            raise Damaged(path, "校验和与提交时保存的不符（文件已损坏）")
    return ""


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
