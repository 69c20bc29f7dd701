"""Segmentation-free analysis: overlapping character bigrams for Chinese, whole runs for Latin and digits.

The word fields depend on jieba cutting a query the way it cut the document, and jieba cuts by
context (万亿美元 inside 一点七八万亿美元 is 一点 / 七八 / 万亿美元 or 万亿 / 美元 depending on what
surrounds it). Bigrams do not: any run of two or more characters of a document is findable, and a
quoted phrase is an exact substring match, whatever jieba does. This is what Lucene's
``CJKBigramFilter`` and Elasticsearch's ``cjk`` analyzer do, with two differences:

* runs of Latin letters and digits keep their inner ``- : / .`` (``covid-19``, ``9704-2012``, ``12:21``,
  ``pm2.5``) as one token, and also give their parts at the same position (``covid``, ``19``);
* a Chinese run directly touching such a run (``年第`` before ``30号``) also gives its edge character
  as a unigram, so ``第30号`` and ``2022年`` are phrases of the index whatever precedes them.

Positions count tokens; punctuation and spaces do not advance them, so a phrase pasted with other
punctuation or spacing (``工作，进一步`` against ``工作, 进一步``) still matches. White space between two
Chinese characters is formatting, not a break (crawled text is full of stray spaces: ``河北省教育厅  关于``),
so bigrams span it.
Text is folded first: full-width forms to ASCII, upper case to lower.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
from whoosh.analysis import Composable, Token, Tokenizer

from index.analysis import fold

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK_CLASS}]+)|(?P<alnum>[0-9a-z]+(?:[-:/.][0-9a-z]+)*)")
_PART = re.compile(r"[0-9a-z]+")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK_CLASS}])\s+(?=[{_CJK_CLASS}])")


def gram_positions(text: str) -> Iterator[tuple[str, int]]:
    """(token, position) of every gram of ``text``, in order of position (see the module docstring)."""
    pos = 0
    previous_end = -1
    previous_kind: str | None = ""  # the name of the group the run before matched
    matches = list(_RUNS.finditer(_SPACE_BETWEEN_CJK.sub("", fold(text).lower())))
    for i, match in enumerate(matches):
        run, kind = match.group(), match.lastgroup
        touches_previous = match.start() == previous_end and previous_kind == "alnum"
        if kind == "alnum":
            yield run, pos
            if len(run) > 1 and not run.isalnum():
                for part in _PART.findall(run):
                    yield part, pos
            pos += 1
        elif len(run) == 1:
            yield run, pos
            pos += 1
        else:
            following = matches[i + 1] if i + 1 < len(matches) else None
            touches_next = following is not None and following.start() == match.end() and following.lastgroup == "alnum"
            if touches_previous:
                yield run[0], pos
            last = pos + len(run) - 2
            for offset in range(len(run) - 1):
                yield run[offset : offset + 2], pos + offset
            if touches_next:
                yield run[-1], last
            pos = last + 1
        previous_end, previous_kind = match.end(), kind


# Chinese grams as numbers: a unigram c is c << 22, a bigram (c, d) is c << 22 | d + 1, so that numeric
# order is the UTF-8 byte order Whoosh keeps terms in (a character sorts before every bigram it starts).
_SHIFT = 22
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x3007, 0x3007))
_ALNUM = re.compile(r"[0-9a-z]+(?:[-:/.][0-9a-z]+)*")


def gram_arrays(text: str) -> tuple[np.ndarray, np.ndarray, list[tuple[str, int]]]:
    """The grams of ``text`` as :func:`gram_positions` gives them, computed on arrays for bulk indexing.

    Returns (codes ``int64``, positions ``int32``) of the Chinese grams (see :func:`gram_string`) and
    (token, position) of the Latin/digit runs and their parts.
    """
    text = _SPACE_BETWEEN_CJK.sub("", fold(text).lower())
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.int64)
    cjk = np.zeros(points.size, bool)
    for low, high in _CJK_RANGES:
        cjk |= (points >= low) & (points <= high)
    before = np.concatenate(([False], cjk[:-1]))
    after = np.concatenate((cjk[1:], [False]))
    bigram_at = np.flatnonzero(cjk & after)
    single_at = np.flatnonzero(cjk & ~before & ~after)
    runs = [(match.start(), match.end(), match.group()) for match in _ALNUM.finditer(text)]
    anchors = np.sort(np.concatenate((bigram_at, single_at, np.array([start for start, _, _ in runs], np.int64))))
    codes = [points[bigram_at] << _SHIFT | (points[bigram_at + 1] + 1), points[single_at] << _SHIFT]
    positions = [np.searchsorted(anchors, bigram_at), np.searchsorted(anchors, single_at)]
    # A Chinese run touching a Latin/digit run also gives its edge character as a unigram.
    ends = {end for _, end, _ in runs}
    starts = {start for start, _, _ in runs}
    run_starts = np.flatnonzero(cjk & ~before & after)
    run_ends = np.flatnonzero(cjk & before & ~after)
    leading = np.array([i for i in run_starts.tolist() if i in ends], np.int64)
    trailing = np.array([i for i in run_ends.tolist() if i + 1 in starts], np.int64)
    codes += [points[leading] << _SHIFT, points[trailing] << _SHIFT]
    positions += [np.searchsorted(anchors, leading), np.searchsorted(anchors, trailing - 1)]
    alnum: list[tuple[str, int]] = []
    for start, _end, token in runs:
        pos = int(np.searchsorted(anchors, start))
        alnum.append((token, pos))
        if len(token) > 1 and not token.isalnum():
            alnum += [(part, pos) for part in _PART.findall(token)]
    return np.concatenate(codes), np.concatenate(positions).astype(np.int32), alnum


def gram_string(code: int) -> str:
    """The gram a code of :func:`gram_arrays` stands for."""
    first, second = code >> _SHIFT, code & ((1 << _SHIFT) - 1)
    return chr(first) + chr(second - 1) if second else chr(first)


def gram_code(gram: str) -> int | None:
    """The code :func:`gram_arrays` gives a Chinese unigram or bigram; None for any other token."""
    points = [ord(ch) for ch in gram]
    if not 1 <= len(points) <= 2 or not all(low <= p <= high for p in points for low, high in [_range_of(p)]):
        return None
    return points[0] << _SHIFT | (points[1] + 1 if len(points) == 2 else 0)


def _range_of(point: int) -> tuple[int, int]:
    return next(((low, high) for low, high in _CJK_RANGES if low <= point <= high), (1, 0))


def phrase_grams(text: str) -> list[str]:
    """The grams a phrase of ``text`` must find at consecutive positions: one per position.

    Where a position holds several grams (a Latin run and its parts, a bigram and an edge unigram),
    the whole run or the bigram stands for it: it is what the document holds at that position too.
    """
    chosen: dict[int, str] = {}
    for gram, pos in gram_positions(text):
        current = chosen.get(pos)
        if current is None or len(gram) > len(current):
            chosen[pos] = gram
    return [chosen[pos] for pos in sorted(chosen)]


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`gram_positions` (positions only; highlighting searches the text)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, **kwargs: object):
        token = Token(positions, chars, removestops=False, **kwargs)
        for gram, pos in gram_positions(value):
            token.text = gram
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = pos
            yield token


def BigramAnalyzer() -> Composable:  # noqa: N802 - named like Whoosh's analyzers
    """The analyzer of every ``*_grams`` field (already folded and lower-cased)."""
    return BigramTokenizer()
