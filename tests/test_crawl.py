"""The crawler against a real loopback site (tests/crawlsite.py), the crawl-folder reader, and `portal crawl`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlsite import (
    ALWAYS_500,
    BIG_ZIP_PATH,
    BY_SERIAL,
    FLAKY,
    GBK_PAGE,
    LIST_PAGES,
    MOVED_FROM,
    PDF_PATH,
    PRIVATE,
    RATE_LIMITED,
    SLOW,
    CrawlSite,
    detail_html,
    serve,
    stored_paths,
    tiny_pdf,
)

from index.crawl.crawler import CrawlOptions, CrawlReport, Failure, crawl, run_crawl
from index.crawl.fetch import parse_retry_after
from index.crawl.folder import url_key
from index.crawl.links import sitemap_locations
from index.crawl.urls import Scope, is_list_page, looks_like_detail
from index.readers import crawled as crawled_reader
from index.readers import detect_reader

ATTACHMENT_LIMIT = 16 * 1024  # the PDF is well under it, the ZIP (64 KiB) well over


def fast(**overrides: object) -> CrawlOptions:
    """Options for a loopback site: no politeness delay, short timeout, one quick retry."""
    settings: dict[str, object] = {"delay": 0, "timeout": 0.5, "retries": 1, "backoff": 0.01}
    return CrawlOptions(**{**settings, **overrides})


@dataclass
class Crawled:
    site: CrawlSite
    base: str
    crawl_dir: Path
    report: CrawlReport

    @property
    def host_dir(self) -> Path:
        return self.crawl_dir / self.base.removeprefix("http://").replace(":", "_")

    def page(self, path: str) -> Path:
        """Where the page linked as ``path`` is stored."""
        return self.host_dir / "pages" / f"{url_key(self.base + path)}.html"

    def sidecars(self) -> dict[str, dict]:
        """Stored pages' sidecars by the path of the URL they were stored for."""
        found = {}
        for path in (self.host_dir / "pages").glob("*.json"):
            meta = json.loads(path.read_text(encoding="utf-8"))
            found[meta["url"].removeprefix(self.base)] = meta
        return found


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """One crawl of the whole site, traps included, shared by the tests that only look at its result."""
    site = CrawlSite()
    crawl_dir = tmp_path_factory.mktemp("crawl")
    with serve(site) as base:
        options = fast(download_attachments=True, max_attachment_bytes=ATTACHMENT_LIMIT)
        report = run_crawl(base + LIST_PAGES[0], crawl_dir, options=options)
        yield Crawled(site, base, crawl_dir, report)


@pytest.fixture
def quick_site() -> Iterator[tuple[CrawlSite, str]]:
    """A fresh site without the slow page, for tests that crawl more than once."""
    site = CrawlSite(with_slow_page=False)
    with serve(site) as base:
        yield site, base


# --- one full crawl --------------------------------------------------------------------------------


def test_every_reachable_detail_page_is_stored_with_its_sidecar(full: Crawled) -> None:
    sidecars = full.sidecars()
    assert set(sidecars) == stored_paths()
    assert full.report.pages_stored == len(stored_paths())
    for path, meta in sidecars.items():
        assert meta["status"] == 200
        assert datetime.fromisoformat(meta["fetched_at"]).utcoffset().total_seconds() == 0
        assert meta["etag"].startswith('"') and meta["last_modified"].endswith("GMT")
        assert meta["content_type"].startswith("text/html"), path
    assert full.report.finished and full.report.remaining == 0


def test_pages_are_kept_as_received_with_the_header_encoding(full: Crawled) -> None:
    port = int(full.base.rsplit(":", 1)[1])
    assert full.page(GBK_PAGE).read_bytes() == detail_html(BY_SERIAL[1002], port).encode("gbk")
    assert full.sidecars()[GBK_PAGE]["encoding"] == "gbk"
    assert full.sidecars()[BY_SERIAL[1001].url_path]["encoding"] == "utf-8"


