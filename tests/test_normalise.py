"""RawRecord → Document: dates, classification dimensions, ids, findings, rejection."""

from __future__ import annotations

import pytest
from helpers import REAL_PAGES, real_inputs, tune_records

from index.normalise import RejectedRecord, assign_dimensions, normalise, split_category
from index.record import RawRecord


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("规划计划 ??其他 ?? 报告", ["规划计划", "其他", "报告"]),
        ("政策法规 / 民政、扶贫、救灾 / 通知", ["政策法规", "民政、扶贫、救灾", "通知"]),
        ("城乡建设、环境保护\\城市规划", ["城乡建设、环境保护\\城市规划"]),
        ("学生资助", ["学生资助"]),
    ],
)
def test_split_category(raw, parts):
    assert split_category(raw) == parts


def test_single_classification_goes_to_its_dimension_by_vocabulary():
    assert assign_dimensions(["通知"]) == {"category_genre": "通知"}
    assert assign_dimensions(["民政、扶贫、救灾"]) == {"category_topic": "民政、扶贫、救灾"}
    assert assign_dimensions(["学生资助"]) == {"category_scheme": "学生资助"}


def _record(**fields) -> RawRecord:
    return RawRecord(source="t.json", locator="record 2", fields=fields)


def test_document_without_index_no_gets_a_stable_id():
    first = normalise(_record(title="关于某事的通知", publisher="某局", pub_date="2020-01-02", body="正文"))
    again = normalise(_record(title="关于某事的通知", publisher="某局", pub_date="2020-01-02", body="改过的正文"))
    assert first.index_no is None
    assert first.id == again.id and first.id.startswith("d")


def test_malformed_dates_keep_the_document_with_a_finding():
    doc = normalise(_record(title="标题", body="正文", pub_date="去年春天"))
    assert doc.pub_date == ""
    assert [(w.code, w.field) for w in doc.warnings] == [("bad_date", "pub_date")]


def test_publication_and_written_dates_are_kept_apart():
    doc = normalise(_record(title="标题", body="正文", pub_date="2020-03-05", written_date="2020年2月28日"))
    assert (doc.pub_date, doc.written_date) == ("2020-03-05", "2020-02-28")


def test_record_without_title_and_body_is_rejected_naming_file_record_and_field():
    with pytest.raises(RejectedRecord) as excinfo:
        normalise(_record(publisher="某局"))
    assert str(excinfo.value).startswith("t.json record 2: field title:")


def test_empty_body_is_indexed_with_a_warning():
    doc = normalise(_record(title="只有标题"))
    assert [w.code for w in doc.warnings] == ["empty_body"]


def test_doc_no_glued_to_body_moves_to_the_doc_no_field():
    doc = normalise(_record(title="关于印发办法的通知", body="冀科平规〔2024〕1号河北省科学技术厅关于印发办法的通知"))
    assert doc.doc_no == "冀科平规〔2024〕1号"
    assert doc.body.startswith("河北省科学技术厅")


def test_html_body_becomes_paragraphs():
    doc = normalise(_record(title="t", body="<div class='view'><p>\u3000\u3000第一段&nbsp;</p><p>第二段</p></div>"))
    assert doc.body == "第一段\n\n第二段"


def test_spam_and_encoding_loss_are_flagged_but_kept():
    doc = normalise(_record(title="关于法鲁克?卡斯拉维来访", body="《188比分直播加强殡葬服务收费管理的指导意见》"))
    assert {(w.code, w.field) for w in doc.warnings} == {("encoding_loss", "title"), ("spam", "body")}
    assert "188比分直播" in doc.body


def test_welfare_lottery_is_not_spam():
    doc = normalise(
        _record(title="福利彩票公益金使用情况公告", body="福利彩票公益金用于养老服务，体育彩票公益金用于全民健身。")
    )
    assert doc.warnings == []


def test_bad_check_digit_is_a_warning_and_keeps_the_index_no_as_id():
    doc = normalise(_record(title="t", body="b", index_no="014319734/2018-00019"))
    assert doc.id == "014319734/2018-00019"
    assert [w.code for w in doc.warnings] == ["index_no_check"]


# A value that is not a string (JSON lists, objects, numbers, booleans): one rule for every field ----------


SEVERAL, STRUCTURED = "several_values", "structured_value"


def _shaped(**fields):
    doc = normalise(_record(**{"title": "标题", "body": "正文。", **fields}))
    return doc, {
        (w.field, w.code) for w in doc.warnings if w.code in ("not_text", "several_values", "structured_value")
    }


