"""Attachment text (PDF, DOCX, plain text, HTML), so words that live only in an attachment are found.

Supported kinds: ``pdf`` (pypdf, in a child process bounded in pages, characters and time:
:mod:`index.pdftext`), ``docx`` (python-docx: paragraphs and table cells), ``txt`` (charset detected),
``html``/``htm``. Legacy binary Office files (``doc``, ``xls``, ``wps``, ``et``),
spreadsheets, archives and OFD are not read: :func:`extract_text` returns "" for them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

from index.decoding import decode_text
from index.htmltext import decode_html, html_to_text, kind_of
from index.limits import DEFAULTS, Limits
from index.pdftext import pdf_text
from index.record import Attachment, Finding

# Larger files are skipped: a scanned 500-page PDF has no text worth the time, and the ingest
# must not stall on one document.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class AttachmentError(Exception):
    """An attachment whose text could not be read (corrupt, encrypted, not what its name says)."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.name else self.message


def extract_text(
    data: bytes, kind: str, name: str = "", findings: list[Finding] | None = None, bounds: Limits = DEFAULTS
) -> str:
    """The text of an attachment's bytes; "" for kinds not supported (see the module docstring).

    ``bounds`` are the ingest's limits (PORTAL_MAX_EXPANDED_MB, PORTAL_MAX_PDF_PAGES …), handed down by its
    coordinator; the built-in defaults where none are given.

    A PDF is read in a child process bounded in pages, characters and seconds (:mod:`index.pdftext`); when a
    limit cuts it short, the text read so far is returned and an ``attachment_truncated`` finding naming
    the file and the limit is added to ``findings``.
    Raises :class:`AttachmentError` for a file that cannot be read, never a parser's own exception.
    """
    kind = _real_kind(data, kind.lower().lstrip("."))
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return ""
    try:
        if kind == "pdf":
            read = pdf_text(data, bounds)
            if read.cut and findings is not None:
                findings.append(
                    Finding("attachment_truncated", "attachments", f"附件只读了一部分（{name or 'PDF'}: {read.cut}）")
                )
            return read.text.strip()
        return extractor(data, bounds).strip()
    # pypdf and python-docx raise many exception types on damaged files (struct, zlib, KeyError,
    # their own); any of them means the same thing to the caller: this attachment is unreadable.
    except Exception as exc:
        raise AttachmentError(name, f"cannot read {kind}: {str(exc) or type(exc).__name__}") from exc


def _real_kind(data: bytes, kind: str) -> str:
    """The kind the bytes are where they contradict the name (DOCX saved as .doc, PDF served as download.do)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and kind in ("doc", "docx", "wps") and _is_docx(data):
        return "docx"
    return kind


def _is_docx(data: bytes) -> bool:
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def docx_text(data: bytes, bounds: Limits = DEFAULTS) -> str:
    """The paragraphs and table cells of a DOCX, in document order, one per line; ValueError past
    ``bounds.max_expanded_bytes`` uncompressed (:func:`check_expanded_size`)."""
    from docx import Document  # imported here: only ingests that meet a DOCX pay for it

    if not data.startswith(b"PK"):
        raise ValueError("not a DOCX (zip) file")
    check_expanded_size(data, bounds.max_expanded_bytes)
    return "\n".join(line for line in _docx_lines(Document(io.BytesIO(data))) if line.strip())


def check_expanded_size(data: bytes, limit: int) -> None:
    """Raise ValueError naming PORTAL_MAX_EXPANDED_MB if the zip's members expand past ``limit`` bytes.

    Both counts are checked: the sizes the archive declares (free to read), then the bytes its members
    really inflate to, read a block at a time and given up on at the limit, so a zip bomb costs at
    most ``limit`` bytes of work and none of memory.
    """
    mb = limit // (1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        declared = sum(member.file_size for member in members)
        if declared > limit:
            raise ValueError(f"expands to {declared / 1024 / 1024:,.0f} MB, over PORTAL_MAX_EXPANDED_MB={mb} MB")
        inflated = 0
        for member in members:
            with archive.open(member) as handle:
                while block := handle.read(1 << 20):
                    inflated += len(block)
                    if inflated > limit:
                        raise ValueError(f"expands past PORTAL_MAX_EXPANDED_MB={mb} MB")


def _docx_lines(container) -> Iterator[str]:
    """Lines of a python-docx document or table cell; a merged cell is read once, not per grid square."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            yield block.text
            continue
        for row in block.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    yield from _docx_lines(cell)


