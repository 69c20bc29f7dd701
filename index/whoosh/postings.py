"""Posting formats of the text fields, and reading whole posting lists into arrays.

Whoosh's own formats pickle a list per posting and its matchers score one posting at a time in
Python; the query engine (:mod:`index.whoosh.engine`) instead reads a term's whole posting list
into NumPy arrays and scores them at once. Two formats serve it:

* :class:`TermCounts` (word fields): the weight is the term's frequency; nothing else is stored.
* :class:`GramPositions` (bigram fields): the weight is the frequency, the value the positions.

Their posting lists are packed (:func:`encode_lists`; the layout is described above it): document
deltas, frequencies and position deltas as arrays of 1-, 2- or 4-byte integers, read with
``np.frombuffer`` and nothing unpickled, a third of the W3 layout's size. This module alone knows the
layouts: :func:`read_postings` and :func:`read_positions` read a packed list, or one in the layout of
Whoosh 2.7's W3 codec (``whoosh-reloaded`` is pinned) that indexes written before hold and Whoosh's
own writer writes: a chain of blocks, each a pickled ``(id deltas, weights, values)`` tuple, a
bigram posting's value its positions as little-endian ``uint32`` deltas. ``tests/test_postings.py``
holds the W3 reading to Whoosh's own matchers, ``tests/test_packed_postings.py`` packed lists to W3 ones.
"""

from __future__ import annotations

import io
import itertools
import pickle
import struct
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Format
from whoosh.reading import IndexReader

from index.whoosh.termtable import once, positional_file, term_table

_EMPTY = b""
# A decoded block's memory, roughly: Python objects per posting (an int, a bytes object and their places in
# tuples), and its decompressed bytes against the compressed.
_BLOCK_OBJECTS = 120
_BLOCK_EXPANSION = 3
_ENTRY_BYTES = 200  # a block's entry in a term's directory of blocks, roughly
_BLOCK_SIZE = struct.Struct("!i")  # a W3 posting block's length (whoosh.system's pack_int)


class TermCounts(Format):
    """Frequency only, as the posting's weight; no posting value at all."""

    posting_size = 0

    def __init__(self, field_boost: float = 1.0, **options: object) -> None:
        self.field_boost = field_boost
        self.options = options

    def word_values(self, value, analyzer, **kwargs):
        counts = value.counts() if hasattr(value, "counts") else Counter(t.text for t in analyzer(value, **kwargs))
        return ((word, freq, float(freq), _EMPTY) for word, freq in counts.items())

    def decode_frequency(self, valuestring: bytes) -> int:
        return 1  # the weight carries the frequency

    def decode_weight(self, valuestring: bytes) -> float:
        return self.field_boost


