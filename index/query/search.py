"""One search, whichever store answers it: the rules written once above the stores.

:func:`search` sanitises the request, parses the query, has the store match it (:class:`Searching`), lays out
the page (pages, the notice for a page past the end, highlights, hits), offers queries with a word left out
where nothing is found, and searches a correction or a relaxation in place of the query as typed where that
finds nothing or little (:mod:`index.query.rescue`). A store answers only narrow questions: which documents a
query matches within the request's filters and in what order (:meth:`Searching.match`), how many a query text
finds (:meth:`Searching.count`), whether unquoted words find any (:meth:`Searching.finds`), and, for what it
matched, its facet counts and a page of stored fields (:class:`Matched`).
"""

from __future__ import annotations

import contextlib
import html
import json
import time
from collections.abc import Callable
from typing import Any, Protocol

from index.query.highlight import highlight_line, plain_snippet, snippet
from index.query.plan import Unit, query_units
from index.query.request import MAX_QUERY_CHARS, SearchRequest, query_text_and_field, sanitised
from index.query.rescue import rescuable, rescued
from index.query.results import Copy, Expansion, FacetValue, Hit, SearchResult, summary_of
from index.query.spelling import Speller
from index.query.syntax import Not, Parsed, Phrase, Words, parse

# What a store's warm() searches before the server takes requests: words with hits in most portals, which
# bench.latency's mix does not hold (its cold round would find their lists read already).
WARM_QUERY = "检验 检疫 预热"
MAX_SUGGESTIONS = 3  # queries with one word left out offered on an empty result, at most
MAX_SUGGESTION_WORDS = 8  # of the query's words, the first this many are tried left out


class Matched(Protocol):
    """What a store matched for one query of a search (the request's filters applied), copies of one document
    collapsed into one hit."""

    total: int  # documents matched, each copy group once
    expansions: list[Expansion]  # the synonyms searched that the store holds, word by word
    parts: dict[str, list[str]]  # compound → the parts it was searched through

    def facets(self) -> dict[str, list[FacetValue]]:
        """Facet key → values with the counts of the matched documents (selected ones marked)."""
        ...

    def hits(self, start: int, count: int, needles: list[str]) -> list[Hit]:
        """Hits ``start`` to ``start + count`` of the ranked list, ``needles`` highlighted (:func:`hit_of`)."""
        ...

    def notices(self) -> list[str]:
        """What the store has to say about this answer (partial, approximate), asked last."""
        ...

    def partial(self) -> bool:
        """Whether a part of the store did not answer (a cluster's shard none of whose replicas answered), so that
        the total, facets and hits count only what the rest holds; asked last, as :meth:`notices`."""
        ...


class Searching(Protocol):
    """One search request on one store, its filters fixed: the questions :func:`search` asks."""

    @property
    def analyzer(self) -> Any:
        """The word analyzer queries are cut with, as the store's documents were (a Whoosh analyzer)."""
        ...

    @property
    def speller(self) -> Speller:
        """The speller on the store's vocabulary."""
        ...

    def match(self, parsed: Parsed, text: str, field: str, sort: str) -> Matched:
        """The documents ``parsed`` (its ``text``) matches in ``field`` and the request's field conditions
        (高级检索), in ``sort`` order (``relevance``, ``newest``, ``oldest``)."""
        ...

    def count(self, text: str, field: str) -> int:
        """How many documents the query text finds in ``field`` within the filters (OR and quotes allowed)."""
        ...

    def finds(self, text: str, field: str) -> bool:
        """Whether the unquoted words ``text`` find a document in ``field`` within the filters."""
        ...

    def units(self, text: str) -> list[Unit]:
        """The query units of ``text`` with the synonyms and compounds the store searches."""
        ...


def search(
    req: SearchRequest,
    simplified: Callable[[str], str],
    searching: Callable[[SearchRequest], contextlib.AbstractContextManager[Searching]],
) -> SearchResult:
    """Search as typed; where that finds nothing or little, a correction or a relaxation of the query instead
    (:mod:`index.query.rescue`, said in :attr:`SearchResult.rescue`). ``simplified`` converts query text as the
    store's documents were (traditional → simplified), ``searching`` opens the store's answer to the sanitised
    request."""
    started = time.perf_counter()
    result, text, field, parsed = begin_search(req, simplified)
    if parsed is None:
        return result
    req = result.request
    with searching(req) as store:
        fill(store, result, parsed, text, field)
        if rescuable(parsed.node, field, req.scoped, req.literal):
            result = rescued(
                result,
                text,
                store.units(text),
                store.speller,
                lambda chunk: [token.text for token in store.analyzer(chunk, mode="query")],
                lambda text: store.count(text, field),
                lambda into, parsed, text: fill(store, into, parsed, text, field),
            )
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def begin_search(req: SearchRequest, simplified) -> tuple[SearchResult, str, str, Parsed | None]:
    """The result to fill (its request sanitised), the query text (``simplified``: traditional → simplified where
    the catalog converts) and the field it searches, and its parsed tree; None for the tree where the query is
    too long (the result then carries the error). Broken syntax adds its notice."""
    req = sanitised(req)
    result = SearchResult(request=req, page=req.page)
    text, field = query_text_and_field(req)
    if max([len(text), *(len(part) for part in req.scoped.values())]) > MAX_QUERY_CHARS:
        result.error = f"检索词过长（最多 {MAX_QUERY_CHARS} 个字），请缩短后再试。"
        return result, text, field, None
    text = simplified(text)
    parsed = parse(text)
    if parsed.degraded:
        result.notices.append("检索式的引号、括号或 AND/OR/NOT 不完整，已按普通检索词检索。")
    return result, text, field, parsed


