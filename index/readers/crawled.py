"""The crawl-folder reader: a page :mod:`index.crawl` stored, read with the URL and fetch time of its sidecar.

The folder's layout is described once, in :mod:`index.crawl.folder`. Only the pages are documents:
this reader claims the bookkeeping files too (sidecars, ``CRAWL.json``, state files) and yields
nothing for them, so the JSON reader never mistakes a sidecar for a document. The ingester skips
them earlier with :func:`is_sidecar`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.crawl.folder import PAGE_SUFFIXES, is_bookkeeping, load_sidecar, sidecar_of
from index.htmltext import file_name, kind_of
from index.limits import Limits
from index.readers import contained
from index.record import RawRecord, ReadError

NAME = "crawled"
CONCLUSIVE = True  # a page beside its sidecar, or the crawl's own bookkeeping, whatever else it looks like

is_sidecar = is_bookkeeping  # the name the ingester knows it by
# What the history records of a page's fetch (index.history.observe): provenance, and ``gone`` after a re-crawl
# found the page withdrawn.
_FETCH_KEYS = ("url", "final_url", "fetched_at", "checked_at", "status", "etag", "last_modified", "gone")


def sniff(path: Path, head: bytes) -> bool:
    """A stored page (HTML with a sidecar naming its URL), or crawl bookkeeping."""
    if path.suffix.lower() in PAGE_SUFFIXES:
        return load_sidecar(sidecar_of(path)) is not None
    return is_bookkeeping(path)


@contained
def read(path: Path, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """The page's record, with its URL, fetch time and downloaded attachments; nothing for bookkeeping."""
    if path.suffix.lower() not in PAGE_SUFFIXES:
        return
    sidecar = load_sidecar(sidecar_of(path))
    if sidecar is None:
        raise ReadError(path, f"no crawl sidecar {sidecar_of(path).name} beside the page")
    from index.readers.html import parse_html  # the HTML reader is heavy and optional for sniffing

    record = parse_html(
        path.read_bytes(),
        source=str(path),
        url=sidecar.get("final_url") or sidecar["url"],  # text, as load_sidecar reads them (folder.as_written)
        fetched_at=sidecar.get("fetched_at"),
        encoding=sidecar.get("encoding"),
        profiles=bounds.site_profiles,
    )
    host_dir = path.parent.parent  # <host>/pages/<key>.html; attachment paths are relative to <host>
    attachments = with_downloads(record.fields.get("attachments") or [], sidecar.get("attachments") or [], host_dir)
    if attachments:
        record.fields["attachments"] = attachments
    record.attachment_root = host_dir  # the ingest reads the downloaded copies' text, as for any source
    record.fetch = {key: sidecar.get(key) for key in _FETCH_KEYS if sidecar.get(key) is not None}
    yield record


def with_downloads(
    found: list[dict[str, Any]], downloads: list[dict[str, Any]], host_dir: Path
) -> list[dict[str, Any]]:
    """The page's attachment links, each with "path" to its local copy when the crawler downloaded it.

    ``downloads`` is the sidecar's list as :func:`index.crawl.folder.load_sidecar` reads it (entries as the crawler
    writes them). A URL urllib cannot split (a full-width colon or a stray bracket in its host: ValueError, which
    made the whole page unreadable) is named and typed by its path (:func:`index.htmltext.file_name`,
    :func:`index.htmltext.kind_of`, which never raise)."""
    merged = [dict(item) for item in found]
    by_url = {item.get("url"): item for item in merged}
    for download in downloads:
        url, path = download["url"], download.get("path")
        if not path:
            continue  # skipped (too large, disallowed, failed): the link alone stays
        local = str(host_dir / path)
        if url in by_url:
            by_url[url]["path"] = local
            continue
        name = download.get("name")
        name = name if isinstance(name, str) and name else file_name(url)
        merged.append({"name": name, "url": url, "kind": kind_of(path) or kind_of(url), "path": local})
    return merged
