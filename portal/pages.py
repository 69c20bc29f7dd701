"""What each page shows, computed once for both its HTML and its JSON twin.

Functions here take the catalog and parsed parameters and return plain data; the views in
:mod:`portal.views` only choose between a template and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from index import crossrefs
from index.query import FACETS, DocSummary, SearchRequest, SearchResult, identifier_kind
from index.query.linked import Relations
from index.query.protocols import SearchStore
from index.query.related import RelatedDoc
from index.record import Document
from portal import facetlists
from portal.links import SearchLinks, search_url
from portal.notes import Note, notes_of
from portal.params import FIELDS, ParsedSearch

MAX_WAYS_OUT = 6
RELATED_SHOWN = 8
# Conditions under which a query that looks like a 索引号 or 文号 jumps to the document.
_JUMP_FIELDS = ("all", "index_no", "doc_no")


@dataclass
class Chip:
    """One active search condition, with the link that removes it."""

    label: str
    value: str
    remove_url: str


@dataclass
class WayOut:
    """A way out of an empty result: the same search with one condition dropped, or a suggestion."""

    text: str
    url: str
    count: int | None = None


@dataclass
class SearchPage:
    parsed: ParsedSearch
    result: SearchResult
    links: SearchLinks
    chips: list[Chip]
    ways_out: list[WayOut] = field(default_factory=list)
    identifier_matches: list[DocSummary] = field(default_factory=list)
    heading: str = ""
    facets_omitted: dict[str, int] = field(default_factory=dict)  # values left out of each facet list

    @property
    def request(self) -> SearchRequest:
        return self.parsed.request

    @property
    def first(self) -> int:
        """Position of the first hit on this page in the whole result (第 first–last 条), 0 when there is none."""
        return (self.result.page - 1) * self.request.per_page + 1 if self.result.hits else 0

    @property
    def last(self) -> int:
        return self.first + len(self.result.hits) - 1 if self.result.hits else 0


@dataclass
class DocPage:
    doc: Document
    related: list[RelatedDoc]  # 本文引用, 引用本文, 同主题 (index/query/related.py), none listed under relations
    relations: Relations  # what its text links it to: 解读 ↔ 原文, replaced by / replaces, versions
    notes: list[Note]  # integrity findings in Chinese
    interpretation: str = ""  # 政策解读, 图解, 一图读懂 or 答记者问 when the document is an interpretation
    kind: str = crossrefs.ORIGINAL  # 原文, 解读 or 新闻发布 (index.crossrefs.kind)


EXAMPLES_FROM = 50  # newest documents the examples are taken from


@dataclass
class Examples:
    """Examples the forms give, taken from the index's own documents ("" where the index holds none)."""

    doc_no: str = ""  # a 文号
    index_no: str = ""  # a 索引号
    index_tail: str = ""  # its 后段码

    def identifiers(self) -> str:
        """``宿政办发〔2017〕150号 或 014319733/2018-00019``, as far as the index has them."""
        return " 或 ".join(part for part in (self.doc_no, self.index_no) if part)


def examples_of(catalog: SearchStore, newest: list[DocSummary] | None = None) -> Examples:
    """A 文号 and a 索引号 of the newest documents that have them (of ``newest`` where a page has them already)."""
    found = Examples()
    for item in catalog.latest(EXAMPLES_FROM) if newest is None else newest:
        if item.doc_no and not found.doc_no:
            found.doc_no = item.doc_no
        if item.index_no and not found.index_no:
            found.index_no = item.index_no
            found.index_tail = item.index_no.rsplit("/", 1)[-1] if "/" in item.index_no else ""
    return found


def identifier_matches(catalog: SearchStore, parsed: ParsedSearch) -> list[DocSummary]:
    """Documents a 索引号/后段码/文号 query names directly; [] when the query is not one."""
    req = parsed.request
    plain = req.page == 1 and not req.filters and not req.date_from and not req.date_to and not req.scoped
    if not (parsed.jump and plain and req.field in _JUMP_FIELDS and req.q and identifier_kind(req.q)):
        return []
    return [*catalog.lookup(req.q)]


