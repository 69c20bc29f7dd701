"""Nothing published is lost (issue 22, items 1–3 and 8): versions, withdrawals, provenance and takedowns.

The end-to-end tests crawl a real site (a Starlette app on loopback), ingest, and read the portal under a real
uvicorn server: a page, then a changed version of it, then a re-crawl that finds it gone (404); and a JSON
export given again without one of its records. They check 版本历史, the versions' permanent addresses, the
diff, the withdrawal and the raw page as received, in HTML and JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from crawlsite import Detail, detail_html, serve_app
from helpers import portal_settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from index import history
from index.crawl.crawler import CrawlOptions, run_crawl
from index.query import SearchRequest
from index.takedown import take_down
from index.versiondiff import diff_text
from index.whoosh import generations
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import WhooshIngest, ingest_paths
from portal.cli import cli
from portal.links import doc_path
from portal.server import server_config, serving

DETAIL = Detail(
    1001,
    "关于印发示例市城乡低保办法的通知",
    "2024-01-05",
    "示民发〔2024〕1号",
    "社会保障",
    (
        "第一条 为了规范城乡最低生活保障工作，制定本办法。",
        "第二条 本办法自发布之日起施行。",
    ),
)
CHANGED = Detail(
    1001,
    DETAIL.title,
    DETAIL.pub_date,
    DETAIL.doc_no,
    DETAIL.topic,
    (
        "第一条 为了规范和加强城乡最低生活保障工作，制定本办法。",
        "第二条 本办法自发布之日起施行。",
    ),
)
PATH = DETAIL.url_path
ID = DETAIL.index_no


class Site:
    """One detail page that changes, changes its furniture, and disappears; a list page linking it."""

    def __init__(self) -> None:
        self.detail: Detail | None = DETAIL
        self.visits = 0  # a visit counter in the page's furniture

    def app(self) -> Starlette:
        async def listing(request: Request) -> Response:
            link = f'<li><a href="{PATH}">{DETAIL.title}</a></li>' if self.detail else ""
            return HTMLResponse(f"<html><body><ul>{link}</ul></body></html>")

        async def page(request: Request) -> Response:
            if self.detail is None:
                return PlainTextResponse("404", status_code=404)
            self.visits += 1
            html = detail_html(self.detail, request.url.port or 80)
            html = html.replace("</body>", f'<div class="footer">访问量：{self.visits}</div></body>')
            return HTMLResponse(html)

        async def robots(request: Request) -> Response:
            return PlainTextResponse("User-agent: *\nAllow: /\n")

        return Starlette(routes=[Route("/list.html", listing), Route(PATH, page), Route("/robots.txt", robots)])


def _crawl(base: str, crawl_dir: Path) -> None:
    run_crawl(f"{base}/list.html", crawl_dir, options=CrawlOptions(delay=0, timeout=5, retries=0))


@pytest.fixture
def portal(tmp_path):
    """A function serving the index at ``tmp_path / "index"`` with a real server for a ``with`` block."""

    def serve():
        from index.localports import free_port

        settings = portal_settings(tmp_path / "index", host="127.0.0.1", port=free_port())
        return serving(server_config(settings, log_level="warning"))

    return serve


def test_a_page_changed_then_gone_keeps_its_versions_diff_provenance_and_withdrawal(tmp_path, portal) -> None:
    site = Site()
    crawl_dir, index_dir = tmp_path / "crawl", tmp_path / "index"
    with serve_app(site.app()) as base:
        _crawl(base, crawl_dir)
        ingest_paths([crawl_dir], index_dir)
        _crawl(base, crawl_dir)  # only the visit counter changed: furniture, no new version
        ingest_paths([crawl_dir], index_dir)
        site.detail = CHANGED
        _crawl(base, crawl_dir)
        ingest_paths([crawl_dir], index_dir)
        site.detail = None  # gone: 404, and no longer listed
        _crawl(base, crawl_dir)
        report = ingest_paths([crawl_dir], index_dir, prune=True)
    assert report.withdrawn == [] and report.updated == [ID]  # marked by the crawl's 404, not by the prune

    with portal() as server, httpx.Client(base_url=server, timeout=60) as client:
        data = client.get(f"/doc/{ID}.json").json()
        assert data["document"]["status"] == "已撤下"
        record = data["history"]
        assert (record["status"], record["withdrawn_how"], record["latest"]) == ("已撤下", "http_404", 2)
        assert record["last_seen"] <= record["withdrawn_at"]  # timestamps to the second
        assert [v["n"] for v in record["versions"]] == [1, 2]
        assert record["versions"][0]["sightings"] == 2  # the furniture-only change is a sighting of version 1
        gone = record["provenance"]
        assert gone["status"] == 404 and gone["how"] == "crawl" and gone["url"] == f"{base}{PATH}"

        page = client.get(f"/doc/{ID}").text
        assert "版本历史" in page and "原网页或来源已撤下" in page and "重新抓取时返回 HTTP 404" in page
        assert f'href="/doc/{ID}/v/1"' in page and f"/doc/{ID}/diff?a=1&amp;b=2" in page

        first = client.get(f"/doc/{ID}/v/1.json").json()
        assert "规范城乡最低生活保障" in first["document"]["body"] and first["latest"] == 2
        sighting = first["sightings"][0]
        assert sighting["status"] == 200 and len(sighting["sha256"]) == 64
        raw = client.get(sighting["raw_path"])
        assert raw.headers["content-type"].startswith("text/plain")
        assert (
            "sandbox" in raw.headers["content-security-policy"] and raw.headers["x-content-type-options"] == "nosniff"
        )
        assert "<html" in raw.text and "规范城乡最低生活保障工作" in raw.text  # the bytes as received, not rendered
        assert "规范和加强" in client.get(f"/doc/{ID}/v/2").text

        diff = client.get(f"/doc/{ID}/diff.json", params={"a": 1, "b": 2}).json()
        assert [f["field"] for f in diff["fields"]] == ["body"]
        assert {"op": "+", "text": "和加强"} in diff["fields"][0]["spans"]
        assert "<ins>和加强</ins>" in client.get(f"/doc/{ID}/diff", params={"a": 1, "b": 2}).text

        hits = client.get("/search.json", params={"q": "最低生活保障", "status": "已撤下"}).json()
        assert [hit["id"] for hit in hits["hits"]] == [ID] and hits["hits"][0]["status"] == "已撤下"
        assert client.get("/search.json", params={"q": "最低生活保障", "status": "在线"}).json()["total"] == 0
        assert 'class="badge withdrawn"' in client.get("/search", params={"q": "最低生活保障"}).text

        for path in (
            f"/doc/{ID}/v/3",
            f"/doc/{ID}/v/0",
            f"/doc/{ID}/v/x%00",
            f"/doc/{ID}/diff?a=9",
            f"/doc/{ID}/diff?a=-1&b=abc",
            f"/doc/{ID}/raw/{'0' * 64}",
            f"/doc/{ID}/raw/..%2F..",
            "/doc/nothing/v/1.json",
            "/doc/%E4%B8%8D/diff.json",
        ):
            assert client.get(path).status_code == 404, path


def _export(path: Path, records: list[dict]) -> None:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")


RECORDS = [
    {
        "标题": "关于做好防汛工作的通知",
        "索引号": "014319733/2023-00001",
        "发布机构": "示例市水务局",
        "公开日期": "2023-06-01",
        "正文": "各区要做好防汛准备。\n\n加强值班值守。",
    },
    {
        "标题": "关于公布收费目录的公告",
        "索引号": "014319733/2023-00002",
        "发布机构": "示例市发展改革委",
        "公开日期": "2023-06-02",
        "正文": "现将收费目录公布如下。",
    },
]


def test_a_record_missing_from_an_export_given_again_is_kept_withdrawn(tmp_path, portal) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    _export(docs / "export.jsonl", RECORDS)
    ingest_paths([docs], index_dir)
    changed = {**RECORDS[0], "正文": "各区要做好防汛准备。\n\n严格落实值班值守。", "相关信息": "其他链接"}
    _export(docs / "export.jsonl", [changed, RECORDS[1]])
    ingest_paths([docs], index_dir)
    _export(docs / "export.jsonl", [RECORDS[1]])
    report = ingest_paths([docs], index_dir, prune=True)
    assert report.withdrawn == ["014319733/2023-00001"]

    doc_id = "014319733/2023-00001"
    with portal() as server, httpx.Client(base_url=server, timeout=60) as client:
        record = client.get(f"/doc/{doc_id}.json").json()["history"]
        assert (record["status"], record["withdrawn_how"], len(record["versions"])) == (
            "已撤下",
            "missing_from_export",
            2,
        )
        assert record["provenance"]["how"] == "export" and record["provenance"]["url"] == ""
        raw = client.get(record["provenance"]["raw_path"])
        assert json.loads(raw.text)["body"].endswith("严格落实值班值守。")  # the record as the export gave it
        spans = client.get(f"/doc/{doc_id}/diff.json").json()["fields"][0]["spans"]
        assert {"op": "-", "text": "加强"} in spans and {"op": "+", "text": "严格落实"} in spans
        assert "再次导入的完整导出中已没有此文件" in client.get(f"/doc/{doc_id}").text
        other = client.get("/doc/014319733/2023-00002.json").json()
        assert other["history"]["status"] == "在线" and other["document"]["status"] == "在线"


def test_the_same_raw_bytes_are_stored_once_and_versions_compressed(tmp_path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    body = "第一条 " + "本办法适用于本市行政区域内的城乡最低生活保障工作。" * 200
    title = "关于印发办法的通知"
    page = f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p>'
    (docs / "a.html").write_text(page, "utf-8")
    ingest_paths([docs], index_dir)
    (docs / "a.html").write_text(page, "utf-8")  # the same bytes, rewritten
    ingest_paths([docs], index_dir, rebuild=True)
    stats = history.History(history.path_for(index_dir), readonly=True).stats()
    assert (stats["versions"], stats["raw_blobs"], stats["sightings"]) == (1, 1, 2)
    assert stats["raw_bytes"] < len(body.encode()) / 5 and stats["payload_bytes"] < len(body.encode()) / 5


def test_a_takedown_removes_the_document_and_its_history_logs_it_and_keeps_it_out(tmp_path, portal) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    _export(docs / "export.jsonl", RECORDS)
    ingest_paths([docs], index_dir)
    doc_id = "014319733/2023-00002"
    with pytest.raises(ValueError):
        take_down(doc_id, "  ", store=WhooshIngest(index_dir), history_path=history.path_for(index_dir))
    entry = take_down(
        doc_id, "法院通知 (2026) 第1号", store=WhooshIngest(index_dir), history_path=history.path_for(index_dir)
    )
    assert (entry.doc_id, entry.title, entry.reason, entry.versions) == (
        doc_id,
        RECORDS[1]["标题"],
        "法院通知 (2026) 第1号",
        1,
    )
    assert Catalog(index_dir).get(doc_id) is None
    hist = history.History(history.path_for(index_dir), readonly=True)
    assert hist.document(doc_id) is None and hist.sightings(doc_id) == []
    assert [t.doc_id for t in hist.takedowns()] == [doc_id]
    assert [c.kind for c in hist.changes(doc_id=doc_id)] == ["takedown", "new"]
    assert all(c.title == "" for c in hist.changes(doc_id=doc_id))  # the feeds keep no trace of its text
    (docs / "export.jsonl").write_text((docs / "export.jsonl").read_text("utf-8") + "\n", "utf-8")
    report = ingest_paths([docs], index_dir, prune=True)
    assert any("taken down" in str(r) for r in report.rejected)
    assert Catalog(index_dir).get(doc_id) is None
    assert Catalog(index_dir).search(SearchRequest(q="收费目录")).total == 0
    with portal() as server, httpx.Client(base_url=server, timeout=60) as client:
        gone = [client.get(doc_path(doc_id, suffix)) for suffix in ("", ".json", "/v/1", "/diff")]
        assert [r.status_code for r in gone] == [410, 410, 410, 410]
        assert "依法撤除" in gone[0].text and "法院通知" not in gone[0].text  # the reason is the operator's
        assert client.get(doc_path("014319733/2023-99999")).status_code == 404  # never held: not found


def test_portal_takedown_removes_from_the_whoosh_index_under_its_lock(tmp_path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    _export(docs / "export.jsonl", RECORDS)
    ingest_paths([docs], index_dir)
    env = {"PORTAL_STORE": "whoosh", "PORTAL_INDEX_DIR": str(index_dir), "PORTAL_LOCK_TIMEOUT": "1"}
    with generations.ingest_lock(index_dir, timeout=1):  # an ingest holds the index: a clear error, nothing removed
        busy = CliRunner().invoke(cli, ["takedown", "014319733/2023-00002", "--reason", "法院通知"], env=env)
    assert busy.exit_code == 1 and "Traceback" not in busy.output
    assert Catalog(index_dir).get("014319733/2023-00002") is not None
    done = CliRunner().invoke(cli, ["takedown", "014319733/2023-00002", "--reason", "法院通知"], env=env)
    assert done.exit_code == 0 and "已删除 014319733/2023-00002" in done.output
    assert Catalog(index_dir).get("014319733/2023-00002") is None
    assert [t.doc_id for t in history.History(history.path_for(index_dir), readonly=True).takedowns()] == [
        "014319733/2023-00002"
    ]


def test_a_diff_is_by_words_and_joins_back_to_both_texts() -> None:
    before = "第一条 为了规范测试工作，制定本办法。\n第二条 本办法自2024年1月1日起施行。\n"
    after = "第一条 为了规范和加强测试工作，制定本办法。\n第二条 本办法自2025年1月1日起施行。\n第三条 新增。\n"
    spans = diff_text(before, after)
    assert "".join(s.text for s in spans if s.op != "+") == before
    assert "".join(s.text for s in spans if s.op != "-") == after
    changed = [(s.op, s.text) for s in spans if s.op != "="]
    assert ("+", "和加强") in changed and ("-", "2024") in changed and ("+", "2025") in changed


def test_a_version_is_new_only_when_its_content_changes() -> None:
    from index.record import Document, Link

    doc = Document(id="x", title="标题", body="正文", url="http://example.gov.cn/a.html")
    data = history.document_to_json(doc)
    furnished = history.document_to_json(
        Document(
            id="x", title="标题", body="正文", url=doc.url, related=[Link("友情链接")], site="示例网", column="通知"
        )
    )
    assert history.content_digest(data) == history.content_digest(furnished)
    assert history.content_digest(data) != history.content_digest({**data, "body": "正文。"})
    restored = history.document_from_json(json.loads(json.dumps(furnished)))
    assert (restored.title, restored.related, restored.column) == ("标题", [Link("友情链接")], "通知")


def test_the_cluster_store_serves_withdrawn_documents_and_their_versions(tmp_path) -> None:
    """Item 8: the cluster ingest keeps the history too, and the cluster serves 已撤下 and the version list."""
    from helpers import CLUSTER_LAYOUT, needs_searchd

    from index.cluster.ingest import ingest_cluster
    from index.cluster.local import LocalCluster

    needs_searchd()
    from index.cluster.catalog import ClusterCatalog

    with LocalCluster(tmp_path / "cluster", list(CLUSTER_LAYOUT)) as cluster:
        docs, hist_path = tmp_path / "docs", tmp_path / "history.sqlite"
        docs.mkdir()
        _export(docs / "export.jsonl", RECORDS)
        ingest_cluster([docs], cluster.topology, history_path=hist_path)
        changed = {**RECORDS[0], "正文": "各区要做好防汛准备。\n\n严格落实值班值守。"}
        _export(docs / "export.jsonl", [changed, RECORDS[1]])
        ingest_cluster([docs], cluster.topology, history_path=hist_path)
        _export(docs / "export.jsonl", [RECORDS[1]])
        report = ingest_cluster([docs], cluster.topology, prune=True, history_path=hist_path)
        assert report.withdrawn == ["014319733/2023-00001"]
        assert ingest_cluster([docs], cluster.topology, prune=True, history_path=hist_path).withdrawn == []

        from index.localports import free_port
        from portal.settings import load_settings

        environ = {name: str(value) for name, value in settings_env(cluster, tmp_path, hist_path).items()}
        settings = load_settings({**environ, "PORTAL_PORT": str(free_port())})
        with (
            serving(server_config(settings, log_level="warning")) as server,
            httpx.Client(base_url=server, timeout=60) as client,
        ):
            data = client.get("/doc/014319733/2023-00001.json").json()
            assert data["document"]["status"] == "已撤下" and data["history"]["withdrawn_how"] == "missing_from_export"
            assert [v["n"] for v in data["history"]["versions"]] == [1, 2]
            found = client.get("/search.json", params={"q": "防汛", "status": "已撤下"}).json()
            assert [hit["id"] for hit in found["hits"]] == ["014319733/2023-00001"]
            assert client.get("/search.json", params={"q": "防汛", "status": "在线"}).json()["total"] == 0
            page = client.get("/search", params={"q": "防汛"}).text
            assert 'class="badge withdrawn"' in page and "在线状态" in page
            assert "版本历史" in client.get("/doc/014319733/2023-00001").text

        # `portal takedown` asks the store PORTAL_STORE names (IngestStore.remove), not the Whoosh index.
        done = CliRunner().invoke(cli, ["takedown", "014319733/2023-00002", "--reason", "法院通知"], env=environ)
        assert done.exit_code == 0, done.output
        catalog = ClusterCatalog(cluster.topology)
        try:
            assert catalog.get("014319733/2023-00002") is None and catalog.get("014319733/2023-00001") is not None
        finally:
            catalog.close()
        assert not (tmp_path / "no-index").exists()  # no Whoosh index was locked or made for it
        report = ingest_cluster([docs], cluster.topology, history_path=hist_path)
        assert any("taken down" in str(rejection) for rejection in report.rejected) and not report.added


def settings_env(cluster, tmp_path: Path, hist_path: Path) -> dict[str, object]:
    return {
        "PORTAL_STORE": "manticore",
        "PORTAL_MANTICORE": cluster.topology,
        "PORTAL_INDEX_DIR": tmp_path / "no-index",
        "PORTAL_HISTORY": hist_path,
    }


def test_a_rebuild_keeps_withdrawn_documents(tmp_path) -> None:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    _export(docs / "export.jsonl", RECORDS)
    ingest_paths([docs], index_dir)
    _export(docs / "export.jsonl", [RECORDS[1]])
    ingest_paths([docs], index_dir, prune=True)
    ingest_paths([docs], index_dir, rebuild=True)
    kept = Catalog(index_dir).get("014319733/2023-00001")
    assert kept is not None and kept.status == "已撤下" and kept.title == RECORDS[0]["标题"]
    assert Catalog(index_dir).get("014319733/2023-00002").status == "在线"


def test_a_fetch_says_withdrawn_by_404_410_or_a_redirect_to_the_home_page() -> None:
    from index.crawl.crawler import withdrawal
    from index.crawl.fetch import Fetched

    page = "http://www.example.gov.cn/xxgk/2024/t20240105_1001.html"

    def fetched(status: int, final: str = page) -> Fetched:
        return Fetched(page, final, status, httpx.Headers(), b"")

    assert withdrawal(page, fetched(404)) == "http_404" and withdrawal(page, fetched(410)) == "http_410"
    assert withdrawal(page, fetched(200, "http://www.example.gov.cn/")) == "redirect_home"
    assert withdrawal(page, fetched(200, "http://www.example.gov.cn/index.html")) == "redirect_home"
    assert withdrawal(page, fetched(200, "http://www.example.gov.cn/xxgk/2024/t20240105_1001_1.html")) == ""
    assert withdrawal(page, fetched(200)) == "" and withdrawal(page, fetched(500)) == ""
    assert withdrawal("http://www.example.gov.cn/", fetched(200, "http://www.example.gov.cn/index.html")) == ""


def test_a_reading_is_compressed_only_where_the_history_stores_it_and_pickles_compressed(tmp_path) -> None:
    import pickle
    import zlib

    from index.record import Document, RawRecord

    body = "第一条 本办法适用于本市。" * 50
    doc = Document(id="a-1", title="关于印发办法的通知", body=body, source="a.jsonl", locator="line 1")
    record = RawRecord(fields={"title": doc.title, "body": doc.body}, source="a.jsonl", locator="line 1")
    with history.History(tmp_path / "history.sqlite") as hist:
        first = history.observe(doc, record, at="2026-12-01T00:00:00Z")
        assert hist.apply(first) == "new"
        again = history.observe(doc, record, at="2026-12-02T00:00:00Z")
        assert hist.apply(again) == "seen"
        assert again._payload is None and again._raw is None  # the same content and bytes: nothing compressed
        hist.commit()
        stats = hist.stats()
    assert (stats["versions"], stats["raw_blobs"], stats["sightings"]) == (1, 1, 2)
    sent = pickle.loads(pickle.dumps(history.observe(doc, record, at="2026-12-03T00:00:00Z")))
    assert sent.document == b"" and sent.raw_data == b""  # what a cluster worker sends: compressed only
    assert zlib.decompress(sent.payload) == first.document and zlib.decompress(sent.raw) == first.raw_data


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("garbage", None),
        ("9999-99-99T99:99:99Z", None),
        ("2999-01-01T00:00:00Z", None),  # later than now
        ("2026-12-07T14:39:24Z", "2026-12-07T14:39:24Z"),
        ("2026-12-07T22:39:24+08:00", "2026-12-07T14:39:24Z"),
    ],
)
def test_a_reading_takes_its_time_from_the_record_only_where_it_is_a_past_time(given, kept) -> None:
    """A snapshot's ``withdrawn_at`` (or a crawl sidecar's time) is the file's text: ``garbage`` was kept as the
    document's first sighting and its withdrawal's time, shown on its pages and written into the next export."""
    from index.record import Document, RawRecord

    doc = Document(id="a-1", title="关于印发办法的通知", body="第一条 本办法适用于本市。", source="a.jsonl")
    record = RawRecord(
        fields={"title": doc.title, "body": doc.body},
        source="a.jsonl",
        locator="record 1",
        fetch={"gone": {"how": "file_gone", "at": given}},
    )
    observed = history.observe(doc, record, at="2026-12-01T00:00:00Z")
    assert observed.at == (kept or "2026-12-01T00:00:00Z")
    assert observed.gone == "file_gone"
