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

from index.readers.html import page_title

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
