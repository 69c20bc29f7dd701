"""One publisher, one facet value: short names resolved to the full name (索引号 org code, site name,
publishers table), joint issuers split, and every other name still finding the documents."""

from __future__ import annotations

import json

import pytest
from helpers import DOCUMENTS

from index.normalise import normalise
from index.publishers import DEFAULT_TABLE, PublisherTable, is_organisation_name, resolve_publishers, split_publishers
from index.query import SearchRequest
from index.record import RawRecord
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

TABLE = PublisherTable.load(DEFAULT_TABLE)


@pytest.mark.parametrize(
    ("written", "site", "org_code", "full", "how"),
    [
        pytest.param("市民政局", "", "014319733", "宿迁市民政局", "org_code", id="by-index-no-org-code"),
        pytest.param("市民政局", "宿迁市民政局", "", "宿迁市民政局", "site", id="by-site-name"),
        pytest.param("市民政局", "江苏省宿迁市民政局", "", "江苏省宿迁市民政局", "site", id="by-site-with-province"),
        pytest.param("县教育局", "沭阳县教育局", "", "沭阳县教育局", "site", id="county"),
        pytest.param("市政府", "宿迁市人民政府", "", "宿迁市人民政府", "site", id="the-government-on-its-own-site"),
        pytest.param("市政府", "丽水市人民政府门户网站", "", "丽水市人民政府", "site", id="portal-named-as-a-site"),
        pytest.param("市政府", "宿迁市人民政府网", "", "宿迁市人民政府", "site", id="portal-named-wang"),
        pytest.param("市政府", "丽水市政府门户网站", "", "丽水市人民政府", "site", id="portal-short-form"),
        # Issue 17: a government portal is not the office; the place before a short name would invent one.
        pytest.param("市住建局", "慈溪市人民政府", "", "市住建局", "", id="portal-not-the-office"),
        pytest.param("市政府办公厅", "重庆市人民政府", "", "市政府办公厅", "", id="not-the-sites-own-name"),
        pytest.param("市公积金中心", "嘉兴市人民政府", "", "市公积金中心", "", id="centre-on-a-portal"),
        pytest.param("省财政厅", "江苏省人民政府", "", "省财政厅", "", id="province-portal"),
        pytest.param("国办", "", "", "国务院办公厅", "table", id="by-table-alias"),
        pytest.param("宿迁市民政局", "青川市人民政府", "", "宿迁市民政局", "", id="full-name-kept"),
        pytest.param("市民政局", "", "", "市民政局", "", id="nothing-to-go-by"),
    ],
)
def test_a_short_name_resolves_to_the_full_one(written, site, org_code, full, how):
    [resolved] = resolve_publishers(written, site, org_code, TABLE)
    assert (resolved.written, resolved.name, resolved.how) == (written, full, how)


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("北京市卫生健康委员会，北京市中医管理局", ["北京市卫生健康委员会", "北京市中医管理局"]),
        ("财政部 税务总局", ["财政部", "税务总局"]),
        ("中共宿迁市委、宿迁市人民政府", ["中共宿迁市委", "宿迁市人民政府"]),
        ("北京市中医管理局；北京市卫生健康委员会", ["北京市中医管理局", "北京市卫生健康委员会"]),
        ("宿迁市人民政府办公室", ["宿迁市人民政府办公室"]),
        ("某县 关于节能的说明", ["某县 关于节能的说明"]),  # not two organisations: kept whole
    ],
)
def test_joint_issuers_are_one_name_each(written, names):
    assert split_publishers(written) == names


