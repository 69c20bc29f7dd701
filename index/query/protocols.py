"""What the portal and the CLI ask of a store, whichever holds the documents: the seam between them and the
Whoosh store (:mod:`index.whoosh`, embedded, the default) or a Manticore/Sphinx cluster (:mod:`index.cluster`).
``PORTAL_STORE`` chooses (``portal.stores.catalog_for`` for reading, ``portal.stores.ingest_store_for`` for writing).

Reading is :class:`SearchStore`, writing :class:`IngestStore` and the narrow write questions of
:class:`StoreWriter` that the one ingest pipeline (:mod:`index.pipeline`) asks; the errors both raise derive from
:class:`StoreError`. A third store implements these and the narrow questions of
:class:`index.query.search.Searching` and :class:`index.query.related.RelatedStore`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: a search from the shell imports none of the ingest side
    from index.ingest import Held, Known, Reading, Rejection
    from index.limits import Limits
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

    def close_files(self) -> None:
        """Close the files and connections the store holds open, keeping what it has loaded into memory; the next
        request opens them again. ``portal serve`` calls it before it forks its worker processes
        (portal/server.py), which must share no open file's offset and no connection."""
        ...

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


class Unwritable(Exception):
    """A document the store cannot take (``field`` names the field, where known); nothing of it was written."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class StoreWriter(Protocol):
    """The write questions the ingest pipeline (:mod:`index.pipeline`) asks a store, and nothing more: the rules
    (which version wins, what --prune withdraws, the report, the history) are the pipeline's.

    Writes between :meth:`begin` and :meth:`commit` are one batch; a store may make them durable before
    :meth:`commit` (the Whoosh store commits in chunks), and it then saves ``checkpoint`` with each such commit.
    Errors: a :class:`StoreError` where the store cannot be read or written; OSError as the disk gives it.
    """

    rebuilt: bool  # the store is being built afresh beside a live one (the report says so)
    cleaned: list[str]  # leftovers of killed ingests the store removed first

    def held(self) -> dict[str, Held]:
        """Every document the store holds: id → its content hash, source file and copy group."""
        ...

    def stored(self, doc_id: str) -> dict[str, object] | None:
        """The stored fields of one document (``index.schema.from_stored`` reads them), or None."""
        ...

    def files_record(self) -> dict[str, dict]:
        """What the last ingests read from each file: file → {"sha1": its SHA-1 ("" to read it again), "ids":
        [id …], "versions": {id: [content hash, 公开日期, record]}}. A store that keeps no such record answers
        from what it holds (no SHA-1: every file is read again)."""
        ...

    def group(self, dedup: str) -> Hashable | None:
        """The copy group (as :attr:`Held.group` names it) of a document whose ``index.schema.dedup_key`` is
        ``dedup``; None for "" (a document without a body is a group of its own)."""
        ...

    def read(
        self, paths: list[Path], bounds: Limits, known: list[Known] | None = None
    ) -> Iterator[Iterable[Reading | Rejection]]:
        """The readings of each file in ``paths``, a file at a time and in order (``index.ingest.read_records``
        of each, given what the last ingest read in it, ``known``, where the store uses it; the cluster reads them
        on its Dask workers)."""
        ...

    def begin(self, checkpoint: dict | None = None) -> None:
        """Start a batch of writes; ``checkpoint`` is the files record to save with each commit the store makes
        on its own (the pipeline keeps it current)."""
        ...

    def write(self, reading: Reading, *, new: bool) -> None:
        """Write the document of ``reading`` over whatever the store holds under its id (``new``: it holds
        nothing). Raises :class:`Unwritable` for a document the store cannot take."""
        ...

    def commit(self) -> list[tuple[dict, str]]:
        """Make the batch durable; returns the documents left out after all (their stored identity: id, source,
        locator; and why)."""
        ...

    def save_record(self, record: dict[str, dict]) -> None:
        """Keep ``record`` as the files record (:meth:`files_record`) of the next ingest."""
        ...


class IngestStore(Protocol):
    """The write API: a store opened for one ingest (:func:`index.pipeline.ingest` runs it) or a takedown.

    Errors: a :class:`StoreError` where the store cannot be written (another ingest holds it, a file is damaged,
    the cluster does not answer); OSError as the disk gives it (ENOSPC), the documents committed before kept.
    """

    where: str  # the store as the report names it (the index folder, the cluster)

    def writing(self, *, rebuild: bool = False) -> AbstractContextManager[StoreWriter]:
        """The store to write, for one ingest: what is written is live when the block ends (made live then, for
        a ``rebuild``, which builds the store afresh beside the live one where it can; the cluster writes in
        place); an exception leaves the live store as it was, but for what was committed before."""
        ...

    def lock(self) -> AbstractContextManager[object]:
        """Held while no ingest writes the store (the Whoosh index's ingest lock; the cluster takes none)."""
        ...

    def remove(self, doc_id: str) -> str:
        """Delete ``doc_id`` (a legal takedown, :mod:`index.takedown`, under :meth:`lock`); its title, or ""
        where the store holds none."""
        ...

    def close(self) -> None: ...
