"""Merging committed segments into one, term by term, without holding them in memory.

Every query reads every segment: a phrase is checked once per segment and each segment repeats the dictionary of
its terms. A bulk ingest commits one segment per chunk (:mod:`index.whoosh.writer`), and a portal fed a few
documents a day gathers small ones. :func:`merge_segments` writes several segments as one: documents renumbered
in segment order, deleted ones dropped; each field's terms merged in term order (a k-way merge over the segments'
sorted term lists); each term's posting lists read from every segment holding it (through
:mod:`index.whoosh.postings`'s readers), joined and encoded as a fresh segment encodes them
(:mod:`index.whoosh.segments`). Terms are merged a range at a time, a range per job, in worker processes where
the caller gives an executor; a job writes its encoded bytes to a file that this process copies into the new
segment in order. Memory is bounded by :data:`FLUSH_ROWS` occurrences per job (plus the longest single posting
list), not by the index.

When merges run (:mod:`index.whoosh.writer` and :func:`optimize`):

* ``portal optimize`` (:func:`optimize`): everything into one, also reclaiming the documents deleted by updates,
  when the operator chooses (after a rebuild; weekly for an index re-crawled nightly, which deletes 1 % of a large
  segment's documents a night: merging it every night would cost the whole index's merge each time);
* at the end of an ingest that committed more than one chunk (a bulk ingest, a rebuild), with
  :data:`MERGE_AFTER_BULK`: every segment merged into one. Off by default: the merge costs about what the build
  costs (the reading of each term's lists, a segment at a time, through the posting readers);
* at every commit, Lucene's tiered idea for the small segments a daily or nightly ingest adds: once more than
  :data:`MAX_SMALL_SEGMENTS` hold fewer than :data:`SMALL_SEGMENT_DOCS` documents, they are merged into one (a
  cost of their size, never of the index's);
"""

from __future__ import annotations

import concurrent.futures
import heapq
import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Segment, _lenfield
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from index.whoosh.postings import GramPositions, TermCounts, read_positions, read_postings
from index.whoosh.segments import (
    Encoded,
    Postings,
    TermLists,
    _append_bytes,
    _encode_postings,
    _Encoding,
    _write_document,
    encode_term_lists,
    load_terms,
    save_terms,
    term_lists,
)

# Whether an ingest that committed more than one chunk merges every segment into one at its end. Off: the merge
# costs about as much CPU as the build (5,000 documents in five segments: 186 s against the build's 155 s; at
# 100,000 about 1,800 s, README, Benchmarks), most of it reading each term's lists a segment at a time; worth
# turning on once postings read faster. `portal optimize` merges on demand.
MERGE_AFTER_BULK = False
SMALL_SEGMENT_DOCS = 5_000
MAX_SMALL_SEGMENTS = 8
# Occurrences (bigram positions, or postings) a job reads before it encodes them and lets them go: about 40 bytes
# each while held.
FLUSH_ROWS = 500_000
# Occurrences of the largest segment per job: a field of the index's size is cut into a few dozen jobs.
JOB_ROWS = 2_000_000
# Encoded bytes copied into the new segment at a time.
COPY_BYTES = 32 << 20


def segments_to_merge(sizes: list[int]) -> list[int]:
    """Indexes (into ``sizes``, documents per segment, the new one last) of the segments to merge: every small
    one, once there are more than MAX_SMALL_SEGMENTS of them; none before."""
    small = [i for i, size in enumerate(sizes) if size < SMALL_SEGMENT_DOCS]
    return small if len(small) > MAX_SMALL_SEGMENTS else []


