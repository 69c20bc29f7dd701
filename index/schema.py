"""The Whoosh schema, and the conversion Document ⇄ stored fields."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from whoosh.analysis import Composable
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema

from index import crossrefs
from index.analysis import ChineseAnalyzer
from index.bigrams import BigramAnalyzer
from index.convert import to_simplified
from index.identifiers import doc_no_keys, index_no_key
from index.record import Attachment, Document, Finding, IndexNo, Link, as_dict
from index.whoosh.postings import GramPositions, TermCounts

# Bumped whenever the schema or the analysis changes, so an old index is rebuilt, not misread.
SCHEMA_VERSION = 10

# Sort key for a document without a date: after every dated one whichever way a list is sorted
# (the sort fields below pair it with a has_date key that sorts first; a date in the future counts
# as none there).
NO_DATE = 0


def words_field(analyzer: Composable, stored: bool = False) -> FieldType:
    """jieba words, frequencies only: the known-item signal (every word of a query present)."""
    field = TEXT(analyzer=analyzer, stored=stored, phrase=False)
    field.format = TermCounts()
    field.scorable = False  # length normalisation uses the bigram field's length
    return field


def grams_field() -> FieldType:
    """Character bigrams with positions: recall whatever the segmentation, and exact phrases."""
    field = TEXT(analyzer=BigramAnalyzer(), phrase=True)
    field.format = GramPositions()
    return field


def build_schema(analyzer: Composable | None = None) -> Schema:
    """The schema, its word fields analysed by ``analyzer`` (default: ChineseAnalyzer())."""
    chinese = analyzer or ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        # 索引号: written one way (the id), its lookup key, its 后段码's key, and how it was published
        index_no=ID(stored=True),
        index_key=ID,
        index_tail=ID,
        index_no_json=STORED,
        doc_no=ID(stored=True),
        doc_no_keys=KEYWORD(commas=True),  # identifiers.doc_no_keys: every form and shorter issuer
        # text: bigrams of each text field a query searches (index/whoosh/engine.py TEXT_FIELDS), and words of
        # title and body, stored under their own names
        title=words_field(chinese, stored=True),
        body=words_field(chinese, stored=True),
        title_grams=grams_field(),
        body_grams=grams_field(),
        attachment_grams=grams_field(),
        doc_no_grams=grams_field(),
        publisher_grams=grams_field(),
        keywords=KEYWORD(stored=True, commas=True, scorable=True),
        summary=STORED,
        # facets: the publisher's full name, one per issuer (joint issuers are several facet values), and
        # the other names it goes by (filters by either; searched as publisher_grams)
        publisher=KEYWORD(stored=True, commas=True),
        publisher_alias=KEYWORD(commas=True),
        # the rest: single-valued, sortable columns
        category_scheme=ID(stored=True, sortable=True),
        category_topic=ID(stored=True, sortable=True),
        category_genre=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        # dates: ISO strings as published, numeric keys for ranges and sorting
        pub_date=ID(stored=True),
        written_date=STORED,
        date_key=NUMERIC(int, sortable=True),
        has_date=NUMERIC(int, sortable=True),
        validity=ID(stored=True, sortable=True),  # 有效性, a facet (有效 / 失效 / 废止 / 已修改, or as published)
        # 原文, 解读 or 新闻发布 (a facet), what an interpretation is called, and the tokens of index.crossrefs
        kind=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),  # 在线 or 已撤下 (index.history), a facet
        interpretation=STORED,
        refs=KEYWORD,
        cites=KEYWORD,
        repeals=KEYWORD,
        repealed_by=KEYWORD,
        mentions=KEYWORD,  # every 《title》 and 文号 the text names (related documents: 本文引用 / 引用本文)
        disclosure=STORED,
        flags=KEYWORD(stored=True, commas=True),
        warnings_json=STORED,
        attachments_json=STORED,
        related_json=STORED,
        url=ID(stored=True),
        site=STORED,
        column=STORED,
        source=ID(stored=True),
        locator=STORED,
        fetched_at=STORED,
        content_hash=ID(stored=True, sortable=True),
        # title + body: copies of one document published under several URLs collapse into one hit
        dedup_key=ID(sortable=True),
    )


def date_key(iso: str) -> int:
    """20180410 for 2018-04-10; a partial date sorts at its period's start (2018 → 20180000)."""
    digits = iso.replace("-", "")
    return int(digits.ljust(8, "0")) if digits.isdecimal() else NO_DATE


def date_from_key(key: int) -> str:
    """The ISO date a date_key stands for, to the precision it was given ('' for none)."""
    if not key:
        return ""
    digits = f"{key:08d}"
    year, month, day = digits[:4], digits[4:6], digits[6:]
    if month == "00":
        return year
    return f"{year}-{month}" if day == "00" else f"{year}-{month}-{day}"


def content_hash(doc: Document) -> str:
    """A hash of everything indexed about a document, to skip unchanged documents on re-ingest."""
    payload = as_dict(doc)
    for volatile in ("source", "locator", "fetched_at"):
        payload.pop(volatile)
    for attachment in payload["attachments"]:
        attachment.pop("path")  # where the copy was read from, like source
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(f"{SCHEMA_VERSION}:{blob}".encode()).hexdigest()


