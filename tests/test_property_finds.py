"""Faults the Hypothesis robustness properties found with more examples than a CI run draws, as plain tests.

- A field given as a row of the page's label table whose value keeps the page's label in front
  (``"发文机关": {"name": "发布机构", "value": "来源：国务院办公厅"}``) kept ``来源：`` in the publisher: a plain
  value loses its own label (index.labels.without_own_label), a row's value did not
  (tests/test_reader_export_robustness.py, seed 101 at 600 examples).
- A publisher's code and its name beside it, both as rows of the label table (``"FWJG": {"name": "发布机构",
  "value": "11330000002482155Q"}``, ``"FWJG_NAME": {…, "value": "国务院办公厅"}``), gave the code: the rules that
  weigh a plain value (a code is no name; a name beside its code wins) did not see inside a row (seed 202).
- A response's records split over two lists of as many records side by side, under a caption (``"title": "政策发布"``),
  whose date and publisher are under keys read by their words (``createDate``, ``publishDepartment``: Hanweb
  智能检索's key set) gave the caption as the one document: the records were judged captions themselves (main's
  export robustness property, seed 101 at 450 examples).
- A body's name with its other name in brackets after it (``鼓楼区发展和改革局（区经信办）``), under a key read by
  its words (``publishDepartment``), gave no publisher: a name had to end in an office's word, and ``）`` is none
  (test_reader_export_robustness.py's Hanweb 智能检索 key set on kira-nanjing-pro-search.json #8).
- A response's records split over two lists side by side, their titles under a key read by its words
  (``infoTitle``) and their other keys not alike (a news hit has no 索引号), lost every list but the first: lists
  were of one kind only by a title key of the label table (export robustness property, seed 7 at 450 examples).
- A page text's label line of 2,000 values each glued to the next label (``信息来源:市农业农村局发布日期:…``) raised
  RecursionError, and fewer took time quadratic in the line: each glued label re-read the rest of the line
  (index/readers/text.py ``_cells``; hostile inputs through read_file + read_document, round 8).
- A date alone under a sentence, with sentences going on under it (a 大事记's entries, a meeting's date inside a
  notice), was read as the seal's date of a signature without names: a 成文日期 the text does not have.
- A text of thousands of dates alone copied every line above each date to judge the few just over it: quadratic.
- A value drawn as a table's cell on the line under its label (``• 来源:`` / ``| 福建能源监管办 |``) kept its walls
  and was lost (test_reader_text_robustness.py's combined variations, seed 4242 at 400 examples).
- The 字体 switch's icon drawn as a table cell (``| Aa |`` over ``字体：``) was not known as the page's frame and
  became the text: the frame's lines are judged without the cell's walls, as a value is
  (test_reader_text_robustness.py's combined variations on xjb-nea-2, drawn afresh in CI).
- In a double-spaced dump the same value cell came straight under its label (``• 发文字号:`` / ``| 兰政办发… |``:
  the dump's one blank line is none) and kept its walls: no value, the label table ended, and the labels under it
  became the text (the same variations on ehs-gold-pagetext-1, seed 1 of a 300-draw hunt).
- A link whose host holds a full-width colon (``http://www.example.gov.cn：8080/…``) made urllib raise ValueError
  and lost the whole page (test_fuzz_readers.py, seed 11 at 10,000 examples; index/htmltext.py).
- A table's rows keyed by number (pandas' orient ``index``) whose values are Scrapy's ``.getall()`` lists gave one
  document: a row's title had to be a text (test_reader_export_robustness.py's combined variations, in CI).
- One record in two side-by-side lists under a caption, its metadata as domainMetaList entries, was lost: the
  entries were read through the list of records as the caption's own fields (the combined variations, seed 55).
- The same kind of URL as a record's own URL (or an unbalanced ``[`` in its host) stopped the whole ingest while
  the document's fields were made: URLs are cleaned as a browser reads them (index.normalise.clean_url).
"""

from __future__ import annotations

import json

from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.readers import text as text_reader
from index.readers.text import label_pairs
from index.record import RawRecord, ReadError
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def _document(tmp_path, record):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None
    return doc