def merge_segments(
    folder: Path,
    schema: Schema,
    segments: list[W3Segment],
    out: FileStorage,
    indexname: str,
    executor: concurrent.futures.Executor | None = None,
) -> W3Segment | None:
    """One segment in ``out`` holding the live documents of ``segments`` (committed segments of the index in
    ``folder``, with their deletions), in their order; None where none is live.

    Postings, stored fields, columns and field lengths are as a segment written from the same documents holds
    them (``tests/test_merge.py``). With ``executor`` (processes), the term ranges are merged and encoded there,
    their bytes saved in files in ``out``'s folder and removed once copied. Raises OSError where a file cannot be
    written (ENOSPC on a full disk); the segments merged are left as they were.
    """
    sources = _Sources.open(folder, schema, segments)
    try:
        if sources.total == 0:
            return None
        codec = default_codec()
        segment = codec.new_segment(out, indexname)
        encoding = _Encoding.of(codec)
        names = sorted({name for name in schema.names() if schema[name].indexed})
        jobs: dict[str, list[Any]] = {}
        for name in names:
            field_encoding = encoding.of_field(schema[name], sources.lengths.get(name))
            cut = [
                _Job(str(folder), schema, segments, name, low, high, field_encoding, "")
                for low, high in sources.ranges(name)
            ]
            if executor is not None:
                jobs[name] = [
                    executor.submit(merge_range, _with_path(job, Path(out.folder))) for job in cut
                ]  # submitted before the documents are written, so the workers start at once
            else:
                jobs[name] = cut
        perdoc = codec.per_document_writer(out, segment)
        for docnum, values in enumerate(sources.documents()):
            _write_document(perdoc, schema, docnum, values, sources.lengths)
        fields = codec.field_writer(out, segment)
        try:
            for name in names:
                fields.start_field(name, schema[name])
                for job in jobs.pop(name):
                    if isinstance(job, _Job):
                        path, terms = _merge_range(sources, _with_path(job, Path(out.folder)))
                    else:
                        path = job.result()
                        terms = load_terms(path)
                    _copy_encoded(fields, Path(path), terms)
                fields.finish_field()
        except BaseException:
            for pending in jobs.values():
                for job in pending:
                    if not isinstance(job, _Job):
                        job.cancel()
            raise
        fields.close()
        perdoc.close()
        segment.set_doc_count(sources.total)
        segment.create_compound_file(out)
        segment.compound = True
        return segment
    finally:
        sources.close()


def merge_executor(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """Worker processes for :func:`merge_segments` (spawned: safe whatever threads the caller runs; each exits
    with its parent, as the bulk writer's do)."""
    from index.whoosh.writer import start_worker

    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(os.getpid(), None, False),
    )


def merge_committed(ix: Index, pick: Callable[[list[int]], list[int]], workers: int = 1) -> bool:
    """Merge the committed segments of ``ix`` that ``pick`` chooses (indexes into the list of their live document
    counts, in the index's order) into one, and commit it in their place (the index's write lock held meanwhile);
    whether it merged. Nothing is merged where ``pick`` chooses one segment without deletions, or none. With
    ``workers`` above 1, term ranges are merged in that many worker processes.

    Raises whoosh's LockError where another writer holds the index, OSError where a file cannot be written; the
    index is then as it was."""
    from index.whoosh.writer import commit_segments

    whoosh = ix.writer()
    try:
        existing = list(whoosh.segments)
        chosen = [existing[i] for i in pick([segment.doc_count() for segment in existing])]
        if not chosen or (len(chosen) == 1 and not chosen[0].has_deletions()):
            whoosh.cancel()
            return False
        folder = Path(ix.storage.folder)
        scratch = Path(tempfile.mkdtemp(prefix=".segments-", dir=folder))
        executor = merge_executor(workers) if workers > 1 else None
        try:
            merged = merge_segments(folder, ix.schema, chosen, FileStorage(str(scratch)), ix.indexname, executor)
            if executor is not None:
                executor.shutdown(wait=True)
                executor = None
            if merged is not None:
                for path in sorted(scratch.glob(f"{merged.indexname}_{merged.segid}.*")):
                    os.replace(path, folder / path.name)
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        whoosh.cancel()
        raise
    commit_segments(whoosh, [merged] if merged is not None else [], replaced=chosen)
    return True


