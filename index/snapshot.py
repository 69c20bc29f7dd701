"""Bulk data: a snapshot of every document as JSON Lines and CSV, a manifest, and the delta from an earlier snapshot.

A snapshot is a folder ``snapshot-<UTC time>`` (``snapshot-20261206T153000Z``) under the export folder::

    documents.jsonl.gz   one JSON object a line, one line a document, in id order (gzip, mtime 0)
    documents.csv.gz     the same records, one row each: lists and objects as JSON text (UTF-8 with BOM), a cell
                         a spreadsheet would run as a formula guarded by a leading ``'`` (:func:`guard_cell`)
    versions.jsonl.gz    with a history: every version of every document, one line each (id, n, its record)
    delta.jsonl.gz       with a base: one line per document added, changed or withdrawn since the base
    manifest.json        what it holds: counts, and each file's bytes and SHA-256

Each record's ``content_sha256`` is the SHA-256 of the record's canonical JSON (keys sorted, no ASCII escapes)
without the fields that change when nothing published did (VOLATILE: fetch and sighting times, the version list),
so two snapshots are compared by hash alone, whichever code wrote them. Against an earlier snapshot a document is
``added`` when its id is new, ``changed`` when its hash differs, and ``withdrawn`` when its id is gone or its
``state`` became ``withdrawn``; since a day, the history's events say the same (:func:`history_base`). The formats
are in docs/bulk-data.md.

Errors: :class:`SnapshotError` for a base snapshot that is missing, damaged (a file's SHA-256 differs from its
manifest) or not a snapshot, naming the file.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import crossrefs, history
from index.history import DocHistory, History, VersionInfo
from index.record import RAW_FIELDS, Document

FORMAT = "disclosure-portal-snapshot/1"
PREFIX = "snapshot-"
DOCUMENTS_JSONL = "documents.jsonl.gz"
DOCUMENTS_CSV = "documents.csv.gz"
DELTA_JSONL = "delta.jsonl.gz"
VERSIONS_JSONL = "versions.jsonl.gz"
MANIFEST = "manifest.json"
# Left out of the content hash: they move when a page is merely seen again.
VOLATILE = ("fetched_at", "content_sha256", "first_seen", "last_seen", "versions")
ONLINE, WITHDRAWN = "online", "withdrawn"
CHANGES = ("added", "changed", "withdrawn")

# The record's fields, in order (the CSV's columns). ``state``: online or withdrawn.
FIELDS = (
    "id",
    "title",
    "index_no",
    "doc_no",
    "publisher",
    "publishers",
    "pub_date",
    "written_date",
    "category_scheme",
    "category_topic",
    "category_genre",
    "keywords",
    "validity",
    "disclosure",
    "kind",
    "summary",
    "body",
    "attachments",
    "related",
    "url",
    "site",
    "column",
    "fetched_at",
    "state",
    "withdrawn_at",
    "withdrawn_how",
    "first_seen",
    "last_seen",
    "versions",
    "content_sha256",
)
_FIELD_SET = frozenset(FIELDS)


# What a snapshot record gives an ingest that reads it back, by the field's own name: its published content. The
# rest the portal that wrote it made (``kind`` from the text; sightings from its history; the hashes), and an
# ingest makes them again; ``fetched_at`` goes into the record's fetch time, and a withdrawal (``state``,
# ``withdrawn_at``, ``withdrawn_how``) into how it was found gone (:func:`withdrawal`).
INPUT_FIELDS = tuple(name for name in RAW_FIELDS if name != "category")  # the snapshot holds its three parts
# Fields holding lists or objects: JSON text in the CSV's cells.
JSON_FIELDS = frozenset({"publishers", "keywords", "attachments", "related", "versions"})
_MARKS = frozenset({"id", "title", "body", "content_sha256"})


def is_record(item: Any) -> bool:
    """Whether a JSON object or CSV row is a snapshot's record (this module's, read back): it holds the id, title,
    body and ``content_sha256`` and no key FIELDS do not name."""
    return isinstance(item, Mapping) and _MARKS <= item.keys() and item.keys() <= _FIELD_SET


def input_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an ingest reads from a snapshot record (:func:`is_record`): INPUT_FIELDS by their own names, a CSV
    cell of a list or object parsed from its JSON text (kept as text where it is none), empty values left out (an
    empty 公开日期 stays empty: no other field is taken for it)."""
    fields: dict[str, Any] = {}
    for key in INPUT_FIELDS:
        value = item.get(key)
        if key in JSON_FIELDS and isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        if value not in (None, "", [], {}):
            fields[key] = value
    return fields


