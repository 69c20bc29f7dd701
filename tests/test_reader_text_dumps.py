"""Page text as a crawler dumps a whole page: one text node a line, the page's frame kept round the text.

Built from real pages of the fidelity collection (../shared/fidelity/pages, sources named in its manifest): the
国家能源局 regional offices' TRS template prints no label but ``来源：``; its date stands alone under the title.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from helpers import REAL_PAGES, real_inputs

from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import detect_reader, read_file
from index.readers import text as reader
from index.record import RawRecord

PAGES = REAL_PAGES


def unpacked(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.decompress((PAGES / f"{name}.gz").read_bytes()))
    return path


def only_record(path: Path) -> RawRecord:
    (item,) = list(read_file(path))
    assert isinstance(item, RawRecord), item
    return item


@real_inputs
def test_a_dump_whose_only_labels_are_its_date_line_and_source_is_page_text(tmp_path):
    path = unpacked(tmp_path, "jsb-nea-1.txt")  # 国家能源局江苏监管办公室, 2018-10-29
    assert detect_reader(path) is reader
    fields = only_record(path).fields
    assert fields["title"] == "关于做好2019年电力市场化交易注册绑定有关工作的通知"
    assert fields["pub_date"] == "2018-10-29 10:04"
    assert fields["publisher"] == "江苏能源监管办"
    # The first line is the browser title: title _ site; the site is the part beside the title.
    assert fields["site"] == "国家能源局江苏监管办公室"


@real_inputs
def test_the_page_frame_leaves_the_body(tmp_path):
    body = only_record(unpacked(tmp_path, "jsb-nea-1.txt")).fields["body"]
    assert body.startswith("省电力公司，江苏电力交易中心，各售电公司、电力用户：")
    assert body.endswith("国家能源局江苏监管办公室\n2018年10月26日")  # the signature; the footer is gone
    for frame in ("字体", "扫一扫", "网站地图", "ICP备", "版权所有"):
        assert frame not in body
    assert "\n小\n" not in f"\n{body}\n" and "\n大\n" not in f"\n{body}\n"  # the 字体 小|中|大 switch


@real_inputs
def test_an_attachment_only_page_keeps_its_file_names_and_drops_the_footer(tmp_path):
    path = unpacked(tmp_path, "xjb-nea-1.txt")  # 国家能源局新疆监管办公室: the text is two PDFs' names
    doc = read_document(only_record(path), DEFAULTS, IngestReport())
    assert doc is not None
    assert doc.title == "关于转发《国家能源局印发关于加强电力中长期交易监管的意见的通知》的通知"
    assert doc.pub_date == "2019-12-26"
    assert doc.body.endswith("附件：国家能源局印发《关于加强电力中长期交易监管的意见》的通知.pdf")
    assert "主办单位" not in doc.body and "京公网安备" not in doc.body


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        ("2018-10-29 10:04", [("发布日期", "2018-10-29 10:04")]),
        ("2019/03/18", [("发布日期", "2019/03/18")]),
        ("2018年10月26日", []),  # a signature's date
        ("2019年12月3日星期二", []),  # a site's calendar widget
        ("2018-10-29 共3页", []),
        ("2018-10-29 10:04  浏览次数：123", [("发布日期", "2018-10-29 10:04")]),  # the page's counter beside it
        ("2018-10-29 10:04 【我要打印】【关闭窗口】", [("发布日期", "2018-10-29 10:04")]),
        ("发布日期：2026-03-06 19:22", [("发布日期", "2026-03-06 19:22")]),
    ],
)
def test_a_date_alone_on_its_line_is_the_publication_date(line, pairs):
    assert reader.metadata_pairs(line) == pairs


def test_the_footer_is_cut_only_where_nothing_after_it_is_text():
    text = ["第一条 本办法自发布之日起施行。", "网站地图", "请各单位认真贯彻执行。", "主办单位：某某局"]
    assert reader._without_page_frame(text) == text  # a sentence after 网站地图: not a footer
    footer = ["第一条 本办法自发布之日起施行。", "某某局", "网站地图", "联系我们", "主办单位：某某局", "标识码：bm1"]
    assert reader._without_page_frame(footer) == footer[:2]


@real_inputs
def test_a_file_named_as_the_document_is_not_its_title_glued_to_the_text(tmp_path):
    path = unpacked(tmp_path, "hbj-nea-2.txt")  # 国家能源局华北监管局: the text is the PDF's file name
    doc = read_document(only_record(path), DEFAULTS, IngestReport())
    assert doc is not None
    assert doc.title == "华北能源监管局关于公示内蒙古电力调峰辅助服务市场模拟运行试结算报告的公告"
    assert doc.body == f"{doc.title}.pdf"  # not ".pdf": the title did not lose its line break before the text


@real_inputs
def test_a_heading_broken_over_lines_is_joined_as_the_browser_title_has_it(tmp_path):
    path = unpacked(tmp_path, "xjb-nea-2.txt")  # 国家能源局新疆监管办公室: the heading broken at its <
    fields = only_record(path).fields
    assert (
        fields["title"] == "关于转发《国家发展改革委 国家能源局关于印发<电力中长期交易基本规则（暂行）>的通知》的通知"
    )
    assert "site" not in fields  # the first line is the title alone: it names no site
    assert fields["pub_date"] == "2017-02-22 11:47"


@real_inputs
def test_a_dump_labelled_only_with_its_source_is_a_page_by_its_footer(tmp_path):
    path = unpacked(tmp_path, "govcn-zck-1.txt")  # www.gov.cn 国家规章库: only 来源： is labelled
    assert detect_reader(path) is reader
    doc = read_document(only_record(path), DEFAULTS, IngestReport())
    assert doc is not None
    # The line above 来源 is the site's address: the browser title (标题_机关_中国政府网) names the page.
    assert doc.title == "电力市场运行基本规则"
    # The 规章's promulgation note under the title: (…2024年4月25日国家发展改革委令第20号公布 …).
    assert doc.doc_no == "国家发展改革委令第20号"
    assert "doc_no_in_note" in {finding.code for finding in doc.warnings}
    # 来源： 发展改革委网站 is the office's website: the office published it.
    assert doc.publishers == ["发展改革委"]
    assert doc.body.endswith("（原国家电力监管委员会令第10号）同时废止。\n\n国家规章库")  # the footer is gone


def test_a_plain_note_is_no_page_text(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("会议纪要\n来源：办公室\n今天讨论了三件事。\n", encoding="utf-8")  # a label, but no site footer
    assert detect_reader(path) is not reader


@pytest.mark.parametrize(
    ("note", "doc_no"),
    [
        ("(2024年4月25日国家发展改革委令第20号公布 自2024年7月1日起施行)", "国家发展改革委令第20号"),
        ("（2019年3月2日中华人民共和国国务院令第710号公布　自公布之日起施行）", "中华人民共和国国务院令第710号"),
        ("依据国务院令第588号公布的条例，制定本办法。", ""),  # a sentence citing another 令
        ("（根据2020年国务院令第726号修订）", ""),  # a revision, not the publication
    ],
)
def test_the_order_number_a_rule_was_published_under(note, doc_no):
    from index.identifiers import promulgation_doc_no

    assert promulgation_doc_no(note) == doc_no


@real_inputs
def test_a_table_dumped_twice_with_labels_spread_over_lines_is_read_once(tmp_path):
    path = unpacked(tmp_path, "govcn-zck-2.txt")  # www.gov.cn 国务院部门文件: desktop and mobile copies
    fields = only_record(path).fields
    # 来 / 源：, 标 / 题： are one label each; the last label's value (成文日期：, then the date) is its value.
    assert fields["publisher"] == "发展改革委 能源局"
    assert fields["written_date"] == "2022年01月18日"
    doc = read_document(only_record(path), DEFAULTS, IngestReport())
    assert doc is not None and doc.written_date == "2022-01-18" and doc.doc_no == "发改体改〔2022〕118号"
    assert doc.body.startswith("各省、自治区、直辖市人民政府，国务院各部委、各直属机构")  # no stray date above it
    # The text is printed twice (the mobile copy after the desktop one): the body holds it once.
    assert doc.body.count("党中央、国务院部署实施新一轮电力体制改革以来") == 1
    assert doc.body.endswith("国家发展改革委\n\n国 家 能 源 局\n\n2022年1月18日")


def test_a_repeated_paragraph_is_no_second_copy():
    text = ["一、总体要求", "同上。", "二、工作原则", "同上。", "三、保障措施"]
    assert reader._without_second_copy(text) == text


@real_inputs
def test_a_bracketed_label_table_with_values_under_the_labels(tmp_path):
    # 北京市经济和信息化局 政策文件: [主题分类] / 国土资源、能源/其他 / [制发单位] / … a label a line, its value
    # on the next; [实施日期] is no field of ours; the 文号 is split over three lines (京经信发 / 〔2024〕 / 65号);
    # [有效性]'s 现行有效, the last value, has the title under it, not a label.
    path = unpacked(tmp_path, "bj-jxj-1.txt")
    assert detect_reader(path) is reader
    doc = read_document(only_record(path), DEFAULTS, IngestReport())
    assert doc is not None
    assert doc.doc_no == "京经信发〔2024〕65号"
    assert doc.publisher == "北京市经济和信息化局"
    assert (doc.written_date, doc.pub_date) == ("2024-12-05", "2024-12-05")
    assert doc.validity == "有效"
    # The line above the labels (政策文件) is the column the browser title names beside the page's title.
    assert doc.title == "北京市经济和信息化局关于印发《北京市新型储能产业发展实施方案（2024—2027年）》的通知"


@real_inputs
def test_a_size_switch_in_brackets_and_the_share_tools_leave_the_body(tmp_path):
    # 【字体： 大 中 小 】 打印 over the text; 分享： and its icon's X under it.
    body = only_record(unpacked(tmp_path, "bj-jxj-1.txt")).fields["body"]
    assert body.startswith("各有关单位：\n为贯彻落实《北京市促进未来产业创新发展实施方案》")
    assert body.endswith("打造具有全球影响力的技术交流和产业合作平台。")


def test_a_bracketed_word_starts_no_label_table(tmp_path):
    lines = ["首页", "[返回]", "关于印发某办法的通知", "正文第一段。"]
    path = tmp_path / "x.txt"
    path.write_text("\n".join(lines), "utf-8")
    record = only_record(path)  # read as a title and its text, not as a label table [返回] opens
    assert "read_without_labels" in {finding.code for finding in record.warnings}
    assert (record.fields["title"], record.fields["body"]) == ("关于印发某办法的通知", "正文第一段。")


@real_inputs
def test_the_file_list_under_the_text_is_the_attachments_and_a_footer_link_no_related_heading(tmp_path):
    # 广州电力交易中心: 相关附件 then eight .pdf names under the signature; the footer's links run 联系我们,
    # 网站地图, 相关链接, 法律声明 … down to 版权所有 and the ICP number.
    record = only_record(unpacked(tmp_path, "gzpec-1.txt"))
    body = record.fields["body"]
    assert body.endswith("广州电力交易中心有限责任公司\n中国南方电力调度控制中心\n2025年6月19日")
    for frame in ("相关附件", ".pdf", "联系我们", "网站地图", "版权所有"):
        assert frame not in body
    names = [item["name"] for item in record.fields["attachments"]]
    assert len(names) == 8
    assert names[1] == "附件1：南方区域电力市场中长期电能量交易实施细则（2025年V1.0版）.pdf"
    assert "related" not in record.fields  # 相关链接 among the footer's links heads no related titles


@pytest.mark.parametrize(
    ("lines", "body", "names"),
    [
        (["正文。", "相关附件", "a.pdf", "附件2：表.xlsx"], ["正文。"], ["a.pdf", "附件2：表.xlsx"]),
        (["正文。", "附件", "办法全文见下。"], ["正文。", "附件", "办法全文见下。"], []),  # prose, not a file list
        # not at the end: the list stays in the text, its file's name (a download link's text) is an attachment
        (["正文。", "附件", "a.pdf", "正文又起。"], ["正文。", "附件", "a.pdf", "正文又起。"], ["a.pdf"]),
    ],
)
def test_a_file_list_is_taken_only_where_it_ends_the_text(lines, body, names):
    assert reader._without_file_list(lines) == (body, names)


@real_inputs
def test_download_links_printed_in_the_text_with_no_heading_are_its_attachments(tmp_path):
    # 国家能源局江苏监管办公室, 2020-12-10: the model contract's PDF link stands between the text and the
    # signature; 华北监管局, 2019-11-15: the notice's own PDF under the signature; 新疆监管办公室: two links
    # and nothing else, the 附件： label after them. The names stay where the page prints them.
    record = only_record(unpacked(tmp_path, "jsb-nea-3.txt"))
    assert [item["name"] for item in record.fields["attachments"]] == [
        "江苏分布式发电市场化交易及电网企业输配电服务三方合同（示范文本）.pdf"
    ]
    assert record.fields["body"].endswith("（示范文本）.pdf\n国家能源局江苏监管办公室\n2020年12月7日")
    record = only_record(unpacked(tmp_path, "hbj-nea-4.txt"))
    assert [item["name"] for item in record.fields["attachments"]] == [
        "华北能源监管局关于开展河北南网电力调峰辅助服务市场模拟运行的通知.pdf"
    ]
    record = only_record(unpacked(tmp_path, "xjb-nea-3.txt"))
    assert len(record.fields["attachments"]) == 2
    assert record.fields["attachments"][1]["name"].endswith("（发改能源规〔2020〕889号）.pdf")


@real_inputs
def test_a_date_a_page_set_in_pieces_is_one_line_again(tmp_path):
    # 华北监管局, 2019-11-15: the signature's date is six text nodes (2019 / 年 / 11 / 月 / 15 / 日).
    body = only_record(unpacked(tmp_path, "hbj-nea-4.txt")).fields["body"]
    assert "国家能源局华北监管局\n2019年11月15日\n" in body


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["2019", "年", "11", "月", "15", "日"], ["2019年11月15日"]),
        (["签名", "2020", "年", "5", "月"], ["签名", "2020年5月"]),
        (["二○○六", "年", "八", "月", "二十四", "日"], ["二○○六年八月二十四日"]),
        (["序号", "1", "2", "3"], ["序号", "1", "2", "3"]),  # a table's cells: no date
        (["2019", "年"], ["2019", "年"]),  # two pieces only
    ],
)
def test_only_pieces_that_read_as_a_date_are_joined(lines, joined):
    assert reader._joined_fragments(lines) == joined


@real_inputs
def test_links_marked_click_to_open_are_attachments_named_without_the_mark(tmp_path):
    # 国家能源局福建监管办公室, 2021-01-19: the text is three links, each ending （点击打开）.
    path = unpacked(tmp_path, "fjb-nea-4.txt")
    record = only_record(path)
    names = [item["name"] for item in record.fields["attachments"]]
    assert names[0] == "关于征求《福建电力市场中长期交易规则》补充修订意见的函"
    assert names[2] == "国家发改委国家能源局关于做好2021年电力中长期合同签订工作的通知（发改运行〔2020〕1784号）"
    doc = read_document(record, DEFAULTS, IngestReport())
    assert doc is not None and "点击" not in doc.body
    assert doc.body.startswith("国家发展改革委国家能源局关于印发《电力中长期交易基本规则》")


@real_inputs
def test_a_sentence_broken_after_a_comma_is_one_paragraph(tmp_path):
    # 国家能源局华北监管局, 2020-11-20: 为规范…，促进电力资源优化配置， / 稳步推进… on two lines.
    body = only_record(unpacked(tmp_path, "hbj-nea-5.txt")).fields["body"]
    assert body.startswith("为规范京津唐电网电力中长期交易，促进电力资源优化配置，稳步推进京津唐电网电力中长期交易工作")
    assert reader._joined_fragments(["各市人民政府：", "现将……印发给你们。"]) == [
        "各市人民政府：",
        "现将……印发给你们。",
    ]


def test_a_title_whose_kind_stands_in_quotes_goes_on_on_the_next_line():
    # www.gov.cn, 国发〔2006〕29号: the title over the text, broken after 《…纲要》 (a document kind in quotes).
    lines = [
        "国务院关于落实《中华人民共和国国民经济",
        "和社会发展第十一个五年规划纲要》",
        "主要目标和任务工作分工的通知",
        "",
        "国发〔2006〕29号",
    ]
    place, title = reader.plain_title(lines)
    assert title == "国务院关于落实《中华人民共和国国民经济和社会发展第十一个五年规划纲要》主要目标和任务工作分工的通知"
    assert place == 2
    # A quoted title standing alone is not stretched over the text under it.
    assert (
        reader.plain_title(["关于印发《安全生产条例》", "各区人民政府：现将条例印发给你们，请认真贯彻执行。"])[1]
        == "关于印发《安全生产条例》"
    )


@real_inputs
def test_a_print_bar_and_a_credit_over_the_text_are_no_part_of_it(tmp_path):
    # 国家能源局江苏监管办公室, 2018-10-29, with the print bar and editor line other TRS sites print over the text.
    text = gzip.decompress((PAGES / "jsb-nea-1.txt.gz").read_bytes()).decode("utf-8")
    text = text.replace(
        "省电力公司，江苏电力交易中心", "【我要打印】【关闭窗口】\n责任编辑：王某某\n省电力公司，江苏电力交易中心", 1
    )
    path = tmp_path / "jsb-nea-1.txt"
    path.write_text(text, encoding="utf-8")
    assert only_record(path).fields["body"].startswith("省电力公司，江苏电力交易中心，各售电公司、电力用户：")


# A text's end and start, read from the kind of lines round it (issue 17) -----------------------------------------

# Footers as sites print them (湖南省市场监督管理局's and 秦皇岛市应急管理局's, as public clones of the two sites
# copy them), with the browser hint and the visitor counter such footers add: lines long or ending as sentences do,
# which a footer test that asks for short lines only kept in the text.
_FOOTER_LINES = [
    "版权所有：湖南省市场监督管理局",
    "地 址：湖南省长沙市芙蓉南路二段118号 邮 编：410004 电 话：0731-8569300",
    "公安机关备案号：43010302000524 网站标识码：4300000077",
    "建议使用IE9及以上版本浏览器访问本网站。",
]
_FOOTER_LINE = (
    "秦皇岛市应急管理局 地址：秦皇岛市燕山大街109号 电话：0335-3650560 冀公网安备：13030202002230 "
    "网站标识码：1303000020 邮政编码：066001 ICP备案号：冀ICP备15003849号 技术支持：秦皇岛昊锐科技有限公司 "
    "您是本站第 1234567 位访问者，欢迎您的光临！"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    return path


def _signature_end(tmp_path: Path, text: str) -> str:
    return only_record(_write(tmp_path, text)).fields["body"]


@real_inputs
@pytest.mark.parametrize("footer", [_FOOTER_LINES, [_FOOTER_LINE]], ids=["lines", "one long line"])
def test_a_footer_of_sentences_and_long_lines_leaves_the_body(tmp_path, footer):
    text = unpacked(tmp_path, "jsb-nea-1.txt").read_text("utf-8").rstrip("\n")
    body = _signature_end(tmp_path, "\n".join([text, *footer]))
    assert body.endswith("国家能源局江苏监管办公室\n2018年10月26日")
    assert not any(word in body for word in ("网站标识码", "版权所有", "浏览器", "访问者"))


@real_inputs
def test_a_footer_that_opens_with_its_filing_marks_is_cut_with_no_tool_line_over_it(tmp_path):
    """The page's own frame (扫一扫, 网站地图 …) gone, the footer's first line is 版权所有：…: no tool line or
    footer link opens it, its marks do."""
    text = unpacked(tmp_path, "jsb-nea-1.txt").read_text("utf-8")
    lines = text.split("\n")
    signed = max(i for i, line in enumerate(lines) if line.strip() == "2018年10月26日")
    body = _signature_end(tmp_path, "\n".join([*lines[: signed + 1], *_FOOTER_LINES]))
    assert body.endswith("国家能源局江苏监管办公室\n2018年10月26日")


def test_a_sentence_of_the_text_about_a_footer_mark_is_no_footer():
    text = [
        "关于规范政府网站标识码使用的通知",
        "各级政府网站要在首页底部标注网站标识码，并在页面源代码中标注，未按要求标注的要限期整改。",
        "网站标识码：4300000077",
        "请各单位认真贯彻执行，执行中遇到的问题及时报告省政府办公厅，我们将及时研究解决。",
    ]
    assert reader._without_page_frame(text) == text


@real_inputs
def test_label_lines_between_the_heading_and_the_text_are_read_and_leave_the_text(tmp_path):
    """gov.cn's 国务院文件 page as a dump whose page printed a date and counter line under its heading, after the
    文号: the text starts after it; the label table's 发布日期 keeps its value."""
    text = unpacked(tmp_path, "govcn-pagetext-1.txt").read_text("utf-8")
    counter = "发布时间：2013-09-10 08:00  来源：国务院办公厅  浏览次数：1234"
    text = text.replace("国办发〔1986〕92号\n", f"国办发〔1986〕92号\n{counter}\n", 1)
    fields = only_record(_write(tmp_path, text)).fields
    assert fields["body"].startswith("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：")
    assert fields["pub_date"] == "2013年09月10日"