@pytest.mark.parametrize(
    ("fields", "attribute", "expected", "findings"),
    [
        pytest.param({"title": ["甲", "乙"]}, "title", "甲", {("title", "several_values")}, id="title list"),
        pytest.param({"title": ["甲", "甲"]}, "title", "甲", set(), id="title list, one value"),
        pytest.param({"title": True}, "title", "正文。", {("title", "not_text")}, id="title true"),
        pytest.param({"title": 3}, "title", "正文。", {("title", "not_text")}, id="title number"),
        pytest.param({"title": {"zh": "甲"}}, "title", "正文。", {("title", "structured_value")}, id="title object"),
        pytest.param(
            {"publisher": ["北京市卫生健康委员会", "北京市中医管理局"]},
            "publishers",
            ["北京市卫生健康委员会", "北京市中医管理局"],
            set(),
            id="publishers list: joint issuers",
        ),
        pytest.param({"publisher": 3.5}, "publisher", "", {("publisher", "not_text")}, id="publisher number"),
        pytest.param({"publisher": False}, "publisher", "", {("publisher", "not_text")}, id="publisher false"),
        pytest.param({"body": ["第一段", "第二段"]}, "body", "第一段\n\n第二段", set(), id="body paragraphs"),
        pytest.param(
            {"body": {"p": ["第一段", {"em": "第二段"}], "n": 3}},
            "body",
            "第一段\n\n第二段",
            {("body", "structured_value")},
            id="body object: its strings in order",
        ),
        pytest.param({"doc_no": ["某发〔2024〕1号"]}, "doc_no", "某发〔2024〕1号", set(), id="doc_no list of one"),
        pytest.param({"doc_no": 12}, "doc_no", "", {("doc_no", "not_text")}, id="doc_no number"),
        pytest.param({"validity": ["有效", "失效"]}, "validity", "有效", {("validity", SEVERAL)}, id="validity"),
        pytest.param({"validity": False}, "validity", "失效", set(), id="validity false is an answer"),
        pytest.param({"keywords": ["低保", "救助"]}, "keywords", ["低保", "救助"], set(), id="keywords list"),
        pytest.param({"keywords": [["低保"]]}, "keywords", [], {("keywords", STRUCTURED)}, id="keywords nested"),
        pytest.param({"category": {"主题": "财政"}}, "categories", [], {("category", STRUCTURED)}, id="category"),
        pytest.param(
            {"category": ["规划计划", "其他", "报告"]}, "categories", ["规划计划", "其他", "报告"], set(), id="dims"
        ),
        pytest.param({"pub_date": ["2024-05-05"]}, "pub_date", "2024-05-05", set(), id="date list of one"),
        pytest.param({"pub_date": 2018}, "pub_date", "2018", set(), id="date: a year"),
        pytest.param({"pub_date": True}, "pub_date", "", {("pub_date", "not_text")}, id="date true"),
        pytest.param({"index_no": 12345}, "id", "12345", set(), id="index_no number"),
        pytest.param({"summary": {"a": "摘要"}}, "summary", "摘要", {("summary", "structured_value")}, id="summary"),
        pytest.param({"url": ["http://a/1", "http://a/2"]}, "url", "http://a/1", {("url", "several_values")}, id="url"),
    ],
)
def test_a_value_that_is_not_a_string_is_read_by_one_rule(fields, attribute, expected, findings):
    doc, found = _shaped(**fields)
    assert getattr(doc, attribute) == expected
    assert found == findings


def test_attachment_items_that_are_not_text_are_named_and_dropped():
    doc, found = _shaped(attachments=[1, None, {"name": ["附件.pdf"], "url": True}, "/files/b.pdf"])
    assert [(a.name, a.url) for a in doc.attachments] == [("附件.pdf", ""), ("b.pdf", "/files/b.pdf")]
    assert found == {("attachments", "not_text")}


def test_a_record_whose_title_and_body_are_not_text_is_rejected_saying_so():
    with pytest.raises(RejectedRecord) as caught:
        normalise(_record(title=True, body=12))
    assert caught.value.field == "title"
    assert "title: 此字段的值不是文字" in caught.value.reason and "True" in caught.value.reason


@pytest.mark.parametrize(
    "phrase",
    "188比分直播 比分直播 百家乐 时时彩 六合彩 北京赛车 幸运飞艇 PK10 pk拾 真人娱乐城 棋娱乐平台 "
    "娱乐城 网上赌场 线上赌场 在线赌场 博彩公司 赌球 外围投注 澳门新葡京 威尼斯人娱乐 太阳城集团 "
    "BET365 皇冠体育 开户送彩金 注册即送100元 彩金 老虎机 捕鱼游戏 足球投注平台 体育投注APP".split(),
)
def test_every_kind_of_spam_phrase_is_found_inside_text(phrase):
    from index.integrity import spam_matches

    assert spam_matches(f"根据有关规定{phrase}进行公示") == [phrase]


