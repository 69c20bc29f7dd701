"""Kinds of real exports the readers got wrong (issue 17, round 5).

- A crawler's JSON record whose ``content`` is the whole page's text dump, one text node a line, the site's
  navigation, its date and 来源 lines and its footer kept (Yuhamixli/Law-Crawler-RPA-RAG-MCP
  data/raw/json/086e81f6ebae376a_中华人民共和国反洗钱法.json, a www.gov.cn page; the fidelity collection's tune
  split, tests/fidelity/manifest.d/exports5.json): read as the page text reader reads such a dump.
- A crawler's JSON record holding a page's saved source (``"html": "<!DOCTYPE html>…"``), or the fragment of it that
  holds the 信息公开 label table: read as the HTML reader reads the page (every tune HTML page of the fidelity
  collection, saved so, keeps every field its own reading gets right).
- A coded field's name beside its code: TRS 海云's ``FWJG`` (the issuing body's code) beside ``FWJG_name``, as the
  issue lists the API's keys and public crawlers read them (``info["FWJG_name"]`` for the 发文机关).
- Keys in full pinyin, as crawler items and CMS fields name them (``suoyinhao``, ``zhutifenlei``, ``chengwenriqi``,
  ``gongwenzhonglei``, ``fawenjiguan``, ``zhutici``, ``neirong`` of a 发改委 crawler's item; ``wenhao``,
  ``fabujigou`` of a 政策 CMS's form).
- A body stored as markup escaped once more (``&lt;p&gt;``) or opening with a tag other than a block's
  (``<style>``); a title wrapped in its list page's link; a status that is a validity word (现行有效) under a key
  no label names; a document's files listed under a key of the API's own (``fjList``).
"""

from __future__ import annotations

import gzip
import json

import pytest
from helpers import present_pages, read_documents, real_inputs

from bench.fidelity import COLLECTION, FIELDS, ingest_one, same
from index.labels import map_fields
from index.normalise import clean_body, clean_line