def fill(store: Searching, result: SearchResult, parsed: Parsed, text: str, field: str) -> None:
    """``result`` for the query ``parsed`` (its ``text``) in ``field``: hits of the page asked, facets, the
    synonyms used, suggestions where nothing is found, and the store's notices."""
    req = result.request
    has_query = parsed.node is not None or bool(req.scoped)
    matched = store.match(parsed, text, field, req.sort if has_query or req.sort != "relevance" else "newest")
    result.total = matched.total
    result.pages = (result.total + req.per_page - 1) // req.per_page
    result.page = min(req.page, max(result.pages, 1))  # a page past the end answers with the last page
    if result.page < req.page:
        result.notices.append(f"共 {max(result.pages, 1)} 页，没有第 {req.page} 页，已显示最后一页。")
    result.facets = matched.facets()
    result.expansions = matched.expansions
    needles = highlight_needles(parsed.node, store.analyzer)
    needles += [word for expansion in result.expansions for word in expansion.synonyms]
    needles += [part for parts in matched.parts.values() for part in parts if len(part) > 1]
    result.hits = matched.hits((result.page - 1) * req.per_page, req.per_page, needles)
    if result.total == 0 and parsed.node is not None:
        result.suggestions = suggestions(store, text, field)
    result.notices += matched.notices()
    result.partial = result.partial or matched.partial()


def suggestions(store: Searching, text: str, field: str) -> list[str]:
    """Other queries worth offering on an empty result, each known to find something: one word left out."""
    if field in ("doc_no", "index_no"):
        return []
    units = [unit.word for unit in query_units(text, store.analyzer)]
    if len(units) < 2:
        return []
    found = []
    for i in range(min(len(units), MAX_SUGGESTION_WORDS)):
        candidate = " ".join(units[:i] + units[i + 1 :])
        if store.finds(candidate, field):
            found.append(candidate)
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found


def highlight_needles(node, analyzer) -> list[str]:
    """The strings to mark in a hit: quoted phrases whole; unquoted text as typed and word by word."""
    needles: list[str] = []

    def visit(part, negated: bool) -> None:
        if isinstance(part, Not):
            visit(part.child, not negated)
        elif isinstance(part, Phrase):
            if not negated:
                needles.append(part.text)
        elif isinstance(part, Words):
            if not negated:
                needles.extend(part.text.split())
                needles.extend(
                    u.word for u in query_units(part.text, analyzer) if len(u.word) > 1 or not u.word.isalpha()
                )
        elif part is not None:
            for child in part.children:
                visit(child, negated)

    visit(node, False)
    return list(dict.fromkeys(needles))


def hit_of(
    stored: dict, score: float, needles: list[str], copies: list[dict], drawn: dict[str, str] | None = None
) -> Hit:
    """A result entry from a document's stored fields: highlighted title and snippet (from its body, else the
    attachment holding a match), and the stored fields of its ``copies``. Every store keeps these stored fields
    (index/schema.py, index/cluster/rows.py). ``drawn``: the snippets of a page's hits drawn so far, by text, the
    same ``needles`` for all (one text under several documents is cut once a page; a long one costs milliseconds)."""
    summary = summary_of(stored)
    body = str(stored.get("body") or "")
    drawn = {} if drawn is None else drawn
    attachment_hits, attachment_snippet = _attachment_matches(stored, needles, drawn)
    text_snippet = _snippet(body, needles, drawn) or attachment_snippet
    return Hit(
        **vars(summary),
        title_html=highlight_line(summary.title, needles) or html.escape(summary.title),
        snippet_html=text_snippet or plain_snippet(body or str(stored.get("summary") or "")),
        score=score,
        attachment_hits=attachment_hits,
        copies=[Copy(str(other.get("id", "")), str(other.get("url", ""))) for other in copies],
    )


def _snippet(text: str, needles: list[str], drawn: dict[str, str]) -> str:
    """:func:`index.query.highlight.snippet` of ``text``, from ``drawn`` where it was drawn for this page already."""
    found = drawn.get(text)
    if found is None:
        found = drawn[text] = snippet(text, needles)
    return found


def _attachment_matches(stored: dict, needles: list[str], drawn: dict[str, str]) -> tuple[list[str], str]:
    """Names of the attachments whose text holds a match, and a marked snippet from the first."""
    if not needles:
        return [], ""
    names, first = [], ""
    for attachment in json.loads(stored.get("attachments_json") or "[]"):
        found = _snippet(attachment.get("text") or "", needles, drawn)
        if found:
            names.append(attachment.get("name") or attachment.get("url") or "附件")
            first = first or found
    return names, first
