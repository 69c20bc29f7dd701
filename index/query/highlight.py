"""Highlighting: what a query matched, marked with ``<mark>`` in escaped text, and the snippet it sits in.

Matches are found by searching the stored text for the query's strings (folded and lower-cased, one
character for one, so offsets are the original's), not by re-analysing the document: a quoted phrase
is marked whole and nothing less, unquoted words are marked as typed where the text holds them so,
otherwise word by word. Snippets are whole sentences, cut at a clause boundary where a sentence is too
long, with … wherever text was left out.
"""

from __future__ import annotations

import html
import re

from index.analysis import fold

SNIPPET_CHARS = 160
_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+|\n+|$)")
_CLAUSE_END = re.compile(r"[，、：,:]")


def comparable(text: str) -> str:
    """``text`` folded and lower-cased without changing its length (offsets stay valid)."""
    return fold(text).translate(_LOWER)


def spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every occurrence of any needle in ``text``, in order."""
    haystack = comparable(text)
    found: list[tuple[int, int]] = []
    for needle in {comparable(n) for n in needles if n}:
        start = haystack.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = haystack.find(needle, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def marked(text: str, marks: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it in ``<mark>``."""
    end = len(text) if end is None else end
    out, index = [], start
    for mark_start, mark_end in marks:
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
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() > m.start()]
    best = max(sentences, key=lambda s: (_weight(s, marks), -s[0]))
    start, end = best
    # Add the following sentences while they fit, so a short matching sentence comes with its context.
    following = [s for s in sentences if s[0] >= end]
    for _next_start, next_end in following:
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


def _weight(sentence: tuple[int, int], marks: list[tuple[int, int]]) -> tuple[int, int]:
    inside = [(a, b) for a, b in marks if a < sentence[1] and b > sentence[0]]
    return len(inside), sum(b - a for a, b in inside)


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
