"""What the portal and the CLI ask of a store, whichever holds the documents: the seam between them and the
Whoosh store (:mod:`index.whoosh`, embedded, the default) or a Manticore/Sphinx cluster (:mod:`index.cluster`).
``PORTAL_STORE`` chooses (``portal.app.catalog_for`` for reading, ``portal.app.ingest_store_for`` for writing).

Reading is :class:`SearchStore`, writing :class:`IngestStore`; the errors both raise derive from
:class:`StoreError`. A third store implements these two and the narrow questions of
:class:`index.query.search.Searching` and :class:`index.query.related.RelatedStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from index.ingest import IngestReport
from index.query.linked import Relations
from index.query.related import RelatedDoc
from index.query.request import SearchRequest
from index.query.results import DocSummary, FacetValue, Hit, SearchResult
from index.query.suggest import Suggestions
from index.record import Document


class StoreError(Exception):
    """The store cannot do what was asked now (no index yet, damaged, busy, not answering): the portal answers
    503, the CLI exits with the message."""


class SearchStore(Protocol):
    """The read API; every method answers from the latest committed documents.

    Errors: a :class:`StoreError`: ``index.whoosh.generations.NoIndex`` where there is nothing to read yet,
    ``DamagedIndex`` where a file is damaged, ``index.cluster.sphinxql.StoreUnavailable`` where a cluster does
    not answer; the portal answers 503 to each.
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


class IngestStore(Protocol):
    """The write API: the documents of the files under ``paths`` written into the store and committed, on the
    shared pipeline of :mod:`index.ingest`; what happened in one :class:`IngestReport`.

    Errors: FileNotFoundError for a path that does not exist; a :class:`StoreError` where the store cannot be
    written (another ingest holds it, a file is damaged, the cluster does not answer); OSError as the disk
    gives it (ENOSPC), the documents committed before kept.
    """

    where: str  # the store as the report names it (the index folder, the cluster)

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        rebuild: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """``prune``: remove documents whose file under ``paths`` is gone; ``rebuild``: build the store afresh
        beside the live one where it can (the Whoosh store; the cluster writes in place); ``progress`` is told
        where each record was read."""
        ...

    def close(self) -> None: ...
