"""Chinese words: jieba's accurate cut (HMM on), the same at index and at query time.

The word fields hold each document's words with their frequencies; the bigram fields
(:mod:`index.bigrams`) carry positions, phrases and everything jieba cuts differently in
context. Queries are cut by jieba itself (:func:`segmenter`, its dictionary a memory-mapped trie);
ingest cuts with rjieba, jieba's Rust port, set up to give jieba's exact tokens ten times faster
(:class:`FastSegmenter`, held to jieba by ``tests/test_analysis.py`` and ``python -m bench.segmenter`` on the corpus),
and falls back to jieba where rjieba is not installed.

Text is folded first (full-width ASCII to half-width) and words are lower-cased.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh.analysis import Composable, LowercaseFilter, Token, Tokenizer

from index.dictionary import trie_tokenizer
from index.jiebaload import jieba

_DEFAULT_USERDICT = Path(__file__).parent / "data" / "userdict.txt"
_lock = threading.Lock()
jieba.setLogLevel(logging.WARNING)
_segmenters: dict[str, jieba.Tokenizer] = {}
_fast: dict[str, FastSegmenter | None] = {}


def segmenter(userdict: str | Path | None = None) -> jieba.Tokenizer:
    """The shared jieba tokenizer with the government-terms dictionary loaded (made once per dictionary), its
    dictionary a memory-mapped trie (:mod:`index.dictionary`: ready in milliseconds, cuts as jieba does)."""
    path = str(userdict or _DEFAULT_USERDICT)
    with _lock:
        if path not in _segmenters:
            _segmenters[path] = trie_tokenizer(Path(path), lambda: jieba_tokenizer(path))
        return _segmenters[path]


def jieba_tokenizer(userdict: str | Path | None = None) -> jieba.Tokenizer:
    """jieba's tokenizer made the usual way: its dictionary unmarshalled (0.4–0.9 s), the user dictionary added."""
    userdict = userdict or _DEFAULT_USERDICT
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    if Path(userdict).exists():
        with open(userdict, "rb") as handle:  # jieba leaves a path it opens itself unclosed
            tokenizer.load_userdict(handle)
    return tokenizer


class FastSegmenter:
    """jieba's ``cut(text, HMM=True)``, computed by rjieba (about ten times faster).

    rjieba ships its own dictionary and counts a user word already in the dictionary differently,
    and joins ``www.mee.gov.cn`` where jieba's HMM step splits it; so it is given jieba's own
    dictionary file, the user dictionary, and an unused entry carrying the frequency jieba's
    ``add_word`` counts twice (jieba adds a user word's frequency to the total even when the word was
    already in the dictionary), and non-Chinese runs that are not dictionary words are split with
    jieba's ``finalseg`` pattern. Loading takes about 1.5 s, so it serves bulk ingest, not queries.
    """

    _SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip
    _HAN = re.compile(r"[\u4E00-\u9FD5]")

    def __init__(self, userdict: str | Path | None = None) -> None:
        import rjieba

        self._rjieba = rjieba.Jieba.empty()
        path = Path(userdict or _DEFAULT_USERDICT)
        user = _read_dictionary(path) if path.exists() else {}
        counted_twice = 0
        for word, (freq, tag) in _dictionary_lines(Path(jieba.__file__).parent / "dict.txt"):
            self._rjieba.add_word(word, freq, tag)
            if word in user:
                counted_twice += freq or 0
        for word, (freq, tag) in user.items():
            self._rjieba.add_word(word, freq, tag)
        if counted_twice:
            self._rjieba.add_word("\ue000\ue001", counted_twice, None)  # private-use: never in a text
        self._has_word = self._rjieba.has_word

    def cut(self, text: str) -> list[str]:
        words: list[str] = []
        for word in self._rjieba.cut(text, True):
            if len(word) > 1 and word[0] < "\u3000" and not word.isalnum() and not self._HAN.search(word):
                if not self._has_word(word):
                    words.extend(part for part in self._SKIP.split(word) if part)
                    continue
            words.append(word)
        return words


