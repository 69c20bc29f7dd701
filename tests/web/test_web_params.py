"""portal.params: whatever the query string holds, a valid SearchRequest and friendly notices."""

from __future__ import annotations

import pytest
from helpers import SEED_INDEX_NO

from portal.params import PAGE_MAX, PER_PAGE_MAX, Params, parse_date, parse_search


def parsed(**values: str | list[str]):
    return parse_search(Params({k: v if isinstance(v, list) else [v] for k, v in values.items()}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2018", "2018", id="year"),
        pytest.param("2018-04", "2018-04", id="month"),
        pytest.param("2018-4-1", "2018-04-01", id="short-day"),
        pytest.param("2018/04/10", "2018-04-10", id="slashes"),
        pytest.param("2018.04.10", "2018-04-10", id="dots"),
        pytest.param("2018年4月10日", "2018-04-10", id="chinese"),
        pytest.param("２０１８－０４－１０", "2018-04-10", id="full-width"),
        pytest.param("２０１８年４月", "2018-04", id="full-width-chinese"),
        pytest.param("2018-13-01", None, id="month-13"),
        pytest.param("2018-02-30", None, id="feb-30"),
        pytest.param("yesterday", None, id="words"),
        pytest.param("2018-04-10' OR 1=1", None, id="injection"),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_defaults() -> None:
    result = parsed()
    req = result.request
    assert (req.q, req.field, req.filters, req.sort, req.page, req.per_page) == ("", "all", {}, "newest", 1, 10)
    assert result.notices == []


def test_query_default_sort_is_relevance() -> None:
    assert parsed(q="低保").request.sort == "relevance"


@pytest.mark.parametrize(
    ("values", "page", "per_page"),
    [
        pytest.param({"page": "abc"}, 1, 10, id="page-words"),
        pytest.param({"page": "-3"}, 1, 10, id="page-negative"),
        pytest.param({"page": "0"}, 1, 10, id="page-zero"),
        pytest.param({"page": "99999999999999999999"}, PAGE_MAX, 10, id="page-huge"),
        pytest.param({"page": "２"}, 2, 10, id="page-full-width"),
        pytest.param({"per_page": "500"}, 1, PER_PAGE_MAX, id="per-page-capped"),
        pytest.param({"per_page": "1.5"}, 1, 10, id="per-page-float"),
    ],
)
def test_numbers_become_defaults(values: dict[str, str], page: int, per_page: int) -> None:
    req = parsed(**values).request
    assert (req.page, req.per_page) == (page, per_page)


@pytest.mark.parametrize(
    ("values", "noticed"),
    [
        pytest.param({"page": "abc"}, True, id="page-words"),
        pytest.param({"page": "-1"}, True, id="page-negative"),
        pytest.param({"page": "99999999999"}, True, id="page-huge"),
        pytest.param({"per_page": "500"}, True, id="per-page-capped"),
        pytest.param({"page": "２"}, False, id="page-full-width"),
        pytest.param({"page": "02"}, False, id="page-leading-zero"),
        pytest.param({"page": "3", "per_page": "20"}, False, id="usable"),
    ],
)
def test_a_corrected_page_or_page_size_says_so(values: dict[str, str], noticed: bool) -> None:
    assert bool(parsed(q="低保", **values).notices) is noticed


def test_bad_sort_and_field_fall_back_with_a_notice() -> None:
    result = parsed(q="低保", sort="random", field="everything")
    assert (result.request.sort, result.request.field) == ("relevance", "all")
    assert len(result.notices) == 2
    assert all("无效" in notice for notice in result.notices)


@pytest.mark.parametrize("label", ["标题", "title"])
def test_field_by_key_or_chinese_label(label: str) -> None:
    assert parsed(q="低保", field=label).request.field == "title"


def test_bad_date_is_ignored_with_a_notice() -> None:
    result = parsed(date_from="2018-99-99", date_to="2019")
    assert (result.request.date_from, result.request.date_to) == ("", "2019")
    assert "无法识别" in result.notices[0]


def test_dates_in_the_wrong_order_are_swapped() -> None:
    result = parsed(date_from="2020", date_to="2018-05")
    assert (result.request.date_from, result.request.date_to) == ("2018-05", "2020")
    assert "对调" in result.notices[0]


def test_filters_repeat_stack_and_deduplicate() -> None:
    req = parsed(publisher=["宿迁市民政局", "市民政局", "宿迁市民政局", " "], year="2018").request
    assert req.filters == {"publisher": ["宿迁市民政局", "市民政局"], "year": ["2018"]}


def test_unknown_params_are_ignored() -> None:
    assert parsed(foo="bar", category="x").request.filters == {}


def test_a_year_that_is_not_a_year_is_dropped() -> None:
    result = parsed(year=["2018", "abc", "18"])
    assert result.request.filters == {"year": ["2018"]}
    assert "abc" in result.notices[0]


def test_a_year_not_read_is_named_as_typed_and_a_full_width_one_is_read() -> None:
    """The notice named ``²`` by its NFKC form (年份“2”无法识别), which the user never typed."""
    result = parsed(year=["²", "２０１８"])
    assert result.request.filters == {"year": ["2018"]} and result.notices == ["年份“²”无法识别，已忽略。"]


def test_control_characters_and_whitespace_are_cleaned() -> None:
    assert parsed(q="低\x00保\t  救助\n").request.q == "低 保 救助"


def test_search_within_results_keeps_the_previous_query() -> None:
    assert parsed(q="救助", prev="低保", within="1").request.q == "低保 救助"
    assert parsed(q="救助", prev="低保").request.q == "救助"


def test_go_0_turns_off_the_identifier_jump() -> None:
    assert parsed(q="014319733/2018-00019", go="0").jump is False
    assert parsed(q="014319733/2018-00019").jump is True


def test_preset_filters_come_first() -> None:
    result = parse_search(Params({"publisher": ["市民政局"]}), {"publisher": ["宿迁市民政局"]})
    assert result.request.filters == {"publisher": ["宿迁市民政局", "市民政局"]}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param(f"/doc/{SEED_INDEX_NO}/v/①", 200, id="version-circled"),
        pytest.param(f"/doc/{SEED_INDEX_NO}/v/１.json", 200, id="version-full-width-json"),
        pytest.param(f"/doc/{SEED_INDEX_NO}/v/².bib", 404, id="version-superscript-citation"),
        pytest.param(f"/doc/{SEED_INDEX_NO}/v/1²", 404, id="version-mixed"),
        pytest.param(f"/doc/{SEED_INDEX_NO}/diff?a=②", 404, id="diff-circled"),
        pytest.param(f"/doc/{SEED_INDEX_NO}/diff.json?b=²", 404, id="diff-superscript-json"),
        pytest.param("/changes?before=²", 200, id="changes-superscript"),
        pytest.param("/changes.atom?before=①", 200, id="changes-atom-circled"),
    ],
)
def test_a_number_typed_with_digit_lookalikes_is_read_as_nfkc_reads_it(client, path: str, status: int) -> None:
    """str.isdigit() passes ², ① (which int() refuses, a 500 before): version numbers and the change cursor are read
    as page numbers are (NFKC: ① is 1, ２ is 2), so the web index's one version is found and a second is not."""
    assert client.get(path).status_code == status


def test_a_change_cursor_is_read_as_typed_or_not_at_all(client) -> None:
    assert client.get("/changes.json", params={"before": "①²"}).json()["request"]["before"] == 12
    assert client.get("/changes.json", params={"before": "1/2"}).json()["request"]["before"] is None
