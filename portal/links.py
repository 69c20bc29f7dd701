"""URLs the portal hands out: document paths, search links that add or drop one condition, absolute URLs.

Search links are the inverse of :mod:`portal.params`: a request turned back into a query
string that omits defaults, so links stay short and every condition can be removed alone.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request

from index.query import FACETS, SearchRequest
from index.query.request import SCOPED_FIELDS
from portal.params import PER_PAGE_DEFAULT

# Longest own link a page repeats (about what every browser and crawler accepts).
MAX_LINK_CHARS = 2000

# Browse path segment ↔ facet key for the three classification dimensions.
CATEGORY_DIMENSIONS: dict[str, str] = {
    "scheme": "category_scheme",
    "topic": "category_topic",
    "genre": "category_genre",
}


def doc_path(doc_id: str, suffix: str = "") -> str:
    """``/doc/014319733/2018-00019``: the 索引号's slash stays a slash, everything else is quoted."""
    return f"/doc/{quote(doc_id, safe='/')}{suffix}"


def browse_path(key: str, value: str) -> str:
    """The browse page of one facet value: ``/browse/category/<dimension>/…`` for a classification
    dimension, ``/browse/<facet>/…`` for the others (publisher, year, validity, kind)."""
    segment = quote(value, safe="")
    dimension = next((dim for dim, facet in CATEGORY_DIMENSIONS.items() if facet == key), None)
    if dimension:
        return f"/browse/category/{dimension}/{segment}"
    return f"/browse/{key}/{segment}"


def default_sort(req: SearchRequest) -> str:
    return "relevance" if req.q or req.scoped else "newest"


def query_pairs(req: SearchRequest) -> list[tuple[str, str]]:
    """The request as query-string pairs, defaults left out."""
    pairs: list[tuple[str, str]] = [("q", req.q)] if req.q else []
    pairs += [("field", req.field)] if req.field != "all" else []
    pairs += [(key, req.scoped[key]) for key in SCOPED_FIELDS if req.scoped.get(key)]
    for key in FACETS:
        pairs += [(key, value) for value in req.filters.get(key, [])]
    pairs += [("date_from", req.date_from)] if req.date_from else []
    pairs += [("date_to", req.date_to)] if req.date_to else []
    pairs += [("sort", req.sort)] if req.sort != default_sort(req) else []
    pairs += [("per_page", str(req.per_page))] if req.per_page != PER_PAGE_DEFAULT else []
    pairs += [("page", str(req.page))] if req.page > 1 else []
    pairs += [("literal", "1")] if req.literal else []
    return pairs


def search_url(req: SearchRequest, path: str = "/search", **extra: str) -> str:
    pairs = query_pairs(req) + list(extra.items())
    return f"{path}?{urlencode(pairs, quote_via=quote)}" if pairs else path


def _filters_with(req: SearchRequest, key: str, values: list[str]) -> dict[str, list[str]]:
    filters = {k: list(v) for k, v in req.filters.items() if k != key}
    if values:
        filters[key] = values
    return filters


def _pair(key: str, value: str) -> str:
    """``key=value`` as ``urlencode`` with ``quote`` encodes it: a facet value's link part. The same on every page
    that lists the value (a page lists up to 400; encoding them was a sixth of drawing a search page), so those of
    the length facet values have are kept (at most 8,192 of at most 9 × 128 characters: a user's own long filters
    pass by)."""
    return _cached_pair(key, value) if len(value) <= 128 else urlencode([(key, value)], quote_via=quote)


@lru_cache(maxsize=8192)
def _cached_pair(key: str, value: str) -> str:
    return urlencode([(key, value)], quote_via=quote)


# Stands for a facet's values while the rest of a link is encoded once (SearchLinks._around): no query string
# holds a NUL (portal/params.py drops control characters).
_HOLE = "\x00"


