"""Exports and API responses as sites serve them (issue 17, items 3–5): the keys real exports use, records at any
depth of a response, JSONP, and placeholders that mean "no value". The samples are real and named in
tests/fixtures/exports/README.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REAL_FIXTURES, REAL_PAGES, ROOT, real_inputs

from index.labels import canonical_field
from index.normalise import normalise
from index.placeholders import is_placeholder
from index.readers import read_file
from index.record import RawRecord, ReadError

EXPORTS = ROOT / "tests" / "fixtures" / "exports"  # invented
REAL_EXPORTS = REAL_FIXTURES / "exports"  # real responses, outside the repository


def _documents(path: Path):
    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)], items
    return [normalise(item) for item in items]


@pytest.mark.parametrize(
    ("label", "field"),
    [
        # Labels of disclosure pages and exports (issue 17, item 3).
        ("备注/文号", "doc_no"),
        ("公文生成日期", "written_date"),
        ("有效期", "validity"),
        ("制发单位", "publisher"),
        ("公文种类", "category_genre"),
        # Pinyin initials.
        ("bt", "title"),
        ("zw", "body"),
        ("wh", "doc_no"),
        ("fbjg", "publisher"),
        ("yxx", "validity"),
        ("scrq", "written_date"),
        ("cwrq", "written_date"),
        ("fbrq", "pub_date"),
        ("mc", "title"),
        # TRS 海云.
        ("BT", "title"),
        ("ZW", "body"),
        ("IDXID", "index_no"),
        ("FWZH", "doc_no"),
        ("CWRQ", "written_date"),
        ("FBRQ", "pub_date"),
        ("FWJG_name", "publisher"),
        ("DOCPUBURL", "url"),
        # camelCase APIs.
        ("publishTime", "pub_date"),
        ("deptName", "publisher"),
        ("fileNumber", "doc_no"),
        ("indexNumber", "index_no"),
        # Found in public crawler code: 法规库 APIs, gov.cn 信息公开 API, TRS IGS and 海云 政府文件库.
        ("fbbm", "publisher"),
        ("sxx", "validity"),
        ("maintitle", "title"),
        ("pub_url", "url"),
        ("trs_time", "pub_date"),
        ("FileName", "title"),
        ("fileNum", "doc_no"),
        ("Effectivestate", "validity"),
        ("trs_site", "site"),
        # Hanweb/大汉 信息公开 (its search form and export), and a 信息公开 CMS's pinyin columns.
        ("vc_title", "title"),
        ("vc_number", "index_no"),
        ("vc_filenumber", "doc_no"),
        ("vc_openmodel", "disclosure"),
        ("c_complatedate", "written_date"),
        ("fwrq", "written_date"),
        ("ztc", "keywords"),
        ("gjc", "keywords"),
        ("nr", "body"),
        # One key however an export spells it: snake_case, camelCase, kebab, upper case.
        ("documentNumber", "doc_no"),
        ("DOCUMENT-NUMBER", "doc_no"),
        ("docNo", "doc_no"),
        ("publish_Time", "pub_date"),
        ("fwjgName", "publisher"),
        # 国家税务总局 法规库 (search5 API and its metadata keys), gov.cn 搜索, 法规库 exports, LangChain dumps.
        ("pubName", "publisher"),
        ("docNum", "doc_no"),
        ("xxgk_aging", "validity"),
        ("writtendate", "written_date"),
        ("writtentext", "doc_no"),
        ("appendix", "attachments"),
        ("ptime", "pub_date"),
        ("IssueDate", "pub_date"),
        ("IssueDepartment", "publisher"),
        ("DocumentNO", "doc_no"),
        ("Timeliness", "validity"),
        ("page_content", "body"),
        ("body_html", "body"),
        # More pinyin initials: 文件名称, 信息名称, 法规名称, 发文单位, 发布单位, 成文时间, 主题分类.
        ("wjmc", "title"),
        ("xxmc", "title"),
        ("fgmc", "title"),
        ("fwdw", "publisher"),
        ("fbdw", "publisher"),
        ("cwsj", "written_date"),
        ("ztfl", "category_topic"),
        # Hanweb/大汉 templates' other 信息公开 columns, TRS list titles, more camelCase keys.
        ("vc_indexcode", "index_no"),
        ("vc_validate", "validity"),
        ("LISTTITLE", "title"),
        ("issueOrg", "publisher"),
        ("publishDept", "publisher"),
        ("releaseTime", "pub_date"),
        ("publishedTimeStr", "pub_date"),
        ("fileNo", "doc_no"),
        ("indexCode", "index_no"),
        # Crawler JSON exports: a 广州 page collection's original_text and source_url, a list crawler's detail_url.
        ("original_text", "body"),
        ("source_url", "url"),
        ("detail_url", "url"),
    ],
)
def test_the_labels_and_keys_real_exports_use(label, field):
    assert canonical_field(label) == field


@real_inputs
def test_a_law_database_response_keeps_its_date_publisher_and_validity():
    """fbrq, fbbm and sxx were dropped: the record kept only its title, body and 文号."""
    [doc] = _documents(REAL_EXPORTS / "flk-rh-ft-search.json")
    assert doc.title == "中华人民共和国行政处罚法(2021修订)第五十九条"
    assert (doc.pub_date, doc.doc_no, doc.validity) == ("2021-01-22", "中华人民共和国主席令第70号", "有效")
    # 全国人大常委会 is the publishers table's alias of the full name.
    assert doc.publisher == "全国人民代表大会常务委员会"
    assert "全国人大常委会" in doc.publisher_aliases


@pytest.mark.parametrize(
    ("name", "title", "pub_date", "doc_no", "written_date", "url"),
    [
        pytest.param(
            "igs-search-page-content.json",
            "天津市预算单位银行账户管理办法的通知",
            "2013-03-11",
            "",  # filenum 无 is a placeholder
            "",
            "https://jrgz.tj.gov.cn/xxfb/tzggl_l/202403/t20240301_123456.html",
            id="page.content",
        ),
        pytest.param(
            "govcn-xxgk-result-data-list.json",
            "国务院关于印发新一代人工智能发展规划的通知",  # the <em> marks of the search API dropped
            "2017-07-20",
            "国发〔2017〕35号",
            "2017-07-08",
            "http://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm",
            id="result.data.list",
        ),
        pytest.param(
            "govcn-pushinfo.jsonp",
            "国务院关于印发新一代人工智能发展规划的通知",
            "2017-07-20",
            "",
            "",
            "http://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm",
            id="jsonp",
        ),
    ],
)
def test_records_at_any_depth_of_a_response_and_in_jsonp(name, title, pub_date, doc_no, written_date, url):
    [doc] = _documents(EXPORTS / name)
    assert (doc.title, doc.pub_date, doc.doc_no, doc.written_date, doc.url) == (
        title,
        pub_date,
        doc_no,
        written_date,
        url,
    )


def test_a_response_envelope_with_a_known_key_is_not_taken_for_a_document(tmp_path):
    """A search API may echo its query (index, type, filter) beside page.content (the IGS request parameters
    public crawlers send): the envelope is no record to reject."""
    response = json.loads((EXPORTS / "igs-search-page-content.json").read_text("utf-8"))
    response = {"index": "zcwj-index", "type": "zcfg", "filter": {"AVAILABLE": "true"}, **response}
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert doc.title == "天津市预算单位银行账户管理办法的通知"


def test_a_record_holding_its_fields_in_an_object_is_read(tmp_path):
    """Some list APIs put a record's metadata in an object under a key of their own ("tip")."""
    path = tmp_path / "list.json"
    record = {
        "puburl": "http://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm",
        "tip": {
            "title": "国务院关于印发新一代人工智能发展规划的通知",
            "filenum": "国发〔2017〕35号",
            "dates": "2017-07-20",
        },
    }
    path.write_text(json.dumps({"data": [record]}, ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.doc_no, doc.url) == (
        "国务院关于印发新一代人工智能发展规划的通知",
        "国发〔2017〕35号",
        "http://www.gov.cn/zhengce/content/2017-07/20/content_5211996.htm",
    )


@pytest.mark.parametrize("value", ["无", "暂无", "其它", "-", "/", "空", "（无）", "—", " 无 ", "--", "本网"])
@pytest.mark.parametrize("field", ["doc_no", "index_no", "category", "publisher"])
def test_placeholders_are_not_values(field, value):
    doc = normalise(RawRecord("a.json", "", {"title": "关于某事的通知", "body": "正文。", field: value}))
    assert (doc.doc_no, doc.index_no, doc.category_scheme, doc.category_topic, doc.publisher) == ("", None, "", "", "")


def test_a_placeholder_under_one_key_leaves_the_field_to_another(tmp_path):
    """fileNum: 其它 was stored as the 文号; a lower-ranked key holding the real one now gives it."""
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps([{"标题": "某通知", "文号": "其它", "fwzh": "国发〔2017〕35号"}], ensure_ascii=False), "utf-8"
    )
    [doc] = _documents(path)
    assert doc.doc_no == "国发〔2017〕35号"