def plain_text(data: bytes) -> str:
    """A text file's content, whatever its encoding (UTF-8/16 by BOM, else detected)."""
    return decode_text(data)


def html_text(data: bytes) -> str:
    """The text of an HTML attachment, decoded and paragraphed as the HTML reader does pages."""
    return html_to_text(decode_html(data))


_EXTRACTORS: dict[str, Callable[[bytes, Limits], str]] = {
    "pdf": lambda data, bounds: pdf_text(data, bounds).text,  # extract_text also reports where it was cut
    "docx": docx_text,
    "txt": lambda data, _bounds: plain_text(data),
    "text": lambda data, _bounds: plain_text(data),
    "html": lambda data, _bounds: html_text(data),
    "htm": lambda data, _bounds: html_text(data),
}


def local_path(root: Path | None, attachment: dict) -> Path | None:
    """The existing file inside ``root`` that a raw attachment's ``path``, ``url`` or ``name`` points to.

    ``root`` is the folder a reader says the document's files may be in (the document's own folder;
    a crawl folder's ``<host>``). A reference is taken relative to it (an absolute one must lie inside
    it); web URLs and paths leading out of it are not followed (a crawled page must not make the
    ingest read ``../../etc/passwd`` into a public index). None where there is no such file.
    """
    if root is None:
        return None
    folder = root.resolve()
    return first_file(folder, lookups(folder, attachment))


def lookups(folder: Path, attachment: dict) -> list[Path]:
    """The paths :func:`local_path` looks for, in order (``path``, ``url``, ``name``), under the resolved
    ``folder``, before links are followed: whether one of them exists, and which, can change while the record
    naming them does not (:func:`index.ingest.files_state`)."""
    found: list[Path] = []
    for key in ("path", "url", "name"):
        reference = str(attachment.get(key) or "").strip()
        if not reference or _URL_SCHEME.match(reference) or reference.startswith("//"):
            continue
        relative = unquote(re.split(r"[?#]", reference, maxsplit=1)[0]).replace("\\", "/")
        if not relative.strip("/"):
            continue
        try:
            found.append(Path(relative) if Path(relative).is_absolute() else folder / relative.lstrip("/"))
        except ValueError:  # a NUL: names no file
            continue
    return found


def first_file(folder: Path, candidates: list[Path]) -> Path | None:
    """The first of ``candidates`` that is a file inside ``folder`` once links are followed, resolved; or None."""
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            if resolved.is_relative_to(folder) and resolved.is_file():
                return resolved
        # A reference the system cannot look up (longer than NAME_MAX or PATH_MAX, a NUL, a loop of links) names
        # no file here: an attachment name a page or export holds is text, not a path that must exist.
        except (OSError, ValueError):
            continue
    return None


def read_texts(attachments: list[Attachment], bounds: Limits = DEFAULTS) -> list[Finding]:
    """Fill in the text of every attachment with a local copy (``path``) and no text yet, held to ``bounds``.

    This is the one place attachment text is extracted, at ingest, whatever the source. A file
    that cannot be read keeps no text and gives a finding naming it, for the ingest report.
    """
    findings: list[Finding] = []
    for attachment in attachments:
        if attachment.path is None or attachment.text:
            continue
        try:
            attachment.text = file_text(attachment.path, attachment.kind, attachment.name, findings, bounds)
        except AttachmentError as exc:
            findings.append(Finding("attachment_unreadable", "attachments", f"附件无法读取（{exc}）"))
    return findings


def file_text(
    path: Path, kind: str = "", name: str = "", findings: list[Finding] | None = None, bounds: Limits = DEFAULTS
) -> str:
    """The text of an attachment file; raises :class:`AttachmentError` (too large, unopenable, unreadable).
    A limit that cuts the text short adds a finding to ``findings`` (:func:`extract_text`)."""
    name = name or path.name
    try:
        if path.stat().st_size > MAX_ATTACHMENT_BYTES:
            raise AttachmentError(name, f"larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB, not read")
        return extract_text(path.read_bytes(), kind or kind_of(path.name), name, findings, bounds)
    except OSError as exc:
        raise AttachmentError(name, f"cannot open: {exc.strerror or exc}") from exc
