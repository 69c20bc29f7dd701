"""A polite crawler for disclosure sites: a list page, a sitemap or a file of URLs in, raw pages out.

The crawl folder is what ``portal ingest`` reads (through :mod:`index.readers.crawled`)::

    <crawl_dir>/<host>/pages/<sha1(url)[:16]>.html   the page's bytes exactly as received
    <crawl_dir>/<host>/pages/<sha1(url)[:16]>.json   sidecar: url, final_url, fetched_at, etag, …
    <crawl_dir>/<host>/attachments/<sha1(url)[:16]>.<ext>
    <crawl_dir>/<host>/CRAWL.json                    what the last crawl into this folder did
    <crawl_dir>/.state/<sha1(start)[:16]>.json       frontier and done set, for resuming

Pages are kept raw so they can be re-parsed whenever the HTML reader improves.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import mimetypes
import os
import re
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import lxml.etree
import lxml.html

from index.attachments import kind_of
from index.htmltext import ATTACHMENT_KINDS, attachment_links, decode_html, parse_tree
from index.readers import ReadError

__all__ = ["CrawlOptions", "CrawlReport", "Crawler", "Failure", "crawl", "run_crawl"]

logger = logging.getLogger(__name__)

BOT_NAME = "DisclosurePortalBot/0.1"
MB = 1024 * 1024
# Never detail pages: styles, scripts, media, and the attachments (fetched separately when asked).
ASSET_EXTENSIONS = ATTACHMENT_KINDS | {
    "css", "js", "json", "xml", "png", "jpg", "jpeg", "gif", "bmp", "ico", "svg", "webp", "tif", "tiff",
    "woff", "woff2", "ttf", "eot", "mp3", "mp4", "avi", "flv", "wmv", "swf", "ppt", "pptx", "7z", "gz", "et",
}  # fmt: skip
NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "next", "next page", "›", "»", ">", ">>"})
LIST_STEM = re.compile(r"^(index|default|list)([_-]\d+)?$", re.IGNORECASE)
PAGE_PARAMS = frozenset({"page", "p", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_PAGE_BYTES = 10 * MB
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay is honoured up to this

ProgressFn = Callable[[int, int], None]  # (pages done this run, pages known so far)


@dataclass
class CrawlOptions:
    """The crawler's knobs; the defaults are polite enough for a government site."""

    max_pages: int | None = None  # pages requested in this run before stopping (resumable); None: all
    max_list_pages: int = 200  # how far list pagination is followed
    concurrency: int = 4
    delay: float = 0.5  # seconds between two requests to one host
    timeout: float = 15.0
    retries: int = 2  # tries after the first failed one (so 3 tries in all)
    backoff: float = 1.0  # wait before the first retry, doubled for each next one
    max_retry_after: float = 120.0  # longest Retry-After honoured
    download_attachments: bool = False
    max_attachment_bytes: int = 20 * MB
    detail_pattern: str | None = None  # regex a detail page URL must match
    restart: bool = False  # forget a saved frontier and start over
    contact_url: str = ""  # put in the User-Agent so site owners can reach us
    progress: ProgressFn | None = field(default=None, repr=False, compare=False)

    @property
    def user_agent(self) -> str:
        return f"{BOT_NAME} (+{self.contact_url})" if self.contact_url else BOT_NAME

    def describe(self) -> dict[str, Any]:
        """The settings as plain data, for CRAWL.json."""
        settings = asdict(self)
        settings.pop("progress")
        settings["user_agent"] = self.user_agent
        return settings


@dataclass(frozen=True)
class Failure:
    url: str
    reason: str  # "timeout after 15 s", "HTTP 500", "too large (over 20 MB)", …


