"""index.crossrefs and Catalog.relations: 解读 ↔ 原文 and what replaced what, from what documents say."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import crossrefs
from index.query import SearchRequest
from index.record import Document, Link
from index.whoosh.catalog import Catalog

URBAN_RENEWAL = "014330561/2021-00102"  # documents/: 宿迁市城市更新管理办法 (宿迁市人民政府令第5号)
URBAN_RENEWAL_JD = "014322182/2021-00120"  # tests/web/fixtures/relations.json: its 政策解读, by 《title》 and 令 number
BUDGET = "471004139/2024-00052"  # the 江苏省财政厅 HTML page; its 相关信息 links the 图解
BUDGET_GRAPHIC = "471004139/2024-00053"
PENSION = "014321059/2022-00034"  # 宿人社发（2022）47号
PENSION_QA = "014321059/2022-00051"  # 答记者问 citing 宿人社发〔2022〕47号
PENSION_2014 = "014321059/2014-00033"  # 废止: says it was replaced by the 2022 notice
MEDICAL = "014316508/2023-00021"  # joint title; cited without its publishers
MEDICAL_JD = "014316508/2023-00022"
INSURANCE_NOTE = "014333818/2024-00127"  # a 解读 only by its column, citing 宿城政通〔2024〕6号
WUBAO_2016 = "014327899/2016-00311"  # 失效, published as 014327899-2016-00311
WUBAO_2019 = "014327899/2019-00145"  # …（泗政发〔2016〕88号）同时废止
FUND_2019 = "014326116/2019-00009"  # 失效
FUND_2020 = "014326116/2020-00011"  # 宿公积金〔2019〕7号文件同时停止执行


@pytest.mark.parametrize(
    ("title", "column", "form"),
    [
        pytest.param("《宿迁市城市更新管理办法》政策解读", "", "政策解读", id="quoted-title"),
        pytest.param("图解：2024年全省预算公开工作要点", "", "图解", id="graphic"),
        pytest.param("一图读懂2024年政府工作报告", "", "一图读懂", id="one-picture"),
        pytest.param("市人社局负责人就养老保险调整答记者问", "", "答记者问", id="press-qa"),
        pytest.param("城乡居民医保参保缴费有关问题的说明", "政策解读", "政策解读", id="by-column"),
        pytest.param("关于做好2024年政策解读工作的通知", "", "", id="about-interpreting"),
        pytest.param("宿迁市城市更新管理办法", "", "", id="original"),
    ],
)
def test_interpretation_form(title: str, column: str, form: str) -> None:
    assert crossrefs.interpretation_form(title, [], column) == form


def test_title_keys_cover_joint_titles_and_published_texts() -> None:
    keys = crossrefs.title_keys("宿迁市医疗保障局 宿迁市民政局关于健全重特大疾病医疗保险和救助制度的实施意见")
    assert "关于健全重特大疾病医疗保险和救助制度的实施意见" in keys
    assert "宿迁市城市更新管理办法" in crossrefs.title_keys("宿迁市人民政府关于印发《宿迁市城市更新管理办法》的通知")
    assert crossrefs.title_key("《关于 “两个” 问题的（试行）通知》") == "关于两个问题的试行通知"


def test_doc_numbers_in_running_text_in_any_brackets() -> None:
    tokens = crossrefs.doc_no_tokens("近日，市政府印发了宿政办发[2017]150号文件")
    assert "n:宿政办发〔2017〕150号" in tokens
    assert "n:宿迁市人民政府令第5号" in crossrefs.doc_no_tokens("《办法》（宿迁市人民政府令第5号）已审议通过")


def test_a_repeal_and_its_direction() -> None:
    later = Document(
        id="a", title="新通知", body="本通知自印发之日起施行，《旧的实施办法全文》（泗政发〔2016〕88号）同时废止。"
    )
    assert {"t:旧的实施办法全文", "n:泗政发〔2016〕88号"} <= set(crossrefs.repeals(later))
    assert crossrefs.repealed_by(later) == []
    earlier = Document(id="b", title="旧的实施办法全文", body="本办法已被《新的实施办法全文》代替。")
    assert crossrefs.repealed_by(earlier) == ["t:新的实施办法全文"]
    assert crossrefs.repeals(earlier) == []


def test_a_replacement_between_two_other_documents_links_neither() -> None:
    listing = Document(
        id="d", title="关于废止部分规章的决定", body="《放射性药品管理办法》已被《放射性药品管理条例》代替。"
    )
    assert crossrefs.repeals(listing) == [] and crossrefs.repealed_by(listing) == []


def test_a_document_never_cites_itself() -> None:
    doc = Document(id="c", title="关于废止的通知", doc_no="宿政发〔2020〕1号", body="宿政发〔2020〕1号同时废止。")
    assert crossrefs.repeals(doc) == []


def test_links_resolve_against_the_page_or_keep_their_path() -> None:
    assert crossrefs.link_tokens("../b.html", "https://x.gov.cn/art/1/a.html") == ["u:https://x.gov.cn/art/b.html"]
    assert crossrefs.link_tokens("/art/2024/3/12/jd.html") == ["p:/art/2024/3/12/jd.html"]
    assert crossrefs.link_tokens("/index.html") == []  # names no page in particular
    assert crossrefs.link_tokens("javascript:alert(1)") == []


@pytest.fixture(scope="module")
def web_catalog(web_index: Path) -> Catalog:
    catalog = Catalog(web_index)
    yield catalog
    catalog.close()


def linked(catalog: Catalog, doc_id: str) -> dict[str, list[str]]:
    doc = catalog.get(doc_id)
    assert doc is not None, doc_id
    return {name: [item.id for item in items] for name, items in vars(catalog.relations(doc)).items()}


@pytest.mark.parametrize(
    ("original", "interpretation", "how"),
    [
        pytest.param(URBAN_RENEWAL, URBAN_RENEWAL_JD, "title", id="by-title"),
        pytest.param(BUDGET, BUDGET_GRAPHIC, "link on the original's page and 文号", id="by-link"),
        pytest.param(PENSION, PENSION_QA, "文号", id="by-doc-no"),
        pytest.param(MEDICAL, MEDICAL_JD, "title without the joint publishers", id="by-short-title"),
    ],
)
def test_interpretations_link_both_ways(web_catalog: Catalog, original: str, interpretation: str, how: str) -> None:
    assert interpretation in linked(web_catalog, original)["interpretations"], how
    assert linked(web_catalog, interpretation)["interprets"] == [original], how


def test_an_interpretation_by_its_column_finds_its_original_by_doc_no(web_catalog: Catalog) -> None:
    [original] = linked(web_catalog, INSURANCE_NOTE)["interprets"]
    assert web_catalog.get(original).doc_no == "宿城政通〔2024〕6号"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(WUBAO_2016, WUBAO_2019, id="later-document-says-so-by-title-and-doc-no"),
        pytest.param(FUND_2019, FUND_2020, id="later-document-says-so-by-doc-no"),
        pytest.param(PENSION_2014, PENSION, id="the-replaced-page-says-so"),
    ],
)
def test_replaced_documents_link_to_what_replaced_them(web_catalog: Catalog, old: str, new: str) -> None:
    assert linked(web_catalog, old)["replaced_by"] == [new]
    assert old in linked(web_catalog, new)["replaces"]


def test_unrelated_documents_have_no_relations(web_catalog: Catalog) -> None:
    assert not any(linked(web_catalog, "014319733/2018-00019").values())


def test_validity_and_kind_are_facets(web_catalog: Catalog) -> None:
    counts = web_catalog.facet_counts()
    validity = {value.value: value.count for value in counts["validity"]}
    assert {"有效", "失效", "废止", "已修改", "暂停执行"} <= set(validity)
    kinds = {value.value: value.count for value in counts["kind"]}
    assert kinds["解读"] == 6 and kinds["原文"] > 30  # the sixth: tests/web/fixtures/truthful.json's 政策解读
    assert kinds["新闻发布"] == 1  # truthful.json's 外交部 press conference, filed under 政策解读 by its site
    interpretations = web_catalog.search(SearchRequest(filters={"kind": ["解读"]}, per_page=50))
    assert {hit.id for hit in interpretations.hits if "hebei" not in hit.url} == {
        URBAN_RENEWAL_JD,
        BUDGET_GRAPHIC,
        PENSION_QA,
        MEDICAL_JD,
        INSURANCE_NOTE,
    }
    assert all(hit.kind == "解读" for hit in interpretations.hits)
    repealed = web_catalog.search(SearchRequest(filters={"validity": ["废止"]}))
    assert [hit.validity for hit in repealed.hits] == ["废止"] * repealed.total


def test_a_relation_to_a_document_not_in_the_index_is_not_listed() -> None:
    doc = Document(
        id="x", title="《不在索引中的办法名称》政策解读", related=[Link("原文", "https://a.gov.cn/art/1/2/3.html")]
    )
    assert crossrefs.cites(doc) == ["t:不在索引中的办法名称", "u:https://a.gov.cn/art/1/2/3.html"]
