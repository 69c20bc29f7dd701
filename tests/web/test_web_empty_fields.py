"""Any stored field may be empty: each one empty in turn, each in its own ingest into one index, and every
route, feed and CLI command that lists the document still answers and lists it.

The first empty-body document once turned every page listing it into a 500 (``KeyError: "Field 'body' is not
stored."``) and broke every later ingest into that index (``IndexError`` in ``whoosh/columns.py``: a segment
that wrote a text column for none of its documents cannot be read).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from helpers import build_index, portal_settings, shared_path, store_environment
from portal_testing import TestClient

from index.record import RAW_FIELDS
from portal.app import create_app
from portal.cli import cli

YEAR = "2019"
PUBLISHER = "某县空字段测试局"
WORD = "空字段核验"  # in every title, so one search lists every document


def full_record(n: int) -> dict[str, object]:
    """A record with every canonical field filled in; document ``n`` has its own 索引号, 文号 and URL."""
    return {
        "id": f"empty-field-{n:02d}",
        "index_no": f"014319733/{YEAR}-{n + 900:05d}",
        "title": f"关于{WORD}第{n}号文件的通知",
        "category": "规划计划 / 其他 / 通知",
        "category_scheme": "规划计划",
        "category_topic": "其他",
        "category_genre": "通知",
        "publisher": PUBLISHER,
        "pub_date": f"{YEAR}-03-{n % 28 + 1:02d}",
        "written_date": f"{YEAR}-03-01",
        "doc_no": f"空测发〔{YEAR}〕{n}号",
        "keywords": "空字段,核验",
        "validity": "有效",
        "disclosure": "主动公开",
        "summary": "一段摘要。",
        "body": f"第{n}号文件的正文：各有关单位，现将{WORD}的安排通知如下。",
        "attachments": [{"name": "附件1.pdf", "url": f"https://example.gov.cn/{n}.pdf"}],
        "related": [{"title": "相关解读", "url": f"https://example.gov.cn/jd/{n}.html"}],
        "url": f"https://example.gov.cn/xxgk/{n}.html",
        "site": "某县人民政府",
        "column": "通知公告",
    }


EMPTIED = [name for name in RAW_FIELDS]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("empty-fields") / "index"


@pytest.fixture(scope="module")
def client(index_dir: Path):
    # The first ingest creates the index; every parametrised case below is a later ingest into it.
    seed = index_dir.parent / "full.json"
    seed.write_text(json.dumps([full_record(0)], ensure_ascii=False), "utf-8")
    build_index([seed], index_dir)
    app = create_app(portal_settings(index_dir))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def routes_listing(doc_id: str, doc: dict[str, object]) -> list[str]:
    """Every page, feed and JSON twin that lists or shows the document."""
    year = str(doc.get("pub_date") or doc.get("written_date") or YEAR)[:4]
    paths = [
        "/",
        "/index.json",
        f"/search?q={quote(WORD)}",
        f"/search.json?q={quote(WORD)}",
        f"/search.atom?q={quote(WORD)}",
        f"/search?q={quote(WORD)}&sort=newest",
        f"/search?q={quote(WORD)}&field=body",
        "/search?sort=oldest",
        "/search.json",
        "/browse",
        "/browse.json",
        f"/browse/year/{year}",
        f"/browse/year/{year}.json",
        f"/doc/{quote(doc_id)}",
        f"/doc/{quote(doc_id)}.json",
        "/feed.atom",
        "/sitemap.xml",
    ]
    if doc.get("publisher"):
        paths += [f"/browse/publisher/{quote(PUBLISHER)}", f"/browse/publisher/{quote(PUBLISHER)}.json"]
    if doc.get("doc_no"):
        paths += [f"/lookup?q={quote(str(doc['doc_no']))}", f"/lookup.json?q={quote(str(doc['doc_no']))}"]
    return paths


@pytest.mark.parametrize("emptied", EMPTIED)
def test_every_route_answers_after_an_ingest_with_an_empty_field(client, index_dir, tmp_path, emptied):
    n = EMPTIED.index(emptied) + 1
    record = full_record(n)
    record[emptied] = [] if emptied in ("attachments", "related") else ""
    source = tmp_path / f"empty-{emptied}.json"
    source.write_text(json.dumps([record], ensure_ascii=False), "utf-8")

    report = build_index([source], index_dir)  # a later ingest into an index that already holds such documents
    assert report.rejected == [] and len(report.added) == 1, report.to_dict()
    doc_id = report.added[0]

    for path in routes_listing(doc_id, record):
        response = client.get(path)
        assert response.status_code in (200, 301, 303), f"{path}: {response.status_code}"
    listed = client.get(f"/search.json?q={quote(WORD)}&per_page=50").json()
    assert doc_id in {hit["id"] for hit in listed["hits"]}
    shown = client.get(f"/doc/{quote(doc_id)}.json").json()["document"]
    assert shown["id"] == doc_id

    run = CliRunner().invoke(cli, ["search", WORD, "--limit", "50"], env=store_environment(index_dir))
    assert run.exit_code == 0, run.output
    assert record["title"] in run.output or emptied == "title"


def test_the_shared_metadata_only_record_is_listed_and_later_ingests_work(tmp_path):
    """../shared/cases/empty-body-metadata-only-record.json: listed everywhere; the next ingest still works."""
    case = shared_path("cases", "empty-body-metadata-only-record.json")
    index_dir = tmp_path / "index"
    build_index([case], index_dir)
    later = tmp_path / "later.json"
    later.write_text(json.dumps([full_record(99)], ensure_ascii=False), "utf-8")
    assert len(build_index([later], index_dir).added) == 1
    app = create_app(portal_settings(index_dir))
    with TestClient(app) as test_client:
        hits = test_client.get(f"/search.json?q={quote('工程造价信息')}").json()["hits"]
        assert [hit["title"] for hit in hits] == ["2026年5月份阳江市工程造价信息"]
        for path in ("/search?q=工程造价", "/search.atom?q=工程造价", "/browse/year/2026", "/feed.atom"):
            assert test_client.get(path).status_code == 200, path
