"""JSON documents: one object, an array of objects, or an object wrapping such an array.

Keys may be canonical (title, index_no, …) or Chinese (名称, 索引号, …): see index.labels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from index import limits
from index.labels import canonical_field
from index.readers import ReadError, contained
from index.readers._common import decode, head_text, read_whole, record_from_mapping
from index.readers.jsonl import is_object_lines
from index.record import RawRecord

NAME = "json"
SUFFIXES = (".json",)


def sniff(path: Path, head: bytes) -> bool:
    """A JSON document: it starts with ``[`` or ``{``, and is not one object a line (that is JSON Lines)."""
    text = head_text(path, head).lstrip()
    return text[:1] in ("[", "{") and not is_object_lines(text)


@contained
def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """The file's records. A top-level array is read element by element, so the records before a break
    (a file cut short, a bad element) are kept and the break is a ReadError naming its record; an object
    (one document, or an export wrapping the list) is parsed whole, so a break anywhere loses the file."""
    bounds = limits.current()
    text = decode(read_whole(path, bounds.max_parse_bytes))
    start = _SPACE.match(text).end()
    if text[start : start + 1] == "[":
        yield from _array(path, text, start + 1)
        return
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReadError(path, f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        # The parser recurses per level; PORTAL_MAX_NESTING then drops fields that are merely deep.
        raise ReadError(path, "nested too deep to parse (thousands of levels)") from exc
    items = _documents(data)
    if items is None:
        raise ReadError(path, "JSON holds neither a document object nor a list of them")
    single = len(items) == 1 and items[0] is data
    for number, item in enumerate(items, start=1):
        yield _record(path, item, "" if single else f"record {number}")


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace (RFC 8259, section 2)
_REST_LOST = "; this record and the rest of the file are not read"


def _array(path: Path, text: str, pos: int) -> Iterator[RawRecord | ReadError]:
    """The records of the array whose ``[`` ends at ``pos``, each parsed on its own (``raw_decode``)."""
    decoder = json.JSONDecoder()
    number = 0
    while True:
        pos = _SPACE.match(text, pos).end()
        if text[pos : pos + 1] == "]":
            end = _SPACE.match(text, pos + 1).end()
            if end < len(text):
                yield ReadError(
                    path, f"not valid JSON: text after the array's end (char {end}); the records before it are read"
                )
            return
        if number:
            if text[pos : pos + 1] != ",":
                what = "the file ends" if pos >= len(text) else f"found {text[pos : pos + 1]!r} at char {pos}"
                yield ReadError(
                    path, f"not valid JSON: the array never closes ({what}){_REST_LOST}", f"record {number + 1}"
                )
                return
            pos = _SPACE.match(text, pos + 1).end()
        number += 1
        locator = f"record {number}"
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            yield ReadError(path, f"not valid JSON: {exc}{_REST_LOST}", locator)
            return
        except RecursionError:
            yield ReadError(path, f"nested too deep to parse (thousands of levels){_REST_LOST}", locator)
            return
        yield _record(path, item, locator)


def _record(path: Path, item: object, locator: str) -> RawRecord | ReadError:
    if not isinstance(item, dict):
        return ReadError(path, f"expected an object, found {type(item).__name__}", locator)
    return record_from_mapping(item, str(path), locator)


def _documents(data: object) -> list[object] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if any(canonical_field(key) for key in data):
        return [data]
    lists = [value for value in data.values() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None
