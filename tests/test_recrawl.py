"""A re-crawl of a large file reads only the records that changed (index/ingest.py's fingerprints): the rest are
sightings, not normalised again, and the index, the report and the history come out as a full read leaves them."""

from __future__ import annotations

import json
from pathlib import Path

from index import ingest as ingest_module
from index.history import History
from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.generations import current_generation, read_sources
from index.whoosh.ingest import ingest_paths


def _record(n: int, note: str = "") -> dict:
    return {
        "id": f"rec-{n:03d}",
        "title": f"关于第{n}批城乡低保标准调整的通知{note}",
        "publisher": "某市民政局",
        "pub_date": f"2024-03-{n % 28 + 1:02d}",
        "body": f"各区县：第{n}批城乡低保标准自下月起调整。{note}" + "请认真贯彻执行。" * 3,
    }


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def _crawl(tmp_path: Path, monkeypatch, fast: bool) -> tuple[dict, list, list, list]:
    """Ingest a crawl of 30 records and a second file holding one of its ids with a later date (a conflict), then the
    crawl again with two records changed and one moved: the second ingest's report, the records normalised in it,
    what a search finds, and the history's sightings of an unchanged document."""
    crawl, other, index_dir = tmp_path / "crawl.jsonl", tmp_path / "other.jsonl", tmp_path / "index"
    records = [_record(n) for n in range(30)]
    _write(crawl, records)
    _write(other, [{**_record(5, "（另一文件）"), "pub_date": "2025-01-01"}])  # wins over rec-005 of the crawl
    ingest_paths([crawl, other], index_dir)
    records[3] = _record(3, "（修订）")
    records[17] = _record(17, "（修订）")
    records[28], records[29] = records[29], records[28]  # moved: their places changed
    _write(crawl, records)
    normalised: list[str] = []
    original = ingest_module.normalise

    def counting(record):
        normalised.append(record.locator)
        return original(record)

    monkeypatch.setattr(ingest_module, "normalise", counting)
    if not fast:
        monkeypatch.setattr(ingest_module, "fingerprint", lambda record, bounds: "")
        monkeypatch.setattr(ingest_module, "piece_mark", lambda locator, text, bounds: "")
    report = ingest_paths([crawl, other], index_dir).to_dict()
    monkeypatch.undo()
    catalog = Catalog(index_dir)
    found = [
        sorted(hit.id for hit in catalog.search(SearchRequest(q=q, per_page=50)).hits)
        for q in ("修订", "另一文件", "城乡低保标准")
    ]
    catalog.close()
    with History(index_dir / "history.sqlite") as history:
        sightings = [len(history.sightings("rec-010")), len(history.sightings("rec-003"))]
    return report, normalised, found, sightings


def test_a_recrawl_normalises_only_the_records_that_changed(tmp_path: Path, monkeypatch) -> None:
    report, normalised, found, _ = _crawl(tmp_path, monkeypatch, fast=True)
    # The two changed, the two moved, and rec-005 (the index holds the other file's version: read to compare).
    assert sorted(normalised) == ["line 18", "line 29", "line 30", "line 4", "line 6"]
    assert (report["updated"], report["unchanged"], len(report["conflicts"])) == (2, 28, 1)
    assert found[0] == ["rec-003", "rec-017"] and found[1] == ["rec-005"] and len(found[2]) == 30
    versions = read_sources(current_generation(tmp_path / "index"))[str((tmp_path / "crawl.jsonl").resolve())]
    assert all(len(version) == 4 and version[3] for version in versions["versions"].values())


def test_a_recrawl_leaves_what_a_full_read_leaves(tmp_path: Path, monkeypatch) -> None:
    """The same report (counts, conflicts), searches and history sightings with the fingerprints and without."""
    fast_dir, full_dir = tmp_path / "fast", tmp_path / "full"
    fast_dir.mkdir(), full_dir.mkdir()
    fast = _crawl(fast_dir, monkeypatch, fast=True)
    full = _crawl(full_dir, monkeypatch, fast=False)
    assert len(full[1]) == 30  # without fingerprints every record of the crawl is normalised again
    keys = ("added", "updated", "unchanged", "withdrawn", "files_read", "files_unchanged")
    assert {key: fast[0][key] for key in keys} == {key: full[0][key] for key in keys}
    assert [c["doc_id"] for c in fast[0]["conflicts"]] == [c["doc_id"] for c in full[0]["conflicts"]] == ["rec-005"]
    assert fast[2] == full[2]
    assert fast[3] == full[3] and fast[3][0] == 2  # rec-010 seen in both ingests


