"""A batch of documents written as one Whoosh segment, a term's postings at a time.

Whoosh's own writer sends every posting through a sorting pool and then, one by one, through the
codec (several µs each, and a ``stat`` call for each posting of a field without lengths). This
builder keeps a batch's occurrences column-wise: for the bigram and word fields, arrays of (term
code, document, position) filled a document at a time (:func:`index.bigrams.gram_arrays`), sorted
once per field when the segment is written, so that each term's postings are array slices; each term
is then written as Whoosh's W3 codec writes it (:func:`_write_blocks` follows
``W3PostingsWriter._write_block`` block for block). The files are Whoosh's own: its field and
per-document writers make them, and ``tests/test_segments.py`` holds a segment built here to one
Whoosh builds from the same documents.

Worker processes build segments in a scratch folder (:func:`build_segment`), so that a commit of the
index, which deletes segment files its table of contents does not name, cannot reach them.
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Segment
from whoosh.fields import FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import length_to_byte

from index.analysis import fast_segmenter, word_counts
from index.bigrams import gram_arrays, gram_string
from index.postings import GramPositions, TermCounts

# A block whose pickled data is shorter than this is not compressed (Whoosh's writer means to skip
# compressing tiny blocks too, but compresses them all); readers honour each block's own flag.
_COMPRESS_FROM = 64

# One term's postings: (term bytes, docnums, weights, posting values or None).
Postings = tuple[bytes, np.ndarray, np.ndarray, list[bytes] | None]


class _GramColumn:
    """A bigram field's occurrences in a batch: Chinese gram codes and Latin/digit tokens, with documents and
    positions; each document's length is its number of grams."""

    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []
        self.docs: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []
        self.tokens: dict[str, int] = {}
        self.token_rows: list[tuple[int, int, int]] = []  # (token id, docnum, position)

    @staticmethod
    def analyse(text: str):
        return gram_arrays(text)

    def append(self, docnum: int, analysed) -> int:
        codes, positions, tokens = analysed
        self.codes.append(codes)
        self.docs.append(np.full(codes.size, docnum, np.int64))
        self.positions.append(positions)
        for token, position in tokens:
            self.token_rows.append((self.tokens.setdefault(token, len(self.tokens)), docnum, position))
        return codes.size + len(tokens)

    def postings(self) -> Iterator[Postings]:
        # Latin/digit tokens are ASCII: they sort before every Chinese gram, among themselves by text.
        names = sorted(self.tokens)
        rank = np.empty(len(names), np.int64)
        rank[[self.tokens[name] for name in names]] = np.arange(len(names))
        rows = np.array(self.token_rows, np.int64).reshape(-1, 3)
        codes = np.concatenate([rank[rows[:, 0]], *self.codes])
        docs = np.concatenate([rows[:, 1], *self.docs])
        positions = np.concatenate([rows[:, 2], *self.positions]).astype(np.int64)
        order = np.lexsort((positions, docs, codes))
        codes, docs, positions = codes[order], docs[order], positions[order]
        if not codes.size:
            return
        new_posting = np.concatenate(([True], (codes[1:] != codes[:-1]) | (docs[1:] != docs[:-1])))
        posting_starts = np.flatnonzero(new_posting)
        term_starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
        # Each posting's value: its positions as uint32 deltas, the first from 0.
        deltas = positions - np.concatenate(([0], positions[:-1]))
        deltas[posting_starts] = positions[posting_starts]
        blob = deltas.astype("<u4").tobytes()
        bounds = np.concatenate((posting_starts, [codes.size])) * 4
        frequencies = np.diff(bounds) // 4
        first_posting = np.searchsorted(posting_starts, np.concatenate((term_starts, [codes.size])))
        for term, (low, high) in enumerate(zip(first_posting[:-1].tolist(), first_posting[1:].tolist(), strict=True)):
            code = int(codes[term_starts[term]])
            text = names[code] if code < len(names) else gram_string(code)
            starts, ends = bounds[low:high].tolist(), bounds[low + 1 : high + 1].tolist()
            values = [blob[a:b] for a, b in zip(starts, ends, strict=True)]
            yield text.encode("utf-8"), docs[posting_starts[low:high]], frequencies[low:high], values


