"""portal.links: links that add or drop one condition, and the paths of documents and browse pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from index.query import SearchRequest
from portal.links import SearchLinks, browse_path, doc_path, search_url
from portal.params import Params, parse_search


def reparsed(url: str) -> SearchRequest:
    return parse_search(Params(parse_qs(urlsplit(url).query))).request


REQUESTS = [
    pytest.param(SearchRequest(), id="empty"),
    pytest.param(SearchRequest(q="低保", sort="relevance"), id="query"),
    pytest.param(
        SearchRequest(
            q="低保 & 救助?",
            field="title",
            filters={"publisher": ["宿迁市民政局", "市民政局"], "year": ["2018"]},
            date_from="2018-01",
            date_to="2019-12-31",
            sort="oldest",
            page=3,
            per_page=20,
        ),
        id="everything",
    ),
]


@pytest.mark.parametrize("req", REQUESTS)
def test_search_url_round_trips(req: SearchRequest) -> None:
    assert reparsed(search_url(req)) == req


def test_defaults_are_left_out() -> None:
    assert search_url(SearchRequest(q="低保", sort="relevance")) == "/search?q=%E4%BD%8E%E4%BF%9D"
    assert search_url(SearchRequest(sort="newest")) == "/search"


def test_add_and_remove_one_filter_keep_the_rest_and_reset_the_page() -> None:
    links = SearchLinks(SearchRequest(q="低保", filters={"publisher": ["宿迁市民政局"]}, page=2))
    added = reparsed(links.add("year", "2019"))
    assert added.filters == {"publisher": ["宿迁市民政局"], "year": ["2019"]}
    assert (added.q, added.page) == ("低保", 1)
    removed = reparsed(links.remove("publisher", "宿迁市民政局"))
    assert removed.filters == {}
    assert removed.q == "低保"


def test_page_links_keep_every_condition() -> None:
    req = SearchRequest(q="低保", filters={"year": ["2019"]}, sort="newest", date_from="2018")
    assert reparsed(SearchLinks(req).page(2)) == SearchRequest(
        q="低保", filters={"year": ["2019"]}, sort="newest", date_from="2018", page=2
    )


def test_feed_link_is_page_one_of_the_same_search() -> None:
    assert SearchLinks(SearchRequest(q="低保", page=4)).feed() == "/search.atom?q=%E4%BD%8E%E4%BF%9D"


@pytest.mark.parametrize(
    ("doc_id", "path"),
    [
        pytest.param("014319733/2018-00019", "/doc/014319733/2018-00019", id="index-no-keeps-slash"),
        pytest.param("d59e7e842e200d73", "/doc/d59e7e842e200d73", id="stable-id"),
        pytest.param("宁波-江北-01/2020 1", "/doc/%E5%AE%81%E6%B3%A2-%E6%B1%9F%E5%8C%97-01/2020%201", id="quoted"),
    ],
)
def test_doc_path(doc_id: str, path: str) -> None:
    assert doc_path(doc_id) == path


def test_browse_paths() -> None:
    assert (
        browse_path("publisher", "宿迁市民政局")
        == "/browse/publisher/%E5%AE%BF%E8%BF%81%E5%B8%82%E6%B0%91%E6%94%BF%E5%B1%80"
    )
    assert browse_path("category_topic", "城乡建设\\城市规划").startswith("/browse/category/topic/")
    assert browse_path("year", "2018") == "/browse/year/2018"
