"""The crawl-folder reader: a page ``index.crawl`` stored, read with the URL and fetch time of its sidecar.

A crawl folder holds ``<host>/pages/<key>.html`` with ``<key>.json`` beside it, the page's
downloaded ``<host>/attachments/``, and bookkeeping (``<host>/CRAWL.json``, ``.state/*.json``).
Only the pages are documents: this reader claims the other files too, and yields nothing for
them, so the JSON reader never mistakes a sidecar for a document. The ingester skips them
earlier with :func:`is_sidecar`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from index.readers import ReadError
from index.record import RawRecord

NAME = "crawled"

PAGE_SUFFIXES = (".html", ".htm")
BOOKKEEPING_KINDS = ("crawl", "crawl-state")  # the "kind" of CRAWL.json and of a crawl state file


def sidecar_of(page: Path) -> Path:
    return page.with_suffix(".json")


def load_sidecar(path: Path) -> dict[str, Any] | None:
    """A page's sidecar as a dict, if it is one (a JSON object with a "url")."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("url"), str) else None


def is_sidecar(path: Path) -> bool:
    """Whether ``path`` is a crawl folder's file that is not a document in its own right.

    True for a page's sidecar (a ``.json`` beside a same-stem ``.html`` holding "url" and
    "fetched_at"), for ``CRAWL.json``, for a crawl state file, and for an attachment the
    crawler downloaded (its text is indexed with the page that links to it).
    """
    if is_crawl_attachment(path):
        return True
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    if data.get("kind") in BOOKKEEPING_KINDS:
        return True
    has_page = any(path.with_suffix(suffix).is_file() for suffix in PAGE_SUFFIXES)
    return has_page and "url" in data and "fetched_at" in data


def is_crawl_attachment(path: Path) -> bool:
    """A file in ``<host>/attachments/`` of a crawl folder (one with ``<host>/CRAWL.json``)."""
    return path.parent.name == "attachments" and (path.parent.parent / "CRAWL.json").is_file()


def sniff(path: Path, head: bytes) -> bool:
    """A stored page (HTML with a sidecar naming its URL), or crawl bookkeeping."""
    if path.suffix.lower() in PAGE_SUFFIXES:
        return load_sidecar(sidecar_of(path)) is not None
    return is_sidecar(path)


def read(path: Path) -> Iterator[RawRecord | ReadError]:
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
        url=sidecar.get("final_url") or sidecar["url"],
        fetched_at=sidecar.get("fetched_at"),
        encoding=sidecar.get("encoding"),
    )
    host_dir = path.parent.parent  # <host>/pages/<key>.html; attachment paths are relative to <host>
    attachments = with_downloads(record.fields.get("attachments") or [], sidecar.get("attachments") or [], host_dir)
    if attachments:
        record.fields["attachments"] = attachments
    record.attachment_root = host_dir  # the ingest reads the downloaded copies' text, as for any source
    yield record


def with_downloads(
    found: list[dict[str, Any]], downloads: list[dict[str, Any]], host_dir: Path
) -> list[dict[str, Any]]:
    """The page's attachment links, each with "path" to its local copy when the crawler downloaded it."""
    merged = [dict(item) for item in found]
    by_url = {item.get("url"): item for item in merged}
    for download in downloads:
        if not download.get("path"):
            continue  # skipped (too large, disallowed, failed): the link alone stays
        local = str(host_dir / download["path"])
        if download["url"] in by_url:
            by_url[download["url"]]["path"] = local
            continue
        merged.append(
            {
                "name": download.get("name") or PurePosixPath(urlsplit(download["url"]).path).name,
                "url": download["url"],
                "kind": _kind(download),
                "path": local,
            }
        )
    return merged


def _kind(download: dict[str, Any]) -> str:
    return PurePosixPath(download.get("path") or urlsplit(download["url"]).path).suffix.lower().lstrip(".")