class _WordColumn:
    """A word field's (word, document, frequency) rows in a batch."""

    def __init__(self, cut: Callable[[str], list[str]]) -> None:
        self.cut = cut
        self.words: dict[str, int] = {}
        self.ids = array("q")
        self.docs = array("q")
        self.freqs = array("q")

    def analyse(self, text: str) -> Counter[str]:
        return word_counts(text, self.cut)

    def append(self, docnum: int, counts: Counter[str]) -> int:
        words = self.words
        self.ids.extend(words.setdefault(word, len(words)) for word in counts)
        self.docs.extend([docnum] * len(counts))
        self.freqs.extend(counts.values())
        return sum(counts.values())

    def postings(self) -> Iterator[Postings]:
        names = sorted(self.words)  # str order is code point order, the UTF-8 byte order of terms
        rank = np.empty(len(names), np.int64)
        rank[[self.words[name] for name in names]] = np.arange(len(names))
        ranks = rank[np.frombuffer(self.ids, np.int64)] if self.ids else np.empty(0, np.int64)
        docs, freqs = np.frombuffer(self.docs, np.int64), np.frombuffer(self.freqs, np.int64)
        order = np.lexsort((docs, ranks))
        ranks, docs, freqs = ranks[order], docs[order], freqs[order]
        bounds = np.flatnonzero(np.concatenate(([True], ranks[1:] != ranks[:-1], [True])))
        for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            yield names[int(ranks[low])].encode("utf-8"), docs[low:high], freqs[low:high], None


class _TermColumn:
    """Any other indexed field (ids, keywords, numbers): the terms Whoosh's field type gives, in a dict."""

    def __init__(self) -> None:
        self.rows: dict[bytes, tuple[list[int], list[float], list[bytes]]] = {}

    @staticmethod
    def analyse(field: FieldType, value: object) -> list[tuple[bytes, int, float, bytes]]:
        return list(field.index(value))

    def append(self, docnum: int, terms: list[tuple[bytes, int, float, bytes]]) -> int:
        length = 0
        for tbytes, freq, weight, vbytes in terms:
            entry = self.rows.setdefault(tbytes, ([], [], []))
            entry[0].append(docnum)
            entry[1].append(weight)
            if vbytes:
                entry[2].append(vbytes)
            length += freq
        return length

    def postings(self) -> Iterator[Postings]:
        for tbytes in sorted(self.rows):
            docs, weights, values = self.rows[tbytes]
            yield tbytes, np.array(docs, np.int64), np.array(weights, np.float64), values or None


class SegmentBuilder:
    """Documents (``schema.to_fields`` dicts) added one by one, then :meth:`write` as one segment."""

    def __init__(self, schema: Schema, cut: Callable[[str], list[str]]) -> None:
        self.schema = schema
        self.cut = cut
        self._columns: dict[str, _GramColumn | _WordColumn | _TermColumn] = {}
        self._docs: list[tuple[dict[str, object], dict[str, object], dict[str, int]]] = []
        self.chars = 0  # text analysed so far: what a batch's size is measured in

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, fields: dict[str, object]) -> None:
        """Add one document, as Whoosh's ``add_document`` would (same fields, same stored values).

        Every field is analysed before anything is kept: a document that raises leaves the batch as it was.
        """
        docnum = len(self._docs)
        stored: dict[str, object] = {}
        columns: dict[str, object] = {}
        analysed: list[tuple[str, object]] = []
        chars = 0
        for name, value in fields.items():
            if name.startswith("_") or value is None:
                continue
            field = self.schema[name]
            if field.indexed:
                column = self._column(name, field)
                if isinstance(column, _TermColumn):
                    analysed.append((name, column.analyse(field, value)))
                else:
                    analysed.append((name, column.analyse(str(value))))
                    chars += len(str(value)) if isinstance(column, _GramColumn) else 0
            custom = fields.get(f"_stored_{name}", value)
            if field.stored:
                stored[name] = custom
            if field.column_type is not None and custom is not None:
                columns[name] = field.to_column_value(custom)
        lengths: dict[str, int] = {}
        for name, data in analysed:
            length = self._columns[name].append(docnum, data)
            if self.schema[name].scorable and length:
                lengths[name] = length
        self._docs.append((stored, columns, lengths))
        self.chars += chars

    def _column(self, name: str, field: FieldType):
        column = self._columns.get(name)
        if column is None:
            if isinstance(field.format, GramPositions):
                column = _GramColumn()
            elif isinstance(field.format, TermCounts):
                column = _WordColumn(self.cut)
            else:
                column = _TermColumn()
            self._columns[name] = column
        return column

    def write(self, storage: FileStorage, indexname: str) -> W3Segment:
        """Write the documents added so far as a new segment in ``storage``; returns the segment."""
        codec = default_codec()
        segment = codec.new_segment(storage, indexname)
        perdoc = codec.per_document_writer(storage, segment)
        field_lengths: dict[str, list[int]] = {}
        for docnum, (stored, columns, lengths) in enumerate(self._docs):
            perdoc.start_doc(docnum)
            for name in stored.keys() | lengths.keys():
                perdoc.add_field(name, self.schema[name], stored.get(name), lengths.get(name, 0))
            for name, value in columns.items():
                perdoc.add_column_value(name, self.schema[name].column_type, value)
            perdoc.finish_doc()
            for name, length in lengths.items():
                field_lengths.setdefault(name, [0] * len(self._docs))[docnum] = length
        fields = codec.field_writer(storage, segment)
        for name in sorted(self._columns):
            fields.start_field(name, self.schema[name])
            for tbytes, docs, weights, values in self._columns[name].postings():
                fields.start_term(tbytes)
                _write_blocks(fields._postwriter, docs, weights, values, field_lengths.get(name))
                fields.finish_term()
            fields.finish_field()
        fields.close()
        perdoc.close()
        segment.set_doc_count(len(self._docs))
        # One compound file per segment, as Whoosh's writer makes by default: one open file per segment.
        segment.create_compound_file(storage)
        segment.compound = True
        return segment


