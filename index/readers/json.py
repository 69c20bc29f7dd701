"""JSON documents: one object, an array of objects, or an API response holding such an array at any depth
(``page.content``, ``data.records``, ``result.items``), also wrapped as JSONP (``cb({...});``).

Keys may be canonical (title, index_no, …), Chinese (名称, 索引号, …) or a platform's (BT, fileNumber, …):
see index.labels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from pathlib import Path

from index.keyparts import field_by_parts, plausible
from index.limits import Limits
from index.readers import contained
from index.readers._common import (
    PYTHON_LITERAL,
    decode,
    documents_in,
    embedded_json,
    head_text,
    holds_document,
    mapping_fields,
    python_literal,
    read_whole,
    record_from_mapping,
)
from index.readers.jsonl import is_object_lines
from index.record import RawRecord, ReadError

NAME = "json"
SUFFIXES = (".json", ".jsonp")


# A JSONP response: a callback's name, ``(``, the JSON, ``)`` and an optional ``;`` (``cb({...});``), as
# servers also send it: after a ``/**/`` comment (``/**/jQuery1113_1700({...})``), guarded by ``typeof cb
# === 'function' &&``, or inside ``try{cb({...});}catch(e){}``.
_JSONP_OPEN = re.compile(
    r"\s*(?:/\*.*?\*/\s*)*(?:try\s*\{\s*)?"
    r"(?:typeof\s+[A-Za-z_$][\w$.]*\s*===?\s*['\"]function['\"]\s*&&\s*)?"
    r"[A-Za-z_$][\w$.]*\s*\(\s*(?=[\[{])",
    re.DOTALL,
)
_JSONP_CLOSE = re.compile(r"\)\s*;?\s*(?:\}\s*catch\s*\([^)]*\)\s*\{[^{}]*\}\s*;?\s*)?$")
# What may follow a JSON array's ``[`` (RFC 8259): a value or ``]``. A page-text line ``[成文日期] 2021-01-20``
# starts with ``[`` too, and is no JSON.
_ARRAY_START = re.compile(r"\[\s*(?:[\[{\]\"\-0-9]|true|false|null|$)")


def sniff(path: Path, head: bytes) -> bool:
    """A JSON document: it starts with ``[`` or ``{`` (or a JSONP callback's ``name(`` before them), and is
    not one object a line (that is JSON Lines)."""
    text = head_text(path, head).lstrip("\ufeff \t\r\n")
    if _JSONP_OPEN.match(text):
        return True
    if text[:1] == "[" and not _ARRAY_START.match(text):
        return False
    return text[:1] in ("[", "{") and not is_object_lines(text)


def unwrap_jsonp(text: str) -> str:
    """The JSON inside a JSONP response (``cb({...});`` → ``{...}``); any other text as it is."""
    opening = _JSONP_OPEN.match(text)
    closing = _JSONP_CLOSE.search(text) if opening else None
    if not opening or not closing:
        return text
    return text[opening.end() : closing.start()]


@contained
def read(path: Path, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The file's records. A top-level array is read element by element, so the records before a break
    (a file cut short, a bad element) are kept and the break is a ReadError naming its record; an object
    (one document, or an export wrapping the list) is parsed whole; cut short, it keeps the records its list holds
    whole before the break (:func:`_salvaged`). Several JSON texts one after another (arrays back to back, ``][``;
    objects, with or without a comma between them: :func:`_one_after_another`) are read in turn."""
    text = unwrap_jsonp(decode(read_whole(path, bounds.max_parse_bytes)).lstrip("\ufeff"))
    if PYTHON_LITERAL.match(text):
        try:
            data = python_literal(text)
        except ValueError as exc:
            raise ReadError(path, f"neither valid JSON nor a Python literal dump: {exc}") from exc
        yield from _records(path, data, bounds)
        return
    start = _after_space(text, 0)
    if text[start : start + 1] == "[":
        yield from _one_after_another(path, text, start, bounds)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # a whole JSON text, then another: a crawler's values one after another
            yield from _one_after_another(path, text, start, bounds)
        else:
            yield from _salvaged(path, text, exc, bounds)
        return
    except ValueError as exc:
        yield from _salvaged(path, text, exc, bounds)
        return
    except RecursionError as exc:
        # The parser recurses per level; PORTAL_MAX_NESTING then drops fields that are merely deep.
        raise ReadError(path, "nested too deep to parse (thousands of levels)") from exc
    yield from _records(path, data, bounds)


def _salvaged(path: Path, text: str, error: ValueError, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The records of an API response cut short (a download that stopped, a dump killed mid-write): those its list
    holds whole before the break, then a ReadError naming the record the file ends inside. Raises the parser's
    error as a ReadError where nothing before the break is a record."""
    repaired = _closed_before_break(text)
    try:
        data = json.loads(repaired) if repaired is not None else None
        items = list(_records(path, data, bounds)) if data is not None else []
    except (ValueError, RecursionError, ReadError):
        items = []
    if not any(isinstance(item, RawRecord) for item in items):
        raise ReadError(path, f"not valid JSON: {error}") from error
    yield from items
    yield ReadError(
        path,
        f"not valid JSON: {error}; the file ends inside this record, the {len(items)} before it are read",
        f"record {len(items) + 1}",
    )


# A JSON string (escapes included) or a bracket: what matters for finding where a cut text's containers stand.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _closed_before_break(text: str) -> str | None:
    """``text`` cut after the last object that closes whole inside the shallowest array still open where the text
    breaks off (a response's list of records; not a record's own list of attachments, nor a list of facets closed
    before it), with the brackets then open closed; None where no such object is."""
    stack: list[str] = []
    cuts: dict[int, tuple[int, str]] = {}  # depth of the array → (end of its last whole object, closers)
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in "[{":
            stack.append(mark)
        elif mark in "]}":
            if not stack:
                return None
            if stack[-1] == "[":
                cuts.pop(len(stack), None)  # a list closed whole is no list the break cut
            opened = stack.pop()
            if opened == "{" and stack and stack[-1] == "[":
                closers = "".join("]" if bracket == "[" else "}" for bracket in reversed(stack))
                cuts[len(stack)] = (token.end(), closers)
    if not cuts:
        return None
    end, closers = cuts[min(cuts)]
    return text[:end] + closers


def _records(path: Path, data: object, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The records of a parsed JSON value: one document, a list of them, or the list an API response holds (also
    where the response holds it as JSON text: :func:`index.readers._common.embedded_json`)."""
    data = embedded_json(data, bounds.max_nesting)
    items = documents_in(data, bounds.max_nesting)
    if items is None:
        raise ReadError(
            path, "JSON holds no document object and no list of them at any depth (or two lists of as many)"
        )
    single = len(items) == 1 and items[0] is data
    for number, item in enumerate(items, start=1):
        yield _record(path, item, "" if single else f"record {number}")


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace (RFC 8259, section 2)


def _after_space(text: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not JSON whitespace."""
    space = _SPACE.match(text, pos)
    return space.end() if space else pos  # the pattern matches the empty string too: always a match


_REST_LOST = "; this record and the rest of the file are not read"


def _one_after_another(path: Path, text: str, pos: int, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The records of the JSON texts from ``pos`` on, read in turn and numbered on across them: a crawler that
    appends each saved response to one file writes arrays back to back (``][``: Kira-yoshikage-d/spider-gov
    nanjing-pro.json) or objects one after another, some with a comma between them. An array is read element by
    element (:func:`_array`); any other value as a whole file's (:func:`_records`). Text that starts no JSON value
    ends the reading with a ReadError; the records before it are kept."""
    decoder = json.JSONDecoder()
    number = 0
    while (pos := _after_space(text, pos)) < len(text):
        if number and text[pos] == ",":
            pos = _after_space(text, pos + 1)
        if text[pos : pos + 1] == "[":
            read = yield from _array(path, text, pos + 1, bounds.max_nesting, number)
            if read is None:
                return  # the array broke off: its ReadError is given
            number, pos = read
            continue
        try:
            value, pos = decoder.raw_decode(text, pos)
        except ValueError:
            yield ReadError(path, f"not valid JSON: text after the records' end (char {pos}); {_BEFORE_KEPT}")
            return
        except RecursionError:
            yield ReadError(path, f"nested too deep to parse (thousands of levels){_REST_LOST}", f"record {number + 1}")
            return
        items = documents_in(embedded_json(value, bounds.max_nesting), bounds.max_nesting)
        if items is None:  # a value that is no record (a number, a string, {}): an unreadable record of its own
            number += 1
            yield ReadError(path, "JSON holds no document object and no list of them", f"record {number}")
            continue
        for item in items:
            number += 1
            yield _record(path, item, f"record {number}")


_BEFORE_KEPT = "the records before it are read"


def _array(
    path: Path, text: str, pos: int, max_nesting: int, number: int = 0
) -> Generator[RawRecord | ReadError, None, tuple[int, int] | None]:
    """The records of the array whose ``[`` ends at ``pos``, each parsed on its own (``raw_decode``) and numbered on
    from ``number``; returns (the last record's number, the position after the ``]``), or None where it broke off."""
    decoder = json.JSONDecoder()
    first = number
    while True:
        pos = _after_space(text, pos)
        if text[pos : pos + 1] == "]":
            return number, pos + 1
        if number > first:
            if text[pos : pos + 1] != ",":
                what = "the file ends" if pos >= len(text) else f"found {text[pos : pos + 1]!r} at char {pos}"
                yield ReadError(
                    path, f"not valid JSON: the array never closes ({what}){_REST_LOST}", f"record {number + 1}"
                )
                return None
            pos = _after_space(text, pos + 1)
        number += 1
        locator = f"record {number}"
        try:
            item, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            yield ReadError(path, f"not valid JSON: {exc}{_REST_LOST}", locator)
            return None
        except RecursionError:
            yield ReadError(path, f"nested too deep to parse (thousands of levels){_REST_LOST}", locator)
            return None
        yield from _elements(path, item, locator, max_nesting)


def _record(path: Path, item: object, locator: str) -> RawRecord | ReadError:
    if not isinstance(item, dict):
        return ReadError(path, f"expected an object, found {type(item).__name__}", locator)
    return record_from_mapping(item, str(path), locator)


def _titled(item: dict) -> bool:
    """Whether an object's own keys name its title or its body by their words (``infoTitle``, ``zwContent``:
    :func:`index.keyparts.field_by_parts`), with a value that can be one: a record of a camelCase API whose lists
    (its ``sourceLinks`` of {label, url}) are its parts, not the file's records."""
    return any(
        (field := field_by_parts(str(key))) in ("title", "body") and plausible(field, value, str(key))
        for key, value in item.items()
        if isinstance(value, str) and value.strip()
    )


def _elements(path: Path, item: object, locator: str, max_nesting: int) -> Iterator[RawRecord | ReadError]:
    """The records one element of a top-level array gives: itself, where it is a document; else the records it
    holds, where it is a saved API response (a crawler's array of result pages: ``[{"page": 1, "data": {"list":
    […]}}, …]``), each named ``record 2 record 3``; a list's elements (``[[{…}, {…}]]``), each named so too."""
    if isinstance(item, list) and max_nesting > 0:
        for number, inner in enumerate(item, start=1):
            yield from _elements(path, inner, f"{locator} record {number}", max_nesting - 1)
        return
    record = _record(path, item, locator)
    if not isinstance(item, dict) or holds_document(mapping_fields(item, guess=False)) or _titled(item):
        yield record  # an array's element is a record where its labels give a title or a body, at any depth
        return
    found = documents_in(item, max_nesting)
    if not found or (len(found) == 1 and found[0] is item):
        yield record  # rejected later, with its reason, for want of a title
        return
    for number, inner in enumerate(found, start=1):
        yield _record(path, inner, f"{locator} record {number}")