@dataclass
class CrawlReport:
    """What one run did. Counts are for this run only; a resumed crawl starts from zero."""

    start: str
    fetched: int = 0  # responses received in full (list pages, sitemaps and detail pages)
    not_modified: int = 0  # stored pages the server said were unchanged (304)
    pages_stored: int = 0  # detail pages written to the crawl folder
    list_pages: int = 0
    attachments_downloaded: int = 0
    failed: list[Failure] = field(default_factory=list)
    skipped_by_robots: list[str] = field(default_factory=list)
    resumed: bool = False
    finished: bool = False  # False when stopped by max_pages or Ctrl-C: run again to resume
    interrupted: bool = False
    remaining: int = 0  # URLs still in the frontier

    def counts(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "pages_stored": self.pages_stored,
            "list_pages": self.list_pages,
            "attachments_downloaded": self.attachments_downloaded,
            "failed": len(self.failed),
            "skipped_by_robots": len(self.skipped_by_robots),
            "remaining": self.remaining,
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- errors ----------------------------------------------------------------------------------------


class FetchFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(FetchFailed):
    pass


class RobotsDisallowed(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


# --- URLs and links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    url: str
    text: str


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; None for links that are not pages."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    url = urldefrag(urljoin(base, href)).url
    return url if urlsplit(url).scheme in ("http", "https") else None


def host_folder(url: str) -> str:
    """The folder a URL's pages are stored under: its host, with the port kept but made path-safe."""
    return urlsplit(url).netloc.lower().replace(":", "_")


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_site(url: str, other: str) -> bool:
    """Same host name (scheme and port aside: sites move between http and https)."""
    return urlsplit(url).hostname == urlsplit(other).hostname


def is_list_page(url: str, list_url: str) -> bool:
    """Whether ``url`` is another page of the list at ``list_url`` (index_2.html, ?page=3, …)."""
    a, b = urlsplit(url), urlsplit(list_url)
    if a.netloc != b.netloc:
        return False
    if a.path == b.path:
        return _only_page_params_differ(a.query, b.query)
    return _same_list_file(PurePosixPath(a.path or "/"), b.path or "/")


def _only_page_params_differ(query: str, list_query: str) -> bool:
    mine, theirs = dict(parse_qsl(query)), dict(parse_qsl(list_query))
    differing = {key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)}
    return all(key.lower() in PAGE_PARAMS and mine.get(key, "0").isdigit() for key in differing)


def _same_list_file(path: PurePosixPath, list_path: str) -> bool:
    # "/xxgk/" lists are served as /xxgk/index.html and paged as /xxgk/index_1.html.
    directory, stem = (list_path, "index") if list_path.endswith("/") else _split_list_path(list_path)
    if str(path.parent).rstrip("/") != directory.rstrip("/"):
        return False
    base = re.sub(r"[_-]\d+$", "", stem)
    return re.fullmatch(rf"{re.escape(base)}([_-]\d+)?", path.stem, re.IGNORECASE) is not None


def _split_list_path(list_path: str) -> tuple[str, str]:
    pure = PurePosixPath(list_path)
    return str(pure.parent), pure.stem


def looks_like_detail(url: str, site_url: str, pattern: re.Pattern[str] | None = None) -> bool:
    """A same-site link that is neither a section index nor an asset (and matches ``pattern``)."""
    if not same_site(url, site_url) or kind_of(url) in ASSET_EXTENSIONS or is_section_index(url):
        return False
    return pattern is None or pattern.search(url) is not None


def is_section_index(url: str) -> bool:
    """A site's or column's front page (/, /xxgk/, index_2.html), not a document.

    ``index.php?id=12`` is a document: a query naming more than a page number picks one out.
    """
    parts = urlsplit(url)
    if any(key.lower() not in PAGE_PARAMS for key, _ in parse_qsl(parts.query)):
        return False
    path = parts.path
    return path in ("", "/") or path.endswith("/") or LIST_STEM.match(PurePosixPath(path).stem) is not None


def is_next_link(anchor: Anchor) -> bool:
    return anchor.text.strip().lower() in NEXT_TEXTS


# --- HTML and sitemaps -----------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header names, lower-cased, or None."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1).lower() if match else None


def page_anchors(body: bytes, base_url: str, encoding: str | None = None) -> list[Anchor]:
    """Every <a href> in a page, made absolute (honouring <base href>), with its text."""
    try:
        doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", decode_html(body, encoding)))
    except (lxml.etree.ParserError, ValueError):
        return []
    bases = doc.xpath("//base/@href")
    base = urljoin(base_url, bases[0]) if bases else base_url
    anchors = []
    for element in doc.iter("a"):
        url = absolute_url(base, element.get("href") or "")
        if url:
            text = " ".join(element.text_content().split()) or (element.get("title") or "").strip()
            anchors.append(Anchor(url, text))
    return anchors


def sitemap_locations(body: bytes) -> tuple[str, list[str]] | None:
    """("urlset" | "sitemapindex", the <loc> URLs), or None when ``body`` is not a sitemap."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith(b"<"):
        return None
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return None
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return None
    return kind, [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]


def _gunzip(body: bytes) -> bytes:
    # Bounded, so a gzip bomb cannot fill memory.
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, 50 * MB)
    except zlib.error:
        return b""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- storage ---------------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class StoredPage:
    """A detail page's place in the crawl folder."""

    host_dir: Path
    url: str

    @property
    def html(self) -> Path:
        return self.host_dir / "pages" / f"{url_key(self.url)}.html"

    @property
    def sidecar(self) -> Path:
        return self.html.with_suffix(".json")

    def meta(self) -> dict[str, Any] | None:
        """The stored sidecar, when the page itself is stored too."""
        return read_json(self.sidecar) if self.html.exists() else None

    def save(self, body: bytes, meta: dict[str, Any]) -> None:
        write_atomic(self.html, body)
        write_json(self.sidecar, meta)


def conditional_headers(meta: dict[str, Any] | None) -> dict[str, str]:
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


def _attachment_suffix(url: str, content_type: str | None) -> str:
    extension = kind_of(url)
    if re.fullmatch(r"[a-z0-9]{1,5}", extension):
        return extension
    guessed = mimetypes.guess_extension((content_type or "").split(";")[0].strip())
    return guessed.lstrip(".") if guessed else "bin"


# --- crawl state -----------------------------------------------------------------------------------


@dataclass
class CrawlState:
    """Frontier and done set, saved after every page so a stopped crawl resumes where it was."""

    start: str
    frontier: dict[str, str] = field(default_factory=dict)  # url → kind, in crawl order
    done: dict[str, str] = field(default_factory=dict)  # url → kind
    list_pages: int = 0  # list pages queued, bounded by max_list_pages
    finished: bool = False

    def add(self, url: str, kind: str) -> bool:
        """Queue ``url`` unless already seen; True if it was new."""
        if url in self.frontier or url in self.done:
            return False
        self.frontier[url] = kind
        return True

    def complete(self, url: str) -> None:
        self.done[url] = self.frontier.pop(url, "detail")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "crawl-state", "version": 1, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlState | None:
        if data.get("kind") != "crawl-state" or data.get("version") != 1:
            return None
        return cls(
            start=data["start"],
            frontier=dict(data.get("frontier", {})),
            done=dict(data.get("done", {})),
            list_pages=int(data.get("list_pages", 0)),
            finished=bool(data.get("finished")),
        )


def start_key(start: str) -> str:
    """What identifies a crawl: the start URL, or the resolved path of a URL file."""
    if start.startswith(("http://", "https://")):
        return start.strip()
    return "file:" + str(Path(start).expanduser().resolve())


def read_url_file(path: Path) -> list[str]:
    """URLs from a file, one a line; blank lines and ``#`` comments ignored."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


# --- fetching --------------------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes


_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _transport_reason(exc: Exception, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout after {timeout:g} s"
    return f"connection error ({type(exc).__name__}: {exc})" if str(exc) else f"connection error ({exc!r})"


class Crawler:
    """One crawl run. Use :func:`crawl` or :func:`run_crawl`; the class is public for its report."""

    def __init__(self, start: str, crawl_dir: Path, options: CrawlOptions) -> None:
        self.start = start.strip()
        self.crawl_dir = Path(crawl_dir)
        self.options = options
        self.report = CrawlReport(start=self.start)
        self._key = start_key(self.start)
        self._detail_re = re.compile(options.detail_pattern) if options.detail_pattern else None
        self._state = CrawlState(start=self._key)
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._next_request_at: dict[str, float] = {}
        self._attachments: dict[str, asyncio.Task[dict[str, Any]]] = {}
        self._hosts: set[str] = set()
        self._started_at = utc_now()
        self._done_this_run = 0

    @property
    def state_path(self) -> Path:
        return self.crawl_dir / ".state" / f"{url_key(self._key)}.json"

    # -- the run --

    async def run(self) -> CrawlReport:
        self._state = self._initial_state()
        self._slot = asyncio.Semaphore(max(1, self.options.concurrency))
        headers = {
            "User-Agent": self.options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
        }
        timeout = httpx.Timeout(self.options.timeout)
        try:
            async with httpx.AsyncClient(headers=headers, timeout=timeout, follow_redirects=False) as client:
                self._client = client
                await self._drain()
        except asyncio.CancelledError:
            self.report.interrupted = True
            raise
        finally:
            self._close_run()
        return self.report

    def _initial_state(self) -> CrawlState:
        if self.options.restart:
            self.state_path.unlink(missing_ok=True)
        saved = read_json(self.state_path)
        state = CrawlState.from_dict(saved) if saved else None
        if state and state.start == self._key and not state.finished:
            self.report.resumed = True
            return state
        state = CrawlState(start=self._key)
        if self._key.startswith("file:"):
            for url in read_url_file(Path(self._key.removeprefix("file:"))):
                state.add(url, "detail")
        else:
            state.add(self.start, "start")
            state.list_pages = 1
        return state

    async def _drain(self) -> None:
        """Visit the frontier, ``concurrency`` pages at a time, until it is empty or the budget is spent."""
        running: dict[asyncio.Task[None], str] = {}
        dispatched = 0
        try:
            while True:
                while len(running) < self.options.concurrency and self._within_budget(dispatched):
                    url = next((u for u in self._state.frontier if u not in running.values()), None)
                    if url is None:
                        break
                    running[asyncio.create_task(self._visit(url, self._state.frontier[url]))] = url
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
        self._state.finished = not self._state.frontier
        self.report.finished = self._state.finished
        self.report.remaining = len(self._state.frontier)
        self._save_state()
        if self._key.startswith(("http://", "https://")):
            self._hosts.add(host_folder(self.start))
        for host in self._hosts:
            self._write_marker(host)

    def _save_state(self) -> None:
        write_json(self.state_path, self._state.to_dict())

    def _write_marker(self, host: str) -> None:
        host_dir = self.crawl_dir / host
        pages = host_dir / "pages"
        write_json(
            host_dir / "CRAWL.json",
            {
                "kind": "crawl",
                "host": host,
                "start": self.start,
                "started_at": self._started_at,
                "updated_at": utc_now(),
                "resumed": self.report.resumed,
                "finished": self.report.finished,
                "settings": self.options.describe(),
                "counts": self.report.counts(),
                "pages_on_disk": sum(1 for _ in pages.glob("*.html")) if pages.is_dir() else 0,
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
            self.options.progress(self._done_this_run, self._done_this_run + len(self._state.frontier))

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
            if url is None or not same_site(url, sitemap_url):
                continue  # the sitemap protocol allows only the sitemap's own host
            if kind == "sitemapindex":
                self._state.add(url, "sitemap")
            elif looks_like_detail(url, sitemap_url, self._detail_re):
                self._state.add(url, "detail")

    def _queue_list_links(self, fetched: Fetched) -> None:
        encoding = header_charset(fetched.headers.get("content-type"))
        list_urls = (self.start, fetched.url, fetched.final_url)
        for anchor in page_anchors(fetched.body, fetched.final_url, encoding):
            if not same_site(anchor.url, fetched.final_url):
                continue
            if is_next_link(anchor) or any(is_list_page(anchor.url, page) for page in list_urls):
                self._queue_list_page(anchor.url)
            elif looks_like_detail(anchor.url, fetched.final_url, self._detail_re):
                self._state.add(anchor.url, "detail")

    def _queue_list_page(self, url: str) -> None:
        if self._state.list_pages >= self.options.max_list_pages:
            return
        if self._state.add(url, "list"):
            self._state.list_pages += 1

    async def _visit_detail(self, url: str) -> None:
        page = StoredPage(self.crawl_dir / host_folder(url), url)
        previous = page.meta()
        fetched = await self._fetch(url, headers=conditional_headers(previous))
        self._hosts.add(host_folder(url))
        if fetched.status == 304 and previous is not None:
            self.report.not_modified += 1
            await self._revalidated(page, previous)
            return
        if fetched.status != 200:
            raise FetchFailed(f"HTTP {fetched.status}")
        content_type = fetched.headers.get("content-type", "")
        if content_type and "html" not in content_type.lower():
            raise FetchFailed(f"not an HTML page ({content_type})")
        self.report.fetched += 1
        attachments = await self._page_attachments(fetched, page.host_dir, previous)
        page.save(fetched.body, page_sidecar(fetched, attachments))
        self.report.pages_stored += 1
        if fetched.final_url != url and fetched.final_url not in self._state.frontier:
            self._state.done.setdefault(fetched.final_url, "alias")  # fetched already, under this URL

    async def _revalidated(self, page: StoredPage, previous: dict[str, Any]) -> None:
        """The stored page stands; its attachments are fetched now if this crawl wants them and they are missing."""
        meta = {**previous, "checked_at": utc_now()}
        if self.options.download_attachments:
            headers = httpx.Headers({"content-type": previous.get("content_type") or ""})
            final_url = previous.get("final_url") or page.url
            stored = Fetched(page.url, final_url, 200, headers, page.html.read_bytes())
            meta["attachments"] = await self._page_attachments(stored, page.host_dir, previous)
        write_json(page.sidecar, meta)

    # -- attachments --

    async def _page_attachments(
        self, fetched: Fetched, host_dir: Path, previous: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        """Sidecar entries for the page's attachments: downloaded (or skipped, with why) when asked for.

        Without ``download_attachments`` the entries an earlier crawl downloaded are kept.
        """
        earlier = {entry["url"]: entry for entry in (previous or {}).get("attachments", [])}
        links = _attachment_links(fetched, header_charset(fetched.headers.get("content-type")))
        if not self.options.download_attachments:
            return [earlier[link.url] for link in links if earlier.get(link.url, {}).get("path")]
        tasks = [self._attachment(link, host_dir, earlier.get(link.url)) for link in links]
        return list(await asyncio.gather(*tasks))

    def _attachment(
        self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None
    ) -> asyncio.Task[dict[str, Any]]:
        """One download per attachment URL per run, however many pages link to it."""
        if anchor.url not in self._attachments:
            coroutine = self._download_attachment(anchor, host_dir, earlier)
            self._attachments[anchor.url] = asyncio.ensure_future(coroutine)
        return self._attachments[anchor.url]

    async def _download_attachment(
        self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "url": anchor.url,
            "name": anchor.text or _file_name(anchor.url),
            "path": None,
            "size": None,
            "content_type": None,
        }
        if earlier and self._still_good(earlier, host_dir):
            return {**earlier, "name": entry["name"]}
        limit = self.options.max_attachment_bytes
        try:
            fetched = await self._fetch(anchor.url, limit=limit)
            if fetched.status != 200:
                raise FetchFailed(f"HTTP {fetched.status}")
        except RobotsDisallowed as exc:
            self.report.skipped_by_robots.append(exc.url)
            return {**entry, "skipped": "disallowed by robots.txt"}
        except TooLarge as exc:
            self.report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason, "over_bytes": limit}
        except FetchFailed as exc:
            self.report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason}
        content_type = fetched.headers.get("content-type")
        relative = f"attachments/{url_key(anchor.url)}.{_attachment_suffix(fetched.final_url, content_type)}"
        write_atomic(host_dir / relative, fetched.body)
        self.report.attachments_downloaded += 1
        return {**entry, "path": relative, "size": len(fetched.body), "content_type": content_type}

    def _still_good(self, earlier: dict[str, Any], host_dir: Path) -> bool:
        """An earlier crawl's download still on disk, or a file known to be over today's limit too."""
        if earlier.get("path"):
            return (host_dir / earlier["path"]).is_file()  # attachments are published once, rarely changed
        return int(earlier.get("over_bytes") or 0) >= self.options.max_attachment_bytes

    # -- HTTP: redirects, robots.txt, retries, rate limit --

    async def _fetch(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        limit: int = MAX_PAGE_BYTES,
        obey_robots: bool = True,
    ) -> Fetched:
        """GET ``url``, following redirects by hand so every hop is checked against robots.txt."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if obey_robots and not await self._allowed(current):
                raise RobotsDisallowed(current)
            status, got, body = await self._get(current, headers or {}, limit)
            location = got.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return Fetched(url, current, status, got, body)
            current = absolute_url(current, location) or current
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    async def _get(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, httpx.Headers, bytes]:
        """One GET with retries: connection errors, timeouts, 5xx and 429 are tried again."""
        tries = self.options.retries + 1
        for attempt in range(tries):
            last = attempt == tries - 1
            try:
                status, got, body = await self._get_once(url, headers, limit)
            except _RETRYABLE as exc:
                if last:
                    raise FetchFailed(_transport_reason(exc, self.options.timeout)) from exc
                await asyncio.sleep(self._backoff(attempt))
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchFailed(f"bad request ({type(exc).__name__}: {exc})") from exc
            if status not in RETRY_STATUSES or last:
                return status, got, body
            await asyncio.sleep(self._retry_wait(attempt, got))
        raise AssertionError("unreachable: the last try returns or raises")

    def _backoff(self, attempt: int) -> float:
        return self.options.backoff * 2**attempt

    def _retry_wait(self, attempt: int, headers: httpx.Headers) -> float:
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None:
            return self._backoff(attempt)
        return min(retry_after, self.options.max_retry_after)

    async def _get_once(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, httpx.Headers, bytes]:
        async with self._slot:
            await self._wait_turn(url)
            async with self._client.stream("GET", url, headers=headers) as response:
                body = await _read_capped(response, limit) if response.status_code == 200 else b""
                return response.status_code, response.headers, body

    async def _wait_turn(self, url: str) -> None:
        """Keep requests to one host at least the host's delay apart."""
        host = urlsplit(url).netloc
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            wait = self._next_request_at.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_request_at[host] = time.monotonic() + self._delay(url)

    def _delay(self, url: str) -> float:
        parser = self._robots.get(_origin(url))
        crawl_delay = parser.crawl_delay(self.options.user_agent) if parser else None
        return max(self.options.delay, min(float(crawl_delay or 0), MAX_CRAWL_DELAY))

    async def _allowed(self, url: str) -> bool:
        origin = _origin(url)
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        return self._robots[origin].can_fetch(self.options.user_agent, url)

    async def _load_robots(self, origin: str) -> RobotFileParser:
        """robots.txt as RFC 9309 reads it: 4xx means no rules, unreachable means stay out."""
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            fetched = await self._fetch(robots_url, limit=MAX_ROBOTS_BYTES, obey_robots=False)
        except FetchFailed as exc:
            fetched = None
            self.report.failed.append(Failure(robots_url, f"{exc.reason}; the host is skipped"))
        if fetched is not None and fetched.status == 200:
            parser.parse(decode_html(fetched.body, "utf-8").splitlines())
        elif fetched is not None and 400 <= fetched.status < 500:
            parser.allow_all = True
        else:
            parser.disallow_all = True
        return parser


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, or TooLarge as soon as it passes ``limit`` bytes (the rest is never downloaded)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(_too_large(limit))
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    if limit >= MB:
        amount = f"{limit / MB:.3g} MB"
    else:
        amount = f"{limit / 1024:.0f} KB" if limit >= 1024 else f"{limit} bytes"
    return f"too large (over {amount})"


def _file_name(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).name or url


def _attachment_links(fetched: Fetched, encoding: str | None) -> Iterable[Anchor]:
    """The page's attachment links, found as the HTML reader finds them (so the two agree on URLs)."""
    try:
        root = parse_tree(decode_html(fetched.body, encoding), fetched.final_url)
    except ReadError:
        return []
    bases = root.xpath("//base/@href")
    base = urljoin(fetched.final_url, bases[0].strip()) if bases else fetched.final_url
    found = ((absolute_url(base, link["url"]), link["name"]) for link in attachment_links(root, base))
    return [Anchor(url, name) for url, name in found if url]


# --- entry points ----------------------------------------------------------------------------------


async def crawl(start: str, crawl_dir: Path, *, options: CrawlOptions) -> CrawlReport:
    """Crawl from ``start`` (a list page or sitemap URL, or a file of URLs) into ``crawl_dir``."""
    return await Crawler(start, crawl_dir, options).run()


def run_crawl(start: str, crawl_dir: Path, *, options: CrawlOptions | None = None) -> CrawlReport:
    """:func:`crawl` for synchronous callers; Ctrl-C saves the state and returns the partial report."""
    crawler = Crawler(start, Path(crawl_dir), options or CrawlOptions())
    try:
        return asyncio.run(crawler.run())
    except KeyboardInterrupt:
        crawler.report.interrupted = True
        return crawler.report