def optimize(index_dir: Path, *, lock_timeout: float = 30.0, workers: int | None = None) -> tuple[int, int]:
    """``portal optimize``: merge every segment of the live index at ``index_dir`` into one, dropping deleted
    documents, and derive the arrays searches read for the new commit. Returns the number of segments before and
    after. Holds the ingest lock (raises generations.IndexBusy past ``lock_timeout`` seconds, NoIndex where there
    is no index); searches go on reading the old commit until it is done."""
    from index.whoosh import generations
    from index.whoosh.catalog import Catalog
    from index.whoosh.writer import workers_available

    if generations.current_generation(index_dir) is None:
        raise generations.NoIndex(index_dir)  # before the lock, which would make the folder
    with generations.ingest_lock(index_dir, lock_timeout):
        ix = generations.open_current(index_dir)
        before = len(ix._segments())
        if merge_committed(ix, lambda sizes: list(range(len(sizes))), workers or workers_available()):
            catalog = Catalog(index_dir)
            try:
                catalog.prepare()
            finally:
                catalog.close()
        after = len(generations.open_current(index_dir)._segments())
    return before, after


@dataclass
class _Job:
    """One range [low, high) of a field's terms (``high`` None: to the end) to merge from ``segments`` of the index
    in ``folder``, encoded with ``encoding``, the bytes saved at ``path``. Picklable: a worker's job."""

    folder: str
    schema: Schema
    segments: list[W3Segment]
    field: str
    low: bytes
    high: bytes | None
    encoding: _Encoding
    path: str


def _with_path(job: _Job, folder: Path) -> _Job:
    job.path = str(folder / f"{uuid.uuid4().hex}.postings")
    return job


class _Sources:
    """The segments being merged, open: a reader each, and where each live document goes."""

    def __init__(self, readers: list[SegmentReader], schema: Schema) -> None:
        self.readers = readers
        self.schema = schema
        # Per segment: its new docnum for every old one (-1: deleted).
        self.renumber: list[np.ndarray] = []
        offset = 0
        for reader in readers:
            live = np.ones(reader.doc_count_all(), bool)
            deleted = np.fromiter(reader.segment().deleted_docs(), np.int64)
            live[deleted] = False
            renumber = np.where(live, np.cumsum(live) - 1 + offset, -1)
            self.renumber.append(renumber)
            offset += int(live.sum())
        self.total = offset
        self._lengths: dict[str, np.ndarray] | None = None

    @classmethod
    def open(cls, folder: Path, schema: Schema, segments: list[W3Segment]) -> _Sources:
        storage = FileStorage(str(folder), supports_mmap=False)
        return cls([SegmentReader(storage, schema, segment) for segment in segments], schema)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()

    @property
    def lengths(self) -> dict[str, np.ndarray]:
        """Each scorable field's length per new document (as the segments keep it: one byte, Whoosh's scale)."""
        if self._lengths is None:
            self._lengths = {}
            for name in self.schema.scorable_names():
                parts = []
                for reader, renumber in zip(self.readers, self.renumber, strict=True):
                    column = reader._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
                    if column is None:
                        parts.append(np.zeros(int((renumber >= 0).sum()), np.int32))
                        continue
                    table = np.array([byte_to_length(b) if b else 0 for b in range(256)], np.int32)
                    codes = np.frombuffer(bytes(column[docnum] for docnum in np.flatnonzero(renumber >= 0)), np.uint8)
                    parts.append(table[codes])
                self._lengths[name] = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return self._lengths

    def documents(self) -> Iterator[tuple[dict, dict]]:
        """(stored values, column values) of every live document, in the new order."""
        schema = self.schema
        for reader, renumber in zip(self.readers, self.renumber, strict=True):
            columns = {
                name: reader._perdoc.column_reader(name, schema[name].column_type)
                for name in schema.names()
                if schema[name].column_type is not None and reader._perdoc.has_column(name)
            }
            for docnum in np.flatnonzero(renumber >= 0).tolist():
                yield dict(reader.stored_fields(docnum)), {name: column[docnum] for name, column in columns.items()}

    def ranges(self, field: str) -> list[tuple[bytes, bytes | None]]:
        """The field's terms cut into ranges of about JOB_ROWS occurrences of the largest segment each."""
        largest = max(self.readers, key=lambda reader: reader.doc_count_all())
        cuts: list[bytes] = []
        rows = 0
        for (_field, tbytes), info in _items(largest, field):
            if rows >= JOB_ROWS:
                cuts.append(tbytes)
                rows = 0
            rows += max(int(info.weight()), info.doc_frequency())
        bounds: list[bytes | None] = [b"", *cuts, None]
        return [(low, high) for low, high in zip(bounds[:-1], bounds[1:], strict=True) if low is not None]

    def terms(self, field: str, low: bytes, high: bytes | None) -> Iterator[tuple[bytes, list[int]]]:
        """Each term of ``field`` in [low, high) in byte order, with the segments holding it (ascending)."""
        streams = [_keys(reader, field, low, high, index) for index, reader in enumerate(self.readers)]
        current: bytes | None = None
        holders: list[int] = []
        for tbytes, index in heapq.merge(*streams):
            if tbytes != current:
                if current is not None:
                    yield current, holders
                current, holders = tbytes, []
            holders.append(index)
        if current is not None:
            yield current, holders


