"""A full disk (issue 18, item 10): ``portal ingest`` says so in one line naming the index folder, exits non-zero,
and the live index is as it was. The disk is real: a 2 MB tmpfs mounted in a user and mount namespace
(``unshare -rm``), where the ingest writes its index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

SCRIPT = """
set -u
mount -t tmpfs -o size=2m tmpfs "$DISK" || exit 99
cp -a "$BUILT" "$DISK/index"
PORTAL_INDEX_DIR="$DISK/index" "$PYTHON" -m portal ingest -q "$BIG" > "$OUT/full.out" 2> "$OUT/full.err"
echo $? > "$OUT/full.rc"
cp -a "$DISK/index" "$OUT/index"
"""


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_is_one_clear_line_and_the_index_stays(tmp_path) -> None:
    if not _unshare_works():
        pytest.skip("needs unshare -rm (user and mount namespaces) to mount a small tmpfs as a full disk")
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    for n in range(3):
        record = {"索引号": f"014319733/2022-{n:05d}", "标题": f"第{n}份低保通知", "正文": "低保标准提高。"}
        (small / f"{n}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    with (big / "big.jsonl").open("w", encoding="utf-8") as handle:
        for n in range(30):
            body = "".join(f"第{n}批第{k}项城乡居民最低生活保障资金{n * 7919 + k}元" for k in range(300))
            handle.write(json.dumps({"标题": f"大文件第{n}条", "正文": body}, ensure_ascii=False) + "\n")
    ingest_paths([small], tmp_path / "built")  # the live index, copied onto the small disk
    (tmp_path / "disk").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    environment = {
        "DISK": str(tmp_path / "disk"),
        "OUT": str(out),
        "BUILT": str(tmp_path / "built"),
        "BIG": str(big),
        "PYTHON": sys.executable,
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
    }
    subprocess.run(["unshare", "-rm", "sh", "-c", SCRIPT], env=environment, timeout=300, check=True)

    rc, err = (out / "full.rc").read_text().strip(), (out / "full.err").read_text()
    assert rc != "0"
    assert "Traceback" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "磁盘已满" in lines[0] and str(tmp_path / "disk" / "index") in lines[0], err
    catalog = Catalog(out / "index")  # the index as the full disk left it, copied out
    try:
        assert catalog.search(SearchRequest(q="低保")).total == 3
    finally:
        catalog.close()
