"""Keys of provincial and ministry APIs found in public crawler code (issue 17, item 3): each test is built on the
shape a named crawler reads (its keys, nesting and callback, quoted with the repository and path); the values are
stand-ins of the kind those keys hold."""

from __future__ import annotations

import json

import pytest

from index.labels import canonical_field, map_fields
from index.normalise import normalise
from index.readers import read_file
from index.record import RawRecord, ReadError


def _documents(path):
    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)], items
    return [normalise(item) for item in items if isinstance(item, RawRecord)]


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("label", "field"),
    [
        # 银保监会 / 国家金融监督管理总局 DocInfo/SelectByDocId API: data.docClob (the body as HTML), data.docSource,
        # data.attachmentInfoVOList (bigcpp110/policy_crawl spiders/cbirc.py).
        ("docClob", "body"),
        ("docSource", "publisher"),
        ("attachmentInfoVOList", "attachments"),
        # 青海省人社厅 政策法规 API: zcfgs[].sendDate (bigcpp110/policy_crawl spiders/rst/all/qinghai.py).
        ("sendDate", "pub_date"),
        # 是否有效 in pinyin initials (北京 12366 知识库's ZLSFYX, below).
        ("sfyx", "validity"),
        # City search APIs read by Kira-yoshikage-d/spider-gov search_engine/search_engine/spiders/*.py: docDate and
        # viewUrl (gov search), articlePublishTime (周口), showdate (许昌), issue_time, resourceTitle, MetaDataTitle,
        # sourcename and lmname (TRS results), and 滨州's zfxxgk listQuery (fbdate, cwbdate, gwzl: 公文种类).
        ("docDate", "pub_date"),
        ("viewUrl", "url"),
        ("articlePublishTime", "pub_date"),
        ("showdate", "pub_date"),
        ("issue_time", "pub_date"),
        ("resourceTitle", "title"),
        ("MetaDataTitle", "title"),
        ("sourcename", "publisher"),
        ("lmname", "column"),
        ("fbdate", "pub_date"),
        ("cwbdate", "written_date"),
        ("gwzl", "category_genre"),
        # 文件标题 / 文件内容 and their pinyin initials, the columns of OA 发文 tables (B_OA_SendDoc.wjbt, wjnr, wh).
        ("文件标题", "title"),
        ("文件内容", "body"),
        ("wjbt", "title"),
        ("wjnr", "body"),
        # 公文 archives' 发文标题; 国家税务总局 法规库's metadata key for 发文单位.
        ("发文标题", "title"),
        ("writtendepartment", "publisher"),
    ],
)
def test_more_keys_real_apis_use(label, field):
    assert canonical_field(label) == field


def test_a_tables_prefix_on_every_key_is_read_through(tmp_path):
    """国家税务总局河南省税务局's 地方文件 API names each column after its table and answers in JSONP (bigcpp110/
    policy_crawl spiders/tax/all/henan.py: ``getNRGL_DFWJQT.do?callback=jQuery110204354242861982103_…``, then
    ``items["data"]``, ``item["DFWJ_BT"]``, ``item["DFWJ_NR"]``, ``item["DFWJ_FBRQ"]``). The records were rejected
    as having neither title nor body."""
    record = {
        "DFWJ_ID": "180615092227038",
        "LM_ID": "31001",
        "DFWJ_BT": "国家税务总局河南省税务局关于发布《税务行政处罚裁量基准》的公告",
        "DFWJ_FBRQ": "2018-06-15",
        "DFWJ_NR": "<p>为规范税务行政处罚裁量权，现将有关事项公告如下。</p>",
    }
    body = json.dumps({"data": [record, {**record, "DFWJ_ID": "2", "DFWJ_BT": "第二件"}]}, ensure_ascii=False)
    path = _write(tmp_path, "henan.json", f"jQuery110204354242861982103_1583827086500({body});")
    first, second = _documents(path)
    assert first.title == record["DFWJ_BT"] and second.title == "第二件"
    assert first.pub_date == "2018-06-15"
    assert first.body.startswith("为规范税务行政处罚裁量权")


