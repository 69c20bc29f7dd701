"""The portal's own query log, for 热搜词 (what people search most) and, for operators, what found nothing.

What is kept, and nothing else: per day, how often each *normalised* query was searched (simplified, folded,
lower case, spaces collapsed), how often it found nothing, and by how many distinct clients. No address, user
agent, cookie, time of day, filter or page is recorded; a query is counted once per search (page 1 only), and
identifiers (索引号, 文号), long pasted text and queries holding a run of six digits or more (telephone, ID card
and account numbers a person may paste) are not counted. Days older than the retention limit
(``PORTAL_QUERY_LOG_DAYS``) are dropped at the next write.

Distinct clients: the server hashes the client's address with a salt drawn at random for each day and held in
memory only (BLAKE2b, 8 bytes), and keeps the day's hashes per query in memory to tell a new client from one seen
before; only their number is written. The salt is never stored, so the hashes cannot be tied to addresses, and
they go with the day. (A restarted server, or a second server process, draws its own salt: a client it meets
again counts once more; so the hot list's bar is multiplied by the server's workers, :meth:`QueryLog.from_settings`.
Behind a proxy every reader is the proxy's address.)

The public hot list (:meth:`QueryLog.hot`) shows only queries searched by at least ``PORTAL_HOT_MIN_CLIENTS``
distinct clients (summed over the days: one client counts once a day), that found something, that are no URL,
domain, e-mail address or digits alone (spam fills a list with those), and that hold no term of the operator's
blocklist (``PORTAL_HOT_BLOCKLIST``, one term a line, ``#`` comments; re-read when it changes). Queries that found
nothing are for operators only (``portal stats``), never on a page.

The log is one JSON file (``counts.json`` in ``PORTAL_QUERY_LOG``, by default ``querylog`` beside the index
folder), bounded: each day keeps its ``PORTAL_QUERY_LOG_MAX_QUERIES`` most searched queries (an unbounded list
of distinct junk queries would otherwise grow it, and every read of it, without end). Server threads add to
counts in memory under a lock; every ``FLUSH_SECONDS``, when the memory holds ``PENDING_QUERIES``, and when the
server stops, the counts are merged into the file under an exclusive ``flock`` and written to a temporary file
that replaces it, so concurrent writers (threads, or several server processes) lose nothing and a reader never
sees half a file. A write that fails (a full disk, a folder made read-only) is logged and its counts stay in
memory, merged with what comes after, for the next write (tried after ``FLUSH_SECONDS``), bounded as the file
is. The file is parsed again only when it changed (its size, time and inode), and the totals of a window of days
are kept with it, so a page asking for 热搜词 costs a lookup, not a read of the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from index.analysis import fold
from index.convert import to_simplified
from index.query import identifier_kind
from portal.settings import Settings

HOT_MIN_COUNT = 3  # searched fewer times than this, a query is never shown to the public
HOT_MIN_CLIENTS = 3  # PORTAL_HOT_MIN_CLIENTS: distinct clients (per day, summed) a public query needs
MAX_QUERIES_PER_DAY = 10_000  # PORTAL_QUERY_LOG_MAX_QUERIES: queries a day keeps in the file, the most searched
PENDING_QUERIES = 10_000  # distinct queries held in memory before they are written, whatever the time
MAX_CLIENT_HASHES = 200_000  # (query, client) pairs of today held in memory; past it, new pairs are not counted
MAX_LOGGED_CHARS = 40  # longer queries are pasted text, not search terms
FLUSH_SECONDS = 10.0
HOT_DAYS = 7  # the hot list counts the last week
_LONG_NUMBER = re.compile(r"\d{6,}")
# Never on the public list: a URL, a domain or e-mail address (a word, a dot, two letters or more: dubo-vip.com,
# www.x.cn, a@b.com), or nothing but digits, spaces and punctuation.
_ADDRESS = re.compile(r"://|www\.|@|[a-z0-9-]\.[a-z]{2,}\b")
_DIGITS_ONLY = re.compile(r"[\d\W_]+")
KINDS = ("searched", "empty", "clients")
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


def publishable(q: str) -> bool:
    """False for a normalised query that is a URL, a domain, an e-mail address, or digits and punctuation alone."""
    return not _ADDRESS.search(q) and not _DIGITS_ONLY.fullmatch(q)


Days = dict[str, dict[str, dict[str, int]]]  # day → {"searched"|"empty"|"clients": {query: count}}


class QueryLog:
    """Counts of normalised queries per day in ``folder`` (see the module docstring); thread-safe."""

    def __init__(
        self,
        folder: Path,
        retention_days: int = 30,
        blocklist: Path | None = None,
        min_clients: int = HOT_MIN_CLIENTS,
        max_queries: int = MAX_QUERIES_PER_DAY,
    ) -> None:
        self.folder = Path(folder)
        self.retention_days = max(1, retention_days)
        self.blocklist = Blocklist(blocklist)
        self.min_clients = max(1, min_clients)
        self.max_queries = max(1, max_queries)
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Counter]] = {}  # day → {kind: Counter}
        self._last_flush = time.monotonic()
        self._failing = False  # the last write failed: its counts are held (:meth:`_hold`)
        self._salt_day, self._salt = "", b""
        self._seen: dict[str, set[bytes]] = {}  # today's queries → hashes of the clients that searched them
        self._seen_pairs = 0
        self._cache_lock = threading.Lock()
        self._file: tuple[tuple[int, int, int] | None, Days] = (None, {})  # (stamp, parsed days)
        self._windows: dict[tuple[str, int, str], Counter] = {}  # (kind, days, today) → totals of the file
        self._qualified_cache: dict[int, tuple[Counter, list[str]]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, processes: int | None = None) -> QueryLog:
        """The query log ``settings`` describe (folder, retention days, blocklist, distinct clients, bound a day).

        ``portal serve`` answers in ``processes`` processes (the app's own count; where not given, as
        ``portal stats`` reading the file, ``settings.workers``), each keeping its own day's client hashes, so one
        client whose connections reach several of them counts once in each: a day's count of clients is at most
        that many times the distinct ones. The hot list's bar is therefore ``PORTAL_HOT_MIN_CLIENTS`` times the
        processes, which still means that many distinct clients (fewer queries reach the list, none by one client)."""
        return cls(
            settings.query_log_dir,
            settings.query_log_days,
            settings.hot_blocklist,
            min_clients=settings.hot_min_clients * max(1, settings.workers if processes is None else processes),
            max_queries=settings.query_log_max_queries,
        )

    @property
    def path(self) -> Path:
        return self.folder / "counts.json"

    def record(self, q: str, found: int, today: dt.date | None = None, client: str = "") -> None:
        """Count one search of ``q`` (which found ``found`` documents) by ``client`` (its address; "" when
        unknown, all such searches being one client); identifiers and long text are skipped."""
        text = normalised(q)
        if not text or len(text) > MAX_LOGGED_CHARS or identifier_kind(q) or _LONG_NUMBER.search(text):
            return
        day = (today or dt.date.today()).isoformat()
        with self._lock:
            counts = self._pending.setdefault(day, {kind: Counter() for kind in KINDS})
            counts["searched"][text] += 1
            if not found:
                counts["empty"][text] += 1
            if self._new_client(day, text, client):
                counts["clients"][text] += 1
            full = len(counts["searched"]) >= PENDING_QUERIES and not self._failing  # after a failure: by time
            if self._failing and len(counts["searched"]) >= 2 * self.max_queries:  # held until a write succeeds
                self._pending[day] = self._held(counts)
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS or full
        if due:
            self.flush()

    def _new_client(self, day: str, text: str, client: str) -> bool:
        """Whether ``client`` searches ``text`` for the first time ``day`` (under the lock)."""
        if day != self._salt_day:  # a new day: a new salt, and yesterday's hashes are gone
            self._salt_day, self._salt = day, secrets.token_bytes(16)
            self._seen, self._seen_pairs = {}, 0
        digest = hashlib.blake2b(client.encode("utf-8", "surrogatepass"), digest_size=8, key=self._salt).digest()
        seen = self._seen.setdefault(text, set())
        if digest in seen:
            return False
        if self._seen_pairs >= MAX_CLIENT_HASHES:
            return False  # memory is bounded; a day this busy has its list long filled
        seen.add(digest)
        self._seen_pairs += 1
        return True

    def flush(self, today: dt.date | None = None) -> None:
        """Merge the counts held in memory into the file (keeping each day's ``max_queries`` most searched
        queries, and dropping days past retention). Where the write fails (OSError: a full disk, a read-only or
        missing folder), the failure is logged and the counts stay in memory for the next write
        (:meth:`_hold`), still counted by :meth:`hot` and :meth:`totals`."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        oldest = ((today or dt.date.today()) - dt.timedelta(days=self.retention_days - 1)).isoformat()
        temporary = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.folder / "counts.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                days = {
                    day: {kind: dict(bucket) for kind, bucket in counts.items()} for day, counts in self._read().items()
                }
                for day, counts in pending.items():
                    stored = days.setdefault(day, {})
                    for kind, counter in counts.items():
                        bucket = stored.setdefault(kind, {})
                        for text, count in counter.items():
                            bucket[text] = bucket.get(text, 0) + count
                days = {day: self._bounded(counts) for day, counts in sorted(days.items()) if day >= oldest}
                temporary.write_text(json.dumps({"days": days}, ensure_ascii=False), "utf-8")
                os.replace(temporary, self.path)
                stat = self.path.stat()
                with self._cache_lock:  # what was just written need not be read again
                    self._file, self._windows = ((stat.st_ino, stat.st_mtime_ns, stat.st_size), days), {}
            self._failing = False
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            held = self._hold(pending, oldest)
            log.warning("query log %s not written (%s): %d queries held for the next write", self.path, exc, held)

    def _hold(self, unwritten: dict[str, dict[str, Counter]], oldest: str) -> int:
        """Put counts a failed write took back into memory, merged with those recorded since, and bound them as
        the file is bounded (days past retention dropped, each day cut to its ``max_queries`` most searched
        queries; between writes :meth:`record` cuts a day reaching twice that), so a log that can never be written
        holds at most 2 × retention × ``max_queries`` queries. The next write is tried after ``FLUSH_SECONDS``
        (not at once on a full memory). Returns the queries held."""
        with self._lock:
            self._failing = True
            merged = self._pending
            for day, counts in unwritten.items():
                stored = merged.setdefault(day, {kind: Counter() for kind in KINDS})
                for kind, counter in counts.items():
                    stored[kind].update(counter)
            self._pending = {day: self._held(counts) for day, counts in merged.items() if day >= oldest}
            return sum(len(counts["searched"]) for counts in self._pending.values())

    def _held(self, counts: dict[str, Counter]) -> dict[str, Counter]:
        """One day's counts in memory cut as :meth:`_bounded` cuts the file's."""
        return {kind: Counter(bucket) for kind, bucket in self._bounded(counts).items()}

    def _bounded(self, counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
        """One day's counts cut to its ``max_queries`` most searched queries."""
        searched = dict(counts.get("searched") or {})
        if len(searched) > self.max_queries:
            kept = sorted(searched.items(), key=lambda item: (-item[1], item[0]))[: self.max_queries]
            searched = dict(kept)
        return {
            "searched": searched,
            **{kind: {q: n for q, n in (counts.get(kind) or {}).items() if q in searched} for kind in KINDS[1:]},
        }

    def _read(self) -> Days:
        """The file's days, parsed again only when the file changed."""
        try:
            stat = self.path.stat()
            stamp: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._cache_lock:
            if stamp is not None and stamp == self._file[0]:
                return self._file[1]
            days = self._parse() if stamp is not None else {}
            self._file, self._windows = (stamp, days), {}
            return days

    def _parse(self) -> Days:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("query log %s unreadable (%s): starting a new one", self.path, exc)
            return {}
        days = data.get("days") if isinstance(data, dict) else None
        if not isinstance(days, dict):
            return {}
        return {day: counts for day, counts in days.items() if isinstance(counts, dict)}

    def _window(self, kind: str, days: int, today: dt.date | None) -> tuple[Counter, list[tuple[str, Counter]]]:
        """(the file's totals of ``kind`` over the last ``days`` days, computed once per version of the file;
        the counts held in memory for those days). Neither may be changed by the caller."""
        oldest = ((today or dt.date.today()) - dt.timedelta(days=days - 1)).isoformat()
        stored = self._read()
        key = (kind, days, oldest)
        with self._cache_lock:
            window = self._windows.get(key) if self._file[1] is stored else None
        if window is None:
            window = Counter()
            for day, counts in stored.items():
                if day >= oldest:
                    window.update({text: int(n) for text, n in (counts.get(kind) or {}).items()})
            with self._cache_lock:
                if self._file[1] is stored:
                    self._windows[key] = window
        with self._lock:
            pending = [(day, Counter(counts[kind])) for day, counts in self._pending.items() if day >= oldest]
        return window, pending

    def totals(self, kind: str, days: int, today: dt.date | None = None) -> Counter:
        """Counts of ``kind`` ("searched", "empty" or "clients") over the last ``days`` days, the file and memory
        together."""
        window, pending = self._window(kind, days, today)
        total = Counter(window)
        for _day, counter in pending:
            total.update(counter)
        return total

    def hot(self, limit: int = 10, days: int = HOT_DAYS, today: dt.date | None = None) -> list[Counted]:
        """热搜词: the queries of the last ``days`` days searched by the most distinct clients (at least
        ``min_clients``, one client counting once a day), each searched at least HOT_MIN_COUNT times and finding
        something, none a URL, domain or digits alone (:func:`publishable`), none holding a blocklisted term.
        ``count`` is the number of searches.

        Costs a pass over the queries that reached ``min_clients`` in the file (kept while it is unchanged) and
        over those searched since the last write, not a read of the log."""
        windows = {kind: self._window(kind, days, today) for kind in KINDS}

        def total(kind: str, text: str) -> int:
            window, pending = windows[kind]
            return window.get(text, 0) + sum(counter.get(text, 0) for _day, counter in pending)

        stored_clients, pending_clients = windows["clients"]
        candidates = set(self._qualified(stored_clients))
        for _day, counter in pending_clients:
            candidates.update(counter)
        eligible = []
        for text in candidates:
            clients, searched = total("clients", text), total("searched", text)
            if clients >= self.min_clients and searched >= HOT_MIN_COUNT and total("empty", text) < searched:
                eligible.append((text, clients, searched))
        eligible.sort(key=lambda item: (-item[1], -item[2], item[0]))
        found = []
        for text, _clients, count in eligible:
            if publishable(text) and not self.blocklist.blocks(text):
                found.append(Counted(text, count))
                if len(found) == limit:
                    break
        return found

    def _qualified(self, window: Counter) -> list[str]:
        """The queries of a stored window with ``min_clients`` already, computed once per window."""
        with self._cache_lock:
            cached = self._qualified_cache.get(id(window))
            if cached is not None and cached[0] is window:
                return cached[1]
        texts = [text for text, n in window.items() if n >= self.min_clients]
        with self._cache_lock:
            self._qualified_cache = {id(window): (window, texts)}
        return texts

    def empty(self, limit: int = 50, days: int | None = None, today: dt.date | None = None) -> list[Counted]:
        """Queries that found nothing, most frequent first, over ``days`` (default: everything retained)."""
        counts = self.totals("empty", days or self.retention_days, today)
        return [Counted(text, n) for text, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][:limit]
