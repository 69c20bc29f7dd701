"""Raw pages as WARC (ISO 28500, as ``warcio`` writes it), for web archives.

Each page as received becomes one ``response`` record: WARC-Target-URI the URL asked for, WARC-Date the fetch
time, and an HTTP header block of what was kept (the status line, Content-Type, ETag, Last-Modified, and the
Content-Length of the body as stored; the other headers of the exchange were not kept). A ``warcinfo`` record first
says so. Pages come from two places: a crawl folder (:mod:`index.crawl.folder`: each detail page's bytes and its
sidecar) and the history's raw bytes (:mod:`index.history`: each sighting with a web address, its blob by SHA-256),
the same bytes of the same URL once. Records are gzip-compressed one by one (a ``.warc.gz`` any WARC reader can seek
in), in a fixed order, so the same pages give the same records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from index.crawl.folder import PAGE_SUFFIX, PAGES, STATE_DIR, load_sidecar, sidecar_of
from index.history import History

SOFTWARE = "disclosure-portal (portal export --warc)"


@dataclass(frozen=True)
class RawPage:
    """One page as received: its URL, fetch time (ISO 8601 UTC), status, the headers kept, and its bytes."""

    url: str
    fetched_at: str
    status: int
    headers: tuple[tuple[str, str], ...]
    read: Callable[[], bytes | None]  # None: the bytes are gone (the page is skipped)


def crawled_pages(crawl_dir: Path) -> Iterator[RawPage]:
    """Every page with a readable sidecar in a crawl folder, by host folder then key; others are skipped."""
    if not crawl_dir.is_dir():
        return
    for host_dir in sorted(path for path in crawl_dir.iterdir() if path.is_dir() and path.name != STATE_DIR):
        for page in sorted((host_dir / PAGES).glob(f"*{PAGE_SUFFIX}")):
            meta = load_sidecar(sidecar_of(page))
            if meta is None or not meta.get("fetched_at"):
                continue
            kept = (
                ("Content-Type", meta.get("content_type")),
                ("ETag", meta.get("etag")),
                ("Last-Modified", meta.get("last_modified")),
            )
            headers = tuple((name, str(value)) for name, value in kept if value)
            status = int(meta.get("status") or 200)
            yield RawPage(meta["url"], str(meta["fetched_at"]), status, headers, page.read_bytes)


def history_pages(past: History) -> Iterator[RawPage]:
    """Every sighting in the history with an http(s) URL and raw bytes kept, by id then time (a file's path,
    which sightings also record, is never written)."""
    for doc_id in past.doc_ids():
        for sighting in reversed(past.sightings(doc_id, limit=100_000)):
            if not sighting.raw_sha256 or not sighting.url.lower().startswith(("http://", "https://")):
                continue
            kept = (("ETag", sighting.etag), ("Last-Modified", sighting.last_modified))
            blob = past.raw(sighting.raw_sha256)
            if blob is None:
                continue
            headers = ((("Content-Type", blob.content_type),) if blob.content_type else ()) + tuple(
                (name, value) for name, value in kept if value
            )
            yield RawPage(sighting.url, sighting.at, sighting.status or 200, headers, _bytes_of(blob.data))


def _bytes_of(data: bytes) -> Callable[[], bytes]:
    """A reader of ``data`` (a RawPage reads its bytes only when written)."""
    return lambda: data


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
        written_once: set[tuple[str, str]] = set()
        for page in pages:
            body = page.read()
            if body is None:
                continue
            once = (page.url, hashlib.sha256(body).hexdigest())
            if once in written_once:
                continue
            written_once.add(once)
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
