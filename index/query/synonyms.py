"""Synonym groups an operator edits: everyday words (低保, 社保, 驾照) and the official terms documents use.

The file (``index/data/synonyms.txt`` by default, ``PORTAL_SYNONYMS``) holds one group a line, the official
term first, terms separated by spaces, commas or 、; ``#`` starts a comment::

    最低生活保障 低保
    机动车驾驶证 驾照 驾驶证

It is applied at query time (:func:`index.query.plan.query_units` makes an everyday word of a group one unit
with the group's official term as its alternative), so editing it needs no re-index: the file is read
again when its modification time changes. Terms are compared in simplified, folded, lower-case form, like
the query.

Expansion goes one way, from the everyday words to the official term: documents are written in official terms,
and an official term expanded to colloquial words only brought in documents mentioning them in passing (on the
judged queries of bench/data/topical.json, simplified and official queries lost nDCG@10 0.95 → 0.86 and
0.83 → 0.80 with expansion both ways). A line starting with ``=`` is a group of true equivalents, each found
by the others (``= 驾驶证 驾照``, ``= 记分 扣分``); a literal hit still ranks above a synonym hit of the same
strength (:data:`index.whoosh.engine.SYNONYM_DISCOUNT`).

A line with a single term names no synonym and is reported (:attr:`SynonymTable.problems`); the rest of the
file still applies.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.analysis import fold
from index.convert import to_simplified

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
MAX_TERM_CHARS = 20  # longer "terms" are sentences, not words
_SEPARATORS = re.compile(r"[\s,，、;；]+")
log = logging.getLogger(__name__)


def normal_form(term: str) -> str:
    """How a term is compared: simplified, full-width folded, lower case, without spaces."""
    return "".join(to_simplified(fold(term)).lower().split())


@dataclass
class SynonymTable:
    """The groups of one version of the file; ``alternatives`` is what a query term expands to."""

    groups: list[tuple[str, ...]] = field(default_factory=list)  # as written (normal form), official first
    problems: list[str] = field(default_factory=list)  # "line N: why", for lines that were skipped
    equivalents: list[tuple[str, ...]] = field(default_factory=list)  # "= a b" lines: each term finds the others
    lexicon: int = 0  # words expanded by the lexicon (:meth:`with_lexicon`), besides the file's
    _officials: dict[str, tuple[str, ...]] = field(default_factory=dict)  # everyday word → official terms

    @classmethod
    def parse(cls, text: str, source: str = "synonyms") -> SynonymTable:
        table = cls()
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0]
            equivalent = line.lstrip().startswith("=")
            line = line.lstrip().lstrip("=")
            terms = list(dict.fromkeys(normal_form(t) for t in _SEPARATORS.split(line) if t.strip()))
            terms = [t for t in terms if t]
            if not terms:
                continue
            too_long = [t for t in terms if len(t) > MAX_TERM_CHARS]
            if too_long:
                table.problems.append(f"{source} line {number}: term longer than {MAX_TERM_CHARS} characters")
                continue
            if len(terms) < 2:
                table.problems.append(f"{source} line {number}: a group needs two terms or more ({terms[0]})")
                continue
            (table.equivalents if equivalent else table.groups).append(tuple(terms))
        officials: dict[str, list[str]] = {}
        official_terms = {group[0] for group in table.groups}
        for official, *everyday in table.groups:
            for term in everyday:
                if term not in official_terms:  # an official term is searched as typed
                    bucket = officials.setdefault(term, [])
                    bucket += [official] if official not in bucket else []
        for group in table.equivalents:
            for term in group:
                bucket = officials.setdefault(term, [])
                bucket += [other for other in group if other != term and other not in bucket]
        table._officials = {term: tuple(found) for term, found in officials.items()}
        return table

    def with_lexicon(self, alternatives: dict[str, tuple[str, ...]]) -> SynonymTable:
        """This table, with ``alternatives`` (word → terms, :mod:`index.query.lexicon`) for the words no line of
        the file expands: the hand-written list wins."""
        added = {word: terms for word, terms in alternatives.items() if word not in self._officials and terms}
        return replace(self, lexicon=len(added), _officials={**added, **self._officials})

    def alternatives(self, term: str) -> tuple[str, ...]:
        """The official terms of the groups where ``term`` (in normal form) is an everyday word; () for an
        official term or a word in no group."""
        return self._officials.get(term, ())

    def official(self, term: str) -> str:
        """The official term of the first group holding ``term`` ("" when none does)."""
        return next((group[0] for group in self.groups if term in group), "")

    def __contains__(self, term: str) -> bool:
        """Whether ``term`` is expanded (an everyday word of some group)."""
        return term in self._officials


class Synonyms:
    """The synonym file at ``path``, re-read when it changes (safe to share between threads).

    A missing file is an empty table (a warning in the log), never an error: search works without synonyms.
    """

    def __init__(self, path: Path | str | None = DEFAULT_PATH) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._table = SynonymTable()

    def table(self) -> SynonymTable:
        if self.path is None:
            return self._table
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                if stamp is None:
                    log.warning("synonym file %s not found: searching without synonyms", self.path)
                    self._table = SynonymTable()
                else:
                    try:
                        text = self.path.read_text("utf-8")
                    except (OSError, UnicodeDecodeError) as exc:
                        log.warning("synonym file %s unreadable (%s): searching without synonyms", self.path, exc)
                        text = ""
                    self._table = SynonymTable.parse(text, str(self.path))
                    for problem in self._table.problems:
                        log.warning("%s", problem)
            return self._table
