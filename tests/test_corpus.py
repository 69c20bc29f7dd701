"""Real documents of the shared corpus, and its raw exports in their own formats, ingest without a rejection.

Every 20th record of ``real.jsonl.gz`` (every source, about 540 documents) stands in for the whole corpus,
which ``make bench`` ingests in full (``python -m bench``: added, rejected and timing in its table). Of the raw
exports, every file in its own format, the CSV files cut to their first records (byte for byte: BOM, header,
quoting and line ends as published).
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import pytest
from helpers import shared_path

from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

pytestmark = pytest.mark.long  # each test ingests hundreds of real documents with a pool of worker processes


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


CSV_RECORDS = 20  # of each export list: its first rows hold copies listed in two lists, empty bodies, 文号 in bodies


def _first_records(raw: Path, sample: Path) -> int:
    """``raw`` copied to ``sample``, each CSV file cut after its first CSV_RECORDS records (the lines they take,
    unchanged); returns how many records the CSV files keep."""
    kept = 0
    for path in sorted(raw.rglob("*")):
        target = sample / path.relative_to(raw)
        if path.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix != ".csv":
            shutil.copyfile(path, target)
            continue
        with path.open(encoding="utf-8", newline="") as source:
            lines = source.readlines()
        rows = csv.reader(iter(lines))
        next(rows)  # the header
        count = 0
        for count, _ in enumerate(rows, start=1):
            if count == CSV_RECORDS:
                break
        kept += count
        target.write_text("".join(lines[: rows.line_num]), encoding="utf-8", newline="")
    return kept


def test_raw_exports_ingest_in_their_own_formats(tmp_path):
    raw = shared_path("corpus", "raw")
    sample = tmp_path / "raw"
    records = _first_records(raw, sample) + len(json.loads((raw / "beijing-tcm-notices.json").read_text("utf-8")))
    report = ingest_paths([sample], tmp_path / "index")
    assert report.rejected == []
    assert len(report.added) > records * 0.9 > 400
    assert report.duplicates  # the same notice listed in two columns' exports: one hit naming its copy
    codes = {w.finding.code for w in report.warnings}
    assert {"empty_body", "doc_no_in_body"} <= codes
    catalog = Catalog(tmp_path / "index")
    hit = catalog.search(SearchRequest(q="标题:绩效管理工作自查情况")).hits[0]
    assert hit.publisher == "北京市中医管理局"
    catalog.close()