def _dictionary_lines(path: Path) -> Iterator[tuple[str, tuple[int | None, str | None]]]:
    """(word, (frequency, tag)) of each line of a jieba dictionary file (``word [freq] [tag]`` a line)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdecimal() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdecimal() else None
            yield parts[0], (freq, tag)


def _read_dictionary(path: Path) -> dict[str, tuple[int | None, str | None]]:
    """word → (frequency, tag) of a (small) jieba dictionary file."""
    return dict(_dictionary_lines(path))


def fast_segmenter(userdict: str | Path | None = None) -> Callable[[str], list[str]]:
    """The fastest cut that gives jieba's tokens: rjieba's where installed, jieba's otherwise."""
    path = str(userdict or _DEFAULT_USERDICT)
    with _lock:
        if path not in _fast:
            try:
                _fast[path] = FastSegmenter(path)
            except ImportError:
                _fast[path] = None
    fast = _fast[path]
    if fast is not None:
        return fast.cut
    jieba_tokenizer = segmenter(path)
    return lambda text: list(jieba_tokenizer.cut(text, HMM=True))


# Full-width ASCII (Ａ１％) and the ideographic space to their half-width forms: one character for one,
# so token offsets stay those of the original text (NFKC proper may change the length).
_FOLD = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FOLDED = re.compile("[\uff01-\uff5e\u3000]")
# A word holds a letter or a digit (str.isalnum's characters: \w but the underscore).
_WORD_CHAR = re.compile(r"[^\W_]")


def fast_segmenter_loaded(userdict: str | Path | None = None) -> bool:
    """Whether this process has made :func:`fast_segmenter`'s cut for ``userdict`` already (its 1.5 s paid)."""
    return _fast.get(str(userdict or _DEFAULT_USERDICT)) is not None


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width, one character for one (offsets are kept).
    A substitution of the characters to fold: ``str.translate`` looks every character of the text up in its table
    (three times the CPU on the corpus's bodies, where the folded are one character in fifty)."""
    return _FOLDED.sub(_folded, text)


def _folded(match: re.Match[str]) -> str:
    return _FOLD[match[0]]


def _is_word(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit (a character ``str.isalnum`` takes): a word, not punctuation."""
    return _WORD_CHAR.search(text) is not None


def word_counts(text: str, cut: Callable[[str], list[str]]) -> Counter[str]:
    """How often each word occurs in ``text`` (folded, cut by ``cut``, lower-cased; punctuation dropped).
    Filtered and lower-cased by C calls (``filter``, ``map``), no Python frame a word: half the CPU of a generator
    calling :func:`_is_word` on the corpus's 20 million words."""
    return Counter(map(str.lower, filter(_WORD_CHAR.search, cut(fold(text)))))


class ChineseWordTokenizer(Tokenizer):
    """Tokenizer yielding jieba's words (accurate cut), each at the next position; punctuation dropped."""

    def __init__(self, userdict: str | None = None) -> None:
        self.userdict = userdict

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseWordTokenizer) and other.userdict == self.userdict

    def __hash__(self) -> int:
        return hash((type(self), self.userdict))

    def __call__(  # noqa: PLR0913 - Whoosh's tokenizer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos, offset = start_pos, 0
        for word in segmenter(self.userdict).cut(fold(value), HMM=True):
            start, offset = offset, offset + len(word)
            if not _is_word(word):
                continue
            token.text = word
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + offset
            yield token
            pos += 1

    def counts(self, value: str, cut: Callable[[str], list[str]] | None = None) -> Counter[str]:
        """Word frequencies of ``value``, lower-cased: what a word field holds (``cut`` defaults to jieba's)."""
        return word_counts(value, cut or (lambda text: list(segmenter(self.userdict).cut(text, HMM=True))))


def userdict_of(analyzer: Composable) -> str | None:
    """The user dictionary a word analyzer was built with (None for the default one)."""
    for part in getattr(analyzer, "items", [analyzer]):
        if isinstance(part, ChineseWordTokenizer):
            return part.userdict
    return None


def ChineseAnalyzer(userdict: str | None = None) -> Composable:  # noqa: N802 - named like Whoosh's analyzers
    """The analyzer of the word fields: jieba words, then lower-case (for Latin words)."""
    return ChineseWordTokenizer(userdict) | LowercaseFilter()
