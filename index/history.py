"""The history of every document the ingest has seen, kept whatever store serves: versions, raw pages,
sightings, withdrawals, takedowns and the change events feeds and exports read.

One SQLite file (``history.sqlite`` in the index folder, or ``PORTAL_HISTORY``), written only by an ingest
(which holds the index's ingest lock) and by ``portal takedown``; the portal opens it read-only. Tables:

* ``documents``: one row per id — its latest version number, first and last sighting, 在线 / 已撤下, when it was
  last seen before withdrawal and how the withdrawal was noticed.
* ``versions``: (id, n) — the normalised document (every field, JSON, zlib-compressed), the SHA-256 of its
  *content* (:func:`content_digest`: the fields a reader cares about, not page furniture), the first and last
  sighting of that content and the SHA-256 of the raw bytes it was last read from.
* ``raw``: raw bytes by SHA-256, zlib-compressed, stored once however many sightings share them.
* ``sightings``: every time a document was read: URL, time, HTTP status, ETag, Last-Modified, raw SHA-256,
  how (``crawl``, ``file`` or ``export``) and the file and record it was read from.
* ``events``: ``new``, ``changed``, ``withdrawn``, ``restored`` and ``takedown``, each with its time, version,
  title and publisher (for change feeds and deltas).
* ``takedowns``: the log of legal takedowns: what (id, title, URL), when and why.

A version is new only when :func:`content_digest` differs from the latest one: a change in the 相关信息 links,
the site's name, the 栏目, warnings or where the document was read from is not a new version.

Times are UTC ISO 8601 strings to the second (``2026-12-06T15:30:00Z``); they sort as text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.record import Attachment, Document, Finding, IndexNo, Link, RawRecord, as_dict

FILE_NAME = "history.sqlite"
ONLINE = "在线"
WITHDRAWN = "已撤下"
STATUSES = (ONLINE, WITHDRAWN)

# How a withdrawal was noticed: the code stored, and how pages say it.
HOW_NOTICED = {
    "http_404": "重新抓取时返回 HTTP 404",
    "http_410": "重新抓取时返回 HTTP 410",
    "redirect_home": "重新抓取时跳转到网站首页",
    "missing_from_export": "再次导入的完整导出中已没有此文件",
    "file_gone": "来源文件已不存在",
}
# How a sighting was made.
SIGHTED = {"crawl": "抓取", "file": "文件", "export": "导出文件"}
EVENT_KINDS = ("new", "changed", "withdrawn", "restored", "takedown")

# The fields whose change makes a new version (the rest is furniture or where the document was read from).
CONTENT_FIELDS = (
    "title",
    "index_no",
    "category_scheme",
    "category_topic",
    "category_genre",
    "publisher",
    "pub_date",
    "written_date",
    "doc_no",
    "keywords",
    "validity",
    "disclosure",
    "summary",
    "body",
    "attachments",
    "url",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, latest INTEGER NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    status TEXT NOT NULL, withdrawn_at TEXT NOT NULL DEFAULT '', withdrawn_how TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '', publisher TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, digest TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL, raw_sha256 TEXT NOT NULL DEFAULT '', payload BLOB NOT NULL,
    PRIMARY KEY (doc_id, n)
);
CREATE TABLE IF NOT EXISTS raw (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, content_type TEXT NOT NULL, data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sightings (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL, url TEXT NOT NULL,
    status INTEGER, etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
    raw_sha256 TEXT NOT NULL DEFAULT '', how TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
    locator TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sightings_doc ON sightings (doc_id, n);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, doc_id TEXT NOT NULL, n INTEGER NOT NULL, kind TEXT NOT NULL,
    how TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', publisher TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE INDEX IF NOT EXISTS events_doc ON events (doc_id);
CREATE TABLE IF NOT EXISTS takedowns (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
    reason TEXT NOT NULL, versions INTEGER NOT NULL
);
"""


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: Any) -> str | None:
    """A time a record gives for its reading (a crawl sidecar's, a snapshot's ``withdrawn_at``) in the history's form
    (UTC, ``2026-12-07T14:39:24Z``; a time without a zone taken as UTC); None where it is no ISO 8601 time or is
    later than now: a file's text is not trusted with the dates of the history (``garbage`` or
    ``9999-99-99T99:99:99Z`` became a document's first sighting and its withdrawal's time)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment <= dt.datetime.now(dt.UTC) else None


def path_for(index_dir: Path) -> Path:
    """Where the history of the index at ``index_dir`` is kept by default."""
    return Path(index_dir) / FILE_NAME


# --- documents as JSON --------------------------------------------------------------------------------------


def document_to_json(doc: Document) -> dict[str, Any]:
    """Every field of ``doc`` as JSON values (attachments without the local path they were read from)."""
    data = as_dict(doc)
    for attachment in data["attachments"]:
        attachment.pop("path", None)
    return data


def document_from_json(data: dict[str, Any]) -> Document:
    """The Document :func:`document_to_json` wrote (unknown keys ignored, so older payloads still load)."""
    known = set(Document.__dataclass_fields__)
    values = {key: value for key, value in data.items() if key in known}
    if values.get("index_no"):
        values["index_no"] = IndexNo(**values["index_no"])
    values["attachments"] = [Attachment(**item) for item in values.get("attachments") or []]
    values["related"] = [Link(**item) for item in values.get("related") or []]
    values["warnings"] = [Finding(**item) for item in values.get("warnings") or []]
    return Document(**values)


def content_fields(data: dict[str, Any]) -> dict[str, str]:
    """The content fields of a document's JSON as display text (what versions are compared and diffed on)."""
    shown: dict[str, str] = {}
    for name in CONTENT_FIELDS:
        value = data.get(name)
        if name == "index_no":
            value = (value or {}).get("raw", "") if isinstance(value, dict) else ""
        elif name == "keywords":
            value = "，".join(value or [])
        elif name == "attachments":
            value = "\n".join(
                " ".join(part for part in (item.get("name", ""), item.get("url", "")) if part)
                + (f"\n{item['text']}" if item.get("text") else "")
                for item in value or []
            )
        shown[name] = str(value or "")
    return shown


