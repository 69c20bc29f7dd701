"""The ingest, written once above the stores: files → documents → which version of each id wins → the store,
with the report (:class:`index.ingest.IngestReport`) and the history (:mod:`index.history`) of what happened.
A store answers only the narrow questions of :class:`index.query.protocols.StoreWriter` (what it holds, write
this, commit); :func:`ingest` asks them of the Whoosh index and of the cluster alike.

The rules:

- A file whose bytes are those the last ingest read completely (the store's files record) is not read again;
  its documents are sightings. Another is read record by record (:func:`index.ingest.read_records`): whatever
  fails is a rejection naming the file, record and field, and the batch goes on.
- Content the store holds unchanged under the id is not written again. A different document under an id
  the store or this run already holds from another file is a conflict: the later 公开日期 wins, then the later
  path (:meth:`index.ingest.Version.wins_over`); the same document again is read once. A file read again
  updates the document it held, so of two records of one file under an id, the first is written and the one
  that wins replaces it after the commit (below). A copy of another document (same title and body, another id)
  is written and reported.
- Afterwards the store is made to hold, for every id some file holds, the version the rules choose among every
  file that holds it (the record of files tells which), read again from its file where needed; with ``prune``,
  a document whose file under the paths is gone or no longer holds it is kept, marked 已撤下 (never deleted).
- An id removed by ``portal takedown`` is never written again (each record holding it is a rejection).
- Every document written or seen unchanged is recorded in the history (a new version when its content changed);
  a rebuild writes again, still 已撤下, the withdrawn documents the history holds.
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path

from index import history, limits
from index.decoding import file_name
from index.ingest import (
    Conflict,
    DocWarning,
    Duplicate,
    IngestReport,
    Known,
    Reading,
    Rejection,
    Version,
    existing,
    file_digest,
    files_still,
    iter_files,
    precedence,
    read_records,
    reread,
    resolved,
    under,
    unreadable_reason,
)
from index.limits import Limits
from index.query.protocols import IngestStore, StoreWriter, Unwritable
from index.record import Document
from index.schema import from_stored

Record = dict[str, dict]  # file → {"sha1", "ids", "versions"}: StoreWriter.files_record


def ingest(
    store: IngestStore,
    paths: Iterable[Path],
    *,
    prune: bool = False,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
    bounds: Limits | None = None,
    history_path: Path | None = None,
) -> IngestReport:
    """Ingest every document under ``paths`` into ``store`` by the rules of this module's docstring.

    ``prune``: keep documents whose file under ``paths`` is gone (or no longer holds them) marked 已撤下;
    ``rebuild``: build the store afresh beside the live one where it can; ``progress`` is told where each record
    was read. Records are held to ``bounds``, the limits the caller read once (:attr:`portal.settings.Settings.limits`;
    None: this process's environment, :func:`index.limits.current`). Every document read is recorded in the
    history at ``history_path`` (none kept when None).
    Raises FileNotFoundError for a path that does not exist, a StoreError where the store cannot be written.
    """
    bounds = bounds or limits.current()
    paths = existing(paths)
    with store.writing(rebuild=rebuild) as writer, _history(history_path) as hist:
        report = IngestReport(rebuilt=writer.rebuilt, cleaned=list(writer.cleaned))
        _Run(writer, hist, bounds, report, progress).files(paths, prune)
    return report


def _known(entry: dict | None) -> Known:
    """What the last ingest of a file read at each place in it (:data:`index.ingest.Known`), from its entry in
    the files record: only records it kept a fingerprint of."""
    known: Known = {}
    for doc_id, version in ((entry or {}).get("versions") or {}).items():
        if len(version) > 3 and version[3]:
            digest, pub_date, locator, mark = version[:4]
            known[locator] = (mark, doc_id, digest, pub_date)
    return known


def _files_still(entry: dict) -> bool:
    """Whether the attachment files the records of a file's entry were read with are as they were
    (:func:`index.ingest.files_still`): a file whose bytes did not change is read again where one did, and then
    only the records whose files changed are normalised (their marks)."""
    return all(
        files_still(version[3]) for version in (entry.get("versions") or {}).values() if len(version) > 3 and version[3]
    )


@contextlib.contextmanager
def _history(path: Path | None) -> Iterator[history.History | None]:
    if path is None:
        yield None
        return
    with history.History(path) as hist:
        yield hist


class _Run:
    """One ingest: what the store held at the start, and what this run wrote and saw."""

    def __init__(
        self,
        store: StoreWriter,
        hist: history.History | None,
        bounds: Limits,
        report: IngestReport,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.store, self.hist, self.bounds, self.report, self.progress = store, hist, bounds, report, progress
        held = store.held()
        self.hashes = {doc_id: entry.digest for doc_id, entry in held.items()}  # id → content hash, kept current
        self.sources = {doc_id: entry.source for doc_id, entry in held.items()}  # id → its file, resolved
        self.groups: dict[Hashable, str] = {entry.group: i for i, entry in held.items() if entry.group is not None}
        self.written: dict[str, Version] = {}  # id → the version this run wrote (or found unchanged)
        self.seen: dict[str, str] = {}  # id → where this run met it
        self.taken_down = hist.taken_down() if hist is not None else set()

    def files(self, paths: list[Path], prune: bool) -> None:
        """Read the files that changed into the store, then make it agree with what every file holds
        (:meth:`reconcile`).

        The files record holds for each file its SHA-1 and the version of every document it holds, saved with
        every commit and naming as unchanged only files whose documents are all committed, so after a crash the
        next ingest reads again exactly the files it must.
        """
        record = {key: entry for key, entry in self.store.files_record().items() if isinstance(entry, dict)}
        committed = dict(record)
        # Each file once, however the command line named it (the record's key: its resolved path).
        named: dict[str, Path] = {}
        unreadable: list[Path] = []
        for path in iter_files(paths, unreadable):
            named.setdefault(file_name(path.resolve()), path)
        listed = [(path, source, file_digest(path)) for source, path in named.items()]
        unchanged = {
            source
            for _, source, digest in listed
            if record.get(source, {}).get("sha1") == digest
            and "versions" in record[source]
            and _files_still(record[source])
        }
        changed = [(path, source) for path, source, _ in listed if source not in unchanged]
        known = [_known(record.get(source)) for _, source in changed]
        readings = self.store.read([path for path, _ in changed], self.bounds, known)
        files: dict[str, Path] = {}  # the record's key of each file under ``paths`` → the file
        self.store.begin(committed)
        for path, source, digest in listed:
            files[source] = path
            previous = record.get(source)
            if source in unchanged:
                self._seen_again(record[source]["ids"], source)
                continue
            self.report.files_read += 1
            held, complete = self.file(next(readings), source)
            if path.stat().st_size == 0:
                complete = True  # an empty file holds no documents (its rejection says it is empty)
            ids = list(held)
            if not complete and previous:
                # Something in the file could not be read: keep what it held before, read it again next time.
                for doc_id, version in (previous.get("versions") or {}).items():
                    held.setdefault(doc_id, version)
                for doc_id in previous["ids"]:
                    self.seen.setdefault(doc_id, source)
                ids = list(dict.fromkeys([*held, *previous["ids"]]))
            record[source] = committed[source] = {"sha1": digest if complete else "", "ids": ids, "versions": held}
            if self.hist is not None:
                self.hist.commit()
        for path in unreadable:  # named by its folder but not readable: what it held cannot be told, so it stays
            self.report.rejected.append(Rejection(file_name(path), "", "", unreadable_reason(path)))
            source = file_name(os.path.realpath(path))  # Path.resolve raises on a link that loops (Python < 3.13)
            files.setdefault(source, path)
            for doc_id in record.get(source, {}).get("ids", []):
                self.seen.setdefault(doc_id, source)
        roots = [root.resolve() for root in paths]
        if prune:
            for source in [s for s in record if s not in files and under(s, roots)]:
                del record[source]  # the file is gone
        self._refuse(self.store.commit(), record)
        self.reconcile(record, files, roots if prune else None)
        if self.hist is not None:
            self._keep_withdrawn()
            self.hist.commit()
        self.store.save_record(record)

    def _seen_again(self, ids: list[str], source: str) -> None:
        self.report.files_unchanged += 1
        self.report.unchanged += len(ids)
        self.seen.update({doc_id: source for doc_id in ids})
        if self.hist is not None:
            self.hist.seen_again(ids, source)

    def file(self, items: Iterable[Reading | Rejection], source: str = "") -> tuple[dict[str, list[str]], bool]:
        """Write one file's documents by the rules; returns the version of every document it holds (id →
        [content hash, 公开日期, record, fingerprint of the record]; of two under one id the later record of the same
        公开日期), and whether every record was read and written.

        A record the last ingest of the file read unchanged (an ``unchanged`` reading, not normalised) whose version
        the store still holds, met first in this run, is a sighting, as a file read unchanged is; any other is read
        in full after all (:func:`index.ingest.reread`)."""
        held: dict[str, list[str]] = {}
        complete = True
        empty_only = False  # every record so far read whole and empty
        sighted: list[str] = []
        for item in self._unchanged_first(items, sighted):
            if isinstance(item, Rejection):
                self.report.rejected.append(item)
                # A record read whole that holds no document (an empty row) hides nothing the file held before;
                # any other rejection may, so the file's earlier documents are kept (Run.files).
                complete = complete and item.empty
                empty_only = complete and not held
                continue
            empty_only = False
            if self.progress:
                self.progress(item.version.where)
            if item.doc_id in self.taken_down:
                self._reject(item, f"{item.doc_id} was taken down (portal takedown)")
                continue
            version = item.version
            mine = held.get(item.doc_id)
            if mine is None or precedence(version.pub_date, "", version.locator) > precedence(mine[1], "", mine[2]):
                held[item.doc_id] = [version.digest, version.pub_date, version.locator, item.fingerprint]
            if item.unchanged:
                continue  # a sighting (_unchanged_first): nothing to write
            if not self._wins(item):
                continue
            try:
                self._write(item)
            except Unwritable as exc:
                self._reject(item, f"could not be indexed: {exc}", exc.field)
                complete = False
                held.pop(item.doc_id, None)
                continue
            self.report.warnings += [DocWarning(item.doc_id, version.where, finding) for finding in item.warnings]
            group = self.store.group(item.dedup)
            if group is not None:
                self.groups.setdefault(group, item.doc_id)
        if sighted and self.hist is not None:
            self.hist.seen_again(sighted, source)
        # A file whose every record is empty to the reader (an export whose keys it no longer knows) says nothing
        # of what it held: that is kept, as for a record that does not parse, never withdrawn by --prune.
        return held, complete and not empty_only

    def _unchanged_first(
        self, items: Iterable[Reading | Rejection], sighted: list[str]
    ) -> Iterator[Reading | Rejection]:
        """``items`` with each unchanged reading counted as a sighting (its id added to ``sighted``) where the
        store holds its version and this run has not met its id, else read in full."""
        for item in items:
            if not isinstance(item, Reading) or not item.unchanged:
                yield item
                continue
            doc_id = item.doc_id
            same = self.hashes.get(doc_id) == item.version.digest and self.sources.get(doc_id) == item.version.source
            if same and doc_id not in self.seen and doc_id not in self.taken_down:
                self.report.unchanged += 1
                self.seen[doc_id] = item.version.where
                self.written[doc_id] = item.version
                sighted.append(doc_id)
                yield item
                continue
            yield from reread(item, self.bounds)

    def _wins(self, item: Reading) -> bool:
        """Whether ``item`` is written now: not the same document again, not a conflict's loser, and not the
        winner over a version this run already wrote (:meth:`reconcile` writes that one after the commit). Reports
        what it finds: duplicates, conflicts, copies under another id."""
        doc_id, version, seen = item.doc_id, item.version, self.seen
        # Only a different content needs the incumbent's date and source (asked of the store).
        changed = self.hashes.get(doc_id) not in (None, version.digest)
        incumbent = self._incumbent(doc_id) if changed or doc_id in seen else None
        if incumbent and incumbent.digest == version.digest and doc_id in seen:
            self.report.duplicates.append(Duplicate(doc_id, version.where, doc_id, seen[doc_id]))
            return False
        # The same file read again (it changed) updates its document; anything else under the id conflicts.
        rereading = incumbent and incumbent.source == version.source and doc_id not in seen
        if incumbent and incumbent.digest != version.digest and not rereading:
            winner, loser = (version, incumbent) if version.wins_over(incumbent) else (incumbent, version)
            self.report.conflicts.append(Conflict(doc_id, winner.where, winner.pub_date, loser.where, loser.pub_date))
            if winner is incumbent or doc_id in self.written:
                return False
        group = self.store.group(item.dedup)
        twin = self.groups.get(group) if group is not None else None
        if twin and twin != doc_id:
            # A copy under another URL is written too, and searches show the copies as one hit.
            self.report.duplicates.append(Duplicate(doc_id, version.where, twin, seen.get(twin, "")))
        return True

    def _incumbent(self, doc_id: str) -> Version | None:
        """The version of ``doc_id`` this run wrote, else the one the store held before it."""
        if doc_id in self.written:
            return self.written[doc_id]
        if doc_id not in self.hashes:
            return None
        stored = self.store.stored(doc_id) or {}
        source, locator = str(stored.get("source") or ""), str(stored.get("locator") or "")
        where = f"{source} {locator}".strip()
        return Version(self.hashes[doc_id], str(stored.get("pub_date") or ""), resolved(source), locator, where)

    def _write(self, item: Reading) -> None:
        """Write a new or changed document (raises Unwritable); count one the store holds unchanged."""
        # Made before the write: a record whose observation fails (Unwritable) is written nowhere.
        observation = item.observed() if self.hist is not None else None
        previous = self.hashes.get(item.doc_id)
        if previous == item.version.digest:
            self.report.unchanged += 1
        else:
            self.store.write(item, new=previous is None)
            self.hashes[item.doc_id] = item.version.digest
            self.sources[item.doc_id] = item.version.source
            (self.report.updated if previous else self.report.added).append(item.doc_id)
        self.seen[item.doc_id] = item.version.where
        self.written[item.doc_id] = item.version
        if self.hist is not None and observation is not None:
            self.hist.apply(observation)

    def _reject(self, item: Reading, reason: str, field: str = "") -> None:
        self.report.rejected.append(Rejection(item.source, item.version.locator, field, reason))

    def _refuse(self, failed: list[tuple[dict, str]], record: Record) -> None:
        """Documents the store left out after they were counted in: rejections, and their files read again."""
        for identity, why in failed:
            doc_id = str(identity.get("id") or "")
            for counted in (self.report.added, self.report.updated):
                if doc_id in counted:
                    counted.remove(doc_id)
            source, locator = str(identity.get("source") or ""), str(identity.get("locator") or "")
            self.report.rejected.append(Rejection(source, locator, "", f"could not be indexed: {why}"))
            for entry in record.values():
                if doc_id in entry["ids"]:
                    entry["ids"].remove(doc_id)
                    (entry.get("versions") or {}).pop(doc_id, None)
                    entry["sha1"] = ""

    def reconcile(self, record: Record, files: dict[str, Path], prune_roots: list[Path] | None) -> None:
        """Make the store hold, for every id some file holds, the version the rules choose among every file that
        holds it (the later 公开日期, then the later path, then the later record), and with ``prune_roots`` no
        document in service that came from under them and that no file holds any more.

        The first pass reads only files that changed and compares each record with the store, which cannot see
        what another file stopped holding (a winner's file deleted or changed); the record of every file's
        versions can. A version to restore is read again from its file.
        """
        holders: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # id → [(公开日期, file, record, hash)]
        for source, entry in record.items():
            for doc_id, (digest, pub_date, locator, *_fingerprint) in (entry.get("versions") or {}).items():
                holders[doc_id].append((pub_date, source, locator, digest))
        listed = {doc_id for entry in record.values() for doc_id in entry["ids"]}  # records of files without versions
        gone: list[str] = []
        wanted: dict[str, dict[str, str]] = defaultdict(dict)  # file → {id: record} to write again
        for doc_id in set(self.hashes) | set(holders):
            if doc_id in self.taken_down:
                continue  # removed by `portal takedown`: never written again
            versions = holders.get(doc_id)
            if not versions:
                source = self.sources.get(doc_id, "")
                if prune_roots is not None and source and under(source, prune_roots) and doc_id not in listed:
                    gone.append(doc_id)
                continue
            best = max(versions, key=lambda version: precedence(*version[:3]))
            good_sources = {version[1] for version in versions if version[3] == best[3]}
            if self.hashes.get(doc_id) != best[3] or self.sources.get(doc_id) not in good_sources:
                wanted[best[1]][doc_id] = best[2]
        if not gone and not wanted:
            return
        self.store.begin()
        for doc_id in sorted(gone):
            self._withdraw(doc_id)
        for source, ids in wanted.items():
            path = files.get(source) or Path(source)
            if path.is_file():  # else kept without --prune: what the store holds stays
                self._write_again(path, ids)
        self.store.commit()

    def _withdraw(self, doc_id: str) -> None:
        """Keep a document whose source is gone, marked 已撤下 in the store and the history (never deleted)."""
        stored = self.store.stored(doc_id) or {}
        if stored.get("status") == history.WITHDRAWN:
            return  # noticed by an earlier run
        source = str(stored.get("source") or "")
        how = "missing_from_export" if source and Path(source).is_file() else "file_gone"
        latest = self.hist.version(doc_id) if self.hist is not None else None
        if not self._write_withdrawn(latest.document if latest is not None else from_stored(stored)):
            return
        if self.hist is not None:
            self.hist.withdraw(doc_id, how)
        self.report.withdrawn.append(doc_id)

    def _write_withdrawn(self, doc: Document) -> bool:
        """Write ``doc`` over what the store holds under its id, marked 已撤下; False where the store refuses it."""
        doc.status = history.WITHDRAWN
        item = Reading.of(doc)
        try:
            self.store.write(item, new=doc.id not in self.hashes)
        except Unwritable as exc:
            self._reject(item, f"could not be marked 已撤下: {exc}", exc.field)
            return False
        self.hashes[doc.id] = item.version.digest
        return True

    def _write_again(self, path: Path, ids: dict[str, str]) -> None:
        """Write the records ``ids`` (id → record) of the file at ``path`` over what the store holds. A record
        not written is a rejection naming the file, the record and the field: the store refused it, it no longer
        reads, or the file no longer holds the id there (what the store holds of the id stays)."""
        due = {locator: doc_id for doc_id, locator in ids.items()}
        for item in read_records(path, self.bounds, locators=set(ids.values())):
            if isinstance(item, Rejection):
                if due.pop(item.locator, None) is not None:
                    self.report.rejected.append(item)
                continue
            if ids.get(item.doc_id) != item.version.locator:
                continue
            due.pop(item.version.locator, None)
            try:
                observation = item.observed() if self.hist is not None else None  # as in _write
                self.store.write(item, new=item.doc_id not in self.hashes)
            except Unwritable as exc:
                self._reject(item, f"could not be indexed: {exc}", exc.field)
                continue
            (self.report.updated if item.doc_id in self.hashes else self.report.added).append(item.doc_id)
            self.hashes[item.doc_id] = item.version.digest
            self.sources[item.doc_id] = item.version.source
            if self.hist is not None and observation is not None:
                self.hist.apply(observation)
        for locator, doc_id in due.items():
            why = f"no longer holds {doc_id} here: it changed while it was read; what the store holds of it stays"
            self.report.rejected.append(Rejection(str(path), locator, "", why))

    def _keep_withdrawn(self) -> None:
        """Write again, from the history and still 已撤下, withdrawn documents the store does not hold: a rebuild
        holds only the paths it is given, and the files of a withdrawn document are gone."""
        assert self.hist is not None
        missing = [
            doc_id
            for doc_id in self.hist.doc_ids(history.WITHDRAWN)
            if doc_id not in self.hashes and doc_id not in self.taken_down
        ]
        if not missing:
            return
        self.store.begin()
        for doc_id in missing:
            latest = self.hist.version(doc_id)
            if latest is not None:
                self._write_withdrawn(latest.document)
        self.store.commit()
