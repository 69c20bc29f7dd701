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


def test_print_without_javascript(client) -> None:
    """打印本页 is a link to the page's print layout; pages load the print stylesheet for print only."""
    html = client.get(f"/doc/{SEED_INDEX_NO}").text
    assert f'<a class="print-link" href="/doc/{SEED_INDEX_NO}?print=1">打印本页</a>' in html
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in html
    printable = client.get(f"/doc/{SEED_INDEX_NO}", params={"print": "1"}).text
    assert '<link rel="stylesheet" href="/static/print.css" media="all">' in printable
    assert 'class="print-bar"' in printable and "Ctrl+P" in printable
    assert '<html lang="zh-CN" class="print-view">' in printable
    assert f'<link rel="canonical" href="http://testserver/doc/{SEED_INDEX_NO}">' in printable
    css = client.get("/static/print.css").text
    for selector in (".site-header", ".facets", ".search-form", ".pagination", ".share"):
        assert selector in css


def test_share_link_is_the_canonical_url_without_third_party_script(seed_html: str) -> None:
    canonical = seed_html.split('<link rel="canonical" href="')[1].split('"')[0]
    assert f'<input id="share-url" class="share-url" type="text" value="{canonical}" readonly>' in seed_html
    assert '<label for="share-url">' in seed_html
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", seed_html)
    assert scripts == ["/static/portal.js"]


# 有效性 ------------------------------------------------------------------------------------------

WUBAO_2016 = (
    "014327899/2016-00311"  # 失效, published as 014327899-2016-00311; 泗政发〔2016〕88号, repealed by the 2019 notice
)
WUBAO_2019 = "014327899/2019-00145"
UNKNOWN_VALIDITY = "014318642/2018-00045"  # 暂停执行


def test_a_replaced_document_says_so_and_links_what_replaced_it(client) -> None:
    html = client.get(f"/doc/{WUBAO_2016}").text
    notice = html.split('<section class="validity-notice')[1].split("</section>")[0]
    assert "本文件已失效" in notice
    assert f'href="/doc/{WUBAO_2019}"' in notice
    assert '<span class="badge validity expired">失效</span>' in html
    data = client.get(f"/doc/{WUBAO_2016}.json").json()
    assert [item["id"] for item in data["replaced_by"]] == [WUBAO_2019]
    assert data["document"]["validity"] == "失效"
    newer = client.get(f"/doc/{WUBAO_2019}.json").json()
    assert WUBAO_2016 in [item["id"] for item in newer["replaces"]]
    assert "本文件废止或替代的文件" in client.get(f"/doc/{WUBAO_2019}").text


def test_a_valid_document_has_no_notice(seed_html: str, client) -> None:
    html = client.get("/doc/014319733/2019-00042").text
    assert '<span class="badge validity valid">有效</span>' in html
    assert "validity-notice" not in html


def test_an_unknown_validity_shows_as_published(client) -> None:
    html = client.get(f"/doc/{UNKNOWN_VALIDITY}").text
    assert '<span class="badge validity other">暂停执行</span>' in html
    assert "validity-notice" not in html


# 解读 and 原文 ---------------------------------------------------------------------------------

URBAN_RENEWAL = "014330561/2021-00102"
URBAN_RENEWAL_JD = "014322182/2021-00120"


def test_an_interpretation_links_what_it_interprets(client) -> None:
    html = client.get(f"/doc/{URBAN_RENEWAL_JD}").text
    section = html.split('<section class="interprets"')[1].split("</section>")[0]
    assert "解读的文件" in section and f'href="/doc/{URBAN_RENEWAL}"' in section
    assert '<span class="badge interpretation">政策解读</span>' in html
    data = client.get(f"/doc/{URBAN_RENEWAL_JD}.json").json()
    assert data["document"]["kind"] == "解读" and data["document"]["interpretation"] == "政策解读"
    assert [item["id"] for item in data["interprets"]] == [URBAN_RENEWAL]


def test_an_original_lists_its_interpretations(client) -> None:
    html = client.get(f"/doc/{URBAN_RENEWAL}").text
    section = html.split('<section class="interpretations"')[1].split("</section>")[0]
    assert "相关解读" in section and f'href="/doc/{URBAN_RENEWAL_JD}"' in section
    data = client.get(f"/doc/{URBAN_RENEWAL}.json").json()
    assert data["document"]["kind"] == "原文"
    assert [item["id"] for item in data["interpretations"]] == [URBAN_RENEWAL_JD]


# Integrity notes in Chinese, and marked where they stand -------------------------------------------


