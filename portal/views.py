"""The portal's endpoints: each page and its JSON twin, built from the same function in :mod:`portal.pages`.

Plain ``def`` endpoints: Whoosh searching is blocking work, so Starlette runs them in its thread pool.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from index.query import FACETS, MAX_QUERY_CHARS, identifier_kind
from index.query.protocols import SearchStore
from index.record import Document
from portal import facetlists
from portal.charts import Chart, bar_chart
from portal.citation import BIBTEX_SUFFIX, BIBTEX_TYPE, CSL_SUFFIX, CSL_TYPE, Citation, cite
from portal.links import CATEGORY_DIMENSIONS, absolute, browse_path, doc_path, search_url
from portal.pagecache import cached
from portal.pages import (
    DocPage,
    SearchPage,
    doc_page,
    examples_of,
    identifier_matches,
    page_numbers,
    resolve_doc_id,
    search_page,
)
from portal.params import Params, ParsedSearch, clean_text, is_year, parse_search
from portal.querylog import QueryLog
from portal.responses import (
    AdvancedResponse,
    BrowseResponse,
    Choice,
    HomeResponse,
    LookupResponse,
    Overview,
    SearchLinksItem,
    SearchResponse,
    SuggestedTitle,
    SuggestResponse,
    WayOutItem,
    citation_item,
    doc_item,
    doc_response,
    facet_groups,
    hit_item,
    to_json,
)
from portal.settings import Settings
from portal.statistics import Breakdown, statistics
from portal.versions import history_item, history_of, not_found, version_data, version_path

LATEST_ON_HOME = 10
HOT_ON_HOME = 10


def catalog_of(request: Request) -> SearchStore:
    catalog = getattr(request.state, "catalog", None)
    if catalog is None:  # outside the lifespan (a TestClient used without ``with``)
        raise HTTPException(503, "检索服务尚未启动。")
    return catalog


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def canonical(request: Request, path: str) -> str:
    return absolute(request, settings_of(request).base_url, path)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    context.setdefault("canonical", canonical(request, quote(request.url.path, safe="/")))
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def json_response(response: Any) -> Response:
    """A response data class (:mod:`portal.responses`) as JSON."""
    return JSONResponse(to_json(response))


def parsed_search(request: Request, preset: dict[str, list[str]] | None = None) -> ParsedSearch:
    return parse_search(Params.from_query(request.query_params), preset)


# Home ------------------------------------------------------------------------------------------


def querylog_of(request: Request) -> QueryLog | None:
    return getattr(request.state, "querylog", None)


def hot_queries(request: Request) -> list[str]:
    """热搜词 from the portal's own query log (portal/querylog.py), most searched first."""
    querylog = querylog_of(request)
    return [item.q for item in querylog.hot(HOT_ON_HOME)] if querylog else []


def home_data(catalog: SearchStore, hot: list[str]) -> dict[str, Any]:
    latest = catalog.latest(LATEST_ON_HOME)
    facets, omitted = facetlists.bounded(catalog.facet_counts())
    return {
        "latest": latest,
        "facets": facets,
        "facets_omitted": omitted,
        "stats": catalog.stats(),
        "hot": hot,
        "examples": examples_of(catalog, latest),  # the search box's examples, from the documents listed
    }


def home(request: Request) -> Response:
    return render(request, "home.html", home_data(catalog_of(request), hot_queries(request)))


def home_json(request: Request) -> Response:
    data = home_data(catalog_of(request), hot_queries(request))
    latest = [doc_item(item) for item in data["latest"]]
    return json_response(
        HomeResponse(
            latest,
            facet_groups(data["facets"], FACETS, data["facets_omitted"]),
            Overview(**data["stats"]),
            data["hot"],
        )
    )


# Search ----------------------------------------------------------------------------------------


def search_context(page: SearchPage) -> dict[str, Any]:
    return {
        "page": page,
        "req": page.request,
        "result": page.result,
        "links": page.links,
        "page_numbers": page_numbers(page.result.page, page.result.pages),
    }


def with_examples(context: dict[str, Any], catalog: SearchStore) -> dict[str, Any]:
    """``context`` and the examples its forms give, from the index's own documents (where a page needs them)."""
    context["examples"] = examples_of(catalog)
    return context