def _one(tmp_path, record, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    [doc] = read_documents(path)
    return doc


@real_inputs
def test_a_records_content_that_is_a_whole_pages_text_dump_is_read_as_the_page(tmp_path):
    path = tmp_path / "yuhamixli-govcn-fxqf.json"
    path.write_bytes(gzip.decompress((COLLECTION / "pages/yuhamixli-govcn-fxqf.json.gz").read_bytes()))
    [doc] = read_documents(path)
    assert doc.title == "中华人民共和国反洗钱法"
    assert doc.pub_date == "2024-11-09"  # the dump's date line under its heading
    head = doc.body[:300]
    assert "首页" not in head and "个人中心" not in head and "https://www.gov.cn/" not in head  # the navigation
    assert "中华人民共和国反洗钱法" in head and "京ICP备" not in doc.body  # the footer


@real_inputs
def test_a_page_dump_as_getall_lines_or_as_markup_is_read_the_same(tmp_path):
    record = json.loads(gzip.decompress((COLLECTION / "pages/yuhamixli-govcn-fxqf.json.gz").read_bytes()))
    lines = [line for line in record["content"].split("\n") if line.strip()]
    as_lines = _one(tmp_path, {**record, "content": lines}, "lines.json")
    as_markup = _one(tmp_path, {**record, "content": "".join(f"<p>{line}</p>" for line in lines)}, "markup.json")
    assert as_lines.pub_date == as_markup.pub_date == "2024-11-09"
    assert "京ICP备" not in as_lines.body and "京ICP备" not in as_markup.body


TUNE_PAGES = [entry for entry in present_pages() if entry["split"] == "tune" and entry["kind"] == "html"]


def _right(entry, values) -> set[str]:
    return {
        name
        for name in FIELDS
        if entry["expected"].get(name) is not None and same(name, entry["expected"][name], values.get(name, ""))
    }


@real_inputs
def test_a_pages_saved_source_in_a_record_is_read_as_the_page(tmp_path):
    assert len(TUNE_PAGES) >= 20
    lost = {}
    for entry in TUNE_PAGES:
        page = COLLECTION / entry["file"]
        own = _right(entry, ingest_one(page, page.name.removesuffix(".gz")).values)
        source = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        record = {"url": "http://www.example.gov.cn/t.html", "html": source, "crawl_time": "2024-01-01 10:00:00"}
        saved = tmp_path / "saved.json.gz"
        saved.write_bytes(gzip.compress(json.dumps(record, ensure_ascii=False).encode("utf-8")))
        kept = _right(entry, ingest_one(saved, "saved.json", 1).values)
        if own - kept:
            lost[entry["file"]] = sorted(own - kept)
    assert not lost


def test_an_editors_markup_naming_one_label_is_still_the_body(tmp_path):
    body = "<p>根据《条例》发布日期：以印发之日为准。</p><p>现将有关事项通知如下。</p>"
    doc = _one(tmp_path, {"title": "关于印发某某办法的通知", "content": body})
    assert doc.body == "根据《条例》发布日期：以印发之日为准。\n\n现将有关事项通知如下。"


def test_a_text_with_one_footer_word_is_no_page_dump(tmp_path):
    body = "为规范本网站管理，版权所有人授权转载。\n现将有关事项通知如下。\n2021-02-03"
    doc = _one(tmp_path, {"title": "关于网站管理的通知", "content": body})
    assert doc.body.startswith("为规范本网站管理") and doc.pub_date == ""


def test_a_coded_fields_name_beside_its_code_wins(tmp_path):
    doc = _one(
        tmp_path,
        {
            "page": {
                "content": [
                    {
                        "BT": "关于报送整顿和规范矿产资源开发秩序工作进展情况的通知",
                        "FWJG": "11100000000013127D",
                        "FWJG_name": "国土资源部",
                        "ztfl": "0301",
                        "ztflName": "国土资源、能源",
                        "yxx": "1",
                        "yxxText": "有效",
                        "FWZH": "国土资电发〔2005〕48号",
                        "FBRQ": "2005-12-21 00:00:00",
                    }
                ]
            }
        },
    )
    assert doc.publishers == ["国土资源部"] and doc.category_topic == "国土资源、能源" and doc.validity == "有效"
    assert doc.doc_no == "国土资电发〔2005〕48号" and doc.pub_date == "2005-12-21"


def test_a_code_alone_is_no_publisher_and_no_class():
    fields, _unknown = map_fields([("fwjg", "11100000000013127D"), ("ztfl", "0301"), ("bt", "关于…的通知")])
    assert "publisher" not in fields and "category_topic" not in fields and fields["title"] == "关于…的通知"


def test_a_name_in_latin_letters_is_still_a_name_and_a_suffix_needs_a_known_stem():
    fields, unknown = map_fields([("publisher", "State Council"), ("username", "管理员")])
    assert fields == {"publisher": "State Council"} and unknown == ["username"]


def test_full_pinyin_keys_are_read(tmp_path):
    doc = _one(
        tmp_path,
        [
            {
                "biaoti": "国家发展改革委关于印发某某办法的通知",
                "suoyinhao": "000013038/2021-00123",
                "wenhao": "发改规〔2021〕3号",
                "fawenjiguan": "中华人民共和国国家发展和改革委员会",
                "chengwenriqi": "2021-02-01",
                "faburiqi": "2021-02-03",
                "zhutifenlei": "综合政务",
                "gongwenzhonglei": "通知",
                "zhutici": "价格",
                "neirong": "各省、自治区、直辖市发展改革委：现将有关事项通知如下。",
            }
        ],
    )
    assert (doc.title, doc.index_no.raw if doc.index_no else "", doc.doc_no) == (
        "国家发展改革委关于印发某某办法的通知",
        "000013038/2021-00123",
        "发改规〔2021〕3号",
    )
    assert doc.publishers == ["中华人民共和国国家发展和改革委员会"]
    assert (doc.written_date, doc.pub_date, doc.category_topic, doc.category_genre) == (
        "2021-02-01",
        "2021-02-03",
        "综合政务",
        "通知",
    )
    assert doc.keywords == ["价格"] and doc.body.startswith("各省、自治区、直辖市发展改革委")


@pytest.mark.parametrize(
    "body",
    [
        "&lt;p style=&quot;text-indent:2em&quot;&gt;各区人民政府：&lt;/p&gt;&lt;p&gt;现将有关事项通知如下。&lt;/p&gt;",
        "\n\t<style>p{margin:0}</style><P class=MsoNormal>各区人民政府：</P><P>现将有关事项通知如下。</P>",
        "<o:p></o:p><span>各区人民政府：</span><br/>现将有关事项通知如下。",
    ],
)
def test_markup_stored_escaped_or_opening_with_another_tag_is_html(body):
    assert clean_body(body) == "各区人民政府：\n\n现将有关事项通知如下。"


def test_a_body_that_merely_mentions_a_tag_stays_text():
    assert clean_body("<注意>本通知自发布之日起施行。") == "<注意>本通知自发布之日起施行。"


def test_a_title_wrapped_in_its_link_is_its_text():
    assert clean_line('<a href="./t20210203_1.html" target="_blank">关于<em>印发</em>某某办法的通知</a>') == (
        "关于印发某某办法的通知"
    )
    assert clean_line("关于印发<某某办法>的通知") == "关于印发<某某办法>的通知"  # angle quotes are no tag


def test_a_status_that_is_a_validity_word_is_the_validity(tmp_path):
    doc = _one(tmp_path, [{"法规名称": "中华人民共和国民法典", "发布日期": "2020-05-28", "状态": "现行有效"}])
    assert doc.validity == "有效"


def test_a_documents_files_under_the_apis_own_key_are_its_attachments(tmp_path):
    doc = _one(
        tmp_path,
        {
            "data": {
                "title": "关于印发某某办法的通知",
                "fjList": [
                    {"fjmc": "附件1.实施细则.doc", "fjlj": "/u/cms/P020210203.doc"},
                    {"fjmc": "附件2.申请表.xlsx", "fjlj": "/u/cms/P020210204.xlsx"},
                ],
                "tagList": [{"name": "财政"}],
            }
        },
    )
    assert [a.name for a in doc.attachments] == ["附件1.实施细则.doc", "附件2.申请表.xlsx"]
    assert doc.attachments[0].url == "/u/cms/P020210203.doc"


@pytest.mark.parametrize(
    "attachments",
    [
        "附件1.实施细则.doc,附件2.申请表.pdf",
        "附件1.实施细则.doc|附件2.申请表.pdf",
        "['附件1.实施细则.doc', '附件2.申请表.pdf']",
    ],
)
def test_files_names_run_together_in_one_string_are_each_a_file(tmp_path, attachments):
    doc = _one(tmp_path, [{"title": "关于印发某某办法的通知", "attachments": attachments}])
    assert [a.name for a in doc.attachments] == ["附件1.实施细则.doc", "附件2.申请表.pdf"]


def test_a_name_holding_a_comma_stays_one_file(tmp_path):
    doc = _one(tmp_path, [{"title": "关于印发某某办法的通知", "attachments": "关于甲、乙两项的说明,附表.pdf"}])
    assert [a.name for a in doc.attachments] == ["关于甲、乙两项的说明,附表.pdf"]


def test_a_list_written_as_its_repr_is_the_list(tmp_path):
    doc = _one(
        tmp_path,
        [
            {
                "title": "关于印发某某办法的通知",
                "keywords": "['财政', '预算']",
                "publisher": "['杭州市财政局', '杭州市税务局']",
            }
        ],
    )
    assert doc.keywords == ["财政", "预算"] and doc.publishers == ["杭州市财政局", "杭州市税务局"]
    kept = _one(tmp_path, [{"title": "[转载]关于印发某某办法的通知"}], "kept.json")
    assert kept.title == "[转载]关于印发某某办法的通知"


def test_a_chinese_keys_name_beside_its_code_is_read(tmp_path):
    doc = _one(tmp_path, [{"标题": "关于印发某某办法的通知", "发布机构代码": "001", "发布机构名称": "杭州市财政局"}])
    assert doc.publishers == ["杭州市财政局"]


@pytest.mark.parametrize("key", ["xxfl", "zcfl", "gkfl", "xxlb", "categoryName", "classifyName", "classification_name"])
def test_a_key_naming_a_class_by_its_words_is_the_category(key):
    fields, _unknown = map_fields([(key, "综合政务")], guess=True)
    assert fields == {"category": "综合政务"}


@pytest.mark.parametrize("value", ["0301", "现将有关事项通知如下。请遵照执行。", "2021-02-03"])
def test_a_class_key_holding_no_class_name_is_not_read(value):
    fields, _unknown = map_fields([("xxfl", value)], guess=True)
    assert "category" not in fields


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Feb 3, 2021 10:10:10 AM", "2021-02-03"),  # Gson's default
        ("Wed Feb 03 10:10:10 CST 2021", "2021-02-03"),  # java.util.Date's toString
        ("Tue, 02 Feb 2021 20:10:10 GMT", "2021-02-03"),  # RFC 2822, UTC: the next day in China
        ("Tue, 02 Feb 2021 20:10:10 +0800", "2021-02-02"),
        ("3 February 2021", "2021-02-03"),
    ],
)
def test_a_date_with_an_english_months_name_is_read(value, iso):
    from index.dates import parse_date

    parsed = parse_date(value)
    assert parsed is not None and parsed.iso == iso


