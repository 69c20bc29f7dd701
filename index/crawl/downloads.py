"""A page's attachments: each URL downloaded once per run under the size limits, or skipped with the reason.

Four caps bound what attachments cost besides the size of each (CrawlOptions): files and bytes per page, and
files and bytes per crawl (over all its runs, kept in the crawl's state). Bytes are reserved before a download
(the most it may take) and what it did not use is given back, so downloads running side by side never go past
a cap together. What is recorded for each becomes an entry of the page's sidecar (url, name, path, size,
content_type, and "skipped" with why when there is no local copy); a cap that left attachments out is reported
once per page (CrawlReport.capped).
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from index.attachments import kind_of
from index.crawl import folder
from index.crawl.fetch import MB, Fetched, FetchFailed, TooLarge
from index.crawl.links import Anchor, attachment_anchors, header_charset
from index.crawl.report import CrawlOptions, CrawlReport, Failure
from index.crawl.robots import RobotsDisallowed
from index.crawl.state import CrawlState
from index.crawl.urls import file_name

FetchFn = Callable[..., Awaitable[Fetched]]  # (url, *, limit) → Fetched, every hop checked


class Downloads:
    """The attachments of one crawl run, shared by every page that links to them."""

    def __init__(self, fetch: FetchFn, options: CrawlOptions, report: CrawlReport) -> None:
        self._fetch = fetch
        self._options = options
        self._report = report
        self._tasks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._state: CrawlState | None = None
        self._files = self._bytes = 0  # downloaded by this crawl, earlier runs included, or reserved now
        self._in_flight = 0  # downloads holding a reservation
        self._bytes_spent = False  # a file was cut by the per-crawl byte cap: it is used up
        self._released = asyncio.Condition()

    def begin(self, state: CrawlState) -> None:
        """Count against the per-crawl caps what the crawl kept in ``state`` downloaded in its earlier runs."""
        self._state = state
        self._files, self._bytes = state.attachments()

    async def for_page(self, fetched: Fetched, host_dir: Path, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
        """Sidecar entries for the page's attachments: downloaded (or skipped, with why) when asked for.

        Without ``download_attachments`` the entries an earlier crawl downloaded are kept.
        """
        earlier = {entry["url"]: entry for entry in (previous or {}).get("attachments", [])}
        encoding = header_charset(fetched.headers.get("content-type"))
        links = attachment_anchors(fetched.body, fetched.final_url, encoding)
        if not self._options.download_attachments:
            return [earlier[link.url] for link in links if earlier.get(link.url, {}).get("path")]
        cap = self._options.max_attachments_per_page
        page = _PageBudget(self._options.max_attachment_bytes_per_page)
        entries = list(
            await asyncio.gather(*(self._once(link, host_dir, earlier.get(link.url), page) for link in links[:cap]))
        )
        for link in links[cap:]:
            kept = earlier.get(link.url)
            if kept and kept.get("path") and (host_dir / kept["path"]).is_file():
                entries.append(kept)
            else:
                entries.append({**_entry(link), "skipped": f"over --max-attachments-per-page={cap}", "capped": True})
        skipped = Counter(entry["skipped"] for entry in entries if entry.get("capped"))
        for reason, count in skipped.items():
            self._report.capped.append(
                Failure(fetched.final_url, f"{count:,} of {len(links):,} attachments not downloaded: {reason}")
            )
        return entries

    def _once(
        self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None, page: _PageBudget
    ) -> asyncio.Future[dict[str, Any]]:
        """One download per attachment URL per run, however many pages link to it."""
        if anchor.url not in self._tasks:
            self._tasks[anchor.url] = asyncio.ensure_future(self._download(anchor, host_dir, earlier, page))
        return self._tasks[anchor.url]

    async def _reserve(self, page: _PageBudget) -> tuple[int, str, str]:
        """(bytes this download may take, "", what bounds them: "file", "crawl" or "page"), or (0, the cap that
        leaves it none, ""). Where a cap is reached only by what downloads in flight reserved, waits for them
        to give back what they did not use."""
        options = self._options
        async with self._released:
            while True:
                waiting_for = self._in_flight  # downloads whose unused reservation could lift the cap
                if self._files >= options.max_attachments:
                    capped = f"over --max-attachments={options.max_attachments:,} (this crawl)"
                elif options.max_attachment_bytes_total - self._bytes <= 0 or self._bytes_spent:
                    total = options.max_attachment_bytes_total / MB
                    capped = f"over --max-attachment-mb-total={total:g} (this crawl)"
                elif page.left <= 0 or page.spent:
                    capped = f"over --max-attachment-mb-per-page={options.max_attachment_bytes_per_page / MB:g}"
                    waiting_for = page.in_flight
                else:
                    crawl_left = options.max_attachment_bytes_total - self._bytes
                    limit, binding = min(
                        (options.max_attachment_bytes, "file"), (crawl_left, "crawl"), (page.left, "page")
                    )
                    page.left -= limit
                    page.in_flight += 1
                    self._files += 1
                    self._bytes += limit
                    self._in_flight += 1
                    return limit, "", binding
                if not waiting_for:
                    return 0, capped, ""
                await self._released.wait()

    async def _release(self, page: _PageBudget, reserved: int, used: int | None, spent: str = "") -> None:
        """Give back what a download reserved and did not use (all of it, and its file, when it failed).
        ``spent`` ("page" or "crawl"): the file was larger than what that cap left it, which is then used up,
        rather than cutting every next file short too."""
        async with self._released:
            page.spent = page.spent or spent == "page"
            self._bytes_spent = self._bytes_spent or spent == "crawl"
            page.left += reserved - (used or 0)
            page.in_flight -= 1
            self._bytes -= reserved - (used or 0)
            self._files -= used is None
            self._in_flight -= 1
            self._released.notify_all()

    async def _download(
        self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None, page: _PageBudget
    ) -> dict[str, Any]:
        entry = _entry(anchor)
        if earlier and self._still_good(earlier, host_dir):
            return {**earlier, "name": entry["name"]}
        limit, capped, binding = await self._reserve(page)
        if capped:
            return {**entry, "skipped": capped, "capped": True}
        used: int | None = None
        spent = ""
        try:
            fetched = await self._fetch(anchor.url, limit=limit)
            if fetched.status != 200:
                raise FetchFailed(f"HTTP {fetched.status}")
            used = len(fetched.body)
        except RobotsDisallowed as exc:
            self._report.skipped_by_robots.append(exc.url)
            return {**entry, "skipped": "disallowed by robots.txt"}
        except TooLarge as exc:
            if binding != "file":  # the file may be fine: a page's or crawl's cap cut it
                spent = binding
                return {**entry, "skipped": f"{exc.reason}: what the caps on attachments left", "capped": True}
            self._report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason, "over_bytes": limit}
        except FetchFailed as exc:
            self._report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason}
        finally:
            await self._release(page, limit, used, spent)
        content_type = fetched.headers.get("content-type")
        relative = folder.attachment_path(anchor.url, _suffix(fetched.final_url, content_type))
        folder.write_atomic(host_dir / relative, fetched.body)
        self._report.attachments_downloaded += 1
        if self._state is not None:
            self._state.add_attachment(len(fetched.body))
        return {**entry, "path": relative, "size": len(fetched.body), "content_type": content_type}

    def _still_good(self, earlier: dict[str, Any], host_dir: Path) -> bool:
        """An earlier crawl's download still on disk, or a file known to be over today's limit too."""
        if earlier.get("path"):
            return (host_dir / earlier["path"]).is_file()  # attachments are published once, rarely changed
        return int(earlier.get("over_bytes") or 0) >= self._options.max_attachment_bytes


class _PageBudget:
    """Bytes one page's attachments may still take."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.in_flight = 0
        self.spent = False  # a file was cut by this page's byte cap: it is used up


def _entry(anchor: Anchor) -> dict[str, Any]:
    return {
        "url": anchor.url,
        "name": anchor.text or file_name(anchor.url),
        "path": None,
        "size": None,
        "content_type": None,
    }


def _suffix(url: str, content_type: str | None) -> str:
    extension = kind_of(url)
    if re.fullmatch(r"[a-z0-9]{1,5}", extension):
        return extension
    guessed = mimetypes.guess_extension((content_type or "").split(";")[0].strip())
    return guessed.lstrip(".") if guessed else "bin"