@pytest.mark.parametrize(
    ("field", "value", "placeholder"),
    [
        ("doc_no", "其他", True),
        ("publisher", "其他", True),  # 公安部规章库's fbjg
        ("category", "其他", False),  # a class of 主题分类 (and of 266 河北 documents in the shared corpus)
        ("doc_no", "无锡政发〔2020〕1号", False),
        ("category", "其他文件", False),
    ],
)
def test_what_is_a_placeholder(field, value, placeholder):
    assert is_placeholder(value, field) is placeholder


def test_a_bare_number_is_not_read_as_validity():
    """A bare code under 有效性 (yxx "0", Effectivestate "1") says 有效 on one site and 失效 on another."""
    doc = normalise(RawRecord("a.json", "", {"title": "t", "body": "b", "validity": "0"}))
    assert doc.validity == ""


def test_a_records_own_attachments_are_not_taken_for_records(tmp_path):
    """An object without a title, whose only list is its attachments, is one record (rejected with its reason)."""
    path = tmp_path / "one.json"
    record = {"索引号": "014319733/2018-00019", "附件": [{"name": "附件1.docx", "url": "/a/附件1.docx"}]}
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    [item] = list(read_file(path))
    assert item.fields["index_no"] == "014319733/2018-00019"


def test_json_lines_of_saved_responses_give_their_records(tmp_path):
    """A crawler saving each page of results as one line: each line's records, named by line and record."""
    lines = [
        json.dumps(json.loads((EXPORTS / name).read_text("utf-8")), ensure_ascii=False)
        for name in ("igs-search-page-content.json", "govcn-xxgk-result-data-list.json")
    ]
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    docs = _documents(path)
    assert [(doc.locator, doc.title) for doc in docs] == [
        ("line 1 record 1", "天津市预算单位银行账户管理办法的通知"),
        ("line 2 record 1", "国务院关于印发新一代人工智能发展规划的通知"),
    ]