def test_a_prefix_glued_to_upper_case_keys_is_read_through(tmp_path):
    """国家税务总局北京市税务局's 12366 知识库 search (2218084076/crawlers-tax-policy-data
    src/crawlers_tax_policy_data/example/beijing1.py: ``json.loads(response.text)['pageContent']``, then
    ``j['ZLCODE']``, ``j['ZLTITLE']``, ``j['ZLSFYX']``, ``j['ZLWH']``, ``j['ZLFBRQ']``)."""
    page = {
        "pageContent": [
            {
                "ZLCODE": "A0001",
                "ZLTITLE": "国家税务总局北京市税务局关于发布《发票管理办法》的公告",
                "ZLWH": "国家税务总局北京市税务局公告2019年第1号",
                "ZLSFYX": "否",
                "ZLFBRQ": "2019-01-02",
            },
            {"ZLCODE": "A0002", "ZLTITLE": "第二件", "ZLWH": "-", "ZLSFYX": "是", "ZLFBRQ": "2020-03-04"},
        ]
    }
    path = _write(tmp_path, "bj12366.json", json.dumps(page, ensure_ascii=False))
    first, second = _documents(path)
    assert first.title.startswith("国家税务总局北京市税务局关于发布")
    assert first.doc_no == "国家税务总局北京市税务局公告2019年第1号"
    assert (first.pub_date, first.validity) == ("2019-01-02", "失效")
    assert (second.doc_no, second.validity) == ("", "有效")  # "-" is a placeholder


def test_a_type_prefix_on_every_key_is_read_through(tmp_path):
    """山西省市场监管局's list API (bigcpp110/policy_crawl spiders/scjdj/all/shaanxi.py: ``items["list"]``,
    ``item["s_title"]``, ``item["s_content"]``, ``item["s_url"]``, ``item["d_fronttime"]`` in milliseconds)."""
    response = {
        "list": [
            {
                "s_title": "山西省市场监督管理局关于印发《市场主体登记管理办法》的通知",
                "s_content": "各市市场监督管理局：现将《办法》印发给你们，请认真贯彻执行。",
                "s_url": "http://scjgj.shanxi.gov.cn/zwgk/zcfg/202003/t20200310_1.shtml",
                "d_fronttime": 1583827086500,
            }
        ]
    }
    [doc] = _documents(_write(tmp_path, "shanxi.json", json.dumps(response, ensure_ascii=False)))
    assert doc.title.startswith("山西省市场监督管理局关于印发")
    assert doc.body.startswith("各市市场监督管理局")
    assert doc.url.endswith("t20200310_1.shtml")


def test_a_csv_header_with_a_tables_prefix_is_read(tmp_path):
    """The same 地方文件 columns saved as CSV: the header is known by its prefix too."""
    text = "DFWJ_ID,DFWJ_BT,DFWJ_FBRQ,DFWJ_NR\n1,关于发布某规定的公告,2018-06-15,现将有关事项公告如下。\n"
    [doc] = _documents(_write(tmp_path, "dfwj.csv", text))
    assert (doc.title, doc.pub_date) == ("关于发布某规定的公告", "2018-06-15")


@pytest.mark.parametrize(
    "pairs",
    [
        # A lone prefixed key is no evidence of a table prefix: a subtitle is no title.
        [("sub_title", "副标题"), ("content", "正文")],
        # 栏目名称 and 栏目 id share a prefix, but an id is no evidence: the column's name is no title.
        [("lm_mc", "通知公告"), ("lm_id", "31001"), ("lm_url", "http://example.gov.cn/tzgg/")],
        # A user's name and time under a shared prefix: words too generic to be read after a prefix.
        [("username", "张三"), ("usertime", "2020-01-01"), ("usercontent", "评论")],
    ],
)
def test_a_prefix_counts_only_where_the_records_own_keys_show_it(pairs):
    fields, _unknown = map_fields(pairs)
    assert "title" not in fields


def test_a_label_read_as_it_is_wins_over_one_read_without_a_prefix():
    fields, _unknown = map_fields([("s_title", "列表标题"), ("s_content", "正文"), ("title", "标题")])
    assert fields["title"] == "标题"


def test_a_ministrys_detail_response_gives_its_html_body_publisher_and_doc_no(tmp_path):
    """银保监会 / 金融监管总局 ``DocInfo/SelectByDocId/data_docId=….json`` (bigcpp110/policy_crawl spiders/cbirc.py:
    ``json.loads(html)["data"]``, ``item["docTitle"]``, ``item["docClob"]``, ``item["publishDate"]``,
    ``item["attachmentInfoVOList"]``): the body was lost, the record rejected for want of one."""
    response = {
        "data": {
            "docId": 1001,
            "docTitle": "银行保险机构消费者权益保护管理办法",
            "docSubtitle": "",
            "docClob": "<div><p>第一条　为加强银行保险机构消费者权益保护，制定本办法。</p>"
            "<p>第二条　本办法适用于银行保险机构。</p></div>",
            "docSource": "国家金融监督管理总局",
            "publishDate": "2023-03-01 10:30:00",
            "documentNo": "中国银保监会令2022年第9号",
            "attachmentInfoVOList": [],
        },
        "msg": "success",
        "rptCode": "200",
    }
    [doc] = _documents(_write(tmp_path, "docinfo.json", json.dumps(response, ensure_ascii=False)))
    assert doc.title == "银行保险机构消费者权益保护管理办法"
    assert doc.body.startswith("第一条") and "<p>" not in doc.body
    assert doc.publishers == ["国家金融监督管理总局"]
    assert (doc.pub_date, doc.doc_no) == ("2023-03-01", "中国银保监会令2022年第9号")


