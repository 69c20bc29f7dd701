"""国务院公报 content pages of www.gov.cn (issue 17, tests/fidelity/manifest.d/pages13.json, tune part): a 部门令 as
the gazette prints it. The name is only in ``<title>``, where the CMS parts it from its trail with a double underscore;
the text opens with the 令's heading (its issuers' names, 令, 第N号), then the order's paragraph, the signatures and
the date, then the regulation it issues.

Each real-input test reads a tune page of the collection through ``portal ingest``'s own path (bench.fidelity's
ingest_one) and fails without the behaviour it names; held-out pages are never read here. The other tests pin each rule
on small pages of our own.
"""

from __future__ import annotations

from helpers import real_inputs, tune_page_right
from lxml import html as lxml_html

from index.normalise import normalise, order_heading_step
from index.readers.html import page_title
from index.record import RawRecord

JOINT = "pages/pages13-govcn-gongbao-1.html.gz"  # 八部委令第20号, 电子招标投标办法
SINGLE = "pages/pages13-govcn-gongbao-2.html.gz"  # 国家质量监督检验检疫总局令第156号


@real_inputs
def test_the_gazette_issue_after_a_double_underscore_is_not_the_title():
    # <title>…电子招标投标办法__2013年第13号国务院公报_中国政府网</title>
    assert tune_page_right(JOINT, "title")
    assert tune_page_right(SINGLE, "title")


def title_of(text: str) -> str:
    return page_title(lxml_html.fromstring(f"<html><head><title>{text}</title></head><body><p>正文</p></body></html>"))


def test_a_double_underscore_ends_the_name_a_single_one_does_not():
    assert title_of("关于印发某办法的通知__2020年第1号公报_某某网") == "关于印发某办法的通知"
    assert title_of("关于印发某办法的通知_某某县人民政府") == "关于印发某办法的通知"
    # too short a head is no name: the title is left to the other rules
    assert title_of("公告__栏目") == "公告__栏目"


@real_inputs
def test_a_single_organs_order_heading_gives_publisher_doc_no_and_signing_date():
    # 国家质量监督检验检疫总局令 / 第　156　号 / the order's paragraph / 局　长　支树平 / 2014年4月21日
    assert tune_page_right(SINGLE, "publisher")
    assert tune_page_right(SINGLE, "written_date")
    assert tune_page_right(SINGLE, "body_head")  # the heading is no longer the text's start


@real_inputs
def test_a_joint_orders_letter_spaced_issuers_are_its_publishers():
    # eight ministries' names, one a line and letter-spaced (中 华 人 民 共 和 国 工 业 和 信 息 化 部),
    # then 令 / 第　20　号
    assert tune_page_right(JOINT, "publisher")
    assert tune_page_right(JOINT, "written_date")


def order(body: str) -> dict[str, str]:
    (fields, _), _ = order_heading_step(body)
    return fields


def test_order_heading_step_reads_the_heading_and_the_signing_date_before_the_regulation():
    body = (
        "某某市人民政府令\n\n第　3　号\n\n《某某办法》已经市政府常务会议通过，现予公布。\n\n"
        "市长　某某\n\n2020年5月6日\n\n某某办法\n\n第一条　为了……"
    )
    assert order(body) == {
        "publisher": "某某市人民政府",
        "doc_no": "某某市人民政府令第3号",
        "written_date": "2020-05-06",
    }
    (_, rest), _ = order_heading_step(body)
    assert rest.startswith("《某某办法》")
    # the date is the order's only where it comes before the regulation's first article
    assert "written_date" not in order(
        "某某市人民政府令\n\n第3号\n\n现予公布。\n\n第一条　自2020年5月6日起施行。\n\n2020年5月6日"
    )
    # joint issuers: each organ a publisher, no single series to number the 令 in
    joint = order("中华人民共和国财政部 中 华 人 民 共 和 国 商 务 部令\n\n第　9　号\n\n现予公布。")
    assert joint == {"publisher": "中华人民共和国财政部、中华人民共和国商务部"}


def test_a_text_that_opens_otherwise_has_no_order_heading():
    assert order("关于印发某办法的通知\n\n第　3　号\n\n各区：") == {}  # not an organ's name before 第N号
    assert order("国务院令第588号公布的条例自发布之日起施行。") == {}  # a 令 cited in a sentence
    assert order("") == {}


def test_what_the_page_labels_wins_over_the_order_heading():
    record = RawRecord(
        source="t.html",
        locator="t.html",
        fields={
            "title": "某某办法",
            "publisher": "某某市司法局",
            "body": "某某市人民政府令\n\n第3号\n\n现予公布。\n\n2020年5月6日",
        },
    )
    doc = normalise(record)
    assert doc.publisher == "某某市司法局"
    assert doc.doc_no == "某某市人民政府令第3号" and doc.written_date == "2020-05-06"
