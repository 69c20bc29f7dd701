"""Page texts of sites the collection had not seen (issue 17, tests/fidelity/manifest.d/text8.json, tune part):
the 成文日期 and issuers a text signs with, the issuer a page names under its heading, a 来源 that names a
website, label rows drawn as table cells or glued together, and the heading among a page's furniture.

Each test reads a real page of the collection (tune split only; held-out pages are never read here) through
``portal ingest``'s own path (bench.fidelity.ingest_one), and fails without the behaviour it names.
"""

from __future__ import annotations

import gzip

import pytest
from helpers import real_inputs, tune_page

from bench.fidelity import COLLECTION, ingest_one, same
from index.readers.text import signature


def stored(name: str) -> dict[str, object]:
    """The compared fields the portal stores for a tune page of the collection (``pages/<name>.gz``)."""
    return tune_page(f"pages/{name}.gz")[1]


def text_of(name: str) -> str:
    return gzip.decompress((COLLECTION / "pages" / f"{name}.gz").read_bytes()).decode("utf-8")


# The 成文日期 (GB/T 9704-2012 7.3.5: the signature's date) ------------------------------------------------------


@real_inputs
@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("infoeach-pagetext-2.txt", "2008-06-04"),  # 二OO八年六月四日, alone, the letter O for zero
        ("infoeach-pagetext-1.txt", "2003-12-04"),  # 二OO三年十二月四日 under the notice's last sentence
        ("infoeach-pagetext-3.txt", "2011-10-09"),  # 2011年10月9日 alone, blank lines round it
        ("infoeach-pagetext-4.txt", "2000-10-31"),  # under 中华人民共和国主席 江泽民 (a title and a name, no office)
        ("dx-pagetext-1.txt", "2022-04-02"),  # under the office's name; the table's 发文日期 cell empty
    ],
)
def test_a_date_alone_closing_the_text_is_its_written_date(name, written):
    """Many pages print the signature's date without the issuers' names (the seal stood for them), or under a
    signer's title and name: the date alone on the line under the text's last sentence is the 成文日期."""
    assert same("written_date", written, stored(name)["written_date"])


@real_inputs
def test_a_signature_date_set_in_pieces_is_read_joined():
    """hbj-nea-4 sets the date under its signature in six pieces (2019 / 年 / 11 / 月 / 15 / 日: inline markup a
    dump writes one a line): the office and the date sign it."""
    values = stored("hbj-nea-4.txt")
    assert same("written_date", "2019-11-15", values["written_date"])
    assert same("publisher", "国家能源局华北监管局", values["publisher"])


@real_inputs
def test_an_imprint_date_is_not_the_written_date():
    """natcm-pdftext-1 ends its text with the 版记's ``2007年3月20日印发`` (the day the office printed it, a
    compilation's next document after it): no 成文日期 is taken from it."""
    assert stored("natcm-pdftext-1.txt")["written_date"] == ""
    assert signature(["本规范由国家中医药管理局、卫生部负责解释。", "2007年3月20日印发"]) is None


def test_a_date_in_a_sentence_or_under_a_heading_signs_nothing():
    """The date alone signs only under a sentence's end: a date printed under the heading (its 发布日期) or a
    line of the text that ends with a date does not."""
    assert signature(["关于开展安全检查的通知", "2021年3月5日", "各乡镇人民政府："]) is None
    assert signature(["各乡镇人民政府：", "现将有关事项通知如下。", "会议定于2021年3月5日"]) is None
    assert signature(["现将有关事项通知如下。", "", "二〇二三年五月六日"]) == ([], "2023-05-06")


@real_inputs
def test_the_issuers_over_a_misprinted_or_mangled_date_still_sign():
    """zhanjiang-nyncj-pagetext-1 signs 湛江市农业局 over 2018年10日11日 (a misprint); mdx-pagetext-1 signs
    牟定县人民政府办公室 over （此件公开发布） and a date whose letters a rendering lost ({ 2017 6 23)."""
    values = stored("zhanjiang-nyncj-pagetext-1.txt")
    assert same("publisher", "湛江市农业局", values["publisher"])
    assert same("written_date", "2018-10-11", values["written_date"])
    assert same("publisher", "牟定县人民政府办公室", stored("mdx-pagetext-1.txt")["publisher"])
    assert signature(["牟定县人民政府办公室", "(此件公开发布)", "{ 2017 6 23"]) == (
        ["牟定县人民政府办公室"],
        "2017-06-23",
    )
    assert signature(["现将有关事项通知如下。", "{ 2017 6 23"]) is None  # no name over it: a table's numbers


# Who issued it --------------------------------------------------------------------------------------------------


@real_inputs
def test_a_source_naming_a_website_yields_to_the_signers():
    """pingjiang-pagetext-1 prints 来源:岳阳市政府门户网 (the city's portal, where the county site found it); two
    offices sign the notice over its date: they issued it."""
    values = stored("pingjiang-pagetext-1.txt")
    assert same("publisher", ["中共岳阳市委办公室", "岳阳市人民政府办公室"], values["publisher"])
    assert same("written_date", "2017-01-10", values["written_date"])