class GramPositions(Format):
    """Positions as ``uint32`` deltas; the weight is the frequency."""

    posting_size = -1

    def __init__(self, field_boost: float = 1.0, **options: object) -> None:
        self.field_boost = field_boost
        self.options = options

    def word_values(self, value, analyzer, **kwargs):
        if hasattr(value, "positions"):
            positions = value.positions()
        else:
            positions = defaultdict(list)
            for token in analyzer(value, positions=True, **kwargs):
                positions[token.text].append(token.pos)
        for word, poses in positions.items():
            yield word, len(poses), float(len(poses)), encode_positions(poses)

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return float(len(valuestring) // 4) * self.field_boost

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(itertools.accumulate(array("I", valuestring)))


def encode_positions(positions: list[int]) -> bytes:
    """Ascending positions as ``uint32`` deltas (the first from 0)."""
    deltas = array("I", positions)
    for i in range(len(deltas) - 1, 0, -1):
        deltas[i] -= deltas[i - 1]
    return deltas.tobytes()


# The packed layout -------------------------------------------------------------------------------
#
# A posting list of a GramPositions or TermCounts field written by this project (index.whoosh.segments) is, at the
# extent its Whoosh term info names in the segment's postings file:
#
#   PACKED_TAG (1 byte) | widths (1 byte) | [exceptions] | doc ids | frequencies | positions
#
# * doc ids: ascending docnums as deltas (the first from 0), one integer each;
# * frequencies: one integer per document (its positions' count; the posting's weight);
# * positions: each document's positions as deltas (the first from 0), documents in order (none in a word field);
# * widths: bits 0-1, 2-3 and 4-5 give the byte width of each of the three arrays (0: 1 byte, 1: 2, 2: 4; every
#   integer little-endian and unsigned); bit 6 says that exceptions follow;
# * exceptions (patched frame of reference, as in Zukowski et al. 2006 "Super-scalar RAM-CPU cache compression"):
#   for each array in turn, a count ``uint32`` then that many indexes and that many values (``uint32`` each): the
#   integers too large for the array's width, which the array holds truncated.
#
# Each array's width is the one that takes the fewest bytes, exceptions included, so a common bigram whose
# positions all fit in 2 bytes but a few is not stored at 4. The number of documents is the term info's document
# frequency, the number of positions the frequencies' sum. Everything decodes with ``np.frombuffer`` and a
# cumulative sum, and any document's positions can be read alone (its place is the sum of the frequencies before
# it), so a phrase checked in a few candidates reads only theirs. A W3 list starts with ``W3Bl``: the tag tells
# the two apart, list by list, so a segment written before (or by Whoosh's own writer) reads as it always did.

PACKED_TAG = 0x50  # "P"; a W3 list starts with "W"
_DTYPES = (np.dtype("<u1"), np.dtype("<u2"), np.dtype("<u4"))
_LIMITS = (1 << 8, 1 << 16, 1 << 32)
_HAS_EXCEPTIONS = 0x40
_EXCEPTION_BYTES = 8  # an index and a value
_EXCEPTIONS_HEAD = 12  # three counts, once a list has any exception
_U4 = np.dtype("<u4")
_NO_EXCEPTIONS = bytes(4)


def _widths(values: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For consecutive lists (``values[bounds[i]:bounds[i + 1]]``, none empty): each one's width code (0, 1, 2) and
    how many of its values exceed that width."""
    starts = bounds[:-1]
    counts = np.diff(bounds)
    over = [np.add.reduceat((values >= limit).astype(np.int64), starts) for limit in _LIMITS[:2]]
    over.append(np.zeros(starts.size, np.int64))
    costs = np.stack(
        [
            counts * (1 << code) + over[code] * _EXCEPTION_BYTES + (over[code] > 0) * _EXCEPTIONS_HEAD
            for code in range(3)
        ]
    )
    codes = np.argmin(costs[::-1], axis=0)  # ties go to the wider (no exceptions)
    codes = 2 - codes
    return codes, np.choose(codes, over)


def encode_lists(
    bounds: np.ndarray, docs: np.ndarray, freqs: np.ndarray, positions: np.ndarray | None, blob: bytearray
) -> list[tuple[int, int]]:
    """Append the packed posting lists of consecutive terms to ``blob``; returns each one's (start, length) there.

    Term ``i``'s postings are ``docs[bounds[i]:bounds[i + 1]]`` (ascending docnums, at least one) with ``freqs`` (each
    at least 1 where ``positions`` are given); ``positions`` (int64, or None for a word field) holds every posting's
    positions in order, ``freqs`` of them a posting, each document's as deltas from its previous (the first from 0).
    """
    docs = docs.astype(np.int64)
    first = np.zeros(docs.size, bool)
    first[bounds[:-1]] = True
    doc_deltas = np.where(first, docs, docs - np.concatenate(([0], docs[:-1])))
    freqs = freqs.astype(np.int64)
    arrays: list[tuple[np.ndarray, np.ndarray]] = [(doc_deltas, bounds), (freqs, bounds)]
    if positions is not None:
        position_bounds = np.concatenate(([0], np.cumsum(freqs)))[bounds]
        arrays.append((positions.astype(np.int64), position_bounds))
    widths = [_widths(values, where) for values, where in arrays]
    packed = [[values.astype(dtype).tobytes() for dtype in _DTYPES] for values, _ in arrays]
    flags = widths[0][0] | (widths[1][0] << 2)
    if positions is not None:
        flags |= widths[2][0] << 4
    excepted = np.zeros(bounds.size - 1, bool)
    for _codes, over in widths:
        excepted |= over > 0
    flags |= np.where(excepted, _HAS_EXCEPTIONS, 0)
    heads = [bytes((PACKED_TAG, flag)) for flag in flags.tolist()]
    code_lists = [codes.tolist() for codes, _ in widths]
    bound_lists = [where.tolist() for _, where in arrays]
    extents = []
    for term, head in enumerate(heads):
        start = len(blob)
        blob += head
        if excepted[term]:
            for (values, _), codes, where in zip(arrays, code_lists, bound_lists, strict=True):
                chunk = values[where[term] : where[term + 1]]
                at = np.flatnonzero(chunk >= _LIMITS[codes[term]])
                blob += np.array([at.size], _U4).tobytes() + at.astype(_U4).tobytes() + chunk[at].astype(_U4).tobytes()
            if positions is None:
                blob += _NO_EXCEPTIONS  # a word field's positions: none
        for parts, codes, where in zip(packed, code_lists, bound_lists, strict=True):
            width = 1 << codes[term]
            blob += parts[codes[term]][where[term] * width : where[term + 1] * width]
        extents.append((start, len(blob) - start))
    return extents


def _documents(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray, int, tuple[np.ndarray, np.ndarray]]:
    """A packed list's docnums and frequencies (``int64``), where its positions start in ``data``, and the positions'
    exceptions (indexes, values): what a list read without its positions decodes."""
    flags = data[1]
    offset = 2
    exceptions: list[tuple[np.ndarray, np.ndarray]] = []
    if flags & _HAS_EXCEPTIONS:
        for _ in range(3):
            (size,) = struct.unpack_from("<I", data, offset)
            at = np.frombuffer(data, _U4, size, offset + 4).astype(np.int64)
            values = np.frombuffer(data, _U4, size, offset + 4 + 4 * size).astype(np.int64)
            exceptions.append((at, values))
            offset += 4 + 8 * size
    else:
        exceptions = [(_NONE, _NONE)] * 3
    arrays = []
    for index in range(2):
        dtype = _DTYPES[(flags >> (2 * index)) & 3]
        values = np.frombuffer(data, dtype, count, offset).astype(np.int64)
        offset += count * dtype.itemsize
        at, patch = exceptions[index]
        if at.size:
            values[at] = patch
        arrays.append(values)
    return np.cumsum(arrays[0]), arrays[1], offset, exceptions[2]


class _Packed:
    """One packed list decoded as far as its documents: docnums, frequencies, where each document's positions
    start, and the positions' raw integers (with their exceptions) to decode on demand."""

    __slots__ = ("docs", "freqs", "starts", "raw", "patch_at", "patch_values")

    def __init__(self, data: bytes, count: int) -> None:
        docs, freqs, offset, position_exceptions = _documents(data, count)
        self.docs = docs
        self.freqs = freqs
        self.starts = np.cumsum(self.freqs) - self.freqs
        dtype = _DTYPES[(data[1] >> 4) & 3]
        total = (len(data) - offset) // dtype.itemsize
        self.raw = np.frombuffer(data, dtype, total, offset)
        self.patch_at, self.patch_values = position_exceptions

    def nbytes(self) -> int:
        return self.docs.nbytes * 3 + self.raw.nbytes + self.patch_at.nbytes * 2

    @classmethod
    def joined(cls, parts: list[tuple[_Packed, int]]) -> _Packed:
        """One list of several segments' lists, each given with the docnum its segment starts at (ascending): the
        documents numbered across segments, the positions' raw integers in one array (exceptions applied)."""
        joined = cls.__new__(cls)
        joined.docs = np.concatenate([part.docs + offset for part, offset in parts] or [_NONE])
        joined.freqs = np.concatenate([part.freqs for part, _ in parts] or [_NONE])
        joined.starts = np.cumsum(joined.freqs) - joined.freqs
        raws = [part.raw for part, _ in parts]
        if any(part.patch_at.size for part, _ in parts):
            raws = [part.raw.astype(_U4) for part, _ in parts]
            for raw, (part, _) in zip(raws, parts, strict=True):
                raw[part.patch_at] = part.patch_values
        joined.raw = np.concatenate(raws) if raws else np.empty(0, _U4)  # the widest of the segments' widths
        joined.patch_at, joined.patch_values = _NONE, _NONE
        return joined

    def within(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, position) ``int64`` of every occurrence in ``docs`` (ascending docnums)."""
        at = np.searchsorted(self.docs, docs)
        inside = at < self.docs.size
        inside[inside] = self.docs[at[inside]] == docs[inside]
        return self.positions(at[inside])

    def positions(self, chosen: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, position) ``int64`` of every occurrence, or of those in the postings ``chosen`` (indexes)."""
        if chosen is None:
            counts, deltas, docs = self.freqs, self.raw.astype(np.int64), self.docs
            if self.patch_at.size:
                deltas[self.patch_at] = self.patch_values
        else:
            counts, docs = self.freqs[chosen], self.docs[chosen]
            ends = np.cumsum(counts)
            total = int(ends[-1]) if ends.size else 0
            where = np.repeat(self.starts[chosen] - (ends - counts), counts) + np.arange(total)
            deltas = self.raw[where].astype(np.int64)
            if self.patch_at.size:
                found = np.searchsorted(self.patch_at, where)
                hit = found < self.patch_at.size
                hit[hit] = self.patch_at[found[hit]] == where[hit]
                deltas[hit] = self.patch_values[found[hit]]
        return np.repeat(docs, counts), _undelta(deltas, counts)


_NONE = np.empty(0, np.int64)


def _undelta(deltas: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions from per-document deltas (each document's first from 0), ``counts`` a document."""
    positions = np.cumsum(deltas)
    starts = np.cumsum(counts) - counts
    carried = np.concatenate(([0], positions))[starts]
    positions -= np.repeat(carried, counts)
    return positions


# Reading ---------------------------------------------------------------------------------------


class BlockCache(Protocol):
    """Where decoded blocks are kept between reads (:class:`index.whoosh.arrays.IndexArrays` keeps one per commit)."""

    def get(self, key: tuple) -> Any:
        """What ``put`` kept under ``key`` (a :data:`Block`, or a term's :data:`Directory`), or None."""

    def put(self, key: tuple, value: object, size: int) -> object: ...


# One decoded block: (postings, id deltas from 0, weights, posting values).
Block = tuple[int, Sequence[int], float | Sequence[float] | None, Sequence[bytes]]


def _blocks(
    leaf: IndexReader,
    field: str,
    term: str,
    within: np.ndarray | None = None,
    cache: BlockCache | None = None,
    found: _Found | None = None,
) -> Iterator[Block]:
    """(block length, id deltas, weights, values) of every block of a term's W3 posting list in one segment
    (nothing where the segment lacks the term; deleted documents are the caller's business). With ``within``
    (ascending docnums of the segment), only the blocks whose range of ids holds one of them: each block's
    ids are deltas from 0 and its info names its last id, so the others are skipped without decoding.
    ``found`` is the term's :func:`_lookup`, where the caller has made it.

    The list's bytes are read at once and its blocks parsed here, in the W3 layout (a 4-byte tag, then per block
    a signed big-endian length, negative for the last, the pickled block info, the pickled and perhaps
    zlib-compressed data): through Whoosh's matcher every block costs a dozen small seeks and reads of the
    segment file, most of the time of a posting list read for the first time. With ``cache``, the blocks read for
    ``within`` are kept there decoded (unpickling is most of the rest), keyed by segment, term and place.
    """
    segment = leaf.segment().segment_id() if cache is not None else None
    directory = cache.get((segment, field, term)) if cache is not None else None
    data = b""
    if directory is None:
        directory, data = _directory(*(found or _lookup(leaf, field, term)), field, term)
        if cache is not None:
            cache.put((segment, field, term), directory, _ENTRY_BYTES * (1 + len(directory[1])))
    inlined, entries = directory
    if inlined is not None:
        yield inlined
        return
    base = entries[0][2] if entries else 0  # where ``data`` starts in the file
    for previous_max, max_id, start, length, compressed, block_length in entries:
        if within is not None and not _holds_one(within, previous_max, max_id):
            continue
        key = (segment, field, term, start)
        block = cache.get(key) if cache is not None else None
        if block is None:
            raw = data[start - base : start - base + length] if data else leaf._terms._postfile.get(start, length)
            ids, weights, values = pickle.loads(zlib.decompress(raw) if compressed else raw)
            block = (block_length, ids, weights, values)
            if cache is not None:
                cache.put(key, block, _BLOCK_OBJECTS * block_length + length * _BLOCK_EXPANSION)
        yield block


# A term's entry in one segment: (its Whoosh term info, or None where absent; where its list starts in the postings
# file; the list's bytes, b"" where absent or inlined in the term info).
_Found = tuple[Any, int, bytes]


class _SegmentTerms:
    """One segment's term look-ups, made once per segment (:func:`_terms_of`): its term table and postings file read
    by ``os.pread`` (:mod:`index.whoosh.termtable`), and per field the key prefix Whoosh's codec puts before a term's
    bytes (the field's number in the segment) with the field's ``to_bytes``: what Whoosh's reader works out again
    for every term it is asked (``_text_to_bytes``, ``_keycoder``). A field the segment holds no term of has no
    number: its terms are known absent without a look-up (a field no document of the segment fills)."""

    __slots__ = ("terms", "table", "postings", "schema", "fieldmap", "_fields")

    def __init__(self, leaf: IndexReader) -> None:
        terms: Any = getattr(leaf, "_terms")  # noqa: B009  (a segment reader's, which Whoosh's types do not name)
        self.terms = terms
        self.table = term_table(terms._tindex)
        self.postings = positional_file(terms._postfile) or terms._postfile
        self.schema = leaf.schema
        self.fieldmap: dict[str, int] = terms._fieldmap
        self._fields: dict[str, tuple[bytes, Any] | None] = {}

    def key(self, field: str, term: str) -> bytes | None:
        """The term's key in the segment's term table (Whoosh's ``_keycoder`` of its bytes); None where the segment
        holds no term of ``field`` (or the schema has no such field)."""
        if field not in self._fields:
            number = self.fieldmap.get(field)
            self._fields[field] = (
                None
                if number is None or field not in self.schema
                else (_FIELD_NUMBER.pack(number), self.schema[field].to_bytes)
            )
        found = self._fields[field]
        if found is None:
            return None
        prefix, to_bytes = found
        return prefix + to_bytes(term)

    def info(self, field: str, term: str):
        """The term's Whoosh term info (``W3TermInfo``) in this segment, or None where it lacks the term."""
        key = self.key(field, term)
        if key is None:
            return None
        if self.table is None:  # not a plain file: Whoosh's own look-up
            try:
                return W3TermInfo.from_bytes(self.terms._tindex[key])
            except KeyError:
                return None
        value = self.table.lookup(key)
        return None if value is None else W3TermInfo.from_bytes(value)


_FIELD_NUMBER = struct.Struct("!H")  # whoosh.codec.whoosh3's key prefix (pack_ushort)


def _terms_of(leaf: IndexReader) -> _SegmentTerms | None:
    """The :class:`_SegmentTerms` of a segment reader, made once per segment; None for an index of no segment (Whoosh's
    EmptyReader holds no term at all)."""
    terms = getattr(leaf, "_terms", None)
    if terms is None:
        return None
    return once(terms, lambda: _SegmentTerms(leaf))


def _lookup(leaf: IndexReader, field: str, term: str) -> _Found:
    """A term's :data:`_Found` in one segment: one look-up of the term and one read of its whole list."""
    segment = _terms_of(leaf)
    info = segment.info(field, term) if segment is not None else None
    if info is None:
        return None, 0, b""
    if info.is_inlined():  # a short list kept in the term info itself
        return info, 0, b""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct's 1-tuple (Whoosh's matcher never reads it)
        (length,) = length
    assert segment is not None
    return info, offset, segment.postings.get(offset, length)


def doc_frequency(leaf: IndexReader, field: str, term: str) -> int:
    """Documents of one segment holding ``term`` in ``field``, deleted ones included (Whoosh's ``doc_frequency``), from
    the term's info alone: its list is not read."""
    segment = _terms_of(leaf)
    info = segment.info(field, term) if segment is not None else None
    return 0 if info is None else info.doc_frequency()


def _is_packed(data: bytes) -> bool:
    return bool(data) and data[0] == PACKED_TAG


# Where a term's blocks are: (the block itself where the list is inlined in the term info, else None; per block
# (last id of the block before, its last id, where its data starts in the segment file, bytes, compression,
# postings)).
Directory = tuple[Block | None, list[tuple[int, int, int, int, int, int]]]


def _directory(info, offset: int, data: bytes, field: str, term: str) -> tuple[Directory, bytes]:
    """A term's W3 :data:`Directory` from its :func:`_lookup` (empty where absent) and the bytes of its list from
    the first block's data on (b"" where inlined or absent)."""
    if info is None:
        return (None, []), b""
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        deltas = [b - a for a, b in zip([0, *ids], ids, strict=False)]
        block = (len(ids), deltas, tuple(weights), tuple(value or _EMPTY for value in values))
        return (block, []), b""
    if data[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"posting list of {field}:{term!r} starts with neither the W3 nor the packed tag")
    stream = io.BytesIO(data)
    position, previous_max = len(WHOOSH3_HEADER_MAGIC), -1
    entries = []
    while True:
        (size,) = _BLOCK_SIZE.unpack_from(data, position)
        stream.seek(position + _BLOCK_SIZE.size)
        block_length, max_id, _max_weight, compressed, _min_length, _max_length = pickle.load(stream)
        end = position + _BLOCK_SIZE.size + abs(size)
        entries.append((previous_max, max_id, offset + stream.tell(), end - stream.tell(), compressed, block_length))
        if size < 0:
            break
        position, previous_max = end, max_id
    first = entries[0][2] - offset
    return (None, entries), data[first:]


def _holds_one(docs: np.ndarray, after: int, last: int) -> bool:
    """Whether ascending ``docs`` hold a docnum in (after, last]."""
    i = int(np.searchsorted(docs, after, side="right"))
    return i < docs.size and docs[i] <= last


def read_postings(leaf: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums ``int32``, frequencies ``float32``) of a term in one segment; empty arrays if absent."""
    found = _lookup(leaf, field, term)
    info, _offset, data = found
    if info is None:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    if _is_packed(data):
        docs, freqs, _offset, _exceptions = _documents(data, info.doc_frequency())
        return docs.astype(np.int32), freqs.astype(np.float32)
    ids: list[int] = []
    weights: list[float] = []
    for length, deltas, block_weights, _values in _blocks(leaf, field, term, found=found):
        ids.extend(itertools.accumulate(deltas))
        if block_weights is None:
            weights.extend(itertools.repeat(1.0, length))
        elif isinstance(block_weights, float):
            weights.extend(itertools.repeat(block_weights, length))
        else:
            weights.extend(block_weights)
    return np.array(ids, np.int32), np.array(weights, np.float32)


def packed_list(leaf: IndexReader, field: str, term: str) -> _Packed | None:
    """A term's packed list in one segment, decoded as far as its documents (an empty one where the segment lacks
    the term); None where the list is in the W3 layout."""
    info, _offset, data = _lookup(leaf, field, term)
    if info is None:
        return _Packed.joined([])
    return _Packed(data, info.doc_frequency()) if _is_packed(data) else None


def joined_list(reader: IndexReader, field: str, term: str) -> _Packed | None:
    """A term's packed lists of every segment of ``reader`` as one (docnums across segments, deleted documents
    included); None where a segment holds the term's list in the W3 layout."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        packed = packed_list(leaf, field, term)
        if packed is None:
            return None
        if packed.docs.size:
            parts.append((packed, offset))
    return _Packed.joined(parts)


