"""The JSON the portal answers with, as data classes: every JSON twin builds one of these (``to_json``), and
``/openapi.json`` is generated from the same classes (:mod:`portal.openapi`), so the description cannot
drift from what is served.

Public output carries only what the original publisher made public: web links are absolute ``http(s)``
URLs or empty, and a document's ``source`` is its original URL, never the file it was read from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from index.query import DocSummary, FacetValue, Hit, SearchRequest
from index.query.linked import LinkedDoc, Relations
from index.query.related import RelatedDoc
from index.query.results import Copy, Expansion, Rescue
from index.record import Document, IndexNo
from portal.citation import BIBTEX_SUFFIX, CSL_SUFFIX, Citation
from portal.links import doc_path
from portal.notes import field_label, finding_label, notes_of
from portal.security import safe_href


def to_json(response: Any) -> Any:
    """A response data class (or a list or dict of them) as plain JSON values."""
    if dataclasses.is_dataclass(response) and not isinstance(response, type):
        return {f.name: to_json(getattr(response, f.name)) for f in dataclasses.fields(response)}
    if isinstance(response, list | tuple):
        return [to_json(item) for item in response]
    if isinstance(response, dict):
        return {key: to_json(value) for key, value in response.items()}
    return response


# Documents in lists ------------------------------------------------------------------------------


@dataclass
class DocItem(DocSummary):
    """A document in a list, with its page on this portal."""

    path: str = ""


@dataclass
class RelatedItem(DocItem):
    """A related document, with why it is listed: 本文引用, 引用本文 or 同主题."""

    reason: str = ""


@dataclass
class LinkedItem(DocItem):
    """A document a relation links, the sentence stating the relation, and the document's copies."""

    sentence: str = ""
    copies: list[Copy] = dataclasses.field(default_factory=list)


@dataclass
class HitItem(Hit):
    """A search hit, with its page on this portal."""

    path: str = ""


def doc_item(summary: DocSummary) -> DocItem:
    fields = {name: getattr(summary, name) for name in DocSummary.__dataclass_fields__}
    return DocItem(**{**fields, "url": safe_href(summary.url)}, path=doc_path(summary.id))


def linked_item(item: LinkedDoc) -> LinkedItem:
    copies = [Copy(copy.id, safe_href(copy.url)) for copy in item.copies]
    return LinkedItem(**{**vars(doc_item(item)), "sentence": item.sentence, "copies": copies})


def hit_item(hit: Hit) -> HitItem:
    copies = [Copy(copy.id, safe_href(copy.url)) for copy in hit.copies]
    return HitItem(**{**vars(hit), "url": safe_href(hit.url), "copies": copies}, path=doc_path(hit.id))


# One document -----------------------------------------------------------------------------------


@dataclass
class PublicAttachment:
    name: str
    url: str  # absolute http(s) link, or "" where the page gave none that a reader can follow
    kind: str
    text: str


@dataclass
class PublicLink:
    title: str
    url: str


@dataclass
class PublicFinding:
    """An integrity finding: its code and field, and what it means in Chinese."""

    code: str
    field: str
    message: str


@dataclass
class PublicDocument:
    """A disclosure record as published: every metadata field, the body, attachments and 相关信息."""

    id: str
    title: str
    index_no: IndexNo | None
    category_scheme: str
    category_topic: str
    category_genre: str
    categories: list[str]
    publisher: str
    pub_date: str
    written_date: str
    year: int | None
    doc_no: str
    keywords: list[str]
    validity: str
    disclosure: str
    kind: str
    interpretation: str
    status: str
    summary: str
    body: str
    paragraphs: list[str]
    attachments: list[PublicAttachment]
    related: list[PublicLink]
    url: str
    site: str
    column: str
    source: str
    fetched_at: str
    warnings: list[PublicFinding]
    path: str


@dataclass
class CitationItem:
    """引用本文: the document cited as GB/T 7714-2015 prescribes for an electronic resource, as BibTeX and as
    CSL-JSON (portal/citation.py), with the downloads of the last two."""

    gbt7714: str
    bibtex: str
    csl: dict[str, Any]
    url: str  # the permanent address cited
    accessed: str  # 引用日期, ISO 8601 (Beijing)
    bibtex_path: str
    csl_path: str


