"""Helpers the file readers share: reading and decoding bytes, and turning a mapping into a RawRecord."""

from __future__ import annotations

import ast
import gzip
import html
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, cast

from index import snapshot
from index.decoding import decode_text, stream_encoding, utf16_encoding
from index.fieldvalues import file_links
from index.keyparts import field_by_parts
from index.labels import canonical_field, label_key, map_fields
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


def unpacked(raw: BinaryIO) -> BinaryIO:
    """A file opened for reading (at its start), through gzip where its first bytes say it is compressed."""
    compressed = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    return cast(BinaryIO, gzip.GzipFile(fileobj=raw)) if compressed else raw


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

    Objects under keys that name no field (``"tip": {"title": …, "filenum": …}``, ``"data": {"info": {"meta":
    {"title": …}}}``) are read as part of the record at any depth, nearer levels first: each level's keys fill
    only the fields the levels above it leave empty. The keys no label names are then read by their values
    (a text of sentences is the body, …), each level's too.

    A body that is a whole page — its saved source (``<!DOCTYPE html>…``), read as the HTML reader reads a page
    (:func:`index.readers.html.parse_html`), or its text dump (the navigation, date and 来源 lines and footer
    kept), read as the page text reader reads one (:func:`index.readers.text.page_dump_record`) — gives the page's
    body without its frame, and the fields the page shows (its date, 索引号 …) where the record's own keys give
    none. The files an HTML body links (``<a href="…pdf">附件1.….pdf</a>``) are the attachments of a record that
    lists none.

    A record of the portal's own snapshot (``portal export``: :func:`index.snapshot.is_record`) is read by its
    fields' own names (:func:`index.snapshot.input_fields`), nothing guessed: an export is ingested as it is; a
    document it holds withdrawn (已撤下) stays so, as a re-crawl's page found gone does
    (:func:`index.snapshot.withdrawal`).
    """
    if snapshot.is_record(item):
        fetched = item.get("fetched_at")
        return RawRecord(
            source=source,
            locator=locator,
            fields=snapshot.input_fields(item),
            fetched_at=fetched if isinstance(fetched, str) and fetched else None,
            attachment_root=Path(source).parent,
            fetch=snapshot.withdrawal(item),
        )
    return RawRecord(
        source=source,
        locator=locator,
        fields=_with_page_dump(mapping_fields(item), source, item),
        attachment_root=Path(source).parent,
    )


# What only a site's footer prints (the page text reader's own test, index.readers.text._FOOTER_MARK), looked for
# before anything is read again; and a text that is markup.
_FOOTER_MARKS = ("ICP备", "公网安备", "网站标识码", "版权所有", "主办单位", "承办单位")
_MARKUP = re.compile(r"^\s*(?:<|&lt;)[A-Za-z!]")
# A whole page's markup (a crawler's saved page source under ``html``, ``page_source``, ``content``): its doctype,
# its <html> or <head>, perhaps after an XML declaration or a comment.
_WHOLE_PAGE = re.compile(r"<(?:!doctype\s+html|html\b)", re.I)
_PAGE_HEAD = 4096  # where a page's doctype or <html> stands (after an XML declaration, a comment, a log line)
# A page's fragment: markup holding the 信息公开 label table (索引号：…, <td>发文字号</td>), three labels at least.
_TABLE_LABEL = re.compile(
    r"(索\s*引\s*号|发文字号|文\s*号|成文日期|发布日期|公开日期|发文机关|发布机构|主题分类|信息名称)\s*(?:[:：]|</)"
)
_TABLE_LABELS = 3


def _is_whole_page(text: str) -> bool:
    """Whether a text is a whole page's markup (its doctype or <html> near its start)."""
    head = text[:_PAGE_HEAD]
    return "<" in head and bool(_WHOLE_PAGE.search(head))


def _labels_in(markup: str) -> int:
    """How many different labels of a 信息公开 table a text's markup holds."""
    return len({re.sub(r"\s", "", label) for label in _TABLE_LABEL.findall(markup[:_TABLE_HEAD])})


_TABLE_HEAD = 20000  # a label table stands above the text


