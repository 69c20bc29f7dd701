"""Chinese analysis for Whoosh: jieba words carrying word positions, not character offsets.

jieba's bundled ``ChineseAnalyzer`` puts each token's character offset in ``pos``, so
consecutive words are never adjacent and phrase queries find nothing. Here every word
of jieba's accurate cut takes the next position; at index time the search-mode sub-words
of a long word (马克思 inside 马克思主义) are added at their parent's position, so they
can be found alone without breaking phrases. Punctuation advances the position without
a token, so a phrase never matches across a sentence break; white space does not, because
crawled text is full of stray spaces (河北省教育厅  关于…).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import jieba
from whoosh.analysis import Composable, LowercaseFilter, Token, Tokenizer

_DEFAULT_USERDICT = Path(__file__).parent / "data" / "userdict.txt"
_lock = threading.Lock()
jieba.setLogLevel(logging.WARNING)
_segmenters: dict[str, jieba.Tokenizer] = {}


def segmenter(userdict: str | Path | None = None) -> jieba.Tokenizer:
    """The shared jieba tokenizer with the government-terms dictionary loaded (built once per dictionary)."""
    path = str(userdict or _DEFAULT_USERDICT)
    with _lock:
        if path not in _segmenters:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            if Path(path).exists():
                with open(path, "rb") as handle:  # jieba leaves a path it opens itself unclosed
                    tokenizer.load_userdict(handle)
            _segmenters[path] = tokenizer
        return _segmenters[path]


# Full-width ASCII (Ａ１％) and the ideographic space to their half-width forms: one character for one,
# so token offsets stay those of the original text (NFKC proper may change the length).
_FOLD = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "})


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width, one character for one (offsets are kept)."""
    return text.translate(_FOLD)


def _is_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class ChineseWordTokenizer(Tokenizer):
    """Tokenizer yielding jieba words with word positions (see module docstring).

    ``mode="index"`` adds search-mode sub-words at the parent's position; queries and
    everything else use the accurate cut alone, so a query phrase lines up with the index.
    """

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
        text = fold(value)
        jieba_tokenizer = segmenter(self.userdict)
        pos = start_pos
        offset = 0
        for word in jieba_tokenizer.cut(text, HMM=True):
            start, offset = offset, offset + len(word)
            if not _is_word(word):
                if not word.isspace():
                    pos += 1  # punctuation breaks phrases
                continue
            # The word before its sub-words: Whoosh's highlighter expects tokens in order of startchar.
            yield _emit(token, word, pos, start_char + start, positions, chars, keeporiginal)
            for sub_start, sub in _subwords(jieba_tokenizer, word) if mode == "index" else ():
                yield _emit(token, sub, pos, start_char + start + sub_start, positions, chars, keeporiginal)
            pos += 1


def _subwords(jieba_tokenizer: jieba.Tokenizer, word: str) -> list[tuple[int, str]]:
    """The dictionary words inside a longer word, in order of where they start (longest first).

    jieba's search mode stops at 3 characters; going on finds 中华人民共和国 inside the
    dictionary word 中华人民共和国政府.
    """
    found = []
    freq = jieba_tokenizer.FREQ
    for size in range(2, len(word)):
        for i in range(len(word) - size + 1):
            piece = word[i : i + size]
            if freq.get(piece):
                found.append((i, piece))
    return sorted(found, key=lambda item: (item[0], -len(item[1])))


def word_split(word: str, userdict: str | None = None) -> list[str] | None:
    """The best split of a dictionary word into smaller dictionary words (贯彻执行 → 贯彻 / 执行), or None.

    jieba cuts by context: 请认真贯彻执行 becomes 请 / 认真贯彻 / 执行, so a query for the word
    贯彻执行 must also be tried as the phrase 贯彻 执行 (贯彻 is indexed as a sub-word of 认真贯彻).
    Only splits whose parts all have two or more characters are offered: single characters are
    not indexed as sub-words, and would match too loosely.
    """
    if len(word) < 4:
        return None
    jieba_tokenizer = segmenter(userdict)
    dag = jieba_tokenizer.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    jieba_tokenizer.calc(word, dag, route)
    parts, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        parts.append(word[start:end])
        start = end
    return parts if len(parts) > 1 and all(len(part) > 1 for part in parts) else None


def _emit(token: Token, text: str, pos: int, startchar: int, positions: bool, chars: bool, keep: bool) -> Token:
    token.text = text
    token.boost = 1.0
    token.stopped = False
    if keep:
        token.original = text
    if positions:
        token.pos = pos
    if chars:
        token.startchar, token.endchar = startchar, startchar + len(text)
    return token


def ChineseAnalyzer(userdict: str | None = None) -> Composable:  # noqa: N802 - named like Whoosh's analyzers
    """The analyzer for every Chinese text field: word tokenizer, then lower-case (for Latin words)."""
    return ChineseWordTokenizer(userdict) | LowercaseFilter()
