"""The parts of the ingest every store shares: which files are documents (:func:`iter_files`), a record read,
bounded and normalised into a document (:func:`read_document`, :func:`read_records`; in worker processes,
:func:`read_elsewhere`), which of two versions under one id wins (:class:`Version`), and the report of what
happened (:class:`IngestReport`). The run that puts them together, the rules included, is :mod:`index.pipeline`;
each store answers its narrow write questions (:class:`index.query.protocols.StoreWriter`).

The rules both stores keep: the same document again is an update; unchanged content is skipped; every id any
file holds is held as the version the rules choose among those files (:meth:`Version.wins_over`), and
``prune`` removes documents no file under the paths holds any more. A bad file or record is reported with
its file, record and field, and the batch goes on: a failure reading, normalising or writing one record
costs that record (or, for a reader, the rest of that file), nothing else. Records are held to the limits
of :mod:`index.limits`.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import CancelledError, Future
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from index import history, limits, snapshot
from index.attachments import MAX_ATTACHMENT_BYTES, first_file, read_texts
from index.crawl.folder import PAGE_SUFFIXES, load_sidecar, sidecar_of
from index.decoding import file_name
from index.limits import Limits
from index.normalise import RejectedRecord, normalise
from index.query.protocols import Unwritable
from index.readers import Piece, read_passing
from index.readers.crawled import is_sidecar
from index.record import Document, Finding, RawRecord, ReadError
from index.schema import content_hash, dedup_key

# Files in a documents folder that are not documents.
_SKIPPED_NAMES = ("README", "LICENSE", "CHANGELOG", ".")
_SKIPPED_SUFFIXES = frozenset({".md", ".py", ".pyc", ".lock", ".tmp", ".part"})


@dataclass(frozen=True)
class Rejection:
    """A record (or file) that gives no document: where, the field to blame, why. ``empty`` says the record was
    read whole and holds none (neither title nor body: :class:`index.normalise.RejectedRecord`), so it hides no
    document the file held before; any other rejection may (a line that no longer parses, a file cut short)."""

    source: str
    locator: str
    field: str
    reason: str
    empty: bool = False

    def __str__(self) -> str:
        where = " ".join(part for part in (self.source, self.locator) if part)
        return f"{where}: " + (f"field {self.field}: " if self.field else "") + self.reason


@dataclass(frozen=True)
class DocWarning:
    doc_id: str
    where: str
    finding: Finding

    def __str__(self) -> str:
        # Shaped like a Rejection: a finding about the whole record (a CSV row cut short) names no field.
        field = f"field {self.finding.field}: " if self.finding.field else ""
        return f"{self.where} [{self.doc_id}]: {field}{self.finding.message}"


@dataclass(frozen=True)
class Duplicate:
    doc_id: str
    where: str
    duplicate_of: str  # the id of the first copy
    first_where: str = ""  # where that copy was read in this run, if it was

    def __str__(self) -> str:
        first = f" (read from {self.first_where})" if self.first_where else ""
        if self.doc_id == self.duplicate_of:
            return f"{self.where}: {self.doc_id} again{first}, read once"
        return f"{self.where}: same title and body as {self.duplicate_of}{first}; indexed, shown as one hit with it"


@dataclass(frozen=True)
class Conflict:
    """Two different documents under one id (one 索引号): the one kept and the one not indexed."""

    doc_id: str
    kept: str  # where the indexed version was read ("file record")
    kept_date: str  # its 公开日期
    dropped: str
    dropped_date: str

    def __str__(self) -> str:
        return (
            f"{self.doc_id}: two different documents: kept {self.kept} (公开日期 {self.kept_date or '—'}), "
            f"not {self.dropped} (公开日期 {self.dropped_date or '—'}); the later 公开日期 wins, then the later path"
        )


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)  # source gone (--prune): kept, marked 已撤下
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[DocWarning] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    files_read: int = 0
    files_unchanged: int = 0
    rebuilt: bool = False
    cleaned: list[str] = field(default_factory=list)  # leftovers of killed ingests, removed first

    def to_dict(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "withdrawn": len(self.withdrawn),
            "rejected": [{k: v for k, v in vars(r).items() if k != "empty"} for r in self.rejected],
            "warnings": [{"id": w.doc_id, "where": w.where, **w.finding.to_dict()} for w in self.warnings],
            "duplicates": [vars(d) for d in self.duplicates],
            "conflicts": [vars(c) for c in self.conflicts],
            "files_read": self.files_read,
            "files_unchanged": self.files_unchanged,
            "rebuilt": self.rebuilt,
            "cleaned": self.cleaned,
        }


def iter_files(paths: Iterable[Path], unreadable: list[Path] | None = None) -> Iterator[Path]:
    """Document files under ``paths`` (files as given, folders walked in name order; of a ``portal export``
    snapshot folder met on the walk, its documents.jsonl.gz: :func:`index.snapshot.is_snapshot_folder`).

    An entry of a folder that would be a document's file but is no regular file — a symbolic link to nothing (a
    store not mounted), a named pipe, a socket — is never opened (a pipe would block the run); it is appended to
    ``unreadable`` where that list is given (:func:`unreadable_reason` says why)."""
    snapshots: dict[Path, bool] = {}
    for path in paths:
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if not p.is_dir())
        for candidate in candidates:
            if candidate != path and candidate.name != snapshot.DOCUMENTS_JSONL:
                if candidate.parent not in snapshots:
                    snapshots[candidate.parent] = snapshot.is_snapshot_folder(candidate.parent)
                if snapshots[candidate.parent]:
                    continue
            relative = candidate.relative_to(path) if candidate != path else Path(candidate.name)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if candidate.name.startswith(_SKIPPED_NAMES) or candidate.suffix.lower() in _SKIPPED_SUFFIXES:
                continue
            if is_sidecar(candidate):
                continue
            if not candidate.is_file():
                if unreadable is not None:
                    unreadable.append(candidate)
                continue
            yield candidate


def unreadable_reason(path: Path) -> str:
    """Why the folder entry ``path`` cannot be read as a document's file (see :func:`iter_files`)."""
    if path.is_symlink():
        try:
            target = path.readlink()
        except OSError as exc:
            return f"a symbolic link that cannot be read ({exc.strerror}): what it held stays as it was"
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a → b → a: it never ends in a file
                return f"a symbolic link to {file_name(target)} that loops back on itself: what it held stays as it was"
        return f"a symbolic link to {file_name(target)}, which does not exist: what it held stays as it was"
    if path.is_fifo():
        return "a named pipe (FIFO), not a file: not read"
    return "not a regular file (a socket or a device): not read"