def test_a_label_table_rows_value_with_its_own_label_in_front_reads_without_it(tmp_path):
    record = {
        "标题": "国务院办公厅关于举行全国性哀悼活动的通知",
        "发布时间": {"name": "发布日期", "value": "发布时间：2020-04-03"},
        "发文机关": {"name": "发布机构", "value": "来源：国务院办公厅"},
        "文号": {"label": "发文字号", "value": "发文字号：国办发明电〔2020〕7号"},
        "正文": "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
    }
    doc = _document(tmp_path, record)
    assert (doc.publisher, doc.doc_no, doc.pub_date) == ("国务院办公厅", "国办发明电〔2020〕7号", "2020-04-03")


def test_a_publishers_code_and_name_as_label_table_rows_read_as_the_name(tmp_path):
    record = {
        "标题": "国务院办公厅关于举行全国性哀悼活动的通知",
        "FWJG": {"name": "发布机构", "value": "11330000002482155Q"},
        "FWJG_NAME": {"name": "发布机构", "value": "国务院办公厅"},
        "正文": "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
    }
    assert _document(tmp_path, record).publisher == "国务院办公厅"


def test_records_of_two_lists_side_by_side_with_dates_under_keys_read_by_their_words_are_all_read(tmp_path):
    def records(first: int) -> list[dict]:
        return [
            {
                "id": number,
                "title": f"关于第{number}项不动产登记改革的通知",
                "createDate": f"2019-01-{number:02d}",
                "link": f"http://www.example.gov.cn/art/2019/1/{number}.html",
            }
            for number in range(first, first + 3)
        ]

    response = {
        "success": True,
        "data": {"id": 1, "title": "政策发布", "centralPolicies": records(1), "localPolicies": records(4)},
    }
    path = tmp_path / "monthly.jsonp"
    path.write_text(f"window.jspCallback({json.dumps(response, ensure_ascii=False)});", "utf-8")
    raws = [item for item in read_file(path) if isinstance(item, RawRecord)]
    docs = [read_document(raw, DEFAULTS, IngestReport()) for raw in raws]
    assert [doc.title for doc in docs if doc] == [f"关于第{n}项不动产登记改革的通知" for n in range(1, 7)]
    assert docs[0] is not None and docs[0].pub_date == "2019-01-01"


def test_a_bodys_name_with_its_other_name_in_brackets_under_a_key_read_by_its_words_is_the_publisher(tmp_path):
    record = {
        "title": "我区企业获工信部2018年工艺应用计划示范企业和示范项目",
        "createDate": "2018-12-07",
        "publishDepartment": "鼓楼区发展和改革局（区经信办）",
        "link": "http://www.njgl.gov.cn/glqrmzf/201903/t20190307_1456527.html",
    }
    assert _document(tmp_path, record).publisher == "鼓楼区发展和改革局（区经信办）"
    half_width = {**record, "publishDepartment": "南京市人力资源和社会保障局(市公务员局)"}
    assert _document(tmp_path, half_width).publisher == "南京市人力资源和社会保障局(市公务员局)"
    # a title's note in brackets (（试行）) stays no body's name
    assert _document(tmp_path, {**record, "publishDepartment": "鼓楼区管理办法（试行）"}).publisher == ""


def test_records_of_two_lists_side_by_side_with_titles_under_a_key_read_by_its_words_are_all_read(tmp_path):
    def record(number: int) -> dict:
        hit = {
            "infoTitle": f"关于第{number}项不动产登记改革的通知",
            "publishedAt": f"2019-01-{number:02d}T01:06:00.000Z",
            "URL": f"http://www.example.gov.cn/art/2019/1/{number}.html",
        }
        # an 信息公开 hit has its 索引号 and publisher, a news hit neither: the records' keys are not alike
        return (
            {**hit, "indexNumber": f"000014349/2019-{number:05d}", "pubOrgName": "南京市民政局"} if number % 2 else hit
        )

    response = {
        "success": True,
        "data": {
            "id": 1,
            "title": "政策发布",
            "centralPolicies": [record(n) for n in (1, 2, 3)],
            "localPolicies": [record(n) for n in (4, 5, 6)],
        },
    }
    path = tmp_path / "hits.jsonp"
    path.write_text(f"window.jspCallback({json.dumps(response, ensure_ascii=False)});", "utf-8")
    raws = [item for item in read_file(path) if isinstance(item, RawRecord)]
    docs = [read_document(raw, DEFAULTS, IngestReport()) for raw in raws]
    assert [doc.title for doc in docs if doc] == [f"关于第{n}项不动产登记改革的通知" for n in range(1, 7)]