def _with_page_dump(fields: dict[str, Any], source: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a record whose body is a whole page, read from the page; of a record that keeps a page's
    saved source beside its body (Scrapy's ``html`` beside ``content``), filled from that page (see
    record_from_mapping)."""
    body = fields.get("body")
    if isinstance(body, str) and "attachments" not in fields and _MARKUP.match(body) and (files := file_links(body)):
        fields = {**fields, "attachments": files}  # the files the text's markup links, named by their link text
    if isinstance(body, list) and all(isinstance(line, str) for line in body):
        body = "\n".join(body)  # the dump's lines as Scrapy's getall() leaves them
    if not isinstance(body, str):
        body = ""
    from index import limits  # imported here: the page readers import this module

    page: RawRecord | None = None
    if body and (_is_whole_page(body) or (_MARKUP.match(body) and _labels_in(body) >= _TABLE_LABELS)):
        page = _parsed_page(body, source, fields)
    elif body and sum(mark in body for mark in _FOOTER_MARKS) >= 2:
        from index.htmltext import html_to_text
        from index.readers.text import page_dump_record, without_dump_frame

        if _MARKUP.match(body):  # the dump's lines as a crawler wrapped them, one paragraph each (escaped once more)
            body = html_to_text(html.unescape(body) if body.lstrip().startswith("&lt;") else body)
        page = page_dump_record(body, source, limits.current())
        if page is None and (framed := without_dump_frame(body)) != body:
            body = framed  # a page's last slice, cut mid-text above its footer: the record's keys give the rest
            fields = {**fields, "body": body}
    elif (
        body
        and not _MARKUP.match(body)
        and opens_with_page_head(text := html.unescape(body), _title_text(fields))
        and (heading := _under_heading(text, fields)).get("body") is fields.get("body")
    ):  # a head the heading reading leaves on (a date alone, a 来源 line over the text): the record's body kept as is
        from index.readers.text import page_dump_record

        page = page_dump_record(text, source, limits.current(), footer=False)
        if page is not None:  # what the heading over the text gives (its 索引号 …) fills what the head's reading lacks
            page = RawRecord(page.source, page.locator, {**page.fields, **heading, "body": page.fields.get("body", "")})
    elif saved := next(
        (value for value in map(held_value, item.values()) if isinstance(value, str) and _is_whole_page(value)), None
    ):
        page = _parsed_page(saved, source, fields)
        return fields if page is None else {**page.fields, **fields}  # the record's own keys win, its body too
    if page is None:
        return _under_heading(body, fields) if body else fields
    return {
        **page.fields,
        **{name: value for name, value in fields.items() if name != "body"},
        "body": page.fields.get("body", ""),
    }


def _title_text(fields: Mapping[str, Any]) -> str:
    """A record's title as the text it reads as, whatever shape the export gave it (a list, a link around it,
    search-highlight marks, entities): :func:`index.fieldvalues.field_value`'s rule, then
    :func:`index.normalise.clean_line`'s."""
    from index.fieldvalues import field_value
    from index.normalise import clean_line

    return clean_line(field_value("title", fields.get("title"))[0])


# A page head's lines, each of one kind: a date or time alone (2023年07月13日 15:00) or under a date label, the 来源
# line, the 索引号 line, the page tools (字体：, 【打印】). Looked for above the text's first sentence.
_HEAD_DATE_LABEL = re.compile(r"^[(（]?\s*(?:发布|公开|成文|制发|印发|生成)?(?:时间|日期)\s*[:：]")
_HEAD_SOURCE = re.compile(r"^[(（]?\s*(?:信息|文章)?来\s*源\s*[:：]")
_HEAD_INDEX = re.compile(r"^索\s*引\s*号\s*[:：]?")
_HEAD_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")  # 2023年07月13日 15:00
_HEAD_LINES = 40
_TITLE_CHARS = 6
_HEAD_MARKS = 2


