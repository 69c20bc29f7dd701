"""What the query engine reads from one commit of the index, as NumPy arrays: live documents, field
lengths, facet and date columns, and posting lists (cached, within a memory budget).

One :class:`IndexArrays` serves every thread searching the same commit. Whoosh readers are not
thread-safe (they seek shared files), so every method that reads the index takes the calling
thread's own reader; the arrays derived from it are shared and never modified.

Deriving them reads every document's columns (about a second at 100,000 documents), so ingest derives
them once after each commit and saves them beside the index (:meth:`IndexArrays.save`); a server
starting or a ``portal search`` from the shell loads them (:meth:`IndexArrays.load`) instead.
"""

from __future__ import annotations

import itertools
import logging
import pickle
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from index.whoosh.checksums import seal, unseal
from index.whoosh.postings import doc_frequency, joined_list, read_positions, read_postings

log = logging.getLogger(__name__)

# Whoosh stores a field's length per document as one byte on a logarithmic scale.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], np.float32)
POSTINGS_BUDGET = 64 * 2**20  # bytes of cached posting arrays per commit
POSITIONS_BUDGET = 64 * 2**20  # bytes of cached position arrays per commit (phrases read them)
FREQUENCIES_BUDGET = 4 * 2**20  # bytes (estimated, _FREQUENCY_BYTES each) of terms' document frequencies
_FREQUENCY_BYTES = 100
_W3 = "W3"  # kept for a term whose list is in the W3 layout in some segment (so not joined)
_LOW = 0xFFFFFFFF  # a key's position
BLOCKS_BUDGET = 48 * 2**20  # bytes (estimated) of decoded posting blocks read for a phrase's few candidates