def _read_collection_page(name: str):
    """The one record the text reader makes of a page of the fidelity collection (../shared/fidelity/pages)."""
    import gzip
    import tempfile
    from pathlib import Path

    from index.readers.text import read

    page = REAL_PAGES / f"{name}.gz"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(gzip.decompress(page.read_bytes()))
        (record,) = list(read(path))
    return record


@real_inputs
@pytest.mark.parametrize(
    ("page", "doc_no", "body_start"),
    [
        # The title label writes 一九九〇 (U+3007), the title printed over the text 一九九○ (U+25CB), wrapped
        # over three lines and followed by its 文号 line.
        ("govcn-pagetext-8.txt", "国发〔1992〕26号", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："),
        # The title label writes (摘要), the title printed over the text （摘要）.
        ("govcn-pagetext-31.txt", "国发〔2006〕8号", "装备制造业是为国民经济发展和国防建设提供技术装备的基础性产业。"),
    ],
)
def test_a_title_printed_over_the_text_in_other_forms_of_its_characters_leaves_the_body(page, doc_no, body_start):
    # Real www.gov.cn pages as a browser copies them (../shared/fidelity/pages/).
    doc = normalise(_read_collection_page(page))
    assert doc.doc_no == doc_no
    assert doc.body.startswith(body_start)


@real_inputs
def test_a_subject_word_keeps_no_thesaurus_mark():
    # www.gov.cn prints 主 题 词 as `外贸 出口 机电△` (pages/govcn-pagetext-13.txt.gz): △ marks a word
    # from outside the 主题词表, and is not part of the word.
    assert normalise(_read_collection_page("govcn-pagetext-13.txt")).keywords == ["外贸", "出口", "机电"]


def test_a_markdown_body_opening_with_a_comment_is_markdown_and_markup_after_a_comment_is_html():
    """The law database's bodies hold ``<!-- INFO END -->`` under their ``# title`` line; once the title line is
    taken away the body opens with the comment, and was read as HTML: one wall of text, the ``##`` marks kept."""
    from index.normalise import clean_body

    markdown = "<!-- INFO END -->\n\n## 第一章  总则\n\n第一条 为了加强管理，制定本条例。\n\n第二条 本条例适用于本市。"
    assert clean_body(markdown) == "第一章 总则\n\n第一条 为了加强管理，制定本条例。\n\n第二条 本条例适用于本市。"
    assert clean_body("<!--StartFragment--><p>第一段。</p><p>第二段。</p>") == "第一段。\n\n第二段。"
    assert clean_body("<!--StartFragment-->第一段。<br>第二段。") == "第一段。\n\n第二段。"
    assert clean_body("<!-- 未闭合的注释 第一段。") != ""  # a comment never closed does not loop or lose the text


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        # A list item's full title, then the list's own copy (LonelyQuantum/CovidPolicy_Spider 广州.json, exports9)
        ("关于延长免税资格复审申请期限的通知关于延长免税资格复审申请期限的通知", "关于延长免税资格复审申请期限的通知"),
        ("广州市商务局关于印发工作指引的通知 广州市商务局关于印发工作指引的通知", "广州市商务局关于印发工作指引的通知"),
        # the list's copy cut with an ellipsis, as the list shows a long title
        (
            "广州市卫健委关于印发心理疏导工作方案的通知广州市卫健委关于印发心理...",
            "广州市卫健委关于印发心理疏导工作方案的通知",
        ),
        ("关于疫情防控的通告　（第8号）关于疫情防控的通告　（…", "关于疫情防控的通告 （第8号）"),
        # not written twice: kept as written
        ("加油加油", "加油加油"),
        ("关于印发《办法》的通知...", "关于印发《办法》的通知..."),
        ("国务院关于国务院关于的通知", "国务院关于国务院关于的通知"),
    ],
)
def test_a_title_written_twice_is_kept_once(raw, title):
    doc = normalise(RawRecord(source="list.json", locator="record 1", fields={"title": raw, "body": "正文。"}))
    assert doc.title == title


@real_inputs
def test_a_notice_list_export_with_every_title_written_twice_gives_each_title_once():
    """广州.json (fidelity exports9.json): each hit's title is the link's full title followed by its shown text."""
    from bench.fidelity import same

    for entry, outcome in tune_records("pages/lq-guangzhou-notices.json.gz"):
        got = outcome.values["title"]
        assert same("title", entry["expected"]["title"], got), (entry["record"], got)