def citation_item(citation: Citation, path: str) -> CitationItem:
    """``citation`` with its downloads beside ``path``: ``/doc/<id>.bib`` (the version current when it is asked
    for) or ``/doc/<id>/v/<n>.bib`` (that version)."""
    return CitationItem(
        citation.gbt7714,
        citation.bibtex,
        citation.csl,
        citation.url,
        citation.accessed,
        path + BIBTEX_SUFFIX,
        path + CSL_SUFFIX,
    )


@dataclass
class DocResponse:
    document: PublicDocument
    citation: CitationItem
    related: list[RelatedItem]
    interprets: list[LinkedItem]
    interpretations: list[LinkedItem]
    replaced_by: list[LinkedItem]
    replaces: list[LinkedItem]
    current_version: list[LinkedItem]
    older_versions: list[LinkedItem]
    history: HistoryItem | None = None


def public_document(doc: Document, kind: str, interpretation: str) -> PublicDocument:
    base = safe_href(doc.url)
    return PublicDocument(
        id=doc.id,
        title=doc.title,
        index_no=doc.index_no,
        category_scheme=doc.category_scheme,
        category_topic=doc.category_topic,
        category_genre=doc.category_genre,
        categories=doc.categories,
        publisher=doc.publisher,
        pub_date=doc.pub_date,
        written_date=doc.written_date,
        year=doc.year,
        doc_no=doc.doc_no,
        keywords=doc.keywords,
        validity=doc.validity,
        disclosure=doc.disclosure,
        status=doc.status,
        kind=kind,
        interpretation=interpretation,
        summary=doc.summary,
        body=doc.body,
        paragraphs=paragraphs(doc.body),
        attachments=[PublicAttachment(a.name, safe_href(a.url, base), a.kind, a.text) for a in doc.attachments],
        related=[PublicLink(link.title, safe_href(link.url, base)) for link in doc.related],
        url=base,
        site=doc.site,
        column=doc.column,
        source=base,  # the original URL: the file the record was read from stays on the server
        fetched_at=doc.fetched_at,
        warnings=public_findings(doc),
        path=doc_path(doc.id),
    )


def public_findings(doc: Document) -> list[PublicFinding]:
    """Each finding with a Chinese message built from its code and field (not the ingester's text)."""
    details = {note.code: note.detail for note in notes_of(doc)}
    found = []
    for finding in doc.warnings:
        where = f"{field_label(finding.field)}：" if finding.field else ""
        detail = f"（{details[finding.code]}）" if details.get(finding.code) else ""
        found.append(PublicFinding(finding.code, finding.field, f"{where}{finding_label(finding.code)}{detail}"))
    return found


def doc_response(
    doc: Document,
    kind: str,
    interpretation: str,
    related: list[RelatedDoc],
    relations: Relations,
    citation: Citation,
    history: HistoryItem | None = None,
) -> DocResponse:
    return DocResponse(
        history=history,
        document=public_document(doc, kind, interpretation),
        citation=citation_item(citation, doc_path(doc.id)),
        related=[RelatedItem(**{**vars(item), "url": safe_href(item.url)}, path=doc_path(item.id)) for item in related],
        interprets=[linked_item(item) for item in relations.interprets],
        interpretations=[linked_item(item) for item in relations.interpretations],
        replaced_by=[linked_item(item) for item in relations.replaced_by],
        replaces=[linked_item(item) for item in relations.replaces],
        current_version=[linked_item(item) for item in relations.current_version],
        older_versions=[linked_item(item) for item in relations.older_versions],
    )


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blank-line separated, blank ones dropped."""
    return [para.strip() for para in body.split("\n\n") if para.strip()]


# Lists, searches and counts ---------------------------------------------------------------------


@dataclass
class FacetGroup:
    """One facet's values, the most frequent first, at most FACET_LIMIT (portal/facetlists.py) of them."""

    label: str
    values: list[FacetValue]
    omitted: int  # values not listed (the least frequent); the facet's parameter still filters on any of them


def facet_groups(
    facets: dict[str, list[FacetValue]], labels: dict[str, str], omitted: dict[str, int] | None = None
) -> dict[str, FacetGroup]:
    return {
        key: FacetGroup(labels.get(key, key), values, (omitted or {}).get(key, 0)) for key, values in facets.items()
    }


@dataclass
class WayOutItem:
    """A way out of an empty result: the same search with one condition dropped, or a suggestion."""

    text: str
    url: str
    count: int | None


