"""Did-you-mean: a query's unknown words corrected to words the index holds, by sound (pinyin) and by spelling.

People type a homophone (地保 for 低保: both *di bao*) or one wrong character (养老保显 for 养老保险). A query
is cut into jieba's words; runs of words the index does not know (in fewer than ``MIN_DOCS`` documents, single
characters included, since jieba cuts an unknown word into characters) are the suspects. Each suspect is
matched against the index's own words (:class:`index.query.suggest.Vocabulary`, per commit):

1. words with the same pinyin, tones ignored (pypinyin; every reading of a character with several);
2. words at Levenshtein distance 1 (2 from five characters on) of about the same length (rapidfuzz);

and the candidate in the most documents wins, if it is in at least ``MIN_CORRECTION_DOCS``. Two or three
known words whose sound together is a word the index holds far more often than they stand together are
suspects too (工商认定 → 工伤认定: both cut words are known). :meth:`Speller.corrections` gives a few corrected
queries, the MAX_SOUNDALIKES most frequent homophones of each suspect among them; which is searched or offered
is decided by how many documents each finds with the query's other words (:mod:`index.query.rescue`), so
地保标准 becomes 低保标准, because 标准 goes with 低保. A correction is never applied silently.

Everything is dictionary look-ups plus one rapidfuzz scan per suspect over the words of its length, so a
no-hit query stays fast (``python -m bench.quality`` times no-hit queries, suggestions included).
"""

from __future__ import annotations

import functools
import itertools
import os
import pickle
import re
import sys
import threading
from collections import defaultdict

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.query.plan import OPTIONAL_WORDS, STOP_WORDS
from index.query.suggest import MIN_DOCS, Vocabulary

MIN_CORRECTION_DOCS = 5  # a correction must be a word of at least this many documents
MAX_SUSPECT_CHARS = 8
MAX_READINGS = 16  # pinyin spellings tried for one suspect (characters with several readings multiply)
MAX_SOUNDALIKES = 3  # words kept under one pinyin key, most frequent first (the query's other words choose)
MAX_CORRECTIONS = 4  # corrected queries :meth:`Speller.corrections` gives at most (besides pair neighbours)
MAX_PAIR_NEIGHBOURS = 8  # neighbours of an unknown two-character word weighed by the query's other words
# The words a question asks with (怎么, 算, 办理): never suspects, and never spans of a suspect (退休金怎么算 is not
# corrected to 退休金怎么).
QUESTION_WORDS = STOP_WORDS | OPTIONAL_WORDS
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_NO_PHRASES = "PYPINYIN_NO_PHRASES"
_IMPORT_LOCK = threading.Lock()
_UNPACK_LOCK = threading.Lock()  # a speller's correction tables unpickled once (Speller.__getattr__)


def _pypinyin():
    """pypinyin's ``pinyin`` and ``Style``, imported on first use (only a search that needs a correction, or a server
    warming up, pays for it, not every process that imports the catalog).

    A character's readings are its entry in pypinyin's character dictionary; its phrase dictionary (2.5 MB of JSON,
    parsed at import in one call that holds the interpreter lock: two thirds of the import's CPU time) is not
    loaded: ``PYPINYIN_NO_PHRASES``, pypinyin's documented switch, set for the import and restored after. Every CJK
    character reads the same either way (tests/test_suggest_spelling.py)."""
    if "pypinyin" not in sys.modules:
        with _IMPORT_LOCK:
            before = os.environ.get(_NO_PHRASES)
            os.environ[_NO_PHRASES] = "1"
            try:
                import pypinyin  # noqa: F401
            finally:
                if before is None:
                    os.environ.pop(_NO_PHRASES, None)
                else:
                    os.environ[_NO_PHRASES] = before
    from pypinyin import Style, pinyin

    return pinyin, Style


@functools.lru_cache(maxsize=32768)
def readings(ch: str) -> tuple[str, ...]:
    """The pinyin readings of one character without tones (长 → zhang, chang); () for none."""
    pinyin, Style = _pypinyin()
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(r for group in found for r in group)) if found else ()