def chips(req: SearchRequest, links: SearchLinks) -> list[Chip]:
    """The active conditions, each removable on its own."""
    found = [Chip(f"{FIELDS[key]}含", text, links.unscoped(key)) for key, text in req.scoped.items()]
    found += [
        Chip(FACETS[key], value, links.remove(key, value)) for key in FACETS for value in req.filters.get(key, [])
    ]
    if req.field != "all":
        found.append(Chip("检索范围", FIELDS[req.field], links.without(field="all")))
    if req.date_from:
        found.append(Chip("起始日期", req.date_from, links.without(date_from="")))
    if req.date_to:
        found.append(Chip("截止日期", req.date_to, links.without(date_to="")))
    return found


def _relaxations(req: SearchRequest) -> list[tuple[str, SearchRequest]]:
    """The request with one condition dropped, each described."""
    options = [
        (f"去掉“{FIELDS[key]}含：{text}”", replace(req, scoped={k: v for k, v in req.scoped.items() if k != key}))
        for key, text in req.scoped.items()
    ]
    options += [
        (f"去掉“{FACETS[key]}：{value}”", _without_filter(req, key, value))
        for key, values in req.filters.items()
        for value in values
    ]
    if req.date_from or req.date_to:
        options.append(("不限公开日期", replace(req, date_from="", date_to="")))
    if req.field != "all":
        options.append((f"在全部字段中检索（而非仅{FIELDS[req.field]}）", replace(req, field="all")))
    return options[:MAX_WAYS_OUT]


def _without_filter(req: SearchRequest, key: str, value: str) -> SearchRequest:
    filters = {k: [v for v in vs if not (k == key and v == value)] for k, vs in req.filters.items()}
    return replace(req, filters={k: vs for k, vs in filters.items() if vs}, page=1)


def ways_out(catalog: SearchStore, req: SearchRequest, result: SearchResult) -> list[WayOut]:
    """For an empty result: each dropped condition that would find something, then the suggestions."""
    found = []
    for text, relaxed in _relaxations(req):
        total = catalog.search(replace(relaxed, page=1, per_page=1)).total
        if total:
            found.append(WayOut(text, search_url(relaxed), total))
    links = SearchLinks(req)
    found += [WayOut(f"改为检索“{suggestion}”", links.query(suggestion)) for suggestion in result.suggestions]
    return found


def search_page(catalog: SearchStore, parsed: ParsedSearch, heading: str = "") -> SearchPage:
    links = SearchLinks(parsed.request)
    result = catalog.search(parsed.request)
    result.facets, omitted = facetlists.bounded(result.facets)
    page = SearchPage(parsed, result, links, chips(parsed.request, links), heading=heading, facets_omitted=omitted)
    if result.total == 0 and not result.error:
        page.ways_out = ways_out(catalog, parsed.request, result)
    return page


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last and ``around`` either side of the current; None marks a gap."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= pages)
    shown: list[int | None] = []
    for number in numbers:
        if shown and number - (shown[-1] or 0) > 1:
            shown.append(None)
        shown.append(number)
    return shown


def doc_page(catalog: SearchStore, doc_id: str) -> DocPage | None:
    doc = catalog.get(doc_id)
    if doc is None:
        return None
    linked = catalog.relations(doc)
    shown = {
        id_ for items in vars(linked).values() for item in items for id_ in (item.id, *(c.id for c in item.copies))
    }
    related = [item for item in catalog.related(doc.id, limit=RELATED_SHOWN + len(shown)) if item.id not in shown]
    return DocPage(
        doc, related[:RELATED_SHOWN], linked, notes_of(doc), crossrefs.interpretation_of(doc), crossrefs.kind(doc)
    )


def resolve_doc_id(catalog: SearchStore, text: str) -> str | None:
    """The stable id a not-quite-canonical document path means (full-width, spaces, 文号), if exactly one."""
    matches = catalog.lookup(text) if text.strip() else []
    return matches[0].id if len(matches) == 1 else None
