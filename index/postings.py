"""Posting formats of the text fields, and reading whole posting lists into arrays.

Whoosh's own formats pickle a list per posting and its matchers score one posting at a time in
Python; the query engine (:mod:`index.query.engine`) instead reads a term's whole posting list
into NumPy arrays and scores them at once. Two formats serve it:

* :class:`TermCounts` (word fields): the weight is the term's frequency; nothing else is stored.
* :class:`GramPositions` (bigram fields): the weight is the frequency, the value the positions as
  little-endian ``uint32`` deltas, so a whole list's positions decode with one ``frombuffer``.

The bulk readers use the layout of Whoosh 2.7's W3 codec (``whoosh-reloaded`` is pinned): a
posting list is a chain of blocks, each a pickled ``(id deltas, weights, values)`` tuple.
``tests/test_postings.py`` holds them to Whoosh's own matchers.
"""

from __future__ import annotations

import itertools
from array import array
from collections import Counter, defaultdict

import numpy as np
from whoosh.formats import Format
from whoosh.matching import FilterMatcher
from whoosh.reading import IndexReader

_EMPTY = b""


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


def _raw_matcher(leaf: IndexReader, field: str, term: str):
    """The segment's own W3 matcher for a term (deleted documents are the caller's business), or None."""
    if (field, term) not in leaf:
        return None
    matcher = leaf.postings(field, term)
    while isinstance(matcher, FilterMatcher):  # the deletion filter; the engine masks deleted documents itself
        matcher = matcher.child
    return matcher


def _blocks(matcher):
    """(block length, id deltas, weights, values) of every block of a W3 posting list."""
    if not hasattr(matcher, "_read_data"):  # postings inlined in the term info: one block, read the slow way
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value() or _EMPTY)
            matcher.next()
        yield len(ids), [b - a for a, b in zip([0, *ids], ids, strict=False)], tuple(weights), tuple(values)
        return
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        ids, weights, values = matcher._data
        yield matcher._blocklength, ids, weights, values
        matcher._next_block()


def read_postings(leaf: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums ``int32``, frequencies ``float32``) of a term in one segment; empty arrays if absent."""
    matcher = _raw_matcher(leaf, field, term)
    if matcher is None:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    ids: list[int] = []
    weights: list[float] = []
    for length, deltas, block_weights, _values in _blocks(matcher):
        ids.extend(itertools.accumulate(deltas))
        if block_weights is None:
            weights.extend(itertools.repeat(1.0, length))
        elif isinstance(block_weights, float):
            weights.extend(itertools.repeat(block_weights, length))
        else:
            weights.extend(block_weights)
    return np.array(ids, np.int32), np.array(weights, np.float32)


def read_positions(leaf: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnum, position) of every occurrence of a term in one segment, as two ``int64`` arrays.

    Only for :class:`GramPositions` fields; occurrences are grouped by document, in position order.
    """
    matcher = _raw_matcher(leaf, field, term)
    if matcher is None:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ids: list[int] = []
    counts: list[int] = []
    chunks: list[bytes] = []
    for _length, deltas, _weights, values in _blocks(matcher):
        ids.extend(itertools.accumulate(deltas))
        counts.extend(len(value) >> 2 for value in values)
        chunks.extend(values)
    counts_array = np.array(counts, np.int64)
    deltas_array = np.frombuffer(_EMPTY.join(chunks), "<u4").astype(np.int64)
    positions = np.cumsum(deltas_array)
    # Each document's deltas start from 0: subtract the running sum carried over from the documents before it.
    starts = np.cumsum(counts_array) - counts_array
    carried = np.concatenate(([0], positions))[starts]
    positions -= np.repeat(carried, counts_array)
    return np.repeat(np.array(ids, np.int64), counts_array), positions
