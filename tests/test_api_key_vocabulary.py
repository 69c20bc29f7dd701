"""The key names real provincial and ministry search APIs give their records (issue 17, item 3), each read as the
field it names. The spellings are the ones public crawlers of those APIs read (README "What it reads"):

- Hanweb 智能检索 (ah.gov.cn anhuisousuoserver ``searchDataList``; qingting04/Policy_Document_Crawler
  province/AnHui.py): ``title``, ``createDate``, ``fileNum``, ``classNames``, ``columnName``, ``link``;
- 河南 searchapi.henan.gov.cn (province/HeNan.py): ``createDate``, ``docNum``, ``docAgency``, ``selfUrl``;
- gov.cn 政策文件库 (province/GuoWuYuan.py): ``puborg`` — whose 发文机关 may be a 领导小组;
- TRS 海云 searchList (csrc.gov.cn, chinatax.gov.cn): ``channelName`` (a column), ``domainMetaList`` keys ``wh`` or
  ``wjbh``;
- camelCase APIs: ``infoTitle``, ``publishedAt``; crawler records of them ``issuing_body``.

The values are real records of the fidelity collection's tune exports (housing-policy-cities.csv, 839-Studio/
housing-price-policy; jyy-monthly-implement.jsonp, jiazhangyao/jyy; govcn-zhengceku-list.csv).
"""

from __future__ import annotations

import json

import pytest

from bench.fidelity import stored_values
from index.fieldvalues import field_value
from index.ingest import IngestReport, read_document
from index.keyparts import field_by_parts
from index.labels import canonical_field, map_fields
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import RawRecord


def _read(tmp_path, response: dict) -> list[dict[str, object]]:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    documents = []
    for item in read_file(path, DEFAULTS):
        if isinstance(item, RawRecord) and (doc := read_document(item, DEFAULTS, IngestReport())) is not None:
            documents.append(stored_values(doc))
    return documents


def test_a_create_date_holding_a_spreadsheets_day_number_is_the_date(tmp_path):
    """A policy list saved from Excel keeps 时间 as day numbers (42606); under a Hanweb 智能检索 record's createDate
    the day number is as much a date as under the 时间 label."""
    response = {
        "data": {
            "data": [
                {
                    "title": "关于化解房地产库存的实施意见",
                    "createDate": "42606",
                    "link": "https://www.tuliu.com/read-45072.html",
                }
            ],
            "total": 1,
        }
    }
    (doc,) = _read(tmp_path, response)
    assert doc["pub_date"] == "2016-08-24"


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("publishedAt", "pub_date"),
        ("published_at", "pub_date"),
        ("releasedAt", "pub_date"),
        ("updatedAt", None),  # a record's last edit, no publication
        ("lookAt", None),
        ("issuingBody", "publisher"),
        ("issuing_body", "publisher"),
        ("infoContent", "body"),
    ],
)
def test_a_keys_words_name_its_field(key, field):
    assert field_by_parts(key) == field


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("chengwenDate", "written_date"),  # 成文日期: the full-pinyin twin of cwrq
        ("CHENGWEN_RIQI", "written_date"),
        ("fawenRiqi", "written_date"),  # 发文日期, as the label table reads fawenriqi
        ("fabuRiqi", "pub_date"),
        ("fabuShijian", "pub_date"),
        ("shixiaoRiqi", None),  # 失效日期: no publication date
        ("gengxinShijian", None),  # 更新时间
        ("fawenZihao", "doc_no"),
        ("fabuJigou", "publisher"),
        ("fabuJigouMingcheng", "publisher"),  # the office's name, not the document's
        ("zhutiFenlei", "category"),
        ("lanmuMingcheng", None),  # a column's name
        ("wenjianBiaoti", "title"),
        ("zhengwenNeirong", "body"),
        ("zhaiyaoNeirong", None),  # a summary's text, not the body
    ],
)
def test_a_keys_full_pinyin_words_name_its_field_as_its_initials_do(key, field):
    """Keys spelled in full pinyin words (``chengwenDate``, ``fabu_jigou``) name the fields their initials name
    (``cwrq``, ``fbjg``): the label table already reads one-word ``chengwenriqi``, ``fabujigou``."""
    assert field_by_parts(key) == field


def test_a_record_in_full_pinyin_keys_gives_its_written_date_apart_from_its_publication(tmp_path):
    """A record under camelCase full-pinyin keys: its 成文日期 is not taken for the 发布日期, its issuer is read."""
    response = {
        "data": {
            "records": [
                {
                    "wenjianBiaoti": "关于做好2024年城乡居民基本医疗保险工作的通知",
                    "fawenZihao": "医保发〔2024〕19号",
                    "fabuJigou": "国家医疗保障局",
                    "chengwenDate": "2024-07-18",
                    "fabuRiqi": "2024-07-24",
                }
            ]
        }
    }
    (doc,) = _read(tmp_path, response)
    assert (doc["doc_no"], doc["publisher"]) == ("医保发〔2024〕19号", ["国家医疗保障局"])
    assert (doc["written_date"], doc["pub_date"]) == ("2024-07-18", "2024-07-24")