def _parsing_counted(monkeypatch) -> list[str]:
    """The locators of the JSON Lines lines parsed from now on."""
    from index.readers import jsonl

    parsed: list[str] = []
    original = jsonl._line_records

    def counting(path, locator, line, bounds):
        parsed.append(locator)
        return original(path, locator, line, bounds)

    monkeypatch.setattr(jsonl, "_line_records", counting)
    return parsed


def _marks(index_dir: Path, crawl: Path) -> dict[str, str]:
    versions = read_sources(current_generation(index_dir))[str(crawl.resolve())]["versions"]
    return {version[2]: version[3] for version in versions.values()}


def test_an_unchanged_line_is_not_even_parsed(tmp_path: Path, monkeypatch) -> None:
    """A JSON Lines line as the last ingest read it (its piece mark) is a sighting before it is parsed: only the
    changed line is parsed, and every line keeps the mark of its text."""
    from index import limits

    crawl, index_dir = tmp_path / "crawl.jsonl", tmp_path / "index"
    records = [_record(n) for n in range(12)]
    _write(crawl, records)
    ingest_paths([crawl], index_dir)
    records[4] = _record(4, "（修订）")
    _write(crawl, records)
    parsed = _parsing_counted(monkeypatch)
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == ["line 5"]
    assert (report["updated"], report["unchanged"]) == (1, 11)
    lines = crawl.read_text("utf-8").splitlines(keepends=True)
    bounds = limits.current()
    assert _marks(index_dir, crawl) == {
        f"line {n}": ingest_module.piece_mark(f"line {n}", line, bounds) for n, line in enumerate(lines, start=1)
    }


def test_an_index_of_record_fingerprints_is_read_by_them_once(tmp_path: Path, monkeypatch) -> None:
    """An index whose sources record holds the record fingerprints of an ingest before piece marks: its next re-crawl
    parses every line but normalises only the changed one (the record fingerprint still matches), and keeps the
    piece marks, so the re-crawl after it parses only what changed."""
    crawl, index_dir = tmp_path / "crawl.jsonl", tmp_path / "index"
    records = [_record(n) for n in range(10)]
    _write(crawl, records)
    monkeypatch.setattr(ingest_module, "piece_mark", lambda locator, text, bounds: "")
    ingest_paths([crawl], index_dir)  # as an ingest before piece marks: record fingerprints kept
    monkeypatch.undo()
    old = _marks(index_dir, crawl)
    records[2] = _record(2, "（修订）")
    _write(crawl, records)
    normalised: list[str] = []
    original = ingest_module.normalise
    monkeypatch.setattr(
        ingest_module, "normalise", lambda record: normalised.append(record.locator) or original(record)
    )
    parsed = _parsing_counted(monkeypatch)
    report = ingest_paths([crawl], index_dir).to_dict()
    assert len(parsed) == 10 and normalised == ["line 3"]
    assert (report["updated"], report["unchanged"]) == (1, 9)
    new = _marks(index_dir, crawl)
    assert all(new[locator] != old[locator] for locator in new)  # piece marks now
    records[7] = _record(7, "（修订）")
    _write(crawl, records)
    parsed.clear()
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == ["line 8"] and (report["updated"], report["unchanged"]) == (1, 9)


def test_changed_limits_read_every_record_again(tmp_path: Path, monkeypatch) -> None:
    """A record's fingerprint holds the limits it was read under: with others, every record is read (and bounded)
    again."""
    from index import limits

    crawl, index_dir = tmp_path / "crawl.jsonl", tmp_path / "index"
    _write(crawl, [_record(n) for n in range(5)] + [_record(99, "尾" * 80)])
    ingest_paths([crawl], index_dir)
    _write(crawl, [_record(n) for n in range(5)] + [_record(99, "尾" * 80), _record(6)])  # one record added
    normalised: list[str] = []
    original = ingest_module.normalise
    monkeypatch.setattr(
        ingest_module, "normalise", lambda record: normalised.append(record.locator) or original(record)
    )
    monkeypatch.setenv("PORTAL_MAX_FIELD_CHARS", "60")
    report = ingest_paths([crawl], index_dir, bounds=limits.current()).to_dict()
    assert len(normalised) == 7
    assert (report["added"], report["updated"], report["unchanged"]) == (1, 1, 5)  # the long title cut at 60


