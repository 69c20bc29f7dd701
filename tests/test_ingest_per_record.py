"""Every per-record step of the ingest fails for that record only (index.ingest.per_record).

After a record is normalised it is still made into its reading (content hash, copy key, mark), its index fields
(index.schema.to_fields, or the cluster's row) and the history's observation. A rule in any of them meeting a value
it was not written for used to raise out of the ingest and stop the whole batch. These tests take a real export of
the fidelity collection (sthjt-fujian-flfg.json, a tune file: 37 records), make one record hostile (its title marked)
and make the step trip over that mark, as an unforeseen fault in a rule would; the ingest must go on, report the
record's rejection naming the file, the record and the field, and lose nothing it had indexed before.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from helpers import real_inputs

from bench.fidelity import COLLECTION
from index import history, ingest, schema
from index.ingest import Rejection, blamed_field, read_records
from index.limits import DEFAULTS
from index.record import Document
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

MARK = "（第二版）"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "sthjt-fujian-flfg.json"
    path.write_bytes(gzip.decompress((COLLECTION / "pages/sthjt-fujian-flfg.json.gz").read_bytes()))
    return path


def _records(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))


def _mark(path: Path) -> dict:
    """Record 3 given the hostile title, record 5 an ordinary new title, and a record added at the end."""
    records = _records(path)
    records[2]["title"] += MARK
    records[4]["title"] += "（修订）"
    records.append({**records[0], "title": "新增的一条", "detail_url": records[0]["detail_url"] + "?new=1"})
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return records[2]


def _trips(function):
    """``function`` raising where the text it is given holds the mark (an unforeseen fault in a rule)."""

    def tripping(value, *args, **kwargs):
        text = value if isinstance(value, str) else getattr(value, "title", "")
        if MARK in text:
            raise ValueError("a rule met a value it was not written for")
        return function(value, *args, **kwargs)

    return tripping


def _ids(path: Path) -> list[str]:
    return [item.doc_id for item in read_records(path, DEFAULTS) if not isinstance(item, Rejection)]


def _only_rejection(report, path: Path) -> Rejection:
    assert len(report.rejected) == 1, report.rejected
    rejection = report.rejected[0]
    assert (rejection.source, rejection.locator, rejection.field) == (str(path), "record 3", "title")
    assert rejection.reason.startswith("could not be indexed: ValueError: a rule met a value"), rejection.reason
    return rejection


@pytest.mark.parametrize("step", ["index fields", "history"])
@real_inputs
def test_a_record_that_cannot_be_made_into_fields_costs_that_record_only(export, tmp_path, monkeypatch, step):
    index_dir = tmp_path / "index"
    first = ingest_paths([export], index_dir)
    assert (len(first.added), first.rejected) == (37, [])
    ids = _ids(export)
    before = Catalog(index_dir).get(ids[2])
    assert before is not None

    _mark(export)
    if step == "index fields":
        monkeypatch.setattr(schema, "to_simplified", _trips(schema.to_simplified))
    else:
        monkeypatch.setattr(history, "observe", _trips(history.observe))
    report = ingest_paths([export], index_dir)

    _only_rejection(report, export)
    assert report.updated == [ids[4]]
    assert len(report.added) == 1  # the record after it in the file
    catalog = Catalog(index_dir)
    assert catalog.stats()["documents"] == 38
    kept = catalog.get(ids[2])  # indexed before: still there, as it was (the store wrote nothing of the new one)
    assert kept is not None and kept.title == before.title
    assert catalog.get(ids[4]).title.endswith("（修订）")
    with history.History(history.path_for(index_dir)) as hist:
        assert hist.document(ids[2]).latest == 1

    monkeypatch.undo()  # the fault fixed: the file is read again (its record kept no SHA-1) and the record written
    again = ingest_paths([export], index_dir)
    assert (again.rejected, again.updated) == ([], [ids[2]])
    assert Catalog(index_dir).get(ids[2]).title.endswith(MARK)


@real_inputs
def test_a_record_whose_reading_cannot_be_made_is_rejected_and_the_file_goes_on(export, monkeypatch):
    _mark(export)
    monkeypatch.setattr(ingest, "content_hash", _trips(ingest.content_hash))
    items = list(read_records(export, DEFAULTS))
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(rejections) == 1 and len(items) == 38
    assert (rejections[0].locator, rejections[0].field) == ("record 3", "title")


@real_inputs
def test_a_record_a_rule_trips_over_while_normalising_is_rejected_naming_its_field(export, monkeypatch):
    from index import normalise

    records = _records(export)
    records[2]["detail_url"] += MARK
    export.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(normalise, "clean_url", _trips(normalise.clean_url))
    items = list(read_records(export, DEFAULTS))
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(rejections) == 1 and len(items) == 37
    assert (rejections[0].locator, rejections[0].field) == ("record 3", "url")
    assert rejections[0].reason.startswith("could not be normalised: ValueError: a rule met a value")


@real_inputs
def test_the_cluster_worker_names_the_field_of_a_record_it_cannot_make_a_row_of(export, monkeypatch):
    pytest.importorskip("rjieba")
    from index.cluster.ingest import analyse

    _mark(export)
    monkeypatch.setattr(schema, "to_simplified", _trips(schema.to_simplified))
    batch = analyse(str(export), 0, 100, DEFAULTS, None)
    _only_rejection(batch, export)
    assert len(batch.rows) == 37


@real_inputs
def test_the_field_blamed_is_the_one_whose_value_sets_the_step_off(export):
    doc = next(item.doc for item in read_records(export, DEFAULTS) if not isinstance(item, Rejection))
    assert doc is not None and doc.title and doc.url and doc.pub_date

    def on_url(d: Document) -> None:
        if "fujian" in d.url:
            raise KeyError(d.url)

    def always(d: Document) -> None:
        raise RuntimeError("whatever the record holds")

    assert blamed_field(doc, on_url) == "url"
    assert blamed_field(doc, always) == ""
    with pytest.raises(ingest.Unwritable) as failed:
        ingest.per_record(on_url, doc)
    assert failed.value.field == "url" and str(failed.value).startswith("KeyError: ")


def _notice(serial: int, title: str, day: str = "2024-01-01") -> dict:
    body = "为进一步做好政府信息公开工作，现将有关事项通知如下。"
    return {"索引号": f"014319733/2024-{serial:05d}", "标题": title, "公开日期": day, "正文": body}


def _lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8")
    return path


def test_a_version_written_again_that_the_store_cannot_take_is_a_rejection_naming_its_record(tmp_path, monkeypatch):
    """The version the rules choose once the winner's file no longer holds the id is read again from its own file
    (index.pipeline's reconcile): where that write fails, the record is reported like any other, not skipped."""
    folder = tmp_path / "docs"
    folder.mkdir()
    earlier, other = _notice(1, f"关于甲事项的通知{MARK}"), _notice(2, "关于乙事项的通知")
    later = _notice(1, "关于甲事项的通知（更新）", "2024-06-01")
    first_file = _lines(folder / "a.jsonl", [other, earlier])
    _lines(folder / "b.jsonl", [later])
    index_dir = tmp_path / "index"
    first = ingest_paths([folder], index_dir)
    assert first.rejected == [] and Catalog(index_dir).get("014319733/2024-00001").title.endswith("（更新）")

    _lines(folder / "b.jsonl", [other])  # the winner's file no longer holds the id: a.jsonl's version is due again
    monkeypatch.setattr(schema, "to_simplified", _trips(schema.to_simplified))
    report = ingest_paths([folder], index_dir)

    assert [(r.source, r.locator, r.field) for r in report.rejected] == [(str(first_file), "line 2", "title")]
    assert report.rejected[0].reason.startswith("could not be indexed: ValueError: a rule met a value")
    assert "014319733/2024-00001" not in report.added + report.updated


def test_a_withdrawal_the_store_cannot_take_is_a_rejection_naming_the_documents_record(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    gone, kept = _notice(1, f"关于甲事项的通知{MARK}"), _notice(2, "关于乙事项的通知")
    _lines(folder / "a.jsonl", [gone])
    _lines(folder / "b.jsonl", [kept])
    index_dir = tmp_path / "index"
    assert ingest_paths([folder], index_dir).rejected == []

    (folder / "a.jsonl").unlink()  # --prune keeps its document marked 已撤下: here the store refuses the mark
    monkeypatch.setattr(schema, "to_simplified", _trips(schema.to_simplified))
    report = ingest_paths([folder], index_dir, prune=True)

    assert [(r.source, r.locator, r.field) for r in report.rejected] == [(str(folder / "a.jsonl"), "line 1", "title")]
    assert report.rejected[0].reason.startswith("could not be marked 已撤下: ValueError: a rule met a value")
    assert report.withdrawn == []
