"""The shipped synonym list: at least 200 well-formed groups, each official term found in the shared corpus."""

from __future__ import annotations

import json

import pytest
from helpers import shared_path

from bench.synonym_check import corpus_texts, officials_missing
from bench.synonym_check import main as synonym_check
from index.query.synonyms import DEFAULT_PATH, SynonymTable


def test_the_shipped_list_has_200_groups_and_no_problems():
    table = SynonymTable.parse(DEFAULT_PATH.read_text("utf-8"), str(DEFAULT_PATH))
    assert len(table.groups) >= 200 and table.problems == []
    officials = [group[0] for group in table.groups]
    assert len(set(officials)) == len(officials)


@pytest.mark.slow
def test_every_official_term_occurs_in_the_corpus():
    corpus = shared_path("corpus", "real.jsonl.gz")
    table = SynonymTable.parse(DEFAULT_PATH.read_text("utf-8"), str(DEFAULT_PATH))
    assert officials_missing(table, corpus_texts(corpus)) == []


def test_the_check_counts_documents_per_term_and_fails_on_an_official_term_in_none(tmp_path, capsys):
    """bench.synonym_check's report (``python -m bench.synonym_check``; its whole-corpus run is the test above's
    question, answered without counting): documents per term, folded and simplified, and exit 1 naming a term
    found nowhere."""
    synonyms, corpus = tmp_path / "synonyms.txt", tmp_path / "corpus.jsonl"
    synonyms.write_text("最低生活保障,低保\n殡葬管理,丧葬\n", "utf-8")
    lines = [{"title": "關於最低生活保障的通知", "body": "低保"}, {"title": "低保"}, {"title": "丧葬"}]
    corpus.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    assert synonym_check(["--corpus", str(corpus), "--file", str(synonyms)]) == 1
    out, err = capsys.readouterr()
    assert "最低生活保障 (1) | 低保 (2)" in out and "殡葬管理 (0) | 丧葬 (1)" in out
    assert "official term found in the corpus for 1" in out and "殡葬管理" in err
    table = SynonymTable.parse(synonyms.read_text("utf-8"), str(synonyms))
    assert officials_missing(table, corpus_texts(corpus)) == ["殡葬管理"]