class SearchLinks:
    """Links from one search (or browse) page: each changes one thing and goes back to page 1.

    A result page links every listed facet value (up to 50 a facet), so :meth:`add` and :meth:`remove` encode the
    request's other conditions once per facet and only the facet's own values per link: the same URL as
    :func:`search_url` of the changed request, at a tenth of the cost.
    """

    def __init__(self, req: SearchRequest) -> None:
        self.req = req
        self._parts: dict[str, tuple[str, str]] = {}

    def _url(self, req: SearchRequest) -> str:
        return search_url(req, "/search")

    def page(self, number: int) -> str:
        return self._url(replace(self.req, page=number))

    def sort(self, sort: str) -> str:
        return self._url(replace(self.req, sort=sort, page=1))

    def _around(self, key: str) -> tuple[str, str]:
        """The encoded pairs of this request at page 1 before and after where facet ``key``'s values go."""
        parts = self._parts.get(key)
        if parts is None:
            pairs = query_pairs(replace(self.req, filters=_filters_with(self.req, key, [_HOLE]), page=1))
            at = pairs.index((key, _HOLE))
            parts = urlencode(pairs[:at], quote_via=quote), urlencode(pairs[at + 1 :], quote_via=quote)
            self._parts[key] = parts
        return parts

    def _with_values(self, key: str, values: list[str]) -> str:
        """This request at page 1 with facet ``key`` filtered to ``values`` (equal to ``self._url`` of it)."""
        if key not in FACETS:  # not a filter of a search link: dropped, as query_pairs drops it
            return self._url(replace(self.req, filters=_filters_with(self.req, key, values), page=1))
        head, tail = self._around(key)
        query = "&".join(part for part in (head, "&".join(_pair(key, v) for v in values), tail) if part)
        return f"/search?{query}" if query else "/search"

    def add(self, key: str, value: str) -> str:
        return self._with_values(key, [*self.req.filters.get(key, []), value])

    def remove(self, key: str, value: str) -> str:
        return self._with_values(key, [v for v in self.req.filters.get(key, []) if v != value])

    def without(self, **changes: Any) -> str:
        """Drop the query, the field restriction or a date bound (``without(date_from="")``)."""
        return self._url(replace(self.req, page=1, **changes))

    def unscoped(self, key: str) -> str:
        """Drop one 高级检索 field condition."""
        scoped = {k: v for k, v in self.req.scoped.items() if k != key}
        return self._url(replace(self.req, scoped=scoped, page=1))

    def advanced(self) -> str:
        """The 高级检索 form, filled in with this search."""
        return search_url(replace(self.req, page=1), "/advanced")

    def query(self, q: str) -> str:
        """The same conditions with another query (a suggestion)."""
        return self._url(replace(self.req, q=q, page=1))

    def literal(self) -> str:
        """The same search for the words as typed, without synonyms."""
        return self._url(replace(self.req, literal=True, page=1))

    def clear(self) -> str:
        cleared = SearchRequest(q=self.req.q, field=self.req.field)
        return search_url(replace(cleared, sort=default_sort(cleared)))

    def feed(self) -> str:
        return search_url(replace(self.req, page=1), "/search.atom")

    def json(self) -> str:
        return search_url(self.req, "/search.json")

    def html(self) -> str:
        return search_url(self.req, "/search")


def base_url(request: Request, configured: str) -> str:
    """The portal's public base URL: PORTAL_BASE_URL, else the allowed host the request came in on.

    The request's ``Host`` has already been checked against the allow-list (:mod:`portal.origin`).
    """
    return configured or str(request.base_url).rstrip("/")


def absolute(request: Request, configured: str, path: str) -> str:
    return base_url(request, configured) + bounded(path)


def bounded(link: str) -> str:
    """``link``, or its path alone when its query would make it longer than MAX_LINK_CHARS.

    Pages echo their own address (canonical link, the large-text switch's way back); a request with a
    100 KB query must not be echoed whole.
    """
    return link if len(link) <= MAX_LINK_CHARS else link.split("?", 1)[0][:MAX_LINK_CHARS]
