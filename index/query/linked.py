"""The documents a document's text links it to, resolved at query time: 解读 ↔ 原文, what replaced what, and the
editions of one regulation.

The tokens come from :mod:`index.crossrefs` (indexed at ingest as ``refs``, ``cites``, ``repeals`` and
``repealed_by``); here each side is matched against the other by exact terms, in both directions. A match is
only a candidate: a link is shown where the sentence stating it is found again in one of the two texts
(:attr:`LinkedDoc.sentence`), so every relation a page shows names where it comes from. Copies of a document
(the same title and body under several ids) are listed once, with the others named (:attr:`LinkedDoc.copies`).

Both stores share these rules: each gives :func:`relations_from` a :data:`Finder` that answers one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default

from index import crossrefs
from index.query.results import Copy, DocSummary, summary_of
from index.record import Document
from index.schema import dedup_key, from_stored

MAX_LINKED = 10  # documents listed per relation
FETCHED = 40  # candidates read per relation (copies and unconfirmed matches fall away)

# One query of a store: documents of ``kind`` holding any (field, tokens) pair, other than ``doc_id``, their
# dates within ``dated`` (undated ones kept), newest first; each as its stored fields.
Finder = Callable[[list[tuple[str, list[str]]], str, tuple[str | None, str | None], str], list[dict]]


@dataclass
class LinkedDoc(DocSummary):
    """A linked document, the sentence that links it (from either text), and its copies."""

    sentence: str = ""
    copies: list[Copy] = default(default_factory=list)


@dataclass
class Relations:
    """What one document's relations are, each list newest first."""

    interprets: list[LinkedDoc] = default(default_factory=list)  # a 解读: the 原文 it interprets
    interpretations: list[LinkedDoc] = default(default_factory=list)  # a 原文: its 相关解读
    replaced_by: list[LinkedDoc] = default(default_factory=list)  # later documents that repeal or replace it
    replaces: list[LinkedDoc] = default(default_factory=list)  # earlier documents it repeals or replaces
    current_version: list[LinkedDoc] = default(default_factory=list)  # 现行版本: the latest edition, if not this
    older_versions: list[LinkedDoc] = default(default_factory=list)  # 历史版本: earlier editions


def relations_from(find: Finder, doc: Document) -> Relations:
    """The relations of ``doc``, found by ``find`` and each confirmed by the sentence that states it."""
    own = crossrefs.refs(doc)
    found = Relations()
    kind = crossrefs.kind(doc)
    if kind == crossrefs.INTERPRETATION:
        candidates = find([("refs", crossrefs.cites(doc))], crossrefs.ORIGINAL, (None, None), doc.id)
        best = _editions_interpreted(find, doc)
        found.interprets = _linked(
            doc, [c for c in candidates if c.get("id") in best], lambda other: _cited_sentence(doc, other)
        )
    elif kind == crossrefs.ORIGINAL:
        wanted = [("cites", own), ("refs", crossrefs.related_tokens(doc))]
        candidates = find(wanted, crossrefs.INTERPRETATION, (None, None), doc.id)
        found.interpretations = _linked(
            doc,
            [c for c in candidates if _interprets_this_edition(find, from_stored(c), doc)],
            lambda other: _cited_sentence(other, doc, doc),
        )
    if kind != crossrefs.ORIGINAL:
        return found
    later = [("repeals", own), ("refs", crossrefs.repealed_by(doc))]
    earlier = [("refs", crossrefs.repeals(doc)), ("repealed_by", own)]
    candidates = find(later, crossrefs.ORIGINAL, (doc.sort_date, None), doc.id)
    found.replaced_by = _linked(doc, candidates, lambda other: _repeal_sentence(other, doc))
    candidates = find(earlier, crossrefs.ORIGINAL, (None, doc.sort_date), doc.id)
    found.replaces = _linked(doc, candidates, lambda other: _repeal_sentence(doc, other))
    found.current_version, found.older_versions = _versions(find, doc)
    return found


def _linked(doc: Document, candidates: list[dict], sentence_of: Callable[[Document], str]) -> list[LinkedDoc]:
    """The candidates whose link a sentence states, copies of one document (and of ``doc``) listed once."""
    own_key = dedup_key(doc)
    listed: dict[str, LinkedDoc] = {}
    for stored in _in_order(candidates):
        other = from_stored(stored)
        key = dedup_key(other) or other.id
        if key == own_key:
            continue
        if key in listed:
            listed[key].copies.append(Copy(other.id, other.url))
            continue
        if len(listed) >= MAX_LINKED:
            continue
        sentence = sentence_of(other)
        if sentence:
            listed[key] = LinkedDoc(**vars(summary_of(stored)), sentence=sentence)
    return list(listed.values())