def _items(reader: SegmentReader, field: str) -> Iterator[tuple[tuple[str, bytes], Any]]:
    try:
        items = reader._terms.items_from(field, b"")
    except KeyError:  # the segment holds no term of the field
        return
    for (name, tbytes), info in items:
        if name != field:
            return
        yield (name, tbytes), info


def _keys(reader: SegmentReader, field: str, low: bytes, high: bytes | None, index: int) -> Iterator[tuple[bytes, int]]:
    """(term, ``index``) for each of the segment's terms of ``field`` in [low, high), in order."""
    try:
        keys = reader._terms.terms_from(field, low)
    except KeyError:
        return
    for name, tbytes in keys:
        if name != field or (high is not None and tbytes >= high):
            return
        yield tbytes, index


# A worker's open segments, kept between its jobs: (folder, segment ids) → sources.
_OPEN: dict[tuple[str, tuple[str, ...]], _Sources] = {}


def merge_range(job: _Job) -> str:
    """A worker's job: merge and encode one range of a field's terms (see :func:`_merge_range`), the terms saved
    beside the encoded bytes (:func:`index.whoosh.segments.save_terms`); returns the bytes' path."""
    key = (job.folder, tuple(segment.segment_id() for segment in job.segments))
    sources = _OPEN.get(key)
    if sources is None:
        for old in _OPEN.values():
            old.close()
        _OPEN.clear()
        sources = _OPEN[key] = _Sources.open(Path(job.folder), job.schema, job.segments)
    path, terms = _merge_range(sources, job)
    save_terms(path, terms)
    return path


def _merge_range(sources: _Sources, job: _Job) -> tuple[str, list[Encoded]]:
    """The range's terms merged and encoded into the file at ``job.path``; returns the path and the terms
    (:data:`index.whoosh.segments.Encoded`, where each starts in the file)."""
    terms: list[Encoded] = []
    written = 0
    with open(job.path, "wb") as handle:
        for flushed in _flushes(sources, job):
            blob = bytearray()
            if isinstance(flushed, list):
                encoded = _encode_postings(iter(flushed), job.encoding, blob)
            else:
                encoded = encode_term_lists(flushed, job.encoding, blob)
            terms += [(tbytes, info, start + written, length) for tbytes, info, start, length in encoded]
            handle.write(blob)
            written += len(blob)
    return job.path, terms


