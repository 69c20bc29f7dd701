"""No dead ends: what is searched instead of a query that finds nothing, or very little.

One rule for every store (:class:`index.whoosh.catalog.Catalog`, :class:`index.cluster.catalog.ClusterCatalog`); a store
only says how many documents a query text finds (``count``, with the request's filters), and searches the text
:func:`plan` chooses in place of the one typed. Unquoted words only (no quotes, operators, identifiers or
高级检索 conditions), of at most MAX_RESCUE_CHARS characters (longer text is pasted, and found by its phrase).

1. **Correction.** Where the query's own results (see :func:`plan`) are fewer than GOOD_RESULTS and a correction
   (:meth:`index.query.spelling.Speller.corrections`) finds at least CORRECTION_GAIN times as many, the correction
   that finds most — the one fitting the query's other words best — is searched, and the page says so with a
   link to the query as typed (``已显示“低保”的结果，仍然搜索：地保``). A correction finding more, but not that much
   more, is only offered (did-you-mean).
2. **Relaxation.** Where the query (or its correction) still finds nothing, its least informative words are left
   out one by one — first those found nowhere, then the most common — until what is left (two words at least)
   finds something; the page names the words left out.
3. Where no part of it finds anything together, **any word** may match (the words joined by ``OR``).
4. A query of two words that both must match (:func:`index.query.plan.minimum_match`) finding fewer than
   GOOD_RESULTS documents together, uncorrected, is searched with **either word** where that finds
   CORRECTION_GAIN times as many (噪音扰民: 7 documents hold both, the 噪声污染防治 rules only the first), ranked
   as any OR query is (BM25F with coordination: holding both counts, but a title on one of them can rank above a
   passing mention of both); the page says how many hold both. A query of three words or more needs only most of
   them already (:func:`index.query.plan.minimum_match`).

A query whose own results are good (GOOD_RESULTS or more) is always searched as typed. Every step counts
documents with the store's own matching, so what the page promises is what it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.query.results import Rescue, SearchResult
from index.query.syntax import Parsed, Words, parse

CORRECTION_GAIN = 5  # a correction is searched in place of the query when it finds this many times as much
GOOD_RESULTS = 20  # a query finding this many documents is searched as typed (a correction is only offered)
FEW_RESULTS = 5  # fewer, and a correction finding more (not CORRECTION_GAIN times more) is offered
MAX_RESCUE_CHARS = 20  # longer text is pasted: found by its phrase and rare words, not corrected or relaxed
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
MAX_RELAXED = 6  # queries of more words are relaxed by their MAX_RELAXED most informative words


@dataclass
class Plan:
    """What to search instead of the query typed (``rescue`` says how), and the corrections only offered."""

    rescue: Rescue | None = None
    did_you_mean: list[str] = field(default_factory=list)


def rescuable(node, field: str, scoped: dict, literal: bool) -> bool:
    """Whether a query may be corrected or relaxed: unquoted words, short, no identifier field, no 高级检索
    condition, not the literal search (the link that searches a query as typed)."""
    return (
        isinstance(node, Words)
        and field not in ("doc_no", "index_no")
        and not scoped
        and not literal
        and len(node.text) <= MAX_RESCUE_CHARS
    )


def holds_unknown(units, known: Callable[[str], bool]) -> bool:
    """Whether a query's ``units`` (:func:`index.query.plan.query_units`) hold a Chinese word of two characters or
    more that the index does not hold as a word (``known``: :meth:`index.query.spelling.Speller.known`), found
    neither through its synonyms nor through its parts: its hits hold its characters inside other words."""
    return any(
        len(unit.word) > 1
        and _CJK.match(unit.word)
        and not known(unit.word)
        and not unit.parts
        and not unit.alternatives
        for unit in units
    )


def plan(
    typed: str,
    total: int,
    count: Callable[[str], int],
    corrections: list[str],
    words: list[str],
    unknown: bool = False,
) -> Plan:
    """What to search for ``typed``, which found ``total`` documents.

    ``count``: a query text → the documents it finds (OR between words allowed, quotes for phrases);
    ``corrections``: corrected forms of ``typed``, likeliest first; ``words``: the words of ``typed`` that must
    match (the units of :func:`index.query.plan.query_units`, optional ones left out), each a query text of its
    own; ``unknown``: ``typed`` holds a word the index does not hold as a word (:func:`holds_unknown`).

    A correction is weighed by the documents holding each of its space-separated parts as corrected (a phrase:
    社会保障卡, not 社会 … 报账 … 卡), against the query's *own* results: none where it holds an unknown word (地保
    finds 湿地保护 by its characters, not the word), all it found for a single word, else the documents holding it
    as typed (工商认定 side by side, not 工商 here and 认定 there). A correction of the typed length wins over one
    adding or dropping a character where both would do; the latter are tried only for an unknown word.
    """
    result = Plan()
    # a query of two required words finding little together may be searched with either (4. above)
    little = 0 < total < GOOD_RESULTS and len(words) == 2
    if not corrections and total and not little:
        return result

    def phrased(text: str) -> str:
        return " ".join(f'"{chunk}"' for chunk in text.split())

    # Corrections are weighed by the documents holding them as corrected (低保 标准, 社会保障卡): a correction
    # that only finds its words apart (社会 报账 卡) fits the query badly. The query's own: none for an unknown
    # word, all it found for one word, else the documents holding it as typed.
    if unknown or not total:
        own = 0
    elif len(words) < 2:
        own = total
    else:
        own = min(total, count(phrased(typed)))
    if own >= GOOD_RESULTS:
        return result
    typed_words = words
    # A character added or left out (退休金怎么 for 退休金怎么算, 产假 for 陪产假) only where a word is unknown.
    corrections = [c for c in corrections if unknown or len(c) == len(typed)]
    if corrections:
        found = {candidate: count(phrased(candidate)) for candidate in corrections}
        # The same length first (社会保障卡, not 社会保障), then the most found; the first of equals: the likeliest.
        best = max(corrections, key=lambda candidate: (len(candidate) == len(typed), found[candidate]))
        if found[best] < CORRECTION_GAIN * max(own, 1):
            best = max(corrections, key=lambda candidate: found[candidate])
        if found[best] >= CORRECTION_GAIN * max(own, 1):
            result.rescue = Rescue(typed=typed, searched=best, correction=best)
            total = count(best)
            typed_words = []  # relaxed below from the correction's words, if need be
        elif total < FEW_RESULTS and found[best] > total:
            result.did_you_mean = [best]
    if result.rescue:
        little = False  # the correction's own words are searched together
    if total and not little:
        return result
    base = result.rescue.searched if result.rescue else typed
    relaxed = relax(base, typed_words or base.split(), count, CORRECTION_GAIN * total)
    if relaxed is not None:
        searched, left_out, any_word = relaxed
        correction = result.rescue.correction if result.rescue else ""
        result.rescue = Rescue(typed, searched, correction, left_out, any_word, together=total)
    return result


def relax(
    text: str, words: list[str], count: Callable[[str], int], least: int = 1
) -> tuple[str, list[str], bool] | None:
    """(query, words left out, any word) finding at least ``least`` documents for ``text`` of ``words``; None
    where nothing does.

    Words are left out least informative first: those found nowhere, then the most common, while two are left
    (a single word is what "any word" below finds first anyway). Failing that, any one word may match.
    """
    least = max(least, 1)
    words = list(dict.fromkeys(word for word in words if word.strip()))
    if len(words) < 2:
        return None
    documents = {word: count(word) for word in words[:MAX_RELAXED]}
    words = [word for word in words if word in documents]
    found = [word for word in words if documents[word]]
    if not found:
        return None
    order = sorted(words, key=lambda word: (documents[word] > 0, -documents[word]))
    kept = list(words)
    for word in order[:-2]:
        kept.remove(word)
        if count(" ".join(kept)) >= least:
            return " ".join(kept), [w for w in words if w not in kept], False
    if least > 1 and count(" OR ".join(found)) < least:
        return None
    return " OR ".join(found), [w for w in words if w not in found], True


def rescued(
    result: SearchResult,
    text: str,
    units,
    speller,
    cut: Callable[[str], list[str]],
    count: Callable[[str], int],
    fill: Callable[[SearchResult, Parsed, str], object],
) -> SearchResult:
    """``result`` (the search as typed, filled) with its did-you-mean, or the search a :func:`plan` puts in its
    place: a new result that ``fill(result, parsed, text)`` fills for the corrected or relaxed text, keeping the
    syntax notices. Both stores call this; each gives its own ``count`` and ``fill`` (the store's questions),
    ``units`` the query's :func:`index.query.plan.query_units` and ``speller`` its :class:`Speller`."""
    chosen = plan(
        text,
        result.total,
        count,
        speller.corrections(text, cut),
        [unit.word for unit in units if not unit.optional],
        holds_unknown(units, speller.known),
    )
    result.did_you_mean = chosen.did_you_mean
    if chosen.rescue is None:
        return result
    req = result.request
    instead = SearchResult(request=req, page=req.page)
    instead.notices = [n for n in result.notices if n.startswith("检索式")]
    instead.partial = result.partial  # the choice to search instead was made on the partial answer
    fill(instead, parse(chosen.rescue.searched), chosen.rescue.searched)
    instead.rescue = chosen.rescue
    instead.did_you_mean = chosen.did_you_mean  # a relaxed query still offers the correction it found
    return instead
