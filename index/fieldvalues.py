"""Raw values → the text each field means: one rule for whatever a source puts where a field expects text.

JSON exports hold lists, objects, numbers and booleans where a field expects a string (``"title": ["甲", "乙"]``,
``"正文": {"p": [...]}``, ``"发布机构": 3.5``). :func:`field_values` gives every raw field the shape
:mod:`index.normalise` reads, before any other rule sees it, with a finding naming the field for whatever
it could not take as written:

- a string is taken as it is, unless it is wholly a list of strings written out (``['财政', '预算']``, as pandas
  writes a list column to CSV, or JSON text), which is read as that list;
- a number is taken where numbers are plausible (an id, a 索引号, a date: a year, ``YYYYMMDD`` or a Unix
  timestamp, read by :mod:`index.dates`; gkmlpt's 0/1 flags); elsewhere it is not used (``not_text``);
- a boolean is never text: it answers the yes/no fields (有效性, is_expired, is_abolished) as 是/否 and is
  not used elsewhere (``not_text``);
- a list of strings is joined the way the field means it (:data:`SHAPES`): several publishers (joint
  issuers), keywords, paragraphs of the body and summary, the dimensions of a classification; a field that
  holds one value (title, 文号, 索引号, 有效性, dates …) keeps the first, with ``several_values`` when the
  others differ;
- an object naming a value (``{"id": 7, "name": "北京市人民政府"}``: a string under ``name``, ``value``,
  ``text``, ``title`` …, :data:`NAME_KEYS`), or a list of such objects, reads as that name or those names;
- a date field's java.util.Date object (``{"time": 1453096277000, "year": 116, "month": 0, "date": 18, …}``,
  as json-lib serialises it) reads as its ``time``, a timestamp in milliseconds;
- any other object, or a list holding lists or objects, is ``structured_value``: the body and summary keep its
  strings in order, one paragraph each; any other field is left empty (a title or a 文号 cannot be guessed
  from a structure).

Attachments and related links keep their own shape (a string, or a list of strings or objects, read by
:func:`index.normalise.attachments_of`); the text an item's keys hold goes by the same rule.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from typing import Any

from index.labels import table_row_value, without_own_label
from index.record import Finding

# How a field reads a list of strings. Fields not listed hold one value.
SHAPES: dict[str, str] = {
    "publisher": "publishers",
    "keywords": "keywords",
    "body": "paragraphs",
    "summary": "paragraphs",
    "category": "dimensions",
    "attachments": "links",
    "related": "links",
}
# Fields a number is plausible in; the dates keep it a number, for index.dates to read a timestamp.
NUMBER_FIELDS = frozenset({"id", "index_no", "pub_date", "written_date", "expired", "abolished", "validity"})
DATE_FIELDS = frozenset({"pub_date", "written_date"})
YES_NO_FIELDS = frozenset({"validity", "expired", "abolished"})
# The keys of an attachment or related-link object whose values are text (see index.normalise.attachments_of).
LINK_TEXT_KEYS = frozenset({"name", "title", "url", "href", "path", "kind"})

_JOIN = {"publishers": "、", "paragraphs": "\n", "dimensions": "/"}


def field_values(fields: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Every raw field in the shape the normaliser reads, and a finding for each value not taken as written.

    A string for most fields; a list of strings for keywords; for attachments and related, a string or a
    list of strings and objects. Numbers stay numbers for the dates (timestamps).
    """
    values: dict[str, Any] = {}
    findings: list[Finding] = []
    for name, value in fields.items():
        value, found = field_value(name, value)
        findings += found
        if value not in ("", [], None):
            values[name] = value
    return values, findings


def field_value(name: str, value: Any) -> tuple[Any, list[Finding]]:
    """One raw field's value in its shape (see the module's rule), with its findings."""
    shape = SHAPES.get(name, "one")
    if isinstance(value, str) and (listed := _list_literal(value)) is not None:
        value = listed  # a list a CSV writer wrote as its repr (pandas: ['财政', '预算']), or as JSON text
    if shape == "links":
        return _links(name, value)
    if value is None or isinstance(value, str):
        return value or "", []
    if _is_scalar(value):
        return _scalar(name, value)
    if name in DATE_FIELDS and isinstance(value, dict) and (moment := _java_date(value)) is not None:
        return moment, []
    if isinstance(value, dict) and (entry := table_row_value(value)) is not None:
        # A row of the page's label table: its value, not its label, and read as a plain value is (its own
        # label kept in front, 来源：国务院办公厅, is no part of it).
        return field_value(name, without_own_label(entry, name))
    if shape != "paragraphs" and isinstance(value, dict) and (named := _named_text(value)) is not None:
        return _scalar(name, named)
    if isinstance(value, list | tuple) and all(item is None or _is_scalar(item) for item in value):
        return _joined(name, shape, value)
    if shape != "paragraphs" and value and all(isinstance(item, dict) and _named_text(item) for item in value):
        return _joined(name, shape, [_named_text(item) for item in value])
    if shape == "paragraphs":
        text = "\n".join(leaf for leaf in _leaves(value) if isinstance(leaf, str) and leaf.strip())
        return text, [_structured(name, value, "its text is taken, one paragraph per string")]
    return "", [_structured(name, value, "not used")]


