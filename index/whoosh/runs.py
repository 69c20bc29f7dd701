"""A batch of documents analysed into sorted runs: each indexed field's occurrences as arrays in term order.

This is the work of bulk indexing that can run anywhere (worker processes do it, a batch each): for a
bigram field, arrays of (term code, document, position); for a word field, (word, document,
frequency); for any other field (ids, keywords, numbers) the terms Whoosh's field type gives. Each run is
sorted by (term, document, position), its terms numbered so that numeric order is the UTF-8 byte order
Whoosh keeps terms in; :mod:`index.whoosh.segments` merges the runs of many batches into one segment.

Large arrays are saved to ``.npy`` files (:meth:`Runs.spill`) and read back memory-mapped, so a commit
holding a chunk's runs holds them on disk, not in memory.
"""

from __future__ import annotations

import uuid
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.fields import FieldType, Schema

from index.analysis import word_counts
from index.bigrams import gram_arrays
from index.whoosh.postings import GramPositions, TermCounts


@dataclass
class GramRun:
    """A bigram field's occurrences: ``codes`` (Latin/digit tokens as their rank in ``tokens``, Chinese grams as
    :func:`index.bigrams.gram_arrays` codes, which sort after every rank), ``docs``, ``positions``; sorted."""

    codes: np.ndarray
    docs: np.ndarray
    positions: np.ndarray
    tokens: list[str]

    ARRAYS = ("codes", "docs", "positions")


@dataclass
class WordRun:
    """A word field's (word rank in ``words``, document, frequency) rows, sorted by word then document."""

    codes: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray
    words: list[str]

    ARRAYS = ("codes", "docs", "freqs")


@dataclass
class TermRun:
    """Any other field: term bytes → (documents, weights, posting values), documents ascending."""

    terms: dict[bytes, tuple[list[int], list[float], list[bytes]]]


@dataclass
class Runs:
    """One batch's runs, field by field, with each scorable field's length per document.

    ``kept`` lists which of the batch's documents they hold (by their index in the batch): a document
    whose analysis failed is left out (``failed``: its index and why), the rest keep their order.
    """

    count: int
    fields: dict[str, GramRun | WordRun | TermRun] = field(default_factory=dict)
    lengths: dict[str, np.ndarray] = field(default_factory=dict)
    kept: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def spill(self, folder: Path) -> Runs:
        """The same runs with their arrays saved under ``folder`` as ``.npy`` files, named by path (what a worker
        process hands back; :meth:`opened` maps them in)."""
        stem = folder / uuid.uuid4().hex

        def saved(name: str, values: np.ndarray) -> str:
            path = stem.with_name(f"{stem.name}-{name}.npy")
            save_array(path, values)
            return str(path)

        fields = {
            # The arrays' file paths stand in for them until opened() (a worker hands back paths, not arrays).
            name: replace(run, **{part: saved(f"{name}-{part}", getattr(run, part)) for part in run.ARRAYS})  # type: ignore[arg-type]
            if isinstance(run, GramRun | WordRun)
            else run
            for name, run in self.fields.items()
        }
        return Runs(self.count, fields, self.lengths, self.kept, self.failed)

    def opened(self) -> Runs:
        """The same runs with the arrays :meth:`spill` saved opened as :class:`Spilled` (read a slice at a time)."""

        def opened(values):
            return Spilled(values) if isinstance(values, str) else values

        fields = {
            name: replace(run, **{part: opened(getattr(run, part)) for part in run.ARRAYS})
            if isinstance(run, GramRun | WordRun)
            else run
            for name, run in self.fields.items()
        }
        return Runs(self.count, fields, self.lengths, self.kept, self.failed)


def save_array(path: Path, values: np.ndarray) -> None:
    """``np.save``, but a failed write raises the OSError the system gave (ENOSPC on a full disk): NumPy's own
    writes a file through C ``fwrite`` and says only "N requested and M written"."""
    values = np.ascontiguousarray(values)
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, np.lib.format.header_data_from_array_1_0(values))
        handle.write(values.data.cast("B"))


