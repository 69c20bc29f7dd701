"""A damaged ``CURRENT`` pointer loses nothing (issue 18, item 2): searches read the newest complete generation,
the next ingest points ``CURRENT`` at it again and says so, and no generation holding committed documents is
removed. Only a generation still marked ``BUILDING`` (a build that never finished) is a leftover."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.whoosh import generations
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def _docs(folder: Path, first: int, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(first, first + count):
        record = {"索引号": f"014319733/2021-{n:05d}", "标题": f"第{n}号通知", "正文": f"第{n}号通知的正文。"}
        (folder / f"{n}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return folder


def _count(index_dir: Path) -> int:
    catalog = Catalog(index_dir)
    try:
        return catalog.stats()["documents"]
    finally:
        catalog.close()


DAMAGE = {
    "empty": lambda current: current.write_bytes(b""),
    "deleted": lambda current: current.unlink(),
    "garbage": lambda current: current.write_bytes(b"\x00\xff{not json"),
    "missing generation": lambda current: current.write_text('{"generation": "gen-0009", "schema_version": 7}'),
    "not a pointer": lambda current: current.write_text('["gen-0001"]'),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_pointer_loses_nothing_and_is_recovered(tmp_path, damage) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 0, 6)], index_dir)
    ingest_paths([_docs(tmp_path / "docs", 6, 3)], index_dir, rebuild=True)  # gen-0002, after a rebuild
    live = generations.current_generation(index_dir)
    DAMAGE[damage](index_dir / generations.CURRENT)

    assert generations.current_generation(index_dir) == live and _count(index_dir) == 9  # searches still read it
    report = ingest_paths([_docs(tmp_path / "more", 100, 1)], index_dir)

    assert report.cleaned[0].startswith(f"{index_dir / generations.CURRENT}: ")
    assert f"pointed again at {live.name}" in report.cleaned[0]
    assert report.added == ["014319733/2021-00100"] and not report.rebuilt
    assert _count(index_dir) == 10
    assert generations.read_current(index_dir)["generation"] == live.name
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]


def test_an_unfinished_build_is_never_taken_for_the_live_index(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 0, 4)], index_dir)
    live = generations.current_generation(index_dir)
    unfinished, _ix = generations.new_generation(index_dir, generations.open_current(index_dir).schema)
    (index_dir / generations.CURRENT).write_bytes(b"")

    assert generations.current_generation(index_dir) == live
    report = ingest_paths([tmp_path / "docs"], index_dir)

    assert any(line.startswith(f"{unfinished}: generation of a stopped rebuild") for line in report.cleaned)
    assert not unfinished.exists() and _count(index_dir) == 4


def test_a_first_build_killed_before_it_finished_is_a_leftover(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 0, 2)], index_dir)
    first = generations.current_generation(index_dir)
    (first / generations.BUILDING).write_bytes(b"")  # as the first build, killed before it was published
    (index_dir / generations.CURRENT).unlink()

    assert generations.current_generation(index_dir) is None
    report = ingest_paths([tmp_path / "docs"], index_dir)
    assert [line for line in report.cleaned if line.startswith(f"{first}: generation of a stopped")]
    assert (
        report.added
        and _count(index_dir) == 2
        and not (generations.current_generation(index_dir) / generations.BUILDING).exists()
    )


def test_pointer_and_sources_are_written_atomically_with_nothing_left_beside(tmp_path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([_docs(tmp_path / "docs", 0, 2)], index_dir)
    live = generations.current_generation(index_dir)
    assert not list(index_dir.glob("*.tmp")) and not list(live.glob("*.tmp"))
    target = tmp_path / "value"
    generations.write_atomic(target, b"one")
    generations.write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and sorted(p.name for p in tmp_path.iterdir()) == [
        "docs",
        "index",
        "value",
    ]
