"""Readers: the seed page's fields exactly, JSON / JSONL / CSV with Chinese or canonical names, detection."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import SEED, SEED_INDEX_NO, real_inputs, shared_path, tune_records

from index.normalise import normalise
from index.readers import DEFAULTS, detect_reader, read_file
from index.record import ReadError


def _documents(path: Path):
    items = list(read_file(path))
    errors = [item for item in items if isinstance(item, ReadError)]
    assert not errors, errors
    return [normalise(item) for item in items]


def test_seed_page_fields_exactly():
    [doc] = _documents(SEED)
    assert doc.id == SEED_INDEX_NO
    assert doc.title == "市民政局2018年一季度工作情况"
    assert doc.index_no.normalised == SEED_INDEX_NO
    assert (doc.index_no.variant, doc.index_no.org_code, doc.index_no.year, doc.index_no.serial) == (
        "standard",
        "014319733",
        2018,
        "00019",
    )
    assert doc.index_no.check_ok is True
    assert doc.categories == ["规划计划", "其他", "报告"]
    assert (doc.category_scheme, doc.category_topic, doc.category_genre) == ("规划计划", "其他", "报告")
    # The page prints 市民政局 on 宿迁市民政局's site: one publisher, one full name (issue 7, item 6).
    assert (doc.publisher, doc.publishers, doc.publisher_aliases) == (
        "宿迁市民政局",
        ["宿迁市民政局"],
        ["市民政局", "宿迁民政局"],
    )
    assert doc.pub_date == "2018-04-10"
    assert doc.written_date == ""
    assert doc.doc_no == ""
    assert doc.keywords == []
    assert doc.site == "宿迁市民政局"
    assert doc.attachments == [] and doc.related == []
    assert doc.body.startswith("今年以来,全市民政系统认真贯彻落实市委、市政府决策部署")
    assert doc.body.endswith("大力推行节地生态安葬,完善乡镇公益性公墓体系,加强生态公墓建设。")
    assert "市民政局2018年一季度工作情况" not in doc.body  # the repeated title is not body text
    assert doc.body.count("\n\n") >= 20  # paragraphs kept
    assert {(w.code, w.field) for w in doc.warnings} == {
        ("encoding_loss", "category"),
        ("spam", "body"),
        ("publisher_resolved", "publisher"),
    }


def test_page_text_with_spaced_labels_colons_attachments_and_related(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "某县人民政府\n政府信息公开\n名　　称：关于做好低保工作的通知\n"
        "索 引 号：014319733/2019-00001 分类：政策法规 / 民政、扶贫、救灾 / 通知\n"
        "发布机构：某县民政局 公开日期：2019年3月1日\n文号：某民发[2019]3号 关键词：低保 救助\n"
        "成文日期 2019-02-27 有效性 有效\n文件下载\n附件1.pdf\n附件2.docx\n\n关于做好低保工作的通知\n\n"
        "第一段。\n\n第二段。\n\n相关信息\n关于低保工作的解读\n",
        "utf-8",
    )
    [doc] = _documents(page)
    assert (doc.title, doc.publisher, doc.pub_date, doc.written_date) == (
        "关于做好低保工作的通知",
        "某县民政局",
        "2019-03-01",
        "2019-02-27",
    )
    assert (doc.doc_no, doc.keywords, doc.validity) == ("某民发〔2019〕3号", ["低保", "救助"], "有效")
    assert doc.categories == ["政策法规", "民政、扶贫、救灾", "通知"]
    assert [a.name for a in doc.attachments] == ["附件1.pdf", "附件2.docx"]
    assert [a.kind for a in doc.attachments] == ["pdf", "docx"]
    assert [link.title for link in doc.related] == ["关于低保工作的解读"]
    assert doc.body == "第一段。\n\n第二段。"


def test_json_array_with_chinese_and_canonical_keys(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            [
                {
                    "标题": "甲",
                    "索引号": "014319733/2020-00002",
                    "发布机构": "甲局",
                    "发布日期": "2020-5-6",
                    "内容": "甲正文",
                    "附件": [{"name": "表.xls", "url": "http://example.gov.cn/a/表.xls"}],
                },
                {
                    "title": "乙",
                    "publisher": "乙局",
                    "pub_date": "2021-01-02",
                    "doc_no": "乙发(2021)9号",
                    "body": "乙正文",
                    "category": "通知",
                    "keywords": ["甲", "乙"],
                },
            ],
            ensure_ascii=False,
        ),
        "utf-8",
    )
    first, second = _documents(path)
    assert (first.title, first.publisher, first.pub_date, first.index_no.normalised) == (
        "甲",
        "甲局",
        "2020-05-06",
        "014319733/2020-00002",
    )
    assert (first.attachments[0].name, first.attachments[0].kind) == ("表.xls", "xls")
    assert (second.doc_no, second.category_genre, second.keywords) == ("乙发〔2021〕9号", "通知", ["甲", "乙"])
    assert first.locator == "record 1" and second.locator == "record 2"


def test_format_is_detected_from_content_not_extension(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text('{"title": "一"}\n{"title": "二"}\n', "utf-8")
    assert detect_reader(path).NAME == "jsonl"
    assert [d.title for d in _documents(path)] == ["一", "二"]


@pytest.mark.parametrize(
    ("name", "content", "reader"),
    [
        pytest.param("page.html", '{"title": "一", "body": "x"}', "jsonl", id="one-line JSON named .html"),
        pytest.param("page.html", '{\n  "title": "一",\n  "body": "x"\n}\n', "json", id="pretty JSON named .html"),
        pytest.param("list.htm", '[{"title": "一"}]', "json", id="JSON array named .htm"),
        pytest.param("feed.json", '{"title": "一"}\n{"title": "二"}\n', "jsonl", id="JSON Lines named .json"),
        pytest.param("feed.jsonl", '[\n{"title": "一"}\n]', "json", id="a JSON array named .jsonl"),
        pytest.param("data.json", "标题,发布日期,正文\n一,2020-01-01,x\n", "csv", id="CSV named .json"),
        pytest.param("data.tsv", "标题\t正文\n一\tx\n", "csv", id="TSV"),
        pytest.param("a.json", '{"title": "一"}', "json", id="one-line object named .json stays JSON"),
        pytest.param("a.jsonl", '{"title": "一"}', "jsonl", id="one-line object named .jsonl stays JSON Lines"),
        pytest.param("empty.json", "", "json", id="empty .json: its own reader says why"),
    ],
)
def test_the_content_decides_the_format_and_the_extension_breaks_ties(tmp_path, name, content, reader):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    assert detect_reader(path).NAME == reader


def test_json_in_a_file_named_html_is_indexed(tmp_path):
    path = tmp_path / "wrong.html"
    path.write_text('{"title": "扩展名是HTML的JSON", "publisher": "某市测试局", "body": "正文"}', "utf-8")
    [doc] = _documents(path)
    assert (doc.title, doc.publisher, doc.body) == ("扩展名是HTML的JSON", "某市测试局", "正文")


def _items(path: Path) -> list[str]:
    """Each item read from ``path``: a record's title, or the ReadError's text."""
    return [item.fields["title"] if not isinstance(item, ReadError) else str(item) for item in read_file(path)]


def test_a_json_array_cut_short_keeps_the_records_before_the_break(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"title": "甲", "body": "一"},\n {"title": "乙", "body": "二"}, {"title": "丙", "bo', "utf-8")
    first, second, error = _items(path)
    assert (first, second) == ("甲", "乙")
    assert error.startswith(f"{path} record 3: not valid JSON: Unterminated string starting at: line 2")
    assert error.endswith("this record and the rest of the file are not read")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param('[{"title": "甲"}', "record 2: not valid JSON: the array never closes (the file ends)", id="no ]"),
        pytest.param('[{"title": "甲"},', "record 2: not valid JSON: Expecting value", id="cut after a comma"),
        pytest.param(
            '[{"title": "甲"} {"title": "乙"}]', "record 2: not valid JSON: the array never closes", id="no ,"
        ),
        pytest.param('[{"title": "甲"}, {"title": 乙}]', "record 2: not valid JSON: Expecting value", id="bad element"),
        pytest.param('[{"title": "甲"}] x', ": not valid JSON: text after the records' end", id="extra data"),
        pytest.param('[{"title": "甲"}, ' + "[" * 100_000, "record 2: nested too deep to parse", id="too deep"),
    ],
)
def test_a_broken_json_array_keeps_what_comes_before_the_break(tmp_path, content, error):
    path = tmp_path / "broken.json"
    path.write_text(content, "utf-8")
    first, found = _items(path)
    assert first == "甲"
    assert found.startswith(f"{path}{' ' if error[0] != ':' else ''}{error}")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('[{"title": "甲"}][{"title": "乙"}, {"title": "丙"}]', id="arrays back to back"),
        pytest.param('[{"title": "甲"}]\n[{"title": "乙"}]\n[{"title": "丙"}]', id="an array a line"),
        pytest.param(
            '{"data": {"list": [{"title": "甲"}, {"title": "乙"}]}}{"data": {"list": [{"title": "丙"}]}}',
            id="responses",
        ),
        pytest.param(
            '{\n "title": "甲"\n},\n{\n "title": "乙"\n}\n{\n "title": "丙"\n}', id="objects, some comma-separated"
        ),
    ],
)
def test_json_texts_written_one_after_another_are_all_read(tmp_path, content):
    """A crawler appending each saved response to one file (Kira-yoshikage-d/spider-gov nanjing-pro.json: two
    arrays joined by ``][``) wrote no one JSON text: the records after the first lost their place."""
    path = tmp_path / "appended.json"
    path.write_text(content, "utf-8")
    items = list(read_file(path))
    assert [item.fields["title"] for item in items] == ["甲", "乙", "丙"]
    assert [item.locator for item in items] == ["record 1", "record 2", "record 3"]


def test_values_that_are_no_record_between_json_texts_are_each_named_as_their_own_record(tmp_path):
    """A number, a string or an empty object between JSON texts: each an error naming its own record, the records
    after them numbered on (every such error named record 2, and 乙 was record 2 too)."""
    path = tmp_path / "values.json"
    path.write_text('{"title": "甲"} 1 "x" {} {"title": "乙"}', "utf-8")
    items = list(read_file(path))
    assert [item.locator for item in items] == ["record 1", "record 2", "record 3", "record 4", "record 5"]
    assert [isinstance(item, ReadError) for item in items] == [False, True, True, True, False]
    assert items[-1].fields["title"] == "乙"


def test_a_json_text_nested_too_deep_after_a_record_is_named_so(tmp_path):
    """Not "text after the records' end": a value too deep to parse, named by its record."""
    path = tmp_path / "deep.json"
    path.write_text('{"title": "甲"}' + '{"a":' * 100_000 + "1" + "}" * 100_000, "utf-8")
    first, error = _items(path)
    assert first == "甲"
    assert error.startswith(f"{path} record 2: nested too deep to parse")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("ones.json", "[" + "1," * 999 + "1]", id="an array of numbers"),
        pytest.param("ones-after.json", '{"title": "甲"}' + " 1" * 1000, id="JSON texts that are numbers"),
        pytest.param("garbage.jsonl", '{"title": "甲"}\n' + "不是JSON\n" * 1000, id="JSON Lines of garbage"),
    ],
)
def test_a_file_of_values_that_are_no_record_gives_at_most_the_records_limit_of_errors(tmp_path, name, content):
    """Each unreadable value was an error without end: a 2 MB ``[1,1,…]`` gave a million rejections (370 MB
    resident). They count toward PORTAL_MAX_RECORDS_PER_FILE as the records read do."""
    path = tmp_path / name
    path.write_text(content, "utf-8")
    items = list(read_file(path, replace(DEFAULTS, max_records_per_file=50)))
    assert len(items) == 51
    assert "more than PORTAL_MAX_RECORDS_PER_FILE=50 records" in str(items[-1])
    assert all(isinstance(item, ReadError) for item in items[-49:])


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('{"title": "甲"},\n{"title": "乙"},\n{"title": "丙"}\n', id="comma after"),
        pytest.param('{"title": "甲"}\n,{"title": "乙"}\n,{"title": "丙"}\n', id="comma first"),
    ],
)
def test_objects_one_a_line_with_commas_between_them_are_all_read(tmp_path, content):
    """Items written as an array's elements, one a line, without the brackets: the lines with a comma were errors."""
    path = tmp_path / "items.jsonl"
    path.write_text(content, "utf-8")
    assert _items(path) == ["甲", "乙", "丙"]