def test_a_page_texts_label_line_of_thousands_of_glued_labels_is_read(tmp_path):
    # A label line whose spacing a dump lost, every value glued to the next label (信息来源:市农业农村局发布日期:…),
    # was split one glued label at a time, each time reading the rest of the line again: a line of 2,000 went past
    # Python's recursion limit (RecursionError) and took time quadratic in its length.
    glued = "信息来源:市农业农村局发布日期:2019-05-23" * 2000
    pairs = label_pairs("索引号:" + glued)
    assert len(pairs) == 4001
    assert pairs[1:3] == [("信息来源", "市农业农村局"), ("发布日期", "2019-05-23")]
    path = tmp_path / "page.txt"
    path.write_text(
        f"标题：关于印发某市政务公开工作要点的通知\n索引号：{glued}\n\n"
        "各区人民政府，市各委办局：现将有关事项通知如下，请认真贯彻执行。\n",
        "utf-8",
    )
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None and doc.title == "关于印发某市政务公开工作要点的通知"
    assert doc.pub_date == "2019-05-23"


def test_a_date_alone_over_a_sentence_signs_no_text(tmp_path):
    # A date alone on a line under a sentence's end was read as the seal's date closing the text (the signature
    # without names), also where sentences go on under it: a 大事记's entries, a meeting's date inside a notice
    # gave a 成文日期 the text does not have.
    chronology = "\n".join(
        f"2019年{month}月{day}日\n市政府召开常务会议，研究部署有关工作。" for month, day in [(1, 3), (2, 8), (3, 15)]
    )
    inside = "各区人民政府：\n现将有关事项通知如下。\n2019年5月6日\n会议期间，与会人员进行了讨论。\n一、总体要求。\n"
    signed = "各区人民政府：\n现将有关事项通知如下，请认真贯彻执行。\n2019年5月6日\n（此件公开发布）\n"
    pages = {
        "chronology.txt": f"标题：某市2019年大事记\n发布日期：2020-01-05\n\n{chronology}\n",
        "inside.txt": f"关于印发某市政务公开工作要点的通知\n{inside}",
        "signed.txt": f"关于印发某市政务公开工作要点的通知\n{signed}",
    }
    written = {}
    for name, text in pages.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
        doc = read_document(raw, DEFAULTS, IngestReport())
        assert doc is not None
        written[name] = doc.written_date
    assert written == {"chronology.txt": "", "inside.txt": "", "signed.txt": "2019-05-06"}


def test_each_date_alone_is_judged_by_the_few_lines_over_it(monkeypatch):
    # A text of thousands of dates alone (a list of dates, no sentence over them) copied every line above each date
    # to judge whether it closes the text, which reads at most _MAX_SIGNERS + 1 of them: time quadratic in the
    # lines (40,000 dates: 4.9 s of 8.8 s in signature alone). What it is handed is counted, not timed.
    seen: list[int] = []
    closes = text_reader._closes_text
    monkeypatch.setattr(text_reader, "_closes_text", lambda above: seen.append(len(above)) or closes(above))
    lines = ["关于印发某市政务公开工作要点的通知", *(f"2019年{i % 12 + 1}月{i % 28 + 1}日" for i in range(2000))]
    assert text_reader.signature(lines) is None
    assert len(seen) == 2000 and max(seen) <= text_reader._MAX_SIGNERS + 1