def test_a_city_information_api_response_with_millisecond_dates(tmp_path):
    """滨州's zfxxgk ``listQuery`` (Kira-yoshikage-d/spider-gov search_engine/search_engine/spiders/a滨州.py:
    ``response.json()['result']['records']``, ``item['title']``, ``item['fwjg']``, ``item['fbdate']`` in
    milliseconds; its query names ``syh``, ``cwbdate``, ``yxx`` and ``gwzl``)."""
    response = {
        "result": {
            "pages": 3,
            "records": [
                {
                    "id": "8a8a8a",
                    "title": "滨州市人民政府关于印发滨州市扬尘污染防治办法的通知",
                    "fwjg": "滨州市人民政府",
                    "syh": "11371600004347020D/2021-00123",
                    "fbdate": 1611100800000,
                    "cwbdate": "2021-01-15",
                    "yxx": "有效",
                    "gwzl": "通知",
                },
                {"id": "8a8a8b", "title": "第二件", "fwjg": "滨州市生态环境局", "fbdate": 1611187200000},
            ],
        }
    }
    first, second = _documents(_write(tmp_path, "binzhou.json", json.dumps(response, ensure_ascii=False)))
    assert first.title.startswith("滨州市人民政府关于印发") and second.title == "第二件"
    assert (first.pub_date, first.written_date) == ("2021-01-20", "2021-01-15")
    assert first.category_genre == "通知" and first.validity == "有效"
    assert first.publishers == ["滨州市人民政府"]


@pytest.mark.parametrize(
    "record",
    [
        # 大连 search (spiders/Dalian.py): item['xqtitle'], item['xqpudate'], item['xqurl'], item['lmname'].
        {
            "xqtitle": "大连市人民政府关于印发某办法的通知",
            "xqurl": "https://www.dl.gov.cn/art/1.html",
            "xqcontent": "各区市县",
        },
        # 张家口 search (spiders/a张家口.py): content_title, content_pageUrl, content_orgName, content_addTime.
        {
            "content_title": "大连市人民政府关于印发某办法的通知",
            "content_pageUrl": "https://www.dl.gov.cn/art/1.html",
            "content_orgName": "张家口市人民政府办公室",
        },
    ],
)
def test_a_search_apis_prefixed_keys_are_read_through(tmp_path, record):
    [doc] = _documents(_write(tmp_path, "search.json", json.dumps({"data": {"list": [record]}}, ensure_ascii=False)))
    assert doc.title == "大连市人民政府关于印发某办法的通知"
    assert doc.url == "https://www.dl.gov.cn/art/1.html"


def test_a_crawlers_text_dump_with_its_own_keys_is_read(tmp_path):
    """changwu/gov_spider export.py writes each article as ``title: …``, ``url: …``, ``author: …``, ``content:`` and
    the text (exports/2005-03-10.txt, an 国新办 page): the file was "not a recognised document format". Its author is
    the website the text was found on, which is no publisher."""
    text = (
        "title: 2005年3月10日外交部发言人孔泉在例行记者会上答记者问 \n"
        "url: http://www.scio.gov.cn/xwfbh/gbwxwfbh/xwfbh/wjb/Document/312477/312477.htm\n"
        "author: 国务院新闻办公室网站\n"
        "content: \n"
        "3月10日下午，外交部发言人孔泉主持例行记者会。\n"
        "谢谢大家出席今天的记者会。\n"
    )
    [doc] = _documents(_write(tmp_path, "2005-03-10.txt", text))
    assert doc.title == "2005年3月10日外交部发言人孔泉在例行记者会上答记者问"
    assert doc.url.endswith("312477.htm")
    assert doc.publishers == []
    assert doc.body.startswith("3月10日下午") and doc.body.endswith("谢谢大家出席今天的记者会。")


