"""A search loads what it needs and no more: `portal search` imports no web framework, ingest code, setuptools'
pkg_resources (jieba's data files are opened without it), python-stdnum or charset_normalizer; a search reads the
speller saved apart rather than the whole vocabulary (its titles are for autocomplete), and a text's query units are
cut once however often a search asks for them; the answers are the same as with everything loaded."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from index.query import SearchRequest, plan
from index.query.spelling import Speller
from index.whoosh import generations
from index.whoosh.catalog import Catalog

# Found as typed, corrected (地保, 养老报险), a compound found through its parts (低保户), several words, no hit.
QUERIES = ["政府信息公开", "地保", "养老报险", "低保户", "工伤 认定", "独角兽飞船"]

_PROBE = """
import json, runpy, sys
sys.argv = ["portal", "search", "--json", "-n", "3", *sys.argv[1:]]
try:
    runpy.run_module("portal", run_name="__main__")
except SystemExit:
    pass
heavy = ["starlette", "uvicorn", "httpx", "pkg_resources", "index.ingest", "index.pipeline", "lxml", "jinja2",
         "stdnum", "charset_normalizer"]
print(json.dumps([name for name in heavy if name in sys.modules]), file=sys.stderr)
"""


def _answer(result) -> dict:
    found = dataclasses.asdict(result)
    found.pop("elapsed_ms")
    return found


def test_a_search_from_the_shell_imports_no_server_or_ingest_code(built_index: Path) -> None:
    env = {**os.environ, "PORTAL_INDEX_DIR": str(built_index)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "政府信息公开"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout)["total"] > 0
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_a_search_reads_the_speller_saved_apart_and_answers_as_with_the_vocabulary(built_index: Path) -> None:
    alone = Catalog(built_index)
    loaded = Catalog(built_index)
    try:
        with loaded.searcher() as searcher:
            loaded._vocabulary(searcher)  # as a server's warm() loads it
        for q in QUERIES:
            assert _answer(alone.search(SearchRequest(q=q))) == _answer(loaded.search(SearchRequest(q=q))), q
        assert alone._prepared is None  # the vocabulary (titles and all) was never loaded
        assert alone.search(SearchRequest(q="地保")).rescue is not None  # the speller answered
    finally:
        alone.close()
        loaded.close()


def test_a_search_that_corrects_nothing_leaves_the_spellers_tables_packed(built_index: Path) -> None:
    catalog = Catalog(built_index)
    try:
        found = catalog.search(SearchRequest(q="低保"))  # a known word: no homophone is looked up
        assert found.total and found.rescue is None
        speller = catalog._speller_kept[1]
        assert "_packed" in vars(speller) and "_by_sound" not in vars(speller)  # the word weights alone were read
        assert catalog.search(SearchRequest(q="地保")).rescue is not None  # a correction unpacks them
        assert "_by_sound" in vars(speller) and "_packed" not in vars(speller)
    finally:
        catalog.close()


def test_a_speller_saved_before_its_tables_were_packed_is_read_as_one_of_this_version(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    with catalog.searcher() as searcher:
        speller = catalog._speller(searcher)
    old = Speller.__new__(Speller)
    vars(old).update(version=2, frequency=speller.frequency, _by_sound=speller._by_sound, _by_length=speller._by_length)
    monkeypatch.delattr(Speller, "__getstate__")  # pickled as version 2 pickled it: its attributes as they are
    saved = pickle.dumps(old)
    monkeypatch.undo()

    loaded = pickle.loads(saved)
    assert loaded.version == Speller.VERSION
    assert loaded.homophones("地保") == speller.homophones("地保") and loaded.neighbour("养老报险") == "养老保险"


def test_an_index_saved_without_the_speller_apart_searches_alike(built_index: Path, tmp_path: Path) -> None:
    """An index prepared by older code has no speller file: the vocabulary's speller serves."""
    copy = tmp_path / "index"
    shutil.copytree(built_index, copy)
    live = generations.current_generation(copy)
    assert live is not None
    spellers = list(live.glob("speller-*.pickle"))
    assert spellers
    for path in spellers:
        path.unlink()
    older, current = Catalog(copy), Catalog(built_index)
    try:
        for q in QUERIES:
            assert _answer(older.search(SearchRequest(q=q))) == _answer(current.search(SearchRequest(q=q))), q
        assert older._prepared is not None
    finally:
        older.close()
        current.close()


def test_a_texts_units_are_cut_once(catalog: Catalog) -> None:
    with catalog.searcher() as searcher:
        engine = catalog._engine(searcher)
    cuts: list[str] = []

    def analyzer(text, **options):
        cuts.append(text)
        return engine.analyzer(text, **options)

    text = "辞职后社保怎么办 2017年高温补贴"
    first = plan.query_units(text, analyzer, engine.synonyms, engine.compounds)
    made = len(cuts)
    assert made and plan.query_units(text, analyzer, engine.synonyms, engine.compounds) == first
    assert len(cuts) == made  # not cut again
    plain = plan.query_units(text, analyzer)  # without synonyms and compounds: units of their own, cut once
    assert len(cuts) > made and plan.query_units(text, analyzer) == plain
