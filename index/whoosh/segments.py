"""Runs of many batches (:mod:`index.whoosh.runs`) written as one Whoosh segment, a term's postings at a time.

Whoosh's own writer sends every posting through a sorting pool and then, one by one, through the
codec. Here each field's runs are merged term range by term range: the slices of every batch's sorted
arrays holding the range are joined in batch order and sorted stably by term, which leaves each term's
postings in document order. A bigram or word field's posting lists are then packed a range at a time
(:func:`index.whoosh.postings.encode_lists`, the layout described there); any other field's are written as
Whoosh's W3 codec writes them (:func:`_encode_term` follows ``W3PostingsWriter._write_block`` block for
block), as the bigram and word fields' were before (``PACKED_LISTS`` False still does). The files are Whoosh's
own, made by its field and per-document writers, and every term has its Whoosh term info (documents, weight,
lengths), so Whoosh opens the index, reads its stored fields, columns, lexicon and frequencies and runs its own
queries on the other fields; only its matchers cannot read a packed list (the project reads those in bulk).
``tests/test_segments.py`` holds a segment written here to one Whoosh writes from the same documents. One
segment per commit keeps the index small (every segment repeats the dictionary of the terms it holds) and
queries fast.
"""

from __future__ import annotations

import concurrent.futures
import pickle
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Segment, W3TermInfo
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.system import _INT_SIZE, _LONG_SIZE, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte

from index.bigrams import gram_string
from index.whoosh.postings import encode_lists
from index.whoosh.runs import GramRun, Runs, Spilled, TermRun, WordRun

# A block whose pickled data is shorter than this is not compressed (Whoosh's writer means to skip
# compressing tiny blocks too, but compresses them all); readers honour each block's own flag.
_COMPRESS_FROM = 64
# Occurrences merged at once: the memory a merge holds is about 40 bytes each.
RANGE_ROWS = 1_500_000
# Occurrences a worker process merges in one job (:func:`encode_range`): two at once, beside this process.
JOB_ROWS = 500_000
# The Chinese gram codes of index.bigrams start here; Latin/digit token ranks stay below.
_FIRST_GRAM_CODE = 0x3007 << 22

# A term table record's head: the lengths of its key and value (whoosh.filedb.filetables._lengths).
_RECORD_LENGTHS = struct.Struct("!ii")
# A term info's extent: where its postings start in the postings file (a long) and their length (an int).
_EXTENT_BYTES = _LONG_SIZE + _INT_SIZE
# Bigram and word fields' posting lists packed (index.whoosh.postings.encode_lists); False writes Whoosh's W3 layout,
# as segments written before were (what tests compare the two with).
PACKED_LISTS = True
_LENGTH_BYTES = np.frombuffer(_length_byte_cache, np.int32)  # length_to_byte's table

# A term table's hash slot as Whoosh writes it (``whoosh.filedb.filetables._pointer``, "!Iq"): the key's hash and where
# the key is (0: empty).
_SLOT_DTYPE = np.dtype([("hash", ">u4"), ("position", ">i8")])
# One term's postings: (term bytes, docnums, weights, posting values or None).
Postings = tuple[bytes, np.ndarray, np.ndarray, list[bytes] | None]


class DocumentValues(Protocol):
    """A batch's per-document values, by the batch's document number: a list, or a
    :class:`index.whoosh.writer.SavedDocuments` holding them on disk; ``clear`` forgets them once written."""

    def __getitem__(self, index: int) -> tuple[dict, dict]: ...

    def clear(self) -> None: ...


