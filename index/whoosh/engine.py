"""Query evaluation: a :mod:`index.query.syntax` tree → which documents match and how well, on NumPy arrays.

Scoring is BM25F (Robertson, Zaragoza & Taylor 2004, "Simple BM25 extension to multiple weighted fields")
over the text fields of :data:`TEXT_FIELDS`, the title weighted. What a query unit's frequency in a field
is: a word of the query (jieba's cut of it, or a Latin/digit run) is found in a field either as that word
in the field's word postings, or as the run of its bigrams in the bigram postings (the frequency of its
rarest bigram); the larger of the two counts. So a word jieba cut differently in the document (万亿美元
inside 一点七八万亿美元) is still found, and found as often as it occurs.

Unquoted words (:class:`Words`) need *most* of their units (:func:`minimum_match`), score more the more
match (coordination), and rank above everything else where the whole text occurs as it was typed (a
phrase of its bigrams) — in the title above the body — and where it is a title, exactly or nearly
(the Dice similarity of their bigrams). Quoted text
(:class:`Phrase`) matches only where its bigrams stand at consecutive positions: an exact substring.

A query word in a synonym group (:mod:`index.query.synonyms`: 低保 and 最低生活保障) is one unit whose
alternatives are its synonyms: a document holding any of them fills the unit's slot (minimum-match counts the
slot once), scored as one term whose frequency counts a synonym's occurrences times :data:`SYNONYM_DISCOUNT`,
so a literal hit ranks above a hit of the same strength reached only through a synonym.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from index.bigrams import phrase_grams
from index.query.compounds import Compounds
from index.query.plan import FIELD_GROUPS, STOP_WORDS, TEXT_FIELDS, TextField, Unit, minimum_match, query_units
from index.query.synonyms import SynonymTable
from index.query.syntax import And, Node, Not, Phrase, Words
from index.whoosh.arrays import IndexArrays

K1 = 2.0  # body and the other pooled fields: a document saying it many times counts more
K1_APART = 1.2  # the saturation of the fields scored apart (the title)
COORDINATION = 2  # exponent of the share of a query's units a document holds, applied to its score


SATURATED_APART = frozenset({"title"})
# Where the whole text of unquoted words, found as typed, lifts a document above the rest.
PHRASE_BONUS = {"title": 1.0, "body": 0.5, "attachment": 0.3}
# Where the text is a title, or nearly (one character wrong), rising from Dice similarity 0.7 to 1.
TITLE_BONUS = 6.0
# Topic before coincidence, for a query of at most SHORT_QUERY_UNITS words: the bonus (times Σ idf) of a body
# holding them within NEAR_WINDOW bigram positions (characters) of each other (高温 … 补贴 in one clause).
SHORT_QUERY_UNITS = 3
NEAR_WINDOW = 20
NEAR_BONUS = 0.5
NEAR_CANDIDATES = 200  # the best scored documents checked for nearness
# A unit's list in a field holding at least 1/DENSE_SHARE of the documents is added to its score on arrays of every
# document (a few vector passes), a shorter one on its documents alone (a gather and a scatter per document); so is
# its score to the query's.
DENSE_SHARE = 8
MAX_VARIANTS = 4  # the text with synonyms in place, as phrases (驾照扣分 → 驾驶证记分), at most
# The share of a document's characterising weight (tf·idf) another must hold to be like it (more_like).
MORE_LIKE_SHARE = 0.3
# What a hit through a synonym is worth beside a literal hit of the same strength.
SYNONYM_DISCOUNT = 0.8
# What a compound found through its parts (低保 … 户 for 低保户) is worth beside the compound found as typed.
PART_DISCOUNT = 0.8
# A phrase's bigram is read only in the blocks of its candidate documents where these are at most this many, or
# at most 1/FEW_SHARE of the documents holding the bigram: Whoosh's blocks hold 128 postings each, so fewer
# candidates than blocks leave most blocks undecoded.
FEW_CANDIDATES = 64
FEW_SHARE = 256
# A phrase's bigram held by at most this many documents has its posting list read (and cached) to cut the candidates
# before positions are read; a more common one's only where it is cached already.
CHEAP_POSTINGS = 2_000
# The units of unquoted text scored at most: a longer query keeps its rarest (Engine._most_informative).
MAX_UNITS = 24
# The index terms a fragment of a Latin/digit run stands for at most (the most frequent are not chosen: the
# first in the lexicon's order), so a fragment such as ``-1`` never multiplies a query.
MAX_RUN_TERMS = 64
_ALNUM_GRAM = re.compile(r"[0-9a-z]+(?:[-:/.][0-9a-z]+)*")
_SEPARATOR = "-:/."


@dataclass
class Scored:
    """Which documents match (``bool[size]``) and their scores (``float32[size]``, 0 where not matched)."""

    hit: np.ndarray
    score: np.ndarray


def _variants(units: list[Unit]) -> list[str]:
    """The units' words in order with synonyms in place, at most MAX_VARIANTS (the text as typed is not one)."""
    options = [[unit.word, *(alternative.word for alternative in unit.alternatives)] for unit in units]
    if all(len(option) == 1 for option in options):
        return []
    return ["".join(combo) for combo in itertools.islice(itertools.product(*options), 1, MAX_VARIANTS + 1)]