def test_the_table_an_operator_edits(tmp_path):
    path = tmp_path / "publishers.tsv"
    path.write_text(
        "# comment\n青川市民政局\t青川民政局、市民政局\t123456789\n西川市民政局\t市民政局\n", encoding="utf-8"
    )
    table = PublisherTable.load(path)
    assert table.by_code == {"123456789": "青川市民政局"}
    assert table.by_alias == {"青川民政局": "青川市民政局"}  # 市民政局 names two publishers, so neither
    [resolved] = resolve_publishers("市民政局", "", "123456789", table)
    assert resolved.name == "青川市民政局"
    path.write_text("\t别名\n", encoding="utf-8")
    with pytest.raises(ValueError, match="publishers.tsv line 1"):
        PublisherTable.load(path)


def test_the_bundled_table_loads_and_names_each_code_once():
    codes = [code for publisher in TABLE.publishers for code in publisher.codes]
    assert len(codes) == len(set(codes)) and TABLE.by_code["014319733"] == "宿迁市民政局"


def test_the_document_keeps_the_printed_name_as_an_alias_with_a_finding():
    record = RawRecord("a.json", "", {"title": "t", "body": "b", "publisher": "市民政局", "site": "宿迁市民政局"})
    doc = normalise(record, publishers=TABLE)
    assert (doc.publisher, doc.publishers) == ("宿迁市民政局", ["宿迁市民政局"])
    assert doc.publisher_aliases == ["市民政局", "宿迁民政局"]
    assert [(w.code, w.field) for w in doc.warnings] == [("publisher_resolved", "publisher")]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    folder = tmp_path_factory.mktemp("publishers")
    records = [
        {"标题": "关于做好中医药工作的通知", "发布机构": "北京市卫生健康委员会，北京市中医管理局", "正文": "中医药。"},
        {"标题": "关于中医药继续教育的通知", "发布机构": "北京市中医管理局", "正文": "继续教育。"},
    ]
    (folder / "joint.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    ingest_paths([DOCUMENTS, folder], folder / "index")
    catalog = Catalog(folder / "index")
    yield catalog
    catalog.close()


def _facet(catalog: Catalog, **filters) -> dict[str, int]:
    result = catalog.search(SearchRequest(filters={key: [value] for key, value in filters.items()}))
    return {value.value: value.count for value in result.facets["publisher"]}


def test_one_publisher_is_one_facet_value(catalog):
    counts = _facet(catalog)
    assert "市民政局" not in counts
    assert counts["宿迁市民政局"] == len(catalog.search(SearchRequest(filters={"publisher": ["宿迁市民政局"]})).hits)


def test_joint_issuers_are_counted_under_each(catalog):
    counts = _facet(catalog)
    assert (counts["北京市卫生健康委员会"], counts["北京市中医管理局"]) == (1, 2)
    [hit] = catalog.search(SearchRequest(filters={"publisher": ["北京市卫生健康委员会"]})).hits
    assert hit.publisher == "北京市卫生健康委员会、北京市中医管理局"


@pytest.mark.parametrize("alias", ["市民政局", "宿迁民政局"])
def test_every_other_name_still_finds_the_documents(catalog, alias):
    by_full_name = {
        hit.id for hit in catalog.search(SearchRequest(filters={"publisher": ["宿迁市民政局"]}, per_page=50)).hits
    }
    by_alias = {hit.id for hit in catalog.search(SearchRequest(filters={"publisher": [alias]}, per_page=50)).hits}
    assert by_alias and by_alias <= by_full_name
    searched = {hit.id for hit in catalog.search(SearchRequest(q=alias, per_page=50)).hits}
    assert by_alias <= searched


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("鼓楼区发展和改革局（区经信办）", True),  # 南京 IGS search API's fbjg, a note in brackets after the name
        ("秦淮区人民政府办公室", True),
        ("某某市发展和改革委员会(市物价局)", True),
        ("某某管理办法（试行）", False),  # a title's 试行 is no body's note
        ("关于印发工作方案的通知（试行）", False),
        ("（区经信办）", False),
    ],
)
def test_a_bodys_name_with_a_note_in_brackets_is_a_name(text, is_name):
    assert is_organisation_name(text) is is_name