@pytest.mark.parametrize("body_line", ["content: 正文", "Id: 3", "http://www.scio.gov.cn/"])
def test_a_key_line_counts_only_where_it_starts_the_line_with_a_known_key(body_line):
    from index.labels import line_pairs

    assert line_pairs(body_line) == []  # page text and bodies never read an export's keys
    assert bool(line_pairs(body_line, keys=True)) == body_line.startswith("content:")


def test_a_policy_datasets_english_columns_are_read(tmp_path):
    """HUANGZHIHAO1994/GCCMPD-climate-policy-dataset code and files/files/GOV_PRC.csv: ``Policy, Year, Country,
    Policy_Content, URL, Scope, Source``; the file was rejected for want of a title column."""
    text = (
        "Policy,Year,Country,Policy_Content,URL,Scope,Source\n"
        "国务院关于保护国营矿业企业正常生产的决定,1982,China,国务院关于保护国营矿业企业正常生产的决定国发〔1982〕103号"
        "各省、市、自治区人民政府：近年来，一些单位和个人非法进入国营矿区。国务院一九八二年七月二十六日,"
        "http://www.gov.cn/zhengce/content/2018-04/13/content_5282177.htm,National,GOV_CHN\n"
    )
    [doc] = _documents(_write(tmp_path, "GOV_PRC.csv", text))
    assert doc.title == "国务院关于保护国营矿业企业正常生产的决定"
    assert doc.doc_no == "国发〔1982〕103号"
    assert doc.body.startswith("各省、市、自治区人民政府")
    assert doc.publishers == []  # GOV_CHN is the dataset's code, not a body


def test_a_tab_separated_export_named_csv_is_read_with_its_policy_labels(tmp_path):
    """JiangCheng-1/pachong1 data/policies.csv: tab-separated under a .csv name, headed 索引号, 发布机构, 政策标题,
    发布日期, 政策正文文本, 政策正文附件链接, with 无附件链接 where a row has no attachment. The file was rejected:
    "the header row names no known field"."""
    text = (
        "索引号\t发布机构\t政策标题\t发布日期\t政策正文文本\t政策正文附件链接\n"
        "006939748/2023-00283\t广东省人民政府\t广东省人民政府关于某规划的批复\t20230629\t中山市人民政府：现批复如下。\t无附件链接\n"
        "006939748/2023-00281\t广东省人民政府\t广东省人民政府关于某工程的通告\t20230628\t为做好某工程建设征地工作。\t"
        "http://www.gd.gov.cn/attachment/0/524/524503/4208058.pdf\n"
    )
    first, second = _documents(_write(tmp_path, "policies.csv", text))
    assert (first.title, first.index_no.raw, first.pub_date) == (
        "广东省人民政府关于某规划的批复",
        "006939748/2023-00283",
        "2023-06-29",
    )
    assert first.publishers == ["广东省人民政府"]
    assert first.attachments == []  # 无附件链接 is no attachment
    assert [a.url for a in second.attachments] == ["http://www.gd.gov.cn/attachment/0/524/524503/4208058.pdf"]


def test_a_crawlers_python_literal_dump_is_read(tmp_path):
    """xlwzz/policy_crawl spiders/tax/all/a.txt holds one 地方文件 record as the crawler printed it (``str(dict)``:
    keys in single quotes), its keys prefixed by table (DFWJ_) and by a qualifier (DFWJ_ZFWD_SYH: the 索引号), its
    body HTML that starts with a heading and keeps JSON-escaped closing tags (``<\\/P>``). It was "not valid JSON"."""
    record = (
        "{'DFWJ_YXX': '全文有效', 'DFWJ_BT': '关于阶段性减免企业社会保险费的实施意见', 'DFWJ_WH': '豫人社[2020]7号', "
        "'DFWJ_FWDW': '河南省人力资源和社会保障厅 河南省财政厅', 'DFWJ_FBRQ': '2020-03-05', "
        "'DFWJ_NR': '<H4>各省辖市人民政府：<\\\\/H4>\\r\\n<P>为贯彻落实党中央决策部署。<\\\\/P>', "
        "'DFWJ_ZFWD_SYH': '11410000005184611D/2020-07390', 'DFWJ_FWND': '2020'}"
    )
    for name, text in (("a.txt", record + "\n"), ("b.json", "[" + record + ", " + record + "]")):
        docs = _documents(_write(tmp_path, name, text))
        assert docs and all(doc.title == "关于阶段性减免企业社会保险费的实施意见" for doc in docs)
        doc = docs[0]
        assert (doc.doc_no, doc.index_no.raw, doc.validity) == (
            "豫人社〔2020〕7号",
            "11410000005184611D/2020-07390",
            "有效",
        )
        assert doc.publishers == ["河南省人力资源和社会保障厅", "河南省财政厅"]
        assert doc.body == "各省辖市人民政府：\n\n为贯彻落实党中央决策部署。"


