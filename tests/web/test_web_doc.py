"""/doc/<索引号> and /doc/<索引号>.json: metadata table, body, attachments, related, warnings, meta tags."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from helpers import SEED_INDEX_NO, SEED_TITLE


@pytest.fixture(scope="module")
def seed_html(client) -> str:
    response = client.get(f"/doc/{SEED_INDEX_NO}")
    assert response.status_code == 200
    return response.text


def cell(html: str, label: str) -> str:
    """The text of the <td> after the <th> labelled ``label`` in the metadata table, tags removed."""
    match = re.search(rf'<th scope="row">{label}</th>\s*<td[^>]*>(.*?)</td>', html, re.DOTALL)
    assert match, label
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_metadata_table_has_the_disclosure_labels_in_order(seed_html: str) -> None:
    labels = re.findall(r'<th scope="row">([^<]+)</th>', seed_html)
    assert labels == ["名称", "索引号", "分类", "发布机构", "公开日期", "成文日期", "文号", "关键词", "有效性"]
    assert cell(seed_html, "名称") == SEED_TITLE
    assert cell(seed_html, "索引号") == SEED_INDEX_NO
    assert cell(seed_html, "发布机构") == "宿迁市民政局"
    assert cell(seed_html, "公开日期") == "2018-04-10"
    assert "规划计划" in cell(seed_html, "分类")


def test_body_is_in_paragraphs(seed_html: str) -> None:
    body = seed_html.split('<div class="doc-body">')[1].split("</div>")[0]
    assert body.count("<p>") > 10
    assert "今年以来,全市民政系统认真贯彻落实市委、市政府决策部署" in body


def test_flagged_document_shows_its_integrity_warnings(seed_html: str) -> None:
    warnings = seed_html.split('<section class="warnings"')[1].split("</section>")[0]
    assert "疑含被篡改插入的广告内容" in warnings
    assert "188比分直播" in warnings
    assert "部分文字因编码错误丢失" in warnings


def test_government_meta_tags(seed_html: str) -> None:
    assert f'<meta name="ArticleTitle" content="{SEED_TITLE}">' in seed_html
    assert '<meta name="PubDate" content="2018-04-10">' in seed_html
    assert '<meta name="ContentSource" content="宿迁市民政局">' in seed_html
    assert '<meta name="Keywords" content="' in seed_html
    assert '<meta name="SiteName" content="政府信息公开检索">' in seed_html


def test_canonical_url_and_json_alternate(seed_html: str) -> None:
    assert f'<link rel="canonical" href="http://testserver/doc/{SEED_INDEX_NO}">' in seed_html
    assert f'<link rel="alternate" type="application/json" href="/doc/{SEED_INDEX_NO}.json">' in seed_html


def test_related_information(seed_html: str) -> None:
    related = seed_html.split('<section class="related"')[1].split("</section>")[0]
    assert "相关信息" in related
    assert related.count('<li class="result">') >= 1  # related documents found by the index


def test_attachments_and_related_links(client) -> None:
    data = client.get("/doc/014319733/2019-00042.json").json()["document"]
    assert data["attachments"], "the 低保 standard notice ships an .xls attachment"
    html = client.get("/doc/014319733/2019-00042").text
    assert '<h2 id="attachments-heading">附件</h2>' in html
    assert data["attachments"][0]["name"] in html


def test_json_twin(client) -> None:
    response = client.get(f"/doc/{SEED_INDEX_NO}.json")
    assert response.status_code == 200
    data = response.json()
    doc = data["document"]
    assert (doc["id"], doc["title"], doc["publisher"]) == (SEED_INDEX_NO, SEED_TITLE, "宿迁市民政局")
    assert doc["index_no"]["normalised"] == SEED_INDEX_NO
    assert {w["code"] for w in doc["warnings"]} >= {"spam", "encoding_loss"}
    assert doc["paragraphs"] and doc["path"] == f"/doc/{SEED_INDEX_NO}"
    assert all(item["path"].startswith("/doc/") for item in data["related"])


def test_document_without_an_index_number_uses_its_stable_id(client) -> None:
    hits = client.get("/search.json", params={"q": "婚姻登记预约"}).json()["hits"]
    no_index = [hit for hit in hits if not hit["index_no"]]
    assert no_index
    response = client.get(no_index[0]["path"])
    assert response.status_code == 200
    assert '<span class="none">无</span>' in response.text


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("０１４３１９７３３／２０１８－０００１９", id="full-width"),
        pytest.param("014319733/2018—00019", id="em-dash"),
    ],
)
def test_variant_paths_redirect_to_the_canonical_one(client, variant: str) -> None:
    response = client.get(f"/doc/{quote(variant)}")
    assert response.status_code == 301
    assert response.headers["location"] == f"/doc/{SEED_INDEX_NO}"
    json_response = client.get(f"/doc/{quote(variant)}.json")
    assert json_response.headers["location"] == f"/doc/{SEED_INDEX_NO}.json"


def test_unknown_document_is_a_404_with_a_search_box(client) -> None:
    response = client.get("/doc/014319733/1999-99999")
    assert response.status_code == 404
    assert 'role="search"' in response.text
    assert 'value="014319733/1999-99999"' in response.text
    assert client.get("/doc/014319733/1999-99999.json").json()["status"] == 404


def test_print_stylesheet_hides_navigation() -> None:
    from portal.templating import STATIC_DIR

    css = (STATIC_DIR / "portal.css").read_text("utf-8")
    print_rules = css.split("@media print")[1]
    for selector in (".site-header", ".facets", ".search-form", ".pagination"):
        assert selector in print_rules