@pytest.mark.parametrize("value", ["2021年1月1日至2025年12月31日", "2025-12-31"])
def test_a_period_under_youxiaoqi_is_no_validity_word(value):
    """有效期 holds when a document is valid; the 有效性 badge shows only a word (有效, 失效 …) it states."""
    doc = normalise(RawRecord("a.json", "", {"title": "t", "body": "b", "validity": value}))
    assert doc.validity == ""


@pytest.mark.parametrize(("time", "pub_date"), [("1990 年 8 月 18 日", "1990-08-18"), ("10:30", "")])
def test_a_list_apis_time_is_a_date_only_when_it_is_one(tmp_path, time, pub_date):
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps({"data": [{"title": "司法行政法制工作规定", "time": time}]}, ensure_ascii=False), "utf-8"
    )
    [doc] = _documents(path)
    assert doc.pub_date == pub_date


@pytest.mark.parametrize(
    ("category", "dimensions"),
    [
        ("规划计划/无/报告", ("规划计划", "", "报告")),
        ("-/通知", ("", "", "通知")),
        ("规划计划 ??其他 ?? 报告", ("规划计划", "其他", "报告")),  # 其他 is a class (the seed page's)
    ],
)
def test_a_placeholder_among_classification_dimensions_is_no_class(category, dimensions):
    doc = normalise(RawRecord("a.json", "", {"title": "t", "body": "b", "category": category}))
    assert (doc.category_scheme, doc.category_topic, doc.category_genre) == dimensions


