"""The search side: what a request may ask (:mod:`.request`), query text → a query tree (:mod:`.syntax`),
matched and scored (BM25F) on NumPy arrays (:mod:`.engine`), filters and facets (:mod:`.facets`), highlighting
(:mod:`.highlight`), identifier detection (:mod:`.identify`), and :class:`Catalog` (:mod:`.catalog`), the Whoosh
store, which the portal and the CLI ask through the store protocol (:class:`.store.SearchStore`).
"""

from index.query.catalog import Catalog
from index.query.identify import identifier_kind
from index.query.request import FACETS, FIELDS, MAX_QUERY_CHARS, SORTS, SearchRequest
from index.query.results import DocSummary, FacetValue, Hit, SearchResult

__all__ = [
    "FACETS",
    "FIELDS",
    "MAX_QUERY_CHARS",
    "SORTS",
    "Catalog",
    "DocSummary",
    "FacetValue",
    "Hit",
    "SearchRequest",
    "SearchResult",
    "identifier_kind",
]
