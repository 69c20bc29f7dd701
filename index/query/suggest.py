"""Autocomplete: titles and frequent terms for what has been typed so far, from structures prepared per commit.

:class:`Vocabulary` is built once per commit of the index (:meth:`Vocabulary.weighed`, from the counts each
store keeps):

* the words of the title and body fields (jieba's, as indexed, in simplified characters) with the number of
  documents holding each, as one sorted list, so the words starting with a prefix are a ``bisect`` range;
* every live document's title, converted and joined into one string with a line break between titles, so the
  titles holding the typed text are found by ``str.find`` over some 300 KB, not by a wildcard query.

The same vocabulary serves did-you-mean (:mod:`index.query.spelling`). Nothing here reads the index per
request: :meth:`Vocabulary.complete` is pure Python over these arrays (well under a millisecond on the whole
corpus; ``python -m bench.suggest`` measures it).
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.analysis import fold
from index.convert import to_simplified

TITLE_WEIGHT = 5
MIN_DOCS = 2  # a word in fewer documents is noise for completion (and for spelling: see spelling.py)
MAX_WORD_CHARS = 12
TITLES_SHOWN = 5
TERMS_SHOWN = 8
_WORD = re.compile(r"^(?:[\u3400-\u4dbf\u4e00-\u9fff]{2,}|[a-z][a-z0-9]+)$")


def normal(text: str) -> str:
    """Text as the vocabulary holds it: simplified, full-width folded, lower case, spaces collapsed."""
    return " ".join(to_simplified(fold(text)).lower().split())


@dataclass
class Suggestions:
    """What to offer for a prefix: whole titles (with their document ids) and frequent words."""

    q: str
    titles: list[tuple[str, str]] = field(default_factory=list)  # (document id, title as published)
    terms: list[str] = field(default_factory=list)


class Vocabulary:
    """The words and titles of one commit (see the module docstring)."""

    def __init__(self, words: dict[str, int], titles: list[tuple[str, str]]) -> None:
        self.words = sorted(words)
        self.frequency = words  # word → documents holding it
        self.ids = [doc_id for doc_id, _ in titles]
        self.titles = [title for _, title in titles]
        # One string of all titles, each on its own line; starts[i] is where title i begins.
        joined, starts, offset = [], [], 0
        for title in self.titles:
            starts.append(offset)
            text = normal(title)
            joined.append(text)
            offset += len(text) + 1
        self._joined = "\n".join(joined)
        self._starts = starts + [offset]

    @classmethod
    def weighed(cls, holding: Callable[[str], Iterable[tuple[str, int]]], titles: list[tuple[str, str]]) -> Vocabulary:
        """From the words of ``title`` and ``body`` (``holding(field)``: (word, documents holding it) pairs, in
        the index's simplified characters) and every (document id, title): the words in MIN_DOCS documents or
        more, of at most MAX_WORD_CHARS, Chinese words of two characters or more or Latin words.

        A word's weight is the documents holding it, those holding it in their title counted TITLE_WEIGHT
        times: words of titles name topics (低保), words found only in bodies rarely do (低于). Every store
        builds its vocabulary here; each gives the counts it keeps.
        """
        words: dict[str, int] = {}
        found_in: dict[str, int] = {}
        for fieldname, weight in (("title", TITLE_WEIGHT), ("body", 1)):
            for word, docs in holding(fieldname):
                if len(word) <= MAX_WORD_CHARS and _WORD.match(word):
                    words[word] = words.get(word, 0) + weight * docs
                    found_in[word] = max(found_in.get(word, 0), docs)
        return cls({word: score for word, score in words.items() if found_in[word] >= MIN_DOCS}, titles)

    def starting_with(self, prefix: str) -> range:
        """Indexes into :attr:`words` of the words beginning with ``prefix`` (normal form)."""
        low = bisect.bisect_left(self.words, prefix)
        high = bisect.bisect_left(self.words, prefix + "\U0010ffff")
        return range(low, high)

    def complete(self, q: str, titles: int = TITLES_SHOWN, terms: int = TERMS_SHOWN) -> Suggestions:
        """Words beginning with what was typed (most documents first) and titles holding it (where it stands
        earliest, then the shortest title). Its last space-separated part is what is being typed."""
        text = normal(q)
        result = Suggestions(q)
        if not text:
            return result
        head, _, last = text.rpartition(" ")
        if last:
            found = self.starting_with(last)
            best = heapq.nlargest(terms + 1, found, key=lambda i: self.frequency[self.words[i]])
            result.terms = [f"{head} {self.words[i]}".strip() for i in best if self.words[i] != last or len(best) == 1][
                :terms
            ]
        result.titles = [(self.ids[i], self.titles[i]) for i in self._titles_holding(text, titles)]
        return result

    def _titles_holding(self, text: str, limit: int, scan: int = 400) -> list[int]:
        """Indexes of titles holding ``text``: of the first ``scan`` found, the ``limit`` best placed."""
        found: list[tuple[int, int, int]] = []
        position = self._joined.find(text)
        while position >= 0 and len(found) < scan:
            index = bisect.bisect_right(self._starts, position) - 1
            start = self._starts[index]
            found.append((position - start, len(self.titles[index]), index))
            # on from the next title: one hit per title
            position = self._joined.find(text, max(position + 1, self._starts[index + 1]))
        chosen, seen = [], set()
        for _, _, index in sorted(found):
            if self.titles[index] not in seen:  # the same title published twice is offered once
                seen.add(self.titles[index])
                chosen.append(index)
            if len(chosen) == limit:
                break
        return chosen
