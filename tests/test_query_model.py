"""What a query means: each kind of query the search issue names, on documents the word-only search missed.

Before bigram fields every unquoted query behaved like a brittle phrase of jieba words, so a pasted title
with 《》, a body sentence, words joined by - : /, or 万亿美元 inside 一点七八万亿美元 found nothing.
"""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import shared_path

from index.query import SearchRequest
from index.query.syntax import Phrase, Words, parse
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

PINGTAN = "平潭综合实验区管委会办公室关于修改《平潭综合实验区建设工程砂石材料保障供应实施方案》的通知"
DOCS = [
    {
        "id": "pingtan",
        "title": PINGTAN,
        "publisher": "平潭综合实验区管委会办公室",
        "pub_date": "2019-05-06",
        "body": "各部门、各单位：经管委会同意，现将修改后的《平潭综合实验区建设工程砂石材料保障供应实施方案》"
        "印发给你们，请认真贯彻执行。监督电话：0591-24300000。本方案自印发之日起施行，有效期五年。",
    },
    {
        "id": "pingtan-original",
        "title": "平潭综合实验区管委会办公室关于印发平潭综合实验区建设工程砂石材料保障供应实施方案的通知",
        "publisher": "平潭综合实验区管委会办公室",
        "pub_date": "2018-03-01",
        "body": "为保障建设工程砂石材料供应，制定本方案。砂石材料由各片区统一调配，价格实行备案管理。",
    },
    {
        "id": "dibao-funeral",
        "title": "关于做好城乡低保对象殡葬费用减免工作的通知",
        "pub_date": "2020-02-01",
        "body": "对城乡低保对象的基本殡葬服务费用予以减免，所需资金由县级财政承担。",
    },
    {
        "id": "dibao-only",
        "title": "关于提高城乡低保标准的通知",
        "pub_date": "2021-02-01",
        "body": "从今年起提高城乡低保标准，农村低保标准每人每月提高五十元。",
    },
    {
        "id": "funeral-only",
        "title": "关于规范殡葬服务收费的通知",
        "pub_date": "2019-02-01",
        "body": "殡葬服务收费实行明码标价，严禁捆绑销售。",
    },
    {
        "id": "older-same",
        "title": "关于规范殡葬服务收费的补充通知",
        "pub_date": "2010-02-01",
        "body": "殡葬服务收费实行明码标价，严禁捆绑销售。",
    },
    {
        "id": "apart",
        "title": "政府工作报告",
        "pub_date": "2022-01-01",
        "body": "政府工作报告提出，要加强信息化建设，推进公开透明。",
    },
    {
        "id": "adjacent",
        "title": "信息公开年报",
        "pub_date": "2022-01-02",
        "body": "本机关认真做好政府信息公开工作，主动公开信息一百条。",
    },
]