def sound(word: str) -> str:
    """The usual pinyin of a word (first reading of each character), the key words are filed under."""
    keys = []
    for ch in word:
        found = readings(ch)
        if not found:
            return ""
        keys.append(found[0])
    return " ".join(keys)


def sounds(word: str) -> list[str]:
    """Every pinyin a word may be read as (each character's readings combined), at most MAX_READINGS."""
    options = [readings(ch) for ch in word]
    if not all(options):
        return []
    return [" ".join(combo) for combo in itertools.islice(itertools.product(*options), MAX_READINGS)]


class Speller:
    """Corrections against one commit's vocabulary (build once per commit; shared by threads, read-only).

    Ingest saves it beside the commit; :attr:`VERSION` names the layout of its tables, so one saved by an older
    version is built again. Pickled, its correction tables are one blob of their own (since version 3), unpickled on
    their first use (:meth:`__getattr__`): a search that looks up no homophone (a known word, as most from the
    shell) loads only the word weights, a third of the work (on the corpus 34 of 100 ms of CPU)."""

    VERSION = 3
    _TABLES = ("_by_sound", "_by_length")  # what the blob holds

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.version = self.VERSION
        self.frequency = vocabulary.frequency
        by_sound: dict[str, list[tuple[str, int]]] = defaultdict(list)
        by_length: dict[int, list[str]] = defaultdict(list)
        for word, docs in vocabulary.frequency.items():
            if docs < MIN_CORRECTION_DOCS or not _CJK.match(word):
                continue
            by_length[len(word)].append(word)
            key = sound(word)
            if key:
                by_sound[key].append((word, docs))
        self._by_sound = {
            key: sorted(found, key=lambda item: -item[1])[:MAX_SOUNDALIKES] for key, found in by_sound.items()
        }
        self._by_length = dict(by_length)

    def __getstate__(self) -> dict:
        state = {
            name: value for name, value in self.__dict__.items() if name not in (*self._TABLES, "_character_tables")
        }
        if "_packed" not in state:
            state["_packed"] = pickle.dumps(tuple(getattr(self, name) for name in self._TABLES), protocol=5)
        return state

    def __setstate__(self, state: dict) -> None:
        if state.get("version") == 2:  # pickled before its tables were packed: the same tables, unpacked
            state = {**state, "version": self.VERSION}
        self.__dict__.update(state)

    def __getattr__(self, name: str):
        """The correction tables of a speller unpickled with them still packed (:meth:`__getstate__`), unpacked now;
        a speller pickled before they were packed has them already."""
        packed = self.__dict__.get("_packed")
        if name not in self._TABLES or packed is None:
            raise AttributeError(name)
        with _UNPACK_LOCK:
            if name not in self.__dict__:
                self.__dict__.update(zip(self._TABLES, pickle.loads(packed), strict=True))
                self.__dict__.pop("_packed", None)
        return self.__dict__[name]

    def known(self, word: str) -> bool:
        return self.frequency.get(word, 0) >= MIN_DOCS

    def homophone(self, text: str) -> str:
        """The most frequent word read like ``text`` (another word), or ""."""
        found = self.homophones(text)
        return found[0] if found else ""

    def homophones(self, text: str) -> list[str]:
        """Words read like ``text`` (other words), most frequent first; [] for none."""
        if not _CJK.match(text) or not 2 <= len(text) <= MAX_SUSPECT_CHARS:
            return []
        found = {item for key in sounds(text) for item in self._by_sound.get(key, ()) if item[0] != text}
        return [word for word, _ in sorted(found, key=lambda item: (-item[1], item[0]))]

    def neighbour(self, text: str) -> str:
        """The most frequent word one edit from ``text`` (two from five characters on), or "".

        Not for two characters: one edit from a two-character word is any word sharing a character.
        """
        if not _CJK.match(text) or not 3 <= len(text) <= MAX_SUSPECT_CHARS:
            return ""
        limit = 1 if len(text) < 5 else 2
        best, best_docs = "", 0
        for size in range(len(text) - 1, len(text) + 2):
            pool = self._sharing(text, size, len(set(text)) - limit)
            if not pool:
                continue
            for match, _distance, _index in process.extract(
                text, pool, scorer=Levenshtein.distance, score_cutoff=limit, limit=5
            ):
                if match != text and self.frequency[match] > best_docs:
                    best, best_docs = match, self.frequency[match]
        return best

    def prepare(self) -> None:
        """Build now the tables :meth:`neighbour` builds on first use (a server's start, not its first correction)."""
        for size in self._by_length:
            self._by_character(size)

    def _sharing(self, text: str, size: int, least: int) -> list[str]:
        """The words of ``size`` characters holding at least ``least`` of the distinct characters of ``text``, in
        the order of the words of that size (all of them where ``least`` < 1).

        What an edit distance of at most k needs (Ukkonen 1992, "Approximate string-matching with q-grams and
        maximal matches": the q-gram lemma, q = 1): an alignment of two words with at most k edits keeps at least
        len(text) − k of ``text``'s characters, so at least (distinct characters of ``text``) − k of them are in
        the other word. Each character's words are listed once per size (built on first use, then kept)."""
        pool = self._by_length.get(size) or []
        if least < 1 or not pool:
            return pool
        index = self._by_character(size)
        lists = [index[ch] for ch in set(text) if ch in index]
        if len(lists) < least:
            return []
        counts = np.bincount(np.concatenate(lists), minlength=len(pool))
        return [pool[i] for i in np.flatnonzero(counts >= least).tolist()]

    def _by_character(self, size: int) -> dict[str, np.ndarray]:
        """Character → ascending indexes of the words of ``size`` characters holding it (each once)."""
        tables = self.__dict__.setdefault("_character_tables", {})  # not in spellers pickled before
        found = tables.get(size)
        if found is None:
            found = tables[size] = character_table(self._by_length.get(size) or [], size)
        return found

    def correct_text(self, text: str, cut) -> str | None:
        """``text`` with each space-separated chunk's unknown words corrected (``cut``: a chunk → its words, as
        queries are cut), or None where nothing is; a corrected chunk is written without spaces."""
        chunks, changed = [], False
        for chunk in text.split():
            words = cut(chunk)
            fixed = self.correct(words)
            changed |= fixed != words
            chunks.append("".join(fixed) if fixed != words else chunk)
        return " ".join(chunks) if changed else None

    def corrections(self, text: str, cut) -> list[str]:
        """Corrected forms of ``text`` (``cut`` as for :meth:`correct_text`), the likeliest first, at most
        MAX_CORRECTIONS: the best correction of every unknown run (:meth:`correct`), then each word standing beside
        others (工商 of 工商认定 → 工伤) or pair or triple of words that is no word of the index replaced by a
        homophone. Question words are never replaced. Space-separated chunks are corrected apart; [] when nothing
        is. Which is searched, offered or dropped is :mod:`index.query.rescue`'s decision."""
        chunks = text.split()
        cuts = [cut(chunk) for chunk in chunks]
        found: list[str] = []

        def add(index: int, words: list[str]) -> None:
            if words != cuts[index]:
                candidate = " ".join([*chunks[:index], "".join(words), *chunks[index + 1 :]])
                if candidate != text and candidate not in found:
                    found.append(candidate)

        best = self.correct_text(text, cut)
        if best is not None:
            found.append(best)
        for index, words in enumerate(cuts):
            for a in range(len(words)):
                for b in range(a + 1, min(len(words), a + 3) + 1):
                    span = "".join(words[a:b])
                    if not _CJK.match(span) or len(span) < 2:
                        continue
                    if any(word in QUESTION_WORDS for word in words[a:b]):
                        continue
                    if b - a == 1 and self.known(span) and len(words) < 2:
                        continue  # a known word alone is never a suspect; beside others, 工商 (认定) may be 工伤
                    if b - a > 1 and not all(self.known(w) for w in words[a:b]):
                        continue  # unknown runs are corrected by correct() above
                    if b - a > 1 and self.frequency.get(span, 0) >= MIN_CORRECTION_DOCS:
                        continue  # the words together are a word the index holds
                    for other in self.homophones(span)[:MAX_SOUNDALIKES]:
                        add(index, [*words[:a], other, *words[b:]])
        found = found[:MAX_CORRECTIONS]
        # An unknown word of two characters beside other words, with no correction by sound: its neighbours one
        # character away (招骋 → 招聘, 招生, 招标 …), among which the query's other words choose (rescue.plan).
        for index, words in enumerate(cuts):
            for a, word in enumerate(words):
                if len(words) < 2 or not self._suspect(word) or len(word) != 2 or self.homophones(word):
                    continue
                for other in self.pair_neighbours(word):
                    add(index, [*words[:a], other, *words[a + 1 :]])
        return found

    def _suspect(self, word: str) -> bool:
        return bool(_CJK.match(word)) and not self.known(word) and word not in QUESTION_WORDS

    def pair_neighbours(self, word: str) -> list[str]:
        """Words of two characters sharing one of ``word``'s in its place, most frequent first, at most
        MAX_PAIR_NEIGHBOURS."""
        pool = self._by_length.get(2, [])
        found = [
            match
            for match, _d, _i in process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        ]
        found = [match for match in found if match != word]
        return sorted(found, key=lambda match: -self.frequency[match])[:MAX_PAIR_NEIGHBOURS]

    def correct(self, words: list[str]) -> list[str]:
        """``words`` (jieba's cut of a query, in order) with each run of unknown words corrected where it can be;
        the same list when nothing is.

        A run is tried with the known words either side of it first (养老 + 保 显 → 养老保显 → 养老保险), then
        alone; by sound before spelling, since a homophone is the likelier slip of a pinyin keyboard.
        """
        unknown = [bool(_CJK.match(word)) and not self.known(word) and word not in QUESTION_WORDS for word in words]
        runs, i = [], 0
        while i < len(words):
            if unknown[i]:
                j = i
                while j < len(words) and unknown[j]:
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        replaced: dict[int, tuple[int, str]] = {}  # start → (end, correction)
        taken = -1  # words before this index are already part of a correction
        for i, j in runs:
            spans = [(a, b) for a, b in ((i - 1, j + 1), (i - 1, j), (i, j + 1), (i, j)) if a >= 0 and b <= len(words)]
            spans = [(a, b) for a, b in spans if a > taken and not QUESTION_WORDS.intersection(words[a:b])]
            fix = next(
                (
                    (a, b, fixed)
                    for method in (self.homophone, self.neighbour)
                    for a, b in spans
                    if (fixed := method("".join(words[a:b])))
                ),
                None,
            )
            if fix:
                a, b, fixed = fix
                replaced[a] = (b, fixed)
                taken = b - 1
        if not replaced:
            return list(words)
        out, i = [], 0
        while i < len(words):
            if i in replaced:
                end, fixed = replaced[i]
                out.append(fixed)
                i = end
            else:
                out.append(words[i])
                i += 1
        return out


def character_table(words: list[str], size: int) -> dict[str, np.ndarray]:
    """Character → ascending indexes (int32) into ``words`` (each ``size`` characters long) of the words holding it,
    each word once: the inverted lists :meth:`Speller._sharing` counts. Built in numpy from the words' code points
    (a row of ``size`` per word, sorted, repeats masked, then grouped by character with a stable sort, so each list
    keeps the words' order); each list is a view into one array."""
    if not words:
        return {}
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).reshape(len(words), size)
    rows = np.sort(codes, axis=1)
    first = np.ones(rows.shape, dtype=bool)
    first[:, 1:] = rows[:, 1:] != rows[:, :-1]
    owners, _ = np.nonzero(first)  # row-major: each character's owners come out ascending
    characters = rows[first]
    order = np.argsort(characters, kind="stable")
    characters, owners = characters[order], owners[order].astype(np.int32)
    distinct, starts = np.unique(characters, return_index=True)
    bounds = [*starts.tolist(), len(characters)]
    return {
        chr(code): owners[start:end]
        for code, start, end in zip(distinct.tolist(), bounds[:-1], bounds[1:], strict=True)
    }