def test_pagination_is_followed_through_every_list_page_once(full: Crawled) -> None:
    paths = full.site.paths()
    assert [paths.count(page) for page in LIST_PAGES] == [1, 1, 1]
    assert full.report.list_pages == 3


def test_a_page_that_always_fails_is_reported_with_its_status(full: Crawled) -> None:
    assert Failure(full.base + ALWAYS_500, "HTTP 500") in full.report.failed
    assert full.site.hits[ALWAYS_500] == 2  # tried, then retried once


@pytest.mark.parametrize("path", [FLAKY, RATE_LIMITED], ids=["503-once", "429-retry-after"])
def test_a_page_that_fails_once_succeeds_on_retry(full: Crawled, path: str) -> None:
    assert full.site.hits[path] == 2
    assert path in full.sidecars()
    assert not [f for f in full.report.failed if f.url.endswith(path)]


def test_a_page_slower_than_the_timeout_is_reported_as_a_timeout(full: Crawled) -> None:
    reasons = {f.url.removeprefix(full.base): f.reason for f in full.report.failed}
    assert reasons[SLOW].startswith("timeout")
    assert SLOW not in full.sidecars()


def test_a_redirect_records_the_final_url(full: Crawled) -> None:
    meta = full.sidecars()[MOVED_FROM]
    assert meta["final_url"] == full.base + BY_SERIAL[1007].url_path
    assert meta["url"] == full.base + MOVED_FROM


def test_robots_txt_is_obeyed_and_fetched_once(full: Crawled) -> None:
    assert PRIVATE not in full.site.paths()
    assert full.report.skipped_by_robots == [full.base + PRIVATE]
    assert full.site.paths().count("/robots.txt") == 1


def test_only_the_start_host_is_crawled_and_the_bot_names_itself(full: Crawled) -> None:
    host = full.base.removeprefix("http://")
    assert {seen.host for seen in full.site.requests} == {host}  # the localhost link was not followed
    assert all(seen.headers["user-agent"].startswith("DisclosurePortalBot/0.1") for seen in full.site.requests)


def test_attachments_under_the_limit_are_saved_and_over_it_skipped(full: Crawled) -> None:
    entries = {a["url"].removeprefix(full.base): a for a in full.sidecars()[BY_SERIAL[1001].url_path]["attachments"]}
    pdf = entries[PDF_PATH]
    assert pdf["path"].startswith("attachments/") and pdf["path"].endswith(".pdf")
    assert (full.host_dir / pdf["path"]).read_bytes() == tiny_pdf()
    assert pdf["size"] == len(tiny_pdf()) and pdf["content_type"] == "application/pdf"
    assert pdf["name"] == "附件1：走访慰问对象名单.pdf"
    assert entries[BIG_ZIP_PATH]["path"] is None
    assert entries[BIG_ZIP_PATH]["skipped"].startswith("too large")
    assert [p.suffix for p in (full.host_dir / "attachments").iterdir()] == [".pdf"]
    assert full.report.attachments_downloaded == 1
    assert any(f.url.endswith(BIG_ZIP_PATH) and f.reason.startswith("too large") for f in full.report.failed)


def test_the_crawl_folder_is_marked_with_what_the_crawl_did(full: Crawled) -> None:
    marker = json.loads((full.host_dir / "CRAWL.json").read_text(encoding="utf-8"))
    assert marker["kind"] == "crawl" and marker["start"] == full.base + LIST_PAGES[0]
    assert marker["finished"] is True
    assert marker["counts"]["pages_stored"] == len(stored_paths())
    assert marker["pages_on_disk"] == len(stored_paths())
    assert marker["settings"]["max_attachment_bytes"] == ATTACHMENT_LIMIT


# --- crawling again --------------------------------------------------------------------------------