def read_positions(
    leaf: IndexReader, field: str, term: str, within: np.ndarray | None = None, cache: BlockCache | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(docnum, position) of every occurrence of a term in one segment, as two ``int64`` arrays; with ``within``
    (ascending docnums), of at least the occurrences in those documents (only theirs are decoded; with ``cache``,
    the list's documents are kept decoded there, or the W3 blocks read).

    Only for :class:`GramPositions` fields; occurrences are grouped by document, in position order.
    """
    segment = leaf.segment().segment_id() if cache is not None else None
    key = (segment, field, term, "packed")
    packed = cache.get(key) if cache is not None else None
    found = None
    if packed is None and (cache is None or cache.get((segment, field, term)) is None):
        found = _lookup(leaf, field, term)
        info, _offset, data = found
        if _is_packed(data):
            packed = _Packed(data, info.doc_frequency())
            if cache is not None and within is not None:
                cache.put(key, packed, packed.nbytes())
    if packed is not None:
        return packed.positions() if within is None else packed.within(within)
    ids: list[int] = []
    chunks: list[bytes] = []
    for _length, deltas, _weights, values in _blocks(leaf, field, term, within, cache, found):
        ids.extend(itertools.accumulate(deltas))
        chunks.extend(values)
    counts_array = np.fromiter(map(len, chunks), np.int64, len(chunks)) >> 2  # 4 bytes a position
    deltas_array = np.frombuffer(_EMPTY.join(chunks), "<u4").astype(np.int64)
    return np.repeat(np.array(ids, np.int64), counts_array), _undelta(deltas_array, counts_array)
