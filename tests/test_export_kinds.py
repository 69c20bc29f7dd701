"""Kinds of real exports the readers got wrong (issue 17, round 4), each from a real record of the fidelity
collection's tune split (tests/fidelity/manifest.d/exports4.json names the sources):

- a policy list saved from a spreadsheet: its title column headed by a word no label knows (文件), its dates as the
  spreadsheet's day numbers (839-Studio/housing-price-policy policy.csv, GB18030 bytes);
- a TRS IGS 站群检索 response's 信息公开 record: its 分类 under ``cat`` (组配 | 主题 | 体裁), its 索引号 under
  ``ridxid`` (Kira-yoshikage-d/spider-gov Hue/test/nanjing.json).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from index.dates import ParsedDate, parse_date, spreadsheet_day
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.normalise import date_step
from index.readers import csv as csv_reader
from index.readers import read_file
from index.record import RawRecord, ReadError

# The header and three rows of 839-Studio/housing-price-policy policy.csv (commit 74740069), as its bytes are.
HOUSING = (
    "城市,文件,时间,url\r\n"
    "太原,关于化解房地产库存的实施意见,42606,https://www.tuliu.com/read-45072.html\r\n"
    "哈尔滨,关于印发哈尔滨英才集聚计划实施方案的通知,42772,http://www.harbin.gov.cn/art/2017/3/9/art_2582_61935.html\r\n"
    "海口,关于印发我市贯彻落实省政府关于房地产市场调控实施意见的通知,42465,"
    "http://www.haikou.gov.cn/xxgk/szfbjxxgk/zcfg/bmgfxwj/201604/t20160418_941777.html\r\n"
).encode("gb18030")


def _documents(path):
    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)], items
    return [read_document(item, DEFAULTS, IngestReport()) for item in items if isinstance(item, RawRecord)]


def test_a_policy_list_whose_title_column_has_an_unknown_header_is_read(tmp_path):
    path = tmp_path / "policy.csv"
    path.write_bytes(HOUSING)
    docs = _documents(path)
    assert [doc.title for doc in docs] == [
        "关于化解房地产库存的实施意见",
        "关于印发哈尔滨英才集聚计划实施方案的通知",
        "关于印发我市贯彻落实省政府关于房地产市场调控实施意见的通知",
    ]
    assert [doc.pub_date for doc in docs] == ["2016-08-24", "2017-02-06", "2016-04-05"]
    assert all("date_spreadsheet_day" in {w.code for w in doc.warnings} for doc in docs)


def test_a_header_naming_no_title_over_values_that_are_none_is_still_a_clear_error(tmp_path):
    path = tmp_path / "cities.csv"
    path.write_text("城市,时间,url\n太原,42606,https://www.tuliu.com/read-45072.html\n", "utf-8")
    [error] = list(read_file(path))
    assert isinstance(error, ReadError) and "no title column" in str(error)


def test_the_title_column_is_the_one_whose_values_read_as_titles():
    rows = [
        {"城市": "太原", "文件": "关于化解房地产库存的实施意见", "备注": "见附件"},
        {"城市": "成都", "文件": "成都实施人才优先发展战略行动计划", "备注": ""},
    ]
    assert csv_reader.title_column(["城市", "文件", "备注"], rows) == "文件"
    assert csv_reader.title_column(["城市", "备注"], rows) == ""


def test_a_row_that_breaks_while_the_title_column_is_sought_keeps_the_rows_before_it(tmp_path):
    """A malformed row among the rows looked at: the rows before it are read, the break is reported at its row."""
    bounds = dataclasses.replace(DEFAULTS, max_doc_chars=100)
    path = tmp_path / "policy.csv"
    long_cell = "长" * (csv_reader.FIELD_FACTOR * bounds.max_doc_chars + 10)
    path.write_text(f'城市,文件,时间\n太原,关于化解房地产库存的实施意见,42606\n成都,"{long_cell}",42644\n', "utf-8")
    items = list(csv_reader.read(path, bounds))
    assert isinstance(items[0], RawRecord) and items[0].fields["title"] == "关于化解房地产库存的实施意见"
    assert isinstance(items[-1], ReadError) and "row 3" in str(items[-1]) and "field limit" in str(items[-1])


@pytest.mark.parametrize(
    ("value", "iso"),
    [("42606", "2016-08-24"), (42606, "2016-08-24"), ("43225.5", "2018-05-05"), ("２９２２１", "1980-01-01")],
)
def test_a_spreadsheets_day_number_is_its_date(value, iso):
    assert spreadsheet_day(value) == ParsedDate(iso)


@pytest.mark.parametrize("value", ["2021", "20210120", "1619712000", "29220", "12345", "99999", "4260", True, None])
def test_what_is_no_spreadsheet_day(value):
    assert spreadsheet_day(value) is None


def test_a_day_number_is_read_only_where_a_date_is_labelled():
    """parse_date (the search box's and every value's reader) leaves five digits alone; a 时间 field reads them."""
    assert parse_date("42606") is None
    iso, findings = date_step("pub_date", "42606", date(2026, 1, 1))
    assert iso == "2016-08-24" and [f.code for f in findings] == ["date_spreadsheet_day"]
    assert date_step("pub_date", "12345", date(2026, 1, 1))[1][0].code == "bad_date"


# Record 17 of Kira-yoshikage-d/spider-gov Hue/test/nanjing.json (commit 601c996a), as saved.
TRS_IGS_RECORD = {
    "filenum": "",
    "fbjg": "江宁区统计局",
    "docreltime": "2020-06-09T03:07:00.000Z",
    "cat": "统计分析 | 其他 | 其他",
    "ridxid": "013053208/2020-49916",
    "trs_type": "信息公开",
    "trs_time": "2020-06-09T03:07:00.000Z",
    "_id": "wzqsearch-v20190124,infomation,2596725",
    "title": "1—5月全区规模以上工业能源消费增长1.0%",
    "trs_site": "南京市人民政府",
    "_searchDataDisplayId": "6",
    "url": "http://www.nanjing.gov.cn/zdgk/202006/t20200611_1911033.html",
}


def test_a_site_group_search_records_class_and_index_no(tmp_path):
    path = tmp_path / "nanjing.json"
    path.write_text(json.dumps([TRS_IGS_RECORD], ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert doc.category_scheme == "统计分析" and "统计分析" in doc.categories
    assert doc.index_no is not None and doc.index_no.raw == "013053208/2020-49916"
    assert (doc.publisher, doc.pub_date, doc.doc_no) == ("江宁区统计局", "2020-06-09", "")


# The same policy list's rows as a JSON dump writes them (the robustness test's "a JSON array"): no body beside
# the title, which only its value names.
HOUSING_ROW = {
    "城市": "哈尔滨",
    "文件": "关于印发哈尔滨英才集聚计划实施方案的通知",
    "时间": "42772",
    "url": "http://www.harbin.gov.cn/art/2017/3/9/art_2582_61935.html",
}


def test_a_list_records_one_title_like_value_beside_its_date_is_its_title(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps([HOUSING_ROW], ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.pub_date) == ("关于印发哈尔滨英才集聚计划实施方案的通知", "2017-02-06")


def test_two_title_like_values_without_a_body_give_no_title_by_value():
    from index.keyparts import fields_by_value

    pairs = [("文件", "关于印发哈尔滨英才集聚计划实施方案的通知"), ("备注", "哈尔滨市人民政府办公厅转发的通知")]
    assert "title" not in fields_by_value(pairs, {"pub_date": "2017-02-06"})
    assert "title" not in fields_by_value(pairs[:1], {})  # neither a date nor an address beside it


def test_a_records_fields_under_an_elasticsearch_source_are_read(tmp_path):
    """``_source`` reads as ``source`` (a publisher's label); a store's own member is never a field's value."""
    path = tmp_path / "hits.json"
    hits = {"hits": {"total": 1, "hits": [{"_index": "policy", "_id": "12", "_score": 1.5, "_source": HOUSING_ROW}]}}
    path.write_text(json.dumps(hits, ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.pub_date, doc.publisher) == ("关于印发哈尔滨英才集聚计划实施方案的通知", "2017-02-06", "")


def test_a_search_hits_highlighted_fragments_are_no_field_values(tmp_path):
    """Elasticsearch's ``highlight`` holds cut pieces of the hit's own values (``<em>…</em>`` and the next few
    characters): a fragment of a key (an issuer summary: YushenSun/china-policy-intelligence-rag's ``issuer``) never
    fills the field its shortened value would read as; the key's own value may (its names, the note in brackets
    after them left: keyparts.without_note)."""
    source = {
        "title": "2025年稳外资行动方案",
        "pubDate": "2025-04-03",
        "url": "https://www.mofcom.gov.cn/zcfb/art_1.html",
        "content": "为深入贯彻落实党中央、国务院决策部署，更大力度稳外资，制定本行动方案。\n一、扩大开放领域。",
        "issuer": "商务部、国家发展和改革委员会（国务院办公厅转发）",
    }
    hit = {"_index": "policy", "_id": "12", "_score": 1.5, "_source": source}
    hit["highlight"] = {"issuer": ["<em>商务部、国家</em>发展和改革委"], "title": ["<em>2025</em>年稳外资"]}
    path = tmp_path / "hits.json"
    path.write_text(json.dumps({"hits": {"total": 1, "hits": [hit]}}, ensure_ascii=False), "utf-8")
    [record] = read_file(path)
    assert isinstance(record, RawRecord)
    # the issuer's names or nothing; never the fragment 商务部、国家发展和改革委
    assert record.fields.get("publisher") in (None, "商务部、国家发展和改革委员会"), record.fields
    assert record.fields["title"] == "2025年稳外资行动方案"


def test_a_caption_line_above_the_header_is_skipped_and_rows_keep_their_numbers(tmp_path):
    """A spreadsheet saved as CSV with its caption above the header (``政策文件汇总表,,,``)."""
    path = tmp_path / "policy.csv"
    path.write_bytes("房地产政策汇总表,,,\r\n".encode("gb18030") + HOUSING)
    items = list(read_file(path))
    assert [item.locator for item in items] == ["row 3", "row 4", "row 5"]
    assert all(isinstance(item, RawRecord) for item in items)
    assert items[0].fields["title"] == "关于化解房地产库存的实施意见"


def test_a_line_of_several_cells_above_a_header_is_no_caption():
    assert csv_reader.header_line(["标题,时间", "关于某事的通知,2021-01-20"]) == 0
    assert csv_reader.header_line(["汇总表", "", "标题,时间"]) == 2
    assert csv_reader.header_line(["甲,乙", "标题,时间"]) is None


@pytest.mark.parametrize(
    ("value", "field", "kept"),
    [
        ("来源：福建省生态环境厅", "publisher", "福建省生态环境厅"),
        ("发布时间：2025-10-30 14:12:00", "pub_date", "2025-10-30 14:12:00"),
        ("发布时间: 20230629", "pub_date", "20230629"),
        ("文号：闽环保〔2025〕3号", "doc_no", "闽环保〔2025〕3号"),
        ("通知：关于开展安全检查的通知", "title", "通知：关于开展安全检查的通知"),  # 通知 is no label
        ("来源：福建省生态环境厅", "pub_date", "来源：福建省生态环境厅"),  # another field's label stays
        ("来源：", "publisher", "来源："),
    ],
)
def test_a_values_own_page_label_in_front_of_it_is_dropped(value, field, kept):
    from index.labels import without_own_label

    assert without_own_label(value, field) == kept


def test_a_crawlers_scraped_values_with_their_labels_read_as_the_values(tmp_path):
    record = {
        "title": "地方党政领导干部生态环境保护责任制规定（试行）",
        "publish_time": "发布时间：2025-10-30 14:12:00",
    }
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{**record, "source": "来源：福建省生态环境厅"}], ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert (doc.pub_date, doc.publisher) == ("2025-10-30", "福建省生态环境厅")


# A crawler's item as jas0no7/local_spider_jason writes them (fujian_env_policies.json), with its attachments listed
# the ways exports list them.
ITEM = {
    "label": "政策法规",
    "title": "地方党政领导干部生态环境保护责任制规定（试行）",
    "publish_time": "2025-10-30 14:12:00",
    "content": "第一条 为了强化地方党政领导干部生态环境保护责任，制定本规定。第二条 本规定适用于地方党委和政府。",
}


@pytest.mark.parametrize(
    ("attachments", "names"),
    [
        ([{"name": "附件1：责任清单.pdf", "url": "./P020251030.pdf"}], ["附件1：责任清单.pdf"]),
        (
            {"附件1：责任清单.pdf": "./P020251030.pdf", "附件2：名单.xls": "./P020251031.xls"},
            ["附件1：责任清单.pdf", "附件2：名单.xls"],
        ),
        ([["附件1：责任清单.pdf", "http://sthjt.fujian.gov.cn/P020251030.pdf"]], ["附件1：责任清单.pdf"]),
        ([["./P020251030.pdf", "附件1：责任清单.pdf"]], ["附件1：责任清单.pdf"]),
        (
            '<p><a href="./P020251030.pdf" title="x">附件1：责任清单.pdf</a></p>'
            "<a href='./P2.xls'>附件2：<b>名单</b>.xls</a>",
            ["附件1：责任清单.pdf", "附件2：名单.xls"],
        ),
        (["http://sthjt.fujian.gov.cn/P020251030.pdf"], ["P020251030.pdf"]),
    ],
    ids=["objects", "names to addresses", "pairs", "pairs address first", "HTML anchors", "addresses"],
)
def test_attachments_however_an_export_lists_them_keep_their_names(tmp_path, attachments, names):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{**ITEM, "attachment": attachments}], ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert [a.name for a in doc.attachments] == names
    assert not [w for w in doc.warnings if w.field == "attachments"]


