"""Word positions: phrases match adjacent words only, sub-words are found, highlights mark whole matches."""

from __future__ import annotations

import json

import pytest

from index.analysis import ChineseAnalyzer
from index.ingest import ingest_paths
from index.query import Catalog, SearchRequest


def test_words_take_consecutive_positions_and_subwords_their_parents():
    tokens = [(t.text, t.pos) for t in ChineseAnalyzer()("马克思主义，政府信息公开", positions=True, mode="index")]
    assert ("马克思主义", 0) in tokens and ("马克思", 0) in tokens
    # "，" advances the position; 政府信息 is one word of the user dictionary, its parts sit at its position
    assert {("政府信息", 2), ("政府", 2), ("信息", 2), ("公开", 3)} <= set(tokens)


def test_query_mode_has_no_subwords():
    assert [t.text for t in ChineseAnalyzer()("马克思主义", mode="query")] == ["马克思主义"]


def test_full_width_latin_is_folded_with_offsets_kept():
    [token] = list(ChineseAnalyzer()("ＡＢＣ", chars=True))
    assert (token.text, token.startchar, token.endchar) == ("abc", 0, 3)


DOCS = {
    "adjacent": "本机关认真做好政府信息公开工作。",
    "apart": "政府工作报告提出，要加强信息化建设，推进公开透明。",
    "marx": "坚持以马克思主义为指导。",
    "split": "政府信息 公开栏目",  # white space inside a phrase is formatting, not a break
    "context": "请认真贯彻执行。",  # jieba cuts 认真贯彻 / 执行 here, but 贯彻执行 alone
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    for key, body in DOCS.items():
        (folder / f"{key}.json").write_text(json.dumps({"id": key, "title": f"文件{key}", "body": body}), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    ingest_paths([folder], index_dir)
    return Catalog(index_dir)


def _ids(catalog: Catalog, q: str) -> set[str]:
    return {hit.id for hit in catalog.search(SearchRequest(q=q)).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param('"政府信息公开"', {"adjacent", "split"}, id="quoted-phrase-adjacent-only"),
        pytest.param("政府信息公开", {"adjacent", "split"}, id="unquoted-run-is-a-phrase"),
        pytest.param("政府 公开", {"adjacent", "apart", "split"}, id="space-separated-words-anywhere"),
        pytest.param("马克思", {"marx"}, id="subword-inside-longer-word"),
        pytest.param('"政府信息"', {"adjacent", "split"}, id="phrase-ignores-spaces-between-words"),
        pytest.param("贯彻执行", {"context"}, id="word-cut-differently-in-context"),
        pytest.param('"认真贯彻执行"', {"context"}, id="phrase-cut-differently-in-context"),
    ],
)
def test_phrase_and_subword_queries(small, query, expected):
    assert _ids(small, query) == expected


def test_highlight_marks_the_whole_phrase_once(small):
    [hit] = [h for h in small.search(SearchRequest(q='"政府信息公开"')).hits if h.id == "adjacent"]
    assert "<mark>政府信息公开</mark>" in hit.snippet_html


def test_highlight_marks_subword_inside_its_word(small):
    [hit] = small.search(SearchRequest(q="马克思")).hits
    assert "<mark>马克思</mark>主义" in hit.snippet_html


def test_user_dictionary_keeps_government_terms_whole():
    words = [t.text for t in ChineseAnalyzer()("城乡低保和特困供养人员", mode="query")]
    assert "低保" in words
