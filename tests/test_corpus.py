"""Real documents of the shared corpus, and its raw exports in their own formats, ingest without a rejection.

Every 20th record of ``real.jsonl.gz`` (every source, about 540 documents) stands in for the whole corpus,
which ``make bench`` ingests in full (``python -m bench``: added, rejected and timing in its table).
"""

from __future__ import annotations

import gzip
import json

from helpers import shared_path

from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def test_real_corpus_records_ingest_without_a_rejection(tmp_path):
    corpus = shared_path("corpus", "real.jsonl.gz")
    sample = tmp_path / "sample.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as source, sample.open("w", encoding="utf-8") as sink:
        records = [line for number, line in enumerate(source) if number % 20 == 0]
        sink.writelines(records)
    report = ingest_paths([sample], tmp_path / "index")
    assert report.rejected == []
    assert len(report.added) == len(records)
    catalog = Catalog(tmp_path / "index")
    assert catalog.stats()["documents"] == len(records)
    some = json.loads(records[7])
    assert some["id"] in {hit.id for hit in catalog.search(SearchRequest(q=some["title"])).hits[:3]}
    assert {w.finding.code for w in report.warnings} >= {"empty_body"}
    catalog.close()


def test_raw_exports_ingest_in_their_own_formats(tmp_path):
    raw = shared_path("corpus", "raw")
    report = ingest_paths([raw], tmp_path / "index")
    assert report.rejected == []
    assert len(report.added) > 2500
    assert report.duplicates  # the same notice listed in two columns' exports: one hit naming its copy
    codes = {w.finding.code for w in report.warnings}
    assert {"empty_body", "doc_no_in_body"} <= codes
    catalog = Catalog(tmp_path / "index")
    hit = catalog.search(SearchRequest(q="标题:绩效管理工作自查情况")).hits[0]
    assert hit.publisher == "北京市中医管理局"
    catalog.close()