_LIST_LITERAL = re.compile(r"^\s*\[\s*(?:['\"].*['\"]\s*)?\]\s*$", re.S)


def _list_literal(text: str) -> list[str] | None:
    """The strings a text holds when it is wholly a list of strings written out (``['财政', '预算']``, Python's
    repr as pandas writes a list column to CSV; ``["a.pdf", "b.doc"]``, JSON); else None. Only literals are read
    (json, then ast.literal_eval): no code is run."""
    if not _LIST_LITERAL.match(text):
        return None
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
    return None


# The keys an object names a value by (``"publisher": {"name": "北京市人民政府", "code": "…"}``).
NAME_KEYS = ("name", "cname", "mc", "text", "value", "title", "label")


def _named_text(value: dict[str, Any]) -> str | None:
    """The text an object holds as its name: the first non-empty string under one of :data:`NAME_KEYS`
    (compared case-insensitively, ``_`` ignored), else None. An object nested one level in an export
    (``"publisher": {"id": 7, "name": "…"}``) means its name."""
    keys = {str(key).replace("_", "").lower(): key for key in value}
    for wanted in NAME_KEYS:
        if wanted in keys:
            text = value[keys[wanted]]
            if isinstance(text, str) and text.strip():
                return text
    return None


# A java.util.Date as json-lib and old Struts APIs serialise it (``"publishTime": {"date": 18, "day": 1, "hours":
# 13, "month": 0, "time": 1453096277000, "timezoneOffset": -480, "year": 116}``): ``time`` is the moment in
# milliseconds since the epoch, the other keys its parts (``year`` counts from 1900).
_JAVA_DATE_PARTS = frozenset({"year", "month", "date"})


def _java_date(value: dict[str, Any]) -> int | None:
    """The epoch milliseconds a serialised java.util.Date holds, or None if the object is no such date."""
    moment = value.get("time")
    if isinstance(moment, int) and not isinstance(moment, bool) and _JAVA_DATE_PARTS <= value.keys():
        return moment
    return None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float)  # bool is an int


def _scalar(name: str, value: Any) -> tuple[Any, list[Finding]]:
    """A string, number or boolean standing alone (or in a flat list) as the field's value."""
    if isinstance(value, str):
        return value, []
    if isinstance(value, bool):
        if name in YES_NO_FIELDS:
            return ("是" if value else "否"), []
        return "", [_not_text(name, value)]
    if name not in NUMBER_FIELDS:
        return "", [_not_text(name, value)]
    if name in DATE_FIELDS:
        return value, []
    return (str(int(value)) if isinstance(value, int) or value.is_integer() else repr(value)), []


def _joined(name: str, shape: str, items: list[Any] | tuple[Any, ...]) -> tuple[Any, list[Finding]]:
    """A flat list of strings, numbers and booleans as one value of the field."""
    findings: list[Finding] = []
    values = []
    for item in items:
        if item is None:
            continue
        value, found = _scalar(name, item)
        findings += found
        if value != "" and (not isinstance(value, str) or value.strip()):
            values.append(value)
    if shape == "keywords":
        return [str(value) for value in values], findings
    if shape in _JOIN:
        return _JOIN[shape].join(str(value) for value in values), findings
    distinct = list(dict.fromkeys(str(value).strip() for value in values))
    if len(distinct) > 1:
        findings.append(
            Finding(
                "several_values",
                name,
                f"此字段有多个不同的值，取第一个（{len(distinct)} values {distinct[:3]!r}; the first is kept）",
            )
        )
    return (values[0] if values else ""), findings


def _links(name: str, value: Any) -> tuple[Any, list[Finding]]:
    """Attachments or related links: a string as it is (markup as its links, :func:`_unmarked`), an object as a
    list of one (an object of names to addresses as its pairs); each item a string (markup as its links), an
    object whose text keys hold text, or a name and an address as a pair; anything else is not used."""
    if isinstance(value, str) and _MARKUP.search(value):
        value = _unmarked(value)
    if value is None or isinstance(value, str):
        return value or "", []
    if isinstance(value, dict) and (named := _named_addresses(value)):
        value = named
    items = [value] if isinstance(value, dict) else value if isinstance(value, list | tuple) else None
    if items is None:
        return [], [_not_text(name, value)]
    kept: list[Any] = []
    findings: list[Finding] = []
    for item in items:
        if isinstance(item, list | tuple) and (pair := _name_and_address(item)):
            item = pair
        if isinstance(item, str) and _MARKUP.search(item):
            kept += _unmarked(item)
        elif isinstance(item, str):
            kept.append(item)
        elif isinstance(item, dict):
            link = {}
            for key, part in _link_keys(item).items():
                if key in LINK_TEXT_KEYS or key == "text":
                    part, found = field_value("body" if key == "text" else "title", part)
                    findings += [Finding(f.code, name, f"{key}: {f.message}") for f in found]
                link[key] = part
            if isinstance(link.get("name"), str) and _MARKUP.search(link["name"]):  # {"name": "<a …>附件</a>"}
                shown = _unmarked(link["name"]) or [{"name": "", "url": ""}]
                link["name"], link["url"] = shown[0]["name"], link.get("url") or shown[0]["url"]
            kept.append(link)
        elif item is not None:
            findings.append(_not_text(name, item) if _is_scalar(item) else _structured(name, item, "not used"))
    return kept, list(dict.fromkeys(findings))


