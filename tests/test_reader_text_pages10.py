"""Page texts of sites the collection had not seen (issue 17, tests/fidelity/manifest.d/text10.json, tune part):
a read-aloud button over the text, a label the table prints without a colon (公开类别 主动公开), a 公开方式 word
on its own line past a blank line under its label, a signature date whose 年月日 were lost so its numbers read
two ways, one of them after the page's publication date, a breadcrumb that starts 您当前的位置 (its arrows
unspaced) or stands over the label table, and a red head's 文号 that lost its closing bracket and 号 (浦府〔20221)
over a label line.

Each page test reads a real page of the collection (tune split only; held-out pages are never read here) through
``portal ingest``'s own path (bench.fidelity.ingest_one), and fails without the behaviour it names; the unit tests
beside them guard what the rules keep (a line that only starts with a tool's word is text; glued numbers that
read two ways before the publication date still sign no date).
"""

from __future__ import annotations

import gzip

import pytest
from helpers import real_inputs, tune_page, tune_page_right

from bench.fidelity import COLLECTION, ingest_one, same
from index.htmltext import is_page_tools
from index.readers.text import plain_title, signature


def stored(name: str) -> dict[str, object]:
    """The compared fields the portal stores for a tune page of the collection (``pages/<name>.txt.gz``)."""
    return tune_page(f"pages/{name}.txt.gz")[1]


def right(name: str, field: str) -> bool:
    return tune_page_right(f"pages/{name}.txt.gz", field)


@real_inputs
def test_a_read_aloud_button_over_the_text_is_page_tools():
    # 日期:… 来源:… 浏览量: / 分享: / 朗读 / the plan's heading (金华经济技术开发区, Hanweb)
    body = str(stored("text10-kfqjinhua-pagetext-1")["body_head"])
    assert not body.startswith("朗读")
    assert body.startswith("金华经济技术开发区管委会突发公共事件")
    assert right("text10-kfqjinhua-pagetext-1", "body_head")


@pytest.mark.parametrize(
    ("line", "tools"),
    [("朗读", True), ("听全文", True), ("【字体：大 中 小】 视力保护色：", True), ("朗读比赛获奖名单", False)],
)
def test_read_aloud_and_eye_care_switches_are_tools_words_not_text(line, tools):
    assert is_page_tools(line) is tools


@real_inputs
def test_a_disclosure_label_printed_without_a_colon_keeps_the_label_table_going():
    # 索引号 … / 文件编号 … / 发布机构 区政府 / 公开类别 主动公开 / 发布时间 2022-01-29 (浦东新区人民政府)
    values = stored("text10-pudong-pagetext-1")
    assert "公开类别" not in str(values["body_head"])
    assert "主动公开" not in str(values["body_head"])[:20]
    assert values["pub_date"] == "2022-01-29"


@real_inputs
def test_the_publication_date_decides_between_the_readings_of_a_glued_signature_date():
    # 2022128 / (此件公开发布): 1月28日 or 12月8日; the notice was published 2022-01-29, so 1月28日
    assert stored("text10-pudong-pagetext-1")["written_date"] == "2022-01-28"
    assert right("text10-pudong-pagetext-1", "written_date")


@pytest.mark.parametrize(
    ("numbers", "published", "written"),
    [
        ("2022128", "2022-01-29", "2022-01-28"),  # 12月8日 had not come yet
        ("2022128", "", None),  # no publication date: two readings, no date
        ("2023111", "2023-01-20", "2023-01-11"),
        ("2023111", "2023-12-01", None),  # both readings came before it: still two
        ("2024327", "2024-01-01", None),  # its one reading is after the publication: it signs nothing
    ],
)
def test_a_glued_signature_date_reads_only_as_a_day_not_after_the_publication(numbers, published, written):
    found = signature(["现将方案印发给你们，请认真贯彻执行。", numbers, "（此件主动公开）"], published)
    assert (found[1] if found else None) == written