@dataclass
class SearchLinksItem:
    html: str
    atom: str
    next: str | None
    prev: str | None
    literal: str | None  # the search as typed (no synonyms, no correction or relaxation), where those were used


@dataclass
class SearchResponse:
    request: SearchRequest
    total: int
    page: int
    pages: int
    first: int  # 第 first–last 条 (0 when the page is empty)
    last: int
    elapsed_ms: float
    error: str | None
    notices: list[str]
    partial: bool  # a shard of the cluster did not answer: total, hits and facets count only the rest
    suggestions: list[str]
    did_you_mean: list[str]
    rescue: Rescue | None
    expansions: list[Expansion]
    hits: list[HitItem]
    facets: dict[str, FacetGroup]
    identifier_matches: list[DocItem]
    ways_out: list[WayOutItem]
    links: SearchLinksItem


@dataclass
class SuggestedTitle:
    """A document whose title holds what was typed."""

    id: str
    title: str
    path: str


@dataclass
class SuggestResponse:
    """Autocomplete for what has been typed: frequent words beginning with it, and titles holding it."""

    q: str
    terms: list[str]
    titles: list[SuggestedTitle]


@dataclass
class LookupResponse:
    q: str
    kind: str | None  # index_no, index_tail, doc_no, or null when the text is no identifier
    matches: list[HitItem]  # copies of one document are one match, naming the others (copies)


@dataclass
class Overview:
    """The index in a few numbers."""

    documents: int
    publishers: int
    years: int
    flagged: int
    generation: str | None
    last_commit: str


@dataclass
class HomeResponse:
    latest: list[DocItem]
    facets: dict[str, FacetGroup]
    stats: Overview
    hot: list[str]


@dataclass
class BrowseResponse:
    facets: dict[str, FacetGroup]


@dataclass
class ErrorResponse:
    error: str
    status: int


@dataclass
class Choice:
    """One option of a form's list: the value sent, and how many documents have it."""

    value: str
    count: int


@dataclass
class AdvancedResponse:
    """The 高级检索 form: the search its query string fills in, that search's address, and the values each
    list offers (facet key → values with their document counts)."""

    request: SearchRequest
    search_url: str
    choices: dict[str, list[Choice]]
    omitted: dict[str, int]  # per list, the values not offered (the least frequent); 全文 takes 发布机构:"…" for any


# History: versions, sightings, withdrawals (index/history.py; portal/versions.py) ---------------------


@dataclass
class VersionItem:
    """One version of a document: its number (1 the first), first and last sighting (UTC ISO 8601), and its
    permanent address on this portal."""

    n: int
    first_seen: str
    last_seen: str
    sightings: int
    path: str


@dataclass
class SightingItem:
    """One reading of a document: where (its URL) and when (UTC ISO 8601), the HTTP status, ETag and
    Last-Modified, the SHA-256 of the bytes received and how it was read (crawl, file, export)."""

    n: int
    at: str
    url: str
    status: int | None
    etag: str
    last_modified: str
    sha256: str
    how: str
    raw_path: str  # the raw bytes on this portal ("" when none are kept)


@dataclass
class HistoryItem:
    """A document's history: 在线 or 已撤下, when and how its withdrawal was noticed, its first and last
    sighting, its versions (oldest first) and the latest sighting (provenance)."""

    status: str
    withdrawn_at: str
    withdrawn_how: str
    withdrawn_label: str
    first_seen: str
    last_seen: str
    latest: int
    versions: list[VersionItem]
    provenance: SightingItem | None


@dataclass
class VersionResponse:
    """Version ``n`` of a document as it was then, with the list of versions and the sightings of this one."""

    id: str
    n: int
    latest: int
    version: VersionItem
    document: PublicDocument
    versions: list[VersionItem]
    sightings: list[SightingItem]
    citation: CitationItem  # 引用本文, citing this version's permanent address


@dataclass
class DiffSpan:
    op: str  # "=" in both versions, "-" only in version a, "+" only in version b
    text: str


@dataclass
class FieldDiffItem:
    field: str
    label: str
    spans: list[DiffSpan]


@dataclass
class DiffResponse:
    """A word-level diff of versions ``a`` and ``b`` of a document: each field that differs, as spans."""

    id: str
    a: int
    b: int
    a_path: str
    b_path: str
    fields: list[FieldDiffItem]