@real_inputs
def test_a_decrees_number_heading_the_text_is_its_doc_no(tmp_path):
    # The real export (../shared/fidelity/pages/kjt-hebei-flfg.csv.gz, gerry0208/spider_project): a 国务院令 whose
    # content opens with its number on a line of its own, then cites older 令 numbers in its sentences.
    import gzip

    path = tmp_path / "法律法规.csv"
    path.write_bytes(gzip.decompress((REAL_PAGES / "kjt-hebei-flfg.csv.gz").read_bytes()))
    (doc,) = _documents(path)
    assert doc.doc_no == "中华人民共和国国务院令第782号"
    assert doc.body.startswith("《国务院关于修改〈国家科学技术奖励条例〉的决定》已经")


@pytest.mark.parametrize(
    ("body", "doc_no"),
    [
        ("中华人民共和国国务院令第782号　　《国务院关于…的决定》已经…通过", "中华人民共和国国务院令第782号"),
        ("国务院令第588号公布的《条例》第三条修改为", ""),  # a sentence citing another 令
    ],
)
def test_only_a_decree_number_on_its_own_line_is_taken_from_the_body(body, doc_no):
    doc = normalise(RawRecord(source="x.json", locator="1", fields={"title": "国务院关于修改的决定", "body": body}))
    assert doc.doc_no == doc_no


@real_inputs
def test_an_exports_page_text_address_and_note_in_the_doc_no_column():
    # A real crawler export of 广州 pages (gz-documents-original-text.json): the page's text under original_text,
    # its address under source_url, and a remark in brackets where the 文号 goes (the 通告 has none).
    [doc] = _documents(REAL_EXPORTS / "gz-documents-original-text.json")
    assert doc.body.startswith("为进一步提高公共租赁住房分配和使用效率")
    assert doc.url == "https://zfcj.gz.gov.cn/zjyw/zfbz/content/mpost_10168701.html"
    assert doc.doc_no == ""


@pytest.mark.parametrize(
    ("written", "doc_no"),
    [
        ("（依据《居住证暂行条例》《广东省流动人口服务管理条例》）", ""),  # a note: no 文号
        ("（国发〔2018〕43号）", "国发〔2018〕43号"),  # a 文号 in brackets
        ("国办发〔2019〕1号（已废止）", "国办发〔2019〕1号(已废止)"),  # not wholly bracketed: as written
    ],
)
def test_a_bracketed_note_in_the_doc_no_column_is_no_doc_no(written, doc_no):
    doc = normalise(
        RawRecord(source="x.json", locator="1", fields={"title": "关于的通知", "body": "正文", "doc_no": written})
    )
    assert doc.doc_no == doc_no


@real_inputs
def test_a_doc_no_in_brackets_at_the_titles_end_is_the_doc_no(tmp_path):
    # The real list export ../shared/fidelity/pages/sthjt-fujian-flfg.json.gz (jas0no7/local_spider_jason): record 37's
    # title ends with its 令 number in brackets; the others give no 文号 at all.
    import gzip

    path = tmp_path / "fujian_env_policies.json"
    path.write_bytes(gzip.decompress((REAL_PAGES / "sthjt-fujian-flfg.json.gz").read_bytes()))
    docs = _documents(path)
    assert (docs[36].title, docs[36].doc_no) == (
        "国务院关于修改和废止部分行政法规的决定",
        "中华人民共和国国务院令第797号",
    )
    assert [d.doc_no for d in docs[:36]] == [""] * 36
    # A title ending in a bracket that holds no 文号 keeps it.
    doc = normalise(RawRecord(source="x.json", locator="1", fields={"title": "某某条例（2021修订）", "body": "正文"}))
    assert (doc.title, doc.doc_no) == ("某某条例（2021修订）", "")


