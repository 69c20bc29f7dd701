"""Compounds: a query word the index barely holds is also matched through its parts, as the dictionary cuts it.

People glue words together (低保户, 考驾照, 低保标准). jieba keeps such a string whole where its dictionary (or the
portal's user dictionary) has it, and the index may hold it in few documents or none, though it holds the parts
in many. So a word of the query in fewer than :data:`RARE_DOCS` documents of the index vocabulary
(:class:`index.query.suggest.Vocabulary`, title and body words), or one of whose parts is an everyday word of a
synonym group, gets its *parts*: the best cut of the word by jieba's own dictionary and frequencies with the word
itself left out (低保户 → 低保 + 户, 考驾照 → 考 + 驾照, 低保标准 → 低保 + 标准). The engine then finds the word
either as typed or as all its parts (:meth:`index.whoosh.engine.Engine._unit`), and each part carries its own
synonyms (低保 → 最低生活保障).

A part must itself be a word the index holds or an everyday word of a synonym group (a single character always
is), one part at least must be longer than a character (驾照 is not 驾 + 照), and a word is cut into at most
:data:`MAX_PARTS` parts; words of one character, Latin and digit runs are never cut.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from index.analysis import segmenter, userdict_of

RARE_DOCS = 20  # a word in fewer documents (vocabulary weight) is also matched through its parts
MAX_PARTS = 3
MAX_WORD_CHARS = 8
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")


def dictionary_cut(word: str, tokenizer) -> list[str]:
    """The most probable cut of ``word`` by ``tokenizer``'s dictionary (a jieba ``Tokenizer``) that does not keep
    it whole, as jieba's own ``calc`` scores a cut (Σ log frequency); [] for a word of one character."""
    size = len(word)
    if size < 2:
        return []
    dag = tokenizer.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != size - 1] or [0]
    logtotal = math.log(tokenizer.total)
    route: dict[int, tuple[float, int]] = {size: (0.0, 0)}
    for start in range(size - 1, -1, -1):
        route[start] = max(
            (math.log(tokenizer.FREQ.get(word[start : end + 1]) or 1) - logtotal + route[end + 1][0], end)
            for end in dag[start]
        )
    parts, start = [], 0
    while start < size:
        end = route[start][1] + 1
        parts.append(word[start:end])
        start = end
    return parts


class Compounds:
    """Which query words are cut into parts, for one commit's vocabulary (``documents``: word → its weight in the
    vocabulary, 0 for a word it lacks) and the query tokenizer; ``expandable``: whether a part is an everyday word
    of a synonym group (those are cut even where the whole word is common)."""

    def __init__(
        self,
        documents: Callable[[str], int],
        tokenizer,
        expandable: Callable[[str], bool] = lambda part: False,
    ) -> None:
        self.documents = documents
        self.tokenizer = tokenizer
        self.expandable = expandable
        self._cache: dict[str, tuple[tuple[str, ...], bool]] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        """The parts ``word`` is also matched through, () where it is matched as typed only."""
        found = self._cache.get(word)
        if found is None:
            found = ((), False)
            if 2 <= len(word) <= MAX_WORD_CHARS and _CJK.match(word):
                pieces = dictionary_cut(word, self.tokenizer)
                held = all(len(p) == 1 or self.documents(p) > 0 or self.expandable(p) for p in pieces)
                if 2 <= len(pieces) <= MAX_PARTS and max(map(len, pieces)) > 1 and held:
                    found = (tuple(pieces), self.documents(word) < RARE_DOCS)
            if len(self._cache) < 65536:
                self._cache[word] = found
        cut, rare = found
        return cut if cut and (rare or any(len(p) > 1 and self.expandable(p) for p in cut)) else ()


def compounds_of(words: Mapping[str, int], analyzer, synonyms) -> Compounds:
    """The compounds of a store: its vocabulary's word weights (:attr:`index.query.suggest.Vocabulary.frequency`), the
    query tokenizer of ``analyzer``'s user dictionary, and the everyday words of ``synonyms``
    (:class:`index.query.synonyms.Synonyms`, read again when the file changes)."""
    return Compounds(
        lambda word: words.get(word, 0),
        segmenter(userdict_of(analyzer)),
        lambda part: part in synonyms.table(),
    )