def write_segment(
    schema: Schema,
    storage: FileStorage,
    indexname: str,
    batches: list[tuple[Runs, DocumentValues]],
    executor: concurrent.futures.Executor | None = None,
    scratch: Path | None = None,
) -> W3Segment:
    """Write the documents of ``batches`` (each its runs and its ``to_fields`` dicts) as one segment in ``storage``.

    Documents are numbered in batch order, each batch's kept documents in their order. Each batch's list of
    documents (a list, or anything indexable with a ``clear``) is emptied once their stored fields are written, so
    that the merge of the postings that follows does not hold them too.

    With an ``executor`` (worker processes) and a ``scratch`` folder, the posting lists of the bigram and word
    fields are merged and encoded there, a range of terms a job (:func:`encode_range`, each job's bytes in a file
    under ``scratch``), while this process writes the stored fields and then, range by range in term order, copies
    the encoded bytes into the postings file and adds the terms to the term table: the bytes are the same.
    """
    codec = default_codec()
    segment = codec.new_segment(storage, indexname)
    offsets = np.cumsum([0] + [runs.count for runs, _ in batches])
    total = int(offsets[-1])
    lengths = {
        name: np.concatenate([runs.lengths.get(name, np.zeros(runs.count, np.int32)) for runs, _ in batches])
        for name in sorted({name for runs, _ in batches for name in runs.lengths})
    }
    names = sorted({name for runs, _ in batches for name in runs.fields})
    fmt = _Encoding.of(codec)
    field_parts = {
        name: [(runs.fields[name], int(offsets[i])) for i, (runs, _) in enumerate(batches) if name in runs.fields]
        for name in names
    }
    jobs: dict[str, list] = {}  # field → the futures of its ranges' encodings, in term order
    for name, parts in field_parts.items():
        if executor is not None and scratch is not None and not isinstance(parts[0][0], TermRun):
            field_fmt = fmt.of_field(schema[name], lengths.get(name))
            jobs[name] = [
                executor.submit(encode_range, job, field_fmt, str(scratch / f"{uuid.uuid4().hex}.postings"))
                for job in _range_jobs(parts, min(RANGE_ROWS, JOB_ROWS))
            ]
    perdoc = codec.per_document_writer(storage, segment)
    docnum = 0
    for runs, documents in batches:
        for index in runs.kept:
            _write_document(perdoc, schema, docnum, documents[index], lengths)
            docnum += 1
        documents.clear()
    fields = codec.field_writer(storage, segment)
    try:
        for name in names:
            fields.start_field(name, schema[name])
            if name in jobs:
                for job in jobs.pop(name):
                    _append_encoded(fields, Path(job.result()))
            else:
                blob = bytearray()
                encoding = fmt.of_field(schema[name], lengths.get(name))
                terms = _encode_field(field_parts[name], encoding, blob)
                _append_bytes(fields, bytes(blob), terms)
            fields.finish_field()
    except BaseException:
        for pending in jobs.values():
            for job in pending:
                job.cancel()
        raise
    fields.close()
    perdoc.close()
    segment.set_doc_count(total)
    # One compound file per segment, as Whoosh's writer makes by default: one open file per segment.
    segment.create_compound_file(storage)
    segment.compound = True
    return segment


def per_document(schema: Schema, fields: dict) -> tuple[dict[str, object], dict[str, object]]:
    """(stored values, column values) of a ``to_fields`` dict, as Whoosh's add_document keeps them: all a
    segment needs of a document besides its analysed text."""
    stored: dict[str, object] = {}
    columns: dict[str, object] = {}
    for name, value in fields.items():
        if name.startswith("_") or value is None:
            continue
        field_type = schema[name]
        custom = fields.get(f"_stored_{name}", value)
        if field_type.stored:
            stored[name] = custom
        if field_type.column_type is not None and custom is not None:
            columns[name] = field_type.to_column_value(custom)
    return stored, columns


def _write_document(perdoc, schema: Schema, docnum: int, values: tuple[dict, dict], lengths: dict) -> None:
    """Stored values, field lengths and column values of one document (see :func:`per_document`)."""
    stored, columns = values
    perdoc.start_doc(docnum)
    for name in stored.keys() | {name for name in lengths if lengths[name][docnum]}:
        length = int(lengths[name][docnum]) if name in lengths else 0
        perdoc.add_field(name, schema[name], stored.get(name), length)
    for name, value in columns.items():
        perdoc.add_column_value(name, schema[name].column_type, value)
    perdoc.finish_doc()


def _encode_field(
    parts: list[tuple[GramRun | WordRun | TermRun, int]], encoding: _Encoding, blob: bytearray
) -> list[Encoded]:
    """One field's runs (each with its batch's first document number) merged and encoded into ``blob``, term by term
    in order: a bigram or word field's lists packed (:func:`index.whoosh.postings.encode_lists`), any other
    field's as Whoosh's W3 codec writes them."""
    if isinstance(parts[0][0], TermRun):  # a field's runs are all of one kind
        merged = _merged_terms([(run, offset) for run, offset in parts if isinstance(run, TermRun)])
        return _encode_postings(merged, encoding, blob)
    return [term for job in _range_jobs(parts, RANGE_ROWS) for term in _encode_range_lists(job, encoding, blob)]


