"""The crawl folder: where a crawl keeps what it fetched. Its one description, for the crawler that writes it
and for :mod:`index.readers.crawled`, which reads it::

    <crawl_dir>/<host>/pages/<key>.html          a detail page's bytes exactly as received
    <crawl_dir>/<host>/pages/<key>.json          its sidecar: url, final_url, fetched_at, status, etag, …
    <crawl_dir>/<host>/attachments/<key>.<ext>   attachments the crawl downloaded
    <crawl_dir>/<host>/CRAWL.json                what the last crawl into this folder did
    <crawl_dir>/.state/<key>.sqlite              a crawl's frontier and done set, for resuming (SQLite)

``<key>`` is the first 16 hex digits of the SHA-1 of the page's (or attachment's, or start's) URL;
``<host>`` the URL's host, spelt canonically, and its port when the URL names one. Every file is
written to ``.<name>.<pid>.tmp`` first and renamed, so nobody sees half a file; a page is written
before its sidecar. A killed crawl can therefore leave temporaries and a page without its sidecar,
and :func:`clean_leftovers` removes both at the start of the next crawl.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from index.crawl.urls import canonical_host

PAGES = "pages"
ATTACHMENTS = "attachments"
MARKER = "CRAWL.json"
STATE_DIR = ".state"
PAGE_SUFFIX = ".html"
PAGE_SUFFIXES = (".html", ".htm")
MARKER_KIND = "crawl"  # the "kind" of CRAWL.json
STATE_KIND = "crawl-state"  # the "kind" of a state file
BOOKKEEPING_KINDS = (MARKER_KIND, STATE_KIND)
_TEMPORARY = ".tmp"
# Sidecars and CRAWL.json are a few KB; a larger .json is a document, and is not read twice to find out.
MAX_BOOKKEEPING_BYTES = 1024 * 1024


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def host_folder(url: str) -> str:
    """The folder a URL's pages go in: its canonical host, with the port when the URL names one, path-safe."""
    host = canonical_host(url) or "unknown-host"
    try:
        port = httpx.URL(url).port
    except httpx.InvalidURL:
        port = None
    return (f"{host}:{port}" if port else host).replace(":", "_")


def state_path(crawl_dir: Path, start_key: str) -> Path:
    return crawl_dir / STATE_DIR / f"{url_key(start_key)}.sqlite"


def marker_path(host_dir: Path) -> Path:
    return host_dir / MARKER


# --- writing ---------------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{_TEMPORARY}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class StoredPage:
    """A detail page's place in the crawl folder."""

    host_dir: Path
    url: str

    @classmethod
    def of(cls, crawl_dir: Path, url: str) -> StoredPage:
        return cls(crawl_dir / host_folder(url), url)

    @property
    def html(self) -> Path:
        return self.host_dir / PAGES / f"{url_key(self.url)}{PAGE_SUFFIX}"

    @property
    def sidecar(self) -> Path:
        return sidecar_of(self.html)

    def meta(self) -> dict[str, Any] | None:
        """The stored sidecar (:func:`load_sidecar`), when the page itself is stored too."""
        return load_sidecar(self.sidecar) if self.html.exists() else None

    def save(self, body: bytes, meta: dict[str, Any]) -> None:
        # The page first: a sidecar never describes bytes that are not on disk.
        write_atomic(self.html, body)
        write_json(self.sidecar, meta)


def attachment_path(url: str, suffix: str) -> str:
    """Where an attachment is stored, relative to its host folder (as the sidecar records it)."""
    return f"{ATTACHMENTS}/{url_key(url)}.{suffix}"


# --- reading ---------------------------------------------------------------------------------------


def sidecar_of(page: Path) -> Path:
    return page.with_suffix(".json")


def stored_page_urls(host_dir: Path) -> list[str]:
    """The URLs of the pages stored in a host folder (from their sidecars), in file-name order."""
    pages = host_dir / PAGES
    if not pages.is_dir():
        return []
    urls = []
    for page in sorted(pages.glob(f"*{PAGE_SUFFIX}")):
        sidecar = load_sidecar(sidecar_of(page))
        if sidecar is not None:
            urls.append(sidecar["url"])
    return urls