@real_inputs
def test_a_tax_law_library_response_gives_its_doc_no_publishers_and_attachments():
    """国家税务总局 法规库 search API as a public API note records it: the 文号 inside ``govDoc`` (beside the
    bare serial ``docNo: "9"``), joint issuers in ``pubName``, attachments as ``appendixName``/``appendixUrl``
    objects, ``<span>`` marks in the title and the text."""
    [doc] = _documents(REAL_EXPORTS / "chinatax-search5-searchresultall.json")
    assert doc.title == "增值税相关公告"
    assert doc.doc_no == "财政部 税务总局公告2026年第9号"
    assert doc.publishers == ["财政部", "国家税务总局"]
    assert (doc.written_date, doc.pub_date) == ("2026-01-30", "2026-01-30")
    assert [(a.name, a.url) for a in doc.attachments] == [
        ("适用9%税率注释.pdf", "http://fgk.chinatax.gov.cn/.../文件名.pdf")
    ]
    assert "<span>" not in doc.body and doc.body.startswith("根据《中华人民共和国增值税法》")


def _one(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [doc] = _documents(path)
    return doc


def test_metadata_given_as_a_list_of_named_values_fills_the_record(tmp_path):
    """法规库 APIs give a document's metadata as entries naming their field (``domainMetaList[].resultList``:
    ``{"key": "writtendate", "name": "成文日期", "value": …}``); such a list is the record's fields, never the
    file's records."""
    response = {
        "results": [
            {
                "title": "国家税务总局关于某事项的公告",
                "url": "https://www.chinatax.gov.cn/zcfgk/c100012/content.html",
                "domainMetaList": [
                    {
                        "resultList": [
                            {"key": "writtendate", "name": "成文日期", "value": "2026-09-01"},
                            {"key": "writtentext", "name": "发文字号", "value": "国家税务总局公告2026年第13号"},
                            {"key": "aging", "name": "时效性", "value": "全文有效"},
                        ]
                    }
                ],
            }
        ]
    }
    doc = _one(tmp_path, "r.json", json.dumps(response, ensure_ascii=False))
    assert doc.title == "国家税务总局关于某事项的公告"
    assert (doc.written_date, doc.doc_no, doc.validity) == ("2026-09-01", "国家税务总局公告2026年第13号", "有效")


def test_a_value_nested_one_level_reads_as_its_name(tmp_path):
    """``"publisher": {"id": 12, "name": …}``, a list of such objects for joint issuers."""
    records = [
        {"title": "关于甲的通知", "content": "正文。", "publisher": {"id": 12, "name": "北京市人民政府"}},
        {"title": "关于乙的通知", "content": "正文。", "deptName": [{"name": "财政部"}, {"name": "国家税务总局"}]},
    ]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    first, second = _documents(path)
    assert first.publishers == ["北京市人民政府"]
    assert second.publishers == ["财政部", "国家税务总局"]


@pytest.mark.parametrize(
    "item",
    [
        {"fileName": "附件1.pdf", "fileUrl": "/a/附件1.pdf"},
        {"APPDESC": "附件1.pdf", "APPFILE": "/a/附件1.pdf"},
        {"attach_name": "附件1.pdf", "attach_path": "/a/附件1.pdf"},
    ],
)
def test_attachment_objects_are_read_however_they_name_their_parts(tmp_path, item):
    doc = _one(tmp_path, "r.json", json.dumps([{"title": "关于丙的通知", "attachments": [item]}], ensure_ascii=False))
    assert [a.name for a in doc.attachments] == ["附件1.pdf"]
    assert doc.attachments[0].url or doc.attachments[0].name


@pytest.mark.parametrize(
    "wrap",
    [
        "/**/jQuery1113_1700({});",
        "try{cb({});}catch(e){}",
        "typeof cb === 'function' && cb({});",
    ],
)
def test_jsonp_as_servers_send_it(tmp_path, wrap):
    payload = json.dumps({"data": {"list": [{"title": "关于丁的通知", "pubDate": "2023-05-06"}]}}, ensure_ascii=False)
    doc = _one(tmp_path, "r.js", wrap.replace("{}", payload, 1))
    assert (doc.title, doc.pub_date) == ("关于丁的通知", "2023-05-06")


def test_a_records_html_body_wins_over_its_flattened_text(tmp_path):
    """A crawler's record with the page's HTML (``body_html``) and its flattened text (``content``): the markup
    keeps the metadata table and the paragraphs apart."""
    record = {
        "title": "某市关于甲的通知",
        "publish_time": "2024-03-01 00:00:00",
        "body_html": "<div><table><tr><td>索引号:</td><td>000014349/2024-00012</td><td>发布机构:</td>"
        "<td>某市人民政府</td></tr><tr><td>成文日期:</td><td>2024-02-28</td></tr></table>"
        "<p>各区县：</p><p>第一段。</p><p>某市人民政府</p></div>",
        "content": "索引号: 000014349/2024-00012 发布机构: 某市人民政府 成文日期: 2024-02-28 "
        "各区县：第一段。某市人民政府",
    }
    doc = _one(tmp_path, "r.json", json.dumps([record], ensure_ascii=False))
    assert doc.index_no and doc.index_no.raw == "000014349/2024-00012"
    assert doc.body.split("\n\n") == ["各区县：", "第一段。", "某市人民政府"]


def test_metadata_run_into_the_text_is_cut_after_its_date(tmp_path):
    """Only the flattened text: the metadata ends at the date that closes it; the rest is the body."""
    record = {
        "title": "某市关于乙的通知",
        "content": "索引号: 000014349/2024-00013 发布机构: 某市人民政府 成文日期: 2024-02-28 "
        "各区县：现将有关事项通知如下。第一段。某市人民政府",
    }
    doc = _one(tmp_path, "r.json", json.dumps([record], ensure_ascii=False))
    assert doc.written_date == "2024-02-28"
    assert doc.body.startswith("各区县：现将有关事项通知如下。")


# Plain-text page dumps: label：value headers in the forms crawlers save them.


@pytest.mark.parametrize(
    "header",
    [
        "【标题】关于戊的通知\n【发布日期】2021-01-20\n【发文字号】京政发〔2021〕2号\n【发布机构】北京市人民政府\n",
        "[标题] 关于戊的通知\n[发布日期] 2021-01-20\n[发文字号] 京政发〔2021〕2号\n[发布机构] 北京市人民政府\n",
        "标题：\n关于戊的通知\n发布日期：\n2021-01-20\n发文字号：\n京政发〔2021〕2号\n发布机构：\n北京市人民政府\n",
    ],
)
def test_page_text_headers_in_brackets_or_with_the_value_below(tmp_path, header):
    doc = _one(tmp_path, "p.txt", header + "\n各区人民政府：\n现将有关事项通知如下。\n")
    assert (doc.title, doc.pub_date, doc.doc_no, doc.publisher) == (
        "关于戊的通知",
        "2021-01-20",
        "京政发〔2021〕2号",
        "北京市人民政府",
    )
    assert doc.body.startswith("各区人民政府：")


@pytest.mark.parametrize("marker", ["正文：\n", "正文:\n", "\n正文\n", "正文："])
def test_a_body_label_opens_the_body_and_is_no_part_of_it(tmp_path, marker):
    header = "标题：关于己的通知\n发布时间：2012-10-17\n文号：岚政〔2012〕1号\n"
    text = header + marker + "各乡镇：现将有关事项通知如下。\n第二段。\n"
    doc = _one(tmp_path, "p.txt", text)
    assert doc.doc_no == "岚政〔2012〕1号"
    assert doc.body.split("\n\n")[0] == "各乡镇：现将有关事项通知如下。"


def test_records_held_by_key_are_each_read(tmp_path):
    """A dump keyed by id (``{"doc_1": {…}, "doc_2": {…}}``) is its records, not one record made of the first."""
    dump = {
        "doc_1": {"title": "关于甲的通知", "content": "甲。"},
        "doc_2": {"title": "关于乙的通知", "content": "乙。"},
    }
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
    assert [doc.title for doc in _documents(path)] == ["关于甲的通知", "关于乙的通知"]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("/Date(1688000000000+0800)/", "2023-06-29"),  # ASP.NET's JSON date
        (1688000000000, "2023-06-29"),  # epoch milliseconds
        ("2022-10-10 00:00:00.0", "2022-10-10"),  # a Java timestamp's text (TRS 海云 CWRQ)
        ("20230618101010", "2023-06-18"),
    ],
)
def test_dates_as_apis_write_them(tmp_path, value, iso):
    doc = _one(tmp_path, "r.json", json.dumps([{"title": "关于戊的通知", "publishDate": value}]))
    assert doc.pub_date == iso


