"""RawRecord → Document: dates, classification dimensions, ids, findings, rejection."""

from __future__ import annotations

import pytest

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