@pytest.mark.parametrize(
    ("line", "title", "piece"),
    [
        ("国务院关于加快振兴装备制造业的若干意见（摘要）", "国务院关于加快振兴装备制造业的若干意见(摘要)", True),
        ("国务院批转审计署关于审计一九九○年度", "国务院批转审计署关于审计一九九〇年度国际金融组织贷款的通知", True),
        ("国务院关于清理固定资产投资在建项目、", "国务院关于清理固定资产投资在建项目压缩投资规模的通知", True),
        ("各省、自治区、直辖市人民政府，国务院各部委：", "国务院关于印发某某规划的通知", False),
        ("国务院", "国务院关于印发某某规划的通知", False),
    ],
)
def test_a_heading_piece_is_known_by_its_letters(line, title, piece):
    assert reader._is_heading_piece(line, title) is piece


@real_inputs
def test_the_heading_under_an_empty_label_is_no_value_of_the_label(tmp_path):
    """gov.cn's table ends with an empty 主题词; under it the heading, and under that a label line of the page: the
    heading was taken for the 主题词 (the keywords) because a label followed it."""
    text = unpacked(tmp_path, "govcn-pagetext-0.txt").read_text("utf-8")
    text = text.replace(
        "装备制造业调整和振兴规划\n\n装备制造业是", "装备制造业调整和振兴规划\n\n发布时间：2009-05-12\n装备制造业是", 1
    )
    fields = only_record(_write(tmp_path, text)).fields
    assert "keywords" not in fields
    assert fields["body"].startswith("装备制造业是为国民经济各行业提供技术装备的战略性产业")


