"""A crawl's options and its report: what the operator asks for, and what one run did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from index.crawl.fetch import MB, Politeness

BOT_NAME = "DisclosurePortalBot/0.1"

ProgressFn = Callable[[int, int], None]  # (pages done this run, pages known so far)


@dataclass
class CrawlOptions:
    """The crawler's knobs; the defaults are polite enough for a government site."""

    max_pages: int | None = None  # pages requested in this run before stopping (resumable); None: all
    max_list_pages: int = 200  # how far list pagination is followed
    concurrency: int = 4
    delay: float = 0.5  # seconds between two requests to one host
    timeout: float = 15.0  # seconds for one request, body included
    retries: int = 2  # tries after the first failed one (so 3 tries in all)
    backoff: float = 1.0  # wait before the first retry, doubled for each next one
    max_retry_after: float = 120.0  # longest Retry-After honoured
    download_attachments: bool = False
    max_attachment_bytes: int = 20 * MB  # one attachment
    # One page with 3,000 attachment links downloaded 300 MB: what one page, and one crawl (over all its runs),
    # may download. Past a cap the attachment is not fetched; its sidecar entry and the report say which cap.
    max_attachments_per_page: int = 50
    max_attachment_bytes_per_page: int = 100 * MB
    max_attachments: int = 10_000
    max_attachment_bytes_total: int = 2_000 * MB
    detail_pattern: str | None = None  # regex a detail page URL must match
    restart: bool = False  # forget a saved frontier and start over
    contact_url: str = ""  # put in the User-Agent so site owners can reach us
    progress: ProgressFn | None = field(default=None, repr=False, compare=False)

    @property
    def user_agent(self) -> str:
        return f"{BOT_NAME} (+{self.contact_url})" if self.contact_url else BOT_NAME

    @property
    def politeness(self) -> Politeness:
        return Politeness(
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
            max_retry_after=self.max_retry_after,
            delay=self.delay,
            concurrency=self.concurrency,
        )

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
    gone: list[str] = field(default_factory=list)  # stored pages found withdrawn (404, 410, redirect home)
    pages_stored: int = 0  # detail pages written to the crawl folder
    list_pages: int = 0
    attachments_downloaded: int = 0
    failed: list[Failure] = field(default_factory=list)
    capped: list[Failure] = field(default_factory=list)  # attachments not downloaded: a cap was reached
    skipped_by_robots: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)  # leftovers of a killed crawl, removed at the start
    resumed: bool = False
    finished: bool = False  # False when stopped by max_pages or Ctrl-C: run again to resume
    interrupted: bool = False
    remaining: int = 0  # URLs still in the frontier

    def counts(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "gone": len(self.gone),
            "pages_stored": self.pages_stored,
            "list_pages": self.list_pages,
            "attachments_downloaded": self.attachments_downloaded,
            "failed": len(self.failed),
            "capped": len(self.capped),
            "skipped_by_robots": len(self.skipped_by_robots),
            "cleaned": len(self.cleaned),
            "remaining": self.remaining,
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def utc_now() -> str:
    """Now, as ISO 8601 UTC with a Z (what sidecars and CRAWL.json record)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
