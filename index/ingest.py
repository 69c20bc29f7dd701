"""Ingest: files → readers → normalise → index, incrementally, with a report of what happened.

The same document again is an update; unchanged content is skipped (unchanged files are not
even read); ``prune`` removes documents whose source is gone; ``rebuild`` writes a new
generation beside the live index and swaps it in.

A bad file or record is reported with its file, record and field, and the batch goes on: a
failure reading, normalising or writing one record costs that record (or, for a reader, the
rest of that file), nothing else. Records are held to the limits of :mod:`index.limits`.
Documents are committed in chunks (:class:`index.store.ChunkedWriter`): if the ingest itself
dies, a plain ingest keeps the chunks committed before, and a rebuild's generation is never
made live, so the previous index stays as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.analysis import Composable
from whoosh.index import Index

from index import limits, store
from index.attachments import read_local_attachments
from index.limits import Limits
from index.normalise import RejectedRecord, normalise
from index.readers import ReadError, read_file
from index.readers.crawled import is_sidecar
from index.record import Document, Finding, RawRecord
from index.schema import build_schema, content_hash, dedup_key, to_fields

# Files in a documents folder that are not documents.
_SKIPPED_NAMES = ("README", "LICENSE", "CHANGELOG", ".")
_SKIPPED_SUFFIXES = frozenset({".md", ".py", ".pyc", ".lock", ".tmp", ".part"})


@dataclass(frozen=True)
class Rejection:
    source: str
    locator: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.source, self.locator) if part)
        return f"{where}: " + (f"field {self.field}: " if self.field else "") + self.reason


@dataclass(frozen=True)
class DocWarning:
    doc_id: str
    where: str
    finding: Finding

    def __str__(self) -> str:
        return f"{self.where} [{self.doc_id}]: {self.finding.field}: {self.finding.message}"


@dataclass(frozen=True)
class Duplicate:
    doc_id: str
    where: str
    duplicate_of: str  # the id of the copy that is indexed
    first_where: str = ""  # where that copy was read in this run, if it was

    def __str__(self) -> str:
        first = f" (read from {self.first_where})" if self.first_where else ""
        return f"{self.where}: same document as {self.duplicate_of}{first}, not indexed twice"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    files_read: int = 0
    files_unchanged: int = 0
    rebuilt: bool = False
    cleaned: list[str] = field(default_factory=list)  # leftovers of killed ingests, removed first

    def to_dict(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "rejected": [vars(r) for r in self.rejected],
            "warnings": [{"id": w.doc_id, "where": w.where, **w.finding.to_dict()} for w in self.warnings],
            "duplicates": [vars(d) for d in self.duplicates],
            "files_read": self.files_read,
            "files_unchanged": self.files_unchanged,
            "rebuilt": self.rebuilt,
            "cleaned": self.cleaned,
        }


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Document files under ``paths`` (files as given, folders walked in name order)."""
    for path in paths:
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(path) if candidate != path else Path(candidate.name)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if candidate.name.startswith(_SKIPPED_NAMES) or candidate.suffix.lower() in _SKIPPED_SUFFIXES:
                continue
            if is_sidecar(candidate):
                continue
            yield candidate


