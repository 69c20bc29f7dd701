"""A page's tools and its visit counter are no part of a document's text, in an HTML body as in page text.

Built from a real page of the fidelity collection (../shared/fidelity/pages/wanzai-tjgb-2022.html.gz, 万载县人民政府's
Hanweb template, source named in manifest.d/pages3.json): under its title it prints ``访问量：1632`` beside the
收藏 / 打印 / 字体 icons, the count its script filled in before the page was saved.
"""

from __future__ import annotations

import gzip

import pytest
from helpers import REAL_PAGES, real_inputs

from index.htmltext import is_page_tools
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.record import RawRecord

PAGE = REAL_PAGES / "wanzai-tjgb-2022.html.gz"


def article_block() -> str:
    """The page's article block, title to text, as a crawler's content column keeps it."""
    html = gzip.decompress(PAGE.read_bytes()).decode("utf-8")
    start = html.index('<h1 class="article-title">')
    end = html.index("</ucapcontent>") + len("</ucapcontent>")
    return html[start:end]


@real_inputs
def test_an_html_body_drops_the_page_counter_printed_under_its_title():
    block = article_block()
    assert '访问量：<b id="view">1632</b>' in block  # the real page's counter, filled in
    record = RawRecord(source="export.json", fields={"title": "万载县2022年国民经济和社会发展统计公报", "body": block})
    doc = read_document(record, DEFAULTS, IngestReport())
    assert doc is not None
    assert "访问量" not in doc.body and "1632" not in doc.body
    assert "2022年，万载全县上下坚持以习近平新时代中国特色社会主义思想为指导" in doc.body
    assert doc.body.endswith("其他数据来自县统计局和国家统计局万载调查队。")


@pytest.mark.parametrize(
    ("line", "tools"),
    [
        ("访问量：1632", True),  # the page above
        ("浏览次数：1234", True),
        ("访问量: 56次", True),
        ("[点击数：7]", True),
        ("（阅读数：12）", True),
        ("浏览次数：-", True),  # before the script fills it in
        ("【打印本页】 【关闭窗口】 浏览次数：1234", True),
        ("1632", False),
        ("本次访问量增长12%", False),
        ("共有浏览次数1234次的文章", False),
    ],
)
def test_a_visit_counter_is_page_tools(line, tools):
    assert is_page_tools(line) is tools
