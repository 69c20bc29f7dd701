"""A document as the row a real-time index of the cluster stores, analysed by this project's own analysis.

The store is sent tokens, not text: each text field of :data:`index.query.plan.TEXT_FIELDS` as

* ``<field>_w``: jieba's words (what the Whoosh word fields hold: folded, cut, lower-cased), and
* ``<field>_g``: the character bigrams and Latin/digit runs of :func:`index.bigrams.gram_positions`, in order,
  one position each,

space-separated; the index's ``charset_table`` holds exactly the characters tokens are made of and no n-gram
setting (:mod:`.config`), so the store splits on the spaces and nothing else, and both stores see the same
tokens. Where the bigram analysis puts several grams at one position (``covid-19`` with ``covid`` and ``19``;
``年第`` with the ``第`` touching ``30``), the store gets them one after another, and a quoted phrase is sent
in the same order (:mod:`.match`), so a phrase matches where it matches in Whoosh, except where the query and
the document differ in touching: ``年第 30`` (spaced) against ``年第30``, or a Latin part beside Chinese
(docs/scale-out.md lists the differences).

Exact terms (索引号 keys, 文号 forms, facet values, the relation tokens of :mod:`index.crossrefs`, ``all``)
are hashed into single tokens of the ``keys`` field (:func:`.topology.term_key`). What Whoosh stores is kept as
one compressed JSON string attribute (``stored``), so pages are built from the same stored fields
(:func:`index.schema.from_stored`, :func:`index.query.results.summary_of`).
"""

from __future__ import annotations

import base64
import json
import re
import time
import zlib
from collections.abc import Callable
from typing import Any

from index.analysis import fast_segmenter, fold
from index.bigrams import gram_positions
from index.cluster.topology import doc_key, term_key, value_key
from index.record import Document
from index.schema import build_schema, content_hash, to_fields

# What a token may hold; every other character separates tokens (and never reaches the store).
TOKEN_CHARS = r"0-9a-z\-:/.\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"^[{TOKEN_CHARS}]+$")
# The text fields as the store holds them: words (jieba) and grams, per TEXT_FIELDS of the engine.
WORD_FIELDS = ("title", "body")
GRAM_FIELDS = ("title", "body", "attachment", "doc_no", "publisher")
# Keyword fields whose values are exact terms (filters, lookups, relations), each hashed into ``keys``.
KEY_FIELDS = (
    "id",
    "index_key",
    "index_tail",
    "doc_no_keys",
    "publisher",
    "publisher_alias",
    "category_scheme",
    "category_topic",
    "category_genre",
    "validity",
    "kind",
    "status",
    "refs",
    "cites",
    "repeals",
    "repealed_by",
    "mentions",
    "flags",
)
ALL = term_key("all", "")  # every document holds it: a query of only NOT needs something to subtract from
# The filters' field for each facet key (a publisher's other names select it too: both are "publisher").
FACET_KEY_FIELD = {"publisher_alias": "publisher"}
STORED = frozenset(name for name, field_type in build_schema().items() if field_type.stored)
STRING_ATTRIBUTES = (
    "doc_id",
    "title",
    "publisher",
    "category_scheme",
    "category_topic",
    "category_genre",
    "validity",
    "kind",
    "status",
    "content_hash",
    "source",
    "locator",
    "pub_date",
    "stored",
)


def words(text: str, cut: Callable[[str], list[str]]) -> str:
    """jieba's words of ``text`` as the Whoosh word fields hold them, space-separated (tokens only)."""
    return " ".join(
        word for word in (w.lower() for w in cut(fold(text))) if _TOKEN.match(word) and any(c.isalnum() for c in word)
    )


def grams(text: str) -> str:
    """The bigram analysis of ``text`` (:func:`index.bigrams.gram_positions`) as one token per position."""
    return " ".join(gram for gram, _ in gram_positions(text))


def keys(fields: dict[str, object]) -> list[str]:
    """The hashed exact terms of a document's keyword fields (and ``all``), split as Whoosh splits them."""
    found = [ALL]
    for name in KEY_FIELDS:
        value = str(fields.get(name) or "")
        if name in _COMMAS:
            terms = [term.strip() for term in value.split(",")]
        elif name in _SPACES:
            terms = value.split()
        else:
            terms = [value]
        found += [term_key(FACET_KEY_FIELD.get(name, name), term) for term in terms if term]
    return list(dict.fromkeys(found))


_COMMAS = frozenset({"doc_no_keys", "publisher", "publisher_alias", "flags"})  # KEYWORD(commas=True)
_SPACES = frozenset({"refs", "cites", "repeals", "repealed_by", "mentions"})  # KEYWORD


def stored_blob(stored: dict[str, object]) -> str:
    """Stored fields as the ``stored`` attribute: JSON, zlib-compressed, base64 (a string attribute is text)."""
    raw = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def stored_of(blob: str) -> dict[str, object]:
    return json.loads(zlib.decompress(base64.b64decode(blob)).decode("utf-8")) if blob else {}


def to_row(doc: Document, digest: str | None = None, cut: Callable[[str], list[str]] | None = None) -> dict:
    """The row of ``doc`` (column → value; ``pubs`` a list of integers), from the same fields Whoosh is fed
    (:func:`index.schema.to_fields`). ``cut`` is the word segmenter (rjieba's exact jieba cut by default)."""
    cut = cut or fast_segmenter()
    digest = digest or content_hash(doc)
    fields: dict[str, Any] = to_fields(doc, digest)
    stored = {name: fields.get(f"_stored_{name}", fields[name]) for name in STORED if name in fields}
    text = {name: str(fields.get(f"{name}_grams") or "") for name in GRAM_FIELDS}
    keywords = [k for k in str(fields.get("keywords") or "").split(",") if k and _TOKEN.match(k)]
    publishers = [name for name in str(fields.get("publisher") or "").split(",") if name]
    dedup = str(fields.get("dedup_key") or "")
    return {
        "id": doc_key(doc.id),
        **{f"{name}_w": words(str(fields.get(name) or ""), cut) for name in WORD_FIELDS},
        **{f"{name}_g": grams(text[name]) for name in GRAM_FIELDS},
        "keywords": " ".join(keywords),
        "keys": " ".join(keys(fields)),
        "doc_id": doc.id,
        "title": doc.title,
        "publisher": ",".join(publishers),
        "category_scheme": doc.category_scheme,
        "category_topic": doc.category_topic,
        "category_genre": doc.category_genre,
        "validity": doc.validity,
        "kind": str(fields.get("kind") or ""),
        "status": str(fields.get("status") or ""),
        "content_hash": digest,
        "source": doc.source,
        "locator": doc.locator,
        "pub_date": doc.pub_date,
        "stored": stored_blob(stored),
        "pubs": sorted({value_key("publisher", name) for name in publishers}),
        "year": int(fields.get("year") or 0),
        "date_key": int(fields.get("date_key") or 0),
        "has_date": int(fields.get("has_date") or 0),
        # copies (same title and body) share a group; a document without a body is a group of its own
        "dedup": value_key("dedup", dedup) if dedup else value_key("id", doc.id),
        "dup": 0,  # 1 where another document shares the group (set by the ingest that sees both)
        "shard": 0,  # set by the writer (writer.write_shard)
        "indexed_at": int(time.time()),
    }