@real_inputs
def test_a_disclosure_word_under_its_label_past_a_blank_line_is_the_label_s_value(tmp_path):
    # • 公开方式: / (blank) / 主动公开 / • the title again: the last label's value on its own line, past a blank
    # line, where the dump is not spaced a blank line after every line (two log lines over the labels)
    entry, _values = tune_page("pages/text10-kfqjinhua-pagetext-1.txt.gz")
    text = gzip.decompress((COLLECTION / entry["file"]).read_bytes()).decode("utf-8")
    page = tmp_path / "page.txt.gz"
    page.write_bytes(gzip.compress(("2024-05-01 10:00:01 INFO: Spider opened\n" * 2 + text).encode("utf-8")))
    values = ingest_one(page, "page.txt").values
    assert not str(values["body_head"]).startswith("主动公开")
    assert same("body_head", entry["expected"]["body_head"], values["body_head"])
    assert values["pub_date"] == "2013-10-12"


def _variant(tmp_path, name: str, change) -> tuple[dict, dict[str, object]]:
    """A tune page's manifest entry and what the portal stores for its text changed by ``change`` (as a crawler
    or a copy changes a page's text)."""
    entry, _values = tune_page(f"pages/{name}.txt.gz")
    text = gzip.decompress((COLLECTION / entry["file"]).read_bytes()).decode("utf-8")
    page = tmp_path / "page.txt.gz"
    page.write_bytes(gzip.compress(change(text).encode("utf-8")))
    return entry, ingest_one(page, "page.txt").values


@real_inputs
def test_a_you_are_here_breadcrumb_is_no_title(tmp_path):
    # 您当前的位置: 首页>资源>编研园地>大事记 / the title / 发布时间… (宁波档案): without its label line (read with
    # no labels then), the title is still the line under the breadcrumb, not the breadcrumb
    def without_label_line(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if not line.startswith("发布时间"))

    entry, values = _variant(tmp_path, "text10-nbdaj-pagetext-1", without_label_line)
    assert values["title"] == entry["expected"]["title"]


@pytest.mark.parametrize(
    "breadcrumb", ["您当前的位置: 首页>资源>编研园地>大事记", "当前的位置：首页 > 政务公开", "首页>信息公开>通知公告"]
)
def test_breadcrumbs_are_not_title_like(breadcrumb):
    found = plain_title(
        [breadcrumb, "宁波市二O一九年十月份记事", "", "1 我市举行庆祝中华人民共和国成立70周年升国旗仪式。"]
    )
    assert found is not None and found[1] == "宁波市二O一九年十月份记事"


@real_inputs
def test_a_red_head_s_doc_no_that_lost_its_bracket_and_number_sign_is_part_of_the_heading(tmp_path):
    # 浦府〔20221 / 浦东新区人民政府关于印发 / 《…》的通知 / a label line / the text: the text starts after the label
    # line, whose labels are read; the 文号 left without 〕 and 号 is the heading's, no text
    line = "发布时间：2022-01-29 10:00  浏览次数：123"
    entry, values = _variant(
        tmp_path,
        "text10-pudong-pagetext-1",
        lambda text: text.replace("区政府各委、办", f"{line}\n\n区政府各委、办", 1),
    )
    assert str(values["body_head"]).startswith("区政府各委、办、局")
    assert same("body_head", entry["expected"]["body_head"], values["body_head"])


@real_inputs
@pytest.mark.parametrize("breadcrumb", ["您当前的位置: 首页>政务公开>街道文件", "当前位置：首页 > 政务公开 > 街道文件"])
def test_a_breadcrumb_over_the_label_table_is_no_title(tmp_path, breadcrumb):
    # the breadcrumb text10's pages print first (宁波档案, 湖州 卫健委, 安庆) over 闵行's - label list, whose title is
    # the heading under the labels
    entry, values = _variant(tmp_path, "shmh-pagetext-1", lambda text: f"{breadcrumb}\n{text}")
    assert "位置" not in str(values["title"])
    assert same("title", entry["expected"]["title"], values["title"])
