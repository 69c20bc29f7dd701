"""The read side of the index: :class:`Catalog`, what the portal and the CLI ask.

Search with filters, facets, sorting and highlights; lookup by 索引号 and 文号; documents,
related documents, the latest documents, counts.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh.highlight import WholeFragmenter, highlight
from whoosh.index import Index
from whoosh.qparser import QueryParserError
from whoosh.query import And, Every, Or, Query, Term
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from index import store
from index.identifiers import normalise_doc_no, normalise_index_no, parse_index_no
from index.query.facets import facet_map, facet_values, filter_query, sort_facets
from index.query.highlight import (
    RETOKENIZING_FRAGMENTER,
    SNIPPET_FRAGMENTER,
    MarkFormatter,
    highlights,
    plain_snippet,
)
from index.query.parse import parse_query
from index.query.relations import Relations, relations_of
from index.query.request import (
    MAX_QUERY_CHARS,
    SEARCH_FIELDS,
    SearchRequest,
    query_text_and_fields,
    sanitised,
)
from index.query.results import DocSummary, FacetValue, Hit, SearchResult, summary_of
from index.record import Document
from index.schema import date_from_key, from_stored


class Catalog:
    """Read-only access to the index at ``index_dir``.

    Opening a Whoosh searcher reads every segment's files (about 150 ms on the 10k-document
    corpus), so each thread keeps one and refreshes it only when a commit or a rebuild has
    changed the index. Searchers are not shared between threads.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._ix: Index | None = None
        self._generation: str | None = None
        self._local = threading.local()
        self._open: list[Searcher] = []
        self._facet_cache: tuple[tuple, dict[str, list[FacetValue]]] | None = None

    # plumbing

    def _index(self) -> Index:
        current = store.read_current(self.index_dir) or {}
        generation = str(current.get("generation"))
        with self._lock:
            if self._ix is None or generation != self._generation:
                self._ix = store.open_current(self.index_dir)
                self._generation = generation
            return self._ix

    def warm(self) -> None:
        """Load the segmenter and open the index now, not on the first request."""
        list(self._analyzer()("预热", mode="query"))

    def _analyzer(self):
        """The analyzer the index was built with (its user dictionary included)."""
        return self._index().schema["body"].analyzer

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """This thread's searcher on the latest commit, for use in a ``with`` block (it stays open)."""
        ix = self._index()
        cached: Searcher | None = getattr(self._local, "searcher", None)
        if cached is None or self._local.index is not ix or not cached.up_to_date():
            fresh = ix.searcher()
            with self._lock:
                if cached is not None:
                    self._open.remove(cached)
                    cached.close()
                self._open.append(fresh)
            self._local.searcher, self._local.index = fresh, ix
        yield self._local.searcher

    def close(self) -> None:
        with self._lock:
            for searcher in self._open:
                searcher.close()
            self._open.clear()
            if self._ix is not None:
                self._ix.close()
            self._ix = None
        self._local = threading.local()

    # search

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        req = sanitised(req)
        result = SearchResult(request=req, page=req.page)
        text, fields = query_text_and_fields(req)
        if max([len(text), *(len(part) for part in req.scoped.values())]) > MAX_QUERY_CHARS:
            result.error = f"检索词过长（最多 {MAX_QUERY_CHARS} 个字），请缩短后再试。"
            return result
        with self.searcher() as searcher:
            try:
                query = parse_query(searcher.schema, text, fields)
                scoped = [parse_query(searcher.schema, part, SEARCH_FIELDS[key]) for key, part in req.scoped.items()]
            except QueryParserError:
                result.error = "无法理解这个检索式，请检查引号和括号是否成对。"
                return result
            if scoped:  # 高级检索: every field condition must match as well
                query = And(scoped + ([query] if text else []))
            filters = filter_query(req)
            results = searcher.search_page(
                query,
                req.page,
                pagelen=req.per_page,
                filter=filters,
                sortedby=sort_facets(req.sort, bool(text or scoped)),
                groupedby=facet_map(),
                terms=True,
            )
            result.total = len(results)
            result.pages = (result.total + req.per_page - 1) // req.per_page
            result.page = results.pagenum  # Whoosh answers a page past the end with the last page
            result.facets = facet_values(results.results, req)
            result.hits = [self._hit(hit, results.results) for hit in results]
            if result.total == 0 and text:
                result.suggestions = self._suggestions(searcher, text, fields, filters)
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    def _hit(self, hit: WhooshHit, results) -> Hit:
        stored = hit.fields()
        summary = summary_of(stored)
        results.formatter = MarkFormatter()
        results.fragmenter = WholeFragmenter()
        title_html = highlights(hit, stored, "title", minscore=1) or html.escape(summary.title)
        results.fragmenter = SNIPPET_FRAGMENTER
        snippet = highlights(hit, stored, "body", top=2, minscore=1)
        matched = {
            text.decode("utf-8") if isinstance(text, bytes) else text
            for name, text in hit.matched_terms()
            if name == "attachment_text"
        }
        attachment_hits, attachment_snippet = self._attachment_matches(stored, matched)
        if not snippet:
            snippet = attachment_snippet or plain_snippet(str(stored.get("body") or stored.get("summary") or ""))
        return Hit(
            **vars(summary),
            title_html=title_html,
            snippet_html=snippet,
            score=hit.score if isinstance(hit.score, float) else 0.0,
            attachment_hits=attachment_hits,
        )

    def _attachment_matches(self, stored: dict, terms: set[str]) -> tuple[list[str], str]:
        """Names of the attachments whose text holds a matched term, and a highlighted snippet from the first."""
        if not terms:
            return [], ""
        names, snippet = [], ""
        for attachment in json.loads(stored.get("attachments_json") or "[]"):
            text = attachment.get("text") or ""
            if not any(term in text.lower() for term in terms):
                continue
            names.append(attachment.get("name") or attachment.get("url") or "附件")
            if not snippet:
                snippet = highlight(
                    text, terms, self._analyzer(), RETOKENIZING_FRAGMENTER, MarkFormatter(), top=1, mode="index"
                )
        return names, snippet

    def _suggestions(self, searcher: Searcher, text: str, fields: tuple[str, ...], filters: Query | None) -> list[str]:
        """Other queries worth offering on an empty result, each known to find something.

        The words of a run apart instead of as one phrase (低保殡葬 → 低保 殡葬), and each
        space-separated part dropped in turn (低保 火星 → 低保).
        """
        if fields in {("doc_no",), ("index_no",)}:
            return []
        candidates = []
        words = [t.text for t in self._analyzer()(text, mode="query")]
        if len(words) > 1:
            candidates.append(" ".join(words))
        parts = text.split()
        if len(parts) > 1:
            candidates += [" ".join(parts[:i] + parts[i + 1 :]) for i in range(len(parts))]
        found = []
        for candidate in dict.fromkeys(c for c in candidates if c != text):
            try:
                query = parse_query(searcher.schema, candidate, fields)
            except QueryParserError:
                continue
            if not searcher.search(query, filter=filters, limit=1).is_empty():
                found.append(candidate)
        return found[:3]

    # lookup and documents

    def lookup(self, text: str) -> list[DocSummary]:
        """Documents whose 索引号, 后段码 or 文号 is ``text``, in any of their written forms."""
        normalised = normalise_index_no(text)
        doc_no = normalise_doc_no(text)
        terms = [Term("index_no", normalised), Term("index_tail", normalised), Term("doc_no", doc_no)]
        parsed = parse_index_no(text)
        if parsed and parsed.tail:
            terms.append(Term("index_no", parsed.normalised))
        with self.searcher() as searcher:
            hits = searcher.search(Or(terms), limit=50, sortedby=sort_facets("newest", False))
            return [summary_of(hit.fields()) for hit in hits]

    def get(self, doc_id: str) -> Document | None:
        with self.searcher() as searcher:
            stored = searcher.document(id=doc_id) or searcher.document(id=normalise_index_no(doc_id))
            return from_stored(stored) if stored else None

    def related(self, doc_id: str, limit: int = 5) -> list[DocSummary]:
        """Documents like this one, by the terms that characterise its title and body."""
        with self.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            text = f"{stored.get('title', '')}\n{str(stored.get('body', ''))[:3000]}"
            hits = searcher.more_like(docnum, "body", text=text, top=limit)
            return [summary_of(hit.fields()) for hit in hits]

    def relations(self, doc: Document) -> Relations:
        """The documents ``doc``'s text links it to: what it interprets or its interpretations, and what
        replaced it or what it replaced (see :mod:`index.query.relations`)."""
        with self.searcher() as searcher:
            return relations_of(searcher, doc)

    def latest(self, limit: int = 10) -> list[DocSummary]:
        with self.searcher() as searcher:
            hits = searcher.search(Every(), limit=limit, sortedby=sort_facets("newest", False))
            return [summary_of(hit.fields()) for hit in hits]

    def facet_counts(self) -> dict[str, list[FacetValue]]:
        """Counts over all documents, for the home and browse pages; computed once per commit."""
        with self.searcher() as searcher:
            version = (self._generation, searcher.reader().generation())
            cached = self._facet_cache
            if cached is None or cached[0] != version:
                results = searcher.search(Every(), limit=1, groupedby=facet_map())
                cached = self._facet_cache = (version, facet_values(results, SearchRequest()))
            return copy.deepcopy(cached[1])  # callers may mark values selected

    def document_dates(self) -> list[tuple[str, str]]:
        """(id, date) of every document, read from the index's columns without loading bodies (the sitemap)."""
        with self.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count() == 0:
                return []
            ids, dates = reader.column_reader("id"), reader.column_reader("date_key")
            return [(ids[docnum], date_from_key(dates[docnum])) for docnum in reader.all_doc_ids()]

    def stats(self) -> dict[str, object]:
        with self.searcher() as searcher:
            counts = self.facet_counts()
            flagged = searcher.search(Or([Term("flags", "spam"), Term("flags", "encoding_loss")]), limit=1)
            return {
                "documents": searcher.doc_count(),
                "publishers": len(counts["publisher"]),
                "years": len(counts["year"]),
                "flagged": len(flagged),
                "generation": self._generation,
                "last_commit": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self._index().last_modified())),
            }