# An address: a URL, a path, or a file name of ASCII (P020240102.pdf), as exports give an attachment's location.
_ADDRESS = re.compile(r"^\s*(?:https?://|/|\.{1,2}/|[A-Za-z0-9_\-./]+\.[A-Za-z0-9]{2,5}\s*$)")
# A tag, closed or cut off: the value is markup (a crawler's copy of the page's attachment list,
# ``<a href="./P0201.pdf">附件1：名单.pdf</a>``, or a CMS's script link ``<a href='javascript:x'>附件</a>``).
_MARKUP = re.compile(r"</?[a-zA-Z]")


def _unmarked(text: str) -> list[dict[str, str]]:
    """The links of a value written as markup, each named by its shown text with the address its ``href``,
    ``data-*`` or ``onclick`` holds ("" where none), as a page's are (:func:`index.htmltext.markup_links`)."""
    from index.htmltext import markup_links

    return markup_links(text)


def file_links(markup: str) -> list[dict[str, str]]:
    """The links to files in a text's markup (``<a href="./P020210203.pdf">附件1.某某办法.pdf</a>``), each as its shown
    name and address: an anchor whose address or shown name ends in an attachment's extension (index.htmltext)."""
    from index.htmltext import ATTACHMENT_KINDS, kind_of  # imported here: htmltext is heavy

    return [
        link
        for link in _unmarked(markup)
        if kind_of(link["url"]) in ATTACHMENT_KINDS or kind_of(link["name"]) in ATTACHMENT_KINDS
    ]


def _named_addresses(item: dict[str, Any]) -> list[dict[str, str]]:
    """An object mapping each attachment's name to its address (``{"附件1.pdf": "http://…/a.pdf"}``) as its pairs;
    [] for an attachment object of its own (its keys name its parts: ``name``, ``url``, ``fileName`` …)."""
    if not item or any(str(key).replace("_", "").lower() in LINK_TEXT_KEYS for key in item):
        return []
    if not all(isinstance(part, str) and _ADDRESS.match(part) for part in item.values()):
        return []
    if any(_ADDRESS.match(str(key)) and not re.search(r"[\u4e00-\u9fff]", str(key)) for key in item):
        return []  # keys that are addresses themselves: no names
    return [{"name": str(key), "url": part} for key, part in item.items()]


def _name_and_address(item: list[Any] | tuple[Any, ...]) -> dict[str, str] | None:
    """A pair of a name and an address (``["附件1.pdf", "http://…/a.pdf"]``, either order) as a link; else None."""
    if len(item) != 2 or not all(isinstance(part, str) for part in item):
        return None
    first, second = (str(part) for part in item)
    if _ADDRESS.match(second) and not _ADDRESS.match(first):
        return {"name": first, "url": second}
    if _ADDRESS.match(first) and not _ADDRESS.match(second):
        return {"name": second, "url": first}
    return None


# How exports name an attachment's parts (fileName/fileUrl, appendixName/appendixUrl, APPDESC/APPFILE,
# attachName/attachPath, fjmc/fjdz): by the end of the key, once the canonical key is absent.
_LINK_KEY_ENDINGS = (
    ("name", ("name", "title", "desc", "mc", "filename")),
    ("url", ("url", "href", "link", "dz", "lj", "src", "file")),  # dz: 地址, lj: 链接 (fjdz, fjlj)
    ("path", ("path",)),
)


def _link_keys(item: dict[str, Any]) -> dict[str, Any]:
    """An attachment or link object with its parts under the canonical keys (``name``, ``url``, ``path``)
    where it spells them otherwise (``{"appendixName": …, "appendixUrl": …}``); the canonical keys it has
    win, and the other keys stay as they are."""
    linked = dict(item)
    for canonical, endings in _LINK_KEY_ENDINGS:
        if canonical in item:
            continue
        for key, part in item.items():
            plain = str(key).replace("_", "").replace("-", "").lower()
            if plain not in LINK_TEXT_KEYS and plain.endswith(endings) and isinstance(part, str) and part.strip():
                linked[canonical] = part
                break
    return linked


def _leaves(value: Any) -> Iterator[Any]:
    """The scalars inside a list or object, in document order."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return "a nested list"


def _not_text(name: str, value: Any) -> Finding:
    return Finding(
        "not_text",
        name,
        f"此字段的值不是文字，未采用（{_kind(value)} where text is expected: {value!r}; not used）",
    )


def _structured(name: str, value: Any, outcome: str) -> Finding:
    taken = "已取其中的文字" if outcome.startswith("its text") else "未采用"
    return Finding(
        "structured_value",
        name,
        f"此字段的值是嵌套结构，{taken}（{_kind(value)} where text is expected; {outcome}）",
    )