@real_inputs
def test_search_responses_saved_back_to_back_give_every_record():
    """exports9.json's excerpt of nanjing-pro.json: three records, ``][``, three more (one an 信息公开 record)."""
    from bench.fidelity import same

    for entry, outcome in tune_records("pages/kira-nanjing-pro-arrays.json.gz"):
        assert not outcome.error, (entry["record"], outcome.error)
        assert all(same(name, want, outcome.values[name]) for name, want in entry["expected"].items()), entry["record"]


def test_a_wrapped_export_cut_short_keeps_the_records_before_the_break(tmp_path):
    path = tmp_path / "wrapped.json"
    path.write_text('{"data": [{"title": "甲"}, {"title": "乙", "bo', "utf-8")
    first, error = _items(path)
    assert first == "甲"
    assert error.startswith(f"{path} record 2: not valid JSON: Unterminated string")


def test_a_json_array_with_a_bom_and_whitespace_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf \n[ {"title": "\xe7\x94\xb2"} ,\n{"title": "\xe4\xb9\x99"} ]\n')
    assert _items(path) == ["甲", "乙"]


def test_jsonl_bad_line_is_an_error_naming_the_line_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"名称": "一", "正文": "x"}\n{not json}\n{"名称": "三", "正文": "y"}\n', "utf-8")
    items = list(read_file(path))
    assert [type(item).__name__ for item in items] == ["RawRecord", "ReadError", "RawRecord"]
    assert str(items[1]).startswith(f"{path} line 2: not valid JSON")


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress('{"title": "压缩"}\n{"title": "二"}\n'.encode()))
    assert [d.title for d in _documents(path)] == ["压缩", "二"]


