"""The shipped synonym list: at least 200 well-formed groups, each official term found in the shared corpus."""

from __future__ import annotations

import pytest
from helpers import shared_path

from bench.synonym_check import main as synonym_check
from index.query.synonyms import DEFAULT_PATH, SynonymTable


def test_the_shipped_list_has_200_groups_and_no_problems():
    table = SynonymTable.parse(DEFAULT_PATH.read_text("utf-8"), str(DEFAULT_PATH))
    assert len(table.groups) >= 200 and table.problems == []
    officials = [group[0] for group in table.groups]
    assert len(set(officials)) == len(officials)


@pytest.mark.slow
def test_every_official_term_occurs_in_the_corpus(capsys):
    corpus = shared_path("corpus", "real.jsonl.gz")
    assert synonym_check(["--corpus", str(corpus)]) == 0
    assert "official term found in the corpus for" in capsys.readouterr().out
