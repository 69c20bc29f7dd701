"""Readers: one per source format, behind one interface, chosen by looking at the file.

A reader is a module with ``NAME``, ``sniff(path, head) -> bool`` (``head`` is the
file's first 64 KiB; it judges the content, never the file's extension), optionally
``SUFFIXES`` (the extensions its files usually have, which only break ties, see
:func:`detect_reader`) or ``CONCLUSIVE = True`` (its claim settles the matter: the crawl folder's
files, known by their place beside a sidecar), and ``read(path, bounds) -> Iterator[RawRecord | ReadError]``,
``bounds`` being the :class:`index.limits.Limits` the ingest's coordinator read (a reader never reads the
environment; the built-in defaults where none are given). A reader
raises :class:`index.record.ReadError` when the whole file is unreadable and *yields* one for a
single bad record, so the rest of the file goes on.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import cast

from index.decoding import file_name
from index.limits import DEFAULTS, Limits
from index.record import RawRecord, ReadError

HEAD_BYTES = 65536

ReadFn = Callable[..., Iterator["RawRecord | ReadError | Piece"]]
# Asked of each piece of a file read in pieces (a JSON Lines line: its locator, its text) before it is parsed:
# True passes it over (:class:`Piece`).
Passed = Callable[[str, str], bool]


@dataclass
class Piece:
    """A part of a file that holds its records on its own (a JSON Lines line) that :func:`read_file` passed over
    unparsed, as its caller's ``passed`` asked: the file, where in it, and its records, parsed when asked
    (:meth:`records`)."""

    source: str
    locator: str
    parse: Callable[[], list[RawRecord | ReadError]]

    def __post_init__(self) -> None:
        self.source = file_name(self.source)  # as RawRecord names its file

    @property
    def where(self) -> str:
        return f"{self.source} {self.locator}".strip()

    def records(self) -> list[RawRecord | ReadError]:
        """The piece's records and read errors, as reading it would have given them; whatever parsing raises is a
        ReadError naming the piece."""
        try:
            return self.parse()
        except RecursionError:
            return [ReadError(self.source, "nested too deep to read", self.locator)]
        except Exception as exc:
            return [ReadError(self.source, f"unreadable: {type(exc).__name__}: {exc}", self.locator)]


# Most specific first: a crawl folder's page is HTML, a JSON Lines file also parses as text, and a page text
# whose label table is tab-separated (索引号：\t…\t主题分类：\t…) also fits the CSV sniffer (a ``.csv`` or
# ``.tsv`` file is still CSV: its extension breaks the tie).
_READER_MODULES = ("crawled", "html", "jsonl", "json", "text", "csv")


def contained(read: ReadFn) -> ReadFn:
    """A reader's ``read`` that keeps the contract whatever the file holds: any failure becomes a ReadError.

    A hostile file can trip any parser in any way (RecursionError, EOFError from a cut gzip stream, a
    codec's LookupError …); the records read before it stand, and the ReadError says how far it got.
    """

    @functools.wraps(read)
    def guarded(path: Path, bounds: Limits = DEFAULTS, **options) -> Iterator[RawRecord | ReadError | Piece]:
        count = 0
        try:
            for item in read(path, bounds, **options):
                count += isinstance(item, RawRecord | Piece)
                yield item
        except ReadError:
            raise
        except RecursionError as exc:
            raise ReadError(path, f"nested too deep to read (after record {count})") from exc
        except Exception as exc:
            raise ReadError(path, f"unreadable after record {count}: {type(exc).__name__}: {exc}") from exc

    return guarded


def readers() -> list[ModuleType]:
    """The reader modules, in detection order."""
    return [importlib.import_module(f"index.readers.{name}") for name in _READER_MODULES]


def detect_reader(path: Path) -> ModuleType | None:
    """The reader for a file, judged by its content, or None.

    The extension only breaks ties: among the readers the content fits, the one whose ``SUFFIXES``
    name the file wins (a one-line object is JSON in ``a.json`` and JSON Lines in ``a.jsonl``), else the
    first in detection order; where the content fits none (an empty ``a.json``), the extension's reader
    is tried, so its error says what is wrong. A ``.html`` file holding JSON is read as JSON.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    fitting = [reader for reader in readers() if _sniffs(reader, path, head)]
    if fitting and getattr(fitting[0], "CONCLUSIVE", False):
        return fitting[0]
    named = [reader for reader in readers() if name_suffix(path) in getattr(reader, "SUFFIXES", ())]
    for reader in named:
        if reader in fitting or not fitting:
            return reader
    return fitting[0] if fitting else None


def name_suffix(path: Path) -> str:
    """The extension that says a file's format, lower-case, looking past ``.gz`` (``feed.jsonl.gz`` → ``.jsonl``)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _sniffs(reader: ModuleType, path: Path, head: bytes) -> bool:
    # A sniffer looks at a head a hostile file chose: one that trips over it has not recognised it.
    try:
        return bool(reader.sniff(path, head))
    except Exception:
        return False


def read_file(path: Path, bounds: Limits = DEFAULTS) -> Iterator[RawRecord | ReadError]:
    """Every record in one file, or a ReadError saying why the file (or the rest of it) cannot be read.

    The reader is held to ``bounds`` (the coordinator's limits; the built-in defaults where none are given).
    Whatever a reader raises ends that file only, as a ReadError naming the record it had got to;
    past ``bounds.max_records_per_file`` records (PORTAL_MAX_RECORDS_PER_FILE) the rest of the file is not read,
    the records it could not read counted with those it read: a file of nothing but values that are no record
    (``[1, 1, …]``, ``1 1 1 …``, a million lines of garbage) gives at most that many errors, not one for each.
    """
    return cast(Iterator[RawRecord | ReadError], read_passing(path, bounds, None))


def read_passing(path: Path, bounds: Limits, passed: Passed | None) -> Iterator[RawRecord | ReadError | Piece]:
    """:func:`read_file`, where ``passed`` (locator, text → bool) is asked of each piece of a file its reader reads in
    self-contained pieces (``PIECES = True``: JSON Lines, a line) before the piece is parsed; a piece it answers True
    for is yielded unparsed, as a :class:`Piece` (counted as one record), so a caller that knows a piece already does
    not pay for parsing it. Other readers never ask."""
    max_records = bounds.max_records_per_file
    try:
        reader = detect_reader(path)
    except OSError as exc:
        yield ReadError(path, f"cannot open: {exc.strerror or exc}")
        return
    if reader is None:
        yield ReadError(path, "not a recognised document format (page text, HTML, JSON, JSON Lines, CSV)")
        return
    count = unreadable = 0
    pieces = passed is not None and getattr(reader, "PIECES", False)
    try:
        for item in reader.read(path, bounds, passed=passed) if pieces else reader.read(path, bounds):
            if isinstance(item, RawRecord | Piece):
                count += 1
            else:
                unreadable += 1
            if count + unreadable > max_records:
                some = f" ({unreadable:,} of them unreadable)" if unreadable else ""
                yield ReadError(
                    path, f"more than PORTAL_MAX_RECORDS_PER_FILE={max_records:,} records{some}; the rest not read"
                )
                return
            yield item
    except ReadError as exc:
        yield exc
    except RecursionError:
        yield ReadError(path, f"{reader.NAME} reader: nested too deep to read (after record {count})")
    # A bug or a hostile file in one reader must cost that file, not the batch.
    except Exception as exc:
        yield ReadError(path, f"{reader.NAME} reader failed after record {count}: {type(exc).__name__}: {exc}")
