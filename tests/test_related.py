"""Related documents that are related: citations both ways by 《title》 and 文号, and topic without boilerplate."""

from __future__ import annotations

import json

import pytest
from helpers import SEED_INDEX_NO

from index.query.related import CITED, CITING, SAME_TOPIC, significant_text
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

HANDING_DOWN = "各有关单位：\n现将《{title}》印发给你们，请认真贯彻执行。\n特此通知。\n附件：{title}\n2019年3月1日"
DOCS = [
    {
        "id": "dibao-rules",
        "title": "宿迁市城乡最低生活保障实施细则",
        "doc_no": "宿政办发〔2017〕150号",
        "pub_date": "2017-06-01",
        "body": "第一条 为规范城乡最低生活保障工作，制定本细则。第二条 低保标准按月人均收入核定。",
    },
    {
        "id": "dibao-notice",
        "title": "关于提高2019年城乡低保标准的通知",
        "pub_date": "2019-03-01",
        "body": "根据《宿迁市城乡最低生活保障实施细则》（宿政办发〔2017〕150号），城乡低保标准提高到每人每月700元。"
        "低保对象的认定按细则执行。",
    },
    {
        "id": "funeral",
        "title": "关于印发殡葬服务收费管理办法的通知",
        "pub_date": "2019-03-02",
        "body": HANDING_DOWN.format(title="殡葬服务收费管理办法") + "\n殡葬服务收费实行明码标价，公墓价格备案。",
    },
    {
        "id": "forestry",
        "title": "关于印发林木采伐管理办法的通知",
        "pub_date": "2019-03-03",
        "body": HANDING_DOWN.format(title="林木采伐管理办法") + "\n林木采伐实行限额管理，采伐许可证由林业部门核发。",
    },
    {
        "id": "funeral-2",
        "title": "关于公墓价格备案的通知",
        "pub_date": "2020-01-02",
        "body": "经营性公墓价格实行备案，殡葬服务收费明码标价，严禁捆绑收费。",
    },
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "docs.json").write_text(json.dumps(DOCS, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    assert not ingest_paths([folder], index_dir).rejected
    catalog = Catalog(index_dir)
    yield catalog
    catalog.close()


def reasons(catalog: Catalog, doc_id: str) -> dict[str, str]:
    return {item.id: item.reason for item in catalog.related(doc_id)}


def test_a_document_lists_what_it_cites(catalog):
    assert reasons(catalog, "dibao-notice")["dibao-rules"] == CITED


def test_a_document_lists_what_cites_it(catalog):
    assert reasons(catalog, "dibao-rules")["dibao-notice"] == CITING


def test_boilerplate_makes_nothing_related(catalog):
    assert "forestry" not in reasons(catalog, "funeral")
    assert reasons(catalog, "funeral").get("funeral-2") == SAME_TOPIC


def test_boilerplate_is_removed_from_what_characterises_a_document():
    text = significant_text("标题", HANDING_DOWN.format(title="林木采伐管理办法") + "\n林木采伐实行限额管理。")
    for boilerplate in ("各有关单位", "印发给你们", "贯彻执行", "特此通知", "附件", "2019年3月1日"):
        assert boilerplate not in text
    assert "林木采伐实行限额管理" in text


def test_the_seed_report_lists_no_friendship_city_letter(tmp_path_factory):
    from helpers import DOCUMENTS

    index_dir = tmp_path_factory.mktemp("documents-index")
    ingest_paths([DOCUMENTS], index_dir)
    catalog = Catalog(index_dir)
    try:
        related = catalog.related(SEED_INDEX_NO, limit=50)
        assert related and all(item.reason == SAME_TOPIC for item in related)
        assert not [item.title for item in related if "友好交流" in item.title]
        assert "014319733/2023-00015" in [item.id for item in related]  # a later report on 低保 and 救助
    finally:
        catalog.close()