@pytest.mark.parametrize(
    ("author", "publishers"),
    [("国家能源局", ["国家能源局"]), ("财政部、国家税务总局", ["财政部", "国家税务总局"]), ("记者 张三", [])],
)
def test_a_crawlers_author_is_the_publisher_only_when_it_names_a_body(tmp_path, author, publishers):
    doc = _one(tmp_path, "r.json", json.dumps([{"title": "关于庚的通知", "author": author}], ensure_ascii=False))
    assert doc.publishers == publishers


@pytest.mark.parametrize(
    "text",
    [
        # The title as the heading above the labels, none of which names it.
        "关于辛的通知\n发布时间：2012-10-17\n发布机构：平潭县人民政府\n文号：岚政〔2012〕8号\n\n各乡镇：\n正文。\n",
        # Page tools printed on a label line end the value before them.
        "标题：关于辛的通知\n发布时间：2012-10-17  发布机构：平潭县人民政府  浏览次数：123\n"
        "文号：岚政〔2012〕8号\n\n各乡镇：\n正文。\n",
        # A Markdown dump.
        "# 关于辛的通知\n\n- 发布时间：2012-10-17\n- **发布机构**：平潭县人民政府\n"
        "- 文号：岚政〔2012〕8号\n\n各乡镇：\n正文。\n",
    ],
)
def test_page_text_dumps_in_the_forms_crawlers_write(tmp_path, text):
    doc = _one(tmp_path, "page.txt", text)
    assert (doc.title, doc.pub_date, doc.publisher, doc.doc_no) == (
        "关于辛的通知",
        "2012-10-17",
        "平潭县人民政府",
        "岚政〔2012〕8号",
    )
    assert doc.body.startswith("各乡镇：")