def test_csv_with_bom_chinese_headers_and_multiline_cells(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        "标题,发文日期,效力状态,内容,一级类别,访问地址\n"
        '关于甲的通知, 2024-08-01,有效,"第一段\n第二段",政策文件,http://example.gov.cn/1.html\n'
        "关于乙的通知,2024年01月26日,失效,,政策解读,http://example.gov.cn/2.html\n".encode("utf-8-sig")
    )
    first, second = _documents(path)
    assert (first.title, first.written_date, first.validity, first.body, first.category_scheme, first.url) == (
        "关于甲的通知",
        "2024-08-01",
        "有效",
        "第一段\n\n第二段",
        "政策文件",
        "http://example.gov.cn/1.html",
    )
    assert (second.written_date, second.locator, [w.code for w in second.warnings]) == (
        "2024-01-26",
        "row 3",
        ["empty_body"],
    )
    assert (first.pub_date, first.sort_date, first.year) == ("", "2024-08-01", 2024)  # 发文日期 is the 成文日期


def test_csv_without_a_title_column_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("日期,内容\n2020-01-01,x\n", "utf-8")
    [error] = list(read_file(path))
    assert str(error) == f"{path} row 1: field title: no title column (标题 or 名称)"


def test_unrecognised_file_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("这只是一段没有任何标签的文字。\n", "utf-8")
    [error] = list(read_file(path))
    assert isinstance(error, ReadError) and error.source == str(path)
    assert "not a recognised document format" in str(error)


