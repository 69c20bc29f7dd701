"""A result page's facet links (portal/links.py SearchLinks.add/remove) encode the request's other conditions once
per facet: each link must still be exactly the search URL of the request with that one filter changed."""

from __future__ import annotations

from dataclasses import replace

from index.query import FACETS, SearchRequest
from portal.links import SearchLinks, _filters_with, search_url

REQUESTS = [
    SearchRequest(),
    SearchRequest(q="低保 养老"),
    SearchRequest(
        q="a&b=c 空格/斜杠?",
        field="title",
        filters={"publisher": ["民政局", "x y"], "year": ["2019"]},
        date_from="2019-01-01",
        date_to="2020-12-31",
        sort="newest",
        page=3,
        per_page=50,
        literal=True,
    ),
    SearchRequest(filters={"kind": ["解读"], "validity": ["有效"]}, page=2),
    SearchRequest(q="x", scoped={"title": "通知"}),
]
VALUES = ["民政局", "2019", "x y", "a/b?c&d=e%", "解读"]


def reference(req: SearchRequest, key: str, values: list[str]) -> str:
    return search_url(replace(req, filters=_filters_with(req, key, values), page=1))


def test_add_and_remove_give_the_search_url_of_the_request_with_one_filter_changed():
    checked = 0
    for req in REQUESTS:
        links = SearchLinks(req)
        for key in [*FACETS, "not_a_facet"]:
            present = req.filters.get(key, [])
            for value in VALUES:
                assert links.add(key, value) == reference(req, key, [*present, value]), (req, key, value)
                assert links.remove(key, value) == reference(req, key, [v for v in present if v != value])
                checked += 1
    assert checked == len(REQUESTS) * (len(FACETS) + 1) * len(VALUES)
    # a selected value's link drops it, and the others stay
    links = SearchLinks(REQUESTS[2])
    assert links.remove("publisher", "民政局") == "/search?q=a%26b%3Dc%20%E7%A9%BA%E6%A0%BC%2F%E6%96%9C%E6%9D%A0%3F" + (
        "&field=title&publisher=x%20y&year=2019&date_from=2019-01-01&date_to=2020-12-31&sort=newest&per_page=50"
        "&literal=1"
    )