def withdrawn_how(how: Any) -> str:
    """A snapshot's ``withdrawn_how`` as a code of :data:`index.history.HOW_NOTICED` (``file_gone`` where it names
    none)."""
    return how if isinstance(how, str) and how in history.HOW_NOTICED else "file_gone"


def withdrawal(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """How a snapshot record (:func:`is_record`) the portal that wrote it held withdrawn (``state`` withdrawn) was
    found gone, as a re-crawl's sidecar says it (``{"gone": {"how", "at"}}``: :attr:`index.record.RawRecord.fetch`),
    so that an ingest reading it back keeps it 已撤下, noticed as and when it was; None for a record online. Read
    back as current, a withdrawn document was published again in the new index as if its source still held it."""
    if item.get("state") != WITHDRAWN:
        return None
    gone = {"how": withdrawn_how(item.get("withdrawn_how"))}
    if isinstance(at := item.get("withdrawn_at"), str) and at:
        gone["at"] = at
    return {"gone": gone}


def is_snapshot_folder(folder: Path) -> bool:
    """Whether ``folder`` is a snapshot (its manifest names this module's FORMAT). Walking a folder, an ingest reads
    only its DOCUMENTS_JSONL: the CSV holds the same records, the versions and the delta are history (an old version
    read as a document would win or lose by the conflict rule), the manifest is bookkeeping."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


class SnapshotError(Exception):
    """A base snapshot that cannot be compared against: missing, damaged or not a snapshot."""


def record_of(doc: Document, past: DocHistory | None = None) -> dict[str, Any]:
    """A document as a snapshot record (FIELDS), its ``content_sha256`` filled in; ``past`` (its history, where
    kept) gives the withdrawal (when and how it was noticed), first and last sighting, and the version list.

    Only what the publisher made public: the file the document was read from (``source``) is left out.
    """
    withdrawn = doc.status == history.WITHDRAWN or (past is not None and past.status == history.WITHDRAWN)
    record: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "index_no": doc.index_no.normalised if doc.index_no else "",
        "doc_no": doc.doc_no,
        "publisher": doc.publisher,
        "publishers": doc.publishers,
        "pub_date": doc.pub_date,
        "written_date": doc.written_date,
        "category_scheme": doc.category_scheme,
        "category_topic": doc.category_topic,
        "category_genre": doc.category_genre,
        "keywords": doc.keywords,
        "validity": doc.validity,
        "disclosure": doc.disclosure,
        "kind": crossrefs.kind(doc),
        "summary": doc.summary,
        "body": doc.body,
        "attachments": [attachment.to_dict() for attachment in doc.attachments],
        "related": [link.to_dict() for link in doc.related],
        "url": doc.url,
        "site": doc.site,
        "column": doc.column,
        "fetched_at": doc.fetched_at,
        "state": WITHDRAWN if withdrawn else ONLINE,
        "withdrawn_at": past.withdrawn_at if past and withdrawn else "",
        "withdrawn_how": past.withdrawn_how if past and withdrawn else "",
        "first_seen": past.first_seen if past else "",
        "last_seen": past.last_seen if past else "",
        "versions": [version_entry(v) for v in past.versions] if past else [],
        "content_sha256": "",
    }
    record["content_sha256"] = content_sha256(record)
    return record


def version_entry(info: VersionInfo) -> dict[str, Any]:
    """A version in a record's list: its number, first and last sighting, and the SHA-256 of its raw bytes."""
    return {
        "n": info.n,
        "first_seen": info.first_seen,
        "last_seen": info.last_seen,
        "raw_sha256": info.raw_sha256 or "",
    }


def content_sha256(record: dict[str, Any]) -> str:
    """SHA-256 (hex) of the record's canonical JSON without VOLATILE fields."""
    stable = {key: value for key, value in record.items() if key not in VOLATILE}
    return hashlib.sha256(_canonical(stable).encode("utf-8")).hexdigest()


@dataclass
class FileEntry:
    name: str
    bytes: int
    sha256: str
    records: int


@dataclass
class Delta:
    """What changed since ``base`` (a snapshot's name): counts per change, and the file listing each."""

    base: str
    base_created: str
    added: int = 0
    changed: int = 0
    withdrawn: int = 0


@dataclass
class Manifest:
    format: str
    name: str
    created: str  # ISO 8601 UTC
    documents: int
    online: int
    withdrawn: int
    files: list[FileEntry] = field(default_factory=list)
    delta: Delta | None = None

    def file(self, name: str) -> FileEntry | None:
        return next((entry for entry in self.files if entry.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        delta = Delta(**data["delta"]) if data.get("delta") else None
        files = [FileEntry(**entry) for entry in data.get("files", [])]
        fields = {key: data[key] for key in ("format", "name", "created", "documents", "online", "withdrawn")}
        return cls(**fields, files=files, delta=delta)


@dataclass
class Base:
    """What a delta is taken against: an earlier snapshot's hash and state of each id (:func:`snapshot_base`), or
    the history's events since a day, each id's change (:func:`history_base`)."""

    name: str  # the snapshot's name, or "since <day>"
    created: str
    hashes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (content_sha256, state)
    events: dict[str, str] | None = None  # id → added, changed or withdrawn

    def change(self, record: dict[str, Any]) -> str | None:
        """How ``record`` changed since the base, or None."""
        if self.events is not None:
            return self.events.get(record["id"])
        before = self.hashes.get(record["id"])
        if before is None:
            return "added"
        if before[0] == record["content_sha256"]:
            return None
        return "withdrawn" if record.get("state") == WITHDRAWN and before[1] != WITHDRAWN else "changed"

    def gone(self, seen: set[str]) -> list[str]:
        """Ids online at the base (or withdrawn since the day) that no record holds now: removed from the store."""
        if self.events is not None:
            return sorted(
                doc_id for doc_id, change in self.events.items() if change == "withdrawn" and doc_id not in seen
            )
        return sorted(doc_id for doc_id, (_, state) in self.hashes.items() if doc_id not in seen and state != WITHDRAWN)


def snapshot_base(snapshot: Path) -> Base:
    """An earlier snapshot as a delta's base (its files checked against its manifest first)."""
    manifest = read_manifest(snapshot)
    return Base(manifest.name, manifest.created, hashes=read_hashes(snapshot))


# A history event's kind → the delta's change (restored: back online, so changed; takedown: gone)
EVENT_CHANGES = {"new": "added", "changed": "changed", "restored": "changed", "withdrawn": "withdrawn"}


def history_base(past: History, day: str) -> Base:
    """The history's events at or after ``day`` (UTC ``YYYY-MM-DD``) as a delta's base: each id's newest event
    decides, except that a document first seen since the day is ``added`` while it is online; a legal takedown
    is ``withdrawn``."""
    newest: dict[str, str] = {}
    new_since: set[str] = set()
    before_id = None
    while batch := past.changes(since=day, before_id=before_id, limit=1000):
        for event in batch:  # newest first
            newest.setdefault(event.doc_id, EVENT_CHANGES.get(event.kind, "withdrawn"))
            if event.kind == "new":
                new_since.add(event.doc_id)
        before_id = batch[-1].id
    events = {
        doc_id: "added" if doc_id in new_since and change != "withdrawn" else change
        for doc_id, change in newest.items()
    }
    return Base(f"since {day}", day, events=events)


def write_snapshot(
    records: Iterable[dict[str, Any]],
    export_dir: Path,
    base: Base | None = None,
    now: datetime | None = None,
    extras: dict[str, Callable[[Path], int]] | None = None,
) -> Path:
    """Write a snapshot of ``records`` (:func:`record_of`, each id once) into ``export_dir``; with ``base`` also
    the delta from it. ``extras`` names further files, each written by its function given the file's path and
    returning how many records it holds (every version, the raw pages' WARC). Returns the new folder.

    The snapshot is written into a hidden folder and renamed when complete, so a reader never sees half of one.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    export_dir.mkdir(parents=True, exist_ok=True)
    name = _free_name(export_dir, PREFIX + now.strftime("%Y%m%dT%H%M%SZ"))
    final, partial = export_dir / name, export_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    manifest = Manifest(FORMAT, name, now.isoformat(timespec="seconds").replace("+00:00", "Z"), 0, 0, 0)
    delta = Delta(base.name, base.created) if base is not None else None
    seen: set[str] = set()
    with (
        _GzipText(partial / DOCUMENTS_JSONL) as jsonl,
        _GzipText(partial / DOCUMENTS_CSV, bom=True) as csv_file,
        _GzipText(partial / DELTA_JSONL) as delta_file,
    ):
        rows = _csv_writer(csv_file, list(FIELDS))
        for record in records:
            jsonl.write(_canonical(record, sort=False) + "\n")
            rows.writerow({key: _cell(value) for key, value in record.items()})
            manifest.documents += 1
            manifest.withdrawn += record.get("state") == WITHDRAWN
            seen.add(record["id"])
            if base is not None and delta is not None:
                change = base.change(record)
                if change:
                    before = base.hashes.get(record["id"], ("", ""))[0]
                    _delta_line(delta, delta_file, change, record["id"], record["content_sha256"], before, record)
        if base is not None and delta is not None:
            for doc_id in base.gone(seen):
                before = base.hashes.get(doc_id, ("", ""))[0]
                _delta_line(delta, delta_file, "withdrawn", doc_id, "", before, None)
    manifest.online = manifest.documents - manifest.withdrawn
    manifest.files = [_entry(partial / name, manifest.documents) for name in (DOCUMENTS_JSONL, DOCUMENTS_CSV)]
    if delta is not None:
        manifest.delta = delta
        manifest.files.append(_entry(partial / DELTA_JSONL, delta.added + delta.changed + delta.withdrawn))
    else:
        (partial / DELTA_JSONL).unlink()
    for extra, write in (extras or {}).items():
        manifest.files.append(_entry(partial / extra, write(partial / extra)))
    (partial / MANIFEST).write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    os.replace(partial, final)
    return final


def write_jsonl(path: Path, lines: Iterable[dict[str, Any]]) -> int:
    """``lines`` as gzip'd JSON Lines at ``path`` (mtime 0, like the snapshot's own files); returns how many."""
    count = 0
    with _GzipText(path) as out:
        for line in lines:
            out.write(_canonical(line, sort=False) + "\n")
            count += 1
    return count


def _free_name(export_dir: Path, name: str) -> str:
    """``name``, or ``name-02``, ``name-03`` … where a snapshot of that second exists (names still sort by time)."""
    candidate, number = name, 1
    while (export_dir / candidate).exists():
        number += 1
        candidate = f"{name}-{number:02d}"
    return candidate


def _delta_line(
    delta: Delta,
    out: io.TextIOBase,
    change: str,
    doc_id: str,
    now_sha256: str,
    before_sha256: str,
    record: dict[str, Any] | None,
) -> None:
    """One line of the delta (``record`` null for a document no longer in the store), counted."""
    setattr(delta, change, getattr(delta, change) + 1)
    line = {"change": change, "id": doc_id, "content_sha256": now_sha256, "previous_sha256": before_sha256}
    out.write(_canonical({**line, "record": record}, sort=False) + "\n")


def snapshots(export_dir: Path) -> list[Path]:
    """The complete snapshots under ``export_dir``, oldest first (their names sort by time)."""
    if not export_dir.is_dir():
        return []
    return sorted(path for path in export_dir.iterdir() if path.name.startswith(PREFIX) and (path / MANIFEST).is_file())


def read_manifest(snapshot: Path) -> Manifest:
    """A snapshot's manifest; SnapshotError naming the file when it is missing or not one."""
    path = snapshot / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.from_json(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{path}: not a snapshot manifest ({exc})") from None
    if manifest.format != FORMAT:
        raise SnapshotError(f"{path}: format {manifest.format!r}, expected {FORMAT!r}")
    return manifest


def read_records(snapshot: Path) -> Iterator[dict[str, Any]]:
    """The records of a snapshot's documents.jsonl.gz, after checking its SHA-256 against the manifest."""
    path = snapshot / DOCUMENTS_JSONL
    entry = read_manifest(snapshot).file(DOCUMENTS_JSONL)
    if entry is None or not path.is_file():
        raise SnapshotError(f"{path}: missing from the snapshot")
    if sha256_of(path) != entry.sha256:
        raise SnapshotError(f"{path}: damaged (its SHA-256 differs from {MANIFEST})")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                yield json.loads(line)
            except ValueError as exc:
                raise SnapshotError(f"{path} line {number}: not JSON ({exc})") from None


def read_hashes(snapshot: Path) -> dict[str, tuple[str, str]]:
    """id → (content_sha256, state) of every document in an earlier snapshot."""
    return {
        record["id"]: (record.get("content_sha256", ""), record.get("state", ONLINE))
        for record in read_records(snapshot)
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(path: Path, records: int) -> FileEntry:
    return FileEntry(path.name, path.stat().st_size, sha256_of(path), records)


def _canonical(value: Any, sort: bool = True) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=sort, separators=(",", ":"))


def _cell(value: Any) -> str:
    """A CSV cell: text as it is, lists and objects as JSON text, numbers as digits, nothing as ""; guarded against
    running as a formula (:func:`guard_cell`)."""
    if value is None:
        return ""
    return guard_cell(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


# A cell a spreadsheet opens as a formula: one starting with =, +, -, @, a tab or a carriage return (OWASP, "CSV
# Injection"), after any ``'`` already guarding it (so that the guard is undone exactly: :func:`unguard_cell`).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def guard_cell(text: str) -> str:
    """A CSV cell of the snapshot (documents.csv.gz, opened in Excel) that a spreadsheet would run as a formula (a
    crawled title ``=HYPERLINK("http://…","点此")``), with a ``'`` put before it so that it is read as text, as
    OWASP's "CSV Injection" guidance says; a cell that opens with ``'`` before such a character gets one more, so
    that :func:`unguard_cell` gives back every cell exactly. Other cells as they are."""
    return "'" + text if _FORMULA.match(text) else text


def unguard_cell(text: str) -> str:
    """A cell of the portal's own documents.csv.gz as it was before :func:`guard_cell`: one ``'`` fewer before a
    formula's first character; any other cell as it is. Only for the portal's own export (a header of FIELDS:
    :func:`is_record`): a third-party CSV's ``'`` is its own text."""
    return text[1:] if text[:1] == "'" and _FORMULA.match(text) else text


def _csv_writer(out: io.TextIOBase, columns: list[str]) -> csv.DictWriter:
    """A CSV writer (RFC 4180: CRLF, quoted where needed) with its header row written; a record with a field
    not in ``columns`` raises ValueError, one without some gets empty cells."""
    rows = csv.DictWriter(out, fieldnames=columns, extrasaction="raise", lineterminator="\r\n")
    rows.writeheader()
    return rows


class _GzipText(io.TextIOWrapper):
    """A UTF-8 text file written through gzip with mtime 0, so equal content gives equal bytes (and checksums)."""

    def __init__(self, path: Path, bom: bool = False) -> None:
        self._raw = path.open("wb")
        super().__init__(gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, filename=""), encoding="utf-8")
        self._bom = bom
        self._written = False

    def write(self, text: str) -> int:
        if not self._written and self._bom:
            super().write("\ufeff")
        self._written = True
        return super().write(text)

    def close(self) -> None:
        super().close()
        self._raw.close()