class Spilled:
    """A saved array read a slice at a time: slices are read from the file, not mapped, so a merge holds in
    memory only the slices it works on (a mapped file's pages would count against it as they are read)."""

    def __init__(self, path: str) -> None:
        self.path = path
        mapped = np.load(path, mmap_mode="r")
        self.dtype, self.offset, self._length = mapped.dtype, mapped.offset, len(mapped)
        del mapped

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, where: slice) -> np.ndarray:
        start, stop, step = where.indices(self._length)
        count = max(0, stop - start)
        values = np.fromfile(self.path, self.dtype, count, offset=self.offset + start * self.dtype.itemsize)
        return values[::step] if step != 1 else values

    def searchsorted(self, value: int) -> int:
        """Where ``value`` would go in the (ascending) array (a binary search through a passing mapping)."""
        mapped = np.load(self.path, mmap_mode="r")
        try:
            return int(np.searchsorted(mapped, value))
        finally:
            del mapped

    def sample(self, count: int) -> np.ndarray:
        """About ``count`` of the values, evenly spaced (read through a passing mapping)."""
        mapped = np.load(self.path, mmap_mode="r")
        try:
            return np.array(mapped[:: max(1, self._length // count)])
        finally:
            del mapped


def analyse(schema: Schema, cut: Callable[[str], list[str]], docs: list[dict]) -> Runs:
    """The runs of a batch of documents (``schema.to_fields`` dicts); a document that fails is left out.

    ``cut`` is the word segmenter (jieba's cut, or rjieba's identical one).
    """
    builder = _Builder(schema, cut)
    runs = Runs(0)
    for index, fields in enumerate(docs):
        try:
            builder.add(fields)
        except Exception as exc:  # an unforeseen fault in one document's text must not lose the batch
            runs.failed.append((index, f"{type(exc).__name__}: {exc}"))
            continue
        runs.kept.append(index)
    runs.count = len(runs.kept)
    runs.fields = {name: column.run() for name, column in builder.columns.items()}
    runs.lengths = {name: np.frombuffer(values, np.int32).copy() for name, values in builder.lengths.items()}
    return runs


def text_chars(schema: Schema, fields: dict) -> int:
    """How much bigram-field text a document holds: what batches are measured in."""
    return sum(
        len(value)
        for name, value in fields.items()
        if isinstance(value, str) and name in schema and isinstance(schema[name].format, GramPositions)
    )


class _Builder:
    """Accumulates a batch's columns a document at a time (every field analysed before anything is kept)."""

    def __init__(self, schema: Schema, cut: Callable[[str], list[str]]) -> None:
        self.schema = schema
        self.cut = cut
        self.columns: dict[str, _GramColumn | _WordColumn | _TermColumn] = {}
        self.lengths: dict[str, array] = {}  # scorable field → length of each kept document
        self.count = 0

    def add(self, fields: dict[str, object]) -> None:
        analysed: list[tuple[str, Any]] = []  # each field's analysis, as its column's append takes it
        for name, value in fields.items():
            if name.startswith("_") or value is None or not self.schema[name].indexed:
                continue
            field_type = self.schema[name]
            column = self._column(name, field_type)
            analysed.append((name, column.analyse(field_type, value)))
        docnum = self.count
        lengths = {name: self.columns[name].append(docnum, data) for name, data in analysed}
        for name, length in lengths.items():
            if self.schema[name].scorable:
                values = self.lengths.setdefault(name, array("i"))
                values.extend([0] * (docnum + 1 - len(values)))
                values[docnum] = length
        self.count += 1
        for values in self.lengths.values():
            values.extend([0] * (self.count - len(values)))

    def _column(self, name: str, field_type: FieldType):
        column = self.columns.get(name)
        if column is None:
            if isinstance(field_type.format, GramPositions):
                column = _GramColumn()
            elif isinstance(field_type.format, TermCounts):
                column = _WordColumn(self.cut)
            else:
                column = _TermColumn()
            self.columns[name] = column
        return column


class _GramColumn:
    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []
        self.docs: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []
        self.tokens: dict[str, int] = {}
        self.token_rows = array("q")  # token id, docnum, position; three a row

    @staticmethod
    def analyse(field_type: FieldType, value: object):
        return gram_arrays(str(value))

    def append(self, docnum: int, analysed) -> int:
        codes, positions, tokens = analysed
        self.codes.append(codes)
        self.docs.append(np.full(codes.size, docnum, np.int32))
        self.positions.append(positions)
        for token, position in tokens:
            self.token_rows.extend((self.tokens.setdefault(token, len(self.tokens)), docnum, position))
        return codes.size + len(tokens)

    def run(self) -> GramRun:
        # Latin/digit tokens are ASCII: they sort before every Chinese gram, among themselves by text.
        tokens = sorted(self.tokens)
        rank = np.empty(len(tokens), np.int64)
        rank[[self.tokens[token] for token in tokens]] = np.arange(len(tokens))
        rows = np.frombuffer(self.token_rows, np.int64).reshape(-1, 3)
        codes = np.concatenate([rank[rows[:, 0]], *self.codes])
        docs = np.concatenate([rows[:, 1].astype(np.int32), *self.docs])
        positions = np.concatenate([rows[:, 2].astype(np.int32), *self.positions])
        order = np.lexsort((positions, docs, codes))
        return GramRun(codes[order], docs[order], positions[order], tokens)


class _WordColumn:
    def __init__(self, cut: Callable[[str], list[str]]) -> None:
        self.cut = cut
        self.words: dict[str, int] = {}
        self.ids = array("q")
        self.docs = array("i")
        self.freqs = array("i")

    def analyse(self, field_type: FieldType, value: object) -> Counter[str]:
        return word_counts(str(value), self.cut)

    def append(self, docnum: int, counts: Counter[str]) -> int:
        words = self.words
        # A word's number is only a name until run() ranks the words by their text, so the new ones are numbered in
        # any order, and each word's number is then looked up by C calls (no Python frame a word).
        for word in counts.keys() - words.keys():
            words[word] = len(words)
        self.ids.extend(map(words.__getitem__, counts))
        self.docs.extend([docnum] * len(counts))
        self.freqs.extend(counts.values())
        return sum(counts.values())

    def run(self) -> WordRun:
        words = sorted(self.words)  # str order is code point order, the UTF-8 byte order of terms
        rank = np.empty(len(words), np.int64)
        rank[[self.words[word] for word in words]] = np.arange(len(words))
        codes = rank[np.frombuffer(self.ids, np.int64)] if self.ids else np.empty(0, np.int64)
        docs, freqs = np.frombuffer(self.docs, np.int32), np.frombuffer(self.freqs, np.int32)
        order = np.lexsort((docs, codes))
        return WordRun(codes[order], docs[order], freqs[order], words)


class _TermColumn:
    def __init__(self) -> None:
        self.terms: dict[bytes, tuple[list[int], list[float], list[bytes]]] = {}

    @staticmethod
    def analyse(field_type: FieldType, value: object) -> list[tuple[bytes, int, float, bytes]]:
        return list(field_type.index(value))

    def append(self, docnum: int, terms: list[tuple[bytes, int, float, bytes]]) -> int:
        length = 0
        for tbytes, freq, weight, vbytes in terms:
            entry = self.terms.setdefault(tbytes, ([], [], []))
            entry[0].append(docnum)
            entry[1].append(weight)
            if vbytes:
                entry[2].append(vbytes)
            length += freq
        return length

    def run(self) -> TermRun:
        return TermRun(self.terms)
