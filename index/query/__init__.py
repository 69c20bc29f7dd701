"""What a search asks and answers, whichever store holds the documents: the request and its limits
(:mod:`.request`), query text → query tree (:mod:`.syntax`), identifier detection (:mod:`.identify`), the
result shapes (:mod:`.results`), and what a store must answer (:mod:`.protocols`). The Whoosh store is
:mod:`index.whoosh`, the cluster :mod:`index.cluster`.
"""

from index.query.identify import identifier_kind
from index.query.request import FACETS, FIELDS, MAX_QUERY_CHARS, SORTS, SearchRequest
from index.query.results import DocSummary, FacetValue, Hit, SearchResult

__all__ = [
    "FACETS",
    "FIELDS",
    "MAX_QUERY_CHARS",
    "SORTS",
    "DocSummary",
    "FacetValue",
    "Hit",
    "SearchRequest",
    "SearchResult",
    "identifier_kind",
]
