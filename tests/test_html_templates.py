"""Pages of the templates sites run (gkmlpt, Hanweb, TRS, 北京's bracket labels), read as a browser shows them.

Fixtures and where their markup comes from: tests/fixtures/html/README.md.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from index.normalise import normalise
from index.readers.html import parse_html
from index.record import RawRecord
from index.siteprofiles import ProfileError, load_profile
from portal.settings import load_settings
from portal.templating import is_heading
from tests.helpers import REAL_FIXTURES, REAL_PAGES, real_inputs, shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "html"
TODAY = date(2026, 12, 6)


def page_bytes(name: str) -> bytes:
    """An invented fixture of tests/fixtures/html, or (``.gz``) a real page kept in the real-input folder."""
    if name.endswith(".gz"):
        return gzip.decompress((REAL_FIXTURES / "html" / name).read_bytes())
    return (FIXTURES / name).read_bytes()


def read(name: str, url: str = "", profiles=()) -> dict:
    return parse_html(page_bytes(name), source=name, url=url, profiles=profiles).fields


def document(name: str, url: str = ""):
    return normalise(parse_html(page_bytes(name), source=name, url=url), today=TODAY)


# A real gkmlpt content page (天河区财政局 republishing 穗民规字〔2024〕3号), <body style='visibility: hidden'>.
GKMLPT_TIANHE = "gkmlpt_tianhe_post_9914521.html.gz"
# Real pages of 广州's 行政规范性文件统一发布平台 (www.gz.gov.cn/gfxwj), saved by shizelengleng/ai-zhengce-tong.
GZ_HOUSING = "gz_gfxwj_post_9518264.html.gz"  # 穗建规字〔2024〕5号
GZ_TRAINEES = "gz_gfxwj_post_5487925.html.gz"  # 穗人社规字〔2019〕6号, with 附表1–6
GZ_DISABLED = "gz_gfxwj_post_5487929.html.gz"  # 穗残联规字〔2019〕2号, ContentSource 本网
# Other real 广州 pages from the same collection: 住房保障办 (zfcj), 人社局 (rsj), 越秀区.
GZ_HOUSING_NOTICE = "gz_zfcj_post_10168701.html.gz"
GZ_LOANS_FAQ = "gz_rsj_post_10555927.html.gz"
GZ_YUEXIU_GRANT = "gz_yuexiu_post_10527377.html.gz"


# 1. What a browser shows --------------------------------------------------------------------------


def test_gkmlpt_page_hidden_until_its_script_runs_is_read_whole():
    fields = read("gkmlpt_content.html")
    assert fields["index_no"] == "007231378/2023-00412"
    assert fields["doc_no"] == "清府办〔2023〕15号"
    assert fields["written_date"] == "2023-06-28"
    assert fields["publisher"] == "清远市人民政府办公室"
    assert "请认真组织实施" in fields["body"]


@real_inputs
def test_real_gkmlpt_page_is_read_whole():
    fields = read(GKMLPT_TIANHE)
    assert fields["index_no"] == "11440106007508528C/2024-00031"
    assert fields["publisher"] == "广州市天河区财政局（广州市天河区人民政府国有资产监督管理局）"
    assert fields["written_date"] == "2024-03-14" and fields["pub_date"] == "2024-10-15"
    assert (
        fields["title"]
        == "广州市民政局 广州市财政局 广州市市场监督管理局关于印发广州市老年人助餐配餐服务管理办法的通知"
    )
    assert "第三十八条 本办法自2024年4月1日起实施" in fields["body"]
    doc = document(GKMLPT_TIANHE)
    assert doc.doc_no == "穗民规字〔2024〕3号"


@real_inputs
def test_search_filter_options_are_not_a_value():
    # The page's search box offers 文件状态 ○不限 ○现行有效 ○已失效; the page itself prints no 有效性.
    assert "validity" not in read(GKMLPT_TIANHE)


def test_table_hidden_inline_but_shown_by_an_important_stylesheet_rule_is_read():
    fields = read("hanweb_art.html")
    assert fields["index_no"] == "002541453/2024-123456"
    assert fields["doc_no"] == "善政办发〔2024〕9号"
    assert fields["written_date"] == "2024-03-12"


def test_of_validity_alternatives_printed_hidden_the_one_the_script_shows_is_read():
    assert read("hanweb_art.html")["validity"] == "有效"


def test_hidden_link_farm_stays_hidden():
    body = read("spam.html")["body"]
    assert "澳门线上娱乐" not in body and "足球比分直播" not in body


@real_inputs
def test_status_a_script_writes_after_its_label_is_read():
    assert read(GZ_HOUSING)["validity"] == "有效"  # var file_status = '有效'; ….parent().append(file_status)
    assert read(GZ_DISABLED)["validity"] == "失效"


def test_markup_a_script_writes_is_read_as_its_text():
    page = (
        "<html><body><table><tr><td>索引号：</td><td>014319733/2023-00019</td></tr>"
        '<tr><td>有效性：</td><td id="yx"></td></tr></table>'
        '<script>var s = "1"; if (s == "1") { document.getElementById("yx").innerHTML = "<b>有效</b>"; }'
        ' $("#more").click(function () { $("#yx").text("失效"); });</script><p>正文。</p></body></html>'
    )
    assert parse_html(page.encode(), source="x.html").fields["validity"] == "有效"


def test_page_with_crawler_log_lines_before_it_is_read(tmp_path):
    from index.readers import html as reader

    page = tmp_path / "wuhan.html"
    log = '2020-03-09 16:33:33,237 - spider/wuhan.py[line:11] - INFO: fetched\n{"status": 200}\n'
    page.write_bytes(b"\xef\xbb\xbf" + log.encode() + page_bytes("table.html"))
    assert reader.sniff(page, page.read_bytes()[:65536])
    (record,) = reader.read(page)
    assert record.fields["index_no"] == "014319733/2023-00019"
    assert "INFO" not in record.fields["body"]


# 2. Labels and values in any markup ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("index_no", "11130000000XXXXXX/2021-01234", id="strong-label-div-value"),
        pytest.param("doc_no", "冀人社字〔2021〕7号", id="span-label-p-value-in-li"),
        pytest.param("publisher", "河北省人力资源和社会保障厅", id="li-holding-div-clear"),
        pytest.param("category_topic", "劳动、人事、监察", id="strong-label-div-value-2"),
        pytest.param("written_date", "2021-01-20", id="bracket-label"),
        pytest.param("pub_date", "2021-01-22", id="bracket-label-2"),
    ],
)
def test_label_and_value_paired_in_common_markup(field, value):
    assert read("label_markup.html")[field] == value


@real_inputs
def test_labels_in_a_real_hanweb_definition_list_pair_with_their_values():
    # 万载县人民政府 (Hanweb): <dd><label><font>索引号：</font></label><div class="display-block">…</div></dd>,
    # 公开方式 / 公开时限 / 公开范围 rows between; the fidelity collection's page (manifest.d/pages3.json).
    page = REAL_PAGES / "wanzai-tjgb-2022.html.gz"
    fields = parse_html(gzip.decompress(page.read_bytes()), source=page.name).fields
    assert fields["index_no"] == "014742224A/2023-0043406"
    assert fields["written_date"] == "2023-05-11"  # 生成日期
    assert fields["publisher"] == "万载县统计局"  # 责任部门
    assert fields["disclosure"] == "主动公开"
    assert "常年公开" not in fields.values() and "面向全社会" not in fields.values()


# 6. The visible page wins over <meta> -------------------------------------------------------------


def test_column_name_and_own_site_are_never_title_or_publisher():
    fields = read("gkmlpt_content.html")
    assert fields["title"] == "清远市人民政府办公室关于印发清远市促进消费若干措施的通知"
    assert fields["publisher"] == "清远市人民政府办公室"


def test_meta_source_naming_the_site_itself_is_no_publisher():
    page = (FIXTURES / "meta_only.html").read_bytes()
    for source in ("本网", "SZfaguiku", "中国政府网"):
        patched = page.replace("北岸市中医管理局科教处".encode(), source.encode())
        assert "publisher" not in parse_html(patched, source="meta_only.html").fields


@real_inputs
def test_site_keywords_and_own_site_source_give_way_to_the_page():
    assert "keywords" not in read(GZ_HOUSING)  # <meta name="keywords" content="广州市人民政府门户网站">
    assert read(GZ_DISABLED)["publisher"] == "广州市残疾人联合会"  # 发布机关：…, not ContentSource 本网


@real_inputs
def test_source_and_time_line_is_metadata_and_own_site_prefix_is_dropped():
    doc = document(GZ_HOUSING_NOTICE)  # <span>来源：本网广州市住房保障办公室</span><span>时间：2025-03-20 10:57</span>
    assert doc.publisher == "广州市住房保障办公室" and doc.pub_date == "2025-03-20"
    assert doc.body.startswith("为进一步提高公共租赁住房分配和使用效率")


def fidelity_page(name: str):
    """A real page of the fidelity collection (tests/fidelity/manifest.json names its source), parsed."""
    return parse_html(gzip.decompress((REAL_PAGES / name).read_bytes()), source=name)


@real_inputs
def test_source_naming_an_offices_official_website_gives_the_office():
    # 广州 portal article: 来源：广东省人力资源和社会保障厅官网. A website is no issuer, but an office's 官网 is
    # that office speaking; a site's own name (中国政府网, 本网) still gives none.
    assert fidelity_page("gz-portal-18b.html.gz").fields["publisher"] == "广东省人力资源和社会保障厅"


@real_inputs
def test_meta_keywords_that_are_the_title_are_no_keyword_list():
    # 武汉 TRS: <meta name="Keywords"> (and Description, ContentSource) repeat the ArticleTitle; 关键词 is empty.
    assert normalise(fidelity_page("wuhan-gsj-1.html.gz"), today=TODAY).keywords == []


@real_inputs
def test_keywords_in_a_second_metadata_table_beside_the_first_are_read():
    # gov.cn: <b>主 题 词：</b></td><td>体育　运动会　函</td> in a table of its own after the 索引号 table.
    assert normalise(fidelity_page("govcn-zhengce-9.html.gz"), today=TODAY).keywords == ["体育", "运动会", "函"]


@real_inputs
def test_a_portal_calling_itself_by_the_short_form_gives_the_full_government_name():
    # 丽水 Hanweb: 发布机构 市政府 on <meta name="SiteName" content="丽水市政府门户网站">.
    assert normalise(fidelity_page("lishui-hanweb-1.html.gz"), today=TODAY).publisher == "丽水市人民政府"


@real_inputs
def test_site_wide_keyword_list_is_not_the_documents():
    assert "keywords" not in read(GZ_YUEXIU_GRANT)  # 越秀区,越秀区政府,…,政务公开,信息公开,政民互动


@real_inputs
def test_site_description_is_no_abstract_but_a_documents_own_is():
    assert "summary" not in read(GZ_LOANS_FAQ)  # 广州市人力资源和社会保障局门户网站（网址：…）坚持…
    assert "summary" not in read("gkmlpt_content.html")
    assert read("meta_only.html")["summary"].startswith("根据统一部署")


# 9. Bodies people can read ------------------------------------------------------------------------


def test_page_tools_and_second_metadata_copy_stay_out_of_the_body():
    body = read("tools_in_text.html")["body"]
    for furniture in ("字体", "我的收藏", "下载本信息公开文件", "打印", "关闭", "索引号", "发布机构"):
        assert furniture not in body, furniture


def test_paragraphs_set_apart_by_line_breaks_or_u3000_indents_are_kept():
    paragraphs = read("tools_in_text.html")["body"].split("\n\n")
    assert "现将《常安市城市更新实施办法》印发给你们，请认真贯彻执行。" in paragraphs
    assert "本办法自2022年10月15日起施行。" in paragraphs


def test_title_printed_over_the_text_is_not_the_bodys_first_paragraph():
    doc = document("gkmlpt_content.html")
    assert doc.body.split("\n\n")[0] == "各县（市、区）人民政府，市政府各部门、各直属机构："


@real_inputs
def test_body_goes_on_through_word_sections_to_the_last_form():
    body = read(GZ_TRAINEES)["body"]
    assert "附表3" in body and body.rstrip().endswith("补贴金额")


@real_inputs
def test_title_printed_under_its_doc_no_leaves_the_body():
    doc = document(GZ_HOUSING)
    assert doc.doc_no == "穗建规字〔2024〕5号"
    assert doc.body.startswith("各区人民政府，市政府各部门、各直属机构：")


@real_inputs
def test_title_printed_over_lines_under_its_doc_no_leaves_the_body():
    # 穗人社规字〔2019〕6号 prints its 文号, then its title over two lines, then the addressee.
    doc = document(GZ_TRAINEES)
    assert doc.doc_no == "穗人社规字〔2019〕6号"
    assert doc.body.startswith("各区人力资源和社会保障局：")


@real_inputs
def test_counters_tool_lines_and_empty_attachment_headings_leave_the_body():
    body = document(GZ_YUEXIU_GRANT).body
    assert body.endswith("补贴期限：一次性。")  # not …浏览次数：- 返回顶部打印本页关闭窗口
    row = {"title": "通知", "body": "-\n正文第一段。\n/\n相关附件"}
    assert normalise(RawRecord(source="x", locator="", fields=row), today=TODAY).body == "正文第一段。"


def test_title_printed_over_several_lines_leaves_the_body():
    title = "广州市人力资源和社会保障局 广州市公安局关于印发广州市引进人才入户管理办法实施细则的通知"
    lines = ["广州市人力资源和社会保障局 广州市公安局", "关于印发广州市引进人才入户管理办法", "实施细则的通知"]
    body = "\n".join([*lines, "各有关单位：", "正文。"])
    doc = normalise(RawRecord(source="x", locator="", fields={"title": title, "body": body}), today=TODAY)
    assert doc.body == "各有关单位：\n\n正文。"


def test_page_tools_copied_with_a_pages_text_leave_the_body():
    row = {
        "title": "关于成立国务院电子振兴领导小组的通知",
        "body": "国务院电子振兴领导小组\n一九八六年十月二十八日\n扫一扫在手机打开当前页",
    }
    doc = normalise(RawRecord(source="page.txt", locator="", fields=row), today=TODAY)
    assert doc.body == "国务院电子振兴领导小组\n\n一九八六年十月二十八日"


def test_attachment_named_by_the_page_not_by_its_upload_file_name():
    attachments = read("gkmlpt_content.html")["attachments"]
    assert [a["name"] for a in attachments] == ["清远市促进消费若干措施.docx"]


def _corpus_record(doc_id: str) -> dict:
    with gzip.open(shared_path("corpus", "real.jsonl.gz"), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(f'{{"id": "{doc_id}"'):
                return json.loads(line)
    pytest.fail(f"{doc_id} not in the shared corpus")


def test_one_line_hebei_body_keeps_its_paragraphs():
    row = _corpus_record("hebei:50d191fdf50c7e70")
    assert "\n" not in row["body"]
    doc = normalise(RawRecord(source="real.jsonl.gz", locator="hebei", fields=row), today=TODAY)
    paragraphs = doc.body.split("\n\n")
    assert len(paragraphs) > 10
    assert "一、扩大民营企业技术技能人才供给" in paragraphs
    assert any(p.startswith("（二）畅通民营企业人才评价渠道。") for p in paragraphs)


def test_one_line_hebei_regulation_keeps_its_chapters_and_articles():
    row = _corpus_record("hebei:5dd1489f2ec700ef")
    assert "第一章总则第一条" in row["body"] and "\n" not in row["body"]
    doc = normalise(RawRecord(source="real.jsonl.gz", locator="hebei", fields=row), today=TODAY)
    paragraphs = doc.body.split("\n\n")
    assert "第一章总则" in paragraphs
    assert any(p.startswith("第一条") for p in paragraphs) and any(p.startswith("第二条") for p in paragraphs)


def test_title_glued_to_the_text_leaves_the_body():
    row = _corpus_record("mee:3964f21a841aaf22")
    assert row["body"].startswith("关于开展2021年国际生物多样性日宣传活动的通知各省、自治区")
    doc = normalise(RawRecord(source="real.jsonl.gz", locator="mee", fields=row), today=TODAY)
    assert doc.body.startswith("各省、自治区、直辖市生态环境厅（局）")


def test_markdown_law_body_shows_headings_and_paragraphs_not_markup():
    row = _corpus_record("law:4f4fb4d41d137291")
    doc = normalise(RawRecord(source="real.jsonl.gz", locator="law", fields=row), today=TODAY)
    paragraphs = doc.body.split("\n\n")
    assert "#" not in doc.body and "<!--" not in doc.body
    assert paragraphs[0].startswith("2011年11月17日")  # the "# 上海口岸服务条例" heading is the title
    assert "第一章 总则" in paragraphs and is_heading("第一章 总则")
    assert not is_heading(paragraphs[0]) and not is_heading("第三条 本市口岸开放、通关服务优化等工作，适用本条例。")


# 10. 有效性 from dates ------------------------------------------------------------------------------


def test_past_expiry_date_means_lapsed_with_a_finding():
    doc = document("validity_dates.html")
    assert doc.validity == "失效"
    assert any(w.code == "validity_from_date" and w.field == "validity" for w in doc.warnings)


def test_a_word_under_a_date_label_is_read_as_what_it_says():
    doc = document("abolished_label.html")
    assert doc.validity == "有效"
    assert not any(w.code == "validity_from_date" for w in doc.warnings)


# 12. Site profiles ----------------------------------------------------------------------------------

PROFILE = """
[site]
name = "清远 gkmlpt"
hosts = ["*.gdqy.gov.cn"]
url = "/gkmlpt/content/"