def test_shared_hebei_csv_reads():
    path = shared_path("corpus", "raw", "hebei-csv", "3人民政府-政府信息公开", "人民政府_省政府办公厅文件.csv")
    docs = _documents(path)
    assert len(docs) > 100
    assert docs[0].title == "河北省人民政府办公厅关于印发河北省自然灾害救助应急预案的通知"
    assert docs[0].written_date == "2024-08-01" and docs[0].validity == "有效"


def test_shared_beijing_json_reads_publisher_from_source_and_html_body():
    path = shared_path("corpus", "raw", "beijing-tcm-notices.json")
    docs = _documents(path)
    assert len(docs) == 104
    assert docs[0].publisher == "北京市中医管理局"
    assert "<p>" not in docs[0].body and docs[0].body.startswith("一、总体情况")


def test_every_reader_decodes_bytes_the_same_way(tmp_path):
    """One decoder for every source: UTF-16 with a BOM and GBK read alike in JSON, JSON Lines, CSV and page text."""
    record = {"title": "关于做好低保工作的通知", "publisher": "某县民政局", "body": "第一段。"}
    (tmp_path / "utf16.json").write_bytes(json.dumps(record, ensure_ascii=False).encode("utf-16"))
    (tmp_path / "gbk.jsonl").write_bytes(
        "\n".join(
            json.dumps({**record, "index_no": f"014319733/2019-0000{n}"}, ensure_ascii=False) for n in (1, 2)
        ).encode("gbk")
    )
    (tmp_path / "gbk.csv").write_bytes("标题,发布机构,正文\n关于做好低保工作的通知,某县民政局,第一段。\n".encode("gbk"))
    (tmp_path / "gbk.txt").write_bytes(
        "名称 关于做好低保工作的通知\n索引号 014319733/2019-00003\n发布机构 某县民政局\n\n第一段。\n".encode("gbk")
    )
    for name in ("utf16.json", "gbk.jsonl", "gbk.csv", "gbk.txt"):
        for doc in _documents(tmp_path / name):
            assert (doc.title, doc.publisher, doc.body) == (record["title"], record["publisher"], record["body"]), name