def file_digest(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _IndexState:
    """What the index holds before this run: id → content hash, dedup key → id."""

    hashes: dict[str, str]
    dedup: dict[str, str]

    @classmethod
    def of(cls, ix: Index) -> _IndexState:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return cls({}, {})
            ids = reader.column_reader("id")
            hashes = reader.column_reader("content_hash")
            keys = reader.column_reader("dedup_key")
            state = cls({}, {})
            for docnum in reader.all_doc_ids():
                doc_id = ids[docnum]
                state.hashes[doc_id] = hashes[docnum]
                if keys[docnum]:
                    state.dedup[keys[docnum]] = doc_id
            return state


def ingest_paths(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    rebuild: bool = False,
    lock_timeout: float = 30.0,
    progress: Callable[[str], None] | None = None,
    analyzer: Composable | None = None,
) -> IngestReport:
    """Ingest every document under ``paths`` into the index at ``index_dir``; see the module docstring.

    ``analyzer`` is the Chinese analyzer a new index is built with (the default dictionary's when None);
    an existing index keeps the one it was built with, so queries are always analysed as its documents were.
    Records are held to the limits in force (:func:`index.limits.current`, from the environment).
    """
    bounds = limits.current()
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    with store.ingest_lock(index_dir, lock_timeout):
        cleaned = store.clean_leftovers(index_dir)
        live = store.current_generation(index_dir)
        if rebuild or live is None:
            generation, ix = store.new_generation(index_dir, build_schema(analyzer))
            report = IngestReport(rebuilt=live is not None, cleaned=cleaned)
            try:
                _ingest_into(ix, generation, paths, report, bounds, prune=prune, progress=progress)
            except BaseException:
                store.discard(generation)
                raise
            store.publish(index_dir, generation)
        else:
            report = IngestReport(cleaned=cleaned)
            ix = store.open_current(index_dir)
            _ingest_into(ix, live, paths, report, bounds, prune=prune, progress=progress)
        return report


def _ingest_into(
    ix: Index,
    generation: Path,
    paths: list[Path],
    report: IngestReport,
    bounds: Limits,
    *,
    prune: bool,
    progress: Callable[[str], None] | None,
) -> None:
    state = _IndexState.of(ix)
    sources = store.read_sources(generation)
    # sources.json is written with every commit and names only files whose documents are all committed,
    # so after a crash the next ingest reads again exactly the files it must.
    committed = dict(sources)
    seen: dict[str, str] = {}  # id → where, for this run
    kept_sources: set[str] = set()
    with store.ChunkedWriter(ix, on_commit=lambda: store.write_sources(generation, committed)) as writer:
        for path in iter_files(paths):
            source = str(path.resolve())  # the same file, however the command line named it
            kept_sources.add(source)
            digest = file_digest(path)
            previous = sources.get(source)
            if previous and previous.get("sha1") == digest:
                report.files_unchanged += 1
                report.unchanged += len(previous["ids"])
                seen.update({doc_id: source for doc_id in previous["ids"]})
                continue
            report.files_read += 1
            ids, complete = _ingest_file(path, writer, state, seen, report, bounds, progress)
            if complete:
                sources[source] = {"sha1": digest, "ids": ids}
            else:
                # Something in the file could not be read: keep what it held before, read it again next time.
                old_ids = list(previous["ids"]) if previous else []
                seen.update({doc_id: source for doc_id in old_ids})
                sources[source] = {"sha1": "", "ids": sorted(set(ids) | set(old_ids))}
            committed[source] = sources[source]
        if prune:
            _prune(writer, paths, sources, kept_sources, seen, report)
            committed.clear()
            committed.update(sources)
    store.write_sources(generation, sources)


def _ingest_file(
    path: Path,
    writer: store.ChunkedWriter,
    state: _IndexState,
    seen: dict[str, str],
    report: IngestReport,
    bounds: Limits,
    progress: Callable[[str], None] | None,
) -> tuple[list[str], bool]:
    """Index one file's documents; returns their ids and whether every record was read.

    Each record is read, normalised and written on its own: whatever fails is a rejection naming
    the file, the record and (where known) the field, and the next record goes on.
    """
    ids: list[str] = []
    complete = True
    for item in read_file(path, bounds.max_records_per_file):
        if isinstance(item, ReadError):
            report.rejected.append(Rejection(item.source, item.locator, item.field, item.message))
            complete = False
            continue
        if progress:
            progress(item.where)
        doc = _document(item, path, bounds, report)
        if doc is None:
            complete = False
            continue
        where = item.where
        if doc.id in seen:
            report.duplicates.append(Duplicate(doc.id, where, doc.id, seen[doc.id]))
            continue
        key = dedup_key(doc)
        twin = state.dedup.get(key) if key else None
        if twin and twin != doc.id:
            report.duplicates.append(Duplicate(doc.id, where, twin, seen.get(twin, "")))
            continue
        try:
            _write(writer, doc, state, report)
        except store.UnwritableDocument as exc:
            field = _failing_field(writer, doc)
            report.rejected.append(Rejection(doc.source, doc.locator, field, f"could not be indexed: {exc}"))
            complete = False
            continue
        seen[doc.id] = where
        ids.append(doc.id)
        report.warnings += [DocWarning(doc.id, where, finding) for finding in doc.warnings]
        if key:
            state.dedup[key] = doc.id
    return ids, complete


def _document(record: RawRecord, path: Path, bounds: Limits, report: IngestReport) -> Document | None:
    """The record as a bounded document with its attachments' text, or None (and a rejection) if it cannot be."""
    try:
        doc = normalise(limits.checked_record(record, bounds))
        doc.warnings += _with_attachment_text(doc, path)
        limits.bound_attachment_text(doc, bounds)
    except RejectedRecord as exc:
        report.rejected.append(Rejection(exc.source, exc.locator, exc.field, exc.reason))
        return None
    # Normalising runs many rules over text a hostile file chose: a failure in one costs this record only.
    except Exception as exc:
        report.rejected.append(
            Rejection(record.source, record.locator, "", f"could not be normalised: {type(exc).__name__}: {exc}")
        )
        return None
    return doc


def _with_attachment_text(doc: Document, path: Path) -> list[Finding]:
    """Fill in the text of attachments stored beside the document; a file that cannot be read is a finding."""
    missing = [a for a in doc.attachments if not a.text]
    if not missing:
        return []
    findings = []
    for attachment, filled in zip(missing, read_local_attachments(path, [a.to_dict() for a in missing]), strict=True):
        attachment.text = filled.get("text") or ""
        if filled.get("error"):
            findings.append(Finding("attachment_unreadable", "attachments", f"附件无法读取（{filled['error']}）"))
    return findings


def _failing_field(writer: store.ChunkedWriter, doc: Document) -> str:
    """The first field of ``doc`` the index's analysers fail on ("" if none alone does), for the report."""
    schema = writer.schema
    for name, value in to_fields(doc, "").items():
        if name in schema and isinstance(value, str) and schema[name].indexed:
            try:
                for _ in schema[name].index(value):
                    pass
            except Exception:  # finding which field fails is the point
                return name
    return ""


def _write(writer: store.ChunkedWriter, doc: Document, state: _IndexState, report: IngestReport) -> None:
    digest = content_hash(doc)
    previous = state.hashes.get(doc.id)
    if previous == digest:
        report.unchanged += 1
        return
    fields = to_fields(doc, digest)
    # The index's ids are all in state.hashes: a new one needs no lookup (which would read every segment).
    writer.update_document(**fields) if previous else writer.add_document(**fields)
    state.hashes[doc.id] = digest
    (report.updated if previous else report.added).append(doc.id)


def _prune(writer, roots: list[Path], sources: dict, kept: set[str], seen: dict[str, str], report) -> None:
    """Delete documents that came from under ``roots`` and were not seen in this run."""
    resolved = [root.resolve() for root in roots]
    for source in list(sources):
        source_path = Path(source).resolve()
        if not any(source_path == root or root in source_path.parents for root in resolved):
            continue
        for doc_id in sources[source]["ids"]:
            if doc_id not in seen:
                writer.delete_by_term("id", doc_id)
                report.removed.append(doc_id)
        if source not in kept:
            del sources[source]