@real_inputs
def test_a_tool_bar_with_a_footer_bars_words_ends_the_text(tmp_path):
    """【我要纠错】 beside 打印 and 关闭 (a bar gov sites print under the text): the whole bar is tools."""
    text = unpacked(tmp_path, "govcn-pagetext-4.txt").read_text("utf-8").rstrip("\n")
    body = _signature_end(tmp_path, text + "\n\n【我要纠错】 【打印本页】 【关闭窗口】\n")
    assert body.endswith("二○○四年九月七日")


@real_inputs
@pytest.mark.parametrize("heading", ["相关新闻", "相关稿件", "相关政策", "延伸阅读"])
def test_a_related_list_under_any_of_its_headings_is_no_text(tmp_path, heading):
    text = unpacked(tmp_path, "jsb-nea-1.txt").read_text("utf-8").rstrip("\n")
    related = [heading, "市政府召开常务会议研究部署安全生产工作 2024-05-01", "我市举行2024年防汛应急演练 2024-04-28"]
    record = only_record(_write(tmp_path, "\n".join([text, *related, "网站地图", "网站标识码：1100000001"])))
    assert record.fields["body"].endswith("国家能源局江苏监管办公室\n2018年10月26日")
    assert [item["title"] for item in record.fields["related"]][:2] == related[1:]


