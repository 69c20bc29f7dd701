"""Runs of many batches (:mod:`index.whoosh.runs`) written as one Whoosh segment, a term's postings at a time.

Whoosh's own writer sends every posting through a sorting pool and then, one by one, through the
codec. Here each field's runs are merged term range by term range: the slices of every batch's sorted
arrays holding the range are joined in batch order and sorted stably by term, which leaves each term's
postings in document order; each term is then written as Whoosh's W3 codec writes it
(:func:`_write_blocks` follows ``W3PostingsWriter._write_block`` block for block). The files are
Whoosh's own, made by its field and per-document writers; ``tests/test_segments.py`` holds a segment
written here to one Whoosh writes from the same documents. One segment per commit keeps the index as
small as Whoosh's (every segment repeats the dictionary of the terms it holds) and queries fast.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import length_to_byte

from index.bigrams import gram_string
from index.whoosh.runs import GramRun, Runs, Spilled, TermRun, WordRun

# A block whose pickled data is shorter than this is not compressed (Whoosh's writer means to skip
# compressing tiny blocks too, but compresses them all); readers honour each block's own flag.
_COMPRESS_FROM = 64
# Occurrences merged at once: the memory a merge holds is about 40 bytes each.
RANGE_ROWS = 1_500_000
# The Chinese gram codes of index.bigrams start here; Latin/digit token ranks stay below.
_FIRST_GRAM_CODE = 0x3007 << 22

# One term's postings: (term bytes, docnums, weights, posting values or None).
Postings = tuple[bytes, np.ndarray, np.ndarray, list[bytes] | None]


def write_segment(
    schema: Schema, storage: FileStorage, indexname: str, batches: list[tuple[Runs, list[tuple[dict, dict]]]]
) -> W3Segment:
    """Write the documents of ``batches`` (each its runs and its ``to_fields`` dicts) as one segment in ``storage``.

    Documents are numbered in batch order, each batch's kept documents in their order. Each batch's list of
    documents is emptied once their stored fields are written, so that the merge of the postings that
    follows does not hold them too.
    """
    codec = default_codec()
    segment = codec.new_segment(storage, indexname)
    offsets = np.cumsum([0] + [runs.count for runs, _ in batches])
    total = int(offsets[-1])
    lengths = {
        name: np.concatenate([runs.lengths.get(name, np.zeros(runs.count, np.int32)) for runs, _ in batches])
        for name in sorted({name for runs, _ in batches for name in runs.lengths})
    }
    perdoc = codec.per_document_writer(storage, segment)
    docnum = 0
    for runs, documents in batches:
        for index in runs.kept:
            _write_document(perdoc, schema, docnum, documents[index], lengths)
            docnum += 1
        documents.clear()
    fields = codec.field_writer(storage, segment)
    for name in sorted({name for runs, _ in batches for name in runs.fields}):
        field_lengths = lengths[name].tolist() if name in lengths else None
        fields.start_field(name, schema[name])
        parts = [(runs.fields[name], int(offsets[i])) for i, (runs, _) in enumerate(batches) if name in runs.fields]
        for tbytes, docs, weights, values in _merged(parts):
            fields.start_term(tbytes)
            _write_blocks(fields._postwriter, docs, weights, values, field_lengths)
            fields.finish_term()
        fields.finish_field()
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


def _merged(parts: list[tuple[GramRun | WordRun | TermRun, int]]) -> Iterator[Postings]:
    """The postings of one field's runs (each with its batch's first document number), term by term in order."""
    if isinstance(parts[0][0], TermRun):  # a field's runs are all of one kind
        yield from _merged_terms([(run, offset) for run, offset in parts if isinstance(run, TermRun)])
        return
    columns = [(run, offset) for run, offset in parts if not isinstance(run, TermRun)]
    # Latin/digit tokens and words are numbered by rank in each batch: renumber by rank in all of them.
    names_of = (lambda run: run.tokens) if isinstance(parts[0][0], GramRun) else (lambda run: run.words)
    names = sorted(set().union(*(names_of(run) for run, _ in columns)))
    renumber = [
        np.searchsorted(names, names_of(run)).astype(np.int64) if names_of(run) else np.empty(0, np.int64)
        for run, _ in columns
    ]
    for low, high in _ranges(columns, renumber):
        codes, docs, extra = [], [], []
        for (run, offset), ranks in zip(columns, renumber, strict=True):
            start, stop = _local_bounds(run.codes, ranks, low, high)
            if start == stop:
                continue
            local = np.asarray(run.codes[start:stop])
            small = local < len(ranks)
            codes.append(
                np.where(small, ranks[np.minimum(local, max(len(ranks) - 1, 0))], local) if ranks.size else local
            )
            docs.append(np.asarray(run.docs[start:stop]).astype(np.int64) + offset)
            extra.append(np.asarray(run.positions[start:stop] if isinstance(run, GramRun) else run.freqs[start:stop]))
        if not codes:
            continue
        codes_all, docs_all, extra_all = np.concatenate(codes), np.concatenate(docs), np.concatenate(extra)
        order = np.argsort(codes_all, kind="stable")  # batches in order, each sorted: documents stay in order
        codes_all, docs_all, extra_all = codes_all[order], docs_all[order], extra_all[order]
        if isinstance(parts[0][0], GramRun):
            yield from _gram_postings(codes_all, docs_all, extra_all.astype(np.int64), names)
        else:
            yield from _word_postings(codes_all, docs_all, extra_all, names)


def _local_bounds(codes: np.ndarray, ranks: np.ndarray, low: int, high: int) -> tuple[int, int]:
    """Where a batch's run holds the global codes [low, high): ranks are renumbered, gram codes are not."""

    def local(code: int) -> int:
        if code < _FIRST_GRAM_CODE:  # a rank: the first local rank whose global number is at least code
            return int(np.searchsorted(ranks, code))
        return code

    return _searchsorted(codes, local(low)), _searchsorted(codes, local(high))


def _searchsorted(values, value: int) -> int:
    return values.searchsorted(value) if isinstance(values, Spilled) else int(np.searchsorted(values, value))


def _ranges(parts, renumber: list[np.ndarray]) -> list[tuple[int, int]]:
    """Global code ranges each holding about RANGE_ROWS occurrences of all runs together."""
    total = sum(len(run.codes) for run, _ in parts)
    count = max(1, -(-total // RANGE_ROWS))
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


def _gram_postings(codes: np.ndarray, docs: np.ndarray, positions: np.ndarray, tokens: list[str]) -> Iterator[Postings]:
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
    bounds_list = bounds.tolist()
    for term, (low, high) in enumerate(zip(first_posting[:-1].tolist(), first_posting[1:].tolist(), strict=True)):
        code = int(codes[term_starts[term]])
        text = tokens[code] if code < _FIRST_GRAM_CODE else gram_string(code)
        values = [blob[a:b] for a, b in zip(bounds_list[low:high], bounds_list[low + 1 : high + 1], strict=True)]
        yield text.encode("utf-8"), docs[posting_starts[low:high]], frequencies[low:high], values


def _word_postings(codes: np.ndarray, docs: np.ndarray, freqs: np.ndarray, words: list[str]) -> Iterator[Postings]:
    bounds = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1], [True])))
    for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        yield words[int(codes[low])].encode("utf-8"), docs[low:high], freqs[low:high], None


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


def segment_files(folder: Path, segment: W3Segment) -> list[Path]:
    """The files of ``segment`` in ``folder``."""
    return sorted(folder.glob(f"{segment.indexname}_{segment.segid}.*"))
