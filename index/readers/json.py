"""JSON documents: one object, an array of objects, or an object wrapping such an array.

Keys may be canonical (title, index_no, …) or Chinese (名称, 索引号, …): see index.labels.
"""

from __future__ import annotations

import json
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
    bounds = limits.current()
    try:
        data = json.loads(decode(read_whole(path, bounds.max_parse_bytes)))
    except ValueError as exc:
        raise ReadError(path, f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        # The parser recurses per level; PORTAL_MAX_NESTING then drops fields that are merely deep.
        raise ReadError(path, "nested too deep to parse (thousands of levels)") from exc
    items = _documents(data)
    if items is None:
        raise ReadError(path, "JSON holds neither a document object nor a list of them")
    single = isinstance(data, dict) and items == [data]
    for number, item in enumerate(items, start=1):
        locator = "" if single else f"record {number}"
        if not isinstance(item, dict):
            yield ReadError(path, f"expected an object, found {type(item).__name__}", locator)
            continue
        yield record_from_mapping(item, str(path), locator)


def _documents(data: object) -> list[object] | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if any(canonical_field(key) for key in data):
        return [data]
    lists = [value for value in data.values() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None
