"""Filters, sort orders and facet counts: the parts of a search that read columns, not text."""

from __future__ import annotations

from whoosh import sorting
from whoosh.query import And, NumericRange, Or, Query, Term

from index.query.request import FACETS, SearchRequest
from index.query.results import FacetValue
from index.schema import date_key


def filter_query(req: SearchRequest) -> Query | None:
    """The request's facet filters and date range as one query (None when there are none)."""
    clauses: list[Query] = []
    for key, values in req.filters.items():
        if key == "year":
            years = [int(v) for v in values if str(v).isdigit()]
            terms: list[Query] = [NumericRange("year", y, y) for y in years]
        else:
            terms = [Term(key, value) for value in values]
        if terms:
            clauses.append(Or(terms))
    low, high = _date_bound(req.date_from, upper=False), _date_bound(req.date_to, upper=True)
    if low is not None or high is not None:
        clauses.append(NumericRange("date_key", low, high))
    return And(clauses) if clauses else None


def _date_bound(text: str, upper: bool) -> int | None:
    """A date_key bound from YYYY, YYYY-MM or YYYY-MM-DD; an upper bound covers its whole period."""
    from index.normalise import iso_date

    iso = iso_date(text) if text else None
    if not iso:
        return None
    key = date_key(iso)
    if upper:
        if len(iso) == 4:
            key += 9999
        elif len(iso) == 7:
            key += 99
    return key


def sort_facets(sort: str, has_query: bool):
    """None for relevance; otherwise dated documents first, then by date."""
    if sort == "relevance" and has_query:
        return None
    newest = sort != "oldest"
    return [sorting.FieldFacet("has_date", reverse=True), sorting.FieldFacet("date_key", reverse=newest)]


def facet_map() -> dict[str, sorting.FacetType]:
    """The facets a search counts, for Whoosh's ``groupedby``."""
    return {key: sorting.FieldFacet(key, maptype=sorting.Count) for key in FACETS}


def facet_values(results, req: SearchRequest) -> dict[str, list[FacetValue]]:
    """Facet key → values with counts (years newest first, the rest by count), selected ones marked."""
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