def search_response(page: SearchPage) -> SearchResponse:
    result = page.result
    return SearchResponse(
        request=page.request,
        total=result.total,
        page=result.page,
        pages=result.pages,
        first=page.first,
        last=page.last,
        elapsed_ms=result.elapsed_ms,
        error=result.error,
        notices=page.parsed.notices + result.notices,
        partial=result.partial,
        suggestions=result.suggestions,
        did_you_mean=result.did_you_mean,
        rescue=result.rescue,
        expansions=result.expansions,
        hits=[hit_item(hit) for hit in result.hits],
        facets=facet_groups(result.facets, FACETS, page.facets_omitted),
        identifier_matches=[doc_item(item) for item in page.identifier_matches],
        ways_out=[WayOutItem(way.text, way.url, way.count) for way in page.ways_out],
        links=SearchLinksItem(
            html=page.links.html(),
            atom=page.links.feed(),
            next=page.links.page(result.page + 1) if result.page < result.pages else None,
            prev=page.links.page(result.page - 1) if result.page > 1 else None,
            literal=page.links.literal() if result.expansions or result.rescue else None,
        ),
    )


def search(request: Request) -> Response:
    """``/search``: results, or straight to the document a 索引号/文号 names.

    A form that sends empty fields (高级检索 sends them all) is answered with the same search at its short
    address, so the address bar shows the query the page shows.
    """
    catalog = catalog_of(request)
    parsed = parsed_search(request)
    if any(value == "" for _, value in request.query_params.multi_items()) and not parsed.notices:
        keep = "&go=0" if request.query_params.get("go") == "0" else ""
        return RedirectResponse(search_url(parsed.request) + keep, status_code=303)
    matches = identifier_matches(catalog, parsed)
    if len(matches) == 1:
        return RedirectResponse(doc_path(matches[0].id), status_code=303)
    if len(matches) > 1:
        return RedirectResponse(f"/lookup?q={quote(parsed.request.q)}", status_code=303)
    page = search_page(catalog, parsed)
    if page.result.pages and parsed.request.page > page.result.pages:
        return RedirectResponse(page.links.page(page.result.pages), status_code=303)
    querylog = querylog_of(request)
    # A partial answer (a shard of the cluster did not answer) is neither "found nothing" nor a count of hits: not
    # counted, so that 热搜词 and `portal stats` hold only what the whole index answered.
    if querylog and parsed.request.q and parsed.request.page == 1 and not page.result.error and not page.result.partial:
        querylog.record(parsed.request.q, page.result.total, client=request.client.host if request.client else "")
    context = search_context(page)
    context["canonical"] = canonical(request, page.links.html())
    if not page.result.total:
        with_examples(context, catalog)
    return render(request, "search.html", context)


def search_json(request: Request) -> Response:
    catalog = catalog_of(request)
    parsed = parsed_search(request)
    page = search_page(catalog, parsed)
    page.identifier_matches = identifier_matches(catalog, parsed)
    return json_response(search_response(page))


def suggest_json(request: Request) -> Response:
    """``/suggest.json?q=``: autocomplete for the search box (:meth:`SearchStore.suggest`)."""
    q = clean_text(request.query_params.get("q", ""), MAX_QUERY_CHARS)
    found = catalog_of(request).suggest(q) if q else None
    titles = [SuggestedTitle(doc_id, title, doc_path(doc_id)) for doc_id, title in (found.titles if found else [])]
    return json_response(SuggestResponse(q, found.terms if found else [], titles))


# 高级检索 --------------------------------------------------------------------------------------

# The facets the 高级检索 form offers as lists (years are covered by its date range).
ADVANCED_FACETS = tuple(key for key in FACETS if key != "year")


def advanced_response(catalog: SearchStore, parsed: ParsedSearch) -> AdvancedResponse:
    counts, omitted = facetlists.bounded(catalog.facet_counts())
    choices = {key: [Choice(value.value, value.count) for value in counts.get(key, [])] for key in ADVANCED_FACETS}
    more = {key: omitted.get(key, 0) for key in ADVANCED_FACETS}
    return AdvancedResponse(parsed.request, search_url(parsed.request), choices, more)


def advanced(request: Request) -> Response:
    """``/advanced``: one form with every field, filled in with the search in its query string."""
    parsed = parsed_search(request)
    form = advanced_response(catalog_of(request), parsed)
    context = {
        "form": form,
        "req": parsed.request,
        "notices": parsed.notices,
        "canonical": canonical(request, "/advanced"),
    }
    return render(request, "advanced.html", with_examples(context, catalog_of(request)))


def advanced_json(request: Request) -> Response:
    return json_response(advanced_response(catalog_of(request), parsed_search(request)))


# Statistics ------------------------------------------------------------------------------------

CHART_BARS = 15  # values drawn as bars (the table beside the chart lists every one)