def opens_with_page_head(body: str, title: str = "") -> bool:
    """Whether a text opens with the head of the page it was cut from: above its first sentence, the record's
    ``title`` printed on a line (the page's heading or its browser title, ``…的通知_价格管理``) and another of a page
    head's lines — a date alone, with its time or under a date label, a 来源 line, a 索引号 line, the page tools
    (字体, 打印). A RAG project's first chunk of a page (YushenSun/china-policy-intelligence-rag's chunk_text,
    JunFengXiang/electricity-policy-rag's 正文片段) is such a text without the footer a whole page's dump ends in,
    so the footer marks :func:`index.readers.text.page_dump_record` asks for are not there to tell it. A text whose
    lines never print the record's title (a news item under its own headline) is not read so."""
    from index.dates import parse_date
    from index.htmltext import is_page_tools

    wanted = re.sub(r"\s", "", title)
    kinds: set[str] = set()
    for line in body.split("\n", _HEAD_LINES)[:_HEAD_LINES]:
        text = line.strip()
        if not text:
            continue
        if text.endswith(("。", "：", ":")) and len(text) > 20 or len(text) > 80:
            break  # the text's first sentence, or its addressees' line
        if len(wanted) >= _TITLE_CHARS and wanted in re.sub(r"\s", "", text):
            kinds.add("title")
        elif _HEAD_DATE_LABEL.match(text) or parse_date(_HEAD_TIME.sub("", text), whole=True):
            kinds.add("date")
        elif _HEAD_SOURCE.match(text):
            kinds.add("source")
        elif _HEAD_INDEX.match(text):
            kinds.add("index_no")
        elif is_page_tools(text.strip("【】[]")):
            kinds.add("tools")
    return "title" in kinds and len(kinds) >= _HEAD_MARKS