@pytest.mark.parametrize(
    ("lines", "signed"),
    [
        (
            [
                "……认真贯彻执行。",
                "国务院办公厅",
                "一九九二年十月十六日",
                "关于……的报告",
                "国 家 计 委",
                "机 电 部",
                "一九九二年六月二十日",
            ],
            (["国务院办公厅"], "1992-10-16"),
        ),  # the notice signs before the report it forwards
        (["……特此通知。", "国 家 计 委", "机 电 部", "一九九二年六月二十日"], (["国家计委", "机电部"], "1992-06-20")),
        (["……衔接。", "国家医保局 财政部 2021年4月12日"], (["国家医保局", "财政部"], "2021-04-12")),
        (["本办法自2020年1月1日起施行。"], None),  # a date in a sentence signs nothing
        (["各省、自治区人民政府：", "2018年10月26日"], None),  # an addressee over a date is no signer
    ],
)
def test_the_first_signature_is_the_documents(lines, signed):
    assert reader.signature(lines) == signed


@real_inputs
def test_a_signature_gives_the_issuer_and_date_no_label_gave(tmp_path):
    """The 江苏能源监管办 dump labels its 来源 (the publisher) but prints no 成文日期: its signature's date is it."""
    fields = only_record(unpacked(tmp_path, "jsb-nea-1.txt")).fields
    assert fields["publisher"] == "江苏能源监管办"  # the label wins
    assert fields["written_date"] == "2018-10-26"