def chart_of(item: Breakdown) -> tuple[Chart, str]:
    """The chart of one breakdown, and a note on what it leaves out ("" when nothing).

    Every chart is one bar a row, so no label can overlap another however many values there are. Years run
    newest first (the recent ones are what a reader looks for) and only the latest CHART_BARS are drawn;
    other breakdowns draw their CHART_BARS largest values.
    """
    pairs = [(count.label, count.count) for count in item.counts]
    if item.key == "year":
        pairs = pairs[::-1]
    shown, rest = pairs[:CHART_BARS], pairs[CHART_BARS:]
    notes = []
    if rest:
        which = f"最近 {CHART_BARS} 个年份" if item.key == "year" else f"文件最多的 {CHART_BARS} 项"
        rest_name = "更早的" if item.key == "year" else "其余"
        notes.append(f"图中为{which}；{rest_name} {len(rest)} 项共 {sum(v for _, v in rest)} 份，见统计表。")
    if item.key == "year" and item.unknown:
        notes.append(f"另有{item.unknown_label} {item.unknown} 份，见统计表。")
    return bar_chart(shown), "".join(notes)


def stats(request: Request) -> Response:
    """``/stats``: documents per year, publisher, classification, 有效性 and 原文/解读, as charts and tables."""
    figures = statistics(catalog_of(request))
    drawn = {item.key: chart_of(item) for item in figures.breakdowns}
    context = {
        "stats": figures,
        "charts": {key: chart for key, (chart, _) in drawn.items()},
        "chart_note": {key: note for key, (_, note) in drawn.items()},
        "table_rows": facetlists.FACET_LIMIT,  # rows of each table; the rest are one row
    }
    return render(request, "stats.html", context)


def stats_json(request: Request) -> Response:
    return json_response(statistics(catalog_of(request)))


# Lookup ----------------------------------------------------------------------------------------


def lookup_data(catalog: SearchStore, q: str) -> dict[str, Any]:
    return {"q": q, "kind": identifier_kind(q) if q else None, "matches": catalog.lookup(q) if q else []}


def lookup(request: Request) -> Response:
    """``/lookup?q=``: a pasted 索引号 or 文号; one match goes straight to it."""
    catalog = catalog_of(request)
    data = lookup_data(catalog, clean_text(request.query_params.get("q", ""), 200))
    if len(data["matches"]) == 1:
        return RedirectResponse(doc_path(data["matches"][0].id), status_code=303)
    return render(request, "lookup.html", with_examples(data, catalog))


def lookup_json(request: Request) -> Response:
    data = lookup_data(catalog_of(request), clean_text(request.query_params.get("q", ""), 200))
    return json_response(LookupResponse(data["q"], data["kind"], [hit_item(item) for item in data["matches"]]))


# Document --------------------------------------------------------------------------------------


def found_doc(request: Request, suffix: str = "") -> DocPage | Response:
    """The document at this path, a redirect to its canonical path, or the error :func:`not_found` gives."""
    catalog = catalog_of(request)
    doc_id = request.path_params["doc_id"]
    page = doc_page(catalog, doc_id)
    if page is not None and page.doc.id == doc_id:
        return page
    resolved = page.doc.id if page else resolve_doc_id(catalog, doc_id)
    if resolved is None:
        raise not_found(request, doc_id, "没有找到这份文件：索引号或链接可能有误。")
    return RedirectResponse(doc_path(resolved, suffix), status_code=301)


def citation_of(request: Request, doc: Document, n: int | None) -> Citation:
    """引用本文 for ``doc``, citing today (Beijing) the permanent address of its version ``n`` where the history
    knows it (``/doc/<id>/v/<n>``), else the document's address."""
    path = version_path(doc.id, n) if n else doc_path(doc.id)
    return cite(doc, canonical(request, path), version=n)


def latest_version(request: Request, doc_id: str) -> int | None:
    found = history_of(request).document(doc_id)
    return found.latest if found else None


@cached  # a large document's page is drawn once per commit (portal/pagecache.py)
def doc(request: Request) -> Response:
    page = found_doc(request)
    if isinstance(page, Response):
        return page
    history, path = history_item(history_of(request), page.doc.id), doc_path(page.doc.id)
    context = {
        "page": page,
        "doc": page.doc,
        "related": page.related,
        "history": history,
        "canonical": canonical(request, doc_path(page.doc.id)),
        "citation": citation_item(citation_of(request, page.doc, history.latest if history else None), path),
    }
    return render(request, "doc.html", context)


@cached
def doc_json(request: Request) -> Response:
    page = found_doc(request, ".json")
    if isinstance(page, Response):
        return page
    history = history_item(history_of(request), page.doc.id)
    citation = citation_of(request, page.doc, history.latest if history else None)
    return json_response(
        doc_response(page.doc, page.kind, page.interpretation, page.related, page.relations, citation, history)
    )


def _download_name(citation: Citation, suffix: str) -> str:
    """``attachment; filename*=UTF-8''<key>.bib`` (RFC 6266) for a citation file."""
    return f"attachment; filename*=UTF-8''{quote(citation.key + suffix, safe='')}"


