"""Every relation a page shows is one a text states (issue 20), on tests/web/fixtures/truthful.json: documents
modelled on the shared corpus's 冀科平规〔2023〕3号 (three copies), the 2023 clean-up catalogue that keeps it,
上海市社会救助条例 2018 and 2024, and a 外交部 press conference filed under 政策解读."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import build_index

from index import crossrefs
from index.query import SearchRequest
from index.record import Document
from index.whoosh.catalog import Catalog

LAB_URLS = [
    f"https://kjt.hebei.gov.cn/www/xxgk2020/228104/228108/{column}/276489/index.html"
    for column in ("228110", "228109", "228111")
]
OLD_LAB_URL = "https://kjt.hebei.gov.cn/www/xxgk2020/228104/228108/228110/180601/index.html"
CLEANUP_2022_URL = "https://kjt.hebei.gov.cn/www/xxgk2020/228104/228108/228110/221201/index.html"
CATALOGUE_URL = "https://kjt.hebei.gov.cn/www/xxgk2020/228104/228108/228110/295317/index.html"
LAB_JD_URL = "https://kjt.hebei.gov.cn/www/xxgk2020/228104/228108/228111/276500/index.html"
RELIEF_2018_URL = "https://flk.example.gov.cn/shanghai/relief-2018.html"
RELIEF_2024_URL = "https://flk.example.gov.cn/shanghai/relief-2024.html"
PRESS_URL = "https://www.fmprc.example.gov.cn/fyrbt/t2005-0315.html"


@pytest.fixture(scope="module")
def catalog(web_index: Path) -> Catalog:
    found = Catalog(web_index)
    yield found
    found.close()


@pytest.fixture(scope="module")
def ids(catalog: Catalog) -> dict[str, str]:
    """URL → id of every document in the index."""
    result = catalog.search(SearchRequest(per_page=100, sort="newest"))
    found = {}
    for page in range(1, result.pages + 1):
        for hit in catalog.search(SearchRequest(per_page=100, sort="newest", page=page)).hits:
            found[hit.url] = hit.id
            found.update({copy.url: copy.id for copy in hit.copies})
    return found


def related(catalog: Catalog, doc_id: str):
    doc = catalog.get(doc_id)
    assert doc is not None, doc_id
    return catalog.relations(doc)


def test_a_catalogues_kept_list_replaces_nothing(catalog: Catalog, ids: dict[str, str]) -> None:
    for url in LAB_URLS:
        assert related(catalog, ids[url]).replaced_by == [] or all(
            item.id != ids[CATALOGUE_URL] for item in related(catalog, ids[url]).replaced_by
        )
    replaces = related(catalog, ids[CATALOGUE_URL]).replaces
    assert [item.id for item in replaces] == [ids[CLEANUP_2022_URL]]  # its 予以废止 list, and only that
    assert "予以废止" in replaces[0].sentence and "冀科政规〔2022〕2号" in replaces[0].sentence
    assert "保留" not in replaces[0].sentence


def test_a_repeal_is_listed_once_with_its_sentence_and_copies(catalog: Catalog, ids: dict[str, str]) -> None:
    replaced_by = related(catalog, ids[OLD_LAB_URL]).replaced_by
    assert len(replaced_by) == 1  # three copies, one row
    assert replaced_by[0].id in {ids[url] for url in LAB_URLS}
    assert {copy.id for copy in replaced_by[0].copies} | {replaced_by[0].id} == {ids[url] for url in LAB_URLS}
    assert "同时废止" in replaced_by[0].sentence and "河北省学科重点实验室建设与管理办法" in replaced_by[0].sentence


def test_statements_are_clauses_outside_quoted_titles() -> None:
    kept = Document(
        id="k", title="清理结果目录", body="（一）保留规范性文件目录1《关于废止部分文件的通知》冀科规〔2021〕5号"
    )
    assert crossrefs.statements(kept) == []
    proposed = Document(id="p", title="征求意见稿", body="拟对《某某市物业管理办法》予以废止。")
    assert crossrefs.repeals(proposed) == []
    listed = Document(
        id="l", title="新办法", body="《甲市旧的管理办法》（甲政发〔2010〕1号），自本办法施行之日起废止。"
    )
    assert "t:甲市旧的管理办法" in crossrefs.repeals(listed)


def test_versions_of_one_regulation_are_linked(catalog: Catalog, ids: dict[str, str]) -> None:
    old, new = related(catalog, ids[RELIEF_2018_URL]), related(catalog, ids[RELIEF_2024_URL])
    assert [item.id for item in old.current_version] == [ids[RELIEF_2024_URL]]
    assert "2024年12月31日" in old.current_version[0].sentence
    assert [item.id for item in new.older_versions] == [ids[RELIEF_2018_URL]]
    assert new.current_version == [] and old.older_versions == []


def test_a_press_conference_is_not_an_interpretation(catalog: Catalog, ids: dict[str, str]) -> None:
    doc = catalog.get(ids[PRESS_URL])
    assert crossrefs.kind(doc) == crossrefs.PRESS
    found = catalog.search(SearchRequest(filters={"kind": [crossrefs.INTERPRETATION]}, per_page=100))
    assert ids[PRESS_URL] not in {hit.id for hit in found.hits}
    assert ids[LAB_JD_URL] in {hit.id for hit in found.hits}
    assert crossrefs.PRESS in {value.value for value in catalog.facet_counts()["kind"]}


def test_an_interpretation_lists_its_original_once(catalog: Catalog, ids: dict[str, str]) -> None:
    interprets = related(catalog, ids[LAB_JD_URL]).interprets
    assert len(interprets) == 1 and len(interprets[0].copies) == 2
    assert "《河北省重点实验室建设与运行管理办法》" in interprets[0].sentence
    for url in LAB_URLS:
        assert [item.id for item in related(catalog, ids[url]).interpretations] == [ids[LAB_JD_URL]]


def test_lookup_lists_copies_once(catalog: Catalog, ids: dict[str, str]) -> None:
    matches = catalog.lookup("冀科平规[2023]3号")
    assert len(matches) == 1
    assert {matches[0].id, *(copy.id for copy in matches[0].copies)} == {ids[url] for url in LAB_URLS}


def test_an_interpretation_interprets_what_its_title_names_not_its_grounds() -> None:
    """The shared corpus's 《档案专业人员继续教育规定》解读 opens with 根据《中华人民共和国档案法》: it does not
    interpret the 档案法."""
    titled = Document(
        id="j",
        title="《档案专业人员继续教育规定》解读",
        body="为深化落实有关意见，根据《中华人民共和国档案法》相关要求，研究修订《档案专业人员继续教育规定》。",
        column="政策解读",
    )
    named = {token for _, tokens in crossrefs.interpreted_sentences(titled) for token in tokens}
    assert "t:档案专业人员继续教育规定" in named and "t:中华人民共和国档案法" not in named
    untitled = Document(
        id="n",
        title="河北出台行动方案推动县域经济高质量发展",
        body="日前，省政府办公厅印发《县域特色产业集群领跑者企业培育行动方案》。根据《河北省促进县域经济条例》，各地……",
        column="政策解读",
    )
    named = {token for _, tokens in crossrefs.interpreted_sentences(untitled) for token in tokens}
    assert "t:县域特色产业集群领跑者企业培育行动方案" in named and "t:河北省促进县域经济条例" not in named


def test_an_interpretation_links_the_edition_it_interprets(tmp_path: Path) -> None:
    """Two editions of one 办法 (2012 and 2023, the shared corpus's 河北省自然科学基金资助项目验收管理办法): the 2023
    解读 links the 2023 edition only, and the 2012 edition does not list it."""
    records = [
        {
            "title": "河北省自然科学基金资助项目验收管理办法",
            "pub_date": "2012-09-01",
            "doc_no": "冀科办〔2012〕21号",
            "body": "第一条 为规范验收，制定本办法。",
            "id": "old",
        },
        {
            "title": "关于印发《河北省自然科学基金资助项目验收管理办法》的通知",
            "pub_date": "2023-01-03",
            "doc_no": "冀科金规〔2023〕1号",
            "body": "现将《河北省自然科学基金资助项目验收管理办法》印发给你们。",
            "id": "new",
        },
        {
            "title": "《河北省自然科学基金资助项目验收管理办法》解读",
            "pub_date": "2023-01-03",
            "column": "政策解读",
            "body": "一、出台背景 根据《河北省自然科学基金管理办法》，制定本办法。",
            "id": "jd",
        },
    ]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "editions.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    build_index([tmp_path / "docs"], tmp_path / "index")
    editions = Catalog(tmp_path / "index")
    try:
        assert [item.id for item in related(editions, "jd").interprets] == ["new"]
        assert related(editions, "old").interpretations == []
        assert [item.id for item in related(editions, "new").interpretations] == ["jd"]
    finally:
        editions.close()


def test_a_notice_publishing_two_texts_is_cited_by_both_and_an_infographic_is_no_original() -> None:
    """The shared corpus's 2023 关于印发《河北省农业科技园区管理办法》《河北省农业科技园区评估管理实施细则》的通知
    publishes both; 一图看懂 关于进一步促进科技成果转化和产业化的若干措施 is a 解读 of that 若干措施, not it."""
    keys = crossrefs.title_keys("关于印发《河北省农业科技园区管理办法》《河北省农业科技园区评估管理实施细则》的通知")
    assert {"河北省农业科技园区管理办法", "河北省农业科技园区评估管理实施细则"} <= set(keys)
    picture = Document(id="p", title="一图看懂 关于进一步促进科技成果转化和产业化的若干措施", column="政策解读")
    assert "关于进一步促进科技成果转化和产业化的若干措施" not in crossrefs.title_keys(picture.title)
    assert crossrefs.kind(picture) == crossrefs.INTERPRETATION