def test_a_value_drawn_as_a_cell_under_its_label_is_read_without_the_walls(tmp_path):
    # A text rendering that draws a label as a list item and its value indented under it as a table cell
    # (``• 来源:`` / ``| 福建能源监管办 |``) lost the publisher: under its label the value kept the cell's walls and
    # read as no office's name (the page-text robustness property on fjb-nea-1, two variations combined, seed 4242).
    text = (
        "福建能源监管办关于征求《福建省电力市场交易规则(试行)》拟修订和补充条款意见的函\n"
        "2018-10-19 09:39\n  • 来源:\n\n    | 福建能源监管办 |\n字体：\n小\n\n"
        "各有关单位：为进一步规范电力市场交易，现将有关条款印发给你们，请研究提出意见。\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None and doc.publisher == "福建能源监管办"


def test_the_page_frame_drawn_as_table_cells_is_no_text(tmp_path):
    # A text rendering drawing the 字体 switch's icon and the footer's links as table cells (``| Aa |``,
    # ``| 网站地图 |``): with its walls the frame was no frame, and the icon was the text's last line.
    head = "关于开展安全检查的通知\n2017-02-22 11:47\n  • 来源:\n\n    | Aa |\n字体：\n小\n|\n中\n|\n大\n"
    body = "各有关单位：为进一步做好安全生产工作，现将有关事项通知如下，请认真贯彻执行。\n"
    footer = "| 网站地图 |\n| 联系我们 |\n| 主办单位: 某某市人民政府办公室 |\n| 网站标识码: bm62000007号 |\n"
    path = tmp_path / "page.txt"
    path.write_text(head + body + footer, "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None and doc.body.strip() == body.strip(), doc and doc.body


def test_a_value_drawn_as_a_cell_straight_under_its_label_is_read(tmp_path):
    # A double-spaced dump (a blank line after every line: one blank line is no line) of a label as a list item
    # and its value as a cell under it: the cell came straight under the label and was no value with its walls.
    lines = [
        "关于印发某市危险化学品生产安全事故应急预案的通知",
        "收藏",
        "下载法规",
        "  • 发文字号:",
        "    | 某政办发〔2021〕178号 |",
        "颁布部门:某市人民政府办公室",
        "颁布日期:2021-12-31",
        "各县、区人民政府,市政府各部门:",
        "  《某市危险化学品生产安全事故应急预案》已经市政府同意,现印发给你们,请认真贯彻执行。",
    ]
    path = tmp_path / "page.txt"
    path.write_text("\n\n".join(lines) + "\n", "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None and doc.doc_no == "某政办发〔2021〕178号", doc and doc.doc_no
    assert doc.body.startswith("各县、区人民政府"), doc.body[:80]


def test_a_link_whose_host_holds_a_full_width_colon_loses_no_page(tmp_path):
    # A link typed with a full-width colon before its port (http://www.example.gov.cn：8080/…) made urllib raise
    # ValueError (its NFKC check of the host), and the whole page was "unreadable after record 0" (the broken-file
    # property, test_fuzz_readers.py, seed 11 at 10,000 examples: a mutation put ``索引号：`` into a link's host).
    bad = "http://www.example.gov.cn：8080/art/2019/5/6/附件一.pdf"
    related = bad.replace("附件一.pdf", "art_2.html")
    title = "关于印发某市政务公开工作要点的通知"
    text = "各区人民政府，市各委办局：现将有关事项通知如下，请认真贯彻执行。" * 3
    for head in ("", "<link rel='canonical' href='http://www.example.gov.cn/art/2019/5/6/art_1.html'>"):
        path = tmp_path / "page.html"
        path.write_text(
            f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body><h1>{title}</h1>"
            f"<div class='content'><p>{text}</p><p>附件：<a href='{bad}'>附件一.pdf</a></p>"
            f"<ul><li><a href='{related}'>关于某事的通知</a></li></ul></div></body></html>",
            "utf-8",
        )
        items = list(read_file(path))
        assert [item for item in items if isinstance(item, ReadError)] == []
        [raw] = items
        doc = read_document(raw, DEFAULTS, IngestReport())
        assert doc is not None and doc.title == title
        assert [attachment.name for attachment in doc.attachments] == ["附件一.pdf"]


def test_a_records_url_whose_host_urllib_refuses_stops_no_ingest(tmp_path):
    # The same kind of link as a record's own URL in an export: urllib raised ValueError while the document's fields
    # were made (its citation tokens split the URL), and the whole ingest stopped with a traceback, the records after
    # it unread. The URL is cleaned as a browser reads it (index.normalise.clean_url), and the batch goes on.
    records = [
        {
            "title": f"关于印发第{n}号办法的通知",
            "url": url,
            "content": "各乡镇人民政府：现将办法印发给你们，请认真贯彻执行。",
        }
        for n, url in enumerate(
            [
                "http://www.example.gov.cn：8080/art/2023/5/6/art_1.html",
                "http://[abc/art/2023/5/6/art_2.html",
                "http://www.example.gov.cn/art/2023/5/6/art_3.html",
            ],
            start=1,
        )
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = ingest_paths([path], tmp_path / "index")
    assert report.rejected == [] and len(report.added) == 3
    urls = {doc.url for doc in Catalog(tmp_path / "index").documents()}
    assert urls == {
        "http://www.example.gov.cn:8080/art/2023/5/6/art_1.html",
        "http://%5Babc/art/2023/5/6/art_2.html",
        "http://www.example.gov.cn/art/2023/5/6/art_3.html",
    }


def test_a_tables_rows_keyed_by_number_with_values_as_lists_are_all_read(tmp_path):
    # pandas' orient ``index`` ({"0": {…}, "1": {…}}) over records whose values are Scrapy's .getall() lists
    # (``"title": ["…"]``) gave one document, not one a row: a row's title had to be a text, not a list of one
    # (test_reader_export_robustness.py's combined variations in CI, on jyy-monthly-implement.jsonp).
    rows = {
        str(n): {
            "id": n,
            "title": [title],
            "publisher": ["浙江·丽水"],
            "time": ["2019-01-02"],
            "url": [f"http://www.example.gov.cn/art/{n}.html"],
        }
        for n, title in enumerate(
            [
                "丽水市不动产登记云平台上线",
                "景洪市实施不动产登记与交易税收一窗受理",
                "关于做好春节期间安全生产工作的通知",
            ]
        )
    }
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    items = list(read_file(path))
    assert [item for item in items if isinstance(item, ReadError)] == []
    docs = [read_document(item, DEFAULTS, IngestReport()) for item in items]
    assert sorted(doc.title for doc in docs if doc is not None) == sorted(value["title"][0] for value in rows.values())


def test_one_record_beside_a_caption_keeps_its_metadata_entries_to_itself(tmp_path):
    # One record in a response's two side-by-side lists under a caption (``"title": "政策发布"``), its metadata as
    # TRS 海云 domainMetaList entries: the entries were read through the list of records as the caption's own fields,
    # so the caption looked like a document and was read instead of the record (test_reader_export_robustness.py's
    # combined variations, seed 55).
    record = {
        "标题": "关于印发《京津冀安全应急装备先进制造业集群发展规划（2024-2028年）》的通知",
        "时间": "2024-05-09",
        "内容": "各有关单位：现将《京津冀安全应急装备先进制造业集群发展规划（2024-2028年）》印发给你们，"
        "请结合实际，贯彻落实。",
        "domainMetaList": [
            {
                "domainMetadataName": "政策文件信息",
                "resultList": [{"name": "主题分类", "value": "工业行业规划", "key": "subjectclass"}],
            }
        ],
    }
    response = {
        "success": True,
        "data": {"id": 1, "title": "政策发布", "centralPolicies": [record], "localPolicies": []},
    }
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, ensure_ascii=False), "utf-8")
    items = list(read_file(path))
    assert [item for item in items if isinstance(item, ReadError)] == []
    [doc] = [read_document(item, DEFAULTS, IngestReport()) for item in items]
    assert doc is not None and doc.title == record["标题"] and doc.pub_date == "2024-05-09"


def test_the_footer_is_looked_for_once_in_a_text_of_many_tool_lines(tmp_path, monkeypatch):
    # A text of 2,000 short lines, every other one a page tool (打印) and no footer mark anywhere, judged the rest of
    # the text from each tool line anew to find where the footer starts: time quadratic in the lines (a 200 KB
    # text of such lines 5.3 CPU s). What the footer test is handed is counted, not timed.
    seen: list[str] = []
    strong = text_reader.has_strong_mark
    monkeypatch.setattr(text_reader, "has_strong_mark", lambda line: seen.append(line) or strong(line))
    lines = [f"打印\n第{i}条" for i in range(1000)]
    path = tmp_path / "page.txt"
    path.write_text("关于做好政务公开工作的通知\n现将有关事项通知如下。\n" + "\n".join(lines) + "\n", "utf-8")
    [raw] = [item for item in read_file(path) if isinstance(item, RawRecord)]
    doc = read_document(raw, DEFAULTS, IngestReport())
    assert doc is not None and "第999条" in doc.body
    assert len(seen) <= 4 * 2000
