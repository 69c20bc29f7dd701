"""What killed ingests leave behind (a rebuild's unfinished generation, temporaries) is removed by the next
ingest, which says so. The kills are real: a `portal ingest --rebuild` process sent SIGKILL mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import DOCUMENTS, SEED_INDEX_NO

from index.whoosh import generations
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def write_many(path: Path, count: int) -> Path:
    """A JSON Lines file of ``count`` plausible documents, long enough that ingesting them takes a while."""
    body = "为进一步做好城乡居民最低生活保障工作，现将有关事项通知如下。" * 40
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            record = {"索引号": f"014319733/2023-{n:05d}", "标题": f"关于第{n}批低保资金的通知", "正文": body}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _portal(*args: str, index_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "portal", "ingest", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_a_rebuild_killed_mid_write_is_cleaned_by_the_next_ingest(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([DOCUMENTS], index_dir)
    live = generations.current_generation(index_dir)
    many = write_many(tmp_path / "many.jsonl", 3000)

    rebuild = _portal("--rebuild", "-q", str(DOCUMENTS), str(many), index_dir=index_dir)
    partial = index_dir / "gen-0002"
    _wait_for(partial / "MAIN.tmp", rebuild)  # Whoosh's writer has begun writing postings
    time.sleep(0.5)
    rebuild.send_signal(signal.SIGKILL)
    rebuild.communicate()
    assert partial.is_dir() and generations.current_generation(index_dir) == live  # what the kill left

    after = _portal(str(DOCUMENTS), index_dir=index_dir)
    out, err = after.communicate(timeout=120)

    assert after.returncode == 0, err
    assert "清理了上次中断的收录（1 条）" in out and f"{partial}: generation of a stopped rebuild" in out
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]
    assert not list(live.glob("*.tmp"))
    catalog = Catalog(index_dir)
    assert catalog.get(SEED_INDEX_NO) is not None
    assert catalog.stats()["documents"] == len(ingest_paths([DOCUMENTS], tmp_path / "fresh").added)


def test_temporaries_of_a_killed_ingest_are_removed_and_listed(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([DOCUMENTS], index_dir)
    live = generations.current_generation(index_dir)
    leftovers = [index_dir / "CURRENT.tmp", live / "sources.json.tmp", live / "MAIN.tmp" / "run-1.tmp"]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_text("half", "utf-8")

    report = ingest_paths([DOCUMENTS], index_dir)

    assert report.cleaned == [
        f"{index_dir / 'CURRENT.tmp'}: temporary file of a stopped ingest",
        f"{live / 'MAIN.tmp'}: temporary file of a stopped ingest",
        f"{live / 'sources.json.tmp'}: temporary file of a stopped ingest",
    ]
    assert not any(path.exists() for path in leftovers)
    assert report.unchanged > 0 and report.to_dict()["cleaned"] == report.cleaned


def test_nothing_to_clean_says_nothing(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths([DOCUMENTS], index_dir)
    assert ingest_paths([DOCUMENTS], index_dir).cleaned == []
