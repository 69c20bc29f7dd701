"""A batch of documents written as one Whoosh segment, a term's postings at a time.

Whoosh's own writer sends every posting through a sorting pool and then, one by one, through the
codec (about 8 µs each, and a ``stat`` call for each posting of a field without lengths); this
builder keeps a batch's inverted index in memory, compactly (arrays, positions in one buffer per
term), and hands each term's postings to Whoosh's W3 codec writers in whole blocks. The files are
Whoosh's own, written by its codec; ``tests/test_segments.py`` holds a segment built here to one
Whoosh builds from the same documents.

Worker processes build segments in a scratch folder (:func:`build_segment`), so that a commit of the
index, which deletes segment files its table of contents does not name, cannot reach them.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage

from index.analysis import fast_segmenter, word_counts
from index.bigrams import gram_table
from index.postings import GramPositions, TermCounts

_ONE_POSITION = struct.Struct("<I").pack


class SegmentBuilder:
    """Documents (``schema.to_fields`` dicts) added one by one, then :meth:`write` as one segment."""

    def __init__(self, schema: Schema, cut: Callable[[str], list[str]]) -> None:
        self.schema = schema
        self.cut = cut
        # (field, term bytes) → [docnums, weights, positions buffer, end of each posting's positions]
        self._postings: dict[tuple[str, bytes], tuple[array, array, bytearray, array]] = {}
        self._docs: list[tuple[dict[str, object], dict[str, object]]] = []  # (stored values, column values)
        self._lengths: dict[str, array] = {}  # scorable field → each document's length
        self.chars = 0  # text analysed so far: what a batch's size is measured in

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, fields: dict[str, object]) -> None:
        """Add one document, as Whoosh's ``add_document`` would (same fields, same stored values)."""
        docnum = len(self._docs)
        stored: dict[str, object] = {}
        columns: dict[str, object] = {}
        postings = self._postings
        for name in sorted(key for key in fields if not key.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                for tbytes, freq, weight, positions in self._terms(field, value):
                    entry = postings.get((name, tbytes))
                    if entry is None:
                        entry = postings[(name, tbytes)] = (array("I"), array("f"), bytearray(), array("I"))
                    entry[0].append(docnum)
                    entry[1].append(weight)
                    if positions:
                        entry[2].extend(positions)
                        entry[3].append(len(entry[2]))
                    length += freq
            custom = fields.get(f"_stored_{name}", value)
            if field.stored:
                stored[name] = custom
            if field.scorable and length:
                lengths = self._lengths.setdefault(name, array("I"))
                lengths.extend([0] * (docnum + 1 - len(lengths)))
                lengths[docnum] = length
            if field.column_type is not None and custom is not None:
                columns[name] = field.to_column_value(custom)
        self._docs.append((stored, columns))

    def _terms(self, field, value) -> Iterable[tuple[bytes, int, float, bytes]]:
        """(term bytes, frequency, weight, posting value) of one field's value."""
        if isinstance(field.format, GramPositions) and isinstance(value, str):
            self.chars += len(value)
            for gram, positions in gram_table(value).items():
                encoded = _ONE_POSITION(positions[0]) if len(positions) == 1 else _deltas(positions)
                yield gram.encode("utf-8"), len(positions), float(len(positions)), encoded
        elif isinstance(field.format, TermCounts) and isinstance(value, str):
            for word, freq in word_counts(value, self.cut).items():
                yield word.encode("utf-8"), freq, float(freq), b""
        else:
            yield from field.index(value)

    def write(self, storage: FileStorage, indexname: str) -> W3Segment:
        """Write the documents added so far as a new segment in ``storage``; returns the segment."""
        codec = default_codec()
        segment = codec.new_segment(storage, indexname)
        perdoc = codec.per_document_writer(storage, segment)
        for docnum, (stored, columns) in enumerate(self._docs):
            perdoc.start_doc(docnum)
            for name, value in stored.items():
                perdoc.add_field(name, self.schema[name], value, self._length(name, docnum))
            for name, lengths in self._lengths.items():
                if name not in stored and docnum < len(lengths) and lengths[docnum]:
                    perdoc.add_field(name, self.schema[name], None, lengths[docnum])
            for name, value in columns.items():
                perdoc.add_column_value(name, self.schema[name].column_type, value)
            perdoc.finish_doc()
        fields = codec.field_writer(storage, segment)
        current = None
        for name, tbytes in sorted(self._postings):
            if name != current:
                if current is not None:
                    fields.finish_field()
                fields.start_field(name, self.schema[name])
                current = name
            fields.start_term(tbytes)
            _write_postings(fields._postwriter, *self._postings[(name, tbytes)], self._lengths.get(name))
            fields.finish_term()
        if current is not None:
            fields.finish_field()
        fields.close()
        perdoc.close()
        segment.set_doc_count(len(self._docs))
        # One compound file per segment, as Whoosh's writer makes by default: one open file per segment.
        segment.create_compound_file(storage)
        segment.compound = True
        return segment

    def _length(self, name: str, docnum: int) -> int:
        lengths = self._lengths.get(name)
        return lengths[docnum] if lengths is not None and docnum < len(lengths) else 0


def _deltas(positions: list[int]) -> bytes:
    return array("I", [b - a for a, b in zip([0, *positions], positions, strict=False)]).tobytes()


def _write_postings(writer, docnums: array, weights: array, blob: bytearray, ends: array, lengths) -> None:
    """One term's postings through Whoosh's W3 postings writer, a whole block at a time.

    The writer's own ``add_posting`` fills the same three buffers and block statistics one posting at
    a time; here each block is filled at once and written by the writer's ``_write_block`` (the last
    one by ``finish_postings``, as Whoosh does).
    """
    limit = writer._blocklimit
    total = len(docnums)
    for start in range(0, total, limit):
        end = min(start + limit, total)
        writer._ids = docnums[start:end]
        writer._weights = weights[start:end]
        if ends:
            bounds = ends[start:end]
            first = ends[start - 1] if start else 0
            writer._values = [bytes(blob[a:b]) for a, b in zip([first, *bounds], bounds, strict=False)]
        else:
            writer._values = []
        writer._maxweight = max(writer._weights)
        if lengths is not None:
            block_lengths = [lengths[d] if d < len(lengths) else 0 for d in writer._ids]
            known = [n for n in block_lengths if n]
            writer._minlength = min(known) if known else None
            writer._maxlength = max(block_lengths)
        if end < total:
            writer._write_block()


def build_segment(schema: Schema, userdict: str | None, folder: str, indexname: str, docs: list[dict]) -> W3Segment:
    """Build one segment of ``docs`` in ``folder`` (run in a worker process; returns the segment to commit)."""
    builder = SegmentBuilder(schema, fast_segmenter(userdict))
    for fields in docs:
        builder.add(fields)
    return builder.write(FileStorage(folder), indexname)


def segment_files(folder: Path, segment: W3Segment) -> list[Path]:
    """The files of ``segment`` in ``folder``."""
    return sorted(folder.glob(f"{segment.indexname}_{segment.segid}.*"))
