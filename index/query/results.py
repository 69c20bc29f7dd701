"""What a search answers: result lists, hits with highlights, facet values."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default

from index.query.request import SearchRequest


@dataclass
class DocSummary:
    id: str
    title: str
    publisher: str = ""
    pub_date: str = ""
    doc_no: str = ""
    index_no: str = ""
    categories: list[str] = default(default_factory=list)
    flags: list[str] = default(default_factory=list)
    url: str = ""
    written_date: str = ""  # 成文日期: lists show it where there is no 公开日期
    validity: str = ""  # 有效性
    kind: str = ""  # 原文 or 解读
    status: str = ""  # 在线 or 已撤下 (index.history)
    abstract: str = ""  # 内容概述, or the start of the body (feeds, lists without highlights)


@dataclass
class Copy:
    """Another URL the same document (same title and body) was published under."""

    id: str
    url: str = ""


@dataclass
class Hit(DocSummary):
    title_html: str = ""
    snippet_html: str = ""
    score: float = 0.0
    attachment_hits: list[str] = default(default_factory=list)
    copies: list[Copy] = default(default_factory=list)  # collapsed into this hit


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Expansion:
    """A query word that was also searched as its synonyms (index/query/synonyms.py), those that found documents."""

    term: str
    synonyms: list[str]


@dataclass
class Rescue:
    """What was searched in place of a query that found nothing or little (:mod:`index.query.rescue`)."""

    typed: str  # the query as typed (the page links its search as typed)
    searched: str  # the text searched instead
    correction: str = ""  # the corrected query, where a correction was searched ("" for none)
    left_out: list[str] = default(default_factory=list)  # words of the query not required (relaxation)
    any_word: bool = False  # any one word may match
    together: int = 0  # documents holding all the words of the query as typed (0: none)


@dataclass
class SearchResult:
    request: SearchRequest
    total: int = 0
    hits: list[Hit] = default(default_factory=list)
    facets: dict[str, list[FacetValue]] = default(default_factory=dict)
    page: int = 1
    pages: int = 0
    elapsed_ms: float = 0.0
    error: str | None = None
    # a part of the store did not answer (a cluster's shard none of whose replicas answered): total, facets and hits
    # count only the rest, a lower bound (the page says so in a notice); the query log counts no such answer
    partial: bool = False
    suggestions: list[str] = default(default_factory=list)
    notices: list[str] = default(default_factory=list)  # what the search did with the query (broken syntax …)
    expansions: list[Expansion] = default(default_factory=list)  # synonyms searched besides the words typed
    did_you_mean: list[str] = default(default_factory=list)  # corrected queries that find more (spelling.py)
    rescue: Rescue | None = None  # searched in place of the query typed, which found nothing or little


def summary_of(stored: dict) -> DocSummary:
    """The list entry for a document, from its stored fields."""
    categories = [stored.get(k) for k in ("category_scheme", "category_topic", "category_genre")]
    return DocSummary(
        id=str(stored.get("id", "")),
        title=str(stored.get("title", "")),
        publisher=str(stored.get("publisher", "")).replace(",", "、"),  # joint issuers
        pub_date=str(stored.get("pub_date", "")),
        doc_no=str(stored.get("doc_no", "")),
        index_no=str(stored.get("index_no", "")),
        categories=[str(c) for c in categories if c],
        flags=[f for f in str(stored.get("flags", "")).split(",") if f],
        url=str(stored.get("url", "")),
        written_date=str(stored.get("written_date", "")),
        validity=str(stored.get("validity", "")),
        kind=str(stored.get("kind", "")),
        status=str(stored.get("status", "")),
        abstract=abstract_of(str(stored.get("summary") or ""), str(stored.get("body") or "")),
    )


ABSTRACT_CHARS = 120


def abstract_of(summary: str, body: str) -> str:
    """The 内容概述, or the body's first ABSTRACT_CHARS characters (paragraphs joined, … where cut)."""
    text = summary or " ".join(body.split("\n\n"))
    return text if len(text) <= ABSTRACT_CHARS else text[:ABSTRACT_CHARS] + "…"


def fold_copies(stored: list[dict]) -> list[Hit]:
    """List entries for documents given as stored fields, in order, copies of one document (the same title and
    body, :func:`index.schema.dedup_key`) folded into the first as its :attr:`Hit.copies`."""
    from index.schema import dedup_key, from_stored  # index.schema needs nothing of the query side

    listed: dict[str, Hit] = {}
    for fields in stored:
        key = dedup_key(from_stored(fields)) or str(fields.get("id", ""))
        if key in listed:
            listed[key].copies.append(Copy(str(fields.get("id", "")), str(fields.get("url", ""))))
        else:
            listed[key] = Hit(**vars(summary_of(fields)))
    return list(listed.values())