def dedup_key(doc: Document) -> str:
    """Same title and body: the same document, wherever it was found. '' for an empty body (too weak a key)."""
    if not doc.body:
        return ""
    return hashlib.sha1(f"{doc.title}\n{doc.body}".encode()).hexdigest()


def to_fields(doc: Document, digest: str) -> dict[str, object]:
    """The Whoosh fields for a document.

    Text fields are indexed in simplified characters (index/convert.py), so a query in either script finds a
    document in either; title and body store the text as published (``_stored_<name>``).
    """
    title, body = to_simplified(doc.title), to_simplified(doc.body)
    said = crossrefs.statements(doc)  # read once for both directions
    fields: dict[str, object] = {
        "id": doc.id,
        "title": title,
        "_stored_title": doc.title,
        "body": body,
        "_stored_body": doc.body,
        "title_grams": title,
        "body_grams": body,
        "attachment_grams": to_simplified("\n\n".join(a.text for a in doc.attachments if a.text)),
        "doc_no_grams": to_simplified(doc.doc_no),
        "publisher_grams": to_simplified("；".join([*doc.publishers, *doc.publisher_aliases])),
        "keywords": ",".join(doc.keywords),
        "summary": doc.summary,
        "publisher": ",".join(doc.publishers),
        "publisher_alias": ",".join(doc.publisher_aliases),
        "category_scheme": doc.category_scheme,
        "category_topic": doc.category_topic,
        "category_genre": doc.category_genre,
        "pub_date": doc.pub_date,
        "written_date": doc.written_date,
        "date_key": date_key(doc.sort_date),
        # A future date is kept (and shown, flagged) but sorts with the undated, never atop 最新公开.
        "has_date": 1 if doc.sort_date_trusted else 0,
        "doc_no": doc.doc_no,
        "doc_no_keys": ",".join(doc_no_keys(doc.doc_no)),
        "validity": doc.validity,
        "kind": crossrefs.kind(doc),
        "status": doc.status or "在线",
        "interpretation": crossrefs.interpretation_of(doc),
        "refs": " ".join(crossrefs.refs(doc)),
        "cites": " ".join(crossrefs.cites(doc)),
        "repeals": " ".join(crossrefs.repeals(doc, said)),
        "repealed_by": " ".join(crossrefs.repealed_by(doc, said)),
        "mentions": " ".join(crossrefs.mentions(doc)),
        "disclosure": doc.disclosure,
        "flags": ",".join(sorted({w.code for w in doc.warnings})),
        "warnings_json": json.dumps([w.to_dict() for w in doc.warnings], ensure_ascii=False),
        "attachments_json": json.dumps([a.to_dict() for a in doc.attachments], ensure_ascii=False),
        "related_json": json.dumps([link.to_dict() for link in doc.related], ensure_ascii=False),
        "url": doc.url,
        "site": doc.site,
        "column": doc.column,
        "source": doc.source,
        "locator": doc.locator,
        "fetched_at": doc.fetched_at,
        "content_hash": digest,
        "dedup_key": dedup_key(doc),
    }
    if doc.year is not None:
        fields["year"] = doc.year
    if doc.index_no:
        fields["index_no"] = doc.index_no.normalised
        fields["index_key"] = doc.index_no.key
        fields["index_tail"] = index_no_key(doc.index_no.tail)
        fields["index_no_json"] = json.dumps(asdict(doc.index_no), ensure_ascii=False)
    # Empty values are left out, except in columns: Whoosh cannot read a variable-width column that a
    # segment wrote for none of its documents (IndexError in whoosh/columns.py), so every document
    # gives every such column a value, "" when it has none.
    return {key: value for key, value in fields.items() if value != "" or key in _TEXT_COLUMNS}


# Fields whose column holds variable-width bytes (sortable ID and TEXT fields; numbers have a default).
_TEXT_COLUMNS = frozenset(
    name
    for name, field_type in build_schema().items()
    if field_type.column_type is not None and not isinstance(field_type, NUMERIC)
)


def from_stored(stored: dict[str, object]) -> Document:
    """A Document from a hit's stored fields."""

    def text(name: str) -> str:
        return str(stored.get(name) or "")

    def listed(name: str) -> list[dict[str, Any]]:
        return json.loads(text(name) or "[]")

    index_no = IndexNo(**json.loads(text("index_no_json"))) if stored.get("index_no_json") else None
    return Document(
        id=text("id"),
        title=text("title"),
        index_no=index_no,
        category_scheme=text("category_scheme"),
        category_topic=text("category_topic"),
        category_genre=text("category_genre"),
        publisher=text("publisher").replace(",", "、"),
        publishers=[name for name in text("publisher").split(",") if name],
        pub_date=text("pub_date"),
        written_date=text("written_date"),
        doc_no=text("doc_no"),
        keywords=[k for k in text("keywords").split(",") if k],
        validity=text("validity"),
        disclosure=text("disclosure"),
        summary=text("summary"),
        body=text("body"),
        attachments=[Attachment(**item) for item in listed("attachments_json")],
        related=[Link(**item) for item in listed("related_json")],
        url=text("url"),
        site=text("site"),
        column=text("column"),
        source=text("source"),
        locator=text("locator"),
        fetched_at=text("fetched_at"),
        warnings=[Finding(**item) for item in listed("warnings_json")],
        status=text("status") or "在线",
    )
