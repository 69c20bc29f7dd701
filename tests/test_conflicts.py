"""The same 索引号 with different content is a conflict naming both sources, resolved the same way every
time: the later 公开日期 wins, then the later source path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def _write(folder: Path, name: str, **record) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def _indexed(index_dir: Path, doc_id: str):
    catalog = Catalog(index_dir)
    try:
        return catalog.get(doc_id)
    finally:
        catalog.close()


@pytest.fixture
def two_versions(tmp_path) -> tuple[Path, Path]:
    """One 索引号 (published with a slash in one file, hyphens in the other), two different documents."""
    older = _write(
        tmp_path / "a",
        "notice.json",
        索引号="014319733/2020-00005",
        标题="关于低保标准的通知",
        公开日期="2020-01-02",
        正文="低保标准为每人每月700元。",
    )
    newer = _write(
        tmp_path / "b",
        "notice.json",
        索引号="014319733-2020-00005",
        标题="关于调整低保标准的通知",
        公开日期="2020-03-04",
        正文="低保标准调整为每人每月750元。",
    )
    return older, newer


def test_a_conflict_names_both_sources_and_the_later_date_wins(two_versions, tmp_path):
    older, newer = two_versions
    report = ingest_paths([older, newer], tmp_path / "index")
    [conflict] = report.conflicts
    assert (conflict.doc_id, conflict.kept, conflict.dropped) == ("014319733/2020-00005", str(newer), str(older))
    assert (conflict.kept_date, conflict.dropped_date) == ("2020-03-04", "2020-01-02")
    assert str(older) in str(conflict) and str(newer) in str(conflict)
    assert report.duplicates == [] and report.to_dict()["conflicts"][0]["kept"] == str(newer)
    assert _indexed(tmp_path / "index", "014319733/2020-00005").title == "关于调整低保标准的通知"


@pytest.mark.parametrize("order", ["older-first", "newer-first"])
def test_the_same_version_wins_in_whatever_order_and_run_the_files_come(two_versions, tmp_path, order):
    older, newer = two_versions
    runs = [[older], [newer]] if order == "older-first" else [[newer], [older]]
    reports = [ingest_paths(paths, tmp_path / "index") for paths in runs]
    [conflict] = reports[1].conflicts
    assert (conflict.kept, conflict.dropped) == (str(newer), str(older))
    assert _indexed(tmp_path / "index", "014319733/2020-00005").title == "关于调整低保标准的通知"


def test_on_the_same_date_the_later_path_wins_both_ways(tmp_path):
    first = _write(
        tmp_path / "a", "x.json", 索引号="014319733/2020-00006", 标题="甲", 公开日期="2020-05-06", 正文="甲文。"
    )
    second = _write(
        tmp_path / "b", "x.json", 索引号="014319733/2020-00006", 标题="乙", 公开日期="2020-05-06", 正文="乙文。"
    )
    for name, paths in (("forward", [first, second]), ("backward", [second, first])):
        report = ingest_paths(paths, tmp_path / name)
        assert [(c.kept, c.dropped) for c in report.conflicts] == [(str(second), str(first))], name
        assert _indexed(tmp_path / name, "014319733/2020-00006").title == "乙"


def test_two_records_of_one_file_conflict_by_record(tmp_path):
    records = [
        {"索引号": "014319733/2020-00007", "标题": "第一稿", "公开日期": "2020-06-01", "正文": "一。"},
        {"索引号": "014319733/2020-00007", "标题": "第二稿", "公开日期": "2020-06-02", "正文": "二。"},
    ]
    path = tmp_path / "docs" / "batch.json"
    path.parent.mkdir()
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = ingest_paths([path], tmp_path / "index")
    [conflict] = report.conflicts
    assert (conflict.kept, conflict.dropped) == (f"{path} record 2", f"{path} record 1")


def test_on_the_same_date_the_later_record_of_a_file_wins_counting_records_as_numbers(tmp_path):
    """Record 10 comes after record 9 (compared as text, "record 9" sorted after "record 10")."""
    records = [{"索引号": f"014319733/2020-{n:05d}", "标题": f"通知{n}", "正文": f"{n}。"} for n in range(1, 9)]
    records += [
        {"索引号": "014319733/2020-00009", "标题": "第一稿", "公开日期": "2020-06-01", "正文": "一。"},
        {"索引号": "014319733/2020-00009", "标题": "第二稿", "公开日期": "2020-06-01", "正文": "二。"},
    ]
    path = tmp_path / "docs" / "batch.json"
    path.parent.mkdir()
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = ingest_paths([path], tmp_path / "index")
    [conflict] = report.conflicts
    assert (conflict.kept, conflict.dropped) == (f"{path} record 10", f"{path} record 9")
    assert _indexed(tmp_path / "index", "014319733/2020-00009").title == "第二稿"


def test_the_same_content_twice_is_a_duplicate_not_a_conflict(tmp_path):
    record = {"索引号": "014319733/2020-00008", "标题": "同一份", "公开日期": "2020-07-01", "正文": "同。"}
    one, two = _write(tmp_path / "a", "x.json", **record), _write(tmp_path / "b", "x.json", **record)
    report = ingest_paths([one, two], tmp_path / "index")
    assert report.conflicts == [] and len(report.duplicates) == 1


def test_a_file_that_changed_updates_its_document_without_a_conflict(tmp_path):
    path = _write(
        tmp_path / "a", "x.json", 索引号="014319733/2020-00009", 标题="旧", 公开日期="2020-08-01", 正文="旧。"
    )
    ingest_paths([path], tmp_path / "index")
    _write(tmp_path / "a", "x.json", 索引号="014319733/2020-00009", 标题="新", 公开日期="2020-07-01", 正文="新。")
    report = ingest_paths([path], tmp_path / "index")
    assert report.conflicts == [] and report.updated == ["014319733/2020-00009"]
    assert _indexed(tmp_path / "index", "014319733/2020-00009").title == "新"