def test_the_files_a_records_html_body_links_are_its_attachments(tmp_path):
    body = (
        "<div class='TRS_Editor'><p>各区人民政府：</p><p>现将有关事项通知如下。</p></div>"
        "<p>附件：<a href='./P020210203.pdf'>附件1.某某办法.pdf</a> <a href='/col/col1/index.html'>返回</a></p>"
    )
    doc = _one(tmp_path, [{"title": "关于印发某某办法的通知", "content": body}])
    assert [(a.name, a.url) for a in doc.attachments] == [("附件1.某某办法.pdf", "./P020210203.pdf")]
    listed = _one(tmp_path, [{"title": "关于…的通知", "content": body, "attachments": ["甲.doc"]}], "listed.json")
    assert [a.name for a in listed.attachments] == ["甲.doc"]  # the record's own list wins


def test_the_furniture_under_a_flattened_text_leaves_its_body():
    text = (
        "各区人民政府：\n现将有关事项通知如下。\n特此通知。\n杭州市人民政府办公厅\n2021年2月3日\n"
        "上一篇：关于某某的通知\n下一篇：没有了\n分享到：\n微信\n微博\n相关链接：\n国务院办公厅\n浙江省人民政府"
    )
    assert clean_body(text).endswith("杭州市人民政府办公厅\n\n2021年2月3日")


