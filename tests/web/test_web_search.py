"""/search and /search.json: results, facets, stacked filters, sorting, paging, identifier jumps, empty results."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from helpers import SEED_INDEX_NO, SEED_TITLE


class Links(HTMLParser):
    """Every <a href> of a page with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def links_of(html: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.links


def search_json(client, **params) -> dict:
    response = client.get("/search.json", params=params)
    assert response.status_code == 200
    return response.json()


def test_dibao_finds_the_seed_page(client) -> None:
    response = client.get("/search", params={"q": "低保"})
    assert response.status_code == 200
    assert SEED_TITLE in response.text
    assert "第 1–10 条，共 <strong>" in response.text
    assert "毫秒" in response.text
    assert "<mark>低保</mark>" in response.text


def test_search_page_context(client) -> None:
    response = client.get("/search", params={"q": "低保", "year": "2019", "sort": "bogus"})
    assert response.template.name == "search.html"
    page = response.context["page"]
    assert page.request.filters == {"year": ["2019"]}
    assert page.request.sort == "relevance"
    assert page.parsed.notices == ["排序方式“bogus”无效，已改用“相关度”。"]
    assert [chip.label for chip in page.chips] == ["年份"]
    assert response.context["result"].total == len(response.context["result"].hits) > 0


def test_html_and_json_show_the_same_result(client) -> None:
    data = search_json(client, q="低保")
    html = client.get("/search", params={"q": "低保"}).text
    assert f"第 1–10 条，共 <strong>{data['total']}</strong> 条" in html
    for hit in data["hits"]:
        assert f'href="{hit["path"]}"' in html
    assert SEED_INDEX_NO in [hit["index_no"] for hit in data["hits"]] + [
        hit["index_no"] for hit in search_json(client, q="低保", page="2")["hits"]
    ]


def test_result_metadata_line(client) -> None:
    html = client.get("/search", params={"q": "市民政局2018年一季度工作情况", "field": "title"}).text
    assert "<dt>发布机构</dt><dd>宿迁市民政局</dd>" in html
    assert "<dt>公开日期</dt><dd>2018-04-10</dd>" in html
    assert f"<dt>索引号</dt><dd>{SEED_INDEX_NO}</dd>" in html
    assert "疑含被篡改插入的广告内容" in html  # the seed's injected spam is flagged in the list


def test_facets_cover_every_dimension_with_counts(client) -> None:
    data = search_json(client, q="低保")
    assert list(data["facets"]) == [
        "publisher",
        "category_scheme",
        "category_topic",
        "category_genre",
        "year",
        "validity",
        "kind",
        "status",  # 在线 / 已撤下 (index/history.py)
    ]
    publishers = {v["value"]: v["count"] for v in data["facets"]["publisher"]["values"]}
    assert publishers["宿迁市民政局"] >= 2
    html = client.get("/search", params={"q": "低保"}).text
    assert f"/search?q={quote('低保')}&amp;publisher={quote('宿迁市民政局')}" in html


def test_filters_stack_and_come_off_one_at_a_time(client) -> None:
    both = search_json(client, q="低保", publisher="宿迁市民政局", year="2019")
    only_publisher = search_json(client, q="低保", publisher="宿迁市民政局")
    assert 0 < both["total"] < only_publisher["total"] < search_json(client, q="低保")["total"]
    assert all(hit["publisher"] == "宿迁市民政局" and hit["pub_date"].startswith("2019") for hit in both["hits"])

    html = client.get("/search", params={"q": "低保", "publisher": "宿迁市民政局", "year": "2019"}).text
    chips = [href for href, text in links_of(html) if text == "×"]
    assert sorted(chips) == sorted(
        [f"/search?q={quote('低保')}&year=2019", f"/search?q={quote('低保')}&publisher={quote('宿迁市民政局')}"]
    )
    assert "清除全部条件" in html


def test_selected_facet_value_links_to_its_removal(client) -> None:
    data = search_json(client, q="低保", publisher="宿迁市民政局")
    selected = [v for v in data["facets"]["publisher"]["values"] if v["selected"]]
    assert [v["value"] for v in selected] == ["宿迁市民政局"]
    html = client.get("/search", params={"q": "低保", "publisher": "宿迁市民政局"}).text
    assert 'aria-current="true"><span class="facet-name"><span aria-hidden="true">✓ </span>宿迁市民政局' in html


def test_values_of_one_facet_combine_with_or(client) -> None:
    first, second = [v["value"] for v in search_json(client, q="低保")["facets"]["publisher"]["values"][:2]]
    one = search_json(client, q="低保", publisher=first)["total"]
    other = search_json(client, q="低保", publisher=second)["total"]
    assert search_json(client, q="低保", publisher=[first, second])["total"] == one + other


def test_date_range(client) -> None:
    data = search_json(client, q="低保", date_from="2019-01-01", date_to="2019-12-31")
    assert data["total"] > 0
    assert all(hit["pub_date"].startswith("2019") for hit in data["hits"])
    html = client.get("/search", params={"q": "低保", "date_from": "2019", "date_to": "2019"}).text
    assert "起始日期：2019" in html and "截止日期：2019" in html


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(client, sort: str) -> None:
    dates = [hit["pub_date"] for hit in search_json(client, q="低保", sort=sort, per_page="50")["hits"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=sort == "newest")


def test_sort_links_mark_the_current_order(client) -> None:
    html = client.get("/search", params={"q": "低保", "sort": "newest"}).text
    assert 'aria-current="true" class="current">最新</a>' in html


@pytest.mark.parametrize(
    ("field", "q", "expected"),
    [
        pytest.param("title", "一季度工作情况", SEED_INDEX_NO, id="title"),
        pytest.param("body", "强富美高", SEED_INDEX_NO, id="body"),
        pytest.param("doc_no", "宿政办发[2017]150号", "宿政办发〔2017〕150号", id="doc-no-any-brackets"),
        pytest.param("index_no", "2018-00019", SEED_INDEX_NO, id="index-tail"),
    ],
)
def test_field_search(client, field: str, q: str, expected: str) -> None:
    hits = search_json(client, q=q, field=field, go="0")["hits"]
    assert any(expected in (hit["index_no"], hit["doc_no"]) for hit in hits)


def test_field_prefix_in_the_query(client) -> None:
    assert search_json(client, q="标题:一季度工作情况")["total"] >= 1


def test_pagination_keeps_the_conditions(client) -> None:
    first = search_json(client, sort="newest")
    assert first["pages"] >= 3
    second = search_json(client, sort="newest", page="2")
    assert {h["id"] for h in first["hits"]}.isdisjoint(h["id"] for h in second["hits"])
    html = client.get("/search", params={"q": "低保", "publisher": "宿迁市民政局", "per_page": "2"}).text
    assert f"/search?q={quote('低保')}&amp;publisher={quote('宿迁市民政局')}&amp;per_page=2&amp;page=2" in html
    assert 'rel="next"' in html and 'aria-current="page"' in html


def test_a_page_past_the_end_goes_to_the_last_page(client) -> None:
    response = client.get("/search", params={"q": "低保", "page": "999"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("&page=2") or response.headers["location"].endswith("page=1")


def test_empty_result_offers_a_dropped_filter(client) -> None:
    params = {"q": "低保", "publisher": "宿迁市民政局", "year": "2016"}
    data = search_json(client, **params)
    assert data["total"] == 0
    texts = [way["text"] for way in data["ways_out"]]
    assert "去掉“年份：2016”" in texts
    html = client.get("/search", params=params).text
    assert "没有找到符合条件的文件" in html
    assert "您可以试试" in html


def test_empty_result_offers_a_suggestion(client) -> None:
    data = search_json(client, q="低保 火星", literal="1")  # as typed (else relaxed: test_web_everyday.py)
    assert data["total"] == 0
    assert "低保" in data["suggestions"]
    html = client.get("/search", params={"q": "低保 火星", "literal": "1"}).text
    assert "改为检索“低保”</a>" in html


def test_nothing_found_still_shows_tips(client) -> None:
    html = client.get("/search", params={"q": "量子引力波"}).text
    assert "没有找到符合条件的文件" in html
    assert "/browse" in html


# Identifier queries ----------------------------------------------------------------------------


def test_an_index_number_goes_straight_to_the_document(client) -> None:
    response = client.get("/search", params={"q": SEED_INDEX_NO})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{SEED_INDEX_NO}"


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("０１４３１９７３３／２０１８－０００１９", id="full-width"),
        pytest.param(" 014319733 / 2018-00019 ", id="spaces"),
        pytest.param("014319733/2018—00019", id="em-dash"),
    ],
)
def test_index_number_variants_go_to_the_document(client, variant: str) -> None:
    response = client.get("/search", params={"q": variant})
    assert response.headers.get("location") == f"/doc/{SEED_INDEX_NO}"


def test_a_doc_number_in_any_brackets_goes_to_the_document(client) -> None:
    response = client.get("/search", params={"q": "宿政办发[2017]150号"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/doc/")


def test_a_shared_tail_goes_to_a_short_list(client) -> None:
    response = client.get("/search", params={"q": "2018-00019"})
    assert response.status_code == 303
    assert response.headers["location"] == "/lookup?q=2018-00019"
    listing = client.get(response.headers["location"])
    assert listing.status_code == 200
    assert SEED_TITLE in listing.text
    assert "014321059/2018-00019" in listing.text
    assert "在全文中检索" in listing.text


def test_json_twin_reports_identifier_matches_without_redirecting(client) -> None:
    data = search_json(client, q=SEED_INDEX_NO)
    assert [m["id"] for m in data["identifier_matches"]] == [SEED_INDEX_NO]


def test_go_0_searches_the_text_instead(client) -> None:
    assert client.get("/search", params={"q": SEED_INDEX_NO, "go": "0"}).status_code == 200


def test_an_identifier_with_filters_is_searched_not_jumped(client) -> None:
    response = client.get("/search", params={"q": SEED_INDEX_NO, "year": "2018"})
    assert response.status_code == 200


# The search-within form ---------------------------------------------------------------------


def test_search_within_results_carries_the_query_and_filters(client) -> None:
    html = client.get("/search", params={"q": "低保", "publisher": "宿迁市民政局"}).text
    assert '<input type="hidden" name="prev" value="低保">' in html
    assert '<input type="hidden" name="publisher" value="宿迁市民政局">' in html
    narrowed = search_json(client, q="特困", prev="低保", within="1", publisher="宿迁市民政局")
    assert narrowed["request"]["q"] == "低保 特困"
    assert 0 < narrowed["total"] <= search_json(client, q="低保", publisher="宿迁市民政局")["total"]


def test_copies_under_two_urls_are_one_hit_naming_the_other(client) -> None:
    """tests/web/fixtures/copies.json: one notice published at two URLs."""
    data = search_json(client, q="城乡居民基本医疗保险缴费标准")
    hits = [hit for hit in data["hits"] if hit["title"].startswith("关于公布2023年度城乡居民")]
    assert len(hits) == 1
    urls = {hits[0]["url"]} | {copy["url"] for copy in hits[0]["copies"]}
    assert urls == {"https://www.example.gov.cn/ybj/2023/0901.html", "https://www.example.gov.cn/xxgk/ybj/0901.html"}


# Details people notice -----------------------------------------------------------------------------


def test_results_say_which_items_of_how_many(client) -> None:
    total = search_json(client, q="低保")["total"]
    assert total > 10
    html = client.get("/search", params={"q": "低保", "page": "2"}).text
    assert f"第 11–{min(20, total)} 条，共 <strong>{total}</strong> 条" in html
    data = search_json(client, q="低保", page="2")
    assert (data["first"], data["last"]) == (11, min(20, total))
    assert "共 <strong>0</strong> 条" in client.get("/search", params={"q": "量子引力波"}).text


def test_a_document_without_a_publication_date_shows_and_sorts_by_its_written_date(client) -> None:
    dated = search_json(client, sort="newest", per_page="50", page="1")["hits"]
    dated += search_json(client, sort="newest", per_page="50", page="2")["hits"]
    written_only = [hit for hit in dated if not hit["pub_date"] and hit["written_date"]]
    assert written_only, "the CSV export has rows with 发文日期 only"
    keys = [hit["pub_date"] or hit["written_date"] for hit in dated]
    known = [key for key in keys if key]
    assert known == sorted(known, reverse=True)  # 成文日期 takes its place in the order
    hit = written_only[0]
    html = client.get("/search", params={"q": hit["title"], "field": "title", "go": "0"}).text
    assert f"<dt>成文日期</dt><dd>{hit['written_date']}</dd>" in html


def test_validity_and_kind_badges_in_results(client) -> None:
    html = client.get("/search", params={"validity": "失效"}).text
    assert (
        html.count('<span class="badge validity expired">失效</span>') == search_json(client, validity="失效")["total"]
    )
    html = client.get("/search", params={"kind": "解读"}).text
    assert html.count('<span class="badge interpretation">解读</span>') == 6  # with tests/web/fixtures/truthful.json's


def test_validity_and_kind_facets_filter(client) -> None:
    data = search_json(client)
    validity = {v["value"]: v["count"] for v in data["facets"]["validity"]["values"]}
    kinds = {v["value"]: v["count"] for v in data["facets"]["kind"]["values"]}
    # tests/web/fixtures/truthful.json adds a 政策解读 and a press conference (新闻发布)
    assert validity["失效"] >= 3 and kinds == {"原文": data["total"] - 7, "解读": 6, "新闻发布": 1}
    only = search_json(client, kind="解读", per_page="50")
    assert only["total"] == 6 and {hit["kind"] for hit in only["hits"]} == {"解读"}
    html = client.get("/search", params={"q": "养老"}).text
    assert '<h3 id="facet-kind">文件类型</h3>' in html and '<h3 id="facet-validity">有效性</h3>' in html


def test_a_hits_copies_are_listed_on_the_results_page(client) -> None:
    html = client.get("/search", params={"q": "城乡居民基本医疗保险缴费标准"}).text
    assert "同一文件另见：" in html
    assert (
        ">https://www.example.gov.cn/xxgk/ybj/0901.html</a>" in html
        or ">https://www.example.gov.cn/ybj/2023/0901.html</a>" in html
    )