class IndexArrays:
    """Arrays of one commit; ``version`` says which (a new commit gets a new instance)."""

    def __init__(self, reader: IndexReader, version: tuple) -> None:
        self.version = version
        self.size = reader.doc_count_all()
        alive = np.zeros(self.size, bool)
        alive[np.fromiter(reader.all_doc_ids(), np.int64)] = True
        self.alive = alive
        self.count = int(alive.sum())
        self._lock = threading.Lock()
        self._derived: dict[object, object] = {}
        self._postings = _Cache(POSTINGS_BUDGET)
        self._positions = _Cache(POSITIONS_BUDGET)
        self._blocks = _Cache(BLOCKS_BUDGET)
        self._frequencies = _Cache(FREQUENCIES_BUDGET)

    # saved with the commit

    def save(self, path: Path) -> None:
        """Save the arrays derived so far (not the posting caches) to ``path``, atomically."""
        with self._lock:
            state = {"version": self.version, "alive": self.alive, "derived": dict(self._derived)}
        save_pickle(path, state)

    @classmethod
    def load(cls, path: Path, version: tuple | None) -> IndexArrays | None:
        """The arrays saved at ``path`` for ``version`` (None: for whichever commit they were saved), or None when there
        are none for it (or unreadable)."""
        state = load_pickle(path)
        if not isinstance(state, dict) or not isinstance(state.get("version"), tuple):
            return None
        if version is not None and state["version"] != version:
            return None
        arrays = cls.__new__(cls)
        arrays.version = state["version"]
        arrays.alive = state["alive"]
        arrays.size = arrays.alive.size
        arrays.count = int(arrays.alive.sum())
        arrays._lock = threading.Lock()
        arrays._derived = state["derived"]
        arrays._postings = _Cache(POSTINGS_BUDGET)
        arrays._positions = _Cache(POSITIONS_BUDGET)
        arrays._blocks = _Cache(BLOCKS_BUDGET)
        arrays._frequencies = _Cache(FREQUENCIES_BUDGET)
        return arrays

    # derived arrays, computed once per commit

    def _once(self, key: object, compute):
        with self._lock:
            if key in self._derived:
                return self._derived[key]
        value = compute()
        with self._lock:
            return self._derived.setdefault(key, value)

    def lengths(self, reader: IndexReader, field: str) -> np.ndarray:
        """``float32[size]``: each document's length in ``field`` (tokens, as Whoosh approximates it)."""

        def compute() -> np.ndarray:
            parts = []
            for leaf, _offset in reader.leaf_readers():
                count = leaf.doc_count_all()
                if not count:  # an index with no document yet has one empty reader, without per-document data
                    continue
                column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                codes = np.zeros(count, np.uint8)
                if column is not None:
                    codes[:] = np.fromiter(column, np.uint8, count)
                parts.append(_BYTE_LENGTHS[codes])
            return np.concatenate(parts) if parts else np.zeros(0, np.float32)

        return self._once(("lengths", field), compute)

    def average_length(self, reader: IndexReader, field: str) -> float:
        lengths = self.lengths(reader, field)[self.alive]
        return float(lengths.mean()) if lengths.size else 0.0

    def codes(self, reader: IndexReader, field: str) -> tuple[np.ndarray, list[str]]:
        """(``int32[size]`` ordinal of each document's value, the values): a text column as numbers; −1 for none."""

        def compute() -> tuple[np.ndarray, list[str]]:
            vocabulary: dict[str, int] = {}
            codes = np.fromiter(
                (
                    vocabulary.setdefault(value, len(vocabulary)) if value else -1
                    for value in column_values(reader, field)
                ),
                np.int32,
                self.size,
            )
            return codes, list(vocabulary)

        return self._once(("codes", field), compute)

    def numbers(self, reader: IndexReader, field: str) -> np.ndarray:
        """``int64[size]``: a numeric column (Whoosh's default, the largest int, where a document has none)."""

        def compute() -> np.ndarray:
            return np.fromiter(column_values(reader, field), np.int64, self.size)

        return self._once(("numbers", field), compute)

    def values(self, reader: IndexReader, field: str) -> list[tuple[str, np.ndarray]]:
        """(value, its live docnums) for every term of a keyword field: a facet a document may hold twice."""

        def compute() -> list[tuple[str, np.ndarray]]:
            terms = [term for term in reader.field_terms(field)] if field in reader.schema else []
            found = [(str(term), self.postings(reader, field, str(term))[0]) for term in terms]
            return [(value, docs) for value, docs in found if docs.size]

        return self._once(("values", field), compute)

    def run_terms(self, reader: IndexReader, field: str) -> str:
        """Every Latin/digit term of a bigram field, one a line with a line break before the first and after
        the last: what a fragment of a run (``gov.cn`` of ``www.example.gov.cn/a-b``) is looked up in.

        Such terms are ASCII, so they sort before every Chinese gram and are read as the lexicon's head.
        """

        def compute() -> str:
            terms: list[str] = []
            if field in reader.schema:
                for term in reader.lexicon(field):
                    if term[0] >= 0x80:
                        break
                    terms.append(term.decode("ascii", "replace"))
            return "\n" + "\n".join(terms) + "\n"

        return self._once(("run_terms", field), compute)

    # posting lists

    def postings(self, reader: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(live docnums ``int32``, frequencies ``float32``) of a term across segments, docnums ascending."""
        return self._across(self._postings, read_postings, reader, field, term, (np.int32, np.float32))

    def doc_frequency(self, reader: IndexReader, field: str, term: str) -> int:
        """Documents holding ``term`` in ``field``, deleted ones included (Whoosh's count, summed over the
        segments, read from each segment's term info), cached: a phrase orders its bigrams by it."""
        found = self._frequencies.get((field, term))
        if found is None:
            count = sum(doc_frequency(leaf, field, term) for leaf, _offset in reader.leaf_readers())
            found = self._frequencies.put((field, term), count, _FREQUENCY_BYTES)
        return found

    def cached_postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """What :meth:`postings` gives, where it is cached already; None otherwise (nothing is read)."""
        return self._postings.get((field, term))

    def positions(self, reader: IndexReader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, position) ``int64`` arrays of every occurrence of a term in live documents (see :meth:`keys`)."""
        keys = self.keys(reader, field, term)
        return keys >> 32, keys & _LOW

    def keys(self, reader: IndexReader, field: str, term: str) -> np.ndarray:
        """``docnum << 32 | position`` (``int64``, ascending) of every occurrence of a term in live documents: what a
        phrase compares, cached as it is (8 bytes an occurrence, as two ``int32`` would be)."""
        cached = self._positions.get((field, term))
        if cached is None:
            docs, positions = self._read_across(read_positions, reader, field, term, (np.int64, np.int64))
            cached = self._positions.put((field, term), ((docs << 32) | positions,))
        return cached[0]

    def positions_within(
        self, reader: IndexReader, field: str, term: str, docs: np.ndarray, few: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """(docnum, position) ``int64`` arrays of the occurrences of a term in ``docs`` (ascending docnums), and
        perhaps some others, of live documents (see :meth:`keys_within`)."""
        keys = self.keys_within(reader, field, term, docs, few)
        return keys >> 32, keys & _LOW

    def keys_within(self, reader: IndexReader, field: str, term: str, docs: np.ndarray, few: bool = True) -> np.ndarray:
        """:meth:`keys` of the occurrences of a term in ``docs`` (ascending docnums), and perhaps some others.

        Not ``few`` (``docs`` many beside the list's documents): the whole list is read (and cached). Few: a packed
        list is kept as one across the segments, decoded as far as its documents (cached with the blocks), and
        only the positions of ``docs`` are decoded, one look-up for all segments instead of one per segment; of a
        list in the W3 layout only the blocks that may hold them are decoded.
        """
        cached = self._positions.get((field, term))
        if cached is not None:
            return cached[0]
        if not few:
            return self.keys(reader, field, term)
        key = (field, term, "joined")
        joined = self._blocks.get(key)
        if joined is None:
            found_joined = joined_list(reader, field, term)
            joined = self._blocks.put(
                key, _W3 if found_joined is None else found_joined, found_joined.nbytes() if found_joined else 100
            )
        if joined is not _W3:
            found, values = joined.within(docs)
        else:
            found, values = self._w3_within(reader, field, term, docs)
        live = self.alive[found]
        return (found[live].astype(np.int64) << 32) | values[live].astype(np.int64)

    def _w3_within(self, reader: IndexReader, field: str, term: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`positions_within` of a list in the W3 layout in some segment: the blocks of ``docs``, segment by
        segment (deleted documents included)."""
        docs_parts, value_parts = [], []
        for leaf, offset in reader.leaf_readers():
            local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
            if local.size:
                found, values = read_positions(leaf, field, term, local, self._blocks)
                docs_parts.append(found + offset)
                value_parts.append(values)
        if not docs_parts:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(docs_parts), np.concatenate(value_parts)

    def _across(self, cache: _Cache, read, reader: IndexReader, field: str, term: str, dtypes) -> tuple:
        """``read``'s two arrays for every segment, docnums made global and deleted documents left out; cached."""
        cached = cache.get((field, term))
        if cached is not None:
            return cached
        return cache.put((field, term), self._read_across(read, reader, field, term, dtypes))

    def _read_across(self, read, reader: IndexReader, field: str, term: str, dtypes) -> tuple[np.ndarray, np.ndarray]:
        """``read``'s two arrays for every segment, docnums made global and deleted documents left out."""
        docs_parts, value_parts = [], []
        for leaf, offset in reader.leaf_readers():
            docs, values = read(leaf, field, term)
            if docs.size:  # most segments lack a rare term
                docs_parts.append(docs + offset if offset else docs)
                value_parts.append(values)
        if len(docs_parts) == 1:
            docs, values = docs_parts[0], value_parts[0]
        else:
            docs = np.concatenate(docs_parts) if docs_parts else np.empty(0, dtypes[0])
            values = np.concatenate(value_parts) if value_parts else np.empty(0, dtypes[1])
        live = self.alive[docs]
        if not live.all():
            docs, values = docs[live], values[live]
        return docs.astype(dtypes[0], copy=False), values.astype(dtypes[1], copy=False)


class _Cache:
    """Values by key, least recently used dropped past ``budget`` bytes; shared by threads, entries read-only."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # key → (value, its bytes)
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: tuple, value, size: int | None = None):
        """Keep ``value``, a tuple of arrays (made read-only) or, with its ``size`` in bytes, anything that is never
        modified; returns what is kept under ``key``."""
        if size is None:
            for array in value:
                array.flags.writeable = False
            size = sum(array.nbytes for array in value)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self._bytes += size
            while self._bytes > self.budget and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
            kept = self._entries.get(key)
            return value if kept is None else kept[0]


def column_values(reader: IndexReader, field: str):
    """Every document's value in a column, deleted documents included, in docnum order across segments."""
    for leaf, _offset in reader.leaf_readers():
        yield from itertools.islice(leaf.column_reader(field), leaf.doc_count_all())


def save_pickle(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` with a checksum (index.whoosh.checksums.seal), atomically and durably: what is
    saved beside a commit for later processes."""
    from index.whoosh.generations import write_atomic

    write_atomic(path, seal(pickle.dumps(value, protocol=5)))


def load_pickle(path: Path) -> object | None:
    """What :func:`save_pickle` saved at ``path``, or None: missing, from another version of the code, or damaged
    (its checksum differs; logged naming the file, and the caller derives the value again)."""
    try:
        return pickle.loads(unseal(path.read_bytes()))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        log.warning("%s: not used, derived again: %s", path, exc)
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        return None


def saved_problem(path: Path) -> str:
    """What is wrong with a file :func:`save_pickle` wrote ("" when nothing): for ``portal doctor``."""
    try:
        pickle.loads(unseal(path.read_bytes()))
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return ""


def commit_version(generation: str | None, reader: IndexReader) -> tuple:
    """What the arrays of a commit are for: the generation, the commit's number, and each segment's id and
    document counts, so arrays saved for another index (or another commit) under the same name are not used."""
    segments = tuple(
        (segment.segment_id(), leaf.doc_count_all(), leaf.doc_count()) if segment is not None else ()
        # an index with no document yet has one empty reader, whose segment() is None
        for leaf, _offset in reader.leaf_readers()
        for segment in [leaf.segment() if hasattr(leaf, "segment") else None]
    )
    return (generation, reader.generation(), segments)
