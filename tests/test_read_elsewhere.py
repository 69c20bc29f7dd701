"""Records normalised in the worker processes (index.ingest.read_elsewhere) give what reading them in the ingest's own
process gives: the same readings and rejections in the same order, and the same index, report and history, also
where a commit stops the workers while jobs wait (they are given out again)."""

from __future__ import annotations

import json
import multiprocessing
import zlib
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest

from bench.same_index import history_blobs, segment_files, stored_documents
from index import history, ingest, limits
from index.ingest import Reading, Rejection, ToRead, normalised_all, read_elsewhere, read_records
from index.schema import to_fields
from index.whoosh import ingest as whoosh_ingest
from index.whoosh import writer as writer_module
from index.whoosh.ingest import ingest_paths


def _record(n: int, **extra: str) -> dict:
    title, body = f"关于第{n}批社会救助资金的通知", f"第{n}批资金已下达。"
    return {"索引号": f"000014349/2024-{n:05d}", "标题": title, "正文": body, **extra}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    """Two JSON Lines exports holding what the rules and the report have to say something about: lines that are
    not JSON or not an object, a record without title and body (rejected while normalised), one with an empty body (a
    warning), the same record twice, a copy under another id, and one 索引号 with two contents across the files."""
    first = [json.dumps(_record(n), ensure_ascii=False) for n in range(12)]
    first[3] = "{not json"
    first[5] = "[1, 2]"
    first[7] = json.dumps({"索引号": "000014349/2024-99999", "发布日期": "2024-01-01"}, ensure_ascii=False)
    first.append(json.dumps(_record(20, 正文=""), ensure_ascii=False))
    first.append(json.dumps(_record(2), ensure_ascii=False))  # the same document again
    copy = _record(21)
    copy["标题"], copy["正文"] = "关于第1批社会救助资金的通知", "第1批资金已下达。"
    first.append(json.dumps(copy, ensure_ascii=False))
    second = [json.dumps(_record(n, 发布日期="2024-03-01"), ensure_ascii=False) for n in range(30, 40)]
    second.append(json.dumps(_record(4, 正文="第4批资金另行下达。", 发布日期="2024-05-01"), ensure_ascii=False))
    return [_write(tmp_path / "a.jsonl", first), _write(tmp_path / "b.jsonl", second)]


def _same(found: list, expected: list) -> None:
    """Readings made in a worker against those made here: the same decisions, fields and history observation."""
    assert len(found) == len(expected)
    for mine, theirs in zip(found, expected, strict=True):
        assert type(mine) is type(theirs)
        if isinstance(theirs, Rejection):
            assert mine == theirs
            continue
        assert (mine.doc_id, mine.version, mine.source, mine.dedup, mine.warnings, mine.fingerprint) == (
            theirs.doc_id,
            theirs.version,
            theirs.source,
            theirs.dedup,
            theirs.warnings,
            theirs.fingerprint,
        )
        assert mine.unchanged == theirs.unchanged
        if theirs.unchanged:
            continue
        assert mine.doc is None and mine.record is None  # dropped: the fields and the observation were made there
        assert mine.fields == to_fields(theirs.doc, theirs.version.digest)
        made, here = mine.observed(), history.observe(theirs.doc, theirs.record, at=mine.observed().at)
        assert zlib.decompress(made.payload) == here.document
        assert zlib.decompress(made.raw) == here.raw_data
        assert (made.digest, made.raw_sha256, made.url, made.how) == (here.digest, here.raw_sha256, here.url, here.how)


def test_workers_give_the_readings_read_here_in_the_same_order(exports, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "JOB_RECORDS", 4)
    bounds = limits.current()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        files = read_elsewhere(exports, bounds, [{}, {}], pool.submit, 2, to_fields)
        found = [list(items) for items in files]
    expected = [list(read_records(path, bounds, known={})) for path in exports]
    assert [len(items) for items in expected] == [15, 11]
    assert sum(isinstance(item, Rejection) for item in expected[0]) == 3
    for mine, theirs in zip(found, expected, strict=True):
        _same(mine, theirs)


