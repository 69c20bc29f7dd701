"""Incremental ingest, prune, rebuild, bad input among good, writer discipline, the ingest lock."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from index.query import SearchRequest
from index.whoosh import generations
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def _write(folder: Path, name: str, **doc) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    _write(
        folder,
        "a.json",
        索引号="014319733/2020-00001",
        标题="关于低保的通知",
        正文="低保标准提高。",
        发布日期="2020-01-02",
    )
    _write(
        folder, "b.json", 索引号="014319733/2020-00002", 标题="关于养老的通知", 正文="养老服务。", 发布日期="2020-02-03"
    )
    return folder


def test_same_documents_again_are_unchanged_and_files_are_not_reread(docs, tmp_path):
    index_dir = tmp_path / "index"
    first = ingest_paths([docs], index_dir)
    again = ingest_paths([docs], index_dir)
    assert (len(first.added), first.unchanged) == (2, 0)
    assert (len(again.added), len(again.updated), again.unchanged, again.files_read) == (0, 0, 2, 0)


def test_changed_document_is_an_update_not_a_second_copy(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    _write(docs, "a.json", 索引号="014319733/2020-00001", 标题="关于低保的通知（修订）", 正文="低保标准再提高。")
    report = ingest_paths([docs], index_dir)
    assert (report.added, report.updated, report.unchanged) == ([], ["014319733/2020-00001"], 1)
    catalog = Catalog(index_dir)
    assert catalog.stats()["documents"] == 2
    assert catalog.get("014319733/2020-00001").title == "关于低保的通知（修订）"


def test_a_file_touched_but_unchanged_in_content_is_unchanged(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    _write(
        docs,
        "a.json",
        索引号="014319733/2020-00001",
        标题="关于低保的通知",
        正文="低保标准提高。",
        发布日期="2020-01-02",
    )
    (docs / "a.json").write_text((docs / "a.json").read_text("utf-8") + "\n", "utf-8")
    report = ingest_paths([docs], index_dir)
    assert (report.files_read, report.unchanged, report.updated) == (1, 2, [])


def test_prune_keeps_documents_whose_source_is_gone_marked_withdrawn(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    (docs / "b.json").unlink()
    kept = ingest_paths([docs], index_dir)
    assert kept.withdrawn == [] and Catalog(index_dir).stats()["documents"] == 2
    pruned = ingest_paths([docs], index_dir, prune=True)
    assert pruned.withdrawn == ["014319733/2020-00002"]
    assert Catalog(index_dir).get("014319733/2020-00002").status == "已撤下"
    assert ingest_paths([docs], index_dir, prune=True).withdrawn == []  # noticed once


def test_prune_withdraws_what_an_export_no_longer_holds_beside_an_empty_record(tmp_path):
    """An empty record (a row of empty cells, ``{"title": ""}``) is rejected every night: it held the whole file
    "incomplete", so every document the file had held was kept online, the one removed from the export and the
    old id of one whose 公开日期 was corrected (a second copy, in service beside the new) alike."""
    docs = tmp_path / "docs"
    docs.mkdir()
    export = docs / "export.jsonl"
    a = {"标题": "关于防汛工作的通知", "发布机构": "某县水利局", "发布日期": "2024-06-01", "正文": "做好防汛工作。"}
    b = {"标题": "关于秋季防火的通告", "发布机构": "某县林业局", "发布日期": "2024-09-01", "正文": "秋季防火。"}
    empty = {"标题": "", "发布机构": "", "发布日期": "", "正文": ""}

    def write(*records: dict) -> None:
        export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")

    index_dir = tmp_path / "index"
    write(a, b, empty)
    first = ingest_paths([docs], index_dir, prune=True)
    assert len(first.added) == 2 and [r.locator for r in first.rejected] == ["line 3"]
    old_a, old_b = (Catalog(index_dir).search(SearchRequest(q=q)).hits[0].id for q in ("防汛", "防火"))
    write({**a, "发布日期": "2024-06-02"}, empty)  # the date corrected (a new id), the other record removed
    second = ingest_paths([docs], index_dir, prune=True)
    assert [r.locator for r in second.rejected] == ["line 2"]
    assert sorted(second.withdrawn) == sorted([old_a, old_b])
    catalog = Catalog(index_dir)
    assert catalog.get(old_a).status == catalog.get(old_b).status == "已撤下"
    online = [hit for hit in catalog.search(SearchRequest(q="防汛")).hits if hit.status != "已撤下"]
    assert [hit.pub_date for hit in online] == ["2024-06-02"]


_FLOOD = {"标题": "关于防汛工作的通知", "发布机构": "某县水利局", "发布日期": "2024-06-01", "正文": "做好防汛工作。"}


@pytest.mark.parametrize(
    "rewritten",
    [
        # A line that is no JSON any more may be the record a document came from.
        pytest.param(json.dumps(_FLOOD, ensure_ascii=False)[:-5], id="a line that no longer parses"),
        # An export whose keys the reader no longer knows (a CMS renamed them) reads as empty records only: that
        # says nothing of what the file holds.
        pytest.param(
            json.dumps({"x_field_1": "关于防汛工作的通知", "x_field_2": "做好防汛工作。"}, ensure_ascii=False),
            id="an export read as nothing but empty records",
        ),
    ],
)
def test_prune_keeps_what_a_file_it_cannot_read_may_hold(tmp_path, rewritten):
    """A document whose file now reads as nothing it can tell apart from it stays online; the rejection says why."""
    docs = tmp_path / "docs"
    docs.mkdir()
    export = docs / "export.jsonl"
    export.write_text(json.dumps(_FLOOD, ensure_ascii=False) + "\n", "utf-8")
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir, prune=True)
    export.write_text(rewritten + "\n", "utf-8")
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == [] and [r.locator for r in report.rejected] == ["line 1"]
    assert [hit.status for hit in Catalog(index_dir).search(SearchRequest(q="防汛")).hits] == ["在线"]


def test_prune_leaves_other_folders_alone(docs, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    _write(other, "c.json", title="别处的文件", body="正文")
    index_dir = tmp_path / "index"
    ingest_paths([docs, other], index_dir)
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == [] and Catalog(index_dir).stats()["documents"] == 3


def test_bad_file_among_good_ones_is_reported_and_the_rest_indexed(docs, tmp_path):
    (docs / "broken.json").write_text('{"标题": "坏文件", ', "utf-8")
    _write(docs, "empty.json", 发布机构="某局")
    report = ingest_paths([docs], tmp_path / "index")
    assert len(report.added) == 2
    reasons = {str(r) for r in report.rejected}
    assert any(r.startswith(f"{docs / 'broken.json'}: not valid JSON") for r in reasons)
    assert f"{docs / 'empty.json'}: field title: no title (名称/标题) and no body (正文)" in reasons


def test_a_warning_reads_like_a_rejection_naming_its_field_or_none(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cut.csv").write_text('标题,正文\n甲,一\n"乙,二\n', "utf-8")  # the last quote never closes
    (folder / "a.json").write_text('{"标题": "丙", "正文": "x", "发布日期": "某日"}', "utf-8")
    report = ingest_paths([folder], tmp_path / "index")
    lines = {w.finding.code: str(w) for w in report.warnings}
    assert lines["csv_truncated_row"].startswith(f"{folder / 'cut.csv'} row 3 [")
    assert "]: 文件在本行中途结束" in lines["csv_truncated_row"]
    assert "]: field pub_date: 无法识别的日期" in lines["bad_date"]


def test_a_list_where_text_is_expected_is_a_warning_naming_file_record_and_field(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "lists.json"
    records = [{"标题": "甲", "正文": "一"}, {"标题": ["列表标题甲", "列表标题乙"], "发布机构": 3.5, "正文": "二"}]
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = ingest_paths([folder], tmp_path / "index")
    assert len(report.added) == 2 and not report.rejected
    lines = sorted(str(w) for w in report.warnings if w.finding.code in ("several_values", "not_text"))
    assert [line.split("]: ")[0].split(" [")[0] for line in lines] == [f"{path} record 2"] * 2
    assert "field publisher: 此字段的值不是文字" in lines[0] and "field title: 此字段有多个不同的值" in lines[1]
    catalog = Catalog(tmp_path / "index")
    assert [hit.title for hit in catalog.search(SearchRequest(q='"列表标题"')).hits] == ["列表标题甲"]
    catalog.close()


def test_a_file_that_turns_bad_loses_nothing_already_indexed(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    (docs / "b.json").write_text("{broken", "utf-8")
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == [] and len(report.rejected) == 1
    assert Catalog(index_dir).get("014319733/2020-00002").title == "关于养老的通知"


def test_error_while_writing_cancels_the_writer_and_keeps_the_previous_index(docs, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    _write(docs, "c.json", 标题="新文件", 正文="新正文")

    def explode(self, **fields):
        raise RuntimeError("disk on fire")

    # The store failing, not a record: a record that cannot be made into fields is its own rejection
    # (tests/test_ingest_per_record.py).
    monkeypatch.setattr("index.whoosh.writer.BulkWriter.add_document", explode)
    with pytest.raises(RuntimeError):
        ingest_paths([docs], index_dir)
    monkeypatch.undo()
    catalog = Catalog(index_dir)
    assert catalog.stats()["documents"] == 2
    assert catalog.search(SearchRequest(q="新正文")).total == 0
    assert ingest_paths([docs], index_dir).added  # not locked, not corrupt


def test_rebuild_builds_beside_the_live_index_and_swaps(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    before = generations.current_generation(index_dir)
    catalog = Catalog(index_dir)
    assert catalog.search(SearchRequest(q="低保")).total == 1
    report = ingest_paths([docs], index_dir, rebuild=True)
    after = generations.current_generation(index_dir)
    assert report.rebuilt and len(report.added) == 2
    assert after != before and not before.exists()
    assert catalog.search(SearchRequest(q="低保")).total == 1  # the open catalog follows the swap


def test_failed_rebuild_leaves_the_live_index(docs, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    live = generations.current_generation(index_dir)
    monkeypatch.setattr("index.whoosh.writer.BulkWriter.add_document", lambda self, **fields: 1 / 0)  # the store
    with pytest.raises(ZeroDivisionError):
        ingest_paths([docs], index_dir, rebuild=True)
    assert generations.current_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]


def test_second_ingest_waits_for_the_lock_then_gives_a_clear_error(docs, tmp_path):
    index_dir = tmp_path / "index"
    held, release = threading.Event(), threading.Event()

    def hold():
        with generations.ingest_lock(index_dir, timeout=5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(generations.IndexBusy, match="another ingest is writing"):
            ingest_paths([docs], index_dir, lock_timeout=0.3)
    finally:
        release.set()
        holder.join()


def test_same_document_under_two_urls_is_one_hit_naming_its_copy(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "这是同一份文件的正文。"
    _write(folder, "1.json", title="同一份文件", body=body, url="http://a.gov.cn/1.html")
    _write(folder, "2.json", title="同一份文件", body=body, url="http://a.gov.cn/list/1.html")
    report = ingest_paths([folder], tmp_path / "index")
    first, second = report.added
    [duplicate] = report.duplicates
    assert duplicate.where == str(folder / "2.json") and duplicate.duplicate_of == first
    result = Catalog(tmp_path / "index").search(SearchRequest(q="同一份文件"))
    assert result.total == 1
    [hit] = result.hits
    assert [(copy.id, copy.url) for copy in hit.copies] == [(second, "http://a.gov.cn/list/1.html")]


def test_documents_without_dates_never_sort_first(docs, tmp_path):
    _write(docs, "undated.json", 标题="无日期文件", 正文="正文")
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    catalog = Catalog(index_dir)
    for sort in ("newest", "oldest"):
        hits = catalog.search(SearchRequest(sort=sort)).hits
        assert hits[-1].title == "无日期文件", sort
    assert [h.pub_date for h in catalog.search(SearchRequest(sort="oldest")).hits][:2] == ["2020-01-02", "2020-02-03"]


def test_copying_a_folder_elsewhere_keeps_ids(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    moved = shutil.copytree(docs, tmp_path / "moved")
    report = ingest_paths([moved], index_dir)
    assert report.added == [] and report.unchanged == 2


def test_an_open_catalog_sees_new_commits(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    catalog = Catalog(index_dir)
    assert catalog.search(SearchRequest(q="殡葬")).total == 0
    assert catalog.facet_counts()["publisher"] == []
    _write(docs, "c.json", 标题="关于殡葬改革的通知", 正文="推进殡葬改革。", 发布机构="某市民政局")
    ingest_paths([docs], index_dir)
    assert catalog.search(SearchRequest(q="殡葬")).total == 1
    assert [(v.value, v.count) for v in catalog.facet_counts()["publisher"]] == [("某市民政局", 1)]
    assert sorted(doc_id for doc_id, _ in catalog.document_dates())[0] == "014319733/2020-00001"


def test_date_keys_read_back_at_their_precision():
    from index.schema import date_from_key, date_key

    for iso in ("2018-04-10", "2018-04", "2018", ""):
        assert date_from_key(date_key(iso)) == iso


def test_ingest_saves_the_arrays_searches_read_and_a_catalog_loads_them(docs, tmp_path):
    from index.whoosh.arrays import IndexArrays

    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    [saved] = list(index_dir.glob("gen-*/arrays-*.pickle"))
    catalog = Catalog(index_dir)
    with catalog.searcher() as searcher:
        arrays = catalog.arrays(searcher)
        assert IndexArrays.load(saved, arrays.version) is not None
        assert ("numbers", "date_key") in arrays._derived  # loaded, not derived again
    assert catalog.search(SearchRequest(q="低保")).total >= 1
    catalog.close()


def test_an_index_whose_sources_record_predates_versions_loses_nothing_on_prune(docs, tmp_path):
    index_dir = tmp_path / "index"
    ingest_paths([docs], index_dir)
    generation = generations.current_generation(index_dir)
    recorded = generations.read_sources(generation)
    before = {key: {"sha1": entry["sha1"], "ids": entry["ids"]} for key, entry in recorded.items()}
    generations.write_sources(generation, before)  # as sources.json was before it recorded each document's version
    (docs / "b.json").write_text("{broken", "utf-8")
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.files_read == 2 and report.withdrawn == []  # each file read once to record its versions
    assert Catalog(index_dir).get("014319733/2020-00002").title == "关于养老的通知"


def test_a_symbolic_link_to_nothing_is_reported_and_prune_keeps_what_it_held(docs, tmp_path):
    """A documents folder whose files link into a store that is not mounted tonight: each link is reported by
    name, and ``--prune`` keeps its documents online (what it holds cannot be told), as for a file it cannot read."""
    store = tmp_path / "store"
    store.mkdir()
    (docs / "b.json").rename(store / "b.json")
    (docs / "b.json").symlink_to(store / "b.json")
    index_dir = tmp_path / "index"
    assert len(ingest_paths([docs], index_dir, prune=True).added) == 2
    (store / "b.json").unlink()
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == []
    [rejection] = report.rejected
    assert rejection.source == str(docs / "b.json") and "symbolic link" in rejection.reason
    assert Catalog(index_dir).get("014319733/2020-00002").status == "在线"


def test_a_named_pipe_in_the_folder_is_reported_not_opened(docs, tmp_path):
    import os

    os.mkfifo(docs / "feed.json")  # opening it would wait for a writer for ever
    report = ingest_paths([docs], tmp_path / "index")
    assert len(report.added) == 2
    assert [(r.source, "named pipe" in r.reason) for r in report.rejected] == [(str(docs / "feed.json"), True)]


def test_a_symbolic_link_that_loops_is_reported_and_the_batch_goes_on(docs, tmp_path):
    """Links that point at each other (a → b → a) or at themselves end in no file: each is reported by name as a
    loop, the other files are read, and ``--prune`` keeps what such a link held (Path.resolve raised
    RuntimeError on them before 3.13 and stopped the whole ingest)."""
    index_dir = tmp_path / "index"
    assert len(ingest_paths([docs], index_dir, prune=True).added) == 2
    (docs / "loop-a.json").symlink_to(docs / "loop-b.json")
    (docs / "loop-b.json").symlink_to(docs / "loop-a.json")
    (docs / "self.json").symlink_to(docs / "self.json")
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == []
    assert sorted((Path(r.source).name, "loops back on itself" in r.reason) for r in report.rejected) == [
        ("loop-a.json", True),
        ("loop-b.json", True),
        ("self.json", True),
    ]
    assert Catalog(index_dir).get("014319733/2020-00002").status == "在线"