def _write_blocks(writer, docs: np.ndarray, weights: np.ndarray, values: list[bytes] | None, lengths) -> None:
    """One term's postings written block by block as ``W3PostingsWriter._write_block`` writes them.

    Afterwards the writer holds no buffered posting and ``finish_postings`` records where the list
    is, as after Whoosh's own last block. Each block is (length, pickled info, pickled data): info
    is (postings, last id, largest weight, compression, shortest and longest field length as bytes),
    data is (id deltas from 0, weights — None when all are 1, one number when all are equal —, values).
    Plain Python: most terms have one to three postings, where NumPy's per-call cost would dominate.
    """
    postfile, terminfo = writer._postfile, writer._terminfo
    fixed = writer._format.fixed_value_size()
    limit = writer._blocklimit
    ids_all, weights_all = docs.tolist(), weights.tolist()
    total = len(ids_all)
    if not writer._blockcount:
        postfile.write(WHOOSH3_HEADER_MAGIC)
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
        data = dumps((deltas, mini_weights, mini_values), 2)
        compression = writer._compression if len(data) >= _COMPRESS_FROM else 0
        if compression:
            data = zlib.compress(data, compression)
        info = dumps(
            (end - start, ids[-1], float(maxweight), compression, length_to_byte(minlength), length_to_byte(maxlength)),
            2,
        )
        size = len(info) + len(data)
        postfile.write_int(-size if end == total else size)
        postfile.write(info)
        postfile.write(data)
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
        writer._blockcount += 1


def build_segment(
    schema: Schema, userdict: str | None, folder: str, indexname: str, docs: list[dict]
) -> tuple[W3Segment, list[tuple[dict, str]]]:
    """Build one segment of ``docs`` in ``folder`` (run in a worker process).

    Returns the segment to commit and the documents left out, each with why: a document the
    analysis fails on costs itself, not the batch.
    """
    builder = SegmentBuilder(schema, fast_segmenter(userdict))
    failed: list[tuple[dict, str]] = []
    for fields in docs:
        try:
            builder.add(fields)
        except Exception as exc:  # an unforeseen fault in one document's text must not lose the batch
            failed.append(
                ({key: fields.get(key) for key in ("id", "source", "locator")}, f"{type(exc).__name__}: {exc}")
            )
    return builder.write(FileStorage(folder), indexname), failed


def segment_files(folder: Path, segment: W3Segment) -> list[Path]:
    """The files of ``segment`` in ``folder``."""
    return sorted(folder.glob(f"{segment.indexname}_{segment.segid}.*"))