def test_jobs_the_workers_cancelled_are_given_out_again(exports, monkeypatch) -> None:
    """A commit stops the workers (index.whoosh.writer.Workers.stop): the jobs not started are cancelled, and their
    records are normalised all the same, in their places."""
    monkeypatch.setattr(ingest, "JOB_RECORDS", 3)
    calls: list[int] = []

    def submit(fn, *args) -> Future:
        calls.append(len(args[0]))
        future: Future = Future()
        if len(calls) % 3 == 2:
            future.cancel()  # given out while the workers were stopped
        else:
            future.set_result(fn(*args))
        return future

    bounds = limits.current()
    found = [list(items) for items in read_elsewhere(exports, bounds, [{}, {}], submit, 1, to_fields)]
    assert len(calls) > sum(-(-count // 3) for count in (11, 11))  # some jobs given out twice
    for mine, path in zip(found, exports, strict=True):
        _same(mine, list(read_records(path, bounds, known={})))


def test_a_job_normalises_each_record_on_its_own() -> None:
    """What a worker hands back: a rejection for a record that cannot be a document, the reading of each other."""
    bounds = limits.current()
    good = ingest.RawRecord("feed.jsonl", "line 1", {"title": "关于低保标准的通知", "body": "标准提高。"})
    bad = ingest.RawRecord("feed.jsonl", "line 2", {"pub_date": "2024-01-01"})
    [[reading], [rejection]] = normalised_all([ToRead(good, "m1"), ToRead(bad, "m2")], bounds, None)
    assert isinstance(reading, Reading) and reading.fingerprint == "m1" and reading.fields is None
    assert reading.doc is not None and reading.doc.title == "关于低保标准的通知"  # no fields made: the document kept
    assert reading.observation is not None and reading.record is None
    assert isinstance(rejection, Rejection) and (rejection.source, rejection.locator) == ("feed.jsonl", "line 2")


def _ingest(paths: list[Path], index_dir: Path, monkeypatch, elsewhere: bool) -> dict:
    monkeypatch.setattr(whoosh_ingest, "READ_ELSEWHERE_BYTES", 0 if elsewhere else 10**12)
    made_here: list[str] = []
    write = whoosh_ingest._IndexWriter.write

    def counted(self, reading: Reading, *, new: bool) -> None:
        if reading.fields is None:
            made_here.append(reading.doc_id)
        write(self, reading, new=new)

    monkeypatch.setattr(whoosh_ingest._IndexWriter, "write", counted)
    report = ingest_paths(paths, index_dir).to_dict()
    return {"report": report, "fields made here": len(made_here)}


def test_an_ingest_reading_in_the_workers_builds_the_index_it_builds_reading_here(
    exports, tmp_path, monkeypatch
) -> None:
    """Whole ingests, the first and one after an export changed (records known unchanged beside changed ones),
    chunks committed (and the workers stopped) part-way through: the same index, report and history."""
    monkeypatch.setattr(whoosh_ingest, "workers_available", lambda: 2)
    monkeypatch.setattr(writer_module, "CHUNK_DOCS", 12)
    monkeypatch.setattr(ingest, "JOB_RECORDS", 2)
    here, there = tmp_path / "here", tmp_path / "there"
    for round_ in range(2):
        if round_:
            lines = exports[1].read_text("utf-8").splitlines()
            lines[2] = json.dumps(_record(32, 正文="第32批资金追加下达。"), ensure_ascii=False)
            _write(exports[1], [*lines, json.dumps(_record(41), ensure_ascii=False)])
        serial = _ingest(exports, here, monkeypatch, elsewhere=False)
        parallel = _ingest(exports, there, monkeypatch, elsewhere=True)
        # Made here only where the pipeline reads a record itself: the conflict's winner, which the first round
        # writes again after the commit (index.pipeline._Run.reconcile).
        assert (serial["fields made here"], parallel["fields made here"]) == [(22, 1), (2, 0)][round_]
        assert parallel["report"] == serial["report"]
        assert segment_files(there) == segment_files(here)
        assert stored_documents(there) == stored_documents(here)
        assert history_blobs(there) == history_blobs(here)
    assert serial["report"]["unchanged"] > 0 and serial["report"]["updated"] == 1