def test_notes_are_chinese_once_per_kind_and_name_their_fields(client) -> None:
    html = client.get("/doc/014319733/2024-09903").text  # hostile.json: spam in title, summary and body
    warnings = html.split('<section class="warnings"')[1].split(">", 1)[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", warnings, re.DOTALL)
    assert len(items) == len({item.split("：")[-1].split("（")[0] for item in items})  # one line per kind
    spam = [item for item in items if "疑含被篡改插入的广告内容" in item]
    assert len(spam) == 1 and "标题、内容概述、正文：" in spam[0] and "188比分直播、百家乐" in spam[0]
    assert "正文：部分文字因编码错误丢失（约 1 个字）" in items
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>", "", warnings))  # no English (suspected, characters…)


def test_no_english_note_on_any_document(client) -> None:
    for url in [loc.split("</loc>")[0] for loc in client.get("/sitemap.xml").text.split("<loc>")[1:]]:
        if "/doc/" not in url:
            continue
        html = client.get(url.replace("http://testserver", "")).text
        for section in ("warnings", "record-notes"):
            if f'<section class="{section}"' in html:
                text = html.split(f'<section class="{section}"')[1].split(">", 1)[1].split("</section>")[0]
                text = re.sub(r"<[^>]+>|&#?\w+;", "", text)
                assert not re.search(r"[A-Za-z]{3,}", text), (url, text)


def test_spam_is_marked_where_it_stands(seed_html: str, client) -> None:
    body = seed_html.split('<div class="doc-body">')[1].split("</div>")[0]
    text = client.get(f"/doc/{SEED_INDEX_NO}.json").json()["document"]["body"]
    marked = re.findall(r'<mark class="spam"[^>]*>.*?</mark>', body)
    assert len(marked) == text.count("188比分直播") > 0
    assert all("188比分直播" in mark for mark in marked)
    assert "疑似被插入的广告" in marked[0]  # said to screen readers too


def test_lost_characters_are_marked_where_they_stand(client) -> None:
    page = client.get("/doc/014332196/2019-00014").text  # 法鲁克?卡斯拉维, 中?巴经济走廊
    body = page.split('<div class="doc-body">')[1].split("</div>")[0]
    assert len(re.findall(r'<span class="lost"[^>]*><span class="visually-hidden">[^<]*</span>\?<', body)) >= 2


def test_empty_metadata_reads_the_same_in_every_row(seed_html: str) -> None:
    for label in ("成文日期", "文号", "关键词", "有效性"):  # all empty on the seed page
        assert cell(seed_html, label) == "无", label
    raw = re.search(r'<th scope="row">文号</th>\s*<td[^>]*>(.*?)</td>', seed_html, re.DOTALL).group(1)
    assert raw.strip() == '<span class="none">无</span>'


# Public output -----------------------------------------------------------------------------------


def test_public_json_carries_the_original_url_never_a_local_path(client) -> None:
    from helpers import DOCUMENTS, WEB_FIXTURES

    locals_ = (str(DOCUMENTS), str(WEB_FIXTURES), "documents/", ".txt", '.json"')
    xss = client.get("/doc/014319733/2024-09901.json").json()["document"]
    assert xss["source"] == xss["url"] == "https://www.example.gov.cn/art/2024/12/30/art_1_1.html"
    assert xss["attachments"][0]["url"] == ""  # javascript: is no link
    assert xss["attachments"][1]["url"] == "https://www.example.gov.cn/art/2024/12/30/files/fujian.docx"
    for url in [loc.split("</loc>")[0] for loc in client.get("/sitemap.xml").text.split("<loc>")[1:]]:
        if "/doc/" in url:
            text = client.get(url.replace("http://testserver", "") + ".json").text
            text = re.sub(r'"/doc/[^"]*"', '""', text)  # this portal's own paths (the citation's .csl.json)
            assert not any(fragment in text for fragment in locals_), url
    assert client.get(f"/doc/{SEED_INDEX_NO}.json").json()["document"]["source"] == ""


def test_every_finding_the_ingest_can_raise_has_a_chinese_label() -> None:
    """A finding without a label reads 其他收录问题 on the document page, which tells a reader nothing."""
    from helpers import ROOT

    from portal.notes import FINDING_LABELS

    codes: set[str] = set()
    for path in (ROOT / "index").rglob("*.py"):
        text = path.read_text("utf-8")
        codes |= set(re.findall(r'Finding\(\s*"([a-z_]+)"', text)) | set(re.findall(r'code="([a-z_]+)"', text))
    assert len(codes) > 10
    assert sorted(codes - set(FINDING_LABELS)) == []