class Engine:
    """Evaluates query trees on one commit (``arrays``) through the calling thread's ``reader``.

    With ``synonyms``, unquoted words are expanded (see the module docstring); :attr:`expansions` then
    records, term by term, the synonyms that found documents (the page says so, and offers the literal search).
    """

    def __init__(
        self,
        arrays: IndexArrays,
        reader: IndexReader,
        analyzer,
        synonyms: SynonymTable | None = None,
        compounds: Compounds | None = None,
    ):
        self.arrays = arrays
        self.reader = reader
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.compounds = compounds
        self.size = arrays.size
        self._norms: dict[str, np.ndarray] = {}
        self.expansions: dict[str, list[str]] = {}
        self.parts: dict[str, list[str]] = {}  # compound → the parts it was found through

    # the tree

    def evaluate(self, node: Node | None, fields: tuple[str, ...]) -> Scored:
        """Matches and scores of ``node`` searching ``fields`` (keys of TEXT_FIELDS); every document for None."""
        if node is None:
            return Scored(self.arrays.alive.copy(), np.zeros(self.size, np.float32))
        if isinstance(node, Words):
            return self.words(node.text, _fields_of(node.field, fields))
        if isinstance(node, Phrase):
            return self.phrase(node.text, _fields_of(node.field, fields))
        if isinstance(node, Not):
            child = self.evaluate(node.child, fields)
            return Scored(self.arrays.alive & ~child.hit, np.zeros(self.size, np.float32))
        children = [self.evaluate(child, fields) for child in node.children]
        combine = np.logical_and if isinstance(node, And) else np.logical_or
        hit = children[0].hit.copy()
        score = np.zeros(self.size, np.float32)
        for child in children:
            if child is not children[0]:
                combine(hit, child.hit, out=hit)
            score += child.score
        score[~hit] = 0
        return Scored(hit, score)

    # unquoted words

    def words(self, text: str, fields: tuple[str, ...]) -> Scored:
        units = self._most_informative(query_units(text, self.analyzer, self.synonyms, self.compounds))
        if not units:
            return self._nothing()
        required = minimum_match(sum(not unit.optional for unit in units))
        scored, informativeness = self._units(units, fields, required)
        self._bonuses(text, units, fields, scored.hit, scored.score, informativeness)
        scored.score[~scored.hit] = 0
        return scored

    def _most_informative(self, units: list[Unit]) -> list[Unit]:
        """The MAX_UNITS rarest units of a long query (by their documents in the body's words and bigrams), in
        the query's order: a pasted paragraph is found by its rare words, and its common ones (工作, 进一步)
        would cost a long posting list each. Its whole text still counts as a phrase (:meth:`_bonuses`)."""
        if len(units) <= MAX_UNITS:
            return units

        def documents(unit: Unit) -> int:  # as found either way (a word jieba cut otherwise is found by its bigrams)
            grams = min(self.arrays.doc_frequency(self.reader, "body_grams", gram) for gram in unit.grams)
            return max(self.arrays.doc_frequency(self.reader, "body", unit.word), grams)

        kept = set(sorted(range(len(units)), key=lambda i: documents(units[i]))[:MAX_UNITS])
        return [unit for i, unit in enumerate(units) if i in kept]

    def more_like(self, text: str, fields: tuple[str, ...], top: int = 12) -> Scored:
        """Documents sharing the words that characterise ``text`` (its ``top`` words by tf·idf): at least two
        of them, carrying at least MORE_LIKE_SHARE of their tf·idf weight, so sharing the rare, repeated words
        counts and sharing a few common ones (管理, 办法) does not."""
        counts = Counter(
            token.text
            for token in self.analyzer(text, mode="query")
            if len(token.text) > 1 and token.text not in STOP_WORDS and any(ch.isalnum() for ch in token.text)
        )
        total = self.arrays.count + 1
        weights = {
            word: n * math.log(total / (1 + self.arrays.doc_frequency(self.reader, "body", word)))
            for word, n in counts.items()
        }
        chosen = sorted(weights, key=lambda word: weights[word], reverse=True)[:top]
        if not chosen:
            return self._nothing()
        held = np.zeros(self.size, np.float32)
        count = np.zeros(self.size, np.int16)
        score = np.zeros(self.size, np.float32)
        for word in chosen:
            unit_score, _ = self._unit(Unit(word, tuple(phrase_grams(word))), fields)
            found = unit_score > 0
            held += found * np.float32(weights[word])
            count += found
            score += unit_score
        hit = (count >= min(2, len(chosen))) & (held >= MORE_LIKE_SHARE * sum(weights[w] for w in chosen))
        score *= (count / len(chosen)) ** 2
        score[~hit] = 0
        return Scored(hit, score)

    def _units(self, units: list[Unit], fields: tuple[str, ...], required: int) -> tuple[Scored, float]:
        """Documents holding at least ``required`` of the units that are not optional, scored by BM25F and
        coordination; and Σ idf."""
        count = np.zeros(self.size, np.int16)
        score = np.zeros(self.size, np.float32)
        informativeness = 0.0
        for unit in units:
            docs, unit_score, idf = self._unit_scores(unit, fields)
            held = slice(None) if docs is None else docs
            if not unit.optional:
                count[held] += unit_score > 0
                informativeness += idf
            score[held] += unit_score
        counted = sum(not unit.optional for unit in units) or 1
        score *= (count / counted) ** COORDINATION  # the more of the query a document holds, the better
        return Scored(count >= required, score), informativeness

    def _unit(self, unit: Unit, fields: tuple[str, ...]) -> tuple[np.ndarray, float]:
        """BM25F score of one unit for every document (``float32[size]``), and its idf (see :meth:`_unit_scores`)."""
        docs, unit_score, idf = self._unit_scores(unit, fields)
        if docs is None:
            return unit_score, idf
        score = np.zeros(self.size, np.float32)
        score[docs] = unit_score
        return score, idf

    def _unit_scores(self, unit: Unit, fields: tuple[str, ...]) -> tuple[np.ndarray | None, np.ndarray, float]:
        """BM25F score of one unit: (ascending docnums, their scores ``float32``; every other document scores 0),
        or where at least 1/DENSE_SHARE of the documents hold it (and it has no parts), (None, the score of every
        document, 0 where it is not held); and its idf. The pseudo-frequencies are summed on arrays of every
        document, the score computed on the documents holding the unit only where they are few: the same float32
        operations on each document either way.

        A unit with synonyms is scored as one term (as Lucene's ``SynonymQuery`` does): its pseudo-frequency is
        the word's plus SYNONYM_DISCOUNT times each synonym's, saturated once, with the idf of the documents
        holding any of them. So a document about 最低生活保障 is not outranked by one mentioning 低保 once, and a
        literal hit still ranks above a synonym hit of the same frequency. The fields of SATURATED_APART (the
        title) saturate on their own and add: a title holding the word counts fully even where the body
        already says it many times.
        """
        pooled, apart = self._pseudo_tf(unit, fields)
        for alternative in unit.alternatives:
            other_pooled, other_apart = self._pseudo_tf(alternative, fields)
            if other_pooled.any() or other_apart.any():
                pooled += other_pooled * np.float32(SYNONYM_DISCOUNT)
                apart += other_apart * np.float32(SYNONYM_DISCOUNT)
                used = self.expansions.setdefault(unit.word, [])
                if alternative.word not in used:
                    used.append(alternative.word)
        held = (pooled > 0) | (apart > 0)
        df = int(np.count_nonzero(held))
        if not unit.parts and df * DENSE_SHARE >= self.size:
            idf = math.log(1 + (self.arrays.count - df + 0.5) / (df + 0.5))
            return None, idf * (pooled * (K1 + 1) / (K1 + pooled) + apart * (K1_APART + 1) / (K1_APART + apart)), idf
        docs = np.flatnonzero(held)
        pooled, apart = pooled[docs], apart[docs]
        score: np.ndarray = pooled
        idf = 0.0
        if docs.size:
            idf = math.log(1 + (self.arrays.count - docs.size + 0.5) / (docs.size + 0.5))
            score = idf * (pooled * (K1 + 1) / (K1 + pooled) + apart * (K1_APART + 1) / (K1_APART + apart))
        if unit.parts:
            dense = np.zeros(self.size, np.float32)
            dense[docs] = score
            dense, idf = self._through_parts(unit, fields, dense, idf)
            docs = np.flatnonzero(dense != 0)  # on a bool array: ten times np.flatnonzero's speed on floats
            score = dense[docs]
        return docs, score, idf

    def _through_parts(self, unit: Unit, fields: tuple[str, ...], score: np.ndarray, idf: float):
        """A compound's score: as typed, or where every part of two characters or more is found, PART_DISCOUNT
        times the parts' scores (the larger); and the larger idf. A part of one character (户 of 低保户, 考 of 考驾照)
        adds to the score where it is found and is not required: the index holds a character as a word only
        where jieba cut it alone. Records the parts searched in :attr:`parts`."""
        together = np.ones(self.size, bool)
        summed = np.zeros(self.size, np.float32)
        part_idf = 0.0
        for part in unit.parts:
            part_score, found_idf = self._unit(part, fields)
            if len(part.word) > 1:
                together &= part_score > 0
            summed += part_score
            part_idf = max(part_idf, found_idf)
        if not together.any():
            return score, idf
        self.parts[unit.word] = [part.word for part in unit.parts]
        summed[~together] = 0
        return np.maximum(score, summed * np.float32(PART_DISCOUNT)), max(idf, part_idf)

    def _pseudo_tf(self, unit: Unit, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """BM25F's pseudo-frequency Σ weight · tf / norm of one unit as written (no synonyms), for every document:
        over the pooled fields, and over those saturated apart.

        A field's frequencies are added on arrays of every document where they are many (DENSE_SHARE), on their
        documents alone where they are few: the same float32 operations on each document either way (where a
        document has none the dense way adds 0), so the same sums."""
        pooled = np.zeros(self.size, np.float32)
        apart = np.zeros(self.size, np.float32)
        for name in fields:
            field = TEXT_FIELDS[name]
            target = apart if name in SATURATED_APART else pooled
            found = self._unit_postings(unit, field)
            if isinstance(found, np.ndarray):  # merged on an array of every document already
                target += field.weight * found / self._norm(field)
                continue
            docs, freqs = found
            if not docs.size:
                continue
            if docs.size * DENSE_SHARE >= self.size:
                dense = np.zeros(self.size, np.float32)
                dense[docs.astype(np.intp)] = freqs
                target += field.weight * dense / self._norm(field)
            else:
                docs = docs.astype(np.intp)
                target[docs] += field.weight * freqs / self._norm(field)[docs]
        return pooled, apart

    def _unit_postings(self, unit: Unit, field: TextField) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """(docnums, frequency) of a unit in one field: the larger of its word count and its bigram-run count; where
        a document may have both, as ``float32[size]`` (0 where it has neither; frequencies are at least 1)."""
        words = self._postings(field.words, unit.word) if field.words else _EMPTY
        grams = (
            self._gram_run(field.grams, self._slots(field.grams, unit.grams, phrase=False)) if field.grams else _EMPTY
        )
        if not grams[0].size:
            return words
        if not words[0].size:
            return grams
        # Merged on a dense array (one pass over the documents), not by sorting their union; index arrays as
        # ``intp``, which NumPy's fancy indexing takes without converting them element by element.
        dense = np.zeros(self.size, np.float32)
        dense[grams[0].astype(np.intp)] = grams[1]
        at = words[0].astype(np.intp)
        dense[at] = np.maximum(dense[at], words[1])
        return dense

    def _slots(self, field: str, grams: tuple[str, ...] | list[str], phrase: bool) -> list[tuple[str, ...]]:
        """The terms of ``field`` standing for each gram: the gram itself, and for a Latin/digit run also the
        longer runs of the index it is a fragment of.

        The index holds a run (``www.example.gov.cn/a-b``) whole and as its parts, so a fragment spanning a
        separator (``gov.cn``, ``2017-10``) or ending inside a part (``12:2`` of ``12:21``) is no term of its own.
        Unquoted, a run with a separator stands for the runs holding it between separators (``a-b`` is not found
        in ``data-base``). In a phrase, a run is a substring: the first may end a longer run, the last may begin
        one, a single run may stand anywhere in one (``"10-03恢复"`` finds ``2017-10-03恢复``); a run between
        others is itself only.
        """
        slots: list[tuple[str, ...]] = []
        last = len(grams) - 1
        for i, gram in enumerate(grams):
            if not _ALNUM_GRAM.fullmatch(gram) or (phrase and 0 < i < last):
                slots.append((gram,))
                continue
            if not phrase and not any(ch in _SEPARATOR for ch in gram):
                slots.append((gram,))
                continue
            escaped = re.escape(gram)
            if not phrase:
                pattern = rf"^(?:[^\n]*[-:/.])?{escaped}(?:[-:/.][^\n]*)?$"
            else:
                before = "[^\n]*" if i == 0 else ""
                after = "[^\n]*" if i == last else ""
                pattern = rf"^{before}{escaped}{after}$"
            found = [m.group() for m in re.finditer(pattern, self.arrays.run_terms(self.reader, field), re.M)]
            slots.append(tuple(found[:MAX_RUN_TERMS]) or (gram,))
        return slots

    def _slot_postings(self, field: str, slot: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, frequency) of any term of a slot: frequencies added where a document holds several."""
        if len(slot) == 1:
            return self._postings(field, slot[0])
        lists = [self._postings(field, term) for term in slot]
        docs = np.concatenate([item[0] for item in lists])
        freqs = np.concatenate([item[1] for item in lists])
        found, where = np.unique(docs, return_inverse=True)
        return found.astype(np.int32), np.bincount(where, weights=freqs, minlength=found.size).astype(np.float32)

    def _slot_size(self, field: str, slot: tuple[str, ...]) -> tuple[int, np.ndarray | None]:
        """(documents holding any term of a slot, their docnums where every term's list is cached): the count from
        the cached lists, else from the index's term information (deleted documents included), nothing decoded."""
        cached = [self.arrays.cached_postings(field, term) for term in slot]
        if all(item is not None for item in cached):
            docs = self._slot_postings(field, slot)[0]
            return docs.size, docs
        return sum(self.arrays.doc_frequency(self.reader, field, term) for term in slot), None

    def _slot_keys(
        self, field: str, slot: tuple[str, ...], within: np.ndarray | None = None, few: bool = True
    ) -> np.ndarray:
        """``docnum << 32 | position`` (ascending, distinct) of every occurrence of any term of a slot (a run and its
        parts share a position: each is counted once); with ``within`` (ascending docnums; ``few`` where they are
        few beside the slot's documents), at least of those in them."""

        def keys(term: str) -> np.ndarray:
            if within is None:
                return self.arrays.keys(self.reader, field, term)
            return self.arrays.keys_within(self.reader, field, term, within, few)

        if len(slot) == 1:
            return keys(slot[0])
        return np.unique(np.concatenate([keys(term) for term in slot]))

    def _gram_run(self, field: str, slots: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Documents holding every slot of a unit, with the smallest of their frequencies (no positions)."""
        lists = sorted((self._slot_postings(field, slot) for slot in slots), key=lambda item: item[0].size)
        docs, freqs = lists[0]
        for other_docs, other_freqs in lists[1:]:
            if not docs.size:
                break
            at = np.minimum(np.searchsorted(other_docs, docs), max(other_docs.size - 1, 0))
            here = other_docs[at] == docs if other_docs.size else np.zeros(docs.size, bool)
            docs, freqs = docs[here], np.minimum(freqs[here], other_freqs[at[here]])
        return docs, freqs

    def _bonuses(self, text: str, units: list[Unit], fields, hit, score, informativeness: float) -> None:
        """The whole text found as typed (each space-separated part as a phrase), and a title it (nearly) is; for
        a short query, the text with its synonyms in place as a phrase, and its words near each other."""
        candidates = np.flatnonzero(hit)
        if not candidates.size:
            return
        for chunk in text.split():
            grams = phrase_grams(chunk)
            if len(grams) < 2 or len(query_units(chunk, self.analyzer)) < 2:
                continue
            self._phrase_bonus(grams, fields, candidates, score, informativeness)
        required = [unit for unit in units if not unit.optional]
        if 2 <= len(required) <= SHORT_QUERY_UNITS and len(text.split()) == 1:
            for variant in _variants(required):  # 驾照扣分 also as 驾驶证记分
                self._phrase_bonus(phrase_grams(variant), fields, candidates, score, SYNONYM_DISCOUNT * informativeness)
        if 2 <= len(required) <= SHORT_QUERY_UNITS and "body" in fields:
            best = candidates
            if best.size > NEAR_CANDIDATES:  # only the best placed can be lifted to the first pages
                best = np.sort(best[np.argpartition(-score[best], NEAR_CANDIDATES)[:NEAR_CANDIDATES]])
            near = self._near(required, best)
            score[near] += NEAR_BONUS * informativeness
        if "title" in fields and len(units) > 1:
            similarity = self._title_similarity(text)
            score += TITLE_BONUS * informativeness * np.clip((similarity - 0.7) / 0.3, 0, 1)

    def _phrase_bonus(self, grams: list[str], fields, candidates: np.ndarray, score, weight: float) -> None:
        """PHRASE_BONUS (per field) times ``weight`` for the candidates holding ``grams`` as a phrase."""
        for name, bonus in PHRASE_BONUS.items():
            field = TEXT_FIELDS[name].grams
            if name in fields and field:
                docs, _counts = self._phrase_docs(field, self._slots(field, grams, phrase=True), candidates)
                score[docs] += bonus * weight

    def _near(self, units: list[Unit], candidates: np.ndarray) -> np.ndarray:
        """The candidates whose body holds every unit (or a synonym, or a part) within NEAR_WINDOW bigram
        positions of the unit before it."""
        field = TEXT_FIELDS["body"].grams
        assert field is not None, "the body has a bigram field (TEXT_FIELDS)"
        keys = [self._start_keys(field, unit, candidates) for unit in units]
        near = self._mask(candidates)
        for before, after in zip(keys, keys[1:], strict=False):
            if not before.size or not after.size:
                return np.empty(0, np.int64)
            at = np.searchsorted(before, after)
            close = np.zeros(after.size, bool)
            for index in (at - 1, at):
                valid = (index >= 0) & (index < before.size)
                other = before[np.clip(index, 0, before.size - 1)]
                same_doc = (other >> 32) == (after >> 32)
                close |= valid & same_doc & (np.abs((other & 0xFFFFFFFF) - (after & 0xFFFFFFFF)) <= NEAR_WINDOW)
            found = np.zeros(self.size, bool)
            found[after[close] >> 32] = True
            near &= found
        return np.flatnonzero(near)

    def _start_keys(self, field: str, unit: Unit, candidates: np.ndarray) -> np.ndarray:
        """Sorted ``docnum << 32 | position`` of where the unit (its first gram), a synonym or its longest part
        starts in ``field``, within ``candidates``."""
        starts = [unit.grams[0]] + [alternative.grams[0] for alternative in unit.alternatives]
        if unit.parts:
            starts.append(max(unit.parts, key=lambda part: len(part.word)).grams[0])
        lists = []
        for gram in dict.fromkeys(starts):
            keys = self._slot_keys(field, (gram,), candidates)
            lists.append(keys[self._mask(candidates)[keys >> 32]])
        if len(lists) == 1:  # one gram's keys: ascending already
            return _distinct(lists[0])
        return _distinct(np.sort(np.concatenate(lists))) if lists else np.empty(0, np.int64)

    def _title_similarity(self, text: str) -> np.ndarray:
        """Dice coefficient of the text's bigrams and each title's: 1 for the exact title, ~0.9 with one typo."""
        grams = phrase_grams(text)
        held = [self._postings("title_grams", gram)[0] for gram in set(grams)]
        shared = np.bincount(np.concatenate([np.empty(0, np.int32), *held]), minlength=self.size).astype(np.float32)
        lengths = self.arrays.lengths(self.reader, "title_grams")
        return 2 * shared / (len(set(grams)) + lengths + 1e-6)

    # quoted text

    def phrase(self, text: str, fields: tuple[str, ...]) -> Scored:
        grams = phrase_grams(text)
        if not grams:
            return self._nothing()
        pseudo_tf = np.zeros(self.size, np.float32)
        for name in fields:
            field = TEXT_FIELDS[name]
            if field.grams is None:
                continue
            docs, counts = self._phrase_docs(field.grams, self._slots(field.grams, grams, phrase=True))
            if docs.size:
                pseudo_tf[docs] += field.weight * counts / self._norm(field)[docs]
        hit = pseudo_tf > 0
        df = int(np.count_nonzero(hit))
        if not df:
            return Scored(hit, pseudo_tf)
        idf = math.log(1 + (self.arrays.count - df + 0.5) / (df + 0.5))
        return Scored(hit, (idf * pseudo_tf * (K1 + 1) / (K1 + pseudo_tf)).astype(np.float32))

    def _phrase_docs(
        self, field: str, slots: list[tuple[str, ...]], within: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, occurrences) where the slots' terms stand at consecutive positions in ``field`` (within
        ``within``, ascending docnums)."""
        if len(slots) == 1:
            docs, freqs = self._slot_postings(field, slots[0])
            if within is not None and docs.size:
                keep = self._mask(within)[docs]
                docs, freqs = docs[keep], freqs[keep]
            return docs, freqs
        # First the documents holding every slot, from the posting lists without positions, the rarest first:
        # what no position can change. A common slot's list counts only where it is cached already (read from
        # the index, it costs as much as its positions).
        held = [self._slot_size(field, slot) for slot in slots]
        order = sorted(range(len(slots)), key=lambda i: held[i][0])
        candidates = None if within is None else _distinct(within)
        for i in order:
            holding = held[i][1]
            if holding is None and held[i][0] <= CHEAP_POSTINGS:
                holding = self._slot_postings(field, slots[i])[0]
            if holding is not None:
                candidates = holding if candidates is None else _intersect(candidates, holding)
                if not candidates.size:
                    return np.empty(0, np.int32), np.empty(0, np.float32)
        # Then positions, the rarest slot first, each read only in the blocks of the documents still in the
        # running once they are few beside the slot's list (a common bigram's long list is then barely decoded);
        # read whole (and cached) where most blocks would be decoded anyway.
        # Occurrences as one number (docnum, position − offset in the phrase); a phrase starts where all agree.
        starts: np.ndarray | None = None
        for offset in order:
            few = candidates is not None and (
                candidates.size <= FEW_CANDIDATES or candidates.size * FEW_SHARE <= held[offset][0]
            )
            keys = self._slot_keys(field, slots[offset], candidates, few)
            if starts is not None:
                # The starts still in the running whose slot stands at its offset: looked up among the slot's
                # occurrences as they are (ascending), none cut to the candidates first (the starts are theirs).
                starts = starts[_found_in(starts + (offset - (1 << 31)), keys)]
            else:
                if candidates is not None:
                    keys = keys[self._mask(candidates)[keys >> 32]]
                starts = keys + ((1 << 31) - offset)  # ascending, distinct
            if not starts.size:
                break
            candidates = _distinct(starts >> 32)
        assert starts is not None
        if not starts.size:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        docs = starts >> 32  # ascending: each document's starts are a run
        first = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
        counts = np.diff(np.append(first, docs.size))
        return docs[first].astype(np.int32), counts.astype(np.float32)

    # plumbing

    def _postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        return self.arrays.postings(self.reader, field, term)

    def _norm(self, field: TextField) -> np.ndarray:
        """BM25's length normalisation ``1 − b + b · length / average length`` for every document."""
        name = field.length_field
        if name not in self._norms:
            lengths = self.arrays.lengths(self.reader, name)
            average = self.arrays.average_length(self.reader, name) or 1.0
            self._norms[name] = (1 - field.b + field.b * lengths / average).astype(np.float32) + np.float32(1e-6)
        return self._norms[name]

    def _mask(self, docs: np.ndarray) -> np.ndarray:
        """``bool[size]``, true at ``docs``: membership by one gather instead of a sorted search."""
        mask = np.zeros(self.size, bool)
        mask[docs] = True
        return mask

    def _nothing(self) -> Scored:
        return Scored(np.zeros(self.size, bool), np.zeros(self.size, np.float32))


_EMPTY = (np.empty(0, np.int32), np.empty(0, np.float32))


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (``np.unique`` without its sort)."""
    if ascending.size < 2:
        return ascending
    return ascending[np.concatenate(([True], ascending[1:] != ascending[:-1]))]


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both ascending, duplicate-free ``a`` and ``b``, ascending: ``np.intersect1d`` without its sort
    of both (a binary search of the shorter's values in the longer)."""
    return a[_found_in(a, b)] if a.size <= b.size else b[_found_in(b, a)]


def _found_in(values: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """``bool[len(values)]``: whether each value is in ``ascending`` (sorted, not empty or not)."""
    if not ascending.size:
        return np.zeros(values.size, bool)
    at = np.searchsorted(ascending, values)
    return ascending[np.minimum(at, ascending.size - 1)] == values


def _fields_of(field: str | None, default: Iterable[str]) -> tuple[str, ...]:
    return FIELD_GROUPS.get(field, tuple(default)) if field else tuple(default)