def _catalog_of(tmp_path_factory, docs: list[dict]):
    """A catalog over a real index of ``docs``, closed after the module."""
    folder = tmp_path_factory.mktemp("docs")
    (folder / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    ingest_paths([folder], index_dir)
    catalog = Catalog(index_dir)
    yield catalog
    catalog.close()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    yield from _catalog_of(tmp_path_factory, DOCS)


def ids(catalog: Catalog, q: str, **options) -> list[str]:
    return [hit.id for hit in catalog.search(SearchRequest(q=q, per_page=50, **options)).hits]


def test_exact_title_with_book_title_marks_is_first(catalog):
    assert ids(catalog, PINGTAN)[0] == "pingtan"


def test_title_with_one_character_wrong_still_finds_it_first(catalog):
    assert ids(catalog, PINGTAN.replace("砂石", "沙石"))[0] == "pingtan"


def test_shortened_title_finds_it(catalog):
    assert ids(catalog, "修改《平潭综合实验区建设工程砂石材料保障供应实施方案》")[0] == "pingtan"


def test_pasted_body_sentence_ranks_its_document_first(catalog):
    # Both 平潭 documents hold most of these words; only one holds the sentence.
    assert ids(catalog, "现将修改后的《平潭综合实验区建设工程砂石材料保障供应实施方案》印发给你们")[0] == "pingtan"


def test_pasted_sentence_with_other_punctuation_and_spacing_still_matches_as_typed(catalog):
    assert ids(catalog, "各部门,各单位: 经管委会同意")[0] == "pingtan"


def test_most_words_must_match_and_more_matches_rank_higher(catalog):
    found = ids(catalog, "城乡 低保 殡葬")  # 3 words: a document needs 2 of them
    assert found[0] == "dibao-funeral"  # all three
    assert "dibao-only" in found  # 城乡 低保
    assert "funeral-only" not in found  # 殡葬 alone


def test_two_words_are_both_required_but_not_as_a_phrase(catalog):
    assert set(ids(catalog, "低保殡葬")) == {"dibao-funeral"}
    assert ids(catalog, '"低保殡葬"') == []


def test_quoted_phrase_is_an_exact_substring(catalog):
    assert ids(catalog, '"政府信息公开"') == ["adjacent"]
    assert set(ids(catalog, "政府 信息 公开")) == {"adjacent", "apart"}


def test_words_standing_together_rank_above_the_same_words_apart(catalog):
    assert ids(catalog, "政府信息公开")[0] == "adjacent"


def test_recency_breaks_ties_only(catalog):
    found = ids(catalog, "明码标价 捆绑销售")
    assert found == ["funeral-only", "older-same"]  # same body: the newer first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("低保 -殡葬", {"dibao-only"}, id="minus-excludes"),
        pytest.param("低保 NOT 殡葬", {"dibao-only"}, id="not-excludes"),
        pytest.param("低保 AND 殡葬", {"dibao-funeral"}, id="and-requires"),
        pytest.param("明码标价 OR 信息化", {"funeral-only", "older-same", "apart"}, id="or-either"),
        pytest.param("标题:殡葬", {"dibao-funeral", "funeral-only", "older-same"}, id="title-prefix"),
        pytest.param("正文:殡葬 低保", {"dibao-funeral"}, id="body-prefix-binds-next-term"),
        pytest.param("砂石 发布机构:平潭", {"pingtan", "pingtan-original"}, id="publisher-prefix"),
        pytest.param("标题:低保 殡葬", {"dibao-funeral"}, id="leading-prefix-covers-the-query"),
        pytest.param('(低保 OR 殡葬) AND "明码标价"', {"funeral-only", "older-same"}, id="grouping"),
    ],
)
def test_operators_and_field_prefixes(catalog, query, expected):
    assert set(ids(catalog, query)) == expected


@pytest.mark.parametrize("broken", ['"低保', "低保 AND", "(低保", "低保 OR", "标题:", "AND OR NOT"])
def test_broken_syntax_degrades_to_a_plain_search(catalog, broken):
    result = catalog.search(SearchRequest(q=broken))
    assert result.error is None
    if "低保" in broken:
        assert "dibao-only" in {hit.id for hit in result.hits}
    if broken in ('"低保', "低保 AND", "低保 OR"):
        assert result.notices  # the page says the syntax was taken as plain words


def test_phrase_highlight_marks_the_phrase_and_nothing_less(catalog):
    [hit] = catalog.search(SearchRequest(q='"政府信息公开"')).hits
    assert hit.snippet_html.count("<mark>") == 1
    assert "<mark>政府信息公开</mark>" in hit.snippet_html


def test_snippets_cut_at_boundaries_with_an_ellipsis_and_never_inside_a_number(catalog):
    [hit, *_] = catalog.search(SearchRequest(q="有效期五年")).hits
    assert hit.snippet_html.startswith("…")
    assert "0591-24300000" in hit.snippet_html or "监督电话" not in hit.snippet_html


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Catalog:
    folder = tmp_path_factory.mktemp("cases")
    for name in ("query-hyphen-colon-tokens.json", "jieba-number-unit-wanyi-meiyuan.json"):
        shutil.copy(shared_path("cases", name), folder / name)
    index_dir = tmp_path_factory.mktemp("cases-index")
    ingest_paths([folder], index_dir)
    catalog = Catalog(index_dir)
    yield catalog
    catalog.close()


