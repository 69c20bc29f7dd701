"""Everyday words and traditional characters find the documents written in official words and simplified ones.

A real index of a few documents: one holding only the official term (最低生活保障), one holding only the
everyday one (低保), one in traditional characters, one in simplified characters.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.convert import to_simplified
from index.query import SearchRequest
from index.query.synonyms import Synonyms, SynonymTable
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

DOCS = [
    {
        "id": "official",
        "title": "关于提高城乡最低生活保障标准的通知",
        "pub_date": "2021-02-01",
        "body": "从今年起提高城乡最低生活保障标准，农村最低生活保障标准每人每月提高五十元。",
    },
    {
        "id": "everyday",
        "title": "关于提高城乡低保标准的通知",
        "pub_date": "2021-02-02",
        "body": "从今年起提高城乡低保标准，农村低保标准每人每月提高五十元。",
    },
    {
        "id": "traditional",
        "title": "關於調整城鄉居民養老保險繳費檔次的通知",
        "pub_date": "2020-05-01",
        "body": "為進一步完善城鄉居民基本養老保險制度，引導參保人員選擇較高檔次繳費。",
    },
    {
        "id": "simplified",
        "title": "关于做好职业年金工作的通知",
        "pub_date": "2019-05-01",
        "body": "机关事业单位工作人员参加基本养老保险的同时，应当参加职业年金。",
    },
    {
        "id": "driving",
        "title": "机动车驾驶证申领和使用规定",
        "pub_date": "2016-01-29",
        "body": "机动车驾驶证记载和签注以下内容。驾驶人应当于机动车驾驶证有效期满前九十日内申请换证。",
    },
]
SYNONYMS = "最低生活保障 低保\n机动车驾驶证 驾照 驾驶执照\n"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "docs.json").write_text(json.dumps(DOCS, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    report = ingest_paths([folder], index_dir)
    assert not report.rejected
    return index_dir


@pytest.fixture(scope="module")
def synonyms_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synonyms") / "synonyms.txt"
    path.write_text(SYNONYMS, "utf-8")
    return path


@pytest.fixture(scope="module")
def catalog(index_dir, synonyms_file):
    catalog = Catalog(index_dir, synonyms=synonyms_file)
    yield catalog
    catalog.close()


def ids(catalog: Catalog, q: str, **options) -> list[str]:
    return [hit.id for hit in catalog.search(SearchRequest(q=q, per_page=50, **options)).hits]


# Traditional → simplified ------------------------------------------------------------------------------


def test_conversion_keeps_every_character_in_place():
    assert to_simplified("養老保險 排汙許可證 釣魚島") == "养老保险 排污许可证 钓鱼岛"
    assert to_simplified("乾隆年間，乾燥") == "乾隆年间，干燥"  # a phrase table, not characters alone
    assert to_simplified("已是简体 ABC 123") == "已是简体 ABC 123"


@given(st.text(alphabet="養老保險排汙許可證釣魚島乾隆頭髮著作於後裡麼台灣ab1 ，。", max_size=60))
def test_conversion_never_changes_the_length(text):
    assert len(to_simplified(text)) == len(text)


def test_traditional_query_finds_simplified_documents(catalog):
    found = ids(catalog, "基本養老保險")
    assert "simplified" in found and "traditional" in found


def test_simplified_query_finds_the_traditional_document(catalog):
    assert ids(catalog, "城乡居民养老保险")[0] == "traditional"
    assert ids(catalog, '"养老保险缴费档次"') == ["traditional"]  # a phrase, exact, across scripts


def test_traditional_document_is_stored_and_marked_as_published(catalog):
    result = catalog.search(SearchRequest(q="养老保险"))
    hit = next(hit for hit in result.hits if hit.id == "traditional")
    assert hit.title == DOCS[2]["title"]
    assert "<mark>養老保險</mark>" in hit.title_html
    assert "<mark>養老保險</mark>" in hit.snippet_html
    assert catalog.get("traditional").body == DOCS[2]["body"]


def test_conversion_is_off_in_the_catalog_without_it(index_dir):
    plain = Catalog(index_dir, synonyms=None, convert=False)
    try:
        assert plain.search(SearchRequest(q="養老保險")).total == 0
    finally:
        plain.close()


# Synonyms ------------------------------------------------------------------------------------------------


def test_synonym_file_groups_and_problems():
    table = SynonymTable.parse("# comment\n最低生活保障 低保\n機動車駕駛證，驾照、駕照\n孤词\n", "f")
    assert table.alternatives("低保") == ("最低生活保障",)
    assert table.alternatives("最低生活保障") == ()  # one way: an official term is searched as typed
    assert table.alternatives("驾照") == ("机动车驾驶证",)  # simplified, duplicates merged
    assert table.official("驾照") == "机动车驾驶证"
    assert table.problems == ["f line 4: a group needs two terms or more (孤词)"]


def test_everyday_word_finds_the_official_one_and_literal_ranks_first(catalog):
    result = catalog.search(SearchRequest(q="低保"))
    assert [hit.id for hit in result.hits] == ["everyday", "official"]  # the same frequency: literal first
    assert [(e.term, e.synonyms) for e in result.expansions] == [("低保", ["最低生活保障"])]
    official = next(hit for hit in result.hits if hit.id == "official")
    assert "<mark>最低生活保障</mark>" in official.snippet_html


def test_official_word_is_searched_as_typed(catalog):
    result = catalog.search(SearchRequest(q="最低生活保障"))
    assert [hit.id for hit in result.hits] == ["official"] and result.expansions == []


def test_literal_search_uses_no_synonyms(catalog):
    result = catalog.search(SearchRequest(q="低保", literal=True))
    assert [hit.id for hit in result.hits] == ["everyday"]
    assert result.expansions == []


def test_a_synonym_fills_its_words_slot_once(catalog):
    # Two units, both required: 驾照 (its slot filled by 机动车驾驶证, counted once) and 换证.
    assert ids(catalog, "驾照 换证") == ["driving"]
    assert ids(catalog, "驾照 换证", literal=True) == []


def test_synonym_terms_are_matched_on_word_boundaries_only():
    table = SynonymTable.parse("传染性非典型肺炎 非典\n")
    from index.analysis import ChineseAnalyzer
    from index.query.plan import query_units

    units = query_units("非典型肺炎", ChineseAnalyzer(), table)
    assert all(not unit.alternatives for unit in units)
    assert [u.word for u in query_units("非典 防治", ChineseAnalyzer(), table)][0] == "非典"


def test_editing_the_file_applies_without_reindexing(index_dir, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("最低生活保障 低保\n", "utf-8")
    catalog = Catalog(index_dir, synonyms=path)
    try:
        assert catalog.search(SearchRequest(q="驾照")).total == 0
        path.write_text("最低生活保障 低保\n机动车驾驶证 驾照\n", "utf-8")
        later = time.time() + 5
        os.utime(path, (later, later))  # a new modification time, whatever the file system's resolution
        assert ids(catalog, "驾照") == ["driving"]
    finally:
        catalog.close()


def test_a_missing_synonym_file_means_no_synonyms(index_dir, tmp_path):
    synonyms = Synonyms(tmp_path / "absent.txt")
    assert synonyms.table().groups == []
    catalog = Catalog(index_dir, synonyms=tmp_path / "absent.txt")
    try:
        assert ids(catalog, "低保") == ["everyday"]
    finally:
        catalog.close()