@real_inputs
def test_a_site_of_no_office_names_no_publisher_and_the_issuer_under_the_heading_does():
    """A law database's 来源: 法律资料网 is the database; the issuing body stands alone under the page's title
    (江苏省宿迁市人民政府, 民政部), over the notice's own heading."""
    assert same(
        "publisher", {"any": ["江苏省宿迁市人民政府", "宿迁市人民政府"]}, stored("infoeach-pagetext-2.txt")["publisher"]
    )
    assert same("publisher", "民政部", stored("infoeach-pagetext-5.txt")["publisher"])
    assert same("publisher", "湖北省人民政府", stored("infoeach-pagetext-3.txt")["publisher"])


@real_inputs
def test_an_offices_website_still_names_the_office():
    """govcn-zck-1's 来源： 发展改革委网站, with no signature: the office whose site it is."""
    assert same("publisher", "发展改革委", stored("govcn-zck-1.txt")["publisher"])


# Label rows as a text rendering prints them ---------------------------------------------------------------------


@real_inputs
def test_label_values_lose_the_tables_cell_walls():
    """dx-pagetext-1 draws its metadata table with ``|`` between cells (``索引号: | /2022-05170 | 分类: | |``): a
    value is the cell's text, and a cell of walls alone is empty (so the signature gives the 成文日期)."""
    values = stored("dx-pagetext-1.txt")
    assert values["index_no"] == "/2022-05170"
    assert same("publisher", "道县自然资源局", values["publisher"])
    assert values["doc_no"] == "" and values["category"] == []


@real_inputs
def test_a_label_glued_to_the_value_before_it_is_a_label_of_its_own():
    """zs-nync-pagetext-1 prints ``信息来源:市农业农村局乡村产业发展科发布日期:2019-05-23`` (the cells' spacing
    lost); ehs-gold-pagetext-1 ``颁布日期:2021-12-31生效日期:2021-12-31``."""
    values = stored("zs-nync-pagetext-1.txt")
    assert same("publisher", "市农业农村局乡村产业发展科", values["publisher"])
    assert same("pub_date", "2019-05-23", values["pub_date"])
    assert same("pub_date", "2021-12-31", stored("ehs-gold-pagetext-1.txt")["pub_date"])


@real_inputs
def test_labels_real_pages_use():
    """公文目录 (a county's 分类: mdx-pagetext-1) and 废止时间 (thx-pagetext-1, which starts a row: without it the
    row ``废止时间: … 名称: …`` was taken for the title)."""
    assert same("category", "应急管理", stored("mdx-pagetext-1.txt")["category"])
    assert stored("thx-pagetext-1.txt")["title"] == "太湖县人民政府关于印发《太湖县人民政府工作规则》的通知"


@real_inputs
def test_an_empty_label_takes_no_heading_under_it_for_its_value(tmp_path):
    """dx-pagetext-1's ``文号 : |`` is empty and its heading ``说 明`` follows: with a label line between the
    heading and the text (as pages print 发布时间 there), 说 明 is still the heading, not the 文号."""
    text = text_of("dx-pagetext-1.txt").replace("说 明\n", "说 明\n发布时间：2022-04-06 10:00  浏览次数：12\n")
    page = tmp_path / "dx.txt.gz"
    page.write_bytes(gzip.compress(text.encode("utf-8")))
    outcome = ingest_one(page, "dx.txt")
    assert outcome.values["doc_no"] == "" and same("title", "说明", outcome.values["title"])


# The heading among the page's furniture -------------------------------------------------------------------------


@real_inputs
@pytest.mark.parametrize(
    ("name", "title"),
    [
        # the site's name, its 长者助手 无障碍 bar and the office's name over the heading
        ("zhanjiang-nyncj-pagetext-1.txt", "转发省农业厅关于开展耕地轮作休耕制度专题调研的通知"),
        # a bar of links (热门站点| 世界资料网 | …) over it
        ("infoeach-pagetext-5.txt", "民政部关于灾区过冬衣被和修复倒塌房屋救济款发放使用问题的通知"),
        # 文号《title》, then 《title》 alone
        ("0798ci-pagetext-2.txt", "北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知"),
        # the site's tools and a disclaimer between the heading and the label rows
        ("ehs-gold-pagetext-1.txt", "兰州市人民政府办公室关于印发《兰州市危险化学品生产安全事故应急预案》的通知"),
    ],
)
def test_the_heading_is_found_among_the_pages_furniture(name, title):
    assert stored(name)["title"] == title


@real_inputs
def test_the_text_starts_at_the_notice_not_at_the_document_it_issues():
    """infoeach-pagetext-1's title (吉安市…细则) is printed again over the 细则 the notice issues: the text starts
    at the notice (its addressees), and the 文号 is read past the issuer's name and the notice's own heading."""
    values = stored("infoeach-pagetext-1.txt")
    assert same(
        "body_head", "市政府各部门,市直各单位:现将《吉安市市本级政务公开工作实施细则》印发给你们", values["body_head"]
    )
    assert same("doc_no", "吉府发〔2003〕37号", values["doc_no"])
    assert same("doc_no", "宿政发〔2008〕65号", stored("infoeach-pagetext-2.txt")["doc_no"])
    assert same("doc_no", "鲁政发〔2014〕20号", stored("0798ci-pagetext-1.txt")["doc_no"])
