"""A polite crawl run: from a list page, a sitemap or a file of URLs to the raw pages in a crawl folder.

The run queues what list pages and sitemaps link to, stores detail pages raw (so they can be re-parsed
whenever the HTML reader improves) with their attachments when asked, and keeps its state so a stopped
crawl resumes. It never leaves the hosts it started on, obeys robots.txt, and paces itself per host.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from index.crawl import folder
from index.crawl.downloads import Downloads
from index.crawl.fetch import Fetched, Fetcher, FetchFailed
from index.crawl.folder import StoredPage, host_folder, write_json
from index.crawl.links import header_charset, page_anchors, sitemap_locations
from index.crawl.report import CrawlOptions, CrawlReport, Failure, utc_now
from index.crawl.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsDisallowed, RobotsRules
from index.crawl.state import CrawlState, read_url_file, start_key
from index.crawl.urls import (
    Scope,
    UnsupportedURL,
    absolute_url,
    check_crawlable,
    is_list_page,
    is_next_link,
    looks_like_detail,
)

__all__ = ["CrawlOptions", "CrawlReport", "Crawler", "Failure", "crawl", "run_crawl"]  # the crawl's public face

logger = logging.getLogger(__name__)


class Crawler:
    """One crawl run. Use :func:`crawl` or :func:`run_crawl`; the class is public for its report.

    ``start`` is a URL (a list page or a sitemap) or the :class:`~pathlib.Path` of a file of URLs.
    Raises :class:`~index.crawl.urls.UnsupportedURL` for a start URL it cannot fetch.
    """

    def __init__(self, start: str | Path, crawl_dir: Path, options: CrawlOptions) -> None:
        self.url_file = start if isinstance(start, Path) else None
        self.start = str(start) if isinstance(start, Path) else check_crawlable(start)
        self.crawl_dir = Path(crawl_dir)
        self.options = options
        self.report = CrawlReport(start=self.start)
        self._key = start_key(start)
        self._detail_re = re.compile(options.detail_pattern) if options.detail_pattern else None
        self._state = CrawlState(None, self._key)  # in memory until run() opens the saved one
        self._listed = self._read_url_file(self.url_file) if self.url_file else []
        self._scope = Scope.of(self._listed if self.url_file else [self.start])
        self._robots = RobotsCache(options.user_agent, self._load_robots)
        self._downloads = Downloads(self._fetch, options, self.report)
        self._hosts: set[str] = set()
        self._started_at = utc_now()
        self._done_this_run = 0

    @property
    def state_path(self) -> Path:
        return folder.state_path(self.crawl_dir, self._key)

    # -- the run --

    async def run(self) -> CrawlReport:
        self.report.cleaned = folder.clean_leftovers(self.crawl_dir)
        self._state.close()  # the placeholder
        self._state = self._initial_state()
        self._downloads.begin(self._state)
        fetcher = Fetcher(self.options.politeness, self.options.user_agent, self._robots.crawl_delay)
        try:
            async with fetcher:
                self._fetcher = fetcher
                await self._drain()
        except asyncio.CancelledError:
            self.report.interrupted = True
            raise
        finally:
            self._close_run()
            self._state.close()
        return self.report

    def _initial_state(self) -> CrawlState:
        state, resumed = CrawlState.resume(self.state_path, self._key, restart=self.options.restart)
        if resumed:
            self.report.resumed = True
            return state
        if self.url_file is not None:
            for url in self._listed:
                state.add(url, "detail")
        else:
            state.add(self.start, "start")
            state.list_pages = 1
            # A re-crawl asks again for every page stored before (a 304 when unchanged), so a page its list no
            # longer links to is still checked, and found gone (index.history: withdrawals).
            for url in folder.stored_page_urls(self.crawl_dir / host_folder(self.start)):
                if self._scope.allows(url):
                    state.add(url, "detail")
        state.save()
        return state

    def _read_url_file(self, path: Path) -> list[str]:
        """The URL file's crawlable URLs; each other line is reported as failed, with why."""
        urls = []
        for line in read_url_file(path):
            try:
                urls.append(check_crawlable(line))
            except UnsupportedURL as exc:
                self.report.failed.append(Failure(line, str(exc)))
        return urls

    async def _drain(self) -> None:
        """Visit the frontier, ``concurrency`` pages at a time, until it is empty or the budget is spent."""
        running: dict[asyncio.Task[None], str] = {}
        dispatched = 0
        try:
            while True:
                while len(running) < self.options.concurrency and self._within_budget(dispatched):
                    batch = self._state.pending(1, set(running.values()))
                    if not batch:
                        break
                    url, kind = batch[0]
                    running[asyncio.create_task(self._visit(url, kind))] = url
                    dispatched += 1
                if not running:
                    return
                finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in finished:
                    running.pop(task)
                    task.result()
        finally:
            # Ctrl-C: what was in flight stays in the frontier and is fetched again on resume.
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def _within_budget(self, dispatched: int) -> bool:
        return self.options.max_pages is None or dispatched < self.options.max_pages

    def _close_run(self) -> None:
        self.report.remaining = self._state.remaining()
        self._state.finished = self.report.remaining == 0
        self.report.finished = self._state.finished
        self._save_state()
        if self.url_file is None:
            self._hosts.add(host_folder(self.start))
        for host in self._hosts:
            self._write_marker(host)

    def _save_state(self) -> None:
        self._state.save()

    def _write_marker(self, host: str) -> None:
        host_dir = self.crawl_dir / host
        pages = host_dir / folder.PAGES
        write_json(
            folder.marker_path(host_dir),
            {
                "kind": folder.MARKER_KIND,
                "host": host,
                "start": self.start,
                "started_at": self._started_at,
                "updated_at": utc_now(),
                "resumed": self.report.resumed,
                "finished": self.report.finished,
                "settings": self.options.describe(),
                "counts": self.report.counts(),
                "pages_on_disk": sum(1 for _ in pages.glob(f"*{folder.PAGE_SUFFIX}")) if pages.is_dir() else 0,
            },
        )

    # -- visiting one URL --

    async def _visit(self, url: str, kind: str) -> None:
        """Fetch and handle one frontier URL; every failure is reported, none escapes."""
        try:
            if kind == "detail":
                await self._visit_detail(url)
            else:
                await self._visit_listing(url, kind)
        except RobotsDisallowed as exc:
            self.report.skipped_by_robots.append(exc.url)
        except FetchFailed as exc:
            self.report.failed.append(Failure(url, exc.reason))
        except Exception as exc:  # a bug or a full disk must not end a long crawl
            logger.exception("crawling %s failed", url)
            self.report.failed.append(Failure(url, f"error: {type(exc).__name__}: {exc}"))
        self._state.complete(url)
        self._save_state()
        self._done_this_run += 1
        if self.options.progress:
            self.options.progress(self._done_this_run, self._done_this_run + self._state.remaining())

    async def _visit_listing(self, url: str, kind: str) -> None:
        """A start URL, list page or sitemap: queue what it links to."""
        fetched = await self._fetch(url)
        if fetched.status != 200:
            raise FetchFailed(f"HTTP {fetched.status}")
        self.report.fetched += 1
        sitemap = sitemap_locations(fetched.body) if kind in ("start", "sitemap") else None
        if sitemap:
            self._queue_sitemap(fetched.final_url, *sitemap)
        elif kind == "sitemap":
            raise FetchFailed("not a sitemap")
        else:
            self.report.list_pages += 1
            self._queue_list_links(fetched)

    def _queue_sitemap(self, sitemap_url: str, kind: str, locations: list[str]) -> None:
        for location in locations:
            url = absolute_url(sitemap_url, location)
            if url is None or not self._scope.allows(url):
                continue  # the sitemap protocol allows only the sitemap's own host
            if kind == "sitemapindex":
                self._state.add(url, "sitemap")
            elif looks_like_detail(url, self._scope, self._detail_re):
                self._state.add(url, "detail")

    def _queue_list_links(self, fetched: Fetched) -> None:
        encoding = header_charset(fetched.headers.get("content-type"))
        list_urls = (self.start, fetched.url, fetched.final_url)
        for anchor in page_anchors(fetched.body, fetched.final_url, encoding):
            if not self._scope.allows(anchor.url):
                continue
            if is_next_link(anchor.text) or any(is_list_page(anchor.url, page) for page in list_urls):
                self._queue_list_page(anchor.url)
            elif looks_like_detail(anchor.url, self._scope, self._detail_re):
                self._state.add(anchor.url, "detail")

    def _queue_list_page(self, url: str) -> None:
        if self._state.list_pages >= self.options.max_list_pages:
            return
        if self._state.add(url, "list"):
            self._state.list_pages += 1

    async def _visit_detail(self, url: str) -> None:
        page = StoredPage.of(self.crawl_dir, url)
        previous = page.meta()
        fetched = await self._fetch(url, headers=conditional_headers(previous))
        self._hosts.add(host_folder(url))
        if fetched.status == 304 and previous is not None:
            self.report.not_modified += 1
            await self._revalidated(page, previous)
            return
        gone = withdrawal(url, fetched)
        if gone and previous is not None:
            # The stored page stays, as last received; its sidecar says when and how it was found gone.
            write_json(page.sidecar, {**previous, "gone": {"how": gone, "status": fetched.status, "at": utc_now()}})
            self.report.gone.append(url)
            return
        if fetched.status != 200:
            raise FetchFailed(f"HTTP {fetched.status}")
        content_type = fetched.headers.get("content-type", "")
        if content_type and "html" not in content_type.lower():
            raise FetchFailed(f"not an HTML page ({content_type})")
        self.report.fetched += 1
        attachments = await self._downloads.for_page(fetched, page.host_dir, previous)
        page.save(fetched.body, page_sidecar(fetched, attachments))
        self.report.pages_stored += 1
        if fetched.final_url != url:
            self._state.alias(fetched.final_url)  # fetched already, under this URL (unless it is queued itself)

    async def _revalidated(self, page: StoredPage, previous: dict[str, Any]) -> None:
        """The stored page stands; its attachments are fetched now if this crawl wants them and they are missing."""
        meta = {**previous, "checked_at": utc_now()}
        if self.options.download_attachments:
            headers = httpx.Headers({"content-type": previous.get("content_type") or ""})
            final_url = previous.get("final_url") or page.url
            stored = Fetched(page.url, final_url, 200, headers, page.html.read_bytes())
            meta["attachments"] = await self._downloads.for_page(stored, page.host_dir, previous)
        write_json(page.sidecar, meta)

    # -- HTTP: every hop stays in scope and obeys robots.txt --

    async def _fetch(self, url: str, *, headers: dict[str, str] | None = None, limit: int | None = None) -> Fetched:
        kwargs = {"limit": limit} if limit is not None else {}
        return await self._fetcher.fetch(url, check=self._check_hop, headers=headers, **kwargs)

    async def _check_hop(self, url: str) -> None:
        self._check_scope(url)
        if not await self._robots.allows(url):
            raise RobotsDisallowed(url)

    def _check_scope(self, url: str) -> None:
        # Links are filtered when queued; this catches redirects, which could point anywhere (another
        # host, or this host's loopback address spelt as 2130706433).
        if not self._scope.allows(url):
            raise FetchFailed(f"redirected off the crawled hosts, to {url[:200]}")

    async def _check_scope_only(self, url: str) -> None:
        self._check_scope(url)

    async def _load_robots(self, robots_url: str) -> RobotsRules:
        """robots.txt as RFC 9309 reads it: 4xx means no rules, unreachable means stay out."""
        try:
            fetched = await self._fetcher.fetch(robots_url, check=self._check_scope_only, limit=MAX_ROBOTS_BYTES)
        except FetchFailed as exc:
            self.report.failed.append(Failure(robots_url, f"{exc.reason}; the host is skipped"))
            return RobotsRules.from_response(None)
        return RobotsRules.from_response(fetched.status, fetched.body)


HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html"})


def withdrawal(url: str, fetched: Fetched) -> str:
    """How a fetch says a page was withdrawn (an index.history.HOW_NOTICED code), or '' when it does not:
    404 or 410, or a redirect from a page to the site's home page."""
    if fetched.status in (404, 410):
        return f"http_{fetched.status}"
    if fetched.status == 200 and fetched.final_url != url:
        if urlsplit(fetched.final_url).path in HOME_PATHS and urlsplit(url).path not in HOME_PATHS:
            return "redirect_home"
    return ""


def conditional_headers(meta: dict[str, Any] | None) -> dict[str, str]:
    """If-None-Match and If-Modified-Since from a stored page's sidecar, so an unchanged page costs a 304."""
    headers = {}
    if meta and meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta and meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    return headers


def page_sidecar(fetched: Fetched, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    content_type = fetched.headers.get("content-type")
    return {
        "url": fetched.url,
        "final_url": fetched.final_url,
        "fetched_at": utc_now(),
        "status": fetched.status,
        "etag": fetched.headers.get("etag"),
        "last_modified": fetched.headers.get("last-modified"),
        "content_type": content_type,
        "encoding": header_charset(content_type),
        "size": len(fetched.body),
        "attachments": attachments,
    }


# --- entry points ----------------------------------------------------------------------------------


async def crawl(start: str | Path, crawl_dir: Path, *, options: CrawlOptions) -> CrawlReport:
    """Crawl from ``start`` (a list page or sitemap URL, or the Path of a file of URLs) into ``crawl_dir``."""
    return await Crawler(start, crawl_dir, options).run()


def run_crawl(start: str | Path, crawl_dir: Path, *, options: CrawlOptions | None = None) -> CrawlReport:
    """:func:`crawl` for synchronous callers; Ctrl-C saves the state and returns the partial report.

    Raises :class:`~index.crawl.urls.UnsupportedURL` for a start URL the crawler cannot fetch and
    :class:`~index.crawl.state.CrawlError` for a URL file it cannot read.
    """
    crawler = Crawler(start, Path(crawl_dir), options or CrawlOptions())
    try:
        return asyncio.run(crawler.run())
    except KeyboardInterrupt:
        crawler.report.interrupted = True
        return crawler.report
