"""Kinds of real API responses the readers got wrong (issue 17, round 6).

- One response's records split over lists side by side, by a class of their own: a JSONP digest API's
  ``data.centralPolicies`` and ``data.localPolicies``, each record ``{id, title, publisher, time, url}``
  (jiazhangyao/jyy tests/h5/public/api/monthly/201903/1/1.js; the fidelity collection,
  tests/fidelity/manifest.d/exports6.json). Only the longer list was read: the five central records were lost.
"""

from __future__ import annotations

import gzip
import json

from helpers import read_documents, real_inputs

from bench.fidelity import COLLECTION


@real_inputs
def test_records_split_over_lists_side_by_side_are_all_read(tmp_path):
    path = tmp_path / "jyy-monthly-policies.jsonp"
    path.write_bytes(gzip.decompress((COLLECTION / "pages/jyy-monthly-policies.jsonp.gz").read_bytes()))
    docs = read_documents(path)
    assert len(docs) == 5 + 16  # centralPolicies, then localPolicies, in the response's order
    assert docs[1].title == "区块链信息服务管理规定"
    assert docs[1].publisher == "国家互联网信息办公室"
    assert docs[1].pub_date == "2019-01-10"
    assert docs[5].title == "国务院关于河北雄安新区总体规划（2018-2035年）的批复"
    assert docs[-1].title == "广州市不动产登记资料查询办法"


def test_a_list_of_another_shape_beside_the_records_is_not_read_as_records(tmp_path):
    record = {"title": "关于印发《办法》的通知", "pubDate": "2023-05-06", "url": "http://a.gov.cn/1.html"}
    response = {
        "data": {
            "list": [record, {**record, "title": "关于开展检查的通知", "url": "http://a.gov.cn/2.html"}],
            "hot": [{"title": "热点", "hits": 12}],  # a list of other keys: the page's side panel, no record
        }
    }
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    assert [doc.title for doc in read_documents(path)] == ["关于印发《办法》的通知", "关于开展检查的通知"]


def test_a_class_code_with_its_name_beside_it_is_read_for_the_genre_and_the_style(tmp_path):
    # 天津's 政策文件 search API (www.tj.gov.cn/igs/front/search/list.html, index zcwj-index-200424) gives each
    # record's 文种分类 as a code beside its name, WZFL and WZFL_name, and filters on WZFL_name, as the public
    # crawlers that read it request it; TRS 海云 platforms give 体裁分类 as TCFL beside TCFL_name the same way.
    record = {
        "BT": "天津市人民政府关于印发天津市某某管理办法的通知",
        "ZW": "<p>各区人民政府，市政府各委、局：</p><p>现将《天津市某某管理办法》印发给你们，请照此执行。</p>",
        "FWJG": "0012",
        "FWJG_name": "天津市人民政府",
        "WZFL": "2",
        "WZFL_name": "行政规范性文件",
        "FBRQ": "2021-01-06 10:00:00",
    }
    path = tmp_path / "tj-zcwj.json"
    path.write_text(json.dumps({"page": {"content": [record, {**record, "TCFL": "05", "TCFL_name": "通知"}]}}), "utf-8")
    first, second = read_documents(path)
    assert first.category_genre == "行政规范性文件"
    assert first.publisher == "天津市人民政府"
    assert second.category_genre in ("行政规范性文件", "通知")  # one genre dimension: the nearer label wins
    assert "2" not in first.categories and "05" not in second.categories  # the codes are no class


def test_a_field_given_as_a_row_of_the_label_table_reads_as_its_value_and_a_named_object_as_its_name(tmp_path):
    record = {
        "title": "关于印发某某办法的通知",
        "fwzh": {"name": "发文字号", "value": "津政发〔2021〕1号"},
        "fbrq": {"label": "发布日期", "value": "2021-01-06"},
        "fbjg": {"id": 7, "name": "天津市人民政府"},  # names a value: its name is no label
        "content": "各区人民政府：现将有关事项通知如下。",
    }
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    [doc] = read_documents(path)
    assert (doc.doc_no, doc.pub_date, doc.publisher) == ("津政发〔2021〕1号", "2021-01-06", "天津市人民政府")


def test_a_nested_document_beside_two_lists_of_one_related_document_each_stays_the_document(tmp_path):
    related = {"title": "关于另一事项的通知", "pubDate": "2021-01-02", "url": "http://a.gov.cn/2.html"}
    response = {
        "code": 0,
        "data": {
            "title": "关于某事项的通知",
            "content": "各区人民政府：现将有关事项通知如下。请认真贯彻执行。",
            "pubDate": "2021-01-06",
        },
        "prevList": [related],
        "nextList": [{**related, "title": "关于第三事项的通知", "url": "http://a.gov.cn/3.html"}],
    }
    path = tmp_path / "detail.json"
    path.write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    assert [doc.title for doc in read_documents(path)] == ["关于某事项的通知"]
