"""Posting formats of the text fields, and reading whole posting lists into arrays.

Whoosh's own formats pickle a list per posting and its matchers score one posting at a time in
Python; the query engine (:mod:`index.whoosh.engine`) instead reads a term's whole posting list
into NumPy arrays and scores them at once. Two formats serve it:

* :class:`TermCounts` (word fields): the weight is the term's frequency; nothing else is stored.
* :class:`GramPositions` (bigram fields): the weight is the frequency, the value the positions as
  little-endian ``uint32`` deltas, so a whole list's positions decode with one ``frombuffer``.

The bulk readers use the layout of Whoosh 2.7's W3 codec (``whoosh-reloaded`` is pinned): a
posting list is a chain of blocks, each a pickled ``(id deltas, weights, values)`` tuple.
``tests/test_postings.py`` holds them to Whoosh's own matchers.
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
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.formats import Format
from whoosh.reading import IndexReader, TermNotFound

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


# Reading ---------------------------------------------------------------------------------------


class BlockCache(Protocol):
    """Where decoded blocks are kept between reads (:class:`index.whoosh.arrays.IndexArrays` keeps one per commit)."""

    def get(self, key: tuple) -> Any:
        """What ``put`` kept under ``key`` (a :data:`Block`, or a term's :data:`Directory`), or None."""

    def put(self, key: tuple, value: object, size: int) -> object: ...


# One decoded block: (postings, id deltas from 0, weights, posting values).
Block = tuple[int, Sequence[int], float | Sequence[float] | None, Sequence[bytes]]


def _blocks(
    leaf: IndexReader, field: str, term: str, within: np.ndarray | None = None, cache: BlockCache | None = None
) -> Iterator[Block]:
    """(block length, id deltas, weights, values) of every block of a term's posting list in one segment
    (nothing where the segment lacks the term; deleted documents are the caller's business). With ``within``
    (ascending docnums of the segment), only the blocks whose range of ids holds one of them: each block's
    ids are deltas from 0 and its info names its last id, so the others are skipped without decoding.

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
        directory, data = _directory(leaf, field, term)
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
        found = cache.get(key) if cache is not None else None
        if found is None:
            block = data[start - base : start - base + length] if data else leaf._terms._postfile.get(start, length)
            ids, weights, values = pickle.loads(zlib.decompress(block) if compressed else block)
            found = (block_length, ids, weights, values)
            if cache is not None:
                cache.put(key, found, _BLOCK_OBJECTS * block_length + length * _BLOCK_EXPANSION)
        yield found


# Where a term's blocks are: (the block itself where the list is inlined in the term info, else None; per block
# (last id of the block before, its last id, where its data starts in the segment file, bytes, compression,
# postings)).
Directory = tuple[Block | None, list[tuple[int, int, int, int, int, int]]]


def _directory(leaf: IndexReader, field: str, term: str) -> tuple[Directory, bytes]:
    """A term's :data:`Directory` in one segment (empty where absent) and the bytes of its list from the first
    block's data on (b"" where inlined or absent)."""
    terms = getattr(leaf, "_terms", None)
    if terms is None:  # an index of no segment (Whoosh's EmptyReader): no term at all
        return (None, []), b""
    try:  # one look-up of the term (asking whether the segment holds it first would be a second)
        info = terms.term_info(field, leaf._text_to_bytes(field, term))
    except (TermNotFound, KeyError):  # KeyError: a field the segment holds no term of
        return (None, []), b""
    if info.is_inlined():  # a short list kept in the term info itself
        ids, weights, values = info.inlined_postings()
        deltas = [b - a for a, b in zip([0, *ids], ids, strict=False)]
        block = (len(ids), deltas, tuple(weights), tuple(value or _EMPTY for value in values))
        return (block, []), b""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct's 1-tuple (Whoosh's matcher never reads it)
        (length,) = length
    data = terms._postfile.get(offset, length)
    if data[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"posting list of {field}:{term!r} does not start with the W3 block tag")
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
    ids: list[int] = []
    weights: list[float] = []
    for length, deltas, block_weights, _values in _blocks(leaf, field, term):
        ids.extend(itertools.accumulate(deltas))
        if block_weights is None:
            weights.extend(itertools.repeat(1.0, length))
        elif isinstance(block_weights, float):
            weights.extend(itertools.repeat(block_weights, length))
        else:
            weights.extend(block_weights)
    return np.array(ids, np.int32), np.array(weights, np.float32)


def read_positions(
    leaf: IndexReader, field: str, term: str, within: np.ndarray | None = None, cache: BlockCache | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(docnum, position) of every occurrence of a term in one segment, as two ``int64`` arrays; with ``within``
    (ascending docnums), of at least the occurrences in those documents (the blocks holding them are read, or
    taken from ``cache``).

    Only for :class:`GramPositions` fields; occurrences are grouped by document, in position order.
    """
    ids: list[int] = []
    chunks: list[bytes] = []
    for _length, deltas, _weights, values in _blocks(leaf, field, term, within, cache):
        ids.extend(itertools.accumulate(deltas))
        chunks.extend(values)
    counts_array = np.fromiter(map(len, chunks), np.int64, len(chunks)) >> 2  # 4 bytes a position
    deltas_array = np.frombuffer(_EMPTY.join(chunks), "<u4").astype(np.int64)
    positions = np.cumsum(deltas_array)
    # Each document's deltas start from 0: subtract the running sum carried over from the documents before it.
    starts = np.cumsum(counts_array) - counts_array
    carried = np.concatenate(([0], positions))[starts]
    positions -= np.repeat(carried, counts_array)
    return np.repeat(np.array(ids, np.int64), counts_array), positions
