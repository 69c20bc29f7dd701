"""The whole shared corpus, and its raw exports, ingest without an exception (slow: about 10 minutes)."""

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


def test_raw_exports_ingest_in_their_own_formats(tmp_path):
    raw = shared_path("corpus", "raw")
    report = ingest_paths([raw], tmp_path / "index")
    assert report.rejected == []
    assert len(report.added) > 2500
    assert report.duplicates  # the same notice listed in two columns' exports is indexed once
    codes = {w.finding.code for w in report.warnings}
    assert {"empty_body", "doc_no_in_body"} <= codes
    catalog = Catalog(tmp_path / "index")
    hit = catalog.search(SearchRequest(q="标题:绩效管理工作自查情况")).hits[0]
    assert hit.publisher == "北京市中医管理局"
