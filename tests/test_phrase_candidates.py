"""Phrases (index/whoosh/engine.py ``_phrase_docs``) cut their candidates by the documents holding every bigram
before any position is read, and read a bigram's positions either whole or only in the blocks of the candidates:
every way gives what the bigrams' whole position lists say, on a real index of several segments."""

from __future__ import annotations

import json
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