def load_sidecar(path: Path) -> dict[str, Any] | None:
    """A page's sidecar as a dict, if it is one (a JSON object with a "url"), as the crawler writes it
    (:func:`as_written`)."""
    data = read_json(path)
    return as_written(data) if data is not None and isinstance(data.get("url"), str) else None


# What a sidecar holds as text (index.crawl.crawler.page_sidecar, and the re-crawl's "checked_at").
_SIDECAR_TEXT = ("url", "final_url", "fetched_at", "checked_at", "etag", "last_modified", "content_type", "encoding")


def as_written(sidecar: dict[str, Any]) -> dict[str, Any]:
    """A sidecar read back with only values of the kinds the crawler writes: its text values text, its "attachments"
    a list of entries (:mod:`index.crawl.downloads`) each an object with a text "url", its "path" text or None, its
    "over_bytes" a whole number. A value of another kind is left out (an entry that is not one, the whole entry). A
    sidecar is a file anyone can edit: such a value used to cost its page, unreadable to the ingest (urllib or a
    path given a number) and never re-crawled (a TypeError making the conditional request's headers)."""
    kept = {key: value for key, value in sidecar.items() if key not in _SIDECAR_TEXT or isinstance(value, str)}
    entries = sidecar.get("attachments")
    kept["attachments"] = [
        _entry_as_written(entry)
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("url"), str)
    ]
    return kept


def _entry_as_written(entry: dict[str, Any]) -> dict[str, Any]:
    kept = dict(entry)
    if "path" in kept and not isinstance(kept["path"], str):
        kept["path"] = None  # not downloaded, as far as anyone can tell
    if "over_bytes" in kept and type(kept["over_bytes"]) is not int:
        del kept["over_bytes"]
    return kept


def is_bookkeeping(path: Path) -> bool:
    """Whether ``path`` is a crawl folder's file that is not a document in its own right.

    True for a page's sidecar (a ``.json`` beside a same-stem page holding "url" and "fetched_at"),
    for ``CRAWL.json``, for a crawl state file, and for an attachment the crawler downloaded (its
    text is indexed with the page that links to it).
    """
    if is_crawl_attachment(path) or path.parent.name == STATE_DIR:
        return True
    if path.suffix.lower() != ".json" or not path.is_file() or path.stat().st_size > MAX_BOOKKEEPING_BYTES:
        return False
    data = read_json(path)
    if data is None:
        return False
    if data.get("kind") in BOOKKEEPING_KINDS:
        return True
    has_page = any(path.with_suffix(suffix).is_file() for suffix in PAGE_SUFFIXES)
    return has_page and "url" in data and "fetched_at" in data


def is_crawl_attachment(path: Path) -> bool:
    """A file in ``<host>/attachments/`` of a crawl folder (one with ``<host>/CRAWL.json``)."""
    return path.parent.name == ATTACHMENTS and marker_path(path.parent.parent).is_file()


# --- leftovers of killed runs ----------------------------------------------------------------------


def clean_leftovers(crawl_dir: Path) -> list[str]:
    """Remove what a killed crawl left half-done; returns what was removed and why, one line each.

    That is: temporaries of processes no longer running (a live crawl into the same folder keeps
    its own), and pages whose sidecar was never written.
    """
    if not crawl_dir.is_dir():
        return []
    removed = []
    for temporary in crawl_dir.rglob(f".*{_TEMPORARY}"):
        if temporary.is_file() and not _writer_alive(temporary):
            temporary.unlink(missing_ok=True)
            removed.append(f"{temporary}: unfinished write of a stopped crawl")
    for page in crawl_dir.glob(f"*/{PAGES}/*{PAGE_SUFFIX}"):
        if not sidecar_of(page).exists():
            page.unlink(missing_ok=True)
            removed.append(f"{page}: page stored without its sidecar by a stopped crawl")
    return removed


def _writer_alive(temporary: Path) -> bool:
    """Whether the process named in ``.<name>.<pid>.tmp`` is still running (and may still rename it)."""
    pid = temporary.name.removesuffix(_TEMPORARY).rsplit(".", 1)[-1]
    if not pid.isdecimal():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return int(pid) != os.getpid()  # this process starts by cleaning: nothing of its own is in flight