def _editions_interpreted(find: Finder, interpretation: Document) -> set[str]:
    """Ids of the originals ``interpretation`` interprets: for each name it gives (its title's, else its
    opening's), of the documents bearing that name — editions of one regulation, or a notice published anew —
    the latest not later than the interpretation (the 2023 办法's 解读 is not the 2012 办法's), with its copies.
    An original that is itself an infographic or 解读 of something (一图看懂 关于…) is none."""
    ids: set[str] = set()
    for _, tokens in crossrefs.interpreted_sentences(interpretation):
        for token in dict.fromkeys(tokens):
            bearing = [
                stored
                for stored in _in_order(find([("refs", [token])], crossrefs.ORIGINAL, (None, None), interpretation.id))
                if not crossrefs.interpretation_form(str(stored.get("title", "")), [], "")
            ]
            if not bearing:
                continue
            when = interpretation.sort_date
            earlier = [s for s in bearing if not when or from_stored(s).sort_date <= when]
            chosen = from_stored((earlier or bearing[-1:])[0])
            ids.update(str(s.get("id")) for s in bearing if dedup_key(from_stored(s)) == dedup_key(chosen))
            ids.add(chosen.id)
    return ids


def _interprets_this_edition(find: Finder, interpretation: Document, original: Document) -> bool:
    """Whether ``original`` is among the editions ``interpretation`` interprets (:func:`_editions_interpreted`),
    or is listed under its own 相关信息."""
    if original.id in _editions_interpreted(find, interpretation):
        return True
    return bool(_cited_sentence(interpretation, original, original)) and not crossrefs.interpreted_sentences(
        interpretation
    )


def _in_order(candidates: list[dict]) -> list[dict]:
    """Newest first, then by id: the same order (and the same copy leading) whichever store found them."""
    by_id = sorted(candidates, key=lambda stored: str(stored.get("id", "")))
    return sorted(by_id, key=lambda stored: from_stored(stored).sort_date, reverse=True)


def _cited_sentence(interpretation: Document, original: Document, listing: Document | None = None) -> str:
    """The sentence of ``interpretation`` naming ``original`` as what it interprets (its title, else its
    opening less the sentences giving grounds: :func:`index.crossrefs.interpreted_sentences`) or a link on
    its page, else the link on ``listing``'s page (an original's 相关信息) naming ``interpretation``; ""."""
    names = set(crossrefs.refs(original))
    for sentence, tokens in crossrefs.interpreted_sentences(interpretation):
        if names.intersection(tokens):
            return sentence
    for link in interpretation.related:
        if names.intersection(crossrefs.link_tokens(link.url, interpretation.url)):
            return f"相关链接：{link.title}"
    if listing is not None:
        others = set(crossrefs.refs(interpretation))
        for link in listing.related:
            tokens = crossrefs.link_tokens(link.url, listing.url) + [
                f"t:{key}" for key in crossrefs.title_keys(link.title)
            ]
            if others.intersection(tokens):
                return f"相关信息：{link.title}"
    return ""


def _repeal_sentence(later: Document, earlier: Document) -> str:
    """The clause in which ``later`` repeals or replaces ``earlier``, or ``earlier`` says ``later`` did; ""."""
    earlier_names, later_names = set(crossrefs.refs(earlier)), set(crossrefs.refs(later))
    for statement in crossrefs.statements(later):
        if not statement.passive and earlier_names.intersection(statement.tokens):
            return _shortened(statement.text, statement.tokens, earlier_names)
    for statement in crossrefs.statements(earlier):
        if statement.passive and later_names.intersection(statement.tokens):
            return _shortened(statement.text, statement.tokens, later_names)
    return ""


SENTENCE_CHARS = 160  # of a long clause (a catalogue's list), around the name that matters


def _shortened(text: str, tokens: list[str], names: set[str]) -> str:
    """A long clause cut to its start and the part naming one of ``names`` (… where cut)."""
    if len(text) <= SENTENCE_CHARS:
        return text
    at = crossrefs.name_position(text, names)
    head = text[: SENTENCE_CHARS // 3]
    if at < 0 or at < len(head):
        return text[:SENTENCE_CHARS] + "…"
    start = max(len(head), at - 10)
    return f"{head}…{text[start : start + SENTENCE_CHARS - len(head)]}…"


def _versions(find: Finder, doc: Document) -> tuple[list[LinkedDoc], list[LinkedDoc]]:
    """(the latest edition where it is not ``doc``, the editions older than ``doc``), each with the heading
    line that dates it (:func:`index.crossrefs.are_versions`)."""
    key = crossrefs.version_key(doc)
    if not key:
        return [], []
    own_date, own_key = crossrefs.version_date(doc), dedup_key(doc)
    editions: dict[str, tuple[str, LinkedDoc]] = {}
    for stored in _in_order(find([("refs", [f"t:{key}"])], crossrefs.ORIGINAL, (None, None), doc.id)):
        other = from_stored(stored)
        if dedup_key(other) == own_key or not crossrefs.are_versions(doc, other):
            continue
        edition = crossrefs.version_date(other)
        if edition in editions:
            editions[edition][1].copies.append(Copy(other.id, other.url))
            continue
        sentence = f"{crossrefs.edition_sentence(other)}（本文：{crossrefs.edition_sentence(doc)}）"
        editions[edition] = (edition, LinkedDoc(**vars(summary_of(stored)), sentence=sentence))
    newer = sorted((item for item in editions.values() if item[0] > own_date), reverse=True)
    older = sorted((item for item in editions.values() if item[0] < own_date), reverse=True)
    return [item for _, item in newer[:1]], [item for _, item in older[:MAX_LINKED]]
