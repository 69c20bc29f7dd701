"""The read side of the index: search with filters, facets, sorting and highlights; lookup; browsing.

:class:`Catalog` is what the portal and the CLI ask. Every call opens its own searcher on
the latest commit (so a running portal sees new ingests) and reopens the index after a
rebuild swapped generations.
"""

from __future__ import annotations

import contextlib
import copy
import html
import itertools
import json
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path

from whoosh import sorting
from whoosh.highlight import ContextFragmenter, Formatter, PinpointFragmenter, WholeFragmenter, highlight
from whoosh.index import Index
from whoosh.qparser import MultifieldParser, QueryParserError
from whoosh.qparser import plugins as qplugins
from whoosh.query import And, Every, NumericRange, Or, Phrase, Query, Term
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from index import store
from index.analysis import word_split
from index.dates import iso_date
from index.identifiers import INDEX_TAIL, doc_no_key, index_no_key, normalise_index_no, parse_doc_no, parse_index_no
from index.record import Document
from index.schema import date_from_key, date_key, from_stored

MAX_QUERY_CHARS = 200
MAX_PER_PAGE = 50

FACETS: dict[str, str] = {
    "publisher": "发布机构",
    "category_scheme": "组配分类",
    "category_topic": "主题分类",
    "category_genre": "体裁分类",
    "year": "年份",
}

# Field search: the choice in the form, or a prefix typed before the query (标题:低保).
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "all": ("title", "body", "attachment_text", "keywords", "publisher_names"),
    "title": ("title",),
    "body": ("body",),
    "doc_no": ("doc_no",),
    "index_no": ("index_no",),
}
FIELD_PREFIXES = {
    "标题": "title",
    "名称": "title",
    "正文": "body",
    "全文": "all",
    "文号": "doc_no",
    "索引号": "index_no",
}
_FIELD_PREFIX = re.compile(rf"^\s*({'|'.join(FIELD_PREFIXES)})\s*[:：]\s*(.*)$", re.DOTALL)


