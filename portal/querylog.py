"""The portal's own query log, for 热搜词 (what people search most) and, for operators, what found nothing.

What is kept, and nothing else: per day, how often each *normalised* query was searched (simplified, folded,
lower case, spaces collapsed), and apart from that how often each found nothing. No address, user agent,
cookie, time of day, filter or page is recorded; a query is counted once per search (page 1 only), and
identifiers (索引号, 文号), long pasted text and queries holding a run of six digits or more (telephone, ID card
and account numbers a person may paste) are not counted. Days older than the retention limit
(``PORTAL_QUERY_LOG_DAYS``) are dropped at the next write.

The public hot list (:meth:`QueryLog.hot`) shows only queries that found something, searched at least
``HOT_MIN_COUNT`` times, and holding no term of the operator's blocklist (``PORTAL_HOT_BLOCKLIST``, one term a
line, ``#`` comments; re-read when it changes). Queries that found nothing are for operators only
(``portal stats``), never on a page.

The log is one JSON file (``counts.json`` in ``PORTAL_QUERY_LOG``, by default ``querylog`` beside the index
folder). Server threads add to counts in memory under a lock; every ``FLUSH_SECONDS`` (and when the server
stops) the counts are merged into the file under an exclusive ``flock`` and written to a temporary file that
replaces it, so concurrent writers (threads, or several server processes) lose nothing and a reader never sees
half a file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.analysis import fold
from index.convert import to_simplified
from index.query import identifier_kind

HOT_MIN_COUNT = 3  # searched fewer times than this, a query is never shown to the public
MAX_LOGGED_CHARS = 40  # longer queries are pasted text, not search terms
FLUSH_SECONDS = 10.0
HOT_DAYS = 7  # the hot list counts the last week
_LONG_NUMBER = re.compile(r"\d{6,}")
log = logging.getLogger(__name__)


def normalised(q: str) -> str:
    """A query as it is counted: simplified characters, half-width, lower case, single spaces."""
    return " ".join(to_simplified(fold(q)).lower().split())


@dataclass(frozen=True)
class Counted:
    q: str
    count: int


class Blocklist:
    """Terms an operator keeps off the public hot list (a query holding one is not shown); re-read on change."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._terms: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def terms(self) -> tuple[str, ...]:
        if self.path is None:
            return ()
        try:
            stat = self.path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                text = ""
                if stamp is not None:
                    try:
                        text = self.path.read_text("utf-8")
                    except (OSError, UnicodeDecodeError) as exc:
                        log.warning("blocklist %s unreadable (%s): hot list shown without it", self.path, exc)
                lines = (normalised(line.split("#", 1)[0]) for line in text.splitlines())
                self._terms = tuple(term for term in lines if term)
            return self._terms

    def blocks(self, q: str) -> bool:
        return any(term in q for term in self.terms())


class QueryLog:
    """Counts of normalised queries per day in ``folder`` (see the module docstring); thread-safe."""

    def __init__(self, folder: Path, retention_days: int = 30, blocklist: Path | None = None) -> None:
        self.folder = Path(folder)
        self.retention_days = max(1, retention_days)
        self.blocklist = Blocklist(blocklist)
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Counter]] = {}  # day → {"searched"|"empty": Counter}
        self._last_flush = time.monotonic()

    @property
    def path(self) -> Path:
        return self.folder / "counts.json"

    def record(self, q: str, found: int, today: dt.date | None = None) -> None:
        """Count one search of ``q`` (which found ``found`` documents); identifiers and long text are skipped."""
        text = normalised(q)
        if not text or len(text) > MAX_LOGGED_CHARS or identifier_kind(q) or _LONG_NUMBER.search(text):
            return
        day = (today or dt.date.today()).isoformat()
        with self._lock:
            counts = self._pending.setdefault(day, {"searched": Counter(), "empty": Counter()})
            counts["searched"][text] += 1
            if not found:
                counts["empty"][text] += 1
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self, today: dt.date | None = None) -> None:
        """Merge the counts held in memory into the file (and drop days past retention). OSError is logged."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / "counts.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                days = self._read()
                for day, counts in pending.items():
                    stored = days.setdefault(day, {"searched": {}, "empty": {}})
                    for kind, counter in counts.items():
                        bucket = stored.setdefault(kind, {})
                        for text, count in counter.items():
                            bucket[text] = bucket.get(text, 0) + count
                oldest = ((today or dt.date.today()) - dt.timedelta(days=self.retention_days - 1)).isoformat()
                days = {day: counts for day, counts in sorted(days.items()) if day >= oldest}
                temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text(json.dumps({"days": days}, ensure_ascii=False), "utf-8")
                os.replace(temporary, self.path)
        except OSError as exc:
            log.warning("query log %s not written: %s", self.path, exc)

    def _read(self) -> dict[str, dict[str, dict[str, int]]]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("query log %s unreadable (%s): starting a new one", self.path, exc)
            return {}
        days = data.get("days") if isinstance(data, dict) else None
        return days if isinstance(days, dict) else {}

    def totals(self, kind: str, days: int, today: dt.date | None = None) -> Counter:
        """Counts of ``kind`` ("searched" or "empty") over the last ``days`` days, the file and memory together."""
        oldest = ((today or dt.date.today()) - dt.timedelta(days=days - 1)).isoformat()
        total: Counter = Counter()
        for day, counts in self._read().items():
            if day >= oldest:
                total.update({text: int(n) for text, n in (counts.get(kind) or {}).items()})
        with self._lock:
            for day, counts in self._pending.items():
                if day >= oldest:
                    total.update(counts[kind])
        return total

    def hot(self, limit: int = 10, days: int = HOT_DAYS, today: dt.date | None = None) -> list[Counted]:
        """热搜词: the most searched queries of the last ``days`` days that found something, each searched at
        least HOT_MIN_COUNT times, none holding a blocklisted term."""
        searched = self.totals("searched", days, today)
        empty = self.totals("empty", days, today)
        ranked = sorted(searched.items(), key=lambda item: (-item[1], item[0]))
        found = [
            Counted(text, count)
            for text, count in ranked
            if count >= HOT_MIN_COUNT and empty.get(text, 0) < count and not self.blocklist.blocks(text)
        ]
        return found[:limit]

    def empty(self, limit: int = 50, days: int | None = None, today: dt.date | None = None) -> list[Counted]:
        """Queries that found nothing, most frequent first, over ``days`` (default: everything retained)."""
        counts = self.totals("empty", days or self.retention_days, today)
        return [Counted(text, n) for text, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][:limit]