def test_a_second_crawl_revalidates_stored_pages_and_gets_304s(
    quick_site: tuple[CrawlSite, str], tmp_path: Path
) -> None:
    site, base = quick_site
    first = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast())
    stored = {p: p.read_bytes() for p in tmp_path.rglob("pages/*.html")}
    assert first.pages_stored == len(stored_paths()) and not site.conditional_requests()

    second = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast())

    assert second.not_modified == len(stored_paths()) == site.not_modified_sent
    assert second.pages_stored == 0 and not second.resumed
    conditional = site.conditional_requests()
    assert all("if-none-match" in r.headers and "if-modified-since" in r.headers for r in conditional)
    assert {p.read_bytes() for p in stored} == set(stored.values())


def test_attachments_asked_for_later_are_fetched_once_for_unchanged_pages(
    quick_site: tuple[CrawlSite, str], tmp_path: Path
) -> None:
    site, base = quick_site
    only_1001 = {"detail_pattern": r"_1001\.html$", "max_attachment_bytes": ATTACHMENT_LIMIT}
    run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(**only_1001))
    assert PDF_PATH not in site.paths()

    later = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(download_attachments=True, **only_1001))
    again = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(download_attachments=True, **only_1001))

    assert later.not_modified == again.not_modified == 1
    assert (later.attachments_downloaded, again.attachments_downloaded) == (1, 0)
    assert site.paths().count(PDF_PATH) == 1
    assert site.paths().count(BIG_ZIP_PATH) == 1  # known to be over the limit: not tried again
    [meta] = _sidecars(tmp_path)
    assert [bool(entry["path"]) for entry in meta["attachments"]] == [True, False]


def test_a_crawl_stopped_at_max_pages_resumes_without_refetching(
    quick_site: tuple[CrawlSite, str], tmp_path: Path
) -> None:
    site, base = quick_site
    first = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(max_pages=4))
    assert not first.finished and first.remaining > 0
    assert first.pages_stored == 3  # the list page and three of its details

    second = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast())

    assert second.resumed and second.finished
    assert first.pages_stored + second.pages_stored == len(stored_paths())
    assert not site.conditional_requests()  # nothing stored was asked for again
    paths = site.paths()
    assert all(paths.count(path) == 1 for path in LIST_PAGES)
    assert all(paths.count(path) == 1 for path in stored_paths() - {FLAKY, RATE_LIMITED})


def test_an_interrupted_crawl_saves_its_frontier_and_resumes(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    site, base = quick_site

    async def interrupted() -> None:
        task = asyncio.current_task()
        options = fast(progress=lambda done, _known: task.cancel() if done == 2 else None)
        await crawl(base + LIST_PAGES[0], tmp_path, options=options)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(interrupted())
    resumed = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast())

    assert resumed.resumed and resumed.finished
    assert {meta["url"] for meta in _sidecars(tmp_path)} == {base + path for path in stored_paths()}
    assert site.paths().count(LIST_PAGES[0]) == 1


def test_restart_forgets_a_stopped_crawl(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    site, base = quick_site
    run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(max_pages=2))
    again = run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(restart=True))
    assert not again.resumed and again.finished
    assert site.paths().count(LIST_PAGES[0]) == 2


# --- other starts and filters ----------------------------------------------------------------------


