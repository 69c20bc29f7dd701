"""Packed posting lists (index/whoosh/postings.py ``encode_lists``): they decode to what was encoded, and an index
written with them answers every search exactly as one of the same documents in Whoosh's W3 layout, the layout of
indexes written before, which stay readable as they are."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from helpers import DOCUMENTS, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from index.query import SearchRequest
from index.whoosh import segments, writer
from index.whoosh.catalog import Catalog
from index.whoosh.generations import open_current
from index.whoosh.ingest import ingest_paths
from index.whoosh.postings import PACKED_TAG, _lookup, _Packed, encode_lists, read_positions, read_postings

# One term's postings: (docnum delta, [position deltas]) each, the deltas drawn so that every width (1, 2 and 4
# bytes) and exceptions (a few large values among small ones) occur.
_delta = st.one_of(st.integers(0, 300), st.integers(0, 70_000), st.integers(0, 2**32 - 1))
_posting = st.tuples(st.integers(1, 70_000), st.lists(_delta, min_size=1, max_size=6))
_term = st.lists(_posting, min_size=1, max_size=40)


@settings(max_examples=examples(40), deadline=None)
@given(terms=st.lists(_term, min_size=1, max_size=5), positions=st.booleans(), pick=st.randoms())
def test_packed_lists_decode_to_what_was_encoded(terms, positions, pick) -> None:
    docs, freqs, deltas, bounds = [], [], [], [0]
    for postings in terms:
        doc = -1
        for step, where in postings:
            doc += step
            docs.append(doc)
            freqs.append(len(where) if positions else step % 300 + 1)
            deltas.extend(where)
        bounds.append(len(docs))
    blob = bytearray()
    extents = encode_lists(
        np.array(bounds), np.array(docs), np.array(freqs), np.array(deltas, np.int64) if positions else None, blob
    )
    assert [start for start, _ in extents] == sorted(start for start, _ in extents)
    for term, (start, length) in enumerate(extents):
        data = bytes(blob[start : start + length])
        assert data[0] == PACKED_TAG
        low, high = bounds[term], bounds[term + 1]
        packed = _Packed(data, high - low)
        assert packed.docs.tolist() == docs[low:high]
        assert packed.freqs.tolist() == freqs[low:high]
        if not positions:
            continue
        first = sum(freqs[:low])
        expected = []
        for doc, count in zip(docs[low:high], freqs[low:high], strict=True):
            at = np.cumsum(deltas[first : first + count]).tolist()
            expected.append([(doc, p) for p in at])
            first += count
        got_docs, got_positions = packed.positions()
        assert list(zip(got_docs.tolist(), got_positions.tolist(), strict=True)) == [p for e in expected for p in e]
        chosen = np.array(sorted(pick.sample(range(high - low), pick.randint(0, high - low))), np.int64)
        got_docs, got_positions = packed.positions(chosen)
        want = [p for i in chosen.tolist() for p in expected[i]]
        assert list(zip(got_docs.tolist(), got_positions.tolist(), strict=True)) == want


CHUNK_DOCS = 120  # several segments: docnums offset across them


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> dict[str, Path]:
    """The bundled documents and 300 synthetic ones (common bigrams in hundreds of documents, three documents with
    positions past 65,535), indexed twice: posting lists in Whoosh's W3 layout (as written before) and packed."""
    rng = random.Random(23)
    sentences = [
        "政府信息公开工作年度报告。",
        "城乡居民最低生活保障标准提高。",
        "关于做好高校毕业生就业创业工作的通知。",
        "排污许可证执行报告按期提交。",
        "养老保险待遇调整。",
    ]
    records = [
        {
            "id": f"long-{i}",
            "title": f"第{i}号文件：{rng.choice(sentences)}",
            "body": "".join(rng.choices(sentences, k=5000 if i % 100 == 0 else rng.choice([3, 30, 300])))
            + f"编号{i}结束。",
            "publisher": rng.choice(["江苏省财政厅", "宿迁市人民政府"]),
            "pub_date": f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        }
        for i in range(300)
    ]
    folder = tmp_path_factory.mktemp("docs")
    (folder / "long.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    built = {}
    for layout, packed in (("w3", False), ("packed", True)):
        index_dir = tmp_path_factory.mktemp(layout)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(writer, "CHUNK_DOCS", CHUNK_DOCS)
            patch.setattr(segments, "PACKED_LISTS", packed)
            ingest_paths([DOCUMENTS, folder], index_dir)
        built[layout] = index_dir
    return built


QUERIES = [
    ("低保", {}, "relevance"),
    ("最低生活保障", {}, "relevance"),
    ('"政府信息公开"', {}, "relevance"),
    ('"报告按期提交"', {}, "relevance"),
    ('"标准提高。关于"', {}, "relevance"),
    ("关于做好高校毕业生就业创业工作的通知", {}, "relevance"),
    ("高校毕业生 就业 创业", {}, "relevance"),
    ("养老 保险 待遇", {"publisher": ["宿迁市人民政府"]}, "relevance"),
    ("通知", {}, "newest"),
    ("", {}, "newest"),
    ("编号17结束", {}, "relevance"),
    ("住房公积金 缴存基数", {}, "relevance"),
    ("排污许可", {"year": ["2023"]}, "relevance"),
    ("地保", {}, "relevance"),  # corrected
    ("驾照 扣分 火星", {}, "relevance"),  # relaxed
    ("量子引力波火星基地", {}, "relevance"),  # nothing
    ("title:通知", {}, "relevance"),
]


# Queries the documents answer (the rest may find nothing, alike).
FINDING = {
    "低保",
    "最低生活保障",
    '"政府信息公开"',
    '"报告按期提交"',
    "关于做好高校毕业生就业创业工作的通知",
    "高校毕业生 就业 创业",
    "养老 保险 待遇",
    "通知",
    "",
    "编号17结束",
    "title:通知",
}


def _answer(catalog: Catalog, q: str, filters: dict, sort: str):
    result = catalog.search(SearchRequest(q=q, filters=filters, sort=sort))
    hits = [(hit.id, hit.title_html, hit.snippet_html, hit.attachment_hits) for hit in result.hits]
    facets = {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()}
    return result.total, hits, [hit.score for hit in result.hits], facets, result.did_you_mean, result.rescue


@pytest.mark.parametrize(("q", "filters", "sort"), QUERIES)
def test_packed_and_w3_indexes_answer_every_search_alike(indexes, q, filters, sort) -> None:
    w3, packed = Catalog(indexes["w3"]), Catalog(indexes["packed"])
    try:
        total, hits, scores, facets, did_you_mean, rescue = _answer(w3, q, filters, sort)
        got = _answer(packed, q, filters, sort)
        assert (got[0], got[1], got[3], got[4], got[5]) == (total, hits, facets, did_you_mean, rescue)
        assert got[2] == pytest.approx(scores, rel=1e-5)
        if q in FINDING:
            assert total > 0 and hits  # not two empty answers alike
    finally:
        w3.close()
        packed.close()


def test_the_w3_index_is_the_old_layout_and_reads_position_for_position_as_the_packed(indexes) -> None:
    w3, packed = open_current(indexes["w3"]).reader(), open_current(indexes["packed"]).reader()
    try:
        assert len(w3.leaf_readers()) == len(packed.leaf_readers()) > 2
        compared = 0
        for (old, _), (new, _) in zip(w3.leaf_readers(), packed.leaf_readers(), strict=True):
            for field in ("body_grams", "title_grams", "body"):
                for tbytes in list(old.lexicon(field))[::7]:
                    term = tbytes.decode("utf-8")
                    assert _lookup(old, field, term)[2][:4] == b"W3Bl"
                    assert _lookup(new, field, term)[2][0] == PACKED_TAG
                    assert [a.tolist() for a in read_postings(old, field, term)] == [
                        a.tolist() for a in read_postings(new, field, term)
                    ]
                    if field.endswith("_grams"):
                        whole = [a.tolist() for a in read_positions(old, field, term)]
                        assert whole == [a.tolist() for a in read_positions(new, field, term)]
                        within = np.unique(np.array(whole[0][::3], np.int64))
                        new_within = read_positions(new, field, term, within)
                        assert np.isin(new_within[0], within).all()  # only the documents asked for are decoded
                        assert _in(new_within, within) == _in(read_positions(old, field, term, within), within)
                    compared += 1
        assert compared > 1000
    finally:
        w3.close()
        packed.close()


def _in(found: tuple[np.ndarray, np.ndarray], within: np.ndarray) -> tuple[list[int], list[int]]:
    """The occurrences in ``within`` (the W3 reader decodes whole blocks: others too)."""
    keep = np.isin(found[0], within)
    return found[0][keep].tolist(), found[1][keep].tolist()
