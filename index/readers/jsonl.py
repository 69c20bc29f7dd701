"""JSON Lines documents (one object a line), plain or gzip-compressed (.jsonl.gz)."""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterator
from pathlib import Path

from index.limits import Limits
from index.readers import Passed, Piece, contained
from index.readers._common import (
    PYTHON_LITERAL,
    documents_in,
    embedded_json,
    head_text,
    holds_document,
    python_literal,
    record_from_mapping,
    text_encoding,
    unpacked,
)
from index.record import RawRecord, ReadError

NAME = "jsonl"
SUFFIXES = (".jsonl", ".ndjson")
PIECES = True  # each line holds its records on its own (index.readers.read_file's ``passed``)


def sniff(path: Path, head: bytes) -> bool:
    """Objects one a line: a first line that is a whole object (``{…}``) with more lines after it (which a
    JSON document cannot have); or a single line that starts with ``{`` (whole or cut short), which a
    ``.json`` name reads as JSON instead."""
    return is_object_lines(head_text(path, head), single=True)


def is_object_lines(text: str, single: bool = False) -> bool:
    """Whether ``text`` (a file's start) looks like JSON Lines; with ``single``, one line counts too."""
    # Only a line feed ends a JSON Lines record (str.splitlines would also split at U+2028, U+0085 … that a
    # JSON string may hold raw).
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines or not lines[0].startswith("{"):
        return False
    if len(lines) == 1:
        return single
    return lines[0].endswith("}")


def _lines(path: Path, limit: int) -> Iterator[str | None]:
    """The file's lines (streamed, through gzip if compressed); None for a line over ``limit`` characters."""
    with path.open("rb") as raw:
        binary = unpacked(raw)
        encoding = text_encoding(binary.read(4096))
        binary.seek(0)
        handle = io.TextIOWrapper(binary, encoding=encoding, errors="replace")
        while line := handle.readline(limit + 1):
            if line.endswith("\n") or len(line) <= limit:
                yield line
                continue
            while line and not line.endswith("\n"):  # skip the rest of the long line, a piece at a time
                line = handle.readline(limit)
            yield None


@contained
def read(path: Path, bounds: Limits, passed: Passed | None = None) -> Iterator[RawRecord | ReadError | Piece]:
    """The records of every line; a line ``passed`` (its locator, its text) answers True for is a :class:`Piece`,
    not parsed."""
    for number, line in enumerate(_lines(path, bounds.max_parse_bytes), start=1):
        locator = f"line {number}"
        if line is None:
            too_long = f"longer than PORTAL_MAX_PARSE_MB={bounds.max_parse_bytes // (1024 * 1024)} MB; not read"
            yield ReadError(path, too_long, locator)
            continue
        if not line.strip():
            continue
        if passed is not None and passed(locator, line):
            yield Piece(str(path), locator, functools.partial(_parsed_line, path, locator, line, bounds))
            continue
        yield from _line_records(path, locator, line, bounds)


def _line_records(path: Path, locator: str, line: str, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The records (and read errors) one line holds. A comma before or after the line's object is a separator: a
    crawler that wrote its items as an array's elements, one a line, with no brackets round them (``{…},``)."""
    line = line.strip().strip(",")
    try:
        item = json.loads(line)
    except ValueError as exc:
        try:  # a line a crawler wrote as str(item): a Python literal, keys in single quotes
            item = python_literal(line) if PYTHON_LITERAL.match(line) else None
        except ValueError:
            item = None
        if item is None:
            yield ReadError(path, f"not valid JSON: {exc}", locator)
            return
    except RecursionError:
        yield ReadError(path, "nested too deep to parse (thousands of levels)", locator)
        return
    if not isinstance(item, dict):
        yield ReadError(path, f"expected an object, found {type(item).__name__}", locator)
        return
    record = record_from_mapping(item, str(path), locator)
    if not holds_document(record.fields):
        unpacked = embedded_json(item, bounds.max_nesting)  # a saved response holding its records as JSON text
        if isinstance(unpacked, dict):
            item = unpacked
            record = record_from_mapping(item, str(path), locator)
    records = documents_in(item, bounds.max_nesting)
    if records is None or (len(records) == 1 and records[0] is item):
        yield record
        return
    # A line holding an API response (a crawler's saved page of results): its records, each its own.
    for number_in_line, found in enumerate(records, start=1):
        where = f"{locator} record {number_in_line}"
        if isinstance(found, dict):
            yield record_from_mapping(found, str(path), where)
        else:
            yield ReadError(path, f"expected an object, found {type(found).__name__}", where)


def _parsed_line(path: Path, locator: str, line: str, bounds: Limits) -> list[RawRecord | ReadError]:
    return list(_line_records(path, locator, line, bounds))