def test_a_list_pages_links_split_over_classes_are_every_record(tmp_path):
    """Records of a title and a link only (a list page's items), split over a response's classes in lists of as many
    (``searchVO.catMap.<class>.listVO``), are every record: before, the classes' lists read as captions beside one
    another and the file held "no list of documents" (the robustness test's 36 links of sthjj.beijing.gov.cn in
    three classes of 12)."""
    links = [
        {"title": f"北京市生态环境条例之{n}", "url": f"http://sthjj.beijing.gov.cn/zcfb/{n}/index.html"}
        for n in range(9)
    ]
    classes = {name: {"listVO": links[i * 3 : i * 3 + 3]} for i, name in enumerate(("gongwen", "bumenfile", "gongbao"))}
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"code": 200, "searchVO": {"totalCount": 9, "catMap": classes}}, ensure_ascii=False))
    records = [item for item in read_file(path) if isinstance(item, RawRecord)]
    assert [r.fields["title"] for r in records] == [link["title"] for link in links]


def test_a_search_hits_highlight_fragments_are_no_fields(tmp_path):
    """Elasticsearch's hits keep the matched fragments beside ``_source`` (``highlight``: each field's pieces with the
    query's words marked <em>): a fragment is a piece of the hit's own value, never a field the hit lacks (the
    robustness test's ES variant of YushenSun's retrieval table read ``<em>商务部、国家</em>发展和改革委`` as the
    publisher)."""
    hit = {
        "_source": {
            "title": "关于印发稳外资行动方案的通知",
            "content": "各省、自治区、直辖市人民政府：现将方案印发给你们。",
        },
        "highlight": {"publisher": ["<em>商务部、国家</em>发展和改革委"], "title": ["关于印发<em>稳外资</em>行动方案"]},
    }
    path = tmp_path / "hits.json"
    path.write_text(json.dumps({"hits": {"hits": [hit]}}, ensure_ascii=False), encoding="utf-8")
    (record,) = [item for item in read_file(path) if isinstance(item, RawRecord)]
    assert record.fields["title"] == "关于印发稳外资行动方案的通知"
    assert "publisher" not in record.fields
