"""Properties of the query path, for any text a person or a robot can type: the parser never raises, parsing is
stable, and a search answers (maybe with a notice or a friendly error), never an exception."""

from __future__ import annotations

import json

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.query import SearchRequest
from index.query.syntax import And, Not, Or, Phrase, Words, parse
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

# Text built from the characters queries are made of: Chinese, Latin, digits, and every character the syntax
# gives a meaning (quotes of four kinds, brackets, colons, operators' letters, minus, field prefixes).
ALPHABET = st.sampled_from(
    list('低保殡葬政府信息公开标题正文文号索引号发布机构全文名称:："“”「」『』()（）[]【】〔〕-+ ANDORT')
    + ["AND", "OR", "NOT"]
)
QUERIES = st.lists(ALPHABET, max_size=40).map("".join) | st.text(max_size=60)


def _words(node) -> list[str]:
    if node is None:
        return []
    if isinstance(node, Words | Phrase):
        return [node.text]
    if isinstance(node, Not):
        return _words(node.child)
    assert isinstance(node, And | Or)
    return [text for child in node.children for text in _words(child)]


@given(QUERIES)
@settings(max_examples=examples(200), deadline=None)
def test_the_parser_never_raises_and_keeps_only_text_of_the_query(text):
    parsed = parse(text)
    for part in _words(parsed.node):
        assert part.strip()  # no empty condition
        assert all(ch in text or ch.isspace() for ch in part)  # nothing made up


@given(QUERIES)
@settings(max_examples=examples(100), deadline=None)
def test_parsing_is_stable(text):
    assert parse(text) == parse(text)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    docs = [
        {"id": "a", "title": "关于城乡低保标准的通知", "body": "提高城乡低保标准。政府信息公开。"},
        {"id": "b", "title": "殡葬服务收费管理", "body": "殡葬服务收费实行明码标价。"},
    ]
    (folder / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    ingest_paths([folder], index_dir)
    catalog = Catalog(index_dir)
    yield catalog
    catalog.close()


@given(QUERIES, st.sampled_from(["all", "title", "body", "doc_no", "index_no", "publisher"]))
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_gets_an_answer(catalog, text, field):
    result = catalog.search(SearchRequest(q=text, field=field))
    assert result.error is None  # every query under the length limit is searched; broken syntax as plain words
    assert len(result.hits) <= result.total <= 2
    assert len({hit.id for hit in result.hits}) == len(result.hits)