@pytest.mark.parametrize("text", ["{'title': __import__('os')}", "{'title': 'x'", "[{'a': 1}, {'b': (lambda: 1)}]"])
def test_a_python_literal_runs_no_code_and_a_broken_one_is_a_clear_error(tmp_path, text):
    items = list(read_file(_write(tmp_path, "dump.json", text)))
    assert items and all(isinstance(item, ReadError) for item in items)
    assert "dump.json" in str(items[0])


@pytest.mark.parametrize(
    ("data", "titles"),
    [
        # A crawler's array of the result pages it fetched, each page as the API answered (bigcpp110/policy_crawl
        # spiders/cbirc.py walks ``json.loads(html)["data"]["rows"]`` page by page).
        (
            [
                {"page": 1, "data": {"rows": [{"docTitle": "一"}, {"docTitle": "二"}]}},
                {"page": 2, "data": {"rows": [{"docTitle": "三"}]}},
            ],
            ["一", "二", "三"],
        ),
        # Pages saved as lists of records, one list a page.
        ([[{"title": "甲"}, {"title": "乙"}], [{"title": "丙"}]], ["甲", "乙", "丙"]),
    ],
)
def test_an_array_of_saved_result_pages_gives_every_pages_records(tmp_path, data, titles):
    path = _write(tmp_path, "pages.json", json.dumps(data, ensure_ascii=False))
    assert [doc.title for doc in _documents(path)] == titles


def test_a_java_date_object_is_a_date(tmp_path):
    """Java-backed APIs serialised by json-lib give a date as the java.util.Date's fields (a crawler's record of such
    an API, pasted into a Java bean's comment in many public repositories: ``"publishTime": {"date": 18, "day": 1,
    "hours": 13, "minutes": 51, "month": 0, "nanos": 0, "seconds": 17, "time": 1453096277000, "timezoneOffset":
    -480, "year": 116}``). The date was dropped as a structured value."""
    record = {
        "title": "关于某事项的通知",
        "publishTime": {
            "date": 18,
            "day": 1,
            "hours": 13,
            "minutes": 51,
            "month": 0,
            "nanos": 0,
            "seconds": 17,
            "time": 1453096277000,
            "timezoneOffset": -480,
            "year": 116,
        },
    }
    [doc] = _documents(_write(tmp_path, "java.json", json.dumps({"data": {"list": [record]}}, ensure_ascii=False)))
    assert doc.pub_date == "2016-01-18"


# Keys the label table does not hold (issue 17 item 3, round 3) ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        # 证监会 法律法规库 (neris.csrc.gov.cn informationController: pageUtil.pageList[].secFutrsLawName, fileno,
        # lawPubOrgName, efctvDate, inefctvDate; bigcpp110/policy_crawl spiders/neris.py reads pageUtil.pageList).
        ("secFutrsLawName", "证券期货经营机构私募资产管理业务管理办法", "title"),
        ("lawPubOrgName", "中国证券监督管理委员会", "publisher"),
        ("efctvDate", "2023-03-01", None),  # the day it takes effect, not the day it was published
        ("inefctvDate", "2023-03-01", None),
        # 内蒙古 生态环境厅 search (Kira-yoshikage-d/spider-gov a内蒙古自治区生态环境厅.py: data.data[].news_doctitle)
        ("news_doctitle", "内蒙古自治区生态环境厅关于印发《环境监测管理办法》的通知", "title"),
        # 吉安 essearchlist (spider-gov j吉安.py: data[]._source.inputtime); 常州/三明 (spider-gov db/*: enpcontent)
        ("inputtime", "2021-05-06 10:20:00", "pub_date"),
        ("enpcontent", "为进一步加强管理，现将有关事项通知如下。", "body"),
        # 拉萨 search (spider-gov db/Lasa_db.py: datas[].SysTime.fullDate)
        ("fullDate", "2022-08-09", "pub_date"),
        # A policy radar's items (immortalyubai/hubei-policy-radar policy-data.json: publishedAt), upper-cased by an
        # export: the participle and At glued into one word
        ("PUBLISHEDAT", "2025-03-14", "pub_date"),
        # Pinyin initials glued to a qualifier: 政策文件标题, 信息发布日期; a 文号 key only with a 文号 in it.
        ("zcwjbt", "关于做好2024年春耕生产工作的通知", "title"),
        ("xxfbrq", "2024-02-01", "pub_date"),
        ("xxgkWh", "冀政办字〔2024〕5号", "doc_no"),
        ("xxgkWh", "5", None),
        # Whose name it is: a user's, a catalogue's is no title (a channel's is a column: the label table's
        # channelName); an update is no publication.
        ("userName", "张三", None),
        ("catalogName", "通知公告", None),
        ("updateTime", "2024-02-01", None),
        ("pubUnitName", "党支部1号", None),  # not a body's name
    ],
)
def test_a_key_the_table_lacks_is_read_by_its_words(key, value, field):
    assert canonical_field(key) is None
    fields, _unknown = map_fields([(key, value)], guess=True)
    assert (next(iter(fields)) if fields else None) == field


