"""`portal export` (index/snapshot.py, index/warc.py), run as a user runs it: a real index and history, a real
process. A snapshot's files match its manifest; its CSV holds what its JSON Lines hold; every version is in it; a
second snapshot's delta names what was added, changed and withdrawn, and so does a delta since a day (from the
history); a damaged base is refused by name; raw pages come out as WARC records."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from index.crawl.folder import StoredPage
from index.snapshot import content_sha256

FILLER = "为进一步做好政府信息公开工作，现将有关事项通知如下。各单位要认真贯彻落实。"


def doc(index_no: str, title: str, body: str = FILLER) -> dict[str, str]:
    fields = {"索引号": index_no, "标题": title, "正文": f"{title}。{body}"}
    return {**fields, "发布机构": "宿迁市民政局", "公开日期": "2024-05-06"}


FIRST = [
    doc("014319733/2024-00001", "关于甲事项的通知"),
    doc("014319733/2024-00002", "关于乙事项的通知"),
    doc("014319733/2024-00003", "关于丙事项的通知"),
]
SECOND = [
    FIRST[0],
    doc("014319733/2024-00002", "关于乙事项的通知", "内容已修改：申请期限延长至六月底。"),
    doc("014319733/2024-00004", "关于丁事项的通知"),
]


def portal(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=check
    )


def write_lines(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("export")
    return {
        **{k: v for k, v in os.environ.items() if k not in ("PORTAL_STORE", "PORTAL_MANTICORE")},
        "PORTAL_INDEX_DIR": str(root / "index"),
        "PORTAL_EXPORT_DIR": str(root / "export"),
        "PORTAL_CRAWL_DIR": str(root / "crawl"),
        "SOURCES": str(root / "sources"),
    }


@pytest.fixture(scope="module")
def first(env) -> dict:
    sources = Path(env["SOURCES"])
    sources.mkdir()
    write_lines(sources / "docs.jsonl", FIRST)
    portal(env, "ingest", "-q", str(sources))
    return json.loads(portal(env, "export", "--json").stdout)


@pytest.fixture(scope="module")
def second(env, first) -> dict:
    write_lines(Path(env["SOURCES"]) / "docs.jsonl", SECOND)
    portal(env, "ingest", "-q", "--prune", env["SOURCES"])
    base = Path(env["PORTAL_EXPORT_DIR"]) / first["name"]
    return json.loads(portal(env, "export", "--json", "--since-snapshot", str(base)).stdout)


def counts(manifest: dict) -> tuple[int, int, int]:
    """(added, changed, withdrawn) of a manifest's delta."""
    return tuple(manifest["delta"][key] for key in ("added", "changed", "withdrawn"))


def read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_a_snapshot_holds_every_document_once_in_id_order_and_its_files_match_the_manifest(env, first) -> None:
    folder = Path(env["PORTAL_EXPORT_DIR"]) / first["name"]
    assert (first["documents"], first["online"], first["withdrawn"], first["delta"]) == (3, 3, 0, None)
    names = ["documents.jsonl.gz", "documents.csv.gz", "versions.jsonl.gz"]
    assert [entry["name"] for entry in first["files"]] == names
    for entry in first["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert (entry["bytes"], entry["sha256"], entry["records"]) == (len(data), hashlib.sha256(data).hexdigest(), 3)
    records = read_jsonl(folder / "documents.jsonl.gz")
    assert [r["id"] for r in records] == ["014319733/2024-00001", "014319733/2024-00002", "014319733/2024-00003"]
    assert records[0]["title"] == "关于甲事项的通知" and records[0]["publisher"] == "宿迁市民政局"
    assert all(r["state"] == "online" and r["content_sha256"] == content_sha256(r) for r in records)
    assert [v["n"] for v in records[0]["versions"]] == [1] and records[0]["first_seen"].endswith("Z")
    assert "source" not in records[0]  # the file it was read from stays on the server


def test_the_csv_holds_the_same_records_as_the_json_lines(env, first) -> None:
    folder = Path(env["PORTAL_EXPORT_DIR"]) / first["name"]
    text = gzip.decompress((folder / "documents.csv.gz").read_bytes()).decode("utf-8")
    assert text.startswith("\ufeffid,title,index_no,doc_no,publisher,")  # BOM: spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    for row, record in zip(rows, read_jsonl(folder / "documents.jsonl.gz"), strict=True):
        as_cells = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in record.items()}
        assert row == as_cells


def test_the_delta_from_an_earlier_snapshot_names_what_was_added_changed_and_withdrawn(env, second) -> None:
    assert second["delta"]["base"] < second["name"]
    assert counts(second) == (1, 1, 1)
    assert (second["documents"], second["online"], second["withdrawn"]) == (4, 3, 1)  # kept, marked withdrawn
    folder = Path(env["PORTAL_EXPORT_DIR"]) / second["name"]
    lines = read_jsonl(folder / "delta.jsonl.gz")
    changes = {line["id"]: line["change"] for line in lines}
    assert changes == {
        "014319733/2024-00002": "changed",
        "014319733/2024-00004": "added",
        "014319733/2024-00003": "withdrawn",
    }
    changed = next(line for line in lines if line["change"] == "changed")
    assert "申请期限延长至六月底" in changed["record"]["body"]
    assert changed["previous_sha256"] not in ("", changed["content_sha256"])
    withdrawn = next(line for line in lines if line["change"] == "withdrawn")["record"]
    assert withdrawn["state"] == "withdrawn" and withdrawn["withdrawn_how"] and withdrawn["title"] == "关于丙事项的通知"
    entry = next(e for e in second["files"] if e["name"] == "delta.jsonl.gz")
    assert entry["records"] == 3
    assert entry["sha256"] == hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest()


