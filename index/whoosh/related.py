"""The Whoosh store's answers to the questions of related documents (:class:`index.query.related.RelatedStore`)
and of relations (:data:`index.query.linked.Finder`); the rules that ask them are written once, in
:mod:`index.query.related` and :mod:`index.query.linked`.
"""

from __future__ import annotations

import numpy as np
from whoosh.query import And, Not, NumericRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from index.query.linked import FETCHED, Finder
from index.query.results import DocSummary, summary_of
from index.schema import date_key
from index.whoosh.engine import Engine
from index.whoosh.facets import collapse, ranked

_NEWEST = [FieldFacet("has_date", reverse=True), FieldFacet("date_key", reverse=True)]


class Related:
    """Related documents of the document at ``docnum`` (documents named by docnum), its copies excluded."""

    def __init__(self, searcher: Searcher, engine: Engine, docnum: int) -> None:
        self.searcher, self.engine = searcher, engine
        self.arrays, self.reader = engine.arrays, engine.reader
        codes, _ = self.arrays.codes(self.reader, "dedup_key")
        self.own = {docnum, *(np.flatnonzero(codes == codes[docnum]).tolist() if codes[docnum] >= 0 else [])}

    def holding(self, field: str, tokens: list[str], exclude: list, most: int) -> list[int]:
        found = [self.arrays.postings(self.reader, field, token)[0] for token in dict.fromkeys(tokens)]
        docs = np.unique(np.concatenate(found)) if found else np.empty(0, np.int32)
        hit = np.zeros(self.engine.size, bool)
        hit[docs] = True
        zeros = np.zeros(self.engine.size, np.float32)
        order, _ = collapse(self.arrays, self.reader, ranked(self.arrays, self.reader, hit, zeros, "newest"))
        return self._first(order, exclude, most)

    def like(self, text: str, exclude: list, most: int) -> list[int]:
        scored = self.engine.more_like(text, ("title", "body"))
        scored.hit[list(self.own | set(exclude))] = False
        order, _ = collapse(self.arrays, self.reader, ranked(self.arrays, self.reader, scored.hit, scored.score, None))
        return self._first(order, exclude, most)

    def _first(self, order: np.ndarray, exclude: list, most: int) -> list[int]:
        skipped = self.own | set(exclude)
        return [doc for doc in order.tolist() if doc not in skipped][:most]

    def summaries(self, keys: list) -> dict[int, DocSummary]:
        return {key: summary_of(self.searcher.stored_fields(key)) for key in keys}


def finder(searcher: Searcher) -> Finder:
    """The relations finder of a Whoosh index: documents that are not in the index are simply not listed."""

    def find(
        terms: list[tuple[str, list[str]]], kind: str, dated: tuple[str | None, str | None], doc_id: str
    ) -> list[dict]:
        queries: list[Query] = [Term(field, token) for field, tokens in terms for token in tokens]
        if not queries:
            return []
        clauses: list[Query] = [Or(queries), Term("kind", kind), Not(Term("id", doc_id))]
        low, high = dated
        if low or high:
            # Undated documents stay in: their order cannot be known. A partial date bounds by its whole period.
            upper = date_key(high) + {4: 9999, 7: 99}.get(len(high), 0) if high else None
            bound = NumericRange("date_key", date_key(low) if low else None, upper)
            clauses.append(Or([bound, NumericRange("has_date", 0, 0)]))
        hits = searcher.search(And(clauses), limit=FETCHED, sortedby=_NEWEST)
        return [hit.fields() for hit in hits]

    return find
