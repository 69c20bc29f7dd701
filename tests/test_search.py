"""Search over the bundled documents: filters, facets, sorting, field search, errors."""

from __future__ import annotations

from helpers import SEED_INDEX_NO

from index.query import MAX_QUERY_CHARS, SearchRequest


def test_dibao_finds_the_seed_page(catalog):
    result = catalog.search(SearchRequest(q="低保", per_page=50))
    assert SEED_INDEX_NO in {hit.id for hit in result.hits}
    assert result.total >= 3


def test_filters_stack_and_facets_count_within_results(catalog):
    everything = catalog.search(SearchRequest(q="低保"))
    publisher = everything.facets["publisher"][0]
    narrowed = catalog.search(SearchRequest(q="低保", filters={"publisher": [publisher.value]}))
    assert narrowed.total == publisher.count
    assert all(hit.publisher == publisher.value for hit in narrowed.hits)
    assert [v.selected for v in narrowed.facets["publisher"]] == [True]
    year = narrowed.facets["year"][0]
    both = catalog.search(SearchRequest(q="低保", filters={"publisher": [publisher.value], "year": [year.value]}))
    assert both.total == year.count
    assert all(hit.pub_date.startswith(year.value) for hit in both.hits)


def test_date_range(catalog):
    result = catalog.search(SearchRequest(date_from="2018-01-01", date_to="2018-12-31", per_page=50))
    assert result.total >= 2
    dated = [hit.pub_date for hit in result.hits if hit.pub_date]  # the rest carry only a 成文日期 in 2018
    assert dated and all(date.startswith("2018") for date in dated)


def test_newest_and_oldest(catalog):
    newest = [h.pub_date for h in catalog.search(SearchRequest(sort="newest", per_page=50)).hits if h.pub_date]
    oldest = [h.pub_date for h in catalog.search(SearchRequest(sort="oldest", per_page=50)).hits if h.pub_date]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)


def test_field_search_by_prefix_and_by_choice(catalog):
    by_prefix = catalog.search(SearchRequest(q="标题:工作情况"))
    by_choice = catalog.search(SearchRequest(q="工作情况", field="title"))
    assert {h.id for h in by_prefix.hits} == {h.id for h in by_choice.hits}
    assert SEED_INDEX_NO in {h.id for h in by_prefix.hits}
    assert catalog.search(SearchRequest(q="文号:宿政办发[2017]150号")).total == 1
    assert catalog.search(SearchRequest(q="索引号:2018-00019")).total == 2


def test_pagination(catalog):
    first = catalog.search(SearchRequest(per_page=5, page=1))
    second = catalog.search(SearchRequest(per_page=5, page=2))
    assert first.pages == (first.total + 4) // 5
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_over_long_and_broken_queries_give_a_friendly_error(catalog):
    assert catalog.search(SearchRequest(q="低" * (MAX_QUERY_CHARS + 1))).error
    for junk in ['"', "(", ")", "AND", "OR NOT", "标题:", "*", "[2017 TO", "^2", "\x00", "😀"]:
        result = catalog.search(SearchRequest(q=junk))
        assert result.error is None or "检索" in result.error


def test_unquoted_words_need_not_stand_together(catalog):
    """低保殡葬 typed as one run finds documents holding both words anywhere; quoted, it is one phrase."""
    apart = catalog.search(SearchRequest(q="低保殡葬", per_page=50))
    assert apart.total >= 1 and SEED_INDEX_NO in {hit.id for hit in apart.hits}
    assert catalog.search(SearchRequest(q='"低保殡葬"')).total == 0


def test_spam_does_not_reach_snippets_unescaped(catalog):
    for hit in catalog.search(SearchRequest(q="殡葬", per_page=50)).hits:
        assert "<script" not in hit.snippet_html


def test_empty_result_suggests_dropping_a_word_that_finds_nothing(catalog):
    result = catalog.search(SearchRequest(q="低保 火星", literal=True))  # as typed: no relaxation
    assert result.total == 0
    assert "低保" in result.suggestions
    relaxed = catalog.search(SearchRequest(q="低保 火星"))  # issue 19: relaxed, and the page says so
    assert relaxed.total > 0 and relaxed.rescue.left_out == ["火星"]


def test_a_page_past_the_end_reports_the_last_page(catalog):
    result = catalog.search(SearchRequest(q="低保", per_page=5, page=999))
    assert result.page == result.pages and result.hits
