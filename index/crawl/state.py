"""A crawl's resumable state: the frontier still to visit and the URLs done, kept in SQLite (stdlib sqlite3).

The state was one JSON file rewritten whole after every page, so a list page of 100,000 links made each page cost
a 100,000-entry write (a crawl 18× slower). Now each URL is a row, and what a page changed (the URLs it queued,
its own completion) is one small transaction at the end of the page: a crawl killed at any moment resumes from
its last finished page. A state file of the JSON form an older crawl left is read once and carried over.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from index.crawl.folder import STATE_KIND

STATE_VERSION = 2


class CrawlError(Exception):
    """A crawl that cannot start: an unsupported start URL, an unreadable URL file."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pending ON urls (done, seq);
"""


class CrawlState:
    """Frontier and done set of one crawl (keyed by its start), so a stopped crawl resumes where it was.

    ``path`` is the SQLite file (:func:`index.crawl.folder.state_path`); ``None`` keeps the state in memory.
    Changes are visible at once and written by :meth:`save` (one transaction). Not thread-safe: the crawl's
    event loop is its one user.
    """

    def __init__(self, path: Path | None, start: str) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path) if path is not None else ":memory:", isolation_level="DEFERRED", check_same_thread=False
        )
        self._db.executescript(_SCHEMA)
        if path is not None:  # a commit appends to a write-ahead log, no fsync: a killed crawl loses no saved page,
            # a power cut at most the last few (sqlite.org/wal.html)
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self.start = self._meta("start") or start
        self._set_meta("start", self.start)
        self._set_meta("kind", STATE_KIND)
        self._set_meta("version", str(STATE_VERSION))

    # -- opening --

    @classmethod
    def resume(cls, path: Path, start: str, restart: bool = False) -> tuple[CrawlState, bool]:
        """(the state at ``path`` for ``start``, whether it resumes a stopped crawl). A finished crawl, another
        start, a damaged file or ``restart`` begins afresh. A JSON state of the older form is carried over."""
        legacy = path.with_suffix(".json")
        if restart:
            _remove(path)
            legacy.unlink(missing_ok=True)
        if path.exists():
            try:
                state = cls(path, start)
                if state.start == start and not state.finished:
                    return state, True
                state.close()
            except sqlite3.DatabaseError:
                pass
            _remove(path)
        state = cls(path, start)
        if legacy.exists():
            resumed = state._carry_over(legacy, start)
            legacy.unlink(missing_ok=True)
            if resumed:
                return state, True
        return state, False

    def _carry_over(self, legacy: Path, start: str) -> bool:
        try:
            data = json.loads(legacy.read_text("utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(data, dict) or data.get("kind") != STATE_KIND or data.get("start") != start:
            return False
        if data.get("finished"):
            return False
        for url, kind in dict(data.get("done", {})).items():
            self._db.execute("INSERT OR IGNORE INTO urls (url, kind, done) VALUES (?, ?, 1)", (url, kind))
        for url, kind in dict(data.get("frontier", {})).items():
            self.add(url, kind)
        self.list_pages = int(data.get("list_pages", 0))
        self.save()
        return True

    def close(self) -> None:
        self._db.close()

    # -- the frontier --

    def add(self, url: str, kind: str) -> bool:
        """Queue ``url`` unless already seen; True if it was new."""
        cursor = self._db.execute("INSERT OR IGNORE INTO urls (url, kind) VALUES (?, ?)", (url, kind))
        return cursor.rowcount == 1

    def complete(self, url: str) -> None:
        """``url`` is done (a URL never queued is recorded as a done detail page)."""
        cursor = self._db.execute("UPDATE urls SET done = 1 WHERE url = ?", (url,))
        if cursor.rowcount == 0:
            self._db.execute("INSERT INTO urls (url, kind, done) VALUES (?, 'detail', 1)", (url,))

    def alias(self, url: str) -> None:
        """``url`` was fetched under another URL (a redirect's target): done, unless it is queued."""
        self._db.execute("INSERT OR IGNORE INTO urls (url, kind, done) VALUES (?, 'alias', 1)", (url,))

    def pending(self, limit: int, skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """Up to ``limit`` queued (url, kind) in crawl order, leaving out ``skip`` (those in flight)."""
        rows = self._db.execute(
            "SELECT url, kind FROM urls WHERE done = 0 ORDER BY seq LIMIT ?", (limit + len(skip),)
        ).fetchall()
        return [(url, kind) for url, kind in rows if url not in skip][:limit]

    def kind_of(self, url: str) -> str | None:
        row = self._db.execute("SELECT kind FROM urls WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def remaining(self) -> int:
        return self._db.execute("SELECT count(*) FROM urls WHERE done = 0").fetchone()[0]

    # -- counters --

    @property
    def list_pages(self) -> int:
        """List pages queued, bounded by max_list_pages."""
        return int(self._meta("list_pages") or 0)

    @list_pages.setter
    def list_pages(self, value: int) -> None:
        self._set_meta("list_pages", str(value))

    @property
    def finished(self) -> bool:
        return self._meta("finished") == "1"

    @finished.setter
    def finished(self, value: bool) -> None:
        self._set_meta("finished", "1" if value else "0")

    def attachments(self) -> tuple[int, int]:
        """(files, bytes) of attachments this crawl downloaded, over all its runs."""
        return int(self._meta("attachment_files") or 0), int(self._meta("attachment_bytes") or 0)

    def add_attachment(self, size: int) -> None:
        files, total = self.attachments()
        self._set_meta("attachment_files", str(files + 1))
        self._set_meta("attachment_bytes", str(total + size))

    def save(self) -> None:
        """Write the changes since the last save (one transaction)."""
        self._db.commit()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _remove(path: Path) -> None:
    """A state file and its write-ahead log."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def start_key(start: str | Path) -> str:
    """What identifies a crawl: its start URL, or ``file:`` and the resolved path of its URL file."""
    if isinstance(start, Path):
        return "file:" + str(start.expanduser().resolve())
    return start.strip()


def read_url_file(path: Path) -> list[str]:
    """URLs from a file, one a line; blank lines and ``#`` comments ignored. Raises :class:`CrawlError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CrawlError(f"cannot read the URL file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CrawlError(f"the URL file {path} is not UTF-8 text (byte {exc.start})") from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
