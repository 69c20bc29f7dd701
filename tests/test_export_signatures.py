"""The signature inside an export record's body (round 13, read19.json): 河北 crawler CSVs keep each page's text as one
line, its paragraphs run together, each still opening with its indent of two U+3000. A notice that issues a document
signs between its covering text and that document (…请遵照执行。　　河北省科学技术厅　　2024年8月21日　　河北省实验室
建设工作指引　　为…), sometimes with the 成文日期 glued to the issued document's heading (2023年10月7日河北省支持…). The
issuer is the record's publisher and the date its 成文日期 where the export has no such column."""

from __future__ import annotations

import pytest
from helpers import real_inputs, tune_records

from bench.fidelity import same
from index.htmltext import html_to_text
from index.normalise import clean_body
from index.readers.text import page_text_fields, signature

_SIGNED = (
    "各有关单位：\u3000\u3000为规范我省科技奖励工作，现将办法印发你们，请遵照执行。\u3000\u3000河北省科学技术厅"
    "\u3000\u30002024年8月21日\u3000\u3000河北省实验室建设工作指引\u3000\u3000为高起点推进河北省实验室建设，"
    "培育支撑引领重点产业高质量发展的战略科技力量，提升产业核心竞争力，制定本指引。" * 2
)


def test_a_one_line_body_is_split_at_every_paragraph_indent():
    """An indent of two U+3000 starts a paragraph in a one-line body also where no sentence ends before it: the
    signature's issuer, its date and the issued document's heading are paragraphs of their own."""
    paragraphs = clean_body(_SIGNED).split("\n\n")
    assert paragraphs[2:5] == ["河北省科学技术厅", "2024年8月21日", "河北省实验室建设工作指引"]
    assert paragraphs[1] == "为规范我省科技奖励工作，现将办法印发你们，请遵照执行。"


def test_a_date_glued_to_the_next_heading_still_signs_under_its_issuer():
    lines = [
        "各市人民政府：",
        "现印发给你们，请认真贯彻执行。",
        "河北省人民政府办公厅",
        "2023年10月7日河北省支持钢铁行业创新发展的若干措施",
    ]
    assert signature(lines) == (["河北省人民政府办公厅"], "2023-10-07")
    furniture = ["帮助企业解决实际问题。", "河北省人民政府办公厅", "2023年9月5日政策解读：促进全省电子信息产业发展"]
    assert signature(furniture) == (["河北省人民政府办公厅"], "2023-09-05")


@pytest.mark.parametrize(
    "line", ["2023年1月1日起施行本办法。", "2023年1月1日至3月31日开展检查。", "2023年1月1日，会议召开。"]
)
def test_a_sentence_opening_with_a_date_under_a_name_is_no_signature(line):
    assert signature(["河北省科学技术厅", line]) is None


@real_inputs
@pytest.mark.parametrize("file", ["pages/read19-kjt-hebei-kjzc.csv.gz", "pages/read19-gxt-hebei-gyxyjh.csv.gz"])
def test_the_signature_in_a_one_line_export_body_gives_publisher_and_written_date(file):
    """河北省科学技术厅's 科技政策 and 河北省工业和信息化厅's 工业行业计划 exports (gerry0208/spider_project): no
    publisher or 成文日期 column; every record whose text signs has its issuer and date read from the signature."""
    records = tune_records(file)
    signed = [(entry, outcome) for entry, outcome in records if entry["expected"].get("written_date")]
    assert len(signed) >= 5  # the records read in read19.json only (those read18/read17 also read are theirs)
    for entry, outcome in signed:
        assert not outcome.error, outcome.error
        assert same("written_date", entry["expected"]["written_date"], outcome.values["written_date"]), entry["record"]
        if isinstance(entry["expected"].get("publisher"), str):
            assert same("publisher", entry["expected"]["publisher"], outcome.values["publisher"]), entry["record"]


_QUOTED = (
    "有关情况如下。\n"
    "第二十五条 本规范自公布之日起施行，并根据经济社会发展需求和人工智能发展情况适时修订。\n"
    "国家新一代人工智能治理专业委员会\n2021年9月25日"
)
_NEWS = "9月25日，国家新一代人工智能治理专业委员会发布了《新一代人工智能伦理规范》，旨在将伦理道德融入人工智能。\n"


def test_a_news_report_gives_nothing_from_the_signature_closing_it():
    """科学技术部's 工作动态 item (S-ummmer/gov-crawler-0605, most-crawl-1 record 7) reports a committee's norm and
    closes with the norm's signature: a text that opens as a news report (9月25日，…) gives no 成文日期 or publisher
    from it, whoever the record names; the same signature under a text of the document's own signs (a site reposting
    a document names itself as the source and prints the issuer's signature)."""
    title = {"title": "《新一代人工智能伦理规范》发布"}
    for fields in (title, {**title, "publisher": "科学技术部"}):
        report = page_text_fields(_NEWS + _QUOTED, fields)
        assert "written_date" not in report and report.get("publisher") == fields.get("publisher")
    reposted = page_text_fields(_QUOTED, {**title, "publisher": "科学技术部"})
    assert reposted["written_date"] == "2021-09-25" and reposted["publisher"] == "科学技术部"
    unnamed = page_text_fields(_QUOTED, title)
    assert (unnamed["publisher"], unnamed["written_date"]) == ("国家新一代人工智能治理专业委员会", "2021-09-25")


def test_an_html_paragraph_is_split_at_every_indent_as_a_one_line_text_is():
    """The same paragraph indents inside one <p> of a page's markup (an export's HTML body): the signature's issuer and
    date are paragraphs of their own there too."""
    markup = "<p>" + _SIGNED[: _SIGNED.index("为高起点")] + "</p>"
    assert html_to_text(markup).split("\n\n")[2:5] == ["河北省科学技术厅", "2024年8月21日", "河北省实验室建设工作指引"]
