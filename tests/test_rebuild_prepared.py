"""A rebuild (and a first ingest) prepares its new generation's searches before making it live
(index/whoosh/ingest.py: WhooshIngest.writing): the arrays, vocabulary and lexicon's table are saved beside the new
commit when ``CURRENT`` names it, so a server moving to the new generation derives none of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.query.lexicon as lexicon
import index.whoosh.catalog as catalog_module
from index.query import SearchRequest
from index.whoosh import generations
from index.whoosh.catalog import SAVED, Catalog
from index.whoosh.ingest import ingest_paths


def _docs(first: int, count: int) -> list[dict]:
    return [
        {
            "id": f"wages-{n}",
            "title": f"关于第{n}批农民工工资支付情况的公告",
            "body": "用人单位应当按时足额支付农民工工资，参保人员异地就医直接结算。" * (n % 3 + 1),
            "pub_date": f"2022-03-{n % 28 + 1:02d}",
        }
        for n in range(first, first + count)
    ]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "docs.json").write_text(json.dumps(_docs(1, 12), ensure_ascii=False), "utf-8")
    return folder


def _missing(generation: Path) -> list[str]:
    """What :meth:`Catalog.prepare` saves that ``generation``'s latest commit lacks."""
    commit = generations._storage(generation).open_index().latest_generation()
    return [kind for kind in SAVED if not (generation / f"{kind}-{commit}.pickle").exists()]


def test_current_names_a_generation_only_once_its_searches_are_prepared(sources, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    seen: list[tuple[str, list[str]]] = []
    write = generations.write_atomic

    def watched(path: Path, data: bytes) -> None:  # the switch: CURRENT replaced
        if path.name == generations.CURRENT:
            named = index_dir / json.loads(data)["generation"]
            seen.append((named.name, _missing(named)))
        write(path, data)

    monkeypatch.setattr(generations, "write_atomic", watched)
    assert not ingest_paths([sources], index_dir).rejected  # a first ingest: a new generation
    (sources / "docs.json").write_text(json.dumps(_docs(5, 12), ensure_ascii=False), "utf-8")
    assert not ingest_paths([sources], index_dir, rebuild=True).rejected
    assert seen == [("gen-0001", []), ("gen-0002", [])]


def test_a_server_searching_the_moment_a_rebuild_goes_live_derives_nothing(sources, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    assert not ingest_paths([sources], index_dir).rejected
    catalog = Catalog(index_dir)
    derived: list[str] = []
    found = []
    write = generations.write_atomic

    def switched(path: Path, data: bytes) -> None:  # a request arriving just as CURRENT names the new generation
        write(path, data)
        if path.name == generations.CURRENT:
            before = len(derived)
            result = catalog.search(SearchRequest(q="工资", per_page=50))
            found.append((catalog.version()[0], result, derived[before:]))

    derive_table, derive_words = lexicon.lexicon_alternatives, catalog_module.vocabulary_of
    build_arrays = catalog_module.IndexArrays.__init__

    def table(*args, **kwargs):
        derived.append("lexicon")
        return derive_table(*args, **kwargs)

    def words(*args, **kwargs):
        derived.append("vocabulary")
        return derive_words(*args, **kwargs)

    def arrays(self, *args, **kwargs):
        derived.append("arrays")
        build_arrays(self, *args, **kwargs)

    try:
        catalog.warm()
        (sources / "docs.json").write_text(json.dumps(_docs(5, 12), ensure_ascii=False), "utf-8")
        monkeypatch.setattr(generations, "write_atomic", switched)
        monkeypatch.setattr(lexicon, "lexicon_alternatives", table)
        monkeypatch.setattr(catalog_module, "vocabulary_of", words)
        monkeypatch.setattr(catalog_module.IndexArrays, "__init__", arrays)
        assert not ingest_paths([sources], index_dir, rebuild=True).rejected
    finally:
        catalog.close()
    [(generation, result, by_search)] = found
    assert generation == "gen-0002" and {hit.id for hit in result.hits} == {f"wages-{n}" for n in range(5, 17)}
    assert by_search == []  # the server's search derived nothing
    assert {"arrays", "vocabulary", "lexicon"} <= set(derived)  # the rebuild did, before the switch