def test_a_sitemap_index_leads_to_its_pages(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    site, base = quick_site
    report = run_crawl(base + "/sitemap.xml", tmp_path, options=fast())
    expected = {base + BY_SERIAL[s].url_path for s in (1001, 1002, 1003)}
    assert {meta["url"] for meta in _sidecars(tmp_path)} == expected
    assert report.list_pages == 0 and not report.failed


def test_a_file_of_urls_is_fetched_line_by_line(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    site, base = quick_site
    urls = tmp_path / "urls.txt"
    wanted = [base + BY_SERIAL[1003].url_path, base + BY_SERIAL[1008].url_path]
    urls.write_text(f"# 待抓取\n{wanted[0]}\n\n{wanted[1]}\n", encoding="utf-8")
    report = run_crawl(urls, tmp_path / "crawl", options=fast())
    assert {meta["url"] for meta in _sidecars(tmp_path / "crawl")} == set(wanted)
    assert report.finished and report.pages_stored == 2


def test_a_detail_pattern_restricts_what_is_fetched(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    site, base = quick_site
    run_crawl(base + LIST_PAGES[0], tmp_path, options=fast(detail_pattern=r"_100[12]\.html$"))
    assert {meta["url"] for meta in _sidecars(tmp_path)} == {base + BY_SERIAL[s].url_path for s in (1001, 1002)}
    assert ALWAYS_500 not in site.paths()


def _sidecars(crawl_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in crawl_dir.glob("*/pages/*.json")]


# --- link heuristics -------------------------------------------------------------------------------

H = "http://www.example.gov.cn"


@pytest.mark.parametrize(
    ("url", "list_url", "expected"),
    [
        pytest.param(f"{H}/xxgk/index_2.html", f"{H}/xxgk/index.html", True, id="trs-numbered"),
        pytest.param(f"{H}/xxgk/index_1.html", f"{H}/xxgk/", True, id="folder-list"),
        pytest.param(f"{H}/list.jsp?cid=5&page=3", f"{H}/list.jsp?cid=5", True, id="page-param"),
        pytest.param(f"{H}/list.jsp?cid=6", f"{H}/list.jsp?cid=5", False, id="other-column"),
        pytest.param(f"{H}/xxgk/2024/t20240105_1.html", f"{H}/xxgk/index.html", False, id="detail"),
        pytest.param(f"{H}/news/index_2.html", f"{H}/xxgk/index.html", False, id="other-folder"),
    ],
)
def test_is_list_page(url: str, list_url: str, expected: bool) -> None:
    assert is_list_page(url, list_url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(f"{H}/xxgk/2024/t20240105_1001.html", True, id="trs-detail"),
        pytest.param(f"{H}/art/2024/1/5/art_1229_123.html", True, id="jcms-detail"),
        pytest.param(f"{H}/index.php?m=content&id=12", True, id="query-detail"),
        pytest.param(f"{H}/", False, id="home"),
        pytest.param(f"{H}/xxgk/", False, id="column"),
        pytest.param(f"{H}/xxgk/index_3.html", False, id="list-page"),
        pytest.param(f"{H}/files/a.pdf", False, id="attachment"),
        pytest.param(f"{H}/static/site.css", False, id="asset"),
        pytest.param("http://www.gov.cn/zhengce/content/1.htm", False, id="other-site"),
    ],
)
def test_looks_like_detail(url: str, expected: bool) -> None:
    assert looks_like_detail(url, Scope.of([f"{H}/xxgk/index.html"])) is expected


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert parse_retry_after("soon") is None


def test_sitemap_locations_tell_a_sitemap_from_a_page() -> None:
    urlset = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    urlset += b"<url><loc> http://h/a.html </loc></url></urlset>"
    assert sitemap_locations(urlset) == ("urlset", ["http://h/a.html"])
    assert sitemap_locations(b"<!DOCTYPE html><html><body>list</body></html>") is None


# --- the crawl-folder reader -----------------------------------------------------------------------


def test_bookkeeping_files_are_sidecars_and_documents_are_not(full: Crawled, tmp_path: Path) -> None:
    sidecar = next((full.host_dir / "pages").glob("*.json"))
    state = next((full.crawl_dir / ".state").glob("*.sqlite"))
    document = tmp_path / "doc.json"
    document.write_text('{"title": "关于…的通知", "url": "http://h/1.html"}', encoding="utf-8")
    assert crawled_reader.is_sidecar(sidecar)
    assert crawled_reader.is_sidecar(full.host_dir / "CRAWL.json")
    assert crawled_reader.is_sidecar(state)
    assert crawled_reader.is_sidecar(next((full.host_dir / "attachments").iterdir()))
    assert not crawled_reader.is_sidecar(document)
    assert not crawled_reader.is_sidecar(sidecar.with_suffix(".html"))


def test_the_crawled_reader_claims_pages_and_bookkeeping_first(full: Crawled, tmp_path: Path) -> None:
    page = next((full.host_dir / "pages").glob("*.html"))
    loose = tmp_path / "loose.html"
    loose.write_bytes(page.read_bytes())
    assert crawled_reader.sniff(page, page.read_bytes()[:65536])
    assert not crawled_reader.sniff(loose, loose.read_bytes()[:65536])
    for bookkeeping in (page.with_suffix(".json"), full.host_dir / "CRAWL.json"):
        assert detect_reader(bookkeeping) is crawled_reader
        assert list(crawled_reader.read(bookkeeping)) == []


def test_the_ingester_walks_only_the_pages(full: Crawled) -> None:
    from index.ingest import iter_files

    walked = list(iter_files([full.crawl_dir]))
    assert {p.suffix for p in walked} == {".html"}  # no sidecars, markers, state or attachments
    assert len(walked) == len(stored_paths())


def test_the_crawled_reader_makes_a_record_with_url_and_attachments(full: Crawled) -> None:
    pytest.importorskip("index.readers.html", reason="the HTML reader (or a module it needs) is not there yet")
    page = full.page(MOVED_FROM)
    [record] = list(crawled_reader.read(page))
    assert record.fields["url"] == full.base + BY_SERIAL[1007].url_path  # the final URL, after the redirect
    assert record.fields["title"] == BY_SERIAL[1007].title
    assert record.fetched_at == full.sidecars()[MOVED_FROM]["fetched_at"]

    page = full.page(BY_SERIAL[1001].url_path)
    [record] = list(crawled_reader.read(page))
    attachments = {a["url"].removeprefix(full.base): a for a in record.fields["attachments"]}
    assert Path(attachments[PDF_PATH]["path"]).read_bytes() == tiny_pdf()
    assert "text" not in attachments[PDF_PATH]  # read at ingest from the path, as for every source
    assert "path" not in attachments[BIG_ZIP_PATH]  # skipped as too large: the link alone


def test_the_crawled_reader_decodes_with_the_header_encoding(full: Crawled) -> None:
    pytest.importorskip("index.readers.html", reason="the HTML reader (or a module it needs) is not there yet")
    [record] = list(crawled_reader.read(full.page(GBK_PAGE)))
    assert record.fields["title"] == BY_SERIAL[1002].title
    assert record.fields["index_no"] == BY_SERIAL[1002].index_no


# --- portal crawl ----------------------------------------------------------------------------------


def test_portal_crawl_prints_a_json_report(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    from portal.crawl_command import crawl as crawl_command

    site, base = quick_site
    args = [base + LIST_PAGES[0], "--out", str(tmp_path), "--delay", "0", "--timeout", "0.5"]
    args += ["--detail-pattern", r"_100[123]\.html$", "--json"]
    result = CliRunner().invoke(crawl_command, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pages_stored"] == 3 and report["finished"] is True
    assert report["crawl_dir"] == str(tmp_path)


def test_portal_crawl_prints_a_readable_report(quick_site: tuple[CrawlSite, str], tmp_path: Path) -> None:
    from portal.crawl_command import crawl as crawl_command

    site, base = quick_site
    args = [base + LIST_PAGES[0], "--out", str(tmp_path), "--delay", "0", "--max-pages", "2"]
    result = CliRunner().invoke(crawl_command, args)
    assert result.exit_code == 0, result.output
    assert "stopped at --max-pages" in result.output and "run the same command again" in result.output


def test_portal_crawl_wants_one_start(tmp_path: Path) -> None:
    from portal.crawl_command import crawl as crawl_command

    urls = tmp_path / "urls.txt"
    urls.write_text("http://127.0.0.1:9/a.html\n", encoding="utf-8")
    assert CliRunner().invoke(crawl_command, []).exit_code == 2
    assert CliRunner().invoke(crawl_command, ["http://127.0.0.1:9/", "--urls-file", str(urls)]).exit_code == 2
