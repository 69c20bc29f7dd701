"""The bulk posting readers (index/whoosh/postings.py) against Whoosh's own matchers, on a real index of several
blocks written in Whoosh's W3 layout (as indexes were before posting lists were packed; Whoosh's matchers read only
that layout: tests/test_packed_postings.py holds packed lists to these)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.whoosh import segments
from index.whoosh.generations import open_current
from index.whoosh.ingest import ingest_paths
from index.whoosh.postings import read_positions, read_postings

DOCS = 300  # more than two W3 blocks (128 postings each) for a bigram every document holds


@pytest.fixture(scope="module")
def leaf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    records = [
        {
            "id": f"d{i}",
            "title": f"第{i}号通知",
            "body": "政府信息公开工作。" * (1 + i % 4) + ("罕见词语出现" if i % 97 == 0 else ""),
        }
        for i in range(DOCS)
    ]
    (folder / "docs.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segments, "PACKED_LISTS", False)
        ingest_paths([folder], index_dir)
    index = open_current(Path(index_dir))
    reader = index.reader()
    [(segment, _offset)] = reader.leaf_readers()
    yield segment
    reader.close()


def _whoosh(leaf, field: str, term: str) -> tuple[list[int], list[float], list[list[int]]]:
    """ids, weights and positions as Whoosh's matcher gives them, one posting at a time."""
    ids, weights, positions = [], [], []
    matcher = leaf.postings(field, term)
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        deltas = np.frombuffer(matcher.value() or b"", "<u4")
        positions.append(np.cumsum(deltas).tolist())
        matcher.next()
    return ids, weights, positions


@pytest.mark.parametrize(("field", "term"), [("body_grams", "公开"), ("body_grams", "罕见"), ("title_grams", "通知")])
def test_bulk_reads_equal_whooshs_matcher(leaf, field: str, term: str) -> None:
    ids, weights, positions = _whoosh(leaf, field, term)
    docs, freqs = read_postings(leaf, field, term)
    assert docs.tolist() == ids and freqs.tolist() == weights
    pos_docs, pos = read_positions(leaf, field, term)
    assert pos_docs.tolist() == [doc for doc, where in zip(ids, positions, strict=True) for _ in where]
    assert pos.tolist() == [p for where in positions for p in where]


def test_reading_positions_within_some_documents_decodes_only_their_blocks(leaf) -> None:
    full_docs, full_positions = read_positions(leaf, "body_grams", "公开")
    within = np.array([5, 250], np.int64)
    docs, positions = read_positions(leaf, "body_grams", "公开", within)
    assert 0 < docs.size < full_docs.size  # the block of neither document was skipped whole
    for doc in within:
        assert positions[docs == doc].tolist() == full_positions[full_docs == doc].tolist()


def test_a_term_the_segment_lacks_reads_as_empty(leaf) -> None:
    assert read_postings(leaf, "body_grams", "没有")[0].size == 0
    assert read_positions(leaf, "body_grams", "没有", np.array([1]))[0].size == 0


def test_blocks_read_for_some_documents_are_kept_decoded_in_the_cache(leaf, monkeypatch) -> None:
    from index.whoosh import postings
    from index.whoosh.arrays import _Cache

    cache = _Cache(2**20)
    within = np.array([5, 250], np.int64)
    first = read_positions(leaf, "body_grams", "公开", within, cache)
    assert read_positions(leaf, "body_grams", "公开", within)[0].tolist() == first[0].tolist()  # as without a cache

    def no_decoding(_data):
        raise AssertionError("a cached block was decoded again")

    monkeypatch.setattr(postings.pickle, "loads", no_decoding)
    again = read_positions(leaf, "body_grams", "公开", within, cache)
    assert [part.tolist() for part in again] == [part.tolist() for part in first]


def test_a_block_not_read_before_is_read_from_the_file_by_the_cached_directory(leaf) -> None:
    from index.whoosh.arrays import _Cache

    cache = _Cache(2**20)
    first = read_positions(leaf, "body_grams", "公开", np.array([5]), cache)  # keeps the term's directory of blocks
    later = read_positions(leaf, "body_grams", "公开", np.array([250]), cache)
    assert first[0].tolist() == read_positions(leaf, "body_grams", "公开", np.array([5]))[0].tolist()
    assert later[0].tolist() == read_positions(leaf, "body_grams", "公开", np.array([250]))[0].tolist()
    assert [part.tolist() for part in later] != [part.tolist() for part in first]  # another block
    assert read_positions(leaf, "body_grams", "没有", np.array([1]), cache)[0].size == 0
