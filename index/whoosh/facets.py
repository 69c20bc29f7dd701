"""Filters, sort orders, collapsing of copies and facet counts: the parts of a search that read columns.

Everything here works on the per-commit arrays of :mod:`index.whoosh.arrays`: a filter is a boolean mask,
a facet count a ``bincount`` over the matching documents' value ordinals.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import IndexReader

from index.dates import iso_date
from index.query.request import FACETS, SearchRequest
from index.query.results import FacetValue
from index.schema import date_key
from index.whoosh.arrays import IndexArrays

_YEARS = (1900, 2200)  # a year column value outside this is Whoosh's default for "none"
# Facets a document may hold several values of (joint issuers), counted from their terms rather than a
# column, and the fields a filter value is looked up in (a publisher's other names select it too).
MULTI_VALUED: dict[str, tuple[str, ...]] = {"publisher": ("publisher", "publisher_alias")}


def filter_mask(arrays: IndexArrays, reader: IndexReader, req: SearchRequest) -> np.ndarray | None:
    """The documents the request's facet filters and date range allow (None when there are none)."""
    mask: np.ndarray | None = None

    def narrow(allowed: np.ndarray) -> None:
        nonlocal mask
        mask = allowed if mask is None else mask & allowed

    for key, values in req.filters.items():
        if key == "year":
            years = [int(v) for v in values if str(v).isdecimal()]
            narrow(np.isin(arrays.numbers(reader, "year"), years))
        elif key in MULTI_VALUED:
            allowed = np.zeros(arrays.size, bool)
            for field in MULTI_VALUED[key]:
                for value in values:
                    allowed[arrays.postings(reader, field, value)[0]] = True
            narrow(allowed)
        else:
            codes, vocabulary = arrays.codes(reader, key)
            wanted = [i for i, value in enumerate(vocabulary) if value in set(values)]
            narrow(np.isin(codes, wanted))
    low, high = date_bound(req.date_from, upper=False), date_bound(req.date_to, upper=True)
    if low is not None or high is not None:
        dates = arrays.numbers(reader, "date_key")
        dated = arrays.numbers(reader, "has_date") == 1
        narrow(dated & (dates >= (low or 0)) & (dates <= (high if high is not None else np.iinfo(np.int64).max)))
    return mask


def date_bound(text: str, upper: bool) -> int | None:
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


def ranked(arrays: IndexArrays, reader: IndexReader, hit: np.ndarray, score: np.ndarray, by_date: str | None):
    """Docnums of the matching documents, best first.

    ``by_date`` None: by score, newer first among equal scores (recency only breaks ties). "newest" or
    "oldest": dated documents first, by date, then by score.
    """
    docs = np.flatnonzero(hit)
    dates = arrays.numbers(reader, "date_key")[docs]
    dated = arrays.numbers(reader, "has_date")[docs]
    scores = score[docs]
    if by_date is None:
        order = np.lexsort((-dates, -scores))
    else:
        order = np.lexsort((-scores, dates if by_date == "oldest" else -dates, -dated))
    return docs[order]


def collapse(arrays: IndexArrays, reader: IndexReader, docs: np.ndarray) -> tuple[np.ndarray, dict[int, list[int]]]:
    """``docs`` (ranked) with every copy of a document after its first dropped, and first → its copies' docnums.

    Copies share a ``dedup_key`` (the same title and body); only keys shared by several documents matter.
    """
    groups = _copy_groups(arrays, reader)
    group_of = groups[docs]
    grouped = np.flatnonzero(group_of >= 0)
    if not grouped.size:
        return docs, {}
    _, first = np.unique(group_of[grouped], return_index=True)
    keep = np.ones(docs.size, bool)
    keep[grouped] = False
    keep[grouped[first]] = True
    by_group, group_sorted = _members_by_group(arrays, reader)
    members: dict[int, list[int]] = {}
    firsts = docs[grouped[first]]
    lows = np.searchsorted(group_sorted, groups[firsts], side="left")
    highs = np.searchsorted(group_sorted, groups[firsts], side="right")
    for doc, low, high in zip(firsts.tolist(), lows.tolist(), highs.tolist(), strict=True):
        members[doc] = [other for other in by_group[low:high].tolist() if other != doc]
    return docs[keep], members


def _members_by_group(arrays: IndexArrays, reader: IndexReader) -> tuple[np.ndarray, np.ndarray]:
    """(the docnums of every copy group, by group and ascending within it; their group numbers), once per commit:
    a group's members are one slice, found by a sorted search (not a pass over every document per group)."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        groups = _copy_groups(arrays, reader)
        grouped = np.flatnonzero(groups >= 0)
        order = grouped[np.argsort(groups[grouped], kind="stable")]
        return order, groups[order]

    return arrays._once("copy_members", compute)


def _copy_groups(arrays: IndexArrays, reader: IndexReader) -> np.ndarray:
    """``int32[size]``: a group number for each document whose dedup_key another live document shares, else −1."""

    def compute() -> np.ndarray:
        codes, _ = arrays.codes(reader, "dedup_key")
        live_codes = np.where(arrays.alive, codes, -1)
        if not (live_codes >= 0).any():  # no document has a body: nothing can be a copy
            return np.full(arrays.size, -1, np.int32)
        shared = np.bincount(live_codes[live_codes >= 0]) > 1
        return np.where((live_codes >= 0) & shared[np.maximum(live_codes, 0)], live_codes, -1).astype(np.int32)

    return arrays._once("copy_groups", compute)


def facet_values(arrays: IndexArrays, reader: IndexReader, docs: np.ndarray, req: SearchRequest):
    """Facet key → values with counts over ``docs`` (years newest first, the rest by count), selected marked."""
    facets: dict[str, list[FacetValue]] = {}
    chosen: np.ndarray | None = None
    for key in FACETS:
        selected = set(req.filters.get(key, []))
        if key in MULTI_VALUED:
            if chosen is None:
                chosen = np.zeros(arrays.size, bool)
                chosen[docs] = True
            counted = ((value, int(np.count_nonzero(chosen[where]))) for value, where in arrays.values(reader, key))
            found = [FacetValue(value, count, value in selected) for value, count in counted if count]
            found.sort(key=lambda v: (-v.count, v.value))
        elif key == "year":
            years = arrays.numbers(reader, "year")[docs]
            years = years[(years >= _YEARS[0]) & (years <= _YEARS[1])]
            values, counts = np.unique(years, return_counts=True)
            found = [FacetValue(str(v), int(c), str(v) in selected) for v, c in zip(values, counts, strict=True)]
            found.sort(key=lambda v: v.value, reverse=True)
        else:
            codes, vocabulary = arrays.codes(reader, key)
            picked = codes[docs]
            counts = np.bincount(picked[picked >= 0], minlength=len(vocabulary))
            found = [
                FacetValue(vocabulary[i], int(counts[i]), vocabulary[i] in selected) for i in np.flatnonzero(counts)
            ]
            found.sort(key=lambda v: (-v.count, v.value))
        facets[key] = found
    return facets