def _under_heading(body: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of a record whose body (text, or markup a paragraph an element) is a page's text under the
    heading the page prints over it, read as :func:`index.readers.text.page_text_fields` reads one; ``fields``
    unchanged where the body opens with its own text."""
    from index.htmltext import html_to_text
    from index.readers.text import page_text_fields

    if not _MARKUP.match(body):
        return page_text_fields(body, fields)
    markup = html.unescape(body) if body.lstrip().startswith("&lt;") else body
    paragraphs = _TAG.sub("", _BLOCK_TAG.sub("\n", markup))
    return page_text_fields(html_to_text(markup), fields, signed_text=paragraphs)


# Where a signature is read from a body's markup: a block's tags bound its paragraphs, the rest (<em>, <span>, <a>)
# are read through.
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|tr|td|th|h[1-6]|table|section|article|pre)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _parsed_page(markup: str, source: str, fields: dict[str, Any]) -> RawRecord | None:
    """The record of a page's markup a record holds, read as the HTML reader reads the page; None where it is none."""
    from index import limits
    from index.readers.html import parse_html  # the HTML reader is heavy: only for a whole page

    try:
        return parse_html(
            markup.encode("utf-8"),
            source=source,
            url=str(fields.get("url") or ""),
            encoding="utf-8",
            profiles=limits.current().site_profiles,
        )
    except ReadError:
        return None


# How deep objects under unnamed keys are read into one record. Deeper than a record's fields are ever nested,
# and bounded, as the parser's own depth is (PORTAL_MAX_NESTING drops deeper values later).
_NESTED_LEVELS = 32


def mapping_fields(item: Mapping[str, Any], guess: bool = True) -> dict[str, Any]:
    """The canonical fields of one object and the objects nested in it under keys no label names, breadth first:
    a field found at a nearer level wins over one found deeper. With ``guess``, keys no label names are also
    read by their words and values (:func:`index.labels.map_fields`)."""
    fields: dict[str, Any] = {}
    level: list[Mapping[str, Any]] = [item]
    for _depth in range(_NESTED_LEVELS + 1):
        nested: list[Mapping[str, Any]] = []
        for obj in level:
            found, _unknown = map_fields(_pairs(obj), guess=guess)
            for name, value in found.items():
                fields.setdefault(name, value)
            nested.extend(_nested_objects(obj))
        if not nested:
            break
        level = nested
    return fields


def _pairs(item: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of an object, then those of the metadata lists it holds (:func:`named_values`); an
    object that is a record's part (:func:`_is_record_part`) or a store's own member (:func:`_store_member`) is no
    field's value, whatever its key; an object holding one value alone is that value (:func:`held_value`)."""
    yield from (
        (str(key), held_value(value))
        for key, value in item.items()
        if not _is_record_part(value) and not _store_member(str(key), value)
    )
    for key, value in item.items():
        if canonical_field(str(key)) is None and isinstance(value, list):
            yield from named_values(value, _NESTED_LEVELS)


def _nested_objects(item: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The objects an object holds under keys that name no field, and its parts under any key (an object holding
    one value alone is that value, no object: :func:`held_value`); a search hit's excerpts (:func:`_is_fragments`)
    none."""
    for key, value in item.items():
        if not isinstance(value, Mapping) or held_value(value) is not value or _is_fragments(str(key)):
            continue
        field = None if _store_member(str(key), value) else canonical_field(str(key))
        if (field is None or _is_record_part(value)) and field not in _PARTS_OF_A_RECORD:
            yield value


# The keys a search engine returns a hit's matched fragments under, beside the record itself: Elasticsearch's and
# OpenSearch's ``highlight`` (``{"title": ["<em>…</em>…"]}``, each fragment a cut piece of the field's value,
# https://www.elastic.co/guide/en/elasticsearch/reference/current/highlighting.html), Solr's ``highlighting``.
_FRAGMENT_KEYS = frozenset({"highlight", "highlights", "highlighting"})


def _is_fragments(key: str) -> bool:
    """Whether a key holds a search hit's highlighted fragments: pieces of the record's own values, never a value."""
    return key.lower().lstrip("_") in _FRAGMENT_KEYS


# The keys an object holds a field's value under when it holds nothing else: ``"title": {"value": "…"}``, as
# form-builder and low-code APIs give every field of a record.
_HELD_VALUE_KEYS = frozenset({"value", "val", "fieldvalue"})
# MongoDB Extended JSON's wrappers of a BSON value (mongoexport: ``{"$date": "2021-01-20T04:00:00Z"}``, ``{"$date":
# {"$numberLong": "1611115200000"}}``, ``{"$oid": "…"}``), with the type a wrapped number's text is read as.
_EXTENDED_JSON = {"$date": None, "$oid": None, "$numberlong": int, "$numberint": int, "$numberdouble": float}


def held_value(value: object) -> object:
    """The value an object holds alone under a value key (``{"value": "…"}`` → ``"…"``) or as MongoDB Extended JSON
    (``{"$date": …}``, ``{"$numberLong": "…"}`` → the number), read by every rule as the field's own value (the
    body as a page's text, a date as a date, an unnamed key by its value's shape); any other value as it is."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((key, inner),) = value.items()
    key = str(key).lower()
    if key in _EXTENDED_JSON:
        inner = held_value(inner)
        number = _EXTENDED_JSON[key]
        if number is not None and isinstance(inner, str):
            try:
                return number(inner)
            except ValueError:
                return inner
        return inner if inner is None or isinstance(inner, str | int | float) else value
    if label_key(key) in _HELD_VALUE_KEYS and (inner is None or isinstance(inner, str | int | float | list)):
        return inner
    return value


def _store_member(key: str, value: object) -> bool:
    """Whether an object sits under a key a store gives its own members, marked by a leading underscore
    (Elasticsearch's ``_source``, MongoDB's ``_id``): it is never a field's value, though ``source`` names one."""
    return key.startswith("_") and isinstance(value, Mapping)


def _is_record_part(value: object) -> bool:
    """Whether an object holds part of a record rather than one named value: its keys name three or more
    different fields (Elasticsearch's ``"_source": {"title": …, "url": …, "inputtime": …, "category": …}``, whose
    key reads as ``source``), where a named value has a name and an id or a code (``{"id": 7, "name": …}``)."""
    if not isinstance(value, Mapping):
        return False
    return len({field for key in value if (field := canonical_field(str(key))) and field != "id"}) >= 3


# The keys a metadata entry names its field by, and holds its value under.
_ENTRY_NAMES = ("name", "label", "key", "fieldname", "field", "cname")
_ENTRY_VALUES = ("value", "val", "fieldvalue")


def named_values(items: list[Any], levels: int) -> Iterator[tuple[str, Any]]:
    """(name, value) pairs of a list of metadata entries, each an object naming a field and holding its value
    (``[{"key": "writtendate", "name": "成文日期", "value": "2026-09-01"}, …]``, as 国家税务总局's 法规库
    API gives a document's metadata in ``domainMetaList[].resultList``). Every name an entry gives is
    offered, so whichever is a known label maps it. A list of objects that are not all such entries gives
    nothing here (it is a record's list, or the file's records); lists of such lists are read through, but not the
    lists of an object with a field of its own (a record in a list of records: its entries are its own)."""
    objects = [item for item in items if isinstance(item, Mapping)]
    if not objects or len(objects) != len(items):
        return
    entries = _entries(items)
    if entries:
        for names, value in entries:
            yield from ((name, value) for name in names)
    elif levels:
        for item in objects:
            if any(canonical_field(str(key)) for key in item):
                continue  # a record of its own (a list of records beside a caption): its metadata is its own
            for key, value in item.items():
                if isinstance(value, list) and canonical_field(str(key)) is None:
                    yield from named_values(value, levels - 1)


def _entries(items: list[Any]) -> list[tuple[list[str], Any]] | None:
    """The (names, value) of each item of a list of metadata entries, or None if it is not one: every item
    is an entry and at least one names a known label."""
    entries = [_entry(item) if isinstance(item, Mapping) else None for item in items]
    if not entries or not all(entries):
        return None
    named = any(canonical_field(name) for names, _ in entries for name in names)  # type: ignore[misc]
    return entries if named else None  # type: ignore[return-value]


def _entry_groups(items: list[Any]) -> bool:
    """Whether a list's objects are groups of metadata entries, each a caption and its list of entries
    (``"domainMetaList": [{"domainMetadataName": "政策文件信息", "resultList": [{"name": "发文字号", …}]}]``): each
    holds a list of entries (:func:`_entries`) or an empty one, one at least holds entries, and no key of a group's
    own names a field."""
    objects = [item for item in items if isinstance(item, Mapping)]
    lists = [[value for value in item.values() if isinstance(value, list)] for item in objects]
    return (
        bool(objects)
        and len(objects) == len(items)
        and all(any(not value or _entries(value) for value in held) for held in lists)
        and any(_entries(value) for held in lists for value in held)
        and not any(canonical_field(str(key)) for item in objects for key in item)
    )


def _entry(item: Mapping[str, Any]) -> tuple[list[str], Any] | None:
    """The names and value of one metadata entry, or None if the object is not one."""
    keys = {label_key(str(key)): key for key in item}
    value_key = next((keys[k] for k in _ENTRY_VALUES if k in keys), None)
    names = [str(item[keys[k]]) for k in _ENTRY_NAMES if k in keys and isinstance(item[keys[k]], str)]
    if value_key is None or not names or len(item) > len(names) + 3:
        return None
    value = item[value_key]
    return (names, value) if value is None or isinstance(value, str | int | float) else None


def documents_in(data: object, max_nesting: int) -> list[object] | None:
    """The records a parsed JSON value holds: an array as it is; an object that is a document (it has a
    title or a body under a known key) as itself; else the list of documents found at any depth of an API
    response (``page.content``, ``data.records``, ``data.list``, ``result.items``), the one holding the most
    documents where there are several (a response's list of links or facets is not its records; two lists
    holding as many are ambiguous: None), with the lists of the same kind beside it (records split by a class,
    ``data.centralPolicies`` and ``data.localPolicies``: :func:`_sibling_lists`), looked for at most ``max_nesting``
    levels deep (PORTAL_MAX_NESTING). A title alone over such records is their caption, not a document.
    An object with no such list but some known field is one document (rejected, with its reason, for want of a
    title). None when there is neither.
    """
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if (rows := table_rows(data)) is not None:
        return rows
    # Whether the object itself is a document is asked of its labels alone: a response's own message or query
    # is no title or body by its shape, while a record in its list may be one.
    if holds_document(map_fields(_pairs(data))[0]):
        return [data]  # a document by its own keys: its lists are its parts
    if members := _keyed_records(data):
        return members
    # Lists are weighed by the documents their labels show; by what their values show only where none shows any
    # (a record of unknown keys), so a record's own list of parts never outweighs the records by its values.
    lists = list(_lists(data, max_nesting))
    counted = _weighed(lists, guess=False) or _weighed(lists, guess=True)
    nested = mapping_fields(data, guess=False)
    # A title with nothing else beside a list of records that give more is the list's caption (``"title": "政策发布"``
    # over ``[{"title": …, "publisher": …, "time": …}]``), no document; beside a list of tags it is the document's.
    caption = bool(counted) and set(nested) <= _CAPTION_FIELDS and _more_than_captions(counted[0][1])
    nested_document = holds_document(nested) and not caption
    if counted and (counted[0][0] >= 2 or not nested_document):
        # A response's records, though an object beside them names something (``"channel": {"name": …}``), with
        # the records split over lists side by side (``"centralPolicies": […], "localPolicies": […]``).
        if len(group := _sibling_lists(data, counted, max_nesting)) > 1:
            return [item for part in group for item in part]
        # The records split by a class one level further out: each class an object holding its list under one key
        # (``catMap.gongwen.listVO``, ``catMap.bumenfile.listVO``; ``data[].children`` of a tree of columns).
        if len(group := _cousin_lists(data, counted, max_nesting)) > 1:
            return [item for part in group for item in part]
        # Two lists holding as many documents of different kinds: which is the records is unclear, so neither is
        # guessed.
        if len(counted) == 1 or counted[0][0] > counted[1][0]:
            return counted[0][1]
        if not nested_document:
            return None
    if nested_document:
        return [data]  # a document whose title or body is nested (``{"data": {"info": {"title": …}}}``)
    if record_from_mapping(data, "", "").fields:
        return [data]
    # No document anywhere: the one list of objects, whose records are then rejected each with a reason.
    lists = [value for value in data.values() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None


_SPLIT_KEYS = frozenset({"columns", "index", "data"})


def table_rows(data: dict[str, Any]) -> list[object] | None:
    """The rows of a table an object holds by its columns, as pandas writes a DataFrame (``DataFrame.to_json``),
    each row an object of its columns: orient ``split`` (``{"columns": ["标题", …], "index": [0, …], "data": [["…",
    …], …]}``) and ``columns``, its default (``{"标题": {"0": "…", "1": "…"}, "url": {"0": "…", …}}``: two columns
    at least, each an object of the same row numbers, a row at least holding a document). None for any other
    object (a table by rows, ``{"0": {"标题": …}, …}``, is records by key: :func:`_keyed_records`)."""
    columns, rows = data.get("columns"), data.get("data")
    if set(data) <= _SPLIT_KEYS and isinstance(columns, list) and isinstance(rows, list) and rows:
        names = [str(name) for name in columns]
        if all(isinstance(row, list) and len(row) == len(names) for row in rows):
            return [dict(zip(names, row, strict=True)) for row in rows]
        return None
    if len(data) < 2 or not all(isinstance(column, dict) and column for column in data.values()):
        return None
    labels = {tuple(map(str, column)) for column in data.values()}
    if len(labels) != 1:
        return None
    row_labels = next(iter(labels))
    if not all(label.isdigit() for label in row_labels):
        return None
    by_label = [{str(key): value for key, value in column.items()} for column in data.values()]
    names = [str(name) for name in data]
    table: list[object] = [
        {name: column[label] for name, column in zip(names, by_label, strict=True)} for label in row_labels
    ]
    return table if any(isinstance(row, dict) and _is_document(row) for row in table) else None


# The fields a list's caption gives beside it: a name and an id or an address, never a text or a date.
_CAPTION_FIELDS = frozenset({"title", "id", "url", "column", "site"})


def _more_than_captions(items: list[object]) -> bool:
    """Whether a list's objects give more than a caption's fields (a text, a date, a publisher …), by their labels
    or by their keys' words (``createDate``, ``publishDepartment``: a search API's records, no captions)."""
    return any(set(mapping_fields(item, guess=True)) - _CAPTION_FIELDS for item in items if isinstance(item, dict))


def _sibling_lists(data: object, counted: list[tuple[int, list[object]]], depth: int) -> list[list[object]]:
    """The lists of records side by side with the one holding the most documents, in the object that holds it, in
    document order: every list of that object holding documents of the same kind (:func:`_kind`: one response's
    records split by a class, ``{"centralPolicies": [{"title": …}, …], "localPolicies": [{"title": …}, …]}``; a list
    of facets names its entries by another key). Just that list where no other is of its kind, or where it is not
    found ``depth`` levels down."""
    records = counted[0][1]
    kind = _kind(records)
    parent = _holder(data, records, depth)
    if parent is None or not kind:
        return [records]
    documents = [candidate for _count, candidate in counted]
    return [
        value
        for key, value in parent.items()
        if any(value is candidate for candidate in documents)
        and canonical_field(str(key)) not in _PARTS_OF_A_RECORD
        and _kind(value) == kind
        and (value is records or _more_than_captions(value))  # a side list of bare titles (热点) is no records
    ]


def _cousin_lists(data: object, counted: list[tuple[int, list[object]]], depth: int) -> list[list[object]]:
    """The lists of records parallel to the one holding the most documents, in document order: the lists of the
    same kind (:func:`_kind`) its holder's siblings hold under the same key, where the holder is one class of a
    response's records (``{"catMap": {"gongwen": {"listVO": […]}, "bumenfile": {"listVO": […]}}}``, gov.cn's
    政策文件库; ``{"data": [{"name": "国务院文件", "children": […]}, {"name": "部门文件", "children": […]}]}``, a
    tree of columns). Just that list where no sibling holds one."""
    records = counted[0][1]
    kind = _kind(records)
    parent = _holder(data, records, depth)
    grand = _container(data, parent, depth) if parent is not None else None
    if parent is None or grand is None or not kind:
        return [records]
    key = next(key for key, value in parent.items() if value is records)
    siblings = grand.values() if isinstance(grand, dict) else grand
    lists = [sibling.get(key) for sibling in siblings if isinstance(sibling, dict)]
    # Records of a title and a link only (a list page's items) are records here as they are in the one list: a
    # sibling list of that kind under the same key is more of them, not a caption.
    captions_only = not _more_than_captions(records)
    return [
        value
        for value in lists
        if isinstance(value, list)
        and (value is records or (_kind(value) == kind and (captions_only or _more_than_captions(value))))
    ]


def _container(value: object, wanted: object, depth: int) -> dict | list | None:
    """The object or list holding ``wanted`` (that very value) as one of its members, at most ``depth`` levels down."""
    if depth <= 0:
        return None
    children = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
    if any(child is wanted for child in children):
        return value  # type: ignore[return-value]
    for child in children:
        if isinstance(child, dict | list) and (found := _container(child, wanted, depth - 1)) is not None:
            return found
    return None


def _kind(items: list[object]) -> frozenset[str]:
    """What makes a list's objects one kind of record: the keys they give their title under (``title``, ``BT``,
    ``标题``, or a key read by its words: ``infoTitle``); where no key names a title (it is read by its value), the
    keys every object has alike."""
    objects = [item for item in items if isinstance(item, dict)]
    titles = frozenset(str(key) for item in objects for key in item if _title_key(str(key)))
    shapes = {frozenset(map(str, item)) for item in objects}
    return titles or (next(iter(shapes)) if len(shapes) == 1 and len(objects) == len(items) else frozenset())


def _title_key(key: str) -> bool:
    """Whether a key names a title: by the label table, or, where the table holds no such label, by its words."""
    field = canonical_field(key)
    return field == "title" or (field is None and field_by_parts(key) == "title")


def _holder(value: object, wanted: list[object], depth: int) -> dict | None:
    """The object holding the list ``wanted`` (that very list) as one of its values, at most ``depth`` levels down."""
    if depth <= 0:
        return None
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    if isinstance(value, dict) and any(child is wanted for child in children):
        return value
    for child in children:
        if isinstance(child, dict | list) and (found := _holder(child, wanted, depth - 1)) is not None:
            return found
    return None


def _weighed(lists: list[list[object]], guess: bool) -> list[tuple[int, list[object]]]:
    """(documents held, list) for each list holding any, most first. An object that is the caption of a list of
    records it holds (``{"id": 1, "name": "国务院文件", "children": [{"title": …, "pubDate": …}, …]}``), or of an
    empty list under the key its neighbours hold records under, is no document: its records are."""
    counted = []
    for candidate in lists:
        objects = [item for item in candidate if isinstance(item, dict)]
        keys = {key for item in objects for key in _record_list_keys(item, guess)}
        documents = sum(
            1
            for item in objects
            if _is_document(item, guess)
            and not (keys and _captions_only(item, guess) and any(isinstance(item.get(key), list) for key in keys))
        )
        counted.append((documents, candidate))
    return sorted((pair for pair in counted if pair[0]), key=lambda pair: -pair[0])


def _captions_only(item: dict, guess: bool) -> bool:
    return set(mapping_fields(item, guess=guess)) <= _CAPTION_FIELDS


def _record_list_keys(item: dict, guess: bool) -> list[str]:
    """The keys an object that gives only a caption's fields (:data:`_CAPTION_FIELDS`) holds a list of records
    under, records that give more than a caption; none for any other object."""
    if not _captions_only(item, guess):
        return []
    return [
        key
        for key, value in item.items()
        if isinstance(value, list)
        and canonical_field(str(key)) not in _PARTS_OF_A_RECORD
        and any(isinstance(member, dict) and _is_document(member) for member in value)  # by labels or values
        and _more_than_captions(value)
    ]


def _keyed_records(data: dict) -> list[object] | None:
    """The records of an object that holds them by key (``{"doc_1": {…}, "doc_2": {…}}``, a crawler's dump
    keyed by id or URL; a table's rows keyed by their number, as pandas writes them with orient ``index``): its
    values, when its own keys give no title or body, no key is a label, there are two or more, and every value that
    is an object has a title (rows keyed by number and of one shape: some have one). Else None."""
    own, _unknown = map_fields((str(key), value) for key, value in data.items() if not isinstance(value, dict))
    if holds_document(own):
        return None
    members = {str(key): value for key, value in data.items() if isinstance(value, dict)}
    if len(members) < 2 or any(canonical_field(key) for key in members):
        return None  # a record's own parts ({"body": {…}, "attachment": {…}}) are no records
    titled = [record_from_mapping(member, "", "").fields.get("title") for member in members.values()]
    has_title = [_has_text(title) for title in titled]  # a list of texts too (Scrapy's .getall())
    # Every member titled; or rows of one table keyed by their number (pandas' orient ``index``: ``{"0": {"文件": …},
    # "1": {…}}``), all of one shape, some titled (a title read by its value may miss in a row).
    rows = (
        all(key.isdigit() for key in members) and len({frozenset(map(str, member)) for member in members.values()}) == 1
    )
    return list(members.values()) if all(has_title) or (rows and any(has_title)) else None


def _is_document(item: dict, guess: bool = True) -> bool:
    """Whether an object holds a document: a title or a body as text under a key index.labels knows (with
    ``guess``, also under a key read by its words, or a value read by its shape)."""
    return holds_document(mapping_fields(item, guess=guess))


def holds_document(fields: dict[str, Any]) -> bool:
    """Whether a record's mapped fields hold a title or a body as text (or as a list of texts: Scrapy's
    ``.getall()``)."""
    return any(_has_text(fields.get(name)) for name in ("title", "body"))


def _has_text(value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(item, str) and item.strip() for item in value)
    return isinstance(value, str) and bool(value.strip())


# A record's own lists of objects (its attachments, its related links) are never the file's records.
_PARTS_OF_A_RECORD = frozenset({"attachments", "related"})


def _lists(value: object, depth: int) -> Iterator[list[object]]:
    """Every list of objects inside ``value`` (depth-first, in document order), at most ``depth`` levels down,
    but those under a key naming a record's attachments or related links."""
    if depth <= 0:
        return
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value) and not _entries(value) and not _entry_groups(value):
            yield value  # a list of metadata entries, or of groups of them, is one record's fields, never the records
        children = value
    elif isinstance(value, dict):
        children = [child for key, child in value.items() if canonical_field(str(key)) not in _PARTS_OF_A_RECORD]
    else:
        return
    for child in children:
        if isinstance(child, dict | list):
            yield from _lists(child, depth - 1)


def embedded_json(value: object, depth: int) -> object:
    """A parsed JSON value with the JSON its strings hold read as JSON, at most ``depth`` levels down: an ASP.NET
    web service answers ``{"d": "[{\\"Title\\": …}]"}`` (its return value serialised once more, as ASMX pages do),
    other APIs ``{"code": 0, "data": "{\\"list\\": […]}"}``. Only strings that are wholly a JSON object or array
    are read, and only under keys that name no field (a body or an attachment list keeps its text)."""
    if depth <= 0:
        return value
    if isinstance(value, str):
        parsed = _json_text(value)
        return value if parsed is None else embedded_json(parsed, depth - 1)
    if isinstance(value, dict):
        return {
            key: embedded_json(item, depth - 1) if canonical_field(str(key)) is None else item
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [embedded_json(item, depth - 1) for item in value]
    return value


def _json_text(text: str) -> object | None:
    """The object or array a string holds as JSON text, or None."""
    stripped = text.strip()
    if len(stripped) < 2 or (stripped[0], stripped[-1]) not in (("{", "}"), ("[", "]")):
        return None
    try:
        parsed = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict | list) and parsed else None


# A crawler that wrote ``str(item)`` rather than JSON: Python's repr of a dict or a list of dicts, its keys in
# single quotes (xlwzz/policy_crawl spiders/tax/all/a.txt: ``{'DFWJ_YXX': '全文有效', 'DFWJ_BT': …}``).
PYTHON_LITERAL = re.compile(r"\s*(?:\[\s*)?\{\s*'")


def python_literal(text: str) -> object:
    """The value a Python literal dump holds (``ast.literal_eval``: literals only, no code is run).

    Raises ValueError for text that is no literal, or nested too deep to parse.
    """
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError) as exc:
        raise ValueError(str(exc)) from exc
    except RecursionError as exc:
        raise ValueError("nested too deep to parse (thousands of levels)") from exc