@dataclass
class _RangeJob:
    """What merging one range [low, high) of a bigram or word field's global term codes needs: per run, where its
    arrays hold the range (``slices``: codes, docs, positions or frequencies — arrays, or :class:`Spilled` files
    read from ``start`` to ``stop`` —, the batch's first document number, and the global number of each local
    rank from ``rank_from`` on), and the texts of the global ranks from ``low`` on. Picklable: a worker's job."""

    gram: bool
    low: int
    names: list[str]
    slices: list[tuple[Any, ...]]  # (codes, docs, positions or freqs, start, stop, offset, ranks, rank_from)


def _range_jobs(parts: list[tuple[GramRun | WordRun | TermRun, int]], rows: int) -> Iterator[_RangeJob]:
    """The field's code ranges of about ``rows`` occurrences each, in order."""
    columns = [(run, offset) for run, offset in parts if not isinstance(run, TermRun)]
    gram = isinstance(parts[0][0], GramRun)
    # Latin/digit tokens and words are numbered by rank in each batch: renumber by rank in all of them.
    names_of = (lambda run: run.tokens) if gram else (lambda run: run.words)
    names = sorted(set().union(*(names_of(run) for run, _ in columns)))
    renumber = [
        np.searchsorted(names, names_of(run)).astype(np.int64) if names_of(run) else np.empty(0, np.int64)
        for run, _ in columns
    ]
    for low, high in _ranges(columns, renumber, rows):
        slices = []
        for (run, offset), ranks in zip(columns, renumber, strict=True):
            start, stop = _local_bounds(run.codes, ranks, low, high)
            if start == stop:
                continue
            extra = run.positions if isinstance(run, GramRun) else run.freqs
            arrays = [
                values if isinstance(values, Spilled) else values[start:stop] for values in (run.codes, run.docs, extra)
            ]
            first, last = (start, stop) if isinstance(run.codes, Spilled) else (0, stop - start)
            rank_from = int(np.searchsorted(ranks, low))
            rank_to = int(np.searchsorted(ranks, high))
            slices.append((*arrays, first, last, offset, ranks[rank_from:rank_to], rank_from))
        if slices:
            yield _RangeJob(gram, low, names[low:high] if low < len(names) else [], slices)


def _range_lists(job: _RangeJob) -> TermLists:
    """One range's posting lists, merged: (each term's bytes, where each term's postings start and the last ends,
    each posting's docnum and frequency, and for a bigram field every posting's positions as deltas, each
    document's first from 0; None for a word field)."""
    codes, docs, extra = [], [], []
    for codes_of, docs_of, extra_of, start, stop, offset, ranks, rank_from in job.slices:
        local = np.asarray(codes_of[start:stop])
        small = local < rank_from + len(ranks)  # a rank (gram codes are larger than any)
        if small.any():
            local = np.where(small, ranks[np.clip(local - rank_from, 0, max(len(ranks) - 1, 0))], local)
        codes.append(local)
        docs.append(np.asarray(docs_of[start:stop]).astype(np.int64) + offset)
        extra.append(np.asarray(extra_of[start:stop]))
    codes_all, docs_all, extra_all = np.concatenate(codes), np.concatenate(docs), np.concatenate(extra)
    order = np.argsort(codes_all, kind="stable")  # batches in order, each sorted: documents stay in order
    return term_lists(
        job.gram,
        codes_all[order],
        docs_all[order],
        extra_all[order],
        lambda code: job.names[code - job.low] if code < _FIRST_GRAM_CODE else gram_string(code),
    )


TermLists = tuple[list[bytes], np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]


