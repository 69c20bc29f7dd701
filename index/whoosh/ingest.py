"""The Whoosh store's ingest: files → the index at ``PORTAL_INDEX_DIR``, incrementally, on the shared pipeline
of :mod:`index.ingest` (files, records → documents, which version wins, the report).

Documents are committed in chunks (:class:`index.whoosh.writer.BulkWriter`): if the ingest itself
dies, a plain ingest keeps the chunks committed before, and a rebuild's generation is never
made live, so the previous index stays as it was. Leftovers of killed runs are removed first
(:func:`index.whoosh.generations.clean_leftovers`) and listed in the report.

Large ingests build their segments in worker processes started with ``spawn``: a script that
calls :func:`ingest_paths` must guard its entry point with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.analysis import Composable
from whoosh.index import Index
from whoosh.searching import Searcher

from index import history, limits
from index.decoding import file_name
from index.ingest import (
    Conflict,
    DocWarning,
    Duplicate,
    IngestReport,
    Rejection,
    Version,
    existing,
    file_digest,
    iter_files,
    read_document,
    resolved,
    under,
)
from index.limits import Limits
from index.readers import read_file
from index.record import Document, ReadError
from index.schema import build_schema, content_hash, dedup_key, from_stored, to_fields
from index.whoosh import generations
from index.whoosh.writer import BulkWriter, UnwritableDocument


@dataclass
class _IndexState:
    """What the index holds (id → content hash, id → source file, dedup key → id), and what this run wrote."""

    hashes: dict[str, str]
    dedup: dict[str, str]
    ix: Index | None = None
    written: dict[str, Version] = field(default_factory=dict)
    history: history.History | None = None
    taken_down: set[str] = field(default_factory=set)  # ids removed by `portal takedown`: never indexed again
    sources: dict[str, str] = field(default_factory=dict)  # id → the file its indexed version came from, resolved
    _searcher: Searcher | None = None

    @classmethod
    def of(cls, ix: Index) -> _IndexState:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return cls({}, {}, ix)
            ids = reader.column_reader("id")
            hashes = reader.column_reader("content_hash")
            keys = reader.column_reader("dedup_key")
            state = cls({}, {}, ix)
            for docnum in reader.all_doc_ids():
                doc_id = ids[docnum]
                state.hashes[doc_id] = hashes[docnum]
                if keys[docnum]:
                    state.dedup[keys[docnum]] = doc_id
            # The source field is indexed: one posting list per file, not every document's stored fields.
            for term in reader.lexicon("source"):
                source = resolved(term.decode("utf-8"))
                for docnum in reader.postings("source", term).all_ids():
                    if not reader.is_deleted(docnum):
                        state.sources[ids[docnum]] = source
            return state

    def incumbent(self, doc_id: str) -> Version | None:
        """The version of ``doc_id`` this run wrote, else the one the index held before it."""
        if doc_id in self.written:
            return self.written[doc_id]
        if doc_id not in self.hashes or self.ix is None:
            return None
        if self._searcher is None:  # opened once, on the first id met again (a changed file, a conflict)
            self._searcher = self.ix.searcher()
        stored = self._searcher.document(id=doc_id) or {}
        source, locator = str(stored.get("source") or ""), str(stored.get("locator") or "")
        where = f"{source} {locator}".strip()
        return Version(self.hashes[doc_id], str(stored.get("pub_date") or ""), resolved(source), locator, where)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


class WhooshIngest:
    """The Whoosh index at ``index_dir`` as an :class:`index.query.protocols.IngestStore`: :func:`ingest_paths`
    with the lock wait and the analyzer a new index is built with fixed."""

    def __init__(
        self,
        index_dir: Path,
        lock_timeout: float = 30.0,
        analyzer: Composable | None = None,
        bounds: Limits | None = None,
        history_path: Path | None = None,
    ) -> None:
        self.index_dir, self.lock_timeout, self.analyzer, self.bounds = Path(index_dir), lock_timeout, analyzer, bounds
        self.history_path = history_path
        self.where = str(self.index_dir)

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        rebuild: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        return ingest_paths(
            paths,
            self.index_dir,
            prune=prune,
            rebuild=rebuild,
            lock_timeout=self.lock_timeout,
            progress=progress,
            analyzer=self.analyzer,
            bounds=self.bounds,
            history_path=self.history_path,
        )

    def close(self) -> None:
        """Nothing stays open between ingests."""


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
    """Ingest every document under ``paths`` into the index at ``index_dir``; see the module docstring.

    Every document read is recorded in the history at ``history_path`` (default: ``history.sqlite`` in
    ``index_dir``; :mod:`index.history`): a new version when its content changed, a sighting always.
    ``keep_history=False`` keeps none (the single-version index ``bench/history.py`` compares against); --prune
    then still keeps a withdrawn document, from what the index stores.

    ``analyzer`` is the Chinese analyzer a new index is built with (the default dictionary's when None);
    an existing index keeps the one it was built with, so queries are always analysed as its documents were.
    Records are held to ``bounds``, the limits the caller read once (:attr:`portal.settings.Settings.limits`);
    None reads them from this process's environment (:func:`index.limits.current`).
    Raises FileNotFoundError for a path that does not exist, and generations.IndexBusy when another ingest
    holds the index past ``lock_timeout`` seconds.
    """
    bounds = bounds or limits.current()
    paths = existing(paths)
    hist_path = history_path or history.path_for(index_dir)
    with generations.ingest_lock(index_dir, lock_timeout), _history(hist_path, keep_history) as hist:
        cleaned = generations.recover_current(index_dir) + generations.clean_leftovers(index_dir)
        live = generations.current_generation(index_dir)
        if rebuild or live is None:
            generation, ix = generations.new_generation(index_dir, build_schema(analyzer))
            report = IngestReport(rebuilt=live is not None, cleaned=cleaned)
            try:
                _ingest_into(ix, generation, paths, report, bounds, hist, prune=prune, progress=progress)
            except BaseException:
                generations.discard(generation)
                raise
            generations.publish(index_dir, generation)
        else:
            report = IngestReport(cleaned=cleaned)
            ix = generations.open_current(index_dir)
            _ingest_into(ix, live, paths, report, bounds, hist, prune=prune, progress=progress)
        _prepare_search(index_dir)
        return report


@contextlib.contextmanager
def _history(path: Path, keep: bool) -> Iterator[history.History | None]:
    if not keep:
        yield None
        return
    with history.History(path) as hist:
        yield hist


def _prepare_search(index_dir: Path) -> None:
    """Derive the arrays searches read for the new commit and save them beside it (index/whoosh/arrays.py)."""
    from index.whoosh.catalog import Catalog

    catalog = Catalog(index_dir)
    try:
        catalog.prepare()
    finally:
        catalog.close()


def _ingest_into(
    ix: Index,
    generation: Path,
    paths: list[Path],
    report: IngestReport,
    bounds: Limits,
    hist: history.History | None,
    *,
    prune: bool,
    progress: Callable[[str], None] | None,
) -> None:
    """Read the files that changed into the index, then make it agree with what every file holds
    (:func:`_reconcile`).

    ``sources.json`` records for each file its content hash and the version of every document it holds
    (id → [content hash, 公开日期, record]), written with every commit and naming as unchanged only files
    whose documents are all committed, so after a crash the next ingest reads again exactly the files it must.
    """
    state = _IndexState.of(ix)
    state.history = hist
    state.taken_down = hist.taken_down() if hist is not None else set()
    sources = {key: entry for key, entry in generations.read_sources(generation).items() if isinstance(entry, dict)}
    committed = dict(sources)
    seen: dict[str, str] = {}  # id → where, for this run
    files: dict[str, Path] = {}  # the record's key of each file under ``paths`` → the file
    try:
        with BulkWriter(ix, on_commit=lambda: generations.write_sources(generation, committed)) as writer:
            for path in iter_files(paths):
                source = file_name(path.resolve())  # the same file, however the command line named it
                files[source] = path
                digest = file_digest(path)
                previous = sources.get(source)
                if previous and previous.get("sha1") == digest and "versions" in previous:
                    report.files_unchanged += 1
                    report.unchanged += len(previous["ids"])
                    seen.update({doc_id: source for doc_id in previous["ids"]})
                    if hist is not None:
                        hist.seen_again(previous["ids"], source)
                    continue
                report.files_read += 1
                held, complete = _ingest_file(path, writer, state, seen, report, bounds, progress)
                if path.stat().st_size == 0:
                    complete = True  # an empty file holds no documents (its rejection says it is empty)
                ids = list(held)
                if not complete and previous:
                    # Something in the file could not be read: keep what it held before, read it again next time.
                    for doc_id, version in (previous.get("versions") or {}).items():
                        held.setdefault(doc_id, version)
                    for doc_id in previous["ids"]:
                        seen.setdefault(doc_id, source)
                    ids = list(dict.fromkeys([*held, *previous["ids"]]))
                sources[source] = {"sha1": digest if complete else "", "ids": ids, "versions": held}
                committed[source] = sources[source]
                if hist is not None:
                    hist.commit()
            if prune:
                roots = [root.resolve() for root in paths]
                for source in [s for s in sources if s not in files and under(s, roots)]:
                    del sources[source]  # the file is gone
        _refuse(writer.failed, report, sources)
        _reconcile(ix, state, sources, files, [p.resolve() for p in paths] if prune else None, report, bounds)
        if hist is not None:
            _keep_withdrawn(ix, state, hist)
    finally:
        state.close()
        if hist is not None:
            hist.commit()
    generations.write_sources(generation, sources)


def _reconcile(
    ix: Index,
    state: _IndexState,
    sources: dict,
    files: dict[str, Path],
    prune_roots: list[Path] | None,
    report: IngestReport,
    bounds: Limits,
) -> None:
    """Make the index hold, for every id some file holds, the version the rules choose among every file that
    holds it (the later 公开日期, then the later path, then the later record), and with ``prune_roots`` no
    document that came from under them and that no file holds any more.

    The first pass reads only files that changed and compares each record with the index, which cannot see
    what another file stopped holding (a winner's file deleted or changed); the record of every file's versions
    can. A version to restore is read again from its file.
    """
    holders: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # id → [(公开日期, file, record, hash)]
    for source, entry in sources.items():
        for doc_id, (digest, pub_date, locator) in (entry.get("versions") or {}).items():
            holders[doc_id].append((pub_date, source, locator, digest))
    listed = {doc_id for entry in sources.values() for doc_id in entry["ids"]}  # records of files without versions
    gone: list[str] = []
    wanted: dict[str, dict[str, str]] = defaultdict(dict)  # file → {id: record} to write again
    for doc_id in set(state.hashes) | set(holders):
        if doc_id in state.taken_down:
            continue  # removed by `portal takedown`: never written again
        versions = holders.get(doc_id)
        if not versions:
            source = state.sources.get(doc_id, "")
            if prune_roots is not None and source and under(source, prune_roots) and doc_id not in listed:
                gone.append(doc_id)
            continue
        best = max(versions)
        good_sources = {version[1] for version in versions if version[3] == best[3]}
        if state.hashes.get(doc_id) != best[3] or state.sources.get(doc_id) not in good_sources:
            wanted[best[1]][doc_id] = best[2]
    if not gone and not wanted:
        return
    with BulkWriter(ix) as writer:
        for doc_id in sorted(gone):
            _withdraw(writer, doc_id, state, report)
        for source, ids in wanted.items():
            path = files.get(source) or Path(source)
            if path.is_file():  # else kept without --prune: what the index holds stays
                _write_again(writer, path, ids, state, report, bounds)


def _keep_withdrawn(ix: Index, state: _IndexState, hist: history.History) -> None:
    """Write again, from the history and still 已撤下, withdrawn documents the index does not hold: a rebuild
    holds only the paths it is given, and the files of a withdrawn document are gone."""
    missing = [i for i in hist.doc_ids(history.WITHDRAWN) if i not in state.hashes and i not in state.taken_down]
    if not missing:
        return
    with BulkWriter(ix) as writer:
        for doc_id in missing:
            record = hist.version(doc_id)
            if record is None:
                continue
            _write_withdrawn(writer, record.document, state)


def _write_withdrawn(writer: BulkWriter, doc: Document, state: _IndexState) -> bool:
    """Write ``doc`` over what the index holds under its id, marked 已撤下; False where the index refuses it."""
    doc.status = history.WITHDRAWN
    digest = content_hash(doc)
    try:
        writer.update_document(**to_fields(doc, digest))
    except UnwritableDocument:
        return False
    state.hashes[doc.id] = digest
    return True


def _withdraw(writer: BulkWriter, doc_id: str, state: _IndexState, report: IngestReport) -> None:
    """Keep a document whose source is gone, marked 已撤下 in the index and the history (never deleted)."""
    assert state.ix is not None  # _IndexState.of set it: the index being reconciled
    if state._searcher is None:
        state._searcher = state.ix.searcher()
    stored = state._searcher.document(id=doc_id) or {}
    if stored.get("status") == history.WITHDRAWN:
        return  # noticed by an earlier run
    source = str(stored.get("source") or "")
    how = "missing_from_export" if source and Path(source).is_file() else "file_gone"
    latest = state.history.version(doc_id) if state.history is not None else None
    doc = latest.document if latest is not None else from_stored(stored)
    if not _write_withdrawn(writer, doc, state):
        return
    if state.history is not None:
        state.history.withdraw(doc_id, how)
    report.withdrawn.append(doc_id)


def _write_again(writer: BulkWriter, path: Path, ids: dict[str, str], state, report, bounds: Limits) -> None:
    """Write the records ``ids`` (id → record) of the file at ``path`` over what the index holds under their ids."""
    records = set(ids.values())
    for item in read_file(path, bounds):
        if isinstance(item, ReadError) or item.locator not in records:
            continue
        doc = read_document(item, bounds, IngestReport())
        if doc is None or ids.get(doc.id) != item.locator:
            continue
        digest = content_hash(doc)
        try:
            writer.update_document(**to_fields(doc, digest))
        except UnwritableDocument:
            continue
        (report.updated if doc.id in state.hashes else report.added).append(doc.id)
        state.hashes[doc.id] = digest
        state.sources[doc.id] = resolved(doc.source)
        if state.history is not None:
            state.history.apply(history.observe(doc, item))


def _ingest_file(
    path: Path,
    writer: BulkWriter,
    state: _IndexState,
    seen: dict[str, str],
    report: IngestReport,
    bounds: Limits,
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, list[str]], bool]:
    """Index one file's documents; returns the version of every document it holds (id → [content hash,
    公开日期, record]; of two under one id the later record of the same 公开日期), and whether every record was read.

    Each record is read, normalised and written on its own: whatever fails is a rejection naming
    the file, the record and (where known) the field, and the next record goes on.
    """
    held: dict[str, list[str]] = {}
    complete = True
    for item in read_file(path, bounds):
        if isinstance(item, ReadError):
            report.rejected.append(Rejection(item.source, item.locator, item.field, item.message))
            complete = False
            continue
        if progress:
            progress(item.where)
        doc = read_document(item, bounds, report)
        if doc is None:
            complete = False
            continue
        where = item.where
        if doc.id in state.taken_down:
            report.rejected.append(Rejection(doc.source, doc.locator, "", f"{doc.id} was taken down (portal takedown)"))
            continue
        version = Version(content_hash(doc), doc.pub_date, resolved(doc.source), doc.locator, where)
        mine = held.get(doc.id)
        if mine is None or (doc.pub_date, doc.locator) > (mine[1], mine[2]):
            held[doc.id] = [version.digest, doc.pub_date, doc.locator]
        # Only a different content needs the incumbent's date and source (read from the index).
        incumbent = (
            state.incumbent(doc.id)
            if state.hashes.get(doc.id) not in (None, version.digest) or doc.id in seen
            else None
        )
        if incumbent and incumbent.digest == version.digest and doc.id in seen:
            report.duplicates.append(Duplicate(doc.id, where, doc.id, seen[doc.id]))
            continue
        # The same file read again (it changed) updates its document; anything else under the id conflicts.
        rereading = incumbent and incumbent.source == version.source and doc.id not in seen
        if incumbent and incumbent.digest != version.digest and not rereading:
            winner, loser = (version, incumbent) if version.wins_over(incumbent) else (incumbent, version)
            report.conflicts.append(Conflict(doc.id, winner.where, winner.pub_date, loser.where, loser.pub_date))
            if winner is incumbent or doc.id in state.written:
                # A version this run's writer already holds cannot be deleted before it commits: _reconcile
                # writes the winner after the commit.
                continue
        key = dedup_key(doc)
        twin = state.dedup.get(key) if key else None
        if twin and twin != doc.id:
            # A copy under another URL is indexed too, and searches show the copies as one hit.
            report.duplicates.append(Duplicate(doc.id, where, twin, seen.get(twin, "")))
        try:
            _write(writer, doc, version.digest, state, report)
        except UnwritableDocument as exc:
            report.rejected.append(Rejection(doc.source, doc.locator, exc.field, f"could not be indexed: {exc}"))
            complete = False
            held.pop(doc.id, None)
            continue
        seen[doc.id] = where
        state.written[doc.id] = version
        if state.history is not None:
            state.history.apply(history.observe(doc, item))
        report.warnings += [DocWarning(doc.id, where, finding) for finding in doc.warnings]
        if key:
            state.dedup.setdefault(key, doc.id)
    return held, complete


def _refuse(failed: list[tuple[dict, str]], report: IngestReport, sources: dict) -> None:
    """Documents the segment builder left out after they were counted in: rejections, and their files read again."""
    for identity, why in failed:
        doc_id = str(identity.get("id") or "")
        for counted in (report.added, report.updated):
            if doc_id in counted:
                counted.remove(doc_id)
        report.rejected.append(
            Rejection(
                str(identity.get("source") or ""),
                str(identity.get("locator") or ""),
                "",
                f"could not be indexed: {why}",
            )
        )
        for entry in sources.values():
            if doc_id in entry["ids"]:
                entry["ids"].remove(doc_id)
                (entry.get("versions") or {}).pop(doc_id, None)
                entry["sha1"] = ""


def _write(writer: BulkWriter, doc: Document, digest: str, state: _IndexState, report: IngestReport) -> None:
    """Write a new or changed document (raises UnwritableDocument naming the field the index fails on)."""
    previous = state.hashes.get(doc.id)
    if previous == digest:
        report.unchanged += 1
        return
    fields = to_fields(doc, digest)
    # The index's ids are all in state.hashes: a new one needs no lookup (which would read every segment).
    writer.update_document(**fields) if previous else writer.add_document(**fields)
    state.hashes[doc.id] = digest
    state.sources[doc.id] = resolved(doc.source)
    (report.updated if previous else report.added).append(doc.id)
