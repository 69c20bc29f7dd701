"""Helpers the file readers share: reading and decoding bytes, and turning a mapping into a RawRecord."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from index import limits
from index.decoding import decode_text, stream_encoding, utf16_encoding
from index.labels import canonical_field, map_fields
from index.record import RawRecord, ReadError

GZIP_MAGIC = b"\x1f\x8b"


def decode(data: bytes) -> str:
    """Text from a document file's bytes (UTF-8 with or without BOM, UTF-16 by BOM, GB18030, …).

    One decoder for every source: :func:`index.decoding.decode_text`.
    """
    return decode_text(data)


def _without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def read_whole(path: Path, limit: int, setting: str = "PORTAL_MAX_PARSE_MB") -> bytes:
    """The bytes of a file that must be parsed whole, decompressed if it is gzip, at most ``limit`` of them.

    Raises ReadError naming ``setting`` past the limit (counted after decompression, so a gzip bomb
    stops there too).
    """
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        handle = gzip.GzipFile(fileobj=raw) if compressed else raw
        try:
            data = handle.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ReadError(path, f"damaged gzip file: {exc}") from exc
    if len(data) > limit:
        what = "uncompressed, it is" if compressed else "it is"
        raise ReadError(path, f"{what} over {setting}={limit // (1024 * 1024)} MB, too large to parse whole")
    return data


def text_encoding(head: bytes) -> str:
    """The codec a streamed file starting with ``head`` is read with (:func:`index.decoding.stream_encoding`)."""
    return stream_encoding(head)


def decode_head(head: bytes) -> str:
    """Like :func:`decode` for the first bytes of a file, which may end inside a UTF-8 character."""
    utf16 = utf16_encoding(head)
    if utf16:
        return _without_bom(head[: len(head) // 2 * 2].decode(utf16, errors="replace"))
    try:
        return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", errors="replace")
        return decode(head)


def head_text(path: Path, head: bytes) -> str:
    """The start of a file as text, looking inside gzip."""
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(65536)
        except (OSError, EOFError, zlib.error):
            return ""  # not gzip after all, or a damaged one: no text to look at
    return decode_head(head)


def record_from_mapping(item: Mapping[str, Any], source: str, locator: str) -> RawRecord:
    """A record from one JSON object or CSV row, its keys mapped by :func:`index.labels.map_fields`.

    An object under a key that names no field (``"tip": {"title": …, "filenum": …}``) is read as part of
    the record: its keys fill the fields the record's own keys leave empty.
    """
    fields, _unknown = map_fields(_pairs(item, _NESTED_LEVELS))
    return RawRecord(source=source, locator=locator, fields=fields, attachment_root=Path(source).parent)


_NESTED_LEVELS = 2


def _pairs(item: Mapping[str, Any], levels: int) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of an object, then those of the objects it holds under keys that are no label."""
    yield from ((str(key), value) for key, value in item.items())
    if levels:
        for key, value in item.items():
            if isinstance(value, Mapping) and canonical_field(str(key)) is None:
                yield from _pairs(value, levels - 1)


def documents_in(data: object) -> list[object] | None:
    """The records a parsed JSON value holds: an array as it is; an object that is a document (it has a
    title or a body under a known key) as itself; else the list of documents found at any depth of an API
    response (``page.content``, ``data.records``, ``data.list``, ``result.items``), the one holding the most
    documents where there are several (a response's list of links or facets is not its records; two lists
    holding as many are ambiguous: None). An object with no such list but some known field is one document
    (rejected, with its reason, for want of a title). None when there is neither.
    """
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if _is_document(data):
        return [data]
    counted = [
        (sum(1 for item in candidate if isinstance(item, dict) and _is_document(item)), candidate)
        for candidate in _lists(data, limits.current().max_nesting)
    ]
    counted = sorted((pair for pair in counted if pair[0]), key=lambda pair: -pair[0])
    if counted:
        # Two lists holding as many documents: which is the records is unclear, so neither is guessed.
        return counted[0][1] if len(counted) == 1 or counted[0][0] > counted[1][0] else None
    if record_from_mapping(data, "", "").fields:
        return [data]
    # No document anywhere: the one list of objects, whose records are then rejected each with a reason.
    lists = [value for value in data.values() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None


def _is_document(item: dict) -> bool:
    """Whether an object holds a document: a title or a body as text under a key index.labels knows."""
    return holds_document(record_from_mapping(item, "", "").fields)


def holds_document(fields: dict[str, Any]) -> bool:
    """Whether a record's mapped fields hold a title or a body as text."""
    return any(isinstance(fields.get(name), str) and fields[name].strip() for name in ("title", "body"))


# A record's own lists of objects (its attachments, its related links) are never the file's records.
_PARTS_OF_A_RECORD = frozenset({"attachments", "related"})


def _lists(value: object, depth: int) -> Iterator[list[object]]:
    """Every list of objects inside ``value`` (depth-first, in document order), at most ``depth`` levels down,
    but those under a key naming a record's attachments or related links."""
    if depth <= 0:
        return
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            yield value
        children = value
    elif isinstance(value, dict):
        children = [child for key, child in value.items() if canonical_field(str(key)) not in _PARTS_OF_A_RECORD]
    else:
        return
    for child in children:
        if isinstance(child, dict | list):
            yield from _lists(child, depth - 1)