def test_a_server_answers_from_the_commit_before_until_ingest_has_prepared_the_new_one(tmp_path: Path) -> None:
    """A commit whose arrays ingest has not derived yet is not searched (each server thread would derive them
    itself, seconds at 100,000 documents): the commit before answers until Catalog.prepare has saved them."""
    from test_segments import normalise_json

    from index.schema import content_hash, to_fields
    from index.whoosh.generations import open_current
    from index.whoosh.writer import BulkWriter

    crawl, index_dir = tmp_path / "crawl.jsonl", tmp_path / "index"
    _write(crawl, [_record(n) for n in range(3)])
    ingest_paths([crawl], index_dir)
    catalog = Catalog(index_dir)
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 3
    with BulkWriter(open_current(index_dir), workers=0) as writer:
        doc = normalise_json(tmp_path, _record(7))
        writer.add_document(**to_fields(doc, content_hash(doc)))
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 3  # committed, not prepared: the commit before
    preparing = Catalog(index_dir)
    preparing.prepare()
    vocabulary = sorted(current_generation(index_dir).glob("vocabulary-*.pickle"))[-1]
    vocabulary.rename(tmp_path / "vocabulary.pickle")  # prepare saves it last: arrays alone are not ready
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 3
    (tmp_path / "vocabulary.pickle").rename(vocabulary)
    preparing.close()
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 4
    catalog.close()


def test_a_record_listing_attachments_is_passed_over_while_its_files_are_as_they_were(
    tmp_path: Path, monkeypatch
) -> None:
    """A line whose record lists attachments keeps a mark too, with the state of the files its attachments were
    looked for in: while they are as they were it is not even parsed; a file changed, come or gone has its record
    read again, even where the crawl itself did not change, and the index holds the new text."""
    crawl, index_dir, files = tmp_path / "crawl.jsonl", tmp_path / "index", tmp_path / "files"
    files.mkdir()
    (files / "细则.txt").write_text("实施细则：申领补贴须持社保卡办理。", "utf-8")
    records = [_record(n) for n in range(8)]
    records[2]["attachments"] = [{"name": "细则.txt", "path": "files/细则.txt"}, "https://example.gov.cn/a/表格.doc"]
    records[5]["attachments"] = ["https://example.gov.cn/b/名单.pdf", {"name": "说明.txt", "url": "files/说明.txt"}]
    records[6]["attachments"] = [{"name": "通知.txt", "url": "files/通知.txt", "text": "随附名单共三页"}]
    _write(crawl, records)
    ingest_paths([crawl], index_dir)

    def found(q: str) -> list[str]:
        catalog = Catalog(index_dir)
        try:
            return sorted(hit.id for hit in catalog.search(SearchRequest(q=q, per_page=50)).hits)
        finally:
            catalog.close()

    assert found("社保卡") == ["rec-002"] and found("随附名单") == ["rec-006"]
    records[0] = _record(0, "（修订）")
    _write(crawl, records)
    parsed = _parsing_counted(monkeypatch)
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == ["line 1"] and (report["updated"], report["unchanged"]) == (1, 7)

    (files / "细则.txt").write_text("实施细则：申领补贴须持电子证照办理。", "utf-8")  # the crawl as it was
    parsed.clear()
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == ["line 3"] and (report["updated"], report["unchanged"]) == (1, 7)
    assert found("电子证照") == ["rec-002"] and found("社保卡") == []

    (files / "说明.txt").write_text("申请人须提交户口簿复印件。", "utf-8")  # a file named before, there now
    parsed.clear()
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == ["line 6"] and (report["updated"], report["unchanged"]) == (1, 7)
    assert found("户口簿") == ["rec-005"]

    (files / "细则.txt").unlink()
    parsed.clear()
    ingest_paths([crawl], index_dir)
    assert parsed == ["line 3"] and found("电子证照") == []
    parsed.clear()
    report = ingest_paths([crawl], index_dir).to_dict()
    assert parsed == [] and report["files_unchanged"] == 1
