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


def is_word(word: str) -> bool:
    """Whether the vocabulary keeps ``word``: at most MAX_WORD_CHARS, Chinese of two characters or more, or Latin."""
    return len(word) <= MAX_WORD_CHARS and bool(_WORD.match(word))


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

    def __init__(self, words: dict[str, int], titles: list[tuple[str, str]], normals: list[str] | None = None) -> None:
        """``normals``: each title's :func:`normal` form where the caller has them (a vocabulary built from the one
        before, :mod:`index.whoosh.increments`), else made here."""
        self.words = sorted(words)
        # word → documents holding it, in word order: what is built from it (the speller's order among words of
        # as many documents) does not depend on the order the index's segments hold the words in
        self.frequency = {word: words[word] for word in self.words}
        self.ids = [doc_id for doc_id, _ in titles]
        self.titles = [title for _, title in titles]
        # One string of all titles, each on its own line; starts[i] is where title i begins.
        joined = normals if normals is not None else [normal(title) for title in self.titles]
        starts, offset = [], 0
        for text in joined:
            starts.append(offset)
            offset += len(text) + 1
        self._joined = "\n".join(joined)
        self._starts = starts + [offset]

    def normals(self) -> list[str]:
        """Each title's :func:`normal` form, in order."""
        return [self._joined[start : end - 1] for start, end in zip(self._starts, self._starts[1:], strict=False)]

    @classmethod
    def weighed(cls, holding: Callable[[str], Iterable[tuple[str, int]]], titles: list[tuple[str, str]]) -> Vocabulary:
        """From the words of ``title`` and ``body`` (``holding(field)``: (word, documents holding it) pairs, each word
        once, in the index's simplified characters) and every (document id, title): :meth:`counted` of the words
        :func:`is_word` admits."""
        title, body = ({word: docs for word, docs in holding(name) if is_word(word)} for name in ("title", "body"))
        return cls.counted(title, body, titles)

    @classmethod
    def counted(
        cls,
        title: dict[str, int],
        body: dict[str, int],
        titles: list[tuple[str, str]],
        normals: list[str] | None = None,
    ) -> Vocabulary:
        """From the documents holding each word in ``title`` and in ``body`` (words :func:`is_word` admits) and
        every (document id, title) (``normals`` as for the constructor): the words in MIN_DOCS documents or more of
        either field.

        A word's weight is the documents holding it, those holding it in their title counted TITLE_WEIGHT
        times: words of titles name topics (低保), words found only in bodies rarely do (低于). Every store
        builds its vocabulary here; each gives the counts it keeps.
        """
        words: dict[str, int] = {}
        found_in: dict[str, int] = {}
        for counts, weight in ((title, TITLE_WEIGHT), (body, 1)):
            for word, docs in counts.items():
                words[word] = words.get(word, 0) + weight * docs
                found_in[word] = max(found_in.get(word, 0), docs)
        return cls({word: score for word, score in words.items() if found_in[word] >= MIN_DOCS}, titles, normals)

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