def test_a_response_of_unknown_keys_is_read_by_their_words(tmp_path):
    """证监会 法律法规库's informationController answer (bigcpp110/policy_crawl spiders/neris.py: ``data["pageUtil"]
    ["pageList"]``, ``item["secFutrsLawId"]``; its records' other keys as a public falufagui spider reads them:
    ``secFutrsLawName``, ``fileno``, ``lawPubOrgName``, ``secFutrsLawVersion``). Every record was rejected: no title
    and no body under a known key."""
    records = [
        {
            "secFutrsLawId": "a1b2",
            "secFutrsLawName": "证券期货经营机构私募资产管理业务管理办法",
            "fileno": "中国证券监督管理委员会令第203号",
            "lawPubOrgName": "中国证券监督管理委员会",
            "secFutrsLawVersion": "20230124",
            "pubDate": 1674489600000,
            "efctvDate": 1677600000000,
            "lawAthrtyStsCde": "1",
        },
        {
            "secFutrsLawId": "c3d4",
            "secFutrsLawName": "第二件规章的名称在这里",
            "lawPubOrgName": "中国证券监督管理委员会",
        },
    ]
    path = _write(tmp_path, "neris.json", json.dumps({"pageUtil": {"pageNo": 1, "pageList": records}}))
    first, second = _documents(path)
    assert first.title == "证券期货经营机构私募资产管理业务管理办法" and second.title == "第二件规章的名称在这里"
    assert first.doc_no == "中国证券监督管理委员会令第203号"
    assert first.publisher == "中国证券监督管理委员会"
    assert first.pub_date == "2023-01-24"  # pubDate, not efctvDate


def test_a_better_title_key_wins_over_one_read_by_its_words():
    fields, _ = map_fields([("lawName", "按词读出的名称在此"), ("title", "关于印发某某办法的通知")], guess=True)
    assert fields["title"] == "关于印发某某办法的通知"


def test_a_record_of_unknown_keys_is_read_by_its_values(tmp_path):
    """A record whose keys name nothing (an OA table's opaque columns, ``F1``…) is no longer rejected for want of a
    title and a body where one value is plainly a title and another a body; a 文号-shaped and a date-shaped value
    fill the 文号 and the date."""
    record = {
        "F1": "98231",
        "F2": "冀政办字〔2024〕5号",
        "F3": "河北省人民政府办公厅关于做好2024年春耕生产工作的通知",
        "F4": "各市（含定州、辛集市）人民政府：为切实做好今年春耕生产工作，经省政府同意，现就有关事项通知如下。"
        "一、抓好农资供应。各地要加强农资市场监管。",
        "F5": "2024-02-01",
    }
    path = _write(tmp_path, "oa.json", json.dumps([record], ensure_ascii=False))
    [document] = _documents(path)
    assert document.title == record["F3"]
    assert document.body.startswith("各市（含定州、辛集市）人民政府")
    assert (document.doc_no, document.pub_date) == ("冀政办字〔2024〕5号", "2024-02-01")


def test_a_response_message_is_no_document(tmp_path):
    """A response's own message is no body by its shape: its records are read, not the response."""
    body = {
        "code": 0,
        "msg": "查询成功。本接口返回政府信息公开目录的检索结果。结果按发布日期倒序排列，每页二十条记录。",
        "data": {"list": [{"title": "甲文件的标题在此"}, {"title": "乙文件的标题在此"}]},
    }
    path = _write(tmp_path, "r.json", json.dumps(body, ensure_ascii=False))
    assert [document.title for document in _documents(path)] == ["甲文件的标题在此", "乙文件的标题在此"]


