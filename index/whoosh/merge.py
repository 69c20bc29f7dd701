"""Keeping the number of segments small: the smallest segments read back into runs and written as one.

Every ingest commits one new segment (:mod:`index.whoosh.writer`), so a portal fed a few documents a day would
gather segments, each repeating the dictionary of its terms and each read by every query. When a commit
would leave more than :data:`MAX_SMALL_SEGMENTS` segments of fewer than :data:`SMALL_SEGMENT_DOCS` documents,
those are merged with the new one, as Lucene's tiered policy merges segments of similar size: each is read
back into the runs it was written from (:func:`segment_runs`; deleted documents are left out, the rest
renumbered in order) and the runs go through the same merge as a fresh batch's
(:func:`index.whoosh.segments.write_segment`). Reading a segment back costs a Python step per term, so the large
segments of a bulk ingest (one per chunk) are left as they are: a rebuild writes them afresh.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import Schema
from whoosh.reading import SegmentReader

from index.bigrams import gram_code
from index.whoosh.postings import GramPositions, TermCounts, read_positions, read_postings
from index.whoosh.runs import GramRun, Runs, TermRun, WordRun

SMALL_SEGMENT_DOCS = 5_000
MAX_SMALL_SEGMENTS = 8


def segments_to_merge(sizes: list[int]) -> list[int]:
    """Indexes (into ``sizes``, documents per segment, the new one last) of the segments to merge: every small
    one, once there are more than MAX_SMALL_SEGMENTS of them; none before."""
    small = [i for i, size in enumerate(sizes) if size < SMALL_SEGMENT_DOCS]
    return small if len(small) > MAX_SMALL_SEGMENTS else []


def segment_runs(leaf: SegmentReader, schema: Schema) -> tuple[Runs, list[tuple[dict, dict]]]:
    """A segment read back as the runs and per-document values it was written from, deleted documents left out."""
    size = leaf.doc_count_all()
    live = np.array([not leaf.is_deleted(docnum) for docnum in range(size)], bool)
    renumber = np.cumsum(live) - 1  # old docnum → new, for live documents
    kept = np.flatnonzero(live)
    runs = Runs(int(live.sum()), kept=list(range(int(live.sum()))))
    for name in schema.names():
        field_type = schema[name]
        if not field_type.indexed:
            continue
        terms = list(leaf.lexicon(name))
        if not terms:
            continue
        if isinstance(field_type.format, GramPositions):
            runs.fields[name] = _gram_run(leaf, name, terms, live, renumber)
        elif isinstance(field_type.format, TermCounts):
            runs.fields[name] = _word_run(leaf, name, terms, live, renumber)
        else:
            runs.fields[name] = _term_run(leaf, name, terms, live, renumber)
        if field_type.scorable:
            column = leaf._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
            if column is not None:
                lengths = np.array([_byte_length(column[docnum]) for docnum in kept], np.int32)
                runs.lengths[name] = lengths
    values = []
    for docnum in kept.tolist():
        stored = dict(leaf.stored_fields(docnum))
        columns = {
            name: leaf._perdoc.column_reader(name, schema[name].column_type)[docnum]
            for name in schema.names()
            if schema[name].column_type is not None and leaf._perdoc.has_column(name)
        }
        values.append((stored, columns))
    return runs, values


def _term_bytes(term) -> bytes:
    return term if isinstance(term, bytes) else str(term).encode("utf-8")


def _gram_run(leaf, name, terms, live, renumber) -> GramRun:
    texts = [_term_bytes(t).decode("utf-8") for t in terms]
    tokens = sorted(text for text in texts if gram_code(text) is None)
    rank = {token: i for i, token in enumerate(tokens)}
    codes, docs, positions = [], [], []
    for text in texts:
        term_docs, term_positions = read_positions(leaf, name, text)
        keep = live[term_docs]
        code = rank[text] if text in rank else gram_code(text)
        codes.append(np.full(int(keep.sum()), code, np.int64))
        docs.append(renumber[term_docs[keep]].astype(np.int32))
        positions.append(term_positions[keep].astype(np.int32))
    codes_all, docs_all, positions_all = np.concatenate(codes), np.concatenate(docs), np.concatenate(positions)
    order = np.lexsort((positions_all, docs_all, codes_all))
    return GramRun(codes_all[order], docs_all[order], positions_all[order], tokens)


def _word_run(leaf, name, terms, live, renumber) -> WordRun:
    words = sorted(_term_bytes(t).decode("utf-8") for t in terms)
    codes, docs, freqs = [], [], []
    for rank, word in enumerate(words):
        term_docs, term_freqs = read_postings(leaf, name, word)
        keep = live[term_docs]
        codes.append(np.full(int(keep.sum()), rank, np.int64))
        docs.append(renumber[term_docs[keep]].astype(np.int32))
        freqs.append(term_freqs[keep].astype(np.int32))
    return WordRun(np.concatenate(codes), np.concatenate(docs), np.concatenate(freqs), words)


def _term_run(leaf, name, terms, live, renumber) -> TermRun:
    found: dict[bytes, tuple[list[int], list[float], list[bytes]]] = {}
    for term in terms:
        matcher = leaf.postings(name, term)  # other fields are small: Whoosh's own matcher, deletions skipped
        entry: tuple[list[int], list[float], list[bytes]] = ([], [], [])
        while matcher.is_active():
            docnum = matcher.id()
            if live[docnum]:
                entry[0].append(int(renumber[docnum]))
                entry[1].append(matcher.weight())
                value = matcher.value()
                if value:
                    entry[2].append(value)
            matcher.next()
        if entry[0]:
            found[_term_bytes(term)] = entry
    return TermRun(found)


def _byte_length(byte: int) -> int:
    from whoosh.util.numeric import byte_to_length

    return byte_to_length(byte) if byte else 0
