"""A segment's term table read with positional reads: the first look-up of a term, what a cold query pays per term.

Whoosh keeps a segment's terms in an ordered hash file (``whoosh.filedb.filetables.OrderedHashReader``, pinned by
``whoosh-reloaded``): 256 hash tables of ``(hash, position)`` slots (``!Iq``), open addressing with linear probing
from slot ``(hash >> 8) % slots`` of table ``hash & 255``, each key stored at its position as ``!ii`` (key and
value lengths), the key, the value (a term's ``W3TermInfo``). Whoosh reads it through three layers of Python file
objects, five reads a term; :class:`TermTable` reads the same bytes with two ``os.pread`` calls (a window of slots,
then the key and value at once), which move no file position and so need no lock: a term's look-up and list read
in about 0.6× Whoosh's CPU time on the corpus index (``python -m bench.lookups``). The index is opened without
memory maps (:func:`index.whoosh.generations._storage`), which this keeps.

Where the term file is not a plain file or a slice of one (a memory-mapped segment), :func:`term_table` gives
None and the caller asks Whoosh. ``tests/test_termtable.py`` holds every term's look-up to Whoosh's own.
"""

from __future__ import annotations

import os
import struct
import threading
import weakref
from typing import Any

from whoosh.filedb.compound import SubFile

_SLOT = struct.Struct("!Iq")  # a hash table slot: the key's hash, where the key is (0: empty)
_LENGTHS = struct.Struct("!ii")  # before a key: its length and its value's
SLOT_WINDOW = 8  # slots read at once (linear probing finds most keys in the first)
KEY_WINDOW = 256  # bytes read at a key's position: its lengths, the key and a term info, mostly at once


class PositionalFile:
    """Reads of a Whoosh file (a segment's file or a slice of the compound one) by ``os.pread``: no Python file layers,
    no file position moved (so no lock); safe to share between threads. Where the open file checks its blocks as
    they are read (``index.whoosh.generations._CheckedFile``: an index opened with ``check="read"``), each read's
    bytes are checked first, as Whoosh's own reads of it are."""

    def __init__(self, raw, base: int) -> None:
        self._raw = raw  # the open file (Whoosh closes it with the reader)
        # A descriptor of our own on the same open file, closed when this object goes: a search racing the reader's
        # close reads the segment's bytes or fails, never another file that took the closed descriptor's number.
        self._fd = os.dup(raw.fileno())
        weakref.finalize(self, os.close, self._fd)
        self._base = base  # where the Whoosh file starts in it
        self._check = getattr(getattr(raw, "raw", raw), "check", None)

    def get(self, position: int, length: int) -> bytes:
        """``length`` bytes from ``position`` of the Whoosh file (fewer at its end); ValueError once Whoosh closed
        the file (its reader was closed), DamagedIndex where a checked block differs from its commit."""
        if self._check is not None:
            self._check(self._base + position, length)
        if self._raw.closed:
            raise ValueError("read of a closed segment file")
        return os.pread(self._fd, length, self._base + position)


class TermTable(PositionalFile):
    """Look-ups in one segment's term hash file (see the module docstring); safe to share between threads."""

    def __init__(self, raw, base: int, tables: list[tuple[int, int]], hashfn) -> None:
        super().__init__(raw, base)
        self._tables = tables
        self._hash = hashfn

    def lookup(self, key: bytes) -> bytes | None:
        """The value stored under ``key``, or None where the segment holds no such key."""
        keyhash = self._hash(key)
        start, slots = self._tables[keyhash & 255]
        if not slots:
            return None
        slot = (keyhash >> 8) % slots
        probed = 0
        while probed < slots:
            count = min(SLOT_WINDOW, slots - slot, slots - probed)
            window = self.get(start + slot * _SLOT.size, count * _SLOT.size)
            for found_hash, position in _SLOT.iter_unpack(window):
                if not position:
                    return None
                if found_hash == keyhash:
                    value = self._value_at(position, key)
                    if value is not None:
                        return value
            probed += count
            slot = (slot + count) % slots
        return None

    def _value_at(self, position: int, key: bytes) -> bytes | None:
        """The value of the pair at ``position`` where its key is ``key``; None where it is another's."""
        data = self.get(position, KEY_WINDOW)
        keylength, valuelength = _LENGTHS.unpack_from(data)
        if keylength != len(key):
            return None
        start = _LENGTHS.size
        if data[start : start + keylength] != key:
            return None
        start += keylength
        if start + valuelength > len(data):
            data = self.get(position, start + valuelength)
        return data[start : start + valuelength]


_made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Whoosh's object → its PositionalFile or None
_lock = threading.Lock()
_MISSING = object()


def once(whoosh_object, make):
    """``make()``, made once per Whoosh object (kept while the object lives); safe to call from several threads."""
    made = _made.get(whoosh_object, _MISSING)  # a read needs no lock (a term look-up asks for every segment)
    if made is not _MISSING:
        return made
    made = make()
    with _lock:
        return _made.setdefault(whoosh_object, made)


def _opened(structfile) -> tuple[object, int] | None:
    """(the open file, where ``structfile`` starts in it) of a Whoosh ``StructFile`` over a plain file or a slice of
    one; None otherwise (a memory-mapped segment, an in-memory file)."""
    handle: Any = getattr(structfile, "file", None)
    raw, base = (handle._file, handle._offset) if isinstance(handle, SubFile) else (handle, 0)
    fileno = getattr(raw, "fileno", None)
    if fileno is None or getattr(raw, "closed", True):
        return None
    try:
        fileno()
    except (OSError, ValueError):  # no descriptor
        return None
    return raw, base


def term_table(hashreader) -> TermTable | None:
    """The :class:`TermTable` of a Whoosh ``OrderedHashReader`` (a segment's ``_terms._tindex``), made once per
    reader; None where its file is not a plain file or a slice of one."""

    def make() -> TermTable | None:
        opened = _opened(getattr(hashreader, "dbfile", None))
        tables = getattr(hashreader, "tables", None)
        return None if opened is None or tables is None else TermTable(*opened, tables, hashreader.hashfn)

    return once(hashreader, make)


def positional_file(structfile) -> PositionalFile | None:
    """The :class:`PositionalFile` of a Whoosh ``StructFile`` (a segment's posting file), made once per file; None
    where it is not a plain file or a slice of one."""

    def make() -> PositionalFile | None:
        opened = _opened(structfile)
        return None if opened is None else PositionalFile(*opened)

    return once(structfile, make)
