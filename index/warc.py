"""Raw pages as WARC (ISO 28500:2017, WARC/1.1 as ``warcio`` writes it), for web archives.

Each detail page a crawl kept (:mod:`index.crawl.folder`: the bytes exactly as received, and the sidecar with its
URL, fetch time, HTTP status, ETag, Last-Modified and Content-Type) becomes one ``response`` record: WARC-Target-URI
the URL asked for, WARC-Date the fetch time, and an HTTP header block of what the sidecar kept (the status line,
Content-Type, ETag, Last-Modified, Content-Length of the body as stored; the other headers of the exchange were not
kept). A ``warcinfo`` record first says so. Records are gzip-compressed one by one (a ``.warc.gz`` any WARC reader
can seek in). Pages are written in the order of their host folder and key, so the same pages give the same records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from index.crawl.folder import PAGE_SUFFIX, PAGES, STATE_DIR, load_sidecar, sidecar_of

SOFTWARE = "disclosure-portal (portal export --warc)"


@dataclass(frozen=True)
class RawPage:
    """One page as received: its URL, fetch time (ISO 8601 UTC), status, kept headers and bytes' location."""

    url: str
    fetched_at: str
    status: int
    headers: tuple[tuple[str, str], ...]
    path: Path


def crawled_pages(crawl_dir: Path) -> Iterator[RawPage]:
    """Every page with a readable sidecar in a crawl folder, by host folder then key; others are skipped."""
    if not crawl_dir.is_dir():
        return
    for host_dir in sorted(path for path in crawl_dir.iterdir() if path.is_dir() and path.name != STATE_DIR):
        for page in sorted((host_dir / PAGES).glob(f"*{PAGE_SUFFIX}")):
            meta = load_sidecar(sidecar_of(page))
            if meta is None or not meta.get("fetched_at"):
                continue
            kept = (("Content-Type", meta.get("content_type")), ("ETag", meta.get("etag")))
            kept += (("Last-Modified", meta.get("last_modified")),)
            headers = tuple((name, str(value)) for name, value in kept if value)
            yield RawPage(meta["url"], str(meta["fetched_at"]), int(meta.get("status") or 200), headers, page)


def write_warc(pages: Iterable[RawPage], path: Path) -> int:
    """Write ``pages`` to the WARC file ``path`` (gzip per record); returns the number of response records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = {
            "software": SOFTWARE,
            "format": "WARC File Format 1.1",
            "description": "Raw pages as received; HTTP headers are those kept: status, Content-Type, ETag, "
            "Last-Modified, Content-Length.",
        }
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for page in pages:
            body = page.path.read_bytes()
            status = f"{page.status} {_reason(page.status)}"
            http = StatusAndHeaders(status, [*page.headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                page.url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": page.fetched_at},
            )
            writer.write_record(record)
            written += 1
    return written


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