@dataclass
class SearchRequest:
    q: str = ""
    field: str = "all"
    filters: dict[str, list[str]] = default(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass
class DocSummary:
    id: str
    title: str
    publisher: str = ""
    pub_date: str = ""
    doc_no: str = ""
    index_no: str = ""
    categories: list[str] = default(default_factory=list)
    flags: list[str] = default(default_factory=list)
    url: str = ""


@dataclass
class Hit(DocSummary):
    title_html: str = ""
    snippet_html: str = ""
    score: float = 0.0
    attachment_hits: list[str] = default(default_factory=list)


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    request: SearchRequest
    total: int = 0
    hits: list[Hit] = default(default_factory=list)
    facets: dict[str, list[FacetValue]] = default(default_factory=dict)
    page: int = 1
    pages: int = 0
    elapsed_ms: float = 0.0
    error: str | None = None
    suggestions: list[str] = default(default_factory=list)


# Identifiers -----------------------------------------------------------------------------------


def identifier_kind(text: str) -> str | None:
    """ "index_no", "index_tail" or "doc_no" when the text is such an identifier, else None."""
    text = text.strip()
    if not text or len(text) > 60:
        return None
    normalised = normalise_index_no(text)
    if INDEX_TAIL.match(normalised):
        return "index_tail"
    parsed = parse_index_no(text)
    if parsed and parsed.variant not in {"unrecognised", "grouped"}:
        return "index_no"
    if parse_doc_no(text):
        return "doc_no"
    return None


# Highlighting ----------------------------------------------------------------------------------


class MarkFormatter(Formatter):
    """Escaped text with ``<mark>`` around matches; overlapping and touching matches become one mark.

    Sub-words overlap their parent word and a phrase's words touch each other, so marking
    tokens one by one would split a match into pieces.
    """

    between = " … "

    def format_fragment(self, fragment, replace: bool = False) -> str:
        spans: list[list[int]] = []
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            start, end = max(token.startchar, fragment.startchar), min(token.endchar, fragment.endchar)
            if start >= end:
                continue
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out, index, text = [], fragment.startchar, fragment.text
        for start, end in spans:
            out.append(html.escape(text[index:start]))
            out.append(f"<mark>{html.escape(text[start:end])}</mark>")
            index = end
        out.append(html.escape(text[index : fragment.endchar]))
        return "".join(out)


# Body snippets come from the character spans stored in the index; attachment text is not stored
# in the index, so its snippet re-segments the text (PinpointFragmenter needs stored spans).
_SNIPPET_FRAGMENTER = PinpointFragmenter(maxchars=160, surround=50, autotrim=False)
_RETOKENIZING_FRAGMENTER = ContextFragmenter(maxchars=160, surround=50)


def _highlights(hit: WhooshHit, stored: dict, fieldname: str, **options) -> str:
    """The hit's highlighted ``fieldname``; "" where the document has no text there (Whoosh raises KeyError)."""
    return hit.highlights(fieldname, **options) if stored.get(fieldname) else ""


def _plain_snippet(text: str, size: int = 120) -> str:
    text = text.replace("\n\n", " ")
    return html.escape(text[:size] + ("…" if len(text) > size else ""))


# The catalog -----------------------------------------------------------------------------------


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
        req = _sanitised(req)
        result = SearchResult(request=req, page=req.page)
        text, fields = _query_text_and_fields(req)
        if len(text) > MAX_QUERY_CHARS:
            result.error = f"检索词过长（最多 {MAX_QUERY_CHARS} 个字），请缩短后再试。"
            return result
        with self.searcher() as searcher:
            try:
                query = self._parse(searcher, text, fields)
            except QueryParserError:
                result.error = "无法理解这个检索式，请检查引号和括号是否成对。"
                return result
            filters = _filter_query(req)
            results = searcher.search_page(
                query,
                req.page,
                pagelen=req.per_page,
                filter=filters,
                sortedby=_sort_facets(req.sort, bool(text)),
                groupedby=_facet_map(),
                terms=True,
            )
            result.total = len(results)
            result.pages = (result.total + req.per_page - 1) // req.per_page
            result.page = results.pagenum  # Whoosh answers a page past the end with the last page
            result.facets = _facets(results.results, req)
            result.hits = [self._hit(hit, results.results) for hit in results]
            if result.total == 0 and text:
                result.suggestions = self._suggestions(searcher, text, fields, filters)
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    def _parse(self, searcher: Searcher, text: str, fields: tuple[str, ...]) -> Query:
        if not text:
            return Every()
        if fields == ("doc_no",):
            return Term("doc_no_keys", doc_no_key(text))
        if fields == ("index_no",):
            key = index_no_key(text)
            return Or([Term("index_key", key), Term("index_tail", key)])
        parser = MultifieldParser(list(fields), searcher.schema)
        # Brackets and colons are everyday characters in Chinese queries (文号, 标题：), not syntax.
        for plugin in (
            qplugins.FieldsPlugin,
            qplugins.WildcardPlugin,
            qplugins.RangePlugin,
            qplugins.BoostPlugin,
        ):
            parser.remove_plugin_class(plugin)
        return _with_word_splits(parser.parse(unicodedata.normalize("NFKC", text)))

    def _hit(self, hit: WhooshHit, results) -> Hit:
        stored = hit.fields()
        summary = _summary(stored)
        results.formatter = MarkFormatter()
        results.fragmenter = WholeFragmenter()
        title_html = _highlights(hit, stored, "title", minscore=1) or html.escape(summary.title)
        results.fragmenter = _SNIPPET_FRAGMENTER
        snippet = _highlights(hit, stored, "body", top=2, minscore=1)
        matched = {
            text.decode("utf-8") if isinstance(text, bytes) else text
            for name, text in hit.matched_terms()
            if name == "attachment_text"
        }
        attachment_hits, attachment_snippet = self._attachment_matches(stored, matched)
        if not snippet:
            snippet = attachment_snippet or _plain_snippet(str(stored.get("body") or stored.get("summary") or ""))
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
                    text, terms, self._analyzer(), _RETOKENIZING_FRAGMENTER, MarkFormatter(), top=1, mode="index"
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
                query = self._parse(searcher, candidate, fields)
            except QueryParserError:
                continue
            if not searcher.search(query, filter=filters, limit=1).is_empty():
                found.append(candidate)
        return found[:3]

    # lookup and documents

    def lookup(self, text: str) -> list[DocSummary]:
        """Documents whose 索引号, 后段码 or 文号 is ``text``, in any of their written forms."""
        key = index_no_key(text)
        terms = [Term("index_key", key), Term("index_tail", key), Term("doc_no_keys", doc_no_key(text))]
        with self.searcher() as searcher:
            hits = searcher.search(Or(terms), limit=50, sortedby=_sort_facets("newest", False))
            return [_summary(hit.fields()) for hit in hits]

    def get(self, doc_id: str) -> Document | None:
        with self.searcher() as searcher:
            stored = searcher.document(id=doc_id) or searcher.document(index_key=index_no_key(doc_id))
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
            return [_summary(hit.fields()) for hit in hits]

    def latest(self, limit: int = 10) -> list[DocSummary]:
        with self.searcher() as searcher:
            hits = searcher.search(Every(), limit=limit, sortedby=_sort_facets("newest", False))
            return [_summary(hit.fields()) for hit in hits]

    def facet_counts(self) -> dict[str, list[FacetValue]]:
        """Counts over all documents, for the home and browse pages; computed once per commit."""
        with self.searcher() as searcher:
            version = (self._generation, searcher.reader().generation())
            cached = self._facet_cache
            if cached is None or cached[0] != version:
                results = searcher.search(Every(), limit=1, groupedby=_facet_map())
                cached = self._facet_cache = (version, _facets(results, SearchRequest()))
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


# Request → Whoosh ------------------------------------------------------------------------------


_CHINESE_FIELDS = frozenset({"title", "body", "attachment_text"})
_MAX_PHRASE_VARIANTS = 16


def _with_word_splits(query: Query) -> Query:
    """The query with every splittable word also tried as the phrase of its parts (see analysis.word_split)."""
    if isinstance(query, Term) and query.fieldname in _CHINESE_FIELDS:
        split = word_split(query.text)
        return Or([query, Phrase(query.fieldname, split, boost=query.boost)]) if split else query
    if isinstance(query, Phrase) and query.fieldname in _CHINESE_FIELDS:
        choices = [[[word]] + ([split] if (split := word_split(word)) else []) for word in query.words]
        variants = list(itertools.islice(itertools.product(*choices), _MAX_PHRASE_VARIANTS))
        if len(variants) == 1:
            return query
        phrases = [
            Phrase(query.fieldname, [w for part in variant for w in part], slop=query.slop) for variant in variants
        ]
        return Or(phrases, boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(_with_word_splits)


def _sanitised(req: SearchRequest) -> SearchRequest:
    """A request whose page, sort, field and page size are usable whatever the user typed."""
    return SearchRequest(
        q=(req.q or "").strip(),
        field=req.field if req.field in SEARCH_FIELDS else "all",
        filters={key: [v for v in values if v] for key, values in req.filters.items() if key in FACETS and values},
        date_from=req.date_from.strip(),
        date_to=req.date_to.strip(),
        sort=req.sort if req.sort in {"relevance", "newest", "oldest"} else "relevance",
        page=max(1, min(int(req.page or 1), 10_000)),
        per_page=max(1, min(int(req.per_page or 10), MAX_PER_PAGE)),
    )


def _query_text_and_fields(req: SearchRequest) -> tuple[str, tuple[str, ...]]:
    text, field_name = req.q, req.field
    prefixed = _FIELD_PREFIX.match(text)
    if prefixed:
        field_name, text = FIELD_PREFIXES[prefixed.group(1)], prefixed.group(2).strip()
    return text, SEARCH_FIELDS[field_name]


def _filter_query(req: SearchRequest) -> Query | None:
    clauses: list[Query] = []
    for key, values in req.filters.items():
        if key == "year":
            years = [int(v) for v in values if str(v).isdigit()]
            terms: list[Query] = [NumericRange("year", y, y) for y in years]
        elif key == "publisher":  # a publisher's other names select it too
            terms = [Or([Term(key, value), Term("publisher_alias", value)]) for value in values]
        else:
            terms = [Term(key, value) for value in values]
        if terms:
            clauses.append(Or(terms))
    low, high = _date_bound(req.date_from, upper=False), _date_bound(req.date_to, upper=True)
    if low is not None or high is not None:
        clauses.append(NumericRange("date_key", low, high))
    return And(clauses) if clauses else None


def _date_bound(text: str, upper: bool) -> int | None:
    """A date_key bound from a date in any form index.dates reads; an upper bound covers its whole period."""
    iso = iso_date(text, whole=True) if text else None
    if not iso:
        return None
    key = date_key(iso)
    if upper:
        if len(iso) == 4:
            key += 9999
        elif len(iso) == 7:
            key += 99
    return key


def _sort_facets(sort: str, has_query: bool):
    """None for relevance; otherwise dated documents first, then by date."""
    if sort == "relevance" and has_query:
        return None
    newest = sort != "oldest"
    return [sorting.FieldFacet("has_date", reverse=True), sorting.FieldFacet("date_key", reverse=newest)]


def _facet_map() -> dict[str, sorting.FacetType]:
    # Joint issuers give a document several publishers, each counted.
    return {key: sorting.FieldFacet(key, maptype=sorting.Count, allow_overlap=key == "publisher") for key in FACETS}


def _facets(results, req: SearchRequest) -> dict[str, list[FacetValue]]:
    facets = {}
    for key in FACETS:
        counts = results.groups(key)
        selected = set(req.filters.get(key, []))
        values = [
            FacetValue(str(value), count, str(value) in selected)
            for value, count in counts.items()
            if value not in (None, "") and not (key == "year" and not _plausible_year(value))
        ]
        if key == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        facets[key] = values
    return facets


def _plausible_year(value: object) -> bool:
    # Whoosh gives documents without a year the column's default, the largest int.
    return isinstance(value, int) and 1900 <= value <= 2200


def _summary(stored: dict) -> DocSummary:
    categories = [stored.get(k) for k in ("category_scheme", "category_topic", "category_genre")]
    return DocSummary(
        id=str(stored.get("id", "")),
        title=str(stored.get("title", "")),
        publisher=str(stored.get("publisher", "")).replace(",", "、"),
        pub_date=str(stored.get("pub_date", "")),
        doc_no=str(stored.get("doc_no", "")),
        index_no=str(stored.get("index_no", "")),
        categories=[str(c) for c in categories if c],
        flags=[f for f in str(stored.get("flags", "")).split(",") if f],
        url=str(stored.get("url", "")),
    )
