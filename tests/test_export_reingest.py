"""`portal export` read back as input: a snapshot's documents, ingested into a new index from its JSON Lines or its
CSV as they are, are the same documents (every stored field but where and how they were read), and exported again
they hash the same (``content_sha256``). Run as a user runs it: real processes, a real index and history."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from index.snapshot import DOCUMENTS_CSV, DOCUMENTS_JSONL

FILLER = "为进一步做好政府信息公开工作，现将有关事项通知如下。各单位要认真贯彻落实。"
SOURCE = [
    # 组配 / 主题 / 体裁, 成文日期, 文号, keywords, validity, attachments and related links
    {
        "索引号": "014319733/2024-00001",
        "标题": "关于做好2024年城乡低保工作的通知",
        "文号": "宿民发〔2024〕3号",
        "发布机构": "宿迁市民政局",
        "公开日期": "2024-05-06",
        "成文日期": "2024-04-30",
        "组配分类": "业务工作",
        "主题分类": "民政、扶贫、救灾",
        "体裁分类": "通知",
        "主题词": "低保 救助",
        "有效性": "有效",
        "正文": f"各县（区）民政局：{FILLER}",
        "附件": [{"name": "低保标准.xlsx", "url": "https://mz.suqian.gov.cn/files/dibao.xlsx"}],
        "url": "https://mz.suqian.gov.cn/smzj/tzgg/202405/t20240506_1.html",
    },
    # no 公开日期 and no 索引号 (its id derived by the portal); an interpretation of the notice above
    {
        "标题": "《关于做好2024年城乡低保工作的通知》政策解读",
        "分类": "政策解读",
        "发布机构": "宿迁市民政局",
        "正文": f"为便于理解《关于做好2024年城乡低保工作的通知》（宿民发〔2024〕3号），现解读如下。{FILLER}",
    },
    # a Markdown body opening with a comment once its title line is read (the law database's form)
    {
        "id": "law:0001",
        "title": "某市文化市场管理条例",
        "date": "2019-01-01",
        "body": "# 某市文化市场管理条例\n\n<!-- INFO END -->\n\n## 第一章  总则\n\n"
        "第一条 为了加强本市文化市场管理，制定本条例。\n\n第二条 本条例适用于本市行政区域。",
    },  # cells a spreadsheet runs as formulas (OWASP "CSV Injection"): guarded in the CSV, read back as they were; a
    # value that already opens with ' keeps it
    {
        "标题": '=HYPERLINK("http://evil.example/","关于公布行政许可事项清单的通知")',
        "发布机构": "@宿迁市人民政府",
        "主题词": "'=清单",
        "正文": f"-{FILLER}",
    },
]
# Fields that say where and how a document was read, not what it is: the file and record, the hash of all that was
# read (findings included), the findings (文号 taken from the body, a short publisher completed: an export gives
# the value the first read arrived at), and the 索引号 as it was printed (its normalised form is kept).
READING = {"source", "locator", "content_hash", "flags", "warnings_json", "index_no_json"}


def portal(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "portal", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def environment(root: Path, name: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("PORTAL_STORE", "PORTAL_MANTICORE")},
        "PORTAL_INDEX_DIR": str(root / name / "index"),
        "PORTAL_HISTORY": str(root / name / "history"),
        "PORTAL_EXPORT_DIR": str(root / name / "export"),
    }


def stored(index_dir: str) -> dict[str, dict]:
    from index.whoosh.catalog import Catalog

    catalog = Catalog(Path(index_dir))
    try:
        with catalog.searcher() as searcher:
            return {fields["id"]: fields for fields in searcher.reader().all_stored_fields()}
    finally:
        catalog.close()


def snapshot_hashes(env: dict[str, str]) -> dict[str, str]:
    folder = Path(env["PORTAL_EXPORT_DIR"]) / json.loads(portal(env, "export", "--json"))["name"]
    with gzip.open(folder / DOCUMENTS_JSONL, "rt", encoding="utf-8") as lines:
        return {record["id"]: record["content_sha256"] for record in map(json.loads, lines)}


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    root = tmp_path_factory.mktemp("reingest")
    source = root / "source.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in SOURCE), "utf-8")
    env = environment(root, "first")
    portal(env, "ingest", "-q", str(source))
    folder = Path(env["PORTAL_EXPORT_DIR"]) / json.loads(portal(env, "export", "--json"))["name"]
    return root, env, folder


@pytest.mark.parametrize("name", [DOCUMENTS_JSONL, DOCUMENTS_CSV, "snapshot folder"])
def test_an_export_ingested_as_it_is_gives_the_same_documents(first, name) -> None:
    """Each documents file, and the snapshot folder whole: of it only documents.jsonl.gz is read (its versions
    read as documents would win conflicts with dates guessed from their sightings)."""
    root, env, folder = first
    again = environment(root, name)
    path = folder if name == "snapshot folder" else folder / name
    report = json.loads(portal(again, "ingest", "--json", str(path)))
    assert report["rejected"] == report["conflicts"] == [] and report["added"] == len(SOURCE), report

    before, after = stored(env["PORTAL_INDEX_DIR"]), stored(again["PORTAL_INDEX_DIR"])
    assert set(after) == set(before)
    for doc_id, fields in before.items():
        kept = {key: value for key, value in fields.items() if key not in READING}
        assert {key: value for key, value in after[doc_id].items() if key not in READING} == kept, doc_id
    assert snapshot_hashes(again) == snapshot_hashes(env)


def test_what_the_round_trip_keeps_is_what_the_source_said(first) -> None:
    """The fields that went wrong on reading an export back: an empty 公开日期 stays empty (not the time the first
    portal saw the document), the three classifications and so the kind 解读 stay, a Markdown body keeps its
    paragraphs and loses its heading marks."""
    _root, env, _folder = first
    docs = {fields["title"]: fields for fields in stored(env["PORTAL_INDEX_DIR"]).values()}
    notice, reading, law = (docs[title] for title in [r.get("标题") or r["title"] for r in SOURCE[:3]])
    assert (notice["category_scheme"], notice["category_topic"], notice["category_genre"]) == (
        "业务工作",
        "民政、扶贫、救灾",
        "通知",
    )
    assert not reading.get("pub_date") and reading["kind"] == "解读"
    assert law["body"].startswith("第一章 总则\n\n第一条") and "#" not in law["body"]


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_guarded_in_the_csv(first) -> None:
    """documents.csv.gz is offered for Excel: a title ``=HYPERLINK(…)`` (and a body opening with -, a publisher
    with @) gets a leading ' there (OWASP "CSV Injection"), while the JSON Lines keep the text as it is; the
    round trip above reads the guarded cells back as they were."""
    _root, env, folder = first
    docs = {fields["title"]: fields for fields in stored(env["PORTAL_INDEX_DIR"]).values()}
    title = SOURCE[3]["标题"]
    assert title in docs and docs[title]["body"].startswith("-")
    text = gzip.decompress((folder / DOCUMENTS_CSV).read_bytes()).decode("utf-8")
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    row = next(row for row in rows if "HYPERLINK" in row["title"])
    assert row["title"] == "'" + title and row["body"].startswith("'-")
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())
    with gzip.open(folder / DOCUMENTS_JSONL, "rt", encoding="utf-8") as lines:
        assert title in {json.loads(line)["title"] for line in lines}


@pytest.mark.parametrize("name", [DOCUMENTS_JSONL, DOCUMENTS_CSV])
def test_a_withdrawn_document_read_back_stays_withdrawn(tmp_path, name) -> None:
    """A document the first portal holds 已撤下 (its file gone, ``--prune``) was published again as current by an
    index built from the export: it stays withdrawn, noticed as and when it was, with the same content."""
    env = environment(tmp_path, "first")
    sources = tmp_path / "sources"
    sources.mkdir()
    for n, record in enumerate(SOURCE[:2]):
        (sources / f"{n}.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    portal(env, "ingest", "-q", str(sources))
    (sources / "1.jsonl").unlink()
    portal(env, "ingest", "-q", "--prune", str(sources))
    folder = Path(env["PORTAL_EXPORT_DIR"]) / json.loads(portal(env, "export", "--json"))["name"]
    again = environment(tmp_path, "again")
    portal(again, "ingest", "-q", str(folder / name))

    def records(env: dict[str, str]) -> dict[str, tuple[str, ...]]:
        folder = Path(env["PORTAL_EXPORT_DIR"]) / json.loads(portal(env, "export", "--json"))["name"]
        with gzip.open(folder / DOCUMENTS_JSONL, "rt", encoding="utf-8") as lines:
            keys = ("title", "state", "withdrawn_how", "withdrawn_at", "content_sha256")
            return {record["id"]: tuple(record[key] for key in keys) for record in map(json.loads, lines)}

    before, after = records(env), records(again)
    assert sorted(state for _title, state, *_rest in before.values()) == ["online", "withdrawn"]
    assert after == before
    withdrawn = {fields["title"]: fields["status"] for fields in stored(again["PORTAL_INDEX_DIR"]).values()}
    assert withdrawn[SOURCE[1]["标题"]] == "已撤下"


def test_only_the_portals_own_csv_loses_the_formula_guard(tmp_path) -> None:
    """The reader undoes the guard (one ``'`` before =, +, -, @) only in a file headed as the portal's snapshot is
    (index.snapshot.FIELDS); another site's CSV whose cell opens with ``'=`` keeps its ``'``."""
    from index.ingest import IngestReport, read_document
    from index.limits import DEFAULTS
    from index.readers import read_file
    from index.record import RawRecord
    from index.snapshot import FIELDS, guard_cell

    def bodies(path: Path) -> list[str]:
        items = [item for item in read_file(path) if isinstance(item, RawRecord)]
        return [read_document(item, DEFAULTS, IngestReport()).body for item in items]

    body = f"'={FILLER}"
    theirs = tmp_path / "policies.csv"
    theirs.write_text(f"标题,发布日期,内容\n关于公布行政许可事项清单的通知,2024-05-06,{body}\n", "utf-8")
    assert bodies(theirs) == [body]

    record = {"id": "a1", "title": "关于公布行政许可事项清单的通知", "body": body, "content_sha256": "0" * 64}
    ours = tmp_path / "documents.csv"
    ours.write_text(
        ",".join(FIELDS) + "\n" + ",".join(guard_cell(record.get(name, "")) for name in FIELDS) + "\n", "utf-8"
    )
    assert guard_cell(body) == "'" + body and bodies(ours) == [body]