def test_a_short_title_under_a_title_key_is_the_title(tmp_path):
    """A title a list cut short (我市对) or one ending like an office's name (…交流会) is still the title where its key
    says title (infoTitle), though no ``…Name`` key would be read so."""
    response = {
        "data": {
            "list": [
                {
                    "id": 7,
                    "infoTitle": "新区规划与国土局组织召开CIM技术交流会",
                    "publishedAt": "2019-01-11",
                    "url": "http://njna.nanjing.gov.cn/xwzx/bmdt/201901/t20190111_1371616.html",
                },
                {"infoTitle": "我市对", "publishedAt": "2015-10-16", "url": "http://www.zhuzhou.gov.cn/c15124/i1.html"},
            ]
        }
    }
    first, second = _read(tmp_path, response)
    assert (first["title"], first["pub_date"]) == ("新区规划与国土局组织召开CIM技术交流会", "2019-01-11")
    assert (second["title"], second["pub_date"]) == ("我市对", "2015-10-16")


def test_a_name_key_still_needs_a_titles_shape():
    """``…Name`` also names offices and people: a name key's office-like value is no title."""
    fields, _ = map_fields([("deptName", "新区规划与国土局"), ("resourceName", "新区规划与国土局")], guess=True)
    assert "title" not in fields


GROUP = "中央应对新型冠状病毒感染肺炎疫情工作领导小组"


def test_a_leading_group_is_a_publisher():
    """gov.cn 政策文件库 lists 中央应对新型冠状病毒感染肺炎疫情工作领导小组 as a 发文机关; under a key read by its words
    (publishDepartment, docAgency) it is the publisher."""
    for key in ("publishDepartment", "docAgency"):
        fields, _ = map_fields(
            [
                ("title", GROUP + "关于全面落实疫情防控一线城乡社区工作者关心关爱措施的通知"),
                (key, GROUP),
            ],
            guess=True,
        )
        assert fields["publisher"] == GROUP, key


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("classNames", "category"),  # Hanweb 智能检索's 主题分类
        ("channelName", "column"),  # TRS 海云's channel: a column, never a 分类
        ("selfUrl", "url"),  # 河南 searchapi
        ("wjbh", "doc_no"),  # 文件编号 in pinyin initials
    ],
)
def test_real_api_keys_are_in_the_label_table(key, field):
    assert canonical_field(key) == field


@pytest.mark.parametrize(
    "value",
    [
        "来源：国务院办公厅",  # the page's label a crawler kept in front
        ["国务院办公厅"],  # Scrapy's getall()
        {"name": "发布机构", "value": "国务院办公厅"},  # a row of the page's label table
    ],
)
def test_a_value_under_a_key_read_by_its_words_is_judged_as_its_field_reads_it(value):
    """A key no label names (publishDepartment, Hanweb 智能检索) is judged on the value its field will hold, as a
    labelled key's value is read: found by renaming the tune exports' keys together with these value shapes."""
    fields, _ = map_fields(
        [("title", "国务院办公厅关于印发全国深化“放管服”改革工作要点的通知"), ("publishDepartment", value)], guess=True
    )
    assert field_value("publisher", fields["publisher"])[0] == "国务院办公厅"


def test_a_numbered_notice_under_a_title_key_is_the_title(tmp_path):
    # A 通告 titled by its issuer and number (广州.csv, LonelyQuantum/CovidPolicy_Spider: fidelity exports9.json)
    # was read as a 文号 alone under infoTitle, and the record gave no document.
    title = "广州市防控新型冠状病毒感染的肺炎疫情工作指挥部通告（第1号）"
    [doc] = _read(
        tmp_path, {"data": [{"infoTitle": title, "publishedAt": "2020-01-26", "pubOrgName": "广州市卫生健康委员会"}]}
    )
    assert doc["title"] == title
    assert map_fields([("infoTitle", "穗府〔2020〕1号")], guess=True)[0].get("title") is None  # a bare 文号 is none


def test_an_offices_website_under_a_publisher_key_is_the_office(tmp_path):
    # 来源 国家卫生健康委员会网站 (广州.csv) is the office under any key naming a publisher, as under 来源.
    record = {"title": "关于依法科学精准做好新冠肺炎疫情防控工作的通知", "createDate": "2020-02-27"}
    for key in ("source", "publishDepartment", "docAgency"):
        [doc] = _read(tmp_path, {"data": [{**record, key: "国家卫生健康委员会网站"}]})
        assert doc["publisher"] == ["国家卫生健康委员会"], key
    [doc] = _read(tmp_path, {"data": [{**record, "docAgency": "中国政府网"}]})  # a portal names no office
    assert doc["publisher"] in ("", [])
