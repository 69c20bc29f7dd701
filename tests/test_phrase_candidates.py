"""Phrases (index/whoosh/engine.py ``_phrase_docs``) cut their candidates by the documents holding every bigram
before any position is read, and read a bigram's positions either whole or only in the blocks of the candidates:
every way gives what the bigrams' whole position lists say, on a real index of several segments."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import numpy as np
import pytest

from index.bigrams import phrase_grams
from index.whoosh import engine as engine_module
from index.whoosh import writer
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

DOCS = 420  # three segments of CHUNK_DOCS, each several W3 blocks (128 postings) for the common bigrams
CHUNK_DOCS = 150
FRAGMENTS = ["政府信息公开", "信息公开工作", "政府工作报告", "公开信息", "工作报告", "报告政府", "年度报告"]
PHRASES = ["政府信息公开", "信息公开工作", "公开信息公开", "政府工作报告政府", "报告政府信息", "年度报告", "工作"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    rng = random.Random(23)
    records = [
        {
            "id": f"d{i}",
            "title": f"第{i}号文件",
            "body": "。".join("".join(rng.choices(FRAGMENTS, k=rng.randint(1, 4))) for _ in range(rng.randint(1, 6))),
        }
        for i in range(DOCS)
    ]
    folder = tmp_path_factory.mktemp("docs")
    (folder / "docs.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "CHUNK_DOCS", CHUNK_DOCS)
        ingest_paths([folder], index_dir)
    return index_dir


def _reference(engine, grams: list[str]) -> dict[int, int]:
    """docnum → occurrences of the phrase, from every bigram's whole position list (no candidate cut)."""
    starts = None
    for offset, gram in enumerate(grams):
        docs, positions = engine.arrays.positions(engine.reader, "body_grams", gram)
        keys = set(zip(docs.tolist(), (positions - offset).tolist(), strict=True))
        starts = keys if starts is None else starts & keys
    found: dict[int, int] = {}
    for doc, _ in starts or ():
        found[doc] = found.get(doc, 0) + 1
    return found


# (FEW_CANDIDATES, FEW_SHARE, CHEAP_POSTINGS): positions read whole, no posting list read first; only in the
# candidates' blocks, after every posting list; as the engine chooses.
WAYS = {"whole": (0, 10**9, 0), "candidates' blocks": (10**9, 1, 10**9), "chosen": (None, None, None)}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("narrowed", [False, True], ids=["all documents", "within some"])
def test_phrase_documents_equal_the_whole_position_lists(index_dir: Path, monkeypatch, way: str, narrowed) -> None:
    few, share, cheap = WAYS[way]
    if few is not None:
        monkeypatch.setattr(engine_module, "FEW_CANDIDATES", few)
        monkeypatch.setattr(engine_module, "FEW_SHARE", share)
        monkeypatch.setattr(engine_module, "CHEAP_POSTINGS", cheap)
    catalog = Catalog(index_dir)
    try:
        with catalog.searcher() as searcher:
            engine = catalog._engine(searcher, literal=True)
            assert len(list(engine.reader.leaf_readers())) == 3
            within = np.sort(np.random.default_rng(5).choice(engine.size, engine.size // 3, replace=False))
            bodies = [searcher.stored_fields(doc)["body"] for doc in range(engine.size)]
            for phrase in PHRASES:
                grams = phrase_grams(phrase)
                slots = engine._slots("body_grams", grams, phrase=True)
                docs, counts = engine._phrase_docs("body_grams", slots, within if narrowed else None)
                expected = _reference(engine, grams)
                typed = {doc for doc, body in enumerate(bodies) if phrase in body}
                if narrowed:
                    expected = {doc: n for doc, n in expected.items() if doc in set(within.tolist())}
                    typed &= set(within.tolist())
                assert dict(zip(docs.tolist(), counts.astype(int).tolist(), strict=True)) == expected, phrase
                assert typed <= set(expected), phrase  # a phrase never misses text holding it
                pattern = re.compile(f"(?={re.escape(phrase)})")
                assert all(expected[doc] >= len(pattern.findall(bodies[doc])) for doc in typed)
                assert expected or phrase == "公开信息公开", phrase  # the phrases are found (this one may not be)
    finally:
        catalog.close()


def test_a_list_joined_across_segments_reads_what_each_segment_holds(index_dir: Path) -> None:
    """A packed list kept as one across the segments gives, for any documents, the positions each segment's own
    list gives for them."""
    from index.whoosh.postings import joined_list, read_positions

    catalog = Catalog(index_dir)
    try:
        with catalog.searcher() as searcher:
            reader = searcher.reader()
            rng = np.random.default_rng(7)
            for gram in ["政府", "信息", "公开", "报告", "年度", "工作", "无此"]:
                joined = joined_list(reader, "body_grams", gram)
                assert joined is not None  # an index written by this code: packed lists
                for share in (0.01, 0.2, 1.0):
                    docs = np.sort(rng.choice(reader.doc_count_all(), int(reader.doc_count_all() * share), False))
                    expected_docs, expected_positions = [], []
                    for leaf, offset in reader.leaf_readers():
                        local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
                        found, positions = read_positions(leaf, "body_grams", gram, local)
                        expected_docs += (found + offset).tolist()
                        expected_positions += positions.tolist()
                    found, positions = joined.within(docs)
                    assert found.tolist() == expected_docs and positions.tolist() == expected_positions, gram
                    assert found.size or gram == "无此" or share < 0.1
    finally:
        catalog.close()


def test_units_scored_on_their_documents_equal_bm25f_over_every_document(index_dir: Path) -> None:
    """A unit's score computed on the documents holding it only is BM25F's over every document, and the sorted
    intersection is NumPy's."""
    from index.query.plan import query_units

    catalog = Catalog(index_dir)
    try:
        with catalog.searcher() as searcher:
            engine = catalog._engine(searcher)
            fields = ("title", "body", "attachment", "doc_no", "publisher", "keywords")
            for unit in query_units("政府信息公开工作 年度报告 第1号", engine.analyzer):
                pooled, apart = engine._pseudo_tf(unit, fields)
                df = int(np.count_nonzero((pooled > 0) | (apart > 0)))
                idf = math.log(1 + (engine.arrays.count - df + 0.5) / (df + 0.5))  # a Python float, as the engine
                k1, k1_apart = engine_module.K1, engine_module.K1_APART
                expected = idf * (pooled * (k1 + 1) / (k1 + pooled) + apart * (k1_apart + 1) / (k1_apart + apart))
                score, found_idf = engine._unit(unit, fields)
                assert df and found_idf == pytest.approx(idf)
                assert expected.dtype == np.float32 and np.array_equal(score, expected), unit.word
    finally:
        catalog.close()
    rng = np.random.default_rng(3)
    for size_a, size_b in [(0, 5), (5, 0), (10, 1000), (1000, 10), (500, 500)]:
        a = np.unique(rng.integers(0, 2000, size_a))
        b = np.unique(rng.integers(0, 2000, size_b))
        assert np.array_equal(engine_module._intersect(a, b), np.intersect1d(a, b))