[fields]
title = ".classify tr:nth-child(3) .td-value"
keywords = { label = "分类" }
pub_date = { css = "meta[name=SiteDomain]", attr = "content" }
"""


def test_site_profile_overrides_the_heuristics_on_its_site_only(tmp_path):
    (tmp_path / "gdqy.toml").write_text(PROFILE.replace('title = ".classify', 'column = ".classify'), encoding="utf-8")
    profiles = load_settings({"PORTAL_SITE_PROFILES": str(tmp_path)}).limits.site_profiles
    on_site = read(
        "gkmlpt_content.html", url="http://www.gdqy.gov.cn/gkmlpt/content/1/1234/post_1234.html", profiles=profiles
    )
    assert on_site["column"] == "清远市人民政府办公室关于印发清远市促进消费若干措施的通知"
    assert on_site["keywords"] == "综合政务、商贸 / 通知"
    assert on_site["pub_date"] == "www.gdqy.gov.cn"
    elsewhere = read(
        "gkmlpt_content.html", url="http://www.gz.gov.cn/gkmlpt/content/1/1234/post_1234.html", profiles=profiles
    )
    assert elsewhere["column"] == "主动公开文件" and elsewhere["pub_date"] == "2023-07-03"


def test_bad_site_profile_names_its_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(PROFILE.replace("nth-child(3)", "nth-child(("), "utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml: fields\.title"):
        load_profile(bad)
    bad.write_text('[site]\nhosts = ["a.gov.cn"]\n[fields]\nsize = ".x"\n', "utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml: fields\.size: not a field"):
        load_profile(bad)


def test_the_readmes_gkmlpt_profile_reads_a_gkmlpt_page():
    profile = Path(__file__).parent.parent / "docs" / "site-profiles" / "gkmlpt.toml"
    profiles = load_settings({"PORTAL_SITE_PROFILES": str(profile)}).limits.site_profiles
    page = FIXTURES / "gkmlpt_content.html"
    url = "http://www.gdqy.gov.cn/gkmlpt/content/1/1234/post_1234.html"
    fields = parse_html(page.read_bytes(), source=str(page), url=url, profiles=profiles).fields
    assert fields["title"] == "清远市人民政府办公室关于印发清远市促进消费若干措施的通知"
    assert fields["doc_no"] == "清府办〔2023〕15号" and fields["written_date"] == "2023-06-28"
    assert fields["body"].startswith("清远市人民政府办公室关于印发")


def test_document_page_shows_chapter_headings_as_headings(tmp_path):
    from starlette.testclient import TestClient

    from portal.app import create_app
    from tests.helpers import build_index, portal_settings

    row = _corpus_record("law:4f4fb4d41d137291") | {"index_no": "000014349/2020-00514"}
    source = tmp_path / "docs"
    source.mkdir()
    (source / "law.json").write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    build_index([source], tmp_path / "index")
    app = create_app(portal_settings(tmp_path / "index", allowed_hosts=("testserver",)))
    with TestClient(app) as client:
        page = client.get("/doc/000014349/2020-00514").text
    body = page.split('<div class="doc-body">')[1].split("</div>")[0]
    assert '<h3 class="doc-heading">第一章 总则</h3>' in body
    assert "<p>第一条 为了规范口岸开放" in body and "#" not in body and "INFO END" not in body
