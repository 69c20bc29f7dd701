"""文号 in every form finds its document, in the lookup and from the search box, also with a shorter issuer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import build_index, portal_settings, shared_path
from portal_testing import TestClient

from index.query import identifier_kind
from index.whoosh.catalog import Catalog
from portal.app import create_app

ANNOUNCEMENT = "财政部 税务总局公告2023年第30号"
DOCUMENTS = [
    {
        "title": "自然资源规划管理办法",
        "文号": "中华人民共和国自然资源部令第21号",
        "发布机构": "自然资源部",
        "正文": "第一条 为了规范管理。",
    },
    {
        "title": "关于个人所得税有关问题的公告",
        "文号": "国家税务总局公告2018年第28号",
        "发布机构": "国家税务总局",
        "正文": "现将有关问题公告如下。",
    },
    {
        "title": "关于做好防汛工作的通知",
        "文号": "宿政办发〔2019〕第5号",
        "发布机构": "宿迁市人民政府办公室",
        "正文": "各县区。",
    },
    {
        "title": "中华人民共和国行政许可法",
        "文号": "中华人民共和国主席令（第七号）",
        "发布机构": "全国人民代表大会常务委员会",
        "正文": "第一条",
    },
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("doc-no")
    (folder / "documents.json").write_text(json.dumps(DOCUMENTS, ensure_ascii=False), "utf-8")
    case = shared_path("cases", "doc-no-announcement-year-number-form.json")
    index_dir = folder / "index"
    report = build_index([folder / "documents.json", case], index_dir)
    assert not report.rejected
    return index_dir


@pytest.fixture(scope="module")
def catalog(index_dir: Path) -> Catalog:
    catalog = Catalog(index_dir)
    yield catalog
    catalog.close()


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        (ANNOUNCEMENT, "财政部 税务总局关于延续实施全年一次性奖金个人所得税政策的公告"),
        ("财政部税务总局公告2023年第30号", "财政部 税务总局关于延续实施全年一次性奖金个人所得税政策的公告"),
        ("税务总局公告2023年第30号", "财政部 税务总局关于延续实施全年一次性奖金个人所得税政策的公告"),
        ("财政部、税务总局公告2023年第30号", "财政部 税务总局关于延续实施全年一次性奖金个人所得税政策的公告"),
        ("自然资源部令第21号", "自然资源规划管理办法"),
        ("中华人民共和国自然资源部令第21号", "自然资源规划管理办法"),
        ("自然资源部令第二十一号", "自然资源规划管理办法"),
        ("税务总局公告2018年第28号", "关于个人所得税有关问题的公告"),
        ("宿政办发[2019]5号", "关于做好防汛工作的通知"),
        ("宿政办发（2019）5", "关于做好防汛工作的通知"),
        ("主席令第7号", "中华人民共和国行政许可法"),
    ],
)
def test_lookup_finds_the_document_by_any_form_of_its_doc_no(catalog, typed, title):
    assert identifier_kind(typed) == "doc_no"
    assert [doc.title for doc in catalog.lookup(typed)] == [title]


def test_the_announcement_form_is_a_doc_no_shown_as_published(catalog):
    [doc] = catalog.lookup(ANNOUNCEMENT)
    assert doc.doc_no == ANNOUNCEMENT


def test_the_doc_no_field_search_uses_the_same_keys(catalog):
    from index.query import SearchRequest

    hits = catalog.search(SearchRequest(q="税务总局公告2023年第30号", field="doc_no")).hits
    assert [hit.doc_no for hit in hits] == [ANNOUNCEMENT]


@pytest.mark.parametrize("typed", [ANNOUNCEMENT, "税务总局公告2023年第30号", "自然资源部令第21号"])
def test_typed_in_the_search_box_a_doc_no_goes_to_its_document(index_dir, catalog, typed):
    [doc] = catalog.lookup(typed)
    app = create_app(portal_settings(index_dir))
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/search", params={"q": typed})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{doc.id}"
