"""The data types that travel along documents → parse → normalise → index.

A reader yields :class:`RawRecord` (labels already mapped to canonical field names,
values still as the source wrote them), or a :class:`ReadError` for a record it cannot read;
:mod:`index.normalise` turns each record into a
:class:`Document`, the one shape the index and the portal know.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from index.decoding import file_name

# Canonical field names of a raw record, in the order a disclosure page shows them.
# ``category`` is a combined value still to be split; the three ``category_*``
# fields are used when a source names the dimension (主题分类, 体裁分类, 组配分类).
# Canonical field name → its label on a disclosure page.
FIELD_LABELS: dict[str, str] = {
    "title": "标题",
    "index_no": "索引号",
    "category": "分类",
    "category_scheme": "组配分类",
    "category_topic": "主题分类",
    "category_genre": "体裁分类",
    "publisher": "发布机构",
    "pub_date": "公开日期",
    "written_date": "成文日期",
    "doc_no": "文号",
    "keywords": "关键词",
    "validity": "有效性",
    "disclosure": "公开方式",
    "summary": "内容概述",
    "body": "正文",
    "attachments": "附件",
    "related": "相关信息",
    "url": "原文地址",
    "site": "网站",
    "column": "栏目",
}

RAW_FIELDS = (
    "id",
    "index_no",
    "title",
    "category",
    "category_scheme",
    "category_topic",
    "category_genre",
    "publisher",
    "pub_date",
    "written_date",
    "doc_no",
    "keywords",
    "validity",
    "disclosure",
    "summary",
    "body",
    "attachments",
    "related",
    "url",
    "site",
    "column",
)


@dataclass
class RawRecord:
    """One document as a reader found it.

    ``fields`` maps canonical names (see ``RAW_FIELDS``) to the source's values:
    strings, except ``attachments`` and ``related`` which are lists of
    ``{"name"/"title": …, "url": …, "text": …}`` dicts.
    ``source`` is the file (or URL) it came from and ``locator`` says where in it
    (``"line 12"``, ``"row 5"``, ``"record 3"``; empty for a one-document file), so
    every error message can name file, record and field.
    ``attachment_root`` is the folder the document's attachments may be stored in (the file's own
    folder; a crawl folder's ``<host>``): a raw attachment's ``path``, ``url`` or ``name`` is looked
    for there, and nowhere else.
    """

    source: str
    locator: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    fetched_at: str | None = None
    warnings: list[Finding] = field(default_factory=list)
    attachment_root: Path | None = None
    # A crawled page's fetch metadata (its sidecar: url, final_url, fetched_at, status, etag, last_modified and,
    # once a re-crawl found it gone, ``gone``: {"how": a code of index.history.HOW_NOTICED, "at", "status"}).
    fetch: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # Every message, report and index field names the file by this text: valid UTF-8 whatever its name's
        # bytes (index.decoding.file_name).
        self.source = file_name(self.source)

    @property
    def where(self) -> str:
        return f"{self.source} {self.locator}".strip()


@dataclass(frozen=True)
class Finding:
    """A problem found in a document that does not stop it being indexed (an ingest warning)."""

    code: str  # machine-readable: spam, encoding_loss, index_no_check, bad_date, empty_body, …
    field: str  # canonical field name it concerns ("" for the whole document)
    message: str  # Chinese-and-English sentence for the report and the detail page

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class IndexNo:
    """A parsed 索引号."""

    raw: str  # as published, and as shown
    normalised: str  # written one way (前段码/年-序号; NFKC, upper-case): the document's id
    variant: (
        str  # standard, uscc, year_month, hyphenated, dashed_org, classified, region_compact, grouped, unrecognised
    )
    org_code: str = ""  # 前段码 (9-char 组织机构代码 or 18-char 统一社会信用代码), dash removed
    year: int | None = None
    serial: str = ""
    tail: str = ""  # 后段码, e.g. "2018-00019"
    check_ok: bool | None = None  # None where the variant carries no checkable code
    key: str = ""  # letters, digits and Chinese only: one key whatever the separators (identifiers.index_no_key)
    class_code: str = ""  # classification codes printed inside the number (classified variant)


@dataclass
class Attachment:
    name: str
    url: str = ""
    kind: str = ""  # pdf, docx, xls, zip, … from the name or URL
    text: str = ""  # extracted text, indexed with the document
    # The local copy the text is read from at ingest (inside the record's attachment_root); where the
    # document was read from, not what it is, so it is neither stored nor part of the content hash.
    path: Path | None = field(default=None, compare=False, repr=False)
    # The files looked for to find it (index.attachments.lookups), which a re-crawl checks again: one may appear,
    # change or go while the record naming them stays as it was.
    lookups: tuple[Path, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        """The stored form: name, url, kind and text."""
        return {"name": self.name, "url": self.url, "kind": self.kind, "text": self.text}


@dataclass
class Link:
    title: str
    url: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Document:
    """A normalised disclosure document: what gets indexed and shown."""

    id: str  # the normalised 索引号 where there is one, otherwise a stable internal id
    title: str
    index_no: IndexNo | None = None
    category_scheme: str = ""  # 组配分类, e.g. 规划计划
    category_topic: str = ""  # 主题分类, e.g. 其他 or 城乡建设、环境保护\城市规划
    category_genre: str = ""  # 体裁分类, e.g. 报告
    publisher: str = ""  # as shown: the full names, 、-separated for joint issuers
    publishers: list[str] = field(default_factory=list)  # one full name per issuer: the facet values
    publisher_aliases: list[str] = field(default_factory=list)  # other names: as printed, and the table's
    pub_date: str = ""  # ISO 8601, to the precision the source gave: 2018-04-10, 2018-04 or 2018
    written_date: str = ""
    doc_no: str = ""  # 文号 with 〔〕 brackets
    keywords: list[str] = field(default_factory=list)
    validity: str = ""
    disclosure: str = ""
    summary: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    url: str = ""
    site: str = ""
    column: str = ""  # the site's 栏目 it was published in (政策解读, 通知公告, …)
    source: str = ""  # the file or crawl folder it was read from (for --prune)
    locator: str = ""
    fetched_at: str = ""
    warnings: list[Finding] = field(default_factory=list)
    status: str = "在线"  # 在线, or 已撤下 once its source is gone (index.history); a facet

    @property
    def categories(self) -> list[str]:
        """The classification dimensions present, in 组配 / 主题 / 体裁 order."""
        return [c for c in (self.category_scheme, self.category_topic, self.category_genre) if c]

    @property
    def sort_date(self) -> str:
        """The date lists sort and filter by: 公开日期, or 成文日期 where a source gives only that."""
        return self.pub_date or self.written_date

    @property
    def sort_date_trusted(self) -> bool:
        """Whether lists may place the document by its sort date: it has one, and it is not in the future."""
        field = "pub_date" if self.pub_date else "written_date"
        return bool(self.sort_date) and not any(w.code == "future_date" and w.field == field for w in self.warnings)

    @property
    def year(self) -> int | None:
        return int(self.sort_date[:4]) if self.sort_date[:4].isdecimal() else None


class ReadError(Exception):
    """A file or record that could not be read; names the file, the record and the field."""

    def __init__(self, source: str | Path, message: str, locator: str = "", field: str = "") -> None:
        self.source = file_name(source)
        self.locator = locator
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = " ".join(part for part in (self.source, self.locator) if part)
        what = f"field {self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


_ATOMS = (str, int, float, bool, type(None))


def as_dict(value: Any) -> Any:
    """``dataclasses.asdict(value)`` for a dataclass (a Document and the records it holds), the same dicts, lists and
    values, made without its deep copy of every string: a value that is no dataclass, list, tuple or dict is copied
    as ``asdict`` copies it (``copy.deepcopy``), a str, number, bool or None kept as it is (a deep copy of one is
    itself). Ingest makes two of each document (its content hash, the history's payload)."""
    if type(value) in _ATOMS:
        return value
    if hasattr(type(value), "__dataclass_fields__"):
        return {item.name: as_dict(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, as asdict rebuilds one
        return type(value)(*[as_dict(item) for item in value])
    if isinstance(value, list | tuple):
        return type(value)(as_dict(item) for item in value)
    if isinstance(value, dict):
        return type(value)((as_dict(key), as_dict(item)) for key, item in value.items())
    return copy.deepcopy(value)
