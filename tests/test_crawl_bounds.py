"""The crawler is bounded (issue 18, item 8): attachments are capped per page and per crawl, in files and in
bytes, with the cap named; and the state is not rewritten whole after each page, yet a crawl still resumes."""

from __future__ import annotations

import json
from pathlib import Path

from crawlsite import BulkSite, bulk_app, serve_app

from index.crawl.crawler import CrawlOptions, run_crawl
from index.crawl.fetch import MB
from index.crawl.folder import state_path
from index.crawl.state import start_key


def fast(**overrides: object) -> CrawlOptions:
    settings: dict[str, object] = {"delay": 0, "timeout": 5, "retries": 0, "concurrency": 4}
    return CrawlOptions(**{**settings, **overrides})


def _sidecar_entries(crawl_dir: Path) -> list[dict]:
    entries = []
    for sidecar in crawl_dir.glob("*/pages/*.json"):
        entries += json.loads(sidecar.read_text("utf-8")).get("attachments", [])
    return entries


def test_a_page_with_many_attachments_downloads_only_its_caps(tmp_path: Path) -> None:
    """Issue 18: one page with 3,000 attachment links downloaded 300 MB."""
    site = BulkSite(links=1, attachments=300, file_bytes=10_000)
    urls = tmp_path / "urls.txt"
    with serve_app(bulk_app(site)) as base:
        urls.write_text(f"{base}/bulk/doc-0.html\n", "utf-8")
        options = fast(download_attachments=True, max_attachments_per_page=40, max_attachment_bytes_per_page=150_000)
        report = run_crawl(urls, tmp_path / "crawl", options=options)
    assert site.files_sent() == report.attachments_downloaded == 15  # 150,000 bytes of 10,000-byte files
    entries = _sidecar_entries(tmp_path / "crawl")
    assert len(entries) == 300
    reasons = {entry.get("skipped") for entry in entries if not entry["path"]}
    assert reasons == {"over --max-attachment-mb-per-page=0.143051", "over --max-attachments-per-page=40"}
    capped = " ".join(failure.reason for failure in report.capped)
    assert "--max-attachments-per-page=40" in capped and "--max-attachment-mb-per-page" in capped
    assert "260 of 300 attachments" in capped


def test_a_crawl_downloads_at_most_its_caps_over_all_its_runs(tmp_path: Path) -> None:
    site = BulkSite(links=4, attachments=10, file_bytes=5_000)
    urls = tmp_path / "urls.txt"
    with serve_app(bulk_app(site)) as base:
        urls.write_text("".join(f"{base}/bulk/doc-{n}.html\n" for n in range(4)), "utf-8")
        options = fast(download_attachments=True, max_attachments=25, concurrency=1)
        first = run_crawl(urls, tmp_path / "crawl", options=CrawlOptions(**{**vars(options), "max_pages": 2}))
        assert first.attachments_downloaded == 20 and not first.finished
        second = run_crawl(urls, tmp_path / "crawl", options=options)
    assert second.resumed and second.finished
    assert second.attachments_downloaded == 5  # the crawl's cap counts the first run's 20
    assert site.files_sent() == 25
    assert "over --max-attachments=25 (this crawl)" in " ".join(f.reason for f in second.capped)


def test_a_crawl_past_its_byte_cap_stops_downloading(tmp_path: Path) -> None:
    site = BulkSite(links=3, attachments=10, file_bytes=100_000)
    urls = tmp_path / "urls.txt"
    with serve_app(bulk_app(site)) as base:
        urls.write_text("".join(f"{base}/bulk/doc-{n}.html\n" for n in range(3)), "utf-8")
        options = fast(download_attachments=True, max_attachment_bytes_total=int(1.5 * MB))
        report = run_crawl(urls, tmp_path / "crawl", options=options)
    assert report.attachments_downloaded == 15 and site.files_sent() == 16  # the 16th is cut off: no more asked for
    assert sum(entry["size"] or 0 for entry in _sidecar_entries(tmp_path / "crawl")) <= 1.5 * MB


def test_the_state_is_not_rewritten_after_each_page_and_a_stopped_crawl_resumes(tmp_path: Path) -> None:
    """Issue 18: the state file was rewritten whole after every page (a 100k-link list page ran 18× slower)."""
    site = BulkSite(links=1000)
    crawl_dir = tmp_path / "crawl"
    seen_files: set[tuple[int, int]] = set()
    with serve_app(bulk_app(site)) as base:
        start = f"{base}/bulk/list.html"
        path = state_path(crawl_dir, start_key(start))

        def after_page(done: int, known: int) -> None:
            stat = path.stat()
            seen_files.add((stat.st_dev, stat.st_ino))

        first = run_crawl(start, crawl_dir, options=fast(max_pages=40, progress=after_page))
        assert not first.finished and first.remaining == 1000 - 39
        second = run_crawl(start, crawl_dir, options=fast(max_pages=40))
    assert len(seen_files) == 1, "the state file was replaced after a page, not updated in place"
    assert second.resumed and second.remaining == 1000 - 79
    detail_hits = [n for p, n in site.hits.items() if p.startswith("/bulk/doc-")]
    assert len(detail_hits) == 79 and set(detail_hits) == {1}  # no page fetched twice
    assert site.hits["/bulk/list.html"] == 1