def term_lists(
    gram: bool, codes: np.ndarray, docs: np.ndarray, extra: np.ndarray, name_of: Callable[[int], str]
) -> TermLists:
    """Occurrences sorted by (term code, document[, position]) as posting lists: (each term's bytes, where each
    term's postings start and the last ends, each posting's docnum and frequency, and for a bigram field — ``extra``
    its positions — every posting's positions as deltas, each document's first from 0; None for a word field,
    whose ``extra`` is the frequencies). ``name_of`` gives a code's term."""
    rows = codes.size
    term_starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    texts = [name_of(code).encode("utf-8") for code in codes[term_starts].tolist()]
    if gram:
        positions = extra.astype(np.int64)
        new_posting = np.concatenate(([True], (codes[1:] != codes[:-1]) | (docs[1:] != docs[:-1])))
        posting_starts = np.flatnonzero(new_posting)
        deltas = positions - np.concatenate(([0], positions[:-1]))
        deltas[posting_starts] = positions[posting_starts]
        freqs = np.diff(np.concatenate((posting_starts, [rows])))
        bounds = np.searchsorted(posting_starts, np.concatenate((term_starts, [rows])))
        return texts, bounds, docs[posting_starts], freqs, deltas
    bounds = np.concatenate((term_starts, [rows]))
    return texts, bounds, docs, extra.astype(np.int64), None


def _encode_range_lists(job: _RangeJob, encoding: _Encoding, blob: bytearray) -> list[Encoded]:
    """One range of a bigram or word field merged, its posting lists packed into ``blob`` (in the W3 layout where
    ``encoding`` says not packed), with their term infos."""
    return encode_term_lists(_range_lists(job), encoding, blob)


def encode_term_lists(lists: TermLists, encoding: _Encoding, blob: bytearray) -> list[Encoded]:
    """A bigram or word field's :func:`term_lists` encoded into ``blob``: packed, or in the W3 layout where
    ``encoding`` says not packed; with their term infos."""
    texts, bounds, docs, freqs, deltas = lists
    if not encoding.packed:
        return _encode_postings(_w3_postings(texts, bounds, docs, freqs, deltas), encoding, blob)
    extents = encode_lists(bounds, docs, freqs, deltas, blob)
    infos = _term_infos(bounds, docs, freqs, encoding.lengths)
    return [(text, info, start, length) for text, info, (start, length) in zip(texts, infos, extents, strict=True)]


