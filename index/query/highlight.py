"""Highlighting: what a query matched, marked with ``<mark>`` in escaped text, and the snippet it sits in.

Matches are found by searching the stored text for the query's strings (one regular expression, each
character matching its full-width and other-case forms too), not by re-analysing the document. Both sides are
searched in simplified characters (:mod:`index.convert`, one character for one), so a traditional query marks
simplified text and the reverse, at the original's offsets: a quoted phrase
is marked whole and nothing less, unquoted words are marked as typed where the text holds them so,
otherwise word by word. Snippets are whole sentences, cut at a clause boundary where a sentence is too
long, with … wherever text was left out.
"""

from __future__ import annotations

import bisect
import functools
import html
import re

import numpy as np

from index.analysis import fold
from index.convert import to_simplified

SNIPPET_CHARS = 160
_SENTENCE_ENDS = np.array([ord(ch) for ch in "。！？；!?;"], np.uint32)
_CLAUSE_END = re.compile(r"[，、：,:]")


def _variants(ch: str) -> str:
    """A pattern for one character and its full-width and other-case forms (offsets stay the original's)."""
    forms = {ch}
    half = fold(ch)
    forms |= {half, half.lower(), half.upper()}
    forms |= {chr(ord(form) + 0xFEE0) for form in list(forms) if "!" <= form <= "~"}
    if ch.isspace():
        return r"\s"
    return re.escape(ch) if len(forms) == 1 else "[" + "".join(re.escape(f) for f in sorted(forms)) + "]"


def _pattern(needles: list[str]) -> re.Pattern[str] | None:
    """One pattern finding any needle, longest first."""
    return _compiled(tuple(needles))


@functools.lru_cache(maxsize=256)
def _compiled(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    """:func:`_pattern`'s pattern, made once for the needles of a page (its every title and snippet use it)."""
    alternatives = sorted({to_simplified(n.strip()) for n in needles if n and n.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile("|".join("".join(_variants(ch) for ch in needle) for needle in alternatives))


def spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every occurrence of any needle in ``text``, in order."""
    pattern = _pattern(needles)
    if pattern is None:
        return []
    # same length: the spans are the original's; no needle is empty, so no match is
    found = [match.span() for match in pattern.finditer(to_simplified(text))]
    if len(found) < 2:
        return found
    # finditer's matches are ascending and apart: one touching the one before (start == its end) joins it
    bounds = np.array(found, np.int64)
    first = np.flatnonzero(np.concatenate(([True], bounds[1:, 0] != bounds[:-1, 1])))
    last = np.append(first[1:] - 1, len(found) - 1)
    return list(zip(bounds[first, 0].tolist(), bounds[last, 1].tolist(), strict=True))


def marked(text: str, marks: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it in ``<mark>``."""
    end = len(text) if end is None else end
    out, index = [], start
    first = bisect.bisect_left(marks, (start,))  # marks are ascending and apart: the one before may reach in
    for mark_start, mark_end in marks[max(first - 1, 0) :]:
        if mark_start >= end:
            break
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        if mark_start >= mark_end:
            continue
        out.append(html.escape(text[index:mark_start]))
        out.append(f"<mark>{html.escape(text[mark_start:mark_end])}</mark>")
        index = mark_end
    out.append(html.escape(text[index:end]))
    return "".join(out)


def highlight_line(text: str, needles: list[str]) -> str:
    """A whole short text (a title) with its matches marked; '' when nothing matches."""
    marks = spans(text, needles)
    return marked(text, marks) if marks else ""


def snippet(text: str, needles: list[str], size: int = SNIPPET_CHARS) -> str:
    """The sentence(s) of ``text`` holding the most matches, marked, about ``size`` characters; '' for none."""
    marks = spans(text, needles)
    if not marks:
        return ""
    starts = sentence_starts(text)
    ends = np.append(starts[1:], len(text)).tolist()
    best = _best_sentence(starts, marks)
    start, end = int(starts[best]), ends[best]
    # Add the following sentences while they fit, so a short matching sentence comes with its context.
    for next_end in ends[best + 1 :]:
        if next_end - start > size:
            break
        end = next_end
    if end - start > size:
        start, end = _clause_window(text, start, end, marks, size)
    body = marked(text, marks, start, end).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text.rstrip()) else "")


def plain_snippet(text: str, size: int = 120) -> str:
    """The start of a text, escaped, for a hit with nothing to mark, cut at a clause boundary."""
    text = " ".join(text.split())
    if len(text) <= size:
        return html.escape(text)
    cut = _last_boundary(text, size)
    return html.escape(text[:cut]) + "…"


def sentence_starts(text: str) -> np.ndarray:
    """Where each sentence of ``text`` starts (``int64``, ascending, the first 0): a sentence is a run of other
    characters ended by a run of sentence ends (。！？；!?;) or of line breaks, or by the end of the text.

    The same cut as ``re.finditer(r"[^。！？；!?;\\n]*(?:[。！？；!?;]+|\\n+|$)", text)``, in one pass over the
    code points instead of a match object per sentence (a long body holds thousands)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")
    ends = codes == _SENTENCE_ENDS[0]
    for end in _SENTENCE_ENDS[1:]:  # seven comparisons: faster than np.isin's sort
        ends |= codes == end
    kind = np.where(ends, 1, np.where(codes == 10, 2, 0)).astype(np.int8)
    ended = np.flatnonzero((kind[:-1] != 0) & (kind[1:] != kind[:-1])) + 1  # after a run of ends or line breaks
    return np.concatenate(([0], ended))


def _best_sentence(starts: np.ndarray, marks: list[tuple[int, int]]) -> int:
    """The index of the sentence (of ``starts``) holding the most mark starts, then the most marked characters;
    then the first."""
    bounds = np.array(marks, np.int64).reshape(-1, 2)
    holding = np.searchsorted(starts, bounds[:, 0], side="right") - 1
    counts = np.bincount(holding, minlength=starts.size)
    chars = np.bincount(holding, weights=bounds[:, 1] - bounds[:, 0], minlength=starts.size).astype(np.int64)
    # most marks, then most marked characters (fewer than the text's length + 1), then the first: argmax's
    return int(np.argmax(counts * (int(bounds[-1, 1]) + 1) + chars))


def _clause_window(text: str, start: int, end: int, marks, size: int) -> tuple[int, int]:
    """A window of about ``size`` characters of text[start:end] around its first mark, cut after clause ends."""
    first = next((a for a, b in marks if a >= start and b <= end), start)
    window_start = start
    if first - start > size // 3:
        boundary = [m.end() for m in _CLAUSE_END.finditer(text, start, first)]
        window_start = boundary[-1] if boundary else max(start, first - size // 3)
    window_end = min(end, window_start + size)
    if window_end < end:
        window_end = window_start + _last_boundary(text[window_start:window_end], window_end - window_start)
    # Never end inside a mark.
    for a, b in marks:
        if a < window_end < b:
            window_end = b
    return window_start, max(window_end, min(end, first + 1))


def _last_boundary(text: str, limit: int) -> int:
    """The end of the last clause within ``text[:limit]``, or ``limit`` where there is none past halfway."""
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, limit)] + [
        m.end() for m in re.finditer(r"[。！？；!?;\s]", text[:limit])
    ]
    ends = [e for e in ends if e > limit // 2]
    if ends:
        return max(ends)
    # No boundary: do not cut inside a run of digits or letters (监督电话：0527-…).
    cut = limit
    while 0 < cut < len(text) and text[cut - 1].isascii() and text[cut - 1].isalnum() and text[cut].isalnum():
        cut -= 1
    return cut or limit