def content_digest(data: dict[str, Any]) -> str:
    """SHA-256 of a document's content fields: equal for two readings that differ only in page furniture."""
    blob = json.dumps(content_fields(data), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --- what one reading of a document contributes -------------------------------------------------------------


@dataclass
class Observation:
    """One reading of a document, made where it was read (a worker, for the cluster) and applied to the
    history by the ingest's lead (:meth:`History.apply`). Picklable."""

    doc_id: str
    digest: str  # content_digest of the payload
    document: bytes  # JSON of the whole document (UTF-8); b"" once pickled (``payload`` kept)
    raw_sha256: str
    raw_data: bytes  # the raw bytes; b"" once pickled (``raw`` kept)
    raw_size: int
    content_type: str
    at: str
    url: str
    status: int | None = None
    etag: str = ""
    last_modified: str = ""
    how: str = "file"
    source: str = ""
    locator: str = ""
    gone: str = ""  # a HOW_NOTICED code when the source says the document is withdrawn
    title: str = ""
    publisher: str = ""
    _payload: bytes | None = field(default=None, repr=False, compare=False)
    _raw: bytes | None = field(default=None, repr=False, compare=False)

    # Compressed only where the history stores them (a new version; raw bytes it does not hold): a document read
    # again with the same content and the same raw bytes costs no compression.

    @property
    def payload(self) -> bytes:
        """The document's JSON, zlib-compressed (level 6), as a version keeps it."""
        if self._payload is None:
            self._payload = zlib.compress(self.document, 6)
        return self._payload

    @property
    def raw(self) -> bytes:
        """The raw bytes, zlib-compressed (level 6), as the raw table keeps them."""
        if self._raw is None:
            self._raw = zlib.compress(self.raw_data, 6)
        return self._raw

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a cluster worker's reading sent to the lead) compressed, as before: the worker compresses."""
        state = dict(self.__dict__)
        state["_payload"], state["_raw"], state["document"], state["raw_data"] = self.payload, self.raw, b"", b""
        return state


def raw_of(record: RawRecord) -> tuple[bytes, str]:
    """The bytes a record was read from and their media type: the whole file for a file holding one document
    (a crawled page, a saved page), else the record as the reader found it (JSON of its fields)."""
    if not record.locator and record.source:
        try:
            data = Path(record.source).read_bytes()
        except OSError:
            data = b""
        if data:
            suffix = Path(record.source).suffix.lower()
            kind = "text/html" if suffix in (".html", ".htm", ".shtml") else "text/plain"
            if suffix in (".json", ".jsonl", ".jsonp"):
                kind = "application/json"
            return data, kind
    fields = {key: value for key, value in record.fields.items()}
    text = json.dumps(fields, ensure_ascii=False, indent=1, default=str)
    return text.encode("utf-8"), "application/json"


def observe(doc: Document, record: RawRecord, *, at: str | None = None) -> Observation:
    """The history's view of one reading of ``doc`` from ``record`` (its crawl metadata in ``record.fetch``)."""
    data = document_to_json(doc)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    raw, content_type = raw_of(record)
    fetch = record.fetch or {}
    how = "crawl" if fetch.keys() - {"gone"} else ("export" if record.locator else "file")  # gone alone: a snapshot's
    gone: dict = fetch["gone"] if isinstance(fetch.get("gone"), dict) else {}
    status = gone.get("status") or fetch.get("status")
    given = next(filter(None, map(_moment, (gone.get("at"), fetch.get("checked_at"), fetch.get("fetched_at")))), None)
    return Observation(
        doc_id=doc.id,
        digest=content_digest(data),
        document=payload,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        raw_data=raw,
        raw_size=len(raw),
        content_type=content_type,
        at=given or at or utc_now(),
        url=str(fetch.get("final_url") or fetch.get("url") or doc.url or ""),
        status=int(status) if isinstance(status, int) else None,
        etag=str(fetch.get("etag") or ""),
        last_modified=str(fetch.get("last_modified") or ""),
        how=how,
        source=doc.source,
        locator=doc.locator,
        gone=str(gone.get("how") or ""),
        title=doc.title,
        publisher=doc.publisher,
    )


# --- what readers of the history get ------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """One version of a document: its number (1 = first), content digest, first and last sighting (UTC ISO)."""

    n: int
    digest: str
    first_seen: str
    last_seen: str
    raw_sha256: str
    sightings: int


@dataclass(frozen=True)
class Sighting:
    """One reading of a document: where (URL; file and record), when, HTTP status, ETag, Last-Modified, the
    SHA-256 of the raw bytes, and how (crawl, file, export)."""

    n: int
    at: str
    url: str
    status: int | None
    etag: str
    last_modified: str
    raw_sha256: str
    how: str
    source: str
    locator: str


@dataclass(frozen=True)
class DocHistory:
    """A document's history: status (在线 / 已撤下), withdrawal (time last seen, how noticed: a HOW_NOTICED
    code), and its versions, oldest first."""

    doc_id: str
    status: str
    first_seen: str
    last_seen: str
    withdrawn_at: str
    withdrawn_how: str
    title: str
    publisher: str
    url: str
    versions: list[VersionInfo] = field(default_factory=list)

    @property
    def latest(self) -> int:
        return self.versions[-1].n if self.versions else 0

    @property
    def withdrawn_label(self) -> str:
        return HOW_NOTICED.get(self.withdrawn_how, self.withdrawn_how)


@dataclass(frozen=True)
class VersionRecord:
    """One version in full: its info, the document (every field) and the content fields as display text."""

    doc_id: str
    info: VersionInfo
    document: Document
    fields: dict[str, str]


@dataclass(frozen=True)
class RawBlob:
    sha256: str
    size: int
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Change:
    """An event: ``kind`` one of EVENT_KINDS, at ``at`` (UTC ISO), of version ``n`` of ``doc_id``; ``how`` the
    HOW_NOTICED code of a withdrawal, or a takedown's reason. ``id`` increases with time (a cursor)."""

    id: int
    at: str
    doc_id: str
    n: int
    kind: str
    how: str
    title: str
    publisher: str


@dataclass(frozen=True)
class Takedown:
    id: int
    at: str
    doc_id: str
    title: str
    url: str
    reason: str
    versions: int


# --- the store ----------------------------------------------------------------------------------------------


class History:
    """The history file at ``path``. ``readonly`` opens it for the portal (a missing file reads as empty).

    Writers call :meth:`apply`, :meth:`withdraw`, :meth:`seen_again` and :meth:`takedown` and then
    :meth:`commit`; one connection per thread, so the portal's threads may share one History.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._local = threading.local()
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as db:
                db.executescript(_SCHEMA)

    # -- connections --

    def _open(self) -> sqlite3.Connection | None:
        if self.readonly:
            if not self.path.exists():
                return None
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._open()
            if db is None:
                raise _Missing
            self._local.db = db
        yield db

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        try:
            with self._connection() as db:
                return db.execute(sql, tuple(params)).fetchall()
        except _Missing:
            return []
        except sqlite3.OperationalError:
            if self.readonly:  # a history written before a table existed, or none yet
                return []
            raise

    def commit(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None and not self.readonly:
            db.commit()

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            if not self.readonly:
                db.commit()
            db.close()
            self._local.db = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --

    def apply(self, obs: Observation) -> str:
        """Record one reading: a new version when its content differs from the latest, a sighting always, a
        withdrawal when the source says so (``obs.gone``), a restoration when a withdrawn document is read
        online again. Returns the event recorded: ``new``, ``changed``, ``restored``, ``withdrawn`` or
        ``seen`` (same content, nothing else changed); ``taken_down`` (nothing recorded) for an id taken down.
        """
        with self._connection() as db:
            if self.is_taken_down(obs.doc_id):
                return "taken_down"
            if db.execute("SELECT 1 FROM raw WHERE sha256 = ?", (obs.raw_sha256,)).fetchone() is None:
                db.execute(
                    "INSERT INTO raw (sha256, size, content_type, data) VALUES (?, ?, ?, ?)",
                    (obs.raw_sha256, obs.raw_size, obs.content_type, obs.raw),
                )
            row = db.execute("SELECT * FROM documents WHERE doc_id = ?", (obs.doc_id,)).fetchone()
            event = "seen"
            if row is None:
                n = 1
                db.execute(
                    "INSERT INTO documents (doc_id, latest, first_seen, last_seen, status, title, publisher, url) "
                    "VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
                    (obs.doc_id, obs.at, obs.at, ONLINE, obs.title, obs.publisher, obs.url),
                )
                self._add_version(db, obs, n)
                event = "new"
            else:
                n = row["latest"]
                latest = db.execute(
                    "SELECT digest FROM versions WHERE doc_id = ? AND n = ?", (obs.doc_id, n)
                ).fetchone()
                if obs.gone:
                    pass  # the stored page is the last one received: no new reading of the content
                elif latest is None or latest["digest"] != obs.digest:
                    n += 1
                    self._add_version(db, obs, n)
                    event = "changed"
                else:
                    db.execute(
                        "UPDATE versions SET last_seen = max(last_seen, ?), raw_sha256 = ? WHERE doc_id = ? AND n = ?",
                        (obs.at, obs.raw_sha256, obs.doc_id, n),
                    )
                if row["status"] == WITHDRAWN and not obs.gone:
                    event = "restored" if event == "seen" else event
                db.execute(
                    "UPDATE documents SET latest = ?, last_seen = CASE WHEN ? = '' THEN max(last_seen, ?) "
                    "ELSE last_seen END, title = ?, publisher = ?, url = ? WHERE doc_id = ?",
                    (n, obs.gone, obs.at, obs.title, obs.publisher, obs.url, obs.doc_id),
                )
            db.execute(
                "INSERT INTO sightings (doc_id, n, at, url, status, etag, last_modified, raw_sha256, how, source, "
                "locator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    obs.doc_id,
                    n,
                    obs.at,
                    obs.url,
                    obs.status,
                    obs.etag,
                    obs.last_modified,
                    "" if obs.gone and row is not None else obs.raw_sha256,
                    obs.how,
                    obs.source,
                    obs.locator,
                ),
            )
            if event in ("new", "changed"):
                self._event(db, obs.at, obs.doc_id, n, event, "", obs.title, obs.publisher)
            if obs.gone:
                if self._withdraw(db, obs.doc_id, obs.gone, obs.at):
                    event = "withdrawn" if event == "seen" else event
            elif row is not None and row["status"] == WITHDRAWN:
                db.execute(
                    "UPDATE documents SET status = ?, withdrawn_at = '', withdrawn_how = '' WHERE doc_id = ?",
                    (ONLINE, obs.doc_id),
                )
                self._event(db, obs.at, obs.doc_id, n, "restored", "", obs.title, obs.publisher)
            return event

    def _add_version(self, db: sqlite3.Connection, obs: Observation, n: int) -> None:
        db.execute(
            "INSERT INTO versions (doc_id, n, digest, first_seen, last_seen, raw_sha256, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (obs.doc_id, n, obs.digest, obs.at, obs.at, obs.raw_sha256, obs.payload),
        )

    @staticmethod
    def _event(db, at: str, doc_id: str, n: int, kind: str, how: str, title: str, publisher: str) -> None:
        db.execute(
            "INSERT INTO events (at, doc_id, n, kind, how, title, publisher) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, doc_id, n, kind, how, title, publisher),
        )

    def _withdraw(self, db: sqlite3.Connection, doc_id: str, how: str, at: str) -> bool:
        row = db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None or row["status"] == WITHDRAWN:
            return False
        db.execute(
            "UPDATE documents SET status = ?, withdrawn_at = ?, withdrawn_how = ? WHERE doc_id = ?",
            (WITHDRAWN, at, how, doc_id),
        )
        self._event(db, at, doc_id, row["latest"], "withdrawn", how, row["title"], row["publisher"])
        return True

    def withdraw(self, doc_id: str, how: str, at: str | None = None) -> bool:
        """Mark ``doc_id`` 已撤下, noticed ``how`` (a HOW_NOTICED code) at ``at``; False when it is unknown or
        withdrawn already (nothing recorded)."""
        with self._connection() as db:
            return self._withdraw(db, doc_id, how, at or utc_now())

    def seen_again(self, doc_ids: Iterable[str], source: str, at: str | None = None) -> None:
        """A sighting of each of ``doc_ids`` in ``source``, a file the ingest found unchanged and did not read:
        the latest version's last sighting moves to ``at``. A withdrawn or unknown id is passed over.

        Set-based (the ids in a temporary table, four statements whatever their number): a nightly re-crawl sights
        nearly every document of the index."""
        at = at or utc_now()
        with self._connection() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS seen_ids (doc_id TEXT NOT NULL)")
            db.execute("DELETE FROM temp.seen_ids")
            db.executemany("INSERT INTO temp.seen_ids (doc_id) VALUES (?)", ((doc_id,) for doc_id in doc_ids))
            db.execute("DROP TABLE IF EXISTS temp.sighted")
            db.execute(
                "CREATE TEMP TABLE sighted AS SELECT s.rowid AS place, d.rowid AS document, v.rowid AS version, "
                "d.doc_id, d.latest, d.url, v.raw_sha256 FROM temp.seen_ids s JOIN documents d ON d.doc_id = s.doc_id "
                "JOIN versions v ON v.doc_id = d.doc_id AND v.n = d.latest WHERE d.status != ?",
                (WITHDRAWN,),
            )
            db.execute(
                "INSERT INTO sightings (doc_id, n, at, url, raw_sha256, how, source) "
                "SELECT doc_id, latest, ?, url, raw_sha256, 'file', ? FROM temp.sighted ORDER BY place",
                (at, source),
            )
            db.execute(
                "UPDATE versions SET last_seen = max(last_seen, ?) WHERE rowid IN (SELECT version FROM temp.sighted)",
                (at,),
            )
            db.execute(
                "UPDATE documents SET last_seen = max(last_seen, ?) WHERE rowid IN (SELECT document FROM temp.sighted)",
                (at,),
            )
            db.execute("DELETE FROM temp.seen_ids")
            db.execute("DROP TABLE temp.sighted")

    def takedown(self, doc_id: str, reason: str, at: str | None = None) -> Takedown | None:
        """Remove ``doc_id``'s versions, sightings and raw bytes no other version shares, and log what, when
        and why; later ingests skip the id. None when the history does not know ``doc_id``."""
        at = at or utc_now()
        with self._connection() as db:
            row = db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                return None
            count = db.execute("SELECT count(*) FROM versions WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            hashes = {
                r[0]
                for r in db.execute(
                    "SELECT raw_sha256 FROM sightings WHERE doc_id = ? UNION SELECT raw_sha256 FROM versions "
                    "WHERE doc_id = ?",
                    (doc_id, doc_id),
                )
            }
            for table in ("versions", "sightings"):
                db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
            for sha in hashes:
                shared = db.execute(
                    "SELECT 1 FROM sightings WHERE raw_sha256 = ? UNION SELECT 1 FROM versions WHERE raw_sha256 = ?",
                    (sha, sha),
                ).fetchone()
                if shared is None:
                    db.execute("DELETE FROM raw WHERE sha256 = ?", (sha,))
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            # The feeds keep that a takedown happened, not what the document said.
            db.execute("UPDATE events SET title = '', publisher = '' WHERE doc_id = ?", (doc_id,))
            self._event(db, at, doc_id, 0, "takedown", "", "", "")
            cursor = db.execute(
                "INSERT INTO takedowns (at, doc_id, title, url, reason, versions) VALUES (?, ?, ?, ?, ?, ?)",
                (at, doc_id, row["title"], row["url"], reason, count),
            )
            db.commit()
            return Takedown(cursor.lastrowid or 0, at, doc_id, row["title"], row["url"], reason, count)

    def log_takedown(self, doc_id: str, reason: str, *, title: str = "", url: str = "") -> Takedown:
        """Log a takedown of a document the history never recorded (the store held it alone)."""
        at = utc_now()
        with self._connection() as db:
            self._event(db, at, doc_id, 0, "takedown", "", "", "")
            cursor = db.execute(
                "INSERT INTO takedowns (at, doc_id, title, url, reason, versions) VALUES (?, ?, ?, ?, ?, 0)",
                (at, doc_id, title, url, reason),
            )
            db.commit()
            return Takedown(cursor.lastrowid or 0, at, doc_id, title, url, reason, 0)

    # -- reading --

    def is_taken_down(self, doc_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM takedowns WHERE doc_id = ? LIMIT 1", (doc_id,)))

    def taken_down(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT doc_id FROM takedowns")}

    def takedown_of(self, doc_id: str) -> Takedown | None:
        """The latest takedown of ``doc_id``, or None when it was never taken down."""
        rows = self._rows("SELECT * FROM takedowns WHERE doc_id = ? ORDER BY id DESC LIMIT 1", (doc_id,))
        return Takedown(**dict(rows[0])) if rows else None

    def takedowns(self) -> list[Takedown]:
        """The takedown log, oldest first."""
        return [Takedown(**dict(row)) for row in self._rows("SELECT * FROM takedowns ORDER BY id")]

    def document(self, doc_id: str) -> DocHistory | None:
        """``doc_id``'s history, or None when the history does not know it."""
        rows = self._rows("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        if not rows:
            return None
        row = rows[0]
        versions = [
            VersionInfo(r["n"], r["digest"], r["first_seen"], r["last_seen"], r["raw_sha256"], r["count"])
            for r in self._rows(
                "SELECT v.n, v.digest, v.first_seen, v.last_seen, v.raw_sha256, "
                "(SELECT count(*) FROM sightings s WHERE s.doc_id = v.doc_id AND s.n = v.n) AS count "
                "FROM versions v WHERE v.doc_id = ? ORDER BY v.n",
                (doc_id,),
            )
        ]
        return DocHistory(
            row["doc_id"],
            row["status"],
            row["first_seen"],
            row["last_seen"],
            row["withdrawn_at"],
            row["withdrawn_how"],
            row["title"],
            row["publisher"],
            row["url"],
            versions,
        )

    def status(self, doc_id: str) -> str:
        """在线, 已撤下, or '' for an id the history does not know."""
        rows = self._rows("SELECT status FROM documents WHERE doc_id = ?", (doc_id,))
        return rows[0][0] if rows else ""

    def version(self, doc_id: str, n: int | None = None) -> VersionRecord | None:
        """Version ``n`` of ``doc_id`` (the latest when None), or None when there is no such version."""
        history = self.document(doc_id)
        if history is None or not history.versions:
            return None
        n = history.latest if n is None else n
        info = next((v for v in history.versions if v.n == n), None)
        if info is None:
            return None
        rows = self._rows("SELECT payload FROM versions WHERE doc_id = ? AND n = ?", (doc_id, n))
        data = json.loads(zlib.decompress(rows[0][0]).decode("utf-8"))
        return VersionRecord(doc_id, info, document_from_json(data), content_fields(data))

    def sightings(self, doc_id: str, n: int | None = None, *, limit: int = 100) -> list[Sighting]:
        """``doc_id``'s sightings (of version ``n`` only, when given), newest first, at most ``limit``."""
        where, params = ("doc_id = ?", [doc_id]) if n is None else ("doc_id = ? AND n = ?", [doc_id, n])
        rows = self._rows(
            f"SELECT n, at, url, status, etag, last_modified, raw_sha256, how, source, locator FROM sightings "
            f"WHERE {where} ORDER BY at DESC, id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [Sighting(**dict(row)) for row in rows]

    def raw(self, sha256: str) -> RawBlob | None:
        """The raw bytes stored under ``sha256`` (lower-case hex), or None."""
        rows = self._rows("SELECT sha256, size, content_type, data FROM raw WHERE sha256 = ?", (sha256.lower(),))
        if not rows:
            return None
        row = rows[0]
        return RawBlob(row["sha256"], row["size"], row["content_type"], zlib.decompress(row["data"]))

    def changes(
        self,
        *,
        since: str = "",
        until: str = "",
        kinds: Iterable[str] = (),
        publisher: str = "",
        doc_id: str = "",
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[Change]:
        """Events newest first: at or after ``since`` and before ``until`` (UTC ISO, or a date), of the given
        ``kinds`` (all when empty), whose publisher contains ``publisher``, of ``doc_id``, with an id below
        ``before_id`` (paging), at most ``limit``."""
        clauses: list[str] = []
        params: list[Any] = []
        if since:
            clauses.append("at >= ?")
            params.append(since)
        if until:
            clauses.append("at < ?")
            params.append(until)
        kinds = [kind for kind in kinds if kind in EVENT_KINDS]
        if kinds:
            clauses.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params += kinds
        if publisher:
            clauses.append("instr(publisher, ?) > 0")
            params.append(publisher)
        if doc_id:
            clauses.append("doc_id = ?")
            params.append(doc_id)
        if before_id is not None:
            clauses.append("id < ?")
            params.append(int(before_id))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", [*params, int(limit)])
        return [Change(**dict(row)) for row in rows]

    def doc_ids(self, status: str = "") -> list[str]:
        """Every id the history holds (of ``status`` only, when given), in id order."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        return [r[0] for r in self._rows(f"SELECT doc_id FROM documents {where} ORDER BY doc_id", params)]

    def stats(self) -> dict[str, int]:
        """Counts: documents, versions, sightings, raw blobs, and the compressed bytes of payloads and raw."""
        out = {}
        for name, sql in (
            ("documents", "SELECT count(*) FROM documents"),
            ("withdrawn", f"SELECT count(*) FROM documents WHERE status = '{WITHDRAWN}'"),
            ("versions", "SELECT count(*) FROM versions"),
            ("sightings", "SELECT count(*) FROM sightings"),
            ("raw_blobs", "SELECT count(*) FROM raw"),
            ("payload_bytes", "SELECT coalesce(sum(length(payload)), 0) FROM versions"),
            ("raw_bytes", "SELECT coalesce(sum(length(data)), 0) FROM raw"),
        ):
            rows = self._rows(sql)
            out[name] = int(rows[0][0]) if rows else 0
        return out


class _Missing(Exception):
    """The read-only history file does not exist (yet)."""