def _flushes(sources: _Sources, job: _Job) -> Iterator[TermLists | list[Postings]]:
    """The range's merged postings, some terms at a time (about FLUSH_ROWS occurrences each): a bigram or word
    field's as :func:`index.whoosh.segments.term_lists`, another field's as W3 postings."""
    field_format = job.schema[job.field].format
    gram, word = isinstance(field_format, GramPositions), isinstance(field_format, TermCounts)
    names: list[str] = []
    codes: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    extra: list[np.ndarray] = []
    others: list[Postings] = []
    rows = 0
    for tbytes, holders in sources.terms(job.field, job.low, job.high):
        if gram or word:
            text = tbytes.decode("utf-8")
            found = 0
            for index in holders:
                reader, renumber = sources.readers[index], sources.renumber[index]
                if gram:
                    term_docs, values = read_positions(reader, job.field, text)
                else:
                    term_docs, values = read_postings(reader, job.field, text)
                new_docs = renumber[term_docs]
                keep = new_docs >= 0
                if not keep.all():
                    new_docs, values = new_docs[keep], values[keep]
                docs.append(new_docs)
                extra.append(values)
                found += new_docs.size
            if found:
                codes.append(np.full(found, len(names), np.int64))
                names.append(text)
                rows += found
        else:
            merged = _other_postings(sources, job.field, tbytes, holders)
            if merged is not None:
                others.append(merged)
                rows += merged[1].size
        if rows >= FLUSH_ROWS:
            yield _postings(gram, names, codes, docs, extra) if (gram or word) else others
            names, codes, docs, extra, others, rows = [], [], [], [], [], 0
    if names or others:
        yield _postings(gram, names, codes, docs, extra) if (gram or word) else others


def _postings(
    gram: bool, names: list[str], codes: list[np.ndarray], docs: list[np.ndarray], extra: list[np.ndarray]
) -> TermLists:
    """Occurrences of ``names`` (``codes`` numbering them from 0) as posting lists, as a fresh segment's runs
    make them (each term's documents ascending: segments are merged in order)."""
    codes_all, docs_all = np.concatenate(codes), np.concatenate(docs).astype(np.int64)
    return term_lists(gram, codes_all, docs_all, np.concatenate(extra), names.__getitem__)


def _other_postings(sources: _Sources, field: str, tbytes: bytes, holders: list[int]) -> Postings | None:
    """A term of an identifier, keyword or number field (small lists in formats other than the text fields'):
    read with Whoosh's own matcher."""
    docs: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    for index in holders:
        reader, renumber = sources.readers[index], sources.renumber[index]
        matcher = reader._terms.matcher(field, tbytes, reader.schema[field].format)
        while matcher.is_active():
            new = int(renumber[matcher.id()])
            if new >= 0:
                docs.append(new)
                weights.append(matcher.weight())
                value = matcher.value()
                if value:
                    values.append(value)
            matcher.next()
    if not docs:
        return None
    return tbytes, np.array(docs, np.int64), np.array(weights, np.float64), values or None


def _copy_encoded(fields, path: Path, terms: list[Encoded]) -> None:
    """Copy a job's encoded posting lists into the new segment, COPY_BYTES at a time, and remove its file."""
    try:
        with open(path, "rb") as handle:
            start = 0
            while start < len(terms):
                first = terms[start][2]
                stop = start + 1
                while stop < len(terms) and terms[stop][2] + terms[stop][3] - first <= COPY_BYTES:
                    stop += 1
                end = terms[stop - 1][2] + terms[stop - 1][3]
                handle.seek(first)
                blob = handle.read(end - first)
                piece = [(tbytes, info, at - first, length) for tbytes, info, at, length in terms[start:stop]]
                _append_bytes(fields, blob, piece)
                start = stop
    finally:
        path.unlink(missing_ok=True)
