"""Term look-ups by positional reads (index/whoosh/termtable.py) find what Whoosh's own hash reader finds, for every
term of a real index, and nothing for terms it does not hold."""

from __future__ import annotations

import pytest
from whoosh.fields import NUMERIC

from index.whoosh import generations
from index.whoosh.postings import _lookup, doc_frequency, read_postings
from index.whoosh.termtable import TermTable, positional_file, term_table


@pytest.fixture
def reader(built_index):
    ix = generations.open_current(built_index)
    reader = ix.reader()
    yield reader
    reader.close()
    ix.close()


def _segments(reader):
    leaves = [leaf for leaf, _offset in reader.leaf_readers() if getattr(leaf, "_terms", None) is not None]
    assert leaves
    return leaves


def test_every_term_is_found_as_whoosh_finds_it(reader):
    checked = 0
    for leaf in _segments(reader):
        hashreader = leaf._terms._tindex
        table = term_table(hashreader)
        assert isinstance(table, TermTable)  # the index is opened without memory maps: a plain file, read by pread
        for key, value in hashreader.items():
            assert table.lookup(key) == value == hashreader[key]
            checked += 1
    assert checked > 10_000  # every field's terms, words and bigrams


def test_terms_the_segment_lacks_are_not_found(reader):
    for leaf in _segments(reader):
        hashreader = leaf._terms._tindex
        table = term_table(hashreader)
        assert table is not None
        keys = [key for key, _ in zip(hashreader.keys(), range(2000), strict=False)]
        for key in keys:
            for absent in (key + b"\x00", key[:-1] + bytes([(key[-1] + 1) % 256]), b"\xff" + key):
                if absent not in hashreader:
                    assert table.lookup(absent) is None


def test_posting_lists_read_by_pread_are_whooshs_bytes(reader):
    for leaf in _segments(reader):
        terms = leaf._terms
        postings = positional_file(terms._postfile)
        assert postings is not None
        for field in ("body_grams", "title", "body"):
            for term in [t.decode("utf-8") for t, _ in zip(leaf.lexicon(field), range(300), strict=False)]:
                info, offset, data = _lookup(leaf, field, term)
                whoosh = terms.term_info(field, term.encode("utf-8"))
                assert info.doc_frequency() == whoosh.doc_frequency()
                if not whoosh.is_inlined():
                    start, length = whoosh.extent()
                    (length,) = length if isinstance(length, tuple) else (length,)
                    assert (offset, data) == (start, terms._postfile.get(start, length))


def test_document_frequencies_from_the_term_info_are_whooshs(reader):
    """Every field of the schema, held by the segment or not (a field no document fills has no number in the
    segment: its terms are absent without a look-up), for terms the segment holds and one it does not."""
    checked = 0
    for leaf in _segments(reader):
        held = leaf._terms._fieldmap
        for field in reader.schema.names():
            if not reader.schema[field].indexed or isinstance(reader.schema[field], NUMERIC):
                continue
            terms = [t for t, _ in zip(leaf.lexicon(field), range(50), strict=False)] if field in held else []
            texts = [reader.schema[field].from_bytes(term) for term in terms]
            for text in [*texts, "没有这个词"]:
                if not isinstance(text, str):  # a numeric field's terms
                    continue
                assert doc_frequency(leaf, field, text) == leaf.doc_frequency(field, text), (field, text)
                checked += 1
            if field not in held:
                assert read_postings(leaf, field, "公开")[0].size == 0
    assert checked > 500


def test_a_closed_segment_is_not_read(built_index):
    """After Whoosh closes the reader its descriptor may be another file's: reading it would give wrong bytes."""
    ix = generations.open_current(built_index)
    reader = ix.reader()
    leaf = _segments(reader)[0]
    hashreader = leaf._terms._tindex
    table = term_table(hashreader)
    key = next(iter(hashreader.keys()))
    assert table is not None and table.lookup(key) is not None
    reader.close()
    ix.close()
    with pytest.raises(ValueError, match="closed"):
        table.lookup(key)


def test_a_look_up_racing_the_close_reads_the_segments_bytes(built_index, tmp_path):
    """The window between the closed-check and the read: Whoosh closes the file and another file takes its
    descriptor's number. The table reads through a descriptor of its own, so it still gets the segment's bytes."""
    ix = generations.open_current(built_index)
    reader = ix.reader()
    leaf = _segments(reader)[0]
    hashreader = leaf._terms._tindex
    table = term_table(hashreader)
    assert table is not None
    key = next(iter(hashreader.keys()))
    before = table.lookup(key)
    raw = table._raw
    reader.close()
    ix.close()
    assert raw.closed
    impostor = tmp_path / "other"
    impostor.write_bytes(b"\xff" * 1_000_000)
    opened = [open(impostor, "rb") for _ in range(8)]  # the freed descriptor numbers go to another file

    class StillOpen:  # the check passed just before the close
        closed = False

    try:
        table._raw = StillOpen()
        assert table.lookup(key) == before
    finally:
        for handle in opened:
            handle.close()
