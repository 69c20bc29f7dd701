"""Facet lists as pages show them: the most frequent values, at most FACET_LIMIT per facet, and how many more.

An index with 20,000 publishers would otherwise put every one of them on the home, browse, search and 高级检索
pages (6 MB each). The values left out can still be filtered on: their browse path (``/browse/publisher/…``), the
facet's parameter (``/search?publisher=…``) and a field prefix in the query (``发布机构:"…"``) take any value, and a
value the request has selected is always listed.
"""

from __future__ import annotations

from index.query import FacetValue

FACET_LIMIT = 50  # values listed per facet on a page or in its JSON; the rest are counted


def bounded(
    facets: dict[str, list[FacetValue]], limit: int = FACET_LIMIT
) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
    """``(lists, omitted)``: each facet's first ``limit`` values (the store lists them most frequent first; selected
    values are kept whatever their rank), and per facet how many values were left out (0 when none)."""
    lists: dict[str, list[FacetValue]] = {}
    omitted: dict[str, int] = {}
    for key, values in facets.items():
        kept = values[:limit] + [value for value in values[limit:] if value.selected]
        lists[key] = kept
        omitted[key] = len(values) - len(kept)
    return lists, omitted