def test_a_title_nested_at_any_depth_is_read(tmp_path):
    """吉安's essearchlist answers Elasticsearch hits (Kira-yoshikage-d/spider-gov
    search_engine/search_engine/spiders/j吉安.py: ``data[]._source.url``, ``.inputtime``, ``.title``,
    ``.category``); a detail API may nest its article deeper still. A title three and more levels under unnamed
    keys was rejected (two levels were read)."""
    source = {
        "url": "https://www.jian.gov.cn/xxgk-show-1.html",
        "inputtime": "2021-05-06",
        "title": "吉安市关于印发某某方案的通知",
        "category": "通知公告",
    }
    hit = {"_index": "article", "_id": "1", "_source": source}
    deep = {"code": 200, "data": {"detail": {"article": {"meta": {"title": "四层之下的标题在此处"}}}}}
    path = _write(tmp_path, "hits.json", json.dumps({"total": 1, "data": [hit]}, ensure_ascii=False))
    [document] = _documents(path)
    assert (document.title, document.pub_date) == ("吉安市关于印发某某方案的通知", "2021-05-06")
    path = _write(tmp_path, "deep.json", json.dumps(deep, ensure_ascii=False))
    [document] = _documents(path)
    assert document.title == "四层之下的标题在此处"


def test_the_records_list_wins_over_a_name_beside_it(tmp_path):
    """A response naming its channel beside its records (``"channel": {"name": …}``) gives its records, not one
    document named after the channel."""
    body = {
        "channel": {"id": 3, "name": "规范性文件"},
        "data": {"list": [{"title": "甲文件标题"}, {"title": "乙文件标题"}]},
    }
    path = _write(tmp_path, "c.json", json.dumps(body, ensure_ascii=False))
    assert [document.title for document in _documents(path)] == ["甲文件标题", "乙文件标题"]


def test_a_law_search_response_read_by_its_keys_words(tmp_path):
    """通义法睿's 法规检索 answer, its example response as documented (690925339/legal-workspace-v3
    docs/api/通义法睿-法规检索API对接文档.md, 响应示例): ``data.list[].lawName`` (法规名称), ``htmlContent``, and the
    attributes one object down, ``lawResultAttributeVo.promulgationDepartment`` (颁布部门), ``.releaseDate``,
    ``.timeliness``. The title and publisher were lost (no label names ``lawName`` or ``promulgationDepartment``)."""
    response = {
        "requestId": "abc123-def456-ghi789",
        "statusCode": 200,
        "httpStatusCode": 200,
        "success": True,
        "data": {
            "list": [
                {
                    "lawName": "《中华人民共和国刑法》",
                    "content": "第二百六十三条规定，以暴力、胁迫或者其他方法抢劫公私财物的，"
                    "处三年以上十年以下有期徒刑...",
                    "docId": "law_doc_12345",
                    "htmlContent": "<p>第二百六十三条规定...</p>",
                    "similarity": "0.987",
                    "highlightMap": {"content": ["<em>抢劫</em>"]},
                    "lawResultAttributeVo": {
                        "effectiveLevel": "法律",
                        "timeliness": "现行有效",
                        "promulgationDepartment": "全国人民代表大会",
                        "releaseDate": "2020-12-26",
                    },
                    "lawResultReferInfoVo": {},
                }
            ],
            "pageSize": 10,
            "pageTotalCount": 20,
            "query": "抢劫",
            "queryKeywords": ["抢劫"],
            "totalCount": 198,
        },
    }
    path = _write(tmp_path, "farui.json", json.dumps(response, ensure_ascii=False))
    [document] = _documents(path)
    assert document.title == "《中华人民共和国刑法》"
    assert (document.publisher, document.pub_date, document.validity) == ("全国人民代表大会", "2020-12-26", "有效")
    assert document.body.startswith("第二百六十三条规定")


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        # Law-library API examples in public READMEs: lkkckk/lows API_DOCS.md (issue_org, effect_date, status) and a
        # 法规 list's lawCode/lawStatus; a status code is no 有效性.
        ("lawCode", "建办〔2020〕1号", "doc_no"),
        ("lawStatus", "现行有效", "validity"),
        ("auditStatus", "1", None),
        ("effect_date", "2019-01-01", None),
    ],
)
def test_more_keys_read_by_their_words(key, value, field):
    fields, _unknown = map_fields([(key, value)], guess=True)
    assert (next(iter(fields)) if fields else None) == field


