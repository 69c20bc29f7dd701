"""Bulk data: a snapshot of every document as JSON Lines and CSV, a manifest, and the delta from an earlier snapshot.

A snapshot is a folder ``snapshot-<UTC time>`` (``snapshot-20261206T153000Z``) under the export folder::

    documents.jsonl.gz   one JSON object a line, one line a document, in id order (gzip, mtime 0)
    documents.csv.gz     the same records, one row each: lists and objects as JSON text (UTF-8 with BOM)
    delta.jsonl.gz       with a base: one line per document added, changed or withdrawn since the base
    manifest.json        what it holds: counts, and each file's bytes and SHA-256

Each record's ``content_sha256`` is the SHA-256 of the record's canonical JSON (keys sorted, no ASCII escapes)
without the fields that change when nothing published did (``fetched_at``, ``content_sha256``), so two snapshots
are compared by hash alone, whichever code wrote them. A document is ``added`` when its id is new, ``changed``
when its hash differs, and ``withdrawn`` when its id is gone or its ``state`` became ``withdrawn``. The formats are
in docs/bulk-data.md.

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
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import relations
from index.record import Document

FORMAT = "disclosure-portal-snapshot/1"
PREFIX = "snapshot-"
DOCUMENTS_JSONL = "documents.jsonl.gz"
DOCUMENTS_CSV = "documents.csv.gz"
DELTA_JSONL = "delta.jsonl.gz"
MANIFEST = "manifest.json"
VOLATILE = ("fetched_at", "content_sha256")  # left out of the content hash
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
    "content_sha256",
)


class SnapshotError(Exception):
    """A base snapshot that cannot be compared against: missing, damaged or not a snapshot."""


def record_of(doc: Document, state: str = ONLINE, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A document as a snapshot record (FIELDS, then ``extra``'s fields), its ``content_sha256`` filled in.

    Only what the publisher made public: the file the document was read from (``source``) is left out.
    """
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
        "kind": relations.kind(doc),
        "summary": doc.summary,
        "body": doc.body,
        "attachments": [attachment.to_dict() for attachment in doc.attachments],
        "related": [link.to_dict() for link in doc.related],
        "url": doc.url,
        "site": doc.site,
        "column": doc.column,
        "fetched_at": doc.fetched_at,
        "state": state,
        "content_sha256": "",
        **(extra or {}),
    }
    record["content_sha256"] = content_sha256(record)
    return record


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


def write_snapshot(
    records: Iterable[dict[str, Any]],
    export_dir: Path,
    base: Path | None = None,
    now: datetime | None = None,
    extras: dict[str, Callable[[Path], int]] | None = None,
) -> Path:
    """Write a snapshot of ``records`` (:func:`record_of`, each id once) into ``export_dir``; with ``base`` (an
    earlier snapshot folder) also its delta. ``extras`` names further files, each written by its function given
    the file's path and returning how many records it holds (the raw pages' WARC). Returns the new folder.

    The snapshot is written into a hidden folder and renamed when complete, so a reader never sees half of one.
    Raises SnapshotError for a base that cannot be read, before anything is written.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    base_hashes, base_manifest = (read_hashes(base), read_manifest(base)) if base is not None else ({}, None)
    export_dir.mkdir(parents=True, exist_ok=True)
    name = _free_name(export_dir, PREFIX + now.strftime("%Y%m%dT%H%M%SZ"))
    final, partial = export_dir / name, export_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    manifest = Manifest(FORMAT, name, now.isoformat(timespec="seconds").replace("+00:00", "Z"), 0, 0, 0)
    delta = Delta(base_manifest.name, base_manifest.created) if base_manifest else None
    seen: set[str] = set()
    with (
        _GzipText(partial / DOCUMENTS_JSONL) as jsonl,
        _GzipText(partial / DOCUMENTS_CSV, bom=True) as csv_file,
        _GzipText(partial / DELTA_JSONL) as delta_file,
    ):
        rows: csv.DictWriter | None = None
        for record in records:
            if rows is None:  # the first record sets the columns: FIELDS, then any fields added to every record
                rows = _csv_writer(csv_file, list(record))
            jsonl.write(_canonical(record, sort=False) + "\n")
            rows.writerow({key: _cell(value) for key, value in record.items()})
            manifest.documents += 1
            manifest.withdrawn += record.get("state") == WITHDRAWN
            seen.add(record["id"])
            if delta is not None:
                _delta_line(delta, delta_file, record, base_hashes.get(record["id"]))
        if rows is None:
            _csv_writer(csv_file, list(FIELDS))
        if delta is not None:  # in the base, online, and gone now
            for doc_id in sorted(set(base_hashes) - seen):
                if base_hashes[doc_id][1] != WITHDRAWN:
                    delta.withdrawn += 1
                    gone = {"change": "withdrawn", "id": doc_id, "content_sha256": "", "previous_sha256": ""}
                    delta_file.write(_canonical({**gone, "previous_sha256": base_hashes[doc_id][0]}, sort=False))
                    delta_file.write("\n")
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


def _free_name(export_dir: Path, name: str) -> str:
    """``name``, or ``name-02``, ``name-03`` … where a snapshot of that second exists (names still sort by time)."""
    candidate, number = name, 1
    while (export_dir / candidate).exists():
        number += 1
        candidate = f"{name}-{number:02d}"
    return candidate


def _delta_line(delta: Delta, out: io.TextIOBase, record: dict[str, Any], before: tuple[str, str] | None) -> None:
    """One line of the delta for ``record`` against its hash and state in the base, where it changed."""
    if before is None:
        change = "added"
    elif before[0] == record["content_sha256"]:
        return
    elif record.get("state") == WITHDRAWN and before[1] != WITHDRAWN:
        change = "withdrawn"
    else:
        change = "changed"
    setattr(delta, change, getattr(delta, change) + 1)
    line = {
        "change": change,
        "id": record["id"],
        "content_sha256": record["content_sha256"],
        "previous_sha256": before[0] if before else "",
        "record": record,
    }
    out.write(_canonical(line, sort=False) + "\n")


def snapshots(export_dir: Path) -> list[Path]:
    """The complete snapshots under ``export_dir``, oldest first (their names sort by time)."""
    if not export_dir.is_dir():
        return []
    return sorted(path for path in export_dir.iterdir() if path.name.startswith(PREFIX) and (path / MANIFEST).is_file())


def snapshot_on_or_before(export_dir: Path, day: str) -> Path:
    """The newest snapshot taken on or before ``day`` (``YYYY-MM-DD``, UTC): the base of a delta "since day".
    SnapshotError when there is none."""
    found = [path for path in snapshots(export_dir) if read_manifest(path).created[:10] <= day]
    if not found:
        raise SnapshotError(f"{export_dir}: no snapshot taken on or before {day} to compare against")
    return found[-1]


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
    """A CSV cell: text as it is, lists and objects as JSON text, numbers as digits, nothing as ""."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _csv_writer(out: io.TextIOBase, columns: list[str]) -> csv.DictWriter:
    """A CSV writer (RFC 4180: CRLF, quoted where needed) with its header row written; a record with a field
    not in ``columns`` raises ValueError."""
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