def test_every_version_is_in_the_snapshot(env, second) -> None:
    versions = read_jsonl(Path(env["PORTAL_EXPORT_DIR"]) / second["name"] / "versions.jsonl.gz")
    changed = [v for v in versions if v["id"] == "014319733/2024-00002"]
    assert [v["n"] for v in changed] == [1, 2]
    assert "申请期限延长至六月底" not in changed[0]["document"]["body"]
    assert "申请期限延长至六月底" in changed[1]["document"]["body"]
    assert len(versions) == 5 and all(v["first_seen"] <= v["last_seen"] for v in versions)


def test_since_a_day_the_history_says_what_was_added_changed_and_withdrawn(env, second) -> None:
    day = second["created"][:10]
    since = json.loads(portal(env, "export", "--json", "--since", day).stdout)
    assert since["delta"]["base"] == f"since {day}"
    assert counts(since) == (3, 0, 1)  # all three online ones are new since today (one of them changed too)
    later = json.loads(portal(env, "export", "--json", "--since", "2999-01-01").stdout)
    assert counts(later) == (0, 0, 0)
    bad = portal(env, "export", "--since", "昨天", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_a_damaged_base_is_refused_by_name_and_nothing_is_written(env, first, second) -> None:
    export_dir = Path(env["PORTAL_EXPORT_DIR"])
    damaged = export_dir / "copy-of-first"
    damaged.mkdir()
    for name in ("manifest.json", "documents.jsonl.gz", "documents.csv.gz"):
        (damaged / name).write_bytes((export_dir / first["name"] / name).read_bytes())
    data = bytearray((damaged / "documents.jsonl.gz").read_bytes())
    data[-12] ^= 0xFF
    (damaged / "documents.jsonl.gz").write_bytes(bytes(data))
    before = sorted(p.name for p in export_dir.iterdir())
    result = portal(env, "export", "--since-snapshot", str(damaged), check=False)
    assert result.returncode == 1
    assert f"{damaged / 'documents.jsonl.gz'}: damaged" in result.stderr
    assert sorted(p.name for p in export_dir.iterdir()) == before


PAGE_URL = "http://www.example.gov.cn/art/2024/5/6/art_1_1.html"
PAGE_BODY = "<html><head><meta charset=gbk></head><body>关于甲事项的通知</body></html>".encode("gbk")


def save_page(crawl_dir: Path) -> None:
    """A detail page as the crawler keeps it: the bytes as received and the sidecar."""
    meta = {
        "url": PAGE_URL,
        "final_url": PAGE_URL,
        "fetched_at": "2024-05-07T01:02:03Z",
        "status": 200,
        "etag": '"abc"',
        "last_modified": "Mon, 06 May 2024 08:00:00 GMT",
        "content_type": "text/html; charset=gbk",
    }
    StoredPage.of(crawl_dir, PAGE_URL).save(PAGE_BODY, meta)


def warc_records(env: dict[str, str]) -> list[tuple]:
    """(type, WARC headers, HTTP headers, payload) of each record of a new export's WARC."""
    from warcio.archiveiterator import ArchiveIterator

    manifest = json.loads(portal(env, "export", "--json", "--warc").stdout)
    entry = next(e for e in manifest["files"] if e["name"] == "pages.warc.gz")
    path = Path(env["PORTAL_EXPORT_DIR"]) / manifest["name"] / "pages.warc.gz"
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(stream)
        ]
    assert entry["records"] == len(records) - 1  # the response records, after the warcinfo
    return records


def test_raw_pages_come_out_as_warc_response_records(env, first) -> None:
    save_page(Path(env["PORTAL_CRAWL_DIR"]))
    records = warc_records(env)
    assert [r[0] for r in records] == ["warcinfo", "response"]
    _, warc, http, payload = records[1]
    assert warc.get_header("WARC-Target-URI") == PAGE_URL and warc.get_header("WARC-Date") == "2024-05-07T01:02:03Z"
    assert http.get_statuscode() == "200" and http.get_header("ETag") == '"abc"'
    assert http.get_header("Content-Type") == "text/html; charset=gbk"
    assert payload == PAGE_BODY  # the bytes as received, not re-encoded


def test_the_historys_raw_bytes_stay_in_the_warc_once_the_crawl_folder_is_gone(env, first) -> None:
    crawl_dir = Path(env["PORTAL_CRAWL_DIR"])
    save_page(crawl_dir)
    portal(env, "ingest", "-q", str(crawl_dir))  # the history keeps the page's bytes
    assert [r[0] for r in warc_records(env)] == ["warcinfo", "response"]  # the same bytes of one URL once
    shutil.rmtree(crawl_dir)
    records = warc_records(env)
    assert [r[0] for r in records] == ["warcinfo", "response"]
    _, warc, _, payload = records[1]
    assert warc.get_header("WARC-Target-URI") == PAGE_URL and payload == PAGE_BODY