def cited(request: Request, suffix: str) -> Citation | Response:
    """The citation a download path names: ``/doc/<id>/v/<n>`` that version, ``/doc/<id>`` the current one
    (a redirect for a non-canonical id; 404 for an unknown id or version)."""
    if "n" in request.path_params:
        data = version_data(request)
        return citation_of(request, data["doc"], data["n"])
    page = found_doc(request, suffix)
    if isinstance(page, Response):
        return page
    return citation_of(request, page.doc, latest_version(request, page.doc.id))


def doc_bibtex(request: Request) -> Response:
    """``/doc/<id>.bib`` and ``/doc/<id>/v/<n>.bib``: 引用本文 as a BibTeX file."""
    citation = cited(request, BIBTEX_SUFFIX)
    if isinstance(citation, Response):
        return citation
    headers = {"Content-Disposition": _download_name(citation, BIBTEX_SUFFIX)}
    return Response(citation.bibtex, media_type=BIBTEX_TYPE, headers=headers)


def doc_csl(request: Request) -> Response:
    """``/doc/<id>.csl.json`` and ``/doc/<id>/v/<n>.csl.json``: 引用本文 as CSL-JSON (an array of one item, as
    citation managers import it)."""
    citation = cited(request, CSL_SUFFIX)
    if isinstance(citation, Response):
        return citation
    headers = {"Content-Disposition": _download_name(citation, CSL_SUFFIX)}
    return JSONResponse([citation.csl], media_type=CSL_TYPE, headers=headers)


# Browse ----------------------------------------------------------------------------------------


# Facets browsed as /browse/<facet>/<value> (classification dimensions and years have routes of their own).
BROWSE_FACETS = ("publisher", "validity", "kind", "status")  # every facet the browse and stats pages list


def browse_key(params: dict[str, Any]) -> str:
    """The facet key a browse path names (``dimension`` of /browse/category/…, ``facet`` of /browse/…, ``year``
    for /browse/year/…); 404 for an unknown dimension or facet."""
    if "dimension" in params:
        key = CATEGORY_DIMENSIONS.get(params["dimension"], params["dimension"])
        if key not in CATEGORY_DIMENSIONS.values():
            raise HTTPException(404, "没有这种分类。")
        return key
    if "year" in params or params.get("facet") == "year":
        return "year"
    if params.get("facet") not in BROWSE_FACETS:
        raise HTTPException(404, "没有这种浏览方式。")
    return params["facet"]


def browse_facet(request: Request) -> tuple[str, str]:
    """(facet key, value) a browse path names; 404 for an unknown dimension or facet, or a year not of four
    digits."""
    params = request.path_params
    key = browse_key(params)
    if key == "year":
        year = params.get("year", params.get("value", ""))  # /browse/year/a/b reaches the /browse/{facet}/… route
        if not is_year(year):
            raise HTTPException(404, "年份应为四位数字，如 2018。")
        return "year", year
    return key, params["value"]


def browse_facet_list(request: Request) -> Response:
    """A browse path that names a facet and no value (``/browse/publisher``, ``/browse/category/topic/``,
    ``/browse/year``): a redirect (302) to that facet's list on the browse page (``/browse#browse-publisher``), and
    to the page's top for ``/browse/category``; 404 for an unknown facet or dimension. Such a path was a redirect
    to itself with a slash, which was a 404."""
    if request.path_params.get("facet") == "category":
        return RedirectResponse("/browse", status_code=302)
    return RedirectResponse(f"/browse#browse-{browse_key(request.path_params)}", status_code=302)


def browse_page(request: Request) -> SearchPage:
    key, value = browse_facet(request)
    page = search_page(catalog_of(request), parsed_search(request, {key: [value]}), f"{FACETS[key]}：{value}")
    if page.result.total == 0 and not page.result.error:
        raise HTTPException(404, f"没有{FACETS[key]}为“{value}”的文件。")
    return page


def browse(request: Request) -> Response:
    context = search_context(browse_page(request))
    context["canonical"] = canonical(request, browse_path(*browse_facet(request)))
    return render(request, "search.html", context)


def browse_json(request: Request) -> Response:
    return json_response(search_response(browse_page(request)))


def browse_index(request: Request) -> Response:
    facets, omitted = facetlists.bounded(catalog_of(request).facet_counts())
    return render(request, "browse.html", {"facets": facets, "facets_omitted": omitted})


def browse_index_json(request: Request) -> Response:
    facets, omitted = facetlists.bounded(catalog_of(request).facet_counts())
    return json_response(BrowseResponse(facet_groups(facets, FACETS, omitted)))
