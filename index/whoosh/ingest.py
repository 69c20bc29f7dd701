"""The Whoosh store's write side: the index at ``PORTAL_INDEX_DIR`` answering the write questions of the one
ingest pipeline (:class:`index.query.protocols.StoreWriter`, asked by :mod:`index.pipeline`, which keeps the
rules), and a legal takedown.

Documents are committed in chunks (:class:`index.whoosh.writer.BulkWriter`, which builds segments in parallel
for a fresh or rebuilt index as for any other): if the ingest itself dies, a plain ingest keeps the chunks
committed before, and a rebuild's generation is never made live, so the previous index stays as it was.
Leftovers of killed runs are removed first (:func:`index.whoosh.generations.clean_leftovers`) and listed in the
report. The files record (``sources.json``, :func:`index.whoosh.generations.write_sources`) is saved with every
commit.

Large ingests build their segments in worker processes started with ``spawn``: a script that
calls :func:`ingest_paths` must guard its entry point with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh.analysis import Composable
from whoosh.index import Index
from whoosh.searching import Searcher

from index import history, pipeline
from index.analysis import userdict_of
from index.ingest import (
    Held,
    IngestReport,
    Known,
    Reading,
    Rejection,
    per_record,
    read_elsewhere,
    read_records,
    resolved,
)
from index.limits import Limits
from index.query.protocols import Unwritable
from index.schema import build_schema, to_fields
from index.whoosh import generations
from index.whoosh.arrays import column_values
from index.whoosh.writer import BulkWriter, UnwritableDocument, Workers, workers_available

# Bytes of files to read from which their records are normalised in the worker processes (each costs about a CPU
# second to start: the normaliser's and segmenter's imports); a smaller ingest reads in this process.
READ_ELSEWHERE_BYTES = 4_000_000


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # read (and reported) as the reader finds it
        return 0


class WhooshIngest:
    """The Whoosh index at ``index_dir`` as an :class:`index.query.protocols.IngestStore`, with the lock wait
    and the analyzer a new index is built with (the default dictionary's when None; an existing index keeps the
    one it was built with, so queries are always analysed as its documents were)."""

    def __init__(self, index_dir: Path, lock_timeout: float = 30.0, analyzer: Composable | None = None) -> None:
        self.index_dir, self.lock_timeout, self.analyzer = Path(index_dir), lock_timeout, analyzer
        self.where = str(self.index_dir)

    @contextlib.contextmanager
    def writing(self, *, rebuild: bool = False) -> Iterator[_IndexWriter]:
        """The live generation to write, or with ``rebuild`` (or no index yet) a new one, made live when the
        block ends; either way what searches read is derived for the new commit and saved beside it
        (:func:`_prepare_search`), for a new generation before it is made live, so that the first searches after
        the swap derive nothing. Holds the ingest lock; raises generations.IndexBusy when another ingest holds it
        past the lock wait."""
        index_dir = self.index_dir
        with self.lock():
            cleaned = generations.recover_current(index_dir) + generations.clean_leftovers(index_dir)
            live = generations.current_generation(index_dir)
            if rebuild or live is None:
                generation, ix = generations.new_generation(index_dir, build_schema(self.analyzer))
                with _IndexWriter(ix, generation, rebuilt=live is not None, cleaned=cleaned) as writer:
                    try:
                        yield writer
                    except BaseException:
                        writer.close()
                        generations.discard(generation)
                        raise
                try:
                    _prepare_search(index_dir, generation)
                finally:  # committed documents are made live even if preparing failed (searches derive it then)
                    generations.publish(index_dir, generation)
            else:
                with _IndexWriter(generations.open_current(index_dir), live, cleaned=cleaned) as writer:
                    yield writer
                _prepare_search(index_dir)

    def lock(self) -> contextlib.AbstractContextManager[object]:
        """The ingest lock; raises generations.IndexBusy when another ingest holds it past the lock wait."""
        return generations.ingest_lock(self.index_dir, self.lock_timeout)

    def remove(self, doc_id: str) -> str:
        """Delete ``doc_id`` from the live index; its title, or "" where it holds none. Call it under :meth:`lock`."""
        if generations.current_generation(self.index_dir) is None:
            return ""
        ix = generations.open_current(self.index_dir)
        with ix.searcher() as searcher:
            stored = searcher.document(id=doc_id)
        if stored is None:
            return ""
        with BulkWriter(ix) as writer:
            writer.delete_by_term("id", doc_id)
        _prepare_search(self.index_dir)
        return str(stored.get("title") or doc_id)

    def close(self) -> None:
        """Nothing stays open between ingests."""


class _IndexWriter:
    """One generation of the index, answering :class:`index.query.protocols.StoreWriter`."""

    def __init__(self, ix: Index, generation: Path, *, rebuilt: bool = False, cleaned: list[str]) -> None:
        self.ix, self.generation, self.rebuilt, self.cleaned = ix, generation, rebuilt, cleaned
        self._searcher: Searcher | None = None
        self._writer: BulkWriter | None = None
        # The worker processes, shared by the reading and each writer of this ingest (none started until needed).
        self._workers = Workers(workers_available(), userdict_of(ix.schema["body"].analyzer))

    def __enter__(self) -> _IndexWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def held(self) -> dict[str, Held]:
        with self.ix.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return {}
            # Each column read through in docnum order (every document's value, deleted ones included): a look-up of
            # a document in a multi-segment column costs as much as reading it through.
            ids, hashes, keys = (list(column_values(reader, name)) for name in ("id", "content_hash", "dedup_key"))
            alive = set(reader.all_doc_ids())
            sources: dict[str, str] = {}
            # The source field is indexed: one posting list per file, not every document's stored fields.
            for term in reader.lexicon("source"):
                source = resolved(term.decode("utf-8"))
                for docnum in reader.postings("source", term).all_ids():
                    if docnum in alive:
                        sources[ids[docnum]] = source
            return {
                ids[docnum]: Held(hashes[docnum], sources.get(ids[docnum], ""), keys[docnum] or None)
                for docnum in sorted(alive)
            }

    def stored(self, doc_id: str) -> dict[str, object] | None:
        if self._searcher is None:  # opened once, on the first id asked about (a changed file, a conflict)
            self._searcher = self.ix.searcher()
        return self._searcher.document(id=doc_id)

    def files_record(self) -> dict[str, dict]:
        return generations.read_sources(self.generation)

    def group(self, dedup: str) -> str | None:
        return dedup or None

    def read(
        self, paths: list[Path], bounds: Limits, known: list[Known] | None = None
    ) -> Iterator[Iterable[Reading | Rejection]]:
        """The readings of each file; where there is more than one core and the files hold enough to repay starting
        the workers (READ_ELSEWHERE_BYTES), their records are normalised and made into fields by the workers that
        analyse them (:func:`index.ingest.read_elsewhere`): the same readings, in the same order."""
        knowns = known or [{} for _ in paths]
        if self._workers.count > 1 and sum(_size(path) for path in paths) >= READ_ELSEWHERE_BYTES:
            return read_elsewhere(paths, bounds, knowns, self._workers.submit, self._workers.count, to_fields)
        return (read_records(path, bounds, known=seen) for path, seen in zip(paths, knowns, strict=True))

    def begin(self, checkpoint: dict | None = None) -> None:
        on_commit = (lambda: generations.write_sources(self.generation, checkpoint)) if checkpoint is not None else None
        self._writer = BulkWriter(self.ix, on_commit=on_commit or (lambda: None), processes=self._workers)

    def write(self, reading: Reading, *, new: bool) -> None:
        assert self._writer is not None, "begin() first"
        if reading.fields is not None:  # made by the worker that read it
            fields = reading.fields
        else:
            assert reading.doc is not None, "a reading made here, or its fields made where it was read"
            fields = per_record(
                functools.partial(to_fields, digest=reading.version.digest), reading.doc
            )  # or Unwritable
        try:
            # The index's ids are all known to the pipeline: a new one needs no lookup (which reads every segment).
            self._writer.add_document(**fields) if new else self._writer.update_document(**fields)
        except UnwritableDocument as exc:
            raise Unwritable(str(exc), exc.field) from exc

    def commit(self) -> list[tuple[dict, str]]:
        writer, self._writer = self._writer, None
        if writer is None:
            return []
        writer.commit()
        return writer.failed

    def save_record(self, record: dict[str, dict]) -> None:
        generations.write_sources(self.generation, record)

    def close(self) -> None:
        """Cancel what was written since the last commit (an ingest that failed); close the searcher."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
        self._workers.stop()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def ingest_paths(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    rebuild: bool = False,
    lock_timeout: float = 30.0,
    progress: Callable[[str], None] | None = None,
    analyzer: Composable | None = None,
    bounds: Limits | None = None,
    history_path: Path | None = None,
    keep_history: bool = True,
) -> IngestReport:
    """Ingest every document under ``paths`` into the Whoosh index at ``index_dir``: :func:`index.pipeline.ingest`
    on :class:`WhooshIngest`.

    Every document read is recorded in the history at ``history_path`` (default: ``history.sqlite`` in
    ``index_dir``; :mod:`index.history`). ``keep_history=False`` keeps none (the single-version index
    ``bench/history.py`` compares against); --prune then still keeps a withdrawn document, from what the index
    stores. Records are held to ``bounds`` (None: this process's environment, :func:`index.limits.current`).
    Raises FileNotFoundError for a path that does not exist, and generations.IndexBusy when another ingest
    holds the index past ``lock_timeout`` seconds.
    """
    return pipeline.ingest(
        WhooshIngest(index_dir, lock_timeout, analyzer),
        paths,
        prune=prune,
        rebuild=rebuild,
        progress=progress,
        bounds=bounds,
        history_path=(history_path or history.path_for(index_dir)) if keep_history else None,
    )


def _prepare_search(index_dir: Path, generation: Path | None = None) -> None:
    """Derive what searches read for the latest commit of ``generation`` (None: the live one) and save it beside the
    commit (:meth:`index.whoosh.catalog.Catalog.prepare`)."""
    from index.whoosh.catalog import Catalog

    catalog = Catalog(index_dir, generation=generation)
    try:
        catalog.prepare()
    finally:
        catalog.close()
