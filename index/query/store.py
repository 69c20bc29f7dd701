"""What the portal and the CLI ask of a store, whichever holds the documents: the seam between them and
:class:`index.query.Catalog` (Whoosh, embedded, the default) or :class:`index.cluster.catalog.ClusterCatalog`
(a Manticore/Sphinx cluster). ``PORTAL_STORE`` chooses (``portal.app.open_catalog``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from index.query.related import RelatedDoc
from index.query.relations import Relations
from index.query.request import SearchRequest
from index.query.results import DocSummary, FacetValue, Hit, SearchResult
from index.query.suggest import Suggestions
from index.record import Document


class SearchStore(Protocol):
    """The read API; every method answers from the latest committed documents.

    Errors: ``index.store.NoIndex`` where there is nothing to read yet, and its subclass
    ``index.cluster.sphinxql.StoreUnavailable`` where a cluster does not answer; the portal answers 503 to both.
    A store that cannot do something a request asks says so in ``SearchResult.notices`` rather than failing.
    """

    def warm(self) -> None: ...

    def close(self) -> None: ...

    def search(self, req: SearchRequest) -> SearchResult: ...

    def suggest(self, q: str, titles: int = 5, terms: int = 8) -> Suggestions: ...

    def lookup(self, text: str) -> list[Hit]: ...

    def get(self, doc_id: str) -> Document | None: ...

    def related(self, doc_id: str, limit: int = 8) -> list[RelatedDoc]: ...

    def relations(self, doc: Document) -> Relations: ...

    def latest(self, limit: int = 10) -> list[DocSummary]: ...

    def facet_counts(self) -> dict[str, list[FacetValue]]: ...

    def document_dates(self) -> list[tuple[str, str]]: ...

    def documents(self) -> Iterator[Document]:
        """Every document, copies each on its own, in a stable order, read a few at a time (bulk export)."""
        ...

    def stats(self) -> dict[str, object]: ...

    def version(self) -> object:
        """What changes whenever what the store answers may change (a commit): cheap, for caches keyed on it."""
        ...
