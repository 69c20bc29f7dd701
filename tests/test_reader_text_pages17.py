"""Page-text dumps of 国家能源局's regional offices and 广州电力交易中心 (a crawler's text of each page: every text
node on a line of its own, the page's frame kept). Real pages: tests/fidelity/manifest.d/pages17.json
(JunFengXiang/electricity-policy-rag, 03_处理后文本/), each test on a tune page that read wrong before its fix."""

from __future__ import annotations

from helpers import real_inputs, tune_page, tune_page_right

from index.normalise import title_doc_no_step

REPOSTED = "pages/pages17-gzpec-3.txt.gz"  # heading: 发改能源规〔2025〕411号_国家发展改革委 国家能源局关于…
RED_HEAD = "pages/pages17-hbj-nea-10.txt.gz"  # two …监管局文件 lines over 华北监能市场〔2019〕228号
NO_TEXT = "pages/pages17-fjb-nea-7.txt.gz"  # nothing between the 字体 switch and the footer
SPACED_PDF = "pages/pages17-hbj-nea-8.txt.gz"  # the one download: …蒙西电力市场系列规则的通知 .pdf


@real_inputs
def test_a_heading_that_opens_with_its_doc_no_gives_the_doc_no():
    _, values = tune_page(REPOSTED)
    assert values["doc_no"] == "发改能源规〔2025〕411号"
    assert values["title"] == "国家发展改革委 国家能源局关于印发《电力辅助服务市场基本规则》的通知"
    assert tune_page_right(REPOSTED, "title", "doc_no", "publisher", "attachments")


@real_inputs
def test_the_doc_no_under_a_red_heads_lines_is_the_doc_no():
    # GB/T 9704-2012 7.2.3: the issuers' 发文机关标志 (…文件), then the 发文字号, then the title over three lines
    _, values = tune_page(RED_HEAD)
    assert values["doc_no"] == "华北监能市场〔2019〕228号"
    assert tune_page_right(RED_HEAD, "doc_no", "title", "written_date", "body_head", "body_tail")


@real_inputs
def test_a_page_with_no_text_has_no_body_and_no_footer_in_it():
    _, values = tune_page(NO_TEXT)
    assert "通讯地址" not in str(values["body_tail"]) and "公网安备" not in str(values["body_tail"])
    assert tune_page_right(NO_TEXT, "body_tail", "doc_no", "publisher", "pub_date")


@real_inputs
def test_a_download_named_with_a_space_before_its_extension_is_an_attachment():
    _, values = tune_page(SPACED_PDF)
    assert values["attachments"] == ["华北能源监管局关于印发蒙西电力市场系列规则的通知 .pdf"]
    assert tune_page_right(SPACED_PDF, "attachments", "body_tail", "title")


def test_a_title_opening_with_words_that_are_no_doc_no_is_left_whole():
    for title in ("2021年第3号公示：关于新增发电企业的通知", "关于印发《某某规则》的通知", "第3号 关于某事的公告"):
        assert title_doc_no_step(title)[0] == (title, "")


def test_a_title_opening_with_its_doc_no_glued_or_set_off_loses_it():
    for separator in ("", " ", "｜", "_"):
        title = f"鲁监能市场〔2024〕35号{separator}关于某事的通知"
        assert title_doc_no_step(title)[0] == ("关于某事的通知", "鲁监能市场〔2024〕35号")
