"""The documents a document's text links it to, resolved at query time: 解读 ↔ 原文, and what replaced what.

The tokens come from :mod:`index.relations` (indexed at ingest as ``refs``, ``cites``, ``repeals`` and
``repealed_by``); here each side is matched against the other by exact terms, in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default

from whoosh.query import And, Not, NumericRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from index import relations
from index.query.results import DocSummary, summary_of
from index.record import Document
from index.schema import date_key

MAX_LINKED = 10  # documents listed per relation
_NEWEST = [FieldFacet("has_date", reverse=True), FieldFacet("date_key", reverse=True)]


@dataclass
class Relations:
    """What one document's relations are, each list newest first."""

    interprets: list[DocSummary] = default(default_factory=list)  # a 解读: the 原文 it interprets
    interpretations: list[DocSummary] = default(default_factory=list)  # a 原文: its 相关解读
    replaced_by: list[DocSummary] = default(default_factory=list)  # later documents that repeal or replace it
    replaces: list[DocSummary] = default(default_factory=list)  # earlier documents it repeals or replaces


def relations_of(searcher: Searcher, doc: Document) -> Relations:
    """The relations of ``doc``; documents that are not in the index are simply not listed."""
    own = relations.refs(doc)
    found = Relations()
    if relations.kind(doc) == relations.INTERPRETATION:
        found.interprets = _find(searcher, doc, _terms("refs", relations.cites(doc)), relations.ORIGINAL)
    else:
        wanted = _terms("cites", own) + _terms("refs", relations.related_tokens(doc))
        found.interpretations = _find(searcher, doc, wanted, relations.INTERPRETATION)
    later = _terms("repeals", own) + _terms("refs", relations.repealed_by(doc))
    earlier = _terms("refs", relations.repeals(doc)) + _terms("repealed_by", own)
    found.replaced_by = _find(searcher, doc, later, relations.ORIGINAL, dated=(doc.sort_date, None))
    found.replaces = _find(searcher, doc, earlier, relations.ORIGINAL, dated=(None, doc.sort_date))
    return found


def _terms(fieldname: str, tokens: list[str]) -> list[Query]:
    return [Term(fieldname, token) for token in tokens]


def _find(
    searcher: Searcher,
    doc: Document,
    terms: list[Query],
    kind: str,
    dated: tuple[str | None, str | None] = (None, None),
) -> list[DocSummary]:
    """Documents of ``kind`` matching any of ``terms``, other than ``doc``; ``dated`` bounds their date
    (a replacement is not older than what it replaces) where both documents are dated."""
    if not terms:
        return []
    clauses: list[Query] = [Or(terms), Term("kind", kind), Not(Term("id", doc.id))]
    low, high = dated
    if low or high:
        # Undated documents stay in: their order cannot be known. A partial date bounds by its whole period.
        upper = date_key(high) + {4: 9999, 7: 99}.get(len(high), 0) if high else None
        bound = NumericRange("date_key", date_key(low) if low else None, upper)
        clauses.append(Or([bound, NumericRange("has_date", 0, 0)]))
    hits = searcher.search(And(clauses), limit=MAX_LINKED, sortedby=_NEWEST)
    return [summary_of(hit.fields()) for hit in hits]