@real_inputs
@pytest.mark.parametrize("glued", [" 【打印本页】 【关闭窗口】", "  浏览次数：123", "【我要纠错】【打印】"])
def test_tools_a_dump_glued_to_the_texts_last_line_leave_it(tmp_path, glued):
    """A dump that joined the text's last node and the tools after it on one line (gov.cn's 国务院文件 page)."""
    text = unpacked(tmp_path, "govcn-pagetext-4.txt").read_text("utf-8")
    text = text.replace("二○○四年九月七日", "二○○四年九月七日" + glued, 1)
    assert _signature_end(tmp_path, text).replace("\n\n", "\n").endswith("国务院\n二○○四年九月七日")


def test_a_size_letter_ending_a_sentence_is_no_glued_tool():
    assert reader._unglued(["企业按规模分为 大 中 小"]) == ["企业按规模分为 大 中 小"]


@real_inputs
def test_the_share_bar_under_the_text_is_tools(tmp_path):
    text = unpacked(tmp_path, "govcn-pagetext-4.txt").read_text("utf-8")
    text = text.replace("二○○四年九月七日", "二○○四年九月七日\n\n分享到：微信 微博 QQ空间", 1)
    assert _signature_end(tmp_path, text).replace("\n\n", "\n").endswith("国务院\n二○○四年九月七日")


@real_inputs
def test_a_pdf_texts_bracketed_doc_no_and_joint_signature_are_read(tmp_path):
    """最高人民法院's joint notice as a RAG project's text of its PDF: no labels; the 文号 in round brackets under the
    heading, the three issuers one a line over the date, then the opinion the notice issues."""
    doc = read_document(only_record(unpacked(tmp_path, "court-pdftext-1.txt")), DEFAULTS, IngestReport())
    assert doc is not None
    assert doc.doc_no == "法发〔2024〕6号"
    assert doc.publishers == ["最高人民法院", "最高人民检察院", "公安部"]
    assert doc.written_date == "2024-02-28"
    assert "各省、自治区、直辖市高级人民法院" in doc.body[:40]
