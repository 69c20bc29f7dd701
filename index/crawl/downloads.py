"""A page's attachments: each URL downloaded once per run under the size limit, or skipped with the reason.

What is recorded for each becomes an entry of the page's sidecar (url, name, path, size, content_type,
and "skipped" with why when there is no local copy).
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from index.attachments import kind_of
from index.crawl import folder
from index.crawl.fetch import Fetched, FetchFailed, TooLarge
from index.crawl.links import Anchor, attachment_anchors, header_charset
from index.crawl.report import CrawlOptions, CrawlReport, Failure
from index.crawl.robots import RobotsDisallowed
from index.crawl.urls import file_name

FetchFn = Callable[..., Awaitable[Fetched]]  # (url, *, limit) → Fetched, every hop checked


class Downloads:
    """The attachments of one crawl run, shared by every page that links to them."""

    def __init__(self, fetch: FetchFn, options: CrawlOptions, report: CrawlReport) -> None:
        self._fetch = fetch
        self._options = options
        self._report = report
        self._tasks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def for_page(self, fetched: Fetched, host_dir: Path, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
        """Sidecar entries for the page's attachments: downloaded (or skipped, with why) when asked for.

        Without ``download_attachments`` the entries an earlier crawl downloaded are kept.
        """
        earlier = {entry["url"]: entry for entry in (previous or {}).get("attachments", [])}
        encoding = header_charset(fetched.headers.get("content-type"))
        links = attachment_anchors(fetched.body, fetched.final_url, encoding)
        if not self._options.download_attachments:
            return [earlier[link.url] for link in links if earlier.get(link.url, {}).get("path")]
        return list(await asyncio.gather(*(self._once(link, host_dir, earlier.get(link.url)) for link in links)))

    def _once(self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None) -> asyncio.Future[dict[str, Any]]:
        """One download per attachment URL per run, however many pages link to it."""
        if anchor.url not in self._tasks:
            self._tasks[anchor.url] = asyncio.ensure_future(self._download(anchor, host_dir, earlier))
        return self._tasks[anchor.url]

    async def _download(self, anchor: Anchor, host_dir: Path, earlier: dict[str, Any] | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "url": anchor.url,
            "name": anchor.text or file_name(anchor.url),
            "path": None,
            "size": None,
            "content_type": None,
        }
        if earlier and self._still_good(earlier, host_dir):
            return {**earlier, "name": entry["name"]}
        limit = self._options.max_attachment_bytes
        try:
            fetched = await self._fetch(anchor.url, limit=limit)
            if fetched.status != 200:
                raise FetchFailed(f"HTTP {fetched.status}")
        except RobotsDisallowed as exc:
            self._report.skipped_by_robots.append(exc.url)
            return {**entry, "skipped": "disallowed by robots.txt"}
        except TooLarge as exc:
            self._report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason, "over_bytes": limit}
        except FetchFailed as exc:
            self._report.failed.append(Failure(anchor.url, exc.reason))
            return {**entry, "skipped": exc.reason}
        content_type = fetched.headers.get("content-type")
        relative = folder.attachment_path(anchor.url, _suffix(fetched.final_url, content_type))
        folder.write_atomic(host_dir / relative, fetched.body)
        self._report.attachments_downloaded += 1
        return {**entry, "path": relative, "size": len(fetched.body), "content_type": content_type}

    def _still_good(self, earlier: dict[str, Any], host_dir: Path) -> bool:
        """An earlier crawl's download still on disk, or a file known to be over today's limit too."""
        if earlier.get("path"):
            return (host_dir / earlier["path"]).is_file()  # attachments are published once, rarely changed
        return int(earlier.get("over_bytes") or 0) >= self._options.max_attachment_bytes


def _suffix(url: str, content_type: str | None) -> str:
    extension = kind_of(url)
    if re.fullmatch(r"[a-z0-9]{1,5}", extension):
        return extension
    guessed = mimetypes.guess_extension((content_type or "").split(";")[0].strip())
    return guessed.lstrip(".") if guessed else "bin"
