"""A PDF's text, read in a child process that is killed when it takes too long.

A PDF costs what its content streams expand to, not its size: an 8 KB file whose pages all share one
compressed content stream gave 10 million characters in 55 s, holding the ingest lock. So the text is read by
``python -m index.pdftext`` (pypdf), which stops at ``PORTAL_MAX_PDF_PAGES`` pages and at ``PORTAL_MAX_DOC_CHARS``
characters (inside a page too: pypdf's text visitor counts as it goes), may use CHILD_MEMORY bytes, and sends
each page's text as one JSON line as soon as it has it. The ingest gives it ``PORTAL_MAX_ATTACHMENT_SECONDS`` of
wall time, counted from when the child says it is ready (its interpreter started and pypdf imported: on a busy
machine that alone can take a second, which is not the file's cost), then kills it and keeps the pages it sent.
A child not ready within STARTUP_SECONDS is killed as well. Whatever stopped the reading early is said:
:attr:`PdfText.cut` names the limit. (pypdf has limits of its own: it inflates no stream past 75 MB, parses a
stream's operators up to a budget, and reads a page tree of at most 100,000 entries; past them the file is
unreadable.)
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from index.limits import Limits

_ROOT = Path(__file__).resolve().parent.parent  # the child imports this package from here
CHILD_MEMORY = 1024 * 1024 * 1024  # bytes of address space the reading process may use; past it, unreadable
STARTUP_SECONDS = 60.0  # for the child to start and import pypdf, before the file's own time limit starts
_READY = b'{"ready": true}\n'


@dataclass(frozen=True)
class PdfText:
    text: str  # the pages read, separated by blank lines
    cut: str = ""  # why the reading stopped before the end ("" when it did not), naming the limit


def pdf_text(data: bytes, limits: Limits) -> PdfText:
    """The text of a PDF's bytes, bounded by ``limits`` (pages, characters, seconds; see the module docstring).

    Raises ValueError for a file pypdf cannot read (not a PDF, damaged, encrypted with a password), with its
    message, and for a reader process that died without saying why.
    """
    if b"%PDF-" not in data[:1024]:
        raise ValueError("not a PDF file")
    command = [sys.executable, "-m", "index.pdftext", str(limits.max_pdf_pages), str(limits.max_doc_chars)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], STARTUP_SECONDS)
    # the child writes nothing more before it has the file, so this line is all there is to read
    first = child.stdout.readline() if ready else b""
    if first != _READY:
        child.kill()
        _out, err = child.communicate()
        try:
            reason = str(json.loads(first)["error"])
        except (ValueError, KeyError, TypeError):
            lines = err.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"not ready in {STARTUP_SECONDS:g} s"
        raise ValueError(f"the PDF reader did not start: {reason}")
    timed_out = False
    try:
        out, err = child.communicate(data, timeout=limits.max_attachment_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        child.kill()
        out, err = child.communicate()
    pages: list[str] = []
    cut = ""
    for line in out.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            break  # the last line, cut short by the kill
        if "text" in message:
            pages.append(message["text"])
        elif "error" in message:
            raise ValueError(message["error"])
        elif "cut" in message:
            cut = message["cut"]
    if timed_out:
        cut = (
            f"stopped after PORTAL_MAX_ATTACHMENT_SECONDS={limits.max_attachment_seconds} s, {len(pages):,} pages read"
        )
    elif child.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {child.returncode}"]
        raise ValueError(f"the PDF reader stopped: {last[0]}")
    return PdfText("\n\n".join(text for text in pages if text), cut)


# --- the child process -------------------------------------------------------------------------------


class _Enough(Exception):
    """Raised inside pypdf's text visitor once a page has given the characters left."""


def _page_text(page, left: int) -> tuple[str, bool]:
    """(a page's text, whether it was cut at ``left`` characters)."""
    seen: list[str] = []
    count = 0

    def visit(text: str, *_args) -> None:
        nonlocal count
        seen.append(text)
        count += len(text)
        if count > left:
            raise _Enough

    try:
        return (page.extract_text(visitor_text=visit) or "").strip(), False
    except _Enough:
        return "".join(seen)[:left].strip(), True


def _emit(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """``python -m index.pdftext MAX_PAGES MAX_CHARS`` < file.pdf: one JSON line per page read (``text``), then
    ``cut`` naming the limit that stopped it, if one did; ``error`` and status 1 for a file it cannot read."""
    max_pages, max_chars = int(argv[0]), int(argv[1])
    # pypdf inflates no stream past 75 MB (its own limit), but a file may hold many: the process is bounded too
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    try:
        from pypdf import PdfReader

        sys.stdout.buffer.write(_READY)
        sys.stdout.flush()
        reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()))
        if reader.is_encrypted:
            reader.decrypt("")  # most "encrypted" government PDFs only restrict printing
        total = len(reader.pages)
        left = max_chars
        for number in range(min(total, max_pages)):
            text, cut = _page_text(reader.pages[number], left)
            _emit({"text": text})
            left -= len(text)
            if cut or left <= 0:
                _emit({"cut": f"stopped at PORTAL_MAX_DOC_CHARS={max_chars:,} characters, on page {number + 1:,}"})
                return 0
        if total > max_pages:
            _emit({"cut": f"read {max_pages:,} of {total:,} pages (PORTAL_MAX_PDF_PAGES={max_pages:,})"})
    # pypdf raises many exception types on damaged files (struct, zlib, KeyError, its own): all mean unreadable
    except Exception as exc:
        _emit({"error": str(exc) or type(exc).__name__})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
