"""The whole shared corpus ingests without an exception (slow: about a minute per 10k documents)."""

from __future__ import annotations

import pytest
from helpers import shared_path

from index.ingest import ingest_paths
from index.query import Catalog, SearchRequest

pytestmark = pytest.mark.slow


def test_real_corpus_ingests_without_exception(tmp_path):
    corpus = shared_path("corpus", "real.jsonl.gz")
    report = ingest_paths([corpus], tmp_path / "index")
    indexed = len(report.added) + len(report.duplicates)
    assert report.rejected == []
    assert indexed == 10_832
    catalog = Catalog(tmp_path / "index")
    assert catalog.stats()["documents"] == len(report.added)
    assert catalog.search(SearchRequest(q="排污许可")).total > 10
    assert {w.finding.code for w in report.warnings} >= {"empty_body", "encoding_loss"}
