"""Large batches commit in chunks: a late failure does not hold back what was read before it, a rebuild still
never touches the live index, and a document the index writer fails on costs only itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.query import SearchRequest
from index.schema import build_schema
from index.whoosh import generations
from index.whoosh import writer as writer_module
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

CHUNK = 5


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(23):
        record = {"索引号": f"014319733/2022-{n:05d}", "标题": f"第{n}号关于分批提交的通知", "正文": "分批提交。"}
        (docs / f"{n:02d}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    other = {"标题": "另一份文件", "正文": "先于分批提交的索引。"}
    (tmp_path / "other.json").write_text(json.dumps(other, ensure_ascii=False), "utf-8")
    return docs


class Stop(Exception):
    """What the test raises from the progress callback: the ingest dying part-way, for a reason not a record's."""


def _stopping_at(count: int):
    seen = []

    def progress(where: str) -> None:
        seen.append(where)
        if len(seen) == count:
            raise Stop(where)

    return progress


def test_a_plain_ingest_that_dies_keeps_the_chunks_committed_before(folder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(writer_module, "CHUNK_DOCS", CHUNK)
    index_dir = tmp_path / "index"
    ingest_paths([tmp_path / "other.json"], index_dir)  # a live index to ingest into (a first ingest is a build)
    with pytest.raises(Stop):
        ingest_paths([folder], index_dir, progress=_stopping_at(18))

    assert Catalog(index_dir).stats()["documents"] == 1 + 15  # three chunks of five; the fourth was cancelled
    again = ingest_paths([folder], index_dir)
    # The file whose document closed a chunk had not finished when it was committed: it is read again, unchanged.
    assert (again.files_unchanged, again.files_read, len(again.added), again.unchanged) == (14, 9, 8, 15)
    assert Catalog(index_dir).stats()["documents"] == 1 + 23


def test_a_rebuild_that_dies_leaves_the_live_index_as_it_was(folder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(writer_module, "CHUNK_DOCS", CHUNK)
    index_dir = tmp_path / "index"
    first = sorted(folder.iterdir())[:3]
    ingest_paths(first, index_dir)
    live = generations.current_generation(index_dir)

    with pytest.raises(Stop):
        ingest_paths([folder], index_dir, rebuild=True, progress=_stopping_at(18))

    assert generations.current_generation(index_dir) == live
    assert Catalog(index_dir).stats()["documents"] == 3
    assert [p.name for p in index_dir.glob("gen-*")] == [live.name]


def test_a_document_the_writer_fails_on_costs_only_itself(tmp_path: Path) -> None:
    """A NUMERIC field given text: the writer refuses the document, naming the field, and keeps the others."""
    generation, ix = generations.new_generation(tmp_path, build_schema())
    blank = {name: "" for name in ("dedup_key", "publisher", "category_scheme", "category_topic", "category_genre")}
    blank |= {name: "" for name in ("validity", "url", "source", "doc_no", "pub_date", "content_hash")}
    with writer_module.BulkWriter(ix) as writer:
        writer.update_document(id="a", title="关于低保的通知", body="低保标准提高。", **blank)
        with pytest.raises(writer_module.UnwritableDocument, match="field year: ValueError"):
            writer.update_document(id="b", title="坏文档", body="坏文档独有的词语。", year="not a year", **blank)
        writer.update_document(id="c", title="关于养老的通知", body="养老服务。", **blank)
    generations.publish(tmp_path, generation)

    catalog = Catalog(tmp_path)
    assert catalog.stats()["documents"] == 2
    assert [hit.id for hit in catalog.search(SearchRequest(q="低保")).hits] == ["a"]
    assert [hit.id for hit in catalog.search(SearchRequest(q="养老")).hits] == ["c"]
    assert catalog.search(SearchRequest(q="独有")).total == 0  # no stray postings of the failed document
    catalog.close()


def test_sources_are_written_with_every_commit(folder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(writer_module, "CHUNK_DOCS", CHUNK)
    index_dir = tmp_path / "index"
    ingest_paths([tmp_path / "other.json"], index_dir)
    with pytest.raises(Stop):
        ingest_paths([folder], index_dir, progress=_stopping_at(12))
    sources = generations.read_sources(generations.current_generation(index_dir))
    # files whose every document is committed: the first nine (the tenth closed the chunk, still open then)
    assert len(sources) == 1 + 9 and all(entry["sha1"] for entry in sources.values())