def test_an_app_api_record_of_unknown_keys(tmp_path):
    """A 智慧党建 app's 通知公告 list, as its Java bean's comment records the response (ls895977/ZhiHuiDangJianAPP
    app/src/main/java/com/lfc/zhihuidangjianapp/bean/QueryHomeNoticeAnnouncementPageListBean.java:
    ``data.noticeAnnouncementList.datas[]``): the body under a misspelt ``announcementComtent``, the title under
    ``announcementTitle``, the office under ``department``. Every record was rejected for want of title and body."""
    record = {
        "announcementComtent": "<p>\t<span>新华社大阪6月28日电（记者刘华 商洋）"
        "国家主席习近平28日在大阪会见联合国秘书长古特雷斯。</span></p>",
        "announcementTitle": "<测试>习近平会见联合国秘书长古特雷斯",
        "announcementType": 0,
        "author": "M",
        "createName": "admin",
        "createTime": 1561706465000,
        "department": "中共山西省中条山国有林管理局委员会",
        "departmentCode": "DT000001",
        "releaseDate": "2019-06-28",
    }
    body = {"code": 0, "data": {"noticeAnnouncementList": {"datas": [record], "total": 1}}, "msg": "请求成功"}
    path = _write(tmp_path, "notices.json", json.dumps(body, ensure_ascii=False))
    [document] = _documents(path)
    assert document.title == "<测试>习近平会见联合国秘书长古特雷斯"
    assert document.body.startswith("新华社大阪6月28日电")
    assert (document.publisher, document.pub_date) == ("中共山西省中条山国有林管理局委员会", "2019-06-28")


def test_a_response_holding_its_records_as_json_text(tmp_path):
    """An ASP.NET web service (.asmx, ``[ScriptService]``) serialises its return value once more and answers it as
    a string under ``d`` (a2950518/zsharedcode AjaxReturnJSON.md, WebService/asmx: the client reads ``data.d``);
    other APIs answer ``"data": "{…}"``. Such a file gave no document ("holds no document object")."""
    inner = [
        {"Title": "关于印发某某办法的通知", "PubDate": "2020-05-06", "Content": "<p>各单位：现将办法印发给你们。</p>"}
    ]
    path = _write(tmp_path, "asmx.json", json.dumps({"d": json.dumps(inner, ensure_ascii=False)}, ensure_ascii=False))
    [document] = _documents(path)
    assert (document.title, document.pub_date) == ("关于印发某某办法的通知", "2020-05-06")
    assert document.body == "各单位：现将办法印发给你们。"
    line = {"code": 0, "data": json.dumps({"list": inner * 2}, ensure_ascii=False)}
    path = _write(tmp_path, "pages.jsonl", json.dumps(line, ensure_ascii=False) + "\n")
    assert [document.title for document in _documents(path)] == ["关于印发某某办法的通知"] * 2


def test_a_statistics_bureau_search_title_by_its_words():
    """国家统计局 search API as a public crawler reads it (llO-Oll/web-crawler 学习代码/nationaldata_1.py:
    ``js['data']['resultList'][i]['dreTitle']``, ``['docDate']``, ``['domainSiteName']``): ``dreTitle`` is the
    title; ``domainSiteName`` is a site's name, no title."""
    fields, _ = map_fields(
        [("dreTitle", "2023年国民经济和社会发展统计公报"), ("docDate", "2024-02-29"), ("domainSiteName", "国家统计局")],
        guess=True,
    )
    assert fields == {"title": "2023年国民经济和社会发展统计公报", "pub_date": "2024-02-29"}


def test_a_csv_whose_header_keeps_an_apis_keys(tmp_path):
    """A crawler's table of 证监会 法律法规库 records keeps the API's keys as its header (the pageList records of
    bigcpp110/policy_crawl spiders/neris.py, saved as rows): the header named no known field and the file was no
    CSV; its columns are read by their words, each row's values judged as in JSON."""
    path = tmp_path / "neris.csv"
    path.write_text(
        "secFutrsLawId,secFutrsLawName,fileno,lawPubOrgName,secFutrsLawVersion\n"
        "a1b2,证券期货经营机构私募资产管理业务管理办法,中国证券监督管理委员会令第203号,中国证券监督管理委员会,20230124\n",
        encoding="utf-8",
    )
    [document] = _documents(path)
    assert document.title == "证券期货经营机构私募资产管理业务管理办法"
    assert (document.doc_no, document.publisher) == ("中国证券监督管理委员会令第203号", "中国证券监督管理委员会")