def test_a_related_heading_over_sentences_is_the_texts_own():
    text = "第一条 为规范管理，制定本办法。\n相关信息\n是指行政机关在履行职责过程中制作的信息。"
    assert clean_body(text).endswith("是指行政机关在履行职责过程中制作的信息。")


@pytest.mark.parametrize(
    ("record", "wanted"),
    [
        (
            {
                "title": "关于印发某某办法的通知",
                "source": "来源：杭州市财政局 作者：张三 发布时间：2021-02-03 浏览次数：123",
            },
            (["杭州市财政局"], "2021-02-03", ""),
        ),
        (
            {
                "title": "关于印发某某办法的通知",
                "info": "发布日期：2021-02-03 | 发布机构：杭州市财政局 | 文号：杭财〔2021〕3号",
            },
            (["杭州市财政局"], "2021-02-03", "杭财〔2021〕3号"),
        ),
    ],
)
def test_a_value_holding_a_pages_info_bar_gives_each_labelled_value(tmp_path, record, wanted):
    doc = _one(tmp_path, [record])
    assert (doc.publishers, doc.pub_date, doc.doc_no) == wanted


def test_a_short_body_whose_lines_start_with_labels_stays_the_body(tmp_path):
    body = "各区人民政府：\n现将有关事项通知如下。\n联系人：张三\n发布日期：2021-02-03"
    doc = _one(tmp_path, [{"title": "关于印发某某办法的通知", "content": body}])
    assert doc.body.startswith("各区人民政府：") and "联系人：张三" in doc.body


@real_inputs
def test_a_pages_saved_source_beside_the_records_text_fills_what_its_keys_leave_empty(tmp_path):
    page = gzip.decompress((COLLECTION / "pages/lishui-hanweb-1.html.gz").read_bytes()).decode("utf-8")
    record = {
        "title": "丽水市人民政府关于下达2023年市区符合政府安排工作条件退役士兵和退出消防员安置任务的通知",
        "content": "各县（市、区）人民政府：现将有关事项通知如下。",
        "html": page,  # Scrapy's response.text kept beside the item's text
    }
    doc = _one(tmp_path, [record])
    assert doc.index_no is not None and doc.index_no.raw == "113325000026455663/2023-43887"
    assert (doc.doc_no, doc.pub_date) == ("丽政发〔2023〕30号", "2023-10-23")
    assert doc.body == "各县（市、区）人民政府：现将有关事项通知如下。"  # the record's own text wins