def test_scrapys_file_urls_are_the_attachments(tmp_path):
    item = {
        **ITEM,
        "file_urls": ["http://sthjt.fujian.gov.cn/P020251030.pdf"],
        "files": [{"url": "x", "path": "full/a.pdf"}],
    }
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n", "utf-8")
    [doc] = _documents(path)
    assert [a.name for a in doc.attachments] == ["P020251030.pdf"]


def test_an_object_of_an_attachments_own_parts_is_no_list_of_names():
    from index.fieldvalues import field_value

    value, findings = field_value("attachments", {"fileName": "附件1.pdf", "fileUrl": "./a.pdf"})
    assert value == [{"fileName": "附件1.pdf", "fileUrl": "./a.pdf", "name": "附件1.pdf", "url": "./a.pdf"}]
    assert not findings


def test_values_as_scrapys_getall_lists_are_read_in_a_response_and_in_a_csv(tmp_path):
    """A crawler's item of ``.getall()`` lists, saved in a response (its title a list: still a document) and by
    pandas as CSV (each cell a Python list: ``['…']``; a list of placeholders is empty)."""
    item = {"title": [ITEM["title"]], "publish_time": [ITEM["publish_time"]], "content": ITEM["content"].split("。")}
    path = tmp_path / "items.json"
    path.write_text(json.dumps({"data": {"list": [item]}}, ensure_ascii=False), "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.pub_date) == (ITEM["title"], "2025-10-30")
    path = tmp_path / "items.csv"
    path.write_text(f"title,publish_time,附件链接\n\"['{ITEM['title']}']\",['2025-10-30'],['无附件链接']\n", "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.pub_date, doc.attachments) == (ITEM["title"], "2025-10-30", [])