@pytest.mark.parametrize(
    "query",
    ["COVID-19", "GB/T 9704-2012", "9704-2012", "2017-10-03", '"2017-10-03"', "12:21", "0527-84300000", "PM2.5"],
)
def test_words_joined_by_hyphen_colon_or_slash_find_the_document(cases, query):
    """../shared/cases/query-hyphen-colon-tokens.json"""
    [hit] = cases.search(SearchRequest(q=query)).hits
    assert hit.title == "关于做好2022年春节期间COVID-19疫情防控工作的通知"


def test_a_word_cut_differently_inside_a_number_and_unit_is_found(cases):
    """../shared/cases/jieba-number-unit-wanyi-meiyuan.json: 万亿美元 inside 一点七八万亿美元."""
    [hit] = cases.search(SearchRequest(q="万亿美元")).hits
    assert hit.title == "2023年全市外贸进出口情况"
    assert "<mark>万亿美元</mark>" in hit.snippet_html


def test_quotes_glued_inside_pasted_text_are_text_not_syntax(catalog):
    parsed = parse("现将修改后的“平潭综合实验区建设工程砂石材料保障供应实施方案”印发给你们")
    assert isinstance(parsed.node, Words)
    assert isinstance(parse("“政府信息公开”").node, Phrase)  # typed apart, an IME's quotes are a phrase


def test_punctuation_between_phrases_is_no_condition(catalog):
    assert ids(catalog, '"城乡低保" ， "殡葬"') == ["dibao-funeral"]


RUNS_DOCS = [
    {
        "id": "runs",
        "title": "办事指南",
        "pub_date": "2021-01-01",
        "body": "网址：www.example.gov.cn/a-b。格式执行GB/T 9704-2012。大厅于2017-10-03恢复受理，每日12:21维护。",
    },
    {"id": "database", "title": "数据说明", "pub_date": "2021-01-02", "body": "系统采用data-base结构。"},
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Catalog:
    yield from _catalog_of(tmp_path_factory, RUNS_DOCS)


@pytest.mark.parametrize(
    "query",
    [
        '"2017-10"',
        '"10-03恢复"',
        '"12:2"',
        '"GB/T 9704-201"',
        '"B/T"',
        '"www.example.gov.cn"',
        '"example.gov"',
        "gov.cn",
        "a-b",
        "2017-10",
        "example.gov.cn",
    ],
)
def test_a_fragment_of_a_latin_or_digit_run_is_found(runs, query):
    """The index holds a run whole and as its parts; a fragment across a separator or inside a part is found too,
    quoted as a substring, unquoted between separators."""
    assert ids(runs, query) == ["runs"]


@pytest.mark.parametrize("query", ['"10-03受理"', '"12:21维修"', '"9704-2013"', "a-bc", "ta-b"])
def test_a_run_fragment_is_still_exact_where_it_stands_beside_other_text(runs, query):
    assert ids(runs, query) == []


@pytest.mark.parametrize("query", ['"', '""', "OR", "NOT", "AND OR NOT"])
def test_a_query_of_syntax_alone_never_lists_the_whole_index(catalog, query):
    result = catalog.search(SearchRequest(q=query))
    assert result.error is None
    assert result.total < len(DOCS)


def test_a_page_past_the_end_answers_with_the_last_page_and_says_so(catalog):
    result = catalog.search(SearchRequest(q="殡葬", page=99, per_page=1))
    assert result.page == result.pages == result.total > 1
    assert any("99" in notice for notice in result.notices)


def test_text_with_lone_surrogates_is_searched_and_looked_up_without_error(catalog):
    """Python decodes a command line's undecodable bytes as lone surrogates (``portal search $'\\xff'``)."""
    assert catalog.search(SearchRequest(q="\udcff低保\udcfe")).error is None
    assert catalog.lookup("\udcff") == []
    assert catalog.get("\udcff") is None


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"])
def test_a_query_pasted_with_invisible_formatting_finds_what_it_finds_typed(catalog, mark):
    """The ingest removes zero-width spaces, joiners and soft hyphens from every field (index.limits); the query
    kept them, so ``低\u200b保`` pasted from a page cut 低保 apart and found less than 低保 typed."""
    typed = ids(catalog, "城乡低保 殡葬")
    assert typed and ids(catalog, f"城乡{mark}低{mark}保 殡{mark}葬") == typed
    assert ids(catalog, f'"明码{mark}标价"') == ids(catalog, '"明码标价"')
