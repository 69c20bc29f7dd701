"""Labels and export keys: 有效性 under every name with its values normalised, platform export keys
(gkmlpt, the gov.cn policy library, TRS), metadata printed above a body, a heading as the title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.labels import canonical_field, line_pairs, map_fields
from index.normalise import normalise, normalise_validity
from index.readers import read_file
from index.record import RawRecord, ReadError


def _documents(path: Path):
    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)]
    return [normalise(item) for item in items]


def _json(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(list(records), ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize(
    "label",
    ["有效性", "是否有效", "时效", "时效性", "时效状态", "效力", "效力状态", "效力状况", "有效状态", "文件效力"],
)
def test_validity_under_every_name(label):
    assert canonical_field(label) == "validity"
    assert canonical_field(f"{label[0]} {label[1:]}") == "validity"  # spaced as pages print labels


@pytest.mark.parametrize(
    ("written", "meaning"),
    [
        ("有效", "有效"),
        ("现行有效", "有效"),
        (" 有效 ", "有效"),
        ("是", "有效"),
        ("失效", "失效"),
        ("已失效", "失效"),
        ("已过期", "失效"),
        ("否", "失效"),
        ("废止", "废止"),
        ("已废止", "废止"),
        ("已废除", "废止"),
        ("已修改", "已修改"),
        ("已修订", "已修改"),
        ("部分失效", "已修改"),
        ("尚未生效", "尚未生效"),
        ("", ""),
        ("待定", "待定"),
    ],
)
def test_validity_values_normalised(written, meaning):
    assert normalise_validity(written) == meaning


def test_validity_in_json_and_page_text(tmp_path):
    [doc] = _documents(
        _json(tmp_path, {"标题": "关于废止若干文件的决定", "时效状态": "现行有效", "正文": "决定如下。"})
    )
    assert doc.validity == "有效"
    page = tmp_path / "page.txt"
    page.write_text("名称 关于某事的通知\n索引号 014319733/2019-00001\n效力状况 已废止\n\n正文。\n", "utf-8")
    [doc] = _documents(page)
    assert doc.validity == "废止"


GKMLPT_ARTICLE = {
    "id": 963149,
    "title": "阳江市住房和城乡建设局关于印发工程造价管理办法的通知",
    "identifier": "11441700MB2C37829K/2026-00123",
    "document_number": "阳建〔2026〕12号",
    "publisher": "阳江市住房和城乡建设局",
    "keywords": "工程造价",
    "date": 1781539200,
    "display_publish_time": 1781798400,
    "created_at": "2026-06-18 09:30:00",
    "abstract": "规范工程造价信息管理。",
    "classify_main_name": "规范性文件",
    "classify_theme_name": "城乡建设、环境保护",
    "classify_genre_name": "通知",
    "url": "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/content/0/963/post_963149.html",
    "post_url": "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/content/0/963/post_963149.html",
    "is_expired": 0,
    "is_abolished": 1,
    "attachment": [
        {"id": 88389, "name": "办法全文.pdf", "url": "http://www.yangjiang.gov.cn/yjzjj/attachment/963149.pdf"}
    ],
    "relation": "[]",
}


def test_a_gkmlpt_api_article(tmp_path):
    [doc] = _documents(_json(tmp_path, GKMLPT_ARTICLE))
    assert doc.index_no.raw == "11441700MB2C37829K/2026-00123"
    assert doc.doc_no == "阳建〔2026〕12号"
    assert (doc.category_scheme, doc.category_topic, doc.category_genre) == ("规范性文件", "城乡建设、环境保护", "通知")
    assert doc.summary == "规范工程造价信息管理。"
    assert doc.pub_date == "2026-06-19"  # display_publish_time, a timestamp read in China time
    assert doc.validity == "废止"
    assert [a.name for a in doc.attachments] == ["办法全文.pdf"]
    assert "date_timestamp" in {w.code for w in doc.warnings}


def test_gkmlpt_flags_say_valid_when_neither_is_set(tmp_path):
    [doc] = _documents(_json(tmp_path, {**GKMLPT_ARTICLE, "is_abolished": 0}))
    assert doc.validity == "有效"
    [doc] = _documents(_json(tmp_path, {**GKMLPT_ARTICLE, "is_abolished": 0, "is_expired": 1}))
    assert doc.validity == "失效"


def test_a_gov_cn_policy_library_item(tmp_path):
    item = {
        "title": "国务院办公厅关于加强城市内涝治理的实施意见",
        "pcode": "国办发〔2021〕11号",
        "puborg": "国务院办公厅",
        "pubtimeStr": "2021.04.25",
        "index": "000014349/2021-00041",
        "childtype": "城乡建设、环境保护\\城市规划",
        "subjectword": "城乡建设 城市规划 意见",
        "summary": "加强城市内涝治理。",
        "url": "https://www.gov.cn/zhengce/content/2021-04/25/content_5601954.htm",
    }
    [doc] = _documents(_json(tmp_path, item))
    assert (doc.doc_no, doc.publisher, doc.pub_date) == ("国办发〔2021〕11号", "国务院办公厅", "2021-04-25")
    assert doc.id == "000014349/2021-00041"
    assert doc.category_topic == "城乡建设、环境保护\\城市规划"
    assert doc.keywords == ["城乡建设", "城市规划", "意见"]


def test_trs_wcm_keys():
    fields, unknown = map_fields(
        [("DOCTITLE", "关于某事的通知"), ("DOCPUBTIME", "2017-04-25 15:00:00"), ("DOCSOURCENAME", "四川省政府")]
        + [("DOCCONTENT", "正文"), ("DOCPUBURL", "http://x.gov.cn/a.html")]
    )
    assert unknown == []
    assert fields == {
        "title": "关于某事的通知",
        "pub_date": "2017-04-25 15:00:00",
        "publisher": "四川省政府",
        "body": "正文",
        "url": "http://x.gov.cn/a.html",
    }


@pytest.mark.parametrize("value", [0, 17, "3", "6f1c2a9e-9d3b-4c3e-8f1a-2b7d9e0c4a55"])
def test_a_row_number_or_uuid_under_index_is_no_index_no(value):
    fields, _ = map_fields([("index", value), ("identifier", value), ("title", "t")])
    assert "index_no" not in fields


def _record(**fields) -> RawRecord:
    return RawRecord(source="export.json", locator="record 1", fields=fields)


def test_metadata_printed_above_the_body_leaves_it_and_the_heading_is_the_title():
    body = (
        "关于做好2024年防汛工作的通知\n\n发布时间：2024-05-06 来源：某市水利局 浏览次数：12\n\n"
        "各县区水利局：\n\n现将有关事项通知如下。"
    )
    doc = normalise(_record(body=body))
    assert doc.title == "关于做好2024年防汛工作的通知"
    assert doc.body == "各县区水利局：\n\n现将有关事项通知如下。"
    assert (doc.pub_date, doc.publisher) == ("2024-05-06", "某市水利局")
    assert "no_title" not in {w.code for w in doc.warnings}


def test_the_label_table_repeated_as_text_leaves_the_body():
    body = (
        "索引号：014319733/2024-00007 分类：工作计划\n\n发布机构：某市民政局 发文日期：2024-03-01\n\n"
        "名称：某市民政局2024年工作要点\n\n文号\n\n某民发〔2024〕3号\n\n一、总体要求。"
    )
    doc = normalise(_record(title="某市民政局2024年工作要点", body=body, publisher="宿迁市民政局"))
    assert doc.body == "一、总体要求。"
    assert doc.doc_no == "某民发〔2024〕3号"
    assert doc.publisher == "宿迁市民政局"  # the source's own label wins over the body's copy
    assert doc.index_no.normalised == "014319733/2024-00007"


@pytest.mark.parametrize(
    "body",
    [
        "时间：上午九点\n\n请各单位准时参加。",
        "来源于群众，服务于群众。\n\n正文。",
        "各县区：\n\n发布时间：2024-05-06\n\n正文。",  # not at the start
    ],
)
def test_ordinary_text_that_starts_like_a_label_stays(body):
    doc = normalise(_record(title="通知", body=body))
    assert doc.body == body


def test_a_heading_above_page_text_labels_is_the_title(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "某市教育局\n关于做好2024年招生工作的通知\n索引号 014319733/2024-00011 分类 工作通知\n"
        "发布机构 某市教育局 公开日期 2024年05月06日\n\n各学校：\n\n做好招生工作。\n",
        "utf-8",
    )
    [doc] = _documents(page)
    assert (doc.title, doc.site) == ("关于做好2024年招生工作的通知", "某市教育局")


def test_a_heading_above_html_metadata_is_the_title(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>某市人民政府</title></head><body><h1>某市人民政府</h1>"
        "<h2>某市人民政府关于公布2024年重点项目的通知</h2>"
        "<table><tr><td>索引号：014319733/2024-00012</td><td>发布机构：某市人民政府</td></tr>"
        "<tr><td>发布日期：2024-02-01</td><td>文号：某政发〔2024〕2号</td></tr></table>"
        "<div class='content'><p>各县区人民政府：现将2024年重点项目公布如下，请抓好落实。</p></div></body></html>",
        "utf-8",
    )
    [doc] = _documents(page)
    assert doc.title == "某市人民政府关于公布2024年重点项目的通知"


def test_line_pairs_with_unknown_labels_end_values():
    assert line_pairs("发布时间：2020-01-01 作者：张三 来源：市政府", unknown=True) == [
        ("发布时间", "2020-01-01"),
        ("作者", "张三"),
        ("来源", "市政府"),
    ]