def _w3_postings(
    texts: list[bytes], bounds: np.ndarray, docs: np.ndarray, freqs: np.ndarray, deltas: np.ndarray | None
) -> Iterator[Postings]:
    """:func:`_range_lists`' lists term by term as the W3 encoder takes them: a bigram posting's value its
    positions as ``uint32`` deltas (:func:`index.whoosh.postings.encode_positions`), a word posting's none."""
    cuts = np.concatenate(([0], np.cumsum(freqs))) * 4
    blob = deltas.astype("<u4").tobytes() if deltas is not None else b""
    for term, text in enumerate(texts):
        low, high = int(bounds[term]), int(bounds[term + 1])
        values = None
        if deltas is not None:
            edges = cuts[low : high + 1].tolist()
            values = [blob[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]
        yield text, docs[low:high], freqs[low:high], values


# W3TermInfo's bytes before the extent: flags, total weight, documents, shortest and longest field length (as a
# byte), largest weight, first and last docnum.
_TERM_INFO = struct.Struct("!BfIBBfII")


def _term_infos(bounds: np.ndarray, docs: np.ndarray, freqs: np.ndarray, lengths: np.ndarray | None) -> list[bytes]:
    """Each term's ``W3TermInfo`` bytes without the extent, as :func:`_encode_term` gives them, for all at once."""
    starts = bounds[:-1]
    weights = np.add.reduceat(freqs.astype(np.float64), starts).tolist()
    largest = np.maximum.reduceat(freqs, starts).astype(np.float64).tolist()
    counts = np.diff(bounds).tolist()
    first, last = docs[starts].tolist(), docs[bounds[1:] - 1].tolist()
    if lengths is not None:
        of_docs = np.asarray(lengths, np.int64)[docs]
        longest = _length_bytes(np.maximum.reduceat(of_docs, starts))
        shortest_known = np.minimum.reduceat(np.where(of_docs > 0, of_docs, np.iinfo(np.int64).max), starts)
        shortest = np.where(shortest_known == np.iinfo(np.int64).max, 0, _length_bytes(shortest_known))
        short_list, long_list = shortest.tolist(), longest.tolist()
    else:
        short_list = long_list = [0] * len(counts)
    pack = _TERM_INFO.pack
    return [pack(0, *row) for row in zip(weights, counts, short_list, long_list, largest, first, last, strict=True)]


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """``whoosh.util.numeric.length_to_byte`` of every length."""
    return np.where(lengths >= 106374, 255, np.searchsorted(_LENGTH_BYTES, np.minimum(lengths, 106374), "left"))


@dataclass
class _Encoding:
    """How one field's posting lists are encoded (the codec's block size and compression, the format's fixed
    value size) and its documents' lengths, which each block records the shortest and longest of."""

    limit: int
    compression: int
    fixed: int | None = None
    lengths: np.ndarray | None = None
    packed: bool = True  # bigram and word fields' lists packed (PACKED_LISTS when the segment was started)

    @classmethod
    def of(cls, codec) -> _Encoding:
        return cls(codec._blocklimit, codec._compression, packed=PACKED_LISTS)

    def of_field(self, field_type, lengths: np.ndarray | None) -> _Encoding:
        return replace(self, fixed=field_type.format.fixed_value_size(), lengths=lengths)


# One encoded term: (term bytes, its W3TermInfo bytes without the extent, where its postings start in the
# encoded bytes, how many bytes they take).
Encoded = tuple[bytes, bytes, int, int]


def encode_range(job: _RangeJob, encoding: _Encoding, path: str) -> str:
    """A worker's job: merge one range of a field's runs and encode its posting lists as Whoosh's W3 codec does,
    the bytes saved at ``path`` and the range's terms (see :data:`Encoded`) beside them (:func:`save_terms`);
    returns ``path``."""
    blob = bytearray()
    terms = _encode_range_lists(job, encoding, blob)
    with open(path, "wb") as handle:
        handle.write(blob)
    save_terms(path, terms)
    return path


def save_terms(path: str | Path, terms: list[Encoded]) -> None:
    """A worker's encoded terms saved beside its posting lists at ``path`` (``<path>.terms``), for
    :func:`load_terms`: a job done before this process copies it in waits on disk, not in this process's memory (a
    term's tuple of four objects, some 200 bytes, for every term of the ranges done ahead)."""
    with open(f"{path}.terms", "wb") as handle:
        pickle.dump(terms, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_terms(path: str | Path) -> list[Encoded]:
    """The terms :func:`save_terms` saved beside ``path``, their file removed."""
    terms_path = Path(f"{path}.terms")
    try:
        return pickle.loads(terms_path.read_bytes())
    finally:
        terms_path.unlink(missing_ok=True)


def _append_encoded(fields, path: Path) -> None:
    """Copy encoded posting lists (a worker's :func:`encode_range`) into the segment's postings file and add their
    terms to its term table."""
    try:
        _append_bytes(fields, path.read_bytes(), load_terms(path))
    finally:
        path.unlink(missing_ok=True)


def _append_bytes(fields, blob: bytes, terms: list[Encoded]) -> None:
    """``blob`` appended to the postings file and ``terms`` to the term table, each record as
    ``OrderedHashWriter.add`` writes it (lengths, key, value; its position and hash remembered) but all in one write:
    the table's per-call file bookkeeping cost more than the rest of this process's part of the merge. The hashes and
    positions are kept in arrays (:class:`_PackedHashes`), not as Whoosh's tuple a term: 12 bytes a term, not about
    130 (a segment of 11,000 documents holds some 760,000 terms)."""
    postfile, table, field_id = fields._postfile, fields._tindex, pack_ushort(fields._fieldid)
    if not terms:
        return
    if field_id + terms[0][0] <= table.lastkey:
        raise ValueError(f"terms out of order: {table.lastkey!r}..{field_id + terms[0][0]!r}")
    base = postfile.tell()
    postfile.write(blob)
    position = table.dbfile.tell()
    index, hashed = table.index, table.hashfn
    records, hashes, positions = [], [], []
    for tbytes, info, start, length in terms:
        key = field_id + tbytes
        value = info + pack_long(base + start) + pack_int(length)
        record = _RECORD_LENGTHS.pack(len(key), len(value)) + key + value
        index.append(position)
        hashes.append(hashed(key))
        positions.append(position)
        records.append(record)
        position += len(record)
    table.dbfile.write(b"".join(records))
    table.lastkey = key
    _PackedHashes.of(table).add(hashes, positions)


class _PackedHashes:
    """A term table's (hash, position) pairs in arrays, written at its close as Whoosh's ``HashWriter._write_hashes``
    writes its 256 buckets of tuples: the same bytes (each bucket's table twice its entries long, linear probing from
    slot ``(hash >> 8) % slots`` in the order the terms came), without a Python tuple a term held until then, and
    each bucket's table written at once."""

    def __init__(self, table) -> None:
        self.table = table
        self.hashes: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []

    @classmethod
    def of(cls, table) -> _PackedHashes:
        packed = table.__dict__.get("_packed_hashes")
        if packed is None:
            packed = table._packed_hashes = cls(table)
            table._write_hashes = packed.write  # what HashWriter.close calls
        return packed

    def add(self, hashes: list[int], positions: list[int]) -> None:
        self.hashes.append(np.array(hashes, np.uint32))
        self.positions.append(np.array(positions, np.int64))

    def write(self) -> None:
        table = self.table
        if any(table.buckets):  # terms added by Whoosh's own add() too: their order among ours is not known
            raise RuntimeError("a term table written both by HashWriter.add and _append_bytes")
        hashes = np.concatenate(self.hashes) if self.hashes else np.empty(0, np.uint32)
        positions = np.concatenate(self.positions) if self.positions else np.empty(0, np.int64)
        self.hashes = self.positions = []
        order = np.argsort(hashes & 255, kind="stable")  # each bucket's entries in the order they came
        ends = np.cumsum(np.bincount(hashes & 255, minlength=256))
        dbfile = table.dbfile
        start = 0
        for end in ends.tolist():
            chosen = order[start:end]
            count, start = end - start, end
            slots = 2 * count
            table.directory.append((dbfile.tell(), slots))
            if not count:
                continue
            bucket_hashes, bucket_positions = hashes[chosen], positions[chosen]
            placed = np.zeros(slots, _SLOT_DTYPE)
            homes = ((bucket_hashes >> 8) % slots).tolist()
            taken = [False] * slots
            where = []
            for home in homes:
                slot = home
                while taken[slot]:
                    slot = slot + 1 if slot + 1 < slots else 0
                taken[slot] = True
                where.append(slot)
            placed["hash"][where] = bucket_hashes
            placed["position"][where] = bucket_positions
            dbfile.write(placed.tobytes())


def _local_bounds(codes: np.ndarray, ranks: np.ndarray, low: int, high: int) -> tuple[int, int]:
    """Where a batch's run holds the global codes [low, high): ranks are renumbered, gram codes are not."""

    def local(code: int) -> int:
        if code < _FIRST_GRAM_CODE:  # a rank: the first local rank whose global number is at least code
            return int(np.searchsorted(ranks, code))
        return code

    return _searchsorted(codes, local(low)), _searchsorted(codes, local(high))


def _searchsorted(values, value: int) -> int:
    return values.searchsorted(value) if isinstance(values, Spilled) else int(np.searchsorted(values, value))


def _ranges(parts, renumber: list[np.ndarray], rows: int) -> list[tuple[int, int]]:
    """Global code ranges each holding about ``rows`` occurrences of all runs together."""
    total = sum(len(run.codes) for run, _ in parts)
    count = max(1, -(-total // rows))
    if count == 1:
        return [(0, 1 << 62)]
    # Cut at the quantiles of a sample of every run's codes, ranks renumbered to their global number.
    samples = []
    for (run, _), ranks in zip(parts, renumber, strict=True):
        sample = _sample(run.codes)
        small = sample < len(ranks)
        samples.append(
            np.where(small, ranks[np.minimum(sample, max(len(ranks) - 1, 0))], sample) if ranks.size else sample
        )
    sample = np.sort(np.concatenate(samples))
    cuts = {int(sample[int(len(sample) * i / count)]) for i in range(1, count)}
    bounds = sorted({0, _FIRST_GRAM_CODE, 1 << 62} | cuts)
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _sample(codes) -> np.ndarray:
    """About 10,000 of a run's codes, evenly spaced."""
    if isinstance(codes, Spilled):
        return codes.sample(10_000)
    return np.asarray(codes[:: max(1, len(codes) // 10_000)])


def _merged_terms(parts: list[tuple[TermRun, int]]) -> Iterator[Postings]:
    for tbytes in sorted(set().union(*(run.terms for run, _ in parts))):
        docs: list[int] = []
        weights: list[float] = []
        values: list[bytes] = []
        for run, offset in parts:
            entry = run.terms.get(tbytes)
            if entry:
                docs += [doc + offset for doc in entry[0]]
                weights += entry[1]
                values += entry[2]
        yield tbytes, np.array(docs, np.int64), np.array(weights, np.float64), values or None


def _encode_postings(postings: Iterator[Postings], encoding: _Encoding, blob: bytearray) -> list[Encoded]:
    """Each term's postings appended to ``blob`` as ``W3PostingsWriter`` writes them (:func:`_encode_term`)."""
    lengths = encoding.lengths.tolist() if encoding.lengths is not None else None
    return [
        (tbytes, *_encode_term(blob, docs, weights, values, lengths, encoding))
        for tbytes, docs, weights, values in postings
    ]


def _encode_term(
    blob: bytearray, docs: np.ndarray, weights: np.ndarray, values: list[bytes] | None, lengths, encoding: _Encoding
) -> tuple[bytes, int, int]:
    """One term's postings appended to ``blob`` block by block as ``W3PostingsWriter._write_block`` writes them;
    returns its ``W3TermInfo`` bytes without the extent, and where its postings start in ``blob`` and their length.

    The list starts with the W3 header and each block is (length, pickled info, pickled data): info is
    (postings, last id, largest weight, compression, shortest and longest field length as bytes), data is
    (id deltas from 0, weights — None when all are 1, one number when all are equal —, values); the last
    block's length is negative. Plain Python: most terms have one to three postings, where NumPy's per-call
    cost would dominate.
    """
    terminfo = W3TermInfo()
    fixed, limit = encoding.fixed, encoding.limit
    ids_all, weights_all = docs.tolist(), weights.tolist()
    total = len(ids_all)
    start_offset = len(blob)
    blob += WHOOSH3_HEADER_MAGIC
    for start in range(0, total, limit):
        end = min(start + limit, total)
        ids, block_weights = ids_all[start:end], weights_all[start:end]
        maxweight = max(block_weights)
        if lengths is not None:
            block_lengths = [lengths[doc] for doc in ids]
            known = [length for length in block_lengths if length]
            minlength = min(known) if known else None
            maxlength = max(block_lengths)
        else:
            minlength, maxlength = None, 0
        first_weight = block_weights[0]
        mini_weights: float | tuple[float, ...] | None  # as W3PostingsWriter pickles them
        mini_values: tuple[bytes, ...] | bytes | None
        if first_weight == 1.0 and all(w == 1.0 for w in block_weights):
            mini_weights = None
        elif all(w == first_weight for w in block_weights):
            mini_weights = float(first_weight)
        else:
            mini_weights = tuple(float(w) for w in block_weights)
        if fixed is None or fixed < 0:
            mini_values = tuple(values[start:end]) if values else ()
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values[start:end]) if values else b""
        deltas = tuple(b - a for a, b in zip([0, *ids], ids, strict=False))
        data = pickle.dumps((deltas, mini_weights, mini_values), 2)
        compression = encoding.compression if len(data) >= _COMPRESS_FROM else 0
        if compression:
            data = zlib.compress(data, compression)
        info = pickle.dumps(
            (end - start, ids[-1], float(maxweight), compression, length_to_byte(minlength), length_to_byte(maxlength)),
            2,
        )
        size = len(info) + len(data)
        blob += pack_int(-size if end == total else size)
        blob += info
        blob += data
        # W3TermInfo.add_block's bookkeeping.
        terminfo._weight += float(sum(block_weights))
        terminfo._df += end - start
        if terminfo._minlength is None:
            terminfo._minlength = minlength
        elif minlength is not None:
            terminfo._minlength = min(terminfo._minlength, minlength)
        terminfo._maxlength = max(terminfo._maxlength, maxlength)
        terminfo._maxweight = max(terminfo._maxweight, maxweight)
        if terminfo._minid is None:
            terminfo._minid = ids[0]
        terminfo._maxid = ids[-1]
    terminfo.set_extent(0, 0)
    return terminfo.to_bytes()[:-_EXTENT_BYTES], start_offset, len(blob) - start_offset


def segment_files(folder: Path, segment: W3Segment) -> list[Path]:
    """The files of ``segment`` in ``folder``."""
    return sorted(folder.glob(f"{segment.indexname}_{segment.segid}.*"))