def existing(paths: Iterable[Path]) -> list[Path]:
    """``paths`` as a list of Paths; raises FileNotFoundError naming every one that does not exist."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    return paths


def under(source: str, roots: list[Path]) -> bool:
    """Whether the file ``source`` is one of ``roots`` or lies under one (what ``prune`` may remove)."""
    path = Path(source)
    return any(path == root or root in path.parents for root in roots)


def file_digest(path: Path) -> str:
    """SHA-1 of the file's bytes; for a crawled page also of how its sidecar says it was found gone, so a page
    a re-crawl found withdrawn is read again (index.history) though its stored bytes did not change."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if path.suffix.lower() in PAGE_SUFFIXES:
        sidecar = load_sidecar(sidecar_of(path)) or {}
        gone = sidecar.get("gone")
        if isinstance(gone, dict) and gone.get("how"):
            digest.update(f"\0gone:{gone['how']}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Version:
    """What decides between two documents under one id: content, 公开日期, and where each was read."""

    digest: str
    pub_date: str
    source: str  # the file, resolved: the same however a command line named it
    locator: str
    where: str  # as the report names it

    def wins_over(self, other: Version) -> bool:
        """Whether this version wins over ``other`` (:func:`precedence`): the same answer in whatever order they
        come."""
        return precedence(self.pub_date, self.source, self.locator) > precedence(
            other.pub_date, other.source, other.locator
        )


def precedence(pub_date: str, source: str, locator: str) -> tuple:
    """The order in which versions of one id win: the later 公开日期, then the later source path, then the later
    record in it, its numbers compared as numbers (``record 10`` after ``record 9``)."""
    numbered = tuple((text, int(n or 0)) for text, n in re.findall(r"(\D*)(\d*)", locator) if text or n)
    return (pub_date, source, numbered)


def read_document(record: RawRecord, bounds: Limits, report: IngestReport) -> Document | None:
    """The record as a bounded document with its attachments' text, or None (and a rejection) if it cannot be.
    Whatever a rule raises is a rejection naming the record's field that sets it off (see :func:`blamed_field`)."""

    def made(record: RawRecord) -> Document:
        doc = normalise(limits.checked_record(record, bounds))
        doc.warnings += read_texts(doc.attachments, bounds)
        limits.bound_attachment_text(doc, bounds)
        return doc

    try:
        doc = made(record)
    except RejectedRecord as exc:
        report.rejected.append(Rejection(exc.source, exc.locator, exc.field, exc.reason, empty=True))
        return None
    # Normalising runs many rules over text a hostile file chose: a failure in one costs this record only.
    except Exception as exc:
        held = record.fields

        def runs_without(names: list[str]) -> bool:
            return _runs(made, replace(record, fields={key: value for key, value in held.items() if key not in names}))

        field = _halved(list(held), runs_without)
        reason = f"could not be normalised: {type(exc).__name__}: {exc}"
        report.rejected.append(Rejection(record.source, record.locator, field, reason))
        return None
    if record.fetch and record.fetch.get("gone"):
        doc.status = history.WITHDRAWN  # a re-crawl found the page gone: kept, marked (index.history)
    return doc


T = TypeVar("T")


def per_record(work: Callable[[Document], T], doc: Document) -> T:
    """``work(doc)``: one step of making one record's document into what is kept of it (its :class:`Reading`, its
    index fields, its cluster row, the history's observation). Whatever such a step raises (a rule meeting a value
    it was not written for) costs this record only: it is raised as :class:`index.query.protocols.Unwritable`
    (``"TypeName: message"``) naming the document's field that sets it off (:func:`blamed_field`), which the ingest
    reports as the record's rejection. ``Unwritable`` raised by the step itself passes as it is."""
    try:
        return work(doc)
    except Unwritable:
        raise
    except Exception as exc:
        raise Unwritable(f"{type(exc).__name__}: {exc}", blamed_field(doc, work)) from exc


def blamed_field(doc: Document, work: Callable[[Document], object]) -> str:
    """The field of ``doc`` whose value makes ``work(doc)`` raise: of the fields holding a value, the one that set
    back to empty (its default, or "") lets ``work`` run, found by halving (:func:`_halved`); "" where no one field
    does (the step fails whatever the record holds)."""
    empty = {spec.name: _empty(spec) for spec in fields(doc)}
    held = [name for name, value in empty.items() if getattr(doc, name) != value]
    return _halved(held, lambda names: _runs(work, replace(doc, **{name: empty[name] for name in names})))


def _halved(names: list[str], runs_without: Callable[[list[str]], bool]) -> str:
    """Of ``names`` (a failed record's fields), the one whose leaving out lets the step run (``runs_without``),
    found by halving: about log2(len(names)) + 1 runs of the step, paid only for a record that failed; "" where no
    one field does."""
    while len(names) > 1:
        half = names[: len(names) // 2]
        names = half if runs_without(half) else names[len(half) :]
    return names[0] if names and runs_without(names) else ""


def _runs(work: Callable[[T], object], value: T) -> bool:
    try:
        work(value)
    except Exception:
        return False
    return True


def _empty(spec: Field) -> Any:
    if spec.default is not MISSING:
        return spec.default
    return spec.default_factory() if spec.default_factory is not MISSING else ""


def resolved(source: str) -> str:
    return str(Path(source).resolve()) if source else ""


@dataclass(frozen=True)
class Held:
    """What a store holds under one id: its content hash, the file it came from (resolved), and its copy group
    (documents of one group have the same title and body; None where it has none)."""

    digest: str
    source: str
    group: Hashable | None = None


@dataclass
class Reading:
    """One document read: what the rules decide on (its :class:`Version`, its copy key, its findings) and what the
    store writes. ``doc`` and ``record`` are there where it was read in this process; a store that reads elsewhere
    (the cluster's Dask workers) leaves them None and keeps its own ``handle`` on the document, with the
    ``observation`` the history records made where it was read."""

    doc_id: str
    version: Version
    source: str  # as the record names its file (``Version.source`` is resolved)
    dedup: str  # index.schema.dedup_key: "" for a document without a body
    warnings: list[Finding] = field(default_factory=list)
    doc: Document | None = None
    record: RawRecord | None = None
    observation: history.Observation | None = None
    handle: Any = None
    fingerprint: str = ""  # of the record read (index.ingest.fingerprint, piece_mark); "" where none is kept
    unchanged: bool = False  # the record is what the last ingest read there: not normalised (``doc`` is None)
    piece: Piece | None = None  # an unchanged record passed over unparsed: its piece of the file (``record`` None)
    fields: dict[str, Any] | None = None  # what the store writes of ``doc``, made where it was read (``sent``)

    @classmethod
    def of(cls, doc: Document, record: RawRecord | None = None, where: str = "") -> Reading:
        where = where or (record.where if record is not None else f"{doc.source} {doc.locator}".strip())
        version = Version(content_hash(doc), doc.pub_date, resolved(doc.source), doc.locator, where)
        return cls(doc.id, version, doc.source, dedup_key(doc), list(doc.warnings), doc, record)

    def sent(self, fields_of: Callable[[Document, str], dict[str, Any]] | None = None) -> Reading:
        """This reading as a worker that read it hands it back (:func:`read_elsewhere`): its history observation
        made (:meth:`observed`, pickled compressed; then ``record`` is dropped), and the store's fields of its
        document (``fields_of(doc, content hash)``, e.g. :func:`index.schema.to_fields`) where given (then ``doc``
        is dropped too): what no one needs any more is not sent (the pipeline decides on the version, the findings
        and the copy key). Whatever fails here is left undone, with what it needs kept: the process that uses the
        reading makes it again and fails as it would have, had it read the record itself."""
        try:
            self.observed()
        except Exception:
            self.observation = None
            return self
        self.record = None
        if fields_of is not None:
            try:
                assert self.doc is not None
                self.fields = fields_of(self.doc, self.version.digest)
            except Exception:
                self.fields = None
                return self
            self.doc = None
        return self

    def observed(self) -> history.Observation:
        """What the history records of this reading (:func:`index.history.observe`); raises
        :class:`index.query.protocols.Unwritable` where it cannot be made (:func:`per_record`)."""
        if self.observation is None:
            assert self.doc is not None and self.record is not None, "a reading made elsewhere brings its observation"
            self.observation = per_record(functools.partial(history.observe, record=self.record), self.doc)
        return self.observation


# What the last ingest read at a record's place in a file: (its fingerprint, id, content hash, 公开日期).
Known = dict[str, tuple[str, str, str, str]]


def fingerprint(record: RawRecord, bounds: Limits) -> str:
    """A hash of everything a record holds as its reader found it (fields, place, fetch metadata) and of the limits
    it is held to: the same fingerprint at the same place in a file, and normalising it again would give the
    document it gave last time (with the same code: an ingest that changes the normaliser builds afresh, as a
    file read unchanged is not read again either), as long as the files its attachments are read from are as they
    were (kept beside it: :func:`with_files`). "" for a crawled page (its file holds it alone, and its reading
    records the fetch in the history: HTTP status, ETag)."""
    if record.fetch:
        return ""
    held = [record.locator, record.fields, record.fetched_at, record.fetch, str(record.attachment_root), repr(bounds)]
    text = json.dumps(held, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def piece_mark(locator: str, text: str, bounds: Limits) -> str:
    """A hash of a piece of a file as written (a JSON Lines line: :class:`index.readers.Piece`), its place and the
    limits it is read under: what :func:`fingerprint` is of the record it holds, without parsing it (the same text at
    the same place gives the same record). Kept only for a piece that held one record, which :func:`fingerprint`
    keeps one of (not a crawled page). SHA-256 (in hardware on CPUs with the SHA extensions): hashing is most of
    what an unchanged line costs."""
    digest = _piece_hash(bounds).copy()
    digest.update(locator.encode("utf-8", "surrogatepass") + b"\0")
    try:
        digest.update(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate (the strict codec is twice as fast on everything else)
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


# A mark kept for a record whose attachments name local files: "<mark>|<files_state>|<looked-for files, JSON>".
_FILES = "|"


def with_files(mark: str, doc: Document, root: Path | None) -> str:
    """The mark to keep for a record (its :func:`fingerprint` or :func:`piece_mark`) that gave ``doc``, its
    attachments looked for in ``root`` (the record's ``attachment_root``): where they were looked for in local files
    (``Attachment.lookups``: the files read, and those named that did not exist), the mark followed by the state of
    those files (:func:`files_state`) and their list, so that a re-crawl finds the record unchanged only while they
    are as they were (:func:`still`). A record whose attachments name only web addresses, or no root, keeps its mark
    alone."""
    looked = [[str(path) for path in attachment.lookups] for attachment in doc.attachments]
    if not mark or root is None or not any(looked):
        return mark
    files = [str(root.resolve()), *looked]
    return _FILES.join((mark, files_state(files), json.dumps(files, ensure_ascii=False)))


def still(mark: str, kept: str) -> bool:
    """Whether a record whose mark is ``mark`` now is what the last ingest read under the mark it kept, ``kept``
    (:func:`with_files`): the same mark, and the files its attachments were looked for in as they were."""
    head, _, _ = kept.partition(_FILES)
    return bool(mark) and head == mark and files_still(kept)


def files_still(kept: str) -> bool:
    """Whether the files a kept mark names (:func:`with_files`) are as they were; True for a mark naming none."""
    _, _, rest = kept.partition(_FILES)
    if not rest:
        return True
    state, _, files = rest.partition(_FILES)
    try:
        return files_state(json.loads(files)) == state
    except (ValueError, TypeError, IndexError):  # a kept mark spoilt by hand: read the record again
        return False


def files_state(files: list) -> str:
    """A hash of what the ingest reads for each attachment, ``files`` being the folder they are looked for in and
    each attachment's ``lookups`` (in order): which of them is there (:func:`index.attachments.first_file`: the
    first file inside the folder, links followed) and the SHA-1 of its bytes (its size alone past
    ``MAX_ATTACHMENT_BYTES``: not read), or that none is. The text read from an attachment is a function of
    these and of the limits (which the mark holds)."""
    folder, *looked = files
    digest = hashlib.blake2b(digest_size=16)
    for candidates in looked:
        found = first_file(Path(folder), [Path(candidate) for candidate in candidates])
        digest.update(b"\0" + (_file_state(found) if found is not None else b"none"))
    return digest.hexdigest()


def _file_state(path: Path) -> bytes:
    """The file's resolved path and what of it an attachment's text depends on (see :func:`files_state`)."""
    named = str(path).encode("utf-8", "surrogatepass") + b"\0"
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            return named + f"over {size}".encode()
        digest = hashlib.sha1()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return named + digest.digest()
    except OSError as exc:  # read as unreadable, with this reason, as long as it stays so
        return named + f"error {exc.errno}".encode()


@functools.lru_cache(maxsize=8)
def _piece_hash(bounds: Limits):
    """The hash every piece mark under ``bounds`` starts from."""
    return hashlib.sha256(f"piece\0{bounds!r}\0".encode())


def read_records(
    path: Path,
    bounds: Limits,
    start: int = 0,
    stop: int | None = None,
    locators: set[str] | None = None,
    known: Known | None = None,
) -> Iterator[Reading | Rejection]:
    """:func:`read_steps`, each record left to normalise normalised here (:func:`normalised`), in record order."""
    for step in read_steps(path, bounds, start, stop, locators, known):
        if isinstance(step, ToRead):
            yield from normalised(step, bounds)
        else:
            yield step


def read_steps(
    path: Path,
    bounds: Limits,
    start: int = 0,
    stop: int | None = None,
    locators: set[str] | None = None,
    known: Known | None = None,
) -> Iterator[Reading | Rejection | ToRead]:
    """The documents of items ``start``–``stop`` (records and read errors, as :func:`index.readers.read_file`
    yields them) of the file at ``path`` (only the records ``locators`` names, where given), each read, bounded
    and normalised on its own, in record order; whatever fails is a :class:`Rejection` naming the file, the record
    and (where known) the field.

    A record whose mark is the one ``known`` holds for its place (what the last ingest of the file read there) is
    not normalised: its reading is ``unchanged``, with the id and version read last time (the record or its piece is
    kept, for :func:`reread` where the caller needs the document after all). The mark of a record alone in a piece of
    its file (a JSON Lines line) is its :func:`piece_mark`, compared before the piece is even parsed; of any other
    record, its :func:`fingerprint` (which a piece's record also matches, as an ingest before piece marks kept it);
    either followed, for a record whose attachments are looked for in local files, by those files' state
    (:func:`with_files`), which must be as it was too.
    A nightly re-crawl of a large file reads only what changed: parsing and normalising are the cost of a record.
    Each record to normalise is a :class:`ToRead`, in its place among the rest (what :func:`read_records` does with
    it here, a worker can do elsewhere: :func:`normalised`)."""
    current = ["", ""]  # the locator and mark of the piece the reader asked about last

    def passed(locator: str, text: str) -> bool:
        assert known is not None
        mark = piece_mark(locator, text, bounds)
        current[:] = [locator, mark]
        last = known.get(locator)
        return last is not None and still(mark, last[0])

    files: dict[str, str] = {}  # a record's file as named → resolved (one look-up per file, not per record)

    def version_known(item: RawRecord | Piece, last: tuple[str, str, str, str]) -> Version:
        source = files.get(item.source) or files.setdefault(item.source, resolved(item.source))
        return Version(last[2], last[3], source, item.locator, item.where)

    for position, item in enumerate(read_passing(path, bounds, passed if known is not None else None)):
        if position < start:
            continue
        if stop is not None and position >= stop:
            break
        if locators is not None and (isinstance(item, ReadError) or item.locator not in locators):
            continue
        if isinstance(item, ReadError):
            yield Rejection(item.source, item.locator, item.field, item.message)
            continue
        if isinstance(item, Piece):  # passed over: known, unchanged
            assert known is not None
            passed_over = known[item.locator]
            version = version_known(item, passed_over)
            yield Reading(
                passed_over[1], version, item.source, "", fingerprint=passed_over[0], unchanged=True, piece=item
            )
            continue
        mark = fingerprint(item, bounds) if known is not None else ""
        last = known.get(item.locator) if known is not None and mark else None
        if mark and current[1] and current[0] == item.locator:
            mark, field_mark = current[1], mark  # a piece's one record: kept by its piece's mark from now on
        else:
            field_mark = mark
        if last is not None and (still(mark, last[0]) or still(field_mark, last[0])):
            kept = mark + last[0][len(last[0].partition(_FILES)[0]) :]  # its files' state and list, as they were
            yield Reading(
                last[1], version_known(item, last), item.source, "", record=item, fingerprint=kept, unchanged=True
            )
            continue
        yield ToRead(item, mark)


@dataclass(frozen=True)
class ToRead:
    """A record :func:`read_steps` leaves to be normalised (:func:`normalised`), anywhere: the record as its reader
    found it and the mark its reading keeps (:func:`fingerprint` or :func:`piece_mark`; "" where none is kept)."""

    record: RawRecord
    mark: str


def normalised(step: ToRead, bounds: Limits) -> list[Reading | Rejection]:
    """The record of ``step`` read, bounded and normalised (:func:`read_document`): its reading, with the mark it
    keeps (:func:`with_files`), or the rejections saying why it has none. Depends on nothing but its arguments (and
    the attachment files the record names), so it runs in this process or in a worker alike."""
    return read_one(step.record, bounds, step.mark)


# A worker's job (:func:`read_elsewhere`): this many records to normalise (fewer at the end of a file), with at
# most this many readings in all (the rest read here: rejections, records known unchanged); and the jobs given
# out ahead of the one whose readings the ingest takes next, per worker.
JOB_RECORDS = 32
JOB_ITEMS = 512
JOBS_AHEAD = 2

Submit = Callable[..., "Future[list[list[Reading | Rejection]]]"]


def read_elsewhere(
    paths: list[Path],
    bounds: Limits,
    knowns: list[Known],
    submit: Submit,
    workers: int,
    fields_of: Callable[[Document, str], dict[str, Any]] | None = None,
) -> Iterator[Iterator[Reading | Rejection]]:
    """What :func:`read_records` gives of each file (``knowns``: of each, what the last ingest read), a file at a
    time and in order, the same readings and rejections in the same order; but each record to normalise is
    normalised by a job given to ``submit`` (a process pool's ``submit``: :func:`normalised_all`, a few dozen
    records a job, ``JOBS_AHEAD`` jobs a worker ahead of the readings taken), with its history observation and,
    where ``fields_of`` is given, the store's fields made there too (:meth:`Reading.sent`). The files are read
    here, record by record, as far ahead as the jobs given out reach (the next file's records included).

    A job the pool cancelled (its workers stopped for a commit: :class:`index.whoosh.writer.Workers`) is given
    out again, as are those behind it; whatever a job raises (a worker killed) is raised where its readings are
    taken."""
    ahead = _Ahead(paths, bounds, knowns, submit, max(1, workers) * JOBS_AHEAD, fields_of)
    return (ahead.file(number) for number in range(len(paths)))


def normalised_all(
    steps: list[ToRead], bounds: Limits, fields_of: Callable[[Document, str], dict[str, Any]] | None
) -> list[list[Reading | Rejection]]:
    """A worker's job (:func:`read_elsewhere`): each step :func:`normalised`, its reading made ready to send back
    (:meth:`Reading.sent`)."""
    found = []
    for step in steps:
        items = normalised(step, bounds)
        found.append([item.sent(fields_of) if isinstance(item, Reading) else item for item in items])
    return found


@dataclass
class _Job:
    """A stretch of one file's readings: those read here, and the records (``steps``) a worker normalises, each in
    its place (``items``: a reading or rejection, or the index of a step)."""

    number: int  # the file's, in the list read
    items: list[Reading | Rejection | int] = field(default_factory=list)
    steps: list[ToRead] = field(default_factory=list)
    future: Future | None = None


class _Ahead:
    """The jobs of :func:`read_elsewhere`, given out in file and record order, at most ``ahead`` not yet taken."""

    def __init__(
        self,
        paths: list[Path],
        bounds: Limits,
        knowns: list[Known],
        submit: Submit,
        ahead: int,
        fields_of: Callable[[Document, str], dict[str, Any]] | None,
    ) -> None:
        self.bounds, self.submit, self.ahead, self.fields_of = bounds, submit, ahead, fields_of
        self.jobs = self._jobs(paths, knowns)
        self.given: deque[_Job] = deque()
        self.done = False

    def file(self, number: int) -> Iterator[Reading | Rejection]:
        """The readings of file ``number``: its jobs' results, in order, as they come."""
        while True:
            self._give_out()
            if not self.given or self.given[0].number != number:
                return
            job = self.given.popleft()
            self._give_out()  # the workers kept busy while this job's readings are taken
            found = self._results(job)
            for item in job.items:
                if isinstance(item, int):
                    yield from found[item]
                else:
                    yield item

    def _jobs(self, paths: list[Path], knowns: list[Known]) -> Iterator[_Job]:
        for number, (path, known) in enumerate(zip(paths, knowns, strict=True)):
            job = _Job(number)
            for step in read_steps(path, self.bounds, known=known):
                if isinstance(step, ToRead):
                    job.items.append(len(job.steps))
                    job.steps.append(step)
                else:
                    job.items.append(step)
                if len(job.steps) >= JOB_RECORDS or len(job.items) >= JOB_ITEMS:
                    yield job
                    job = _Job(number)
            if job.items:
                yield job

    def _give_out(self) -> None:
        while not self.done and len(self.given) < self.ahead:
            job = next(self.jobs, None)
            if job is None:
                self.done = True
                return
            self._submit(job)
            self.given.append(job)

    def _submit(self, job: _Job) -> None:
        job.future = self.submit(normalised_all, job.steps, self.bounds, self.fields_of) if job.steps else None

    def _results(self, job: _Job) -> list[list[Reading | Rejection]]:
        if job.future is None:
            return []
        try:
            return job.future.result()
        except CancelledError:
            # The workers were stopped (a commit): this job and the cancelled ones behind it given out again.
            self._submit(job)
            for waiting in self.given:
                if waiting.future is not None and waiting.future.cancelled():
                    self._submit(waiting)
            return self._results(job)


def reread(reading: Reading, bounds: Limits) -> list[Reading | Rejection]:
    """An ``unchanged`` reading (:func:`read_records`) read in full after all: its document, or why it cannot be."""
    if reading.record is not None:
        records: list[RawRecord | ReadError] = [reading.record]
    else:
        assert reading.piece is not None, "an unchanged reading keeps its record or its piece"
        records = reading.piece.records()
    found: list[Reading | Rejection] = []
    for record in records:
        if isinstance(record, ReadError):
            found.append(Rejection(record.source, record.locator, record.field, record.message))
            continue
        for again in read_one(record, bounds):
            if isinstance(again, Reading) and record.locator == reading.version.locator:
                again.fingerprint = reading.fingerprint  # as kept, its files' state included
            found.append(again)
    return found


def read_one(record: RawRecord, bounds: Limits, mark: str = "") -> list[Reading | Rejection]:
    """The record's :class:`Reading` (its document, :func:`read_document`, kept under ``mark``: see
    :func:`with_files`), or the rejections saying why there is none: whatever making the reading raises is one
    naming the file, the record and the field (:func:`per_record`)."""
    report = IngestReport()
    doc = read_document(record, bounds, report)
    if doc is None:
        return list(report.rejected)

    def reading(doc: Document) -> Reading:
        made = Reading.of(doc, record)
        made.fingerprint = with_files(mark, doc, record.attachment_root)
        return made

    try:
        return [per_record(reading, doc)]
    except Unwritable as exc:
        return [Rejection(record.source, record.locator, exc.field, f"could not be indexed: {exc}")]
