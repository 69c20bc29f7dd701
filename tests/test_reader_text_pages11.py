"""Page texts of sites the collection had not seen (issue 17, tests/fidelity/manifest.d/text11.json, tune part):
label rows of no field inside a label table, numbered [label] lists, a label table's values printed without their
labels, a heading with its 文号 glued before the title, a 文号 alone round a plain text's heading, a signature date
whose month and day were glued, the issuer a title names, furniture over the text, and labels real pages use
(公开目录, 上载日期, 来自).

Each test reads a real page of the collection (tune split only; held-out pages are never read here) through
``portal ingest``'s own path (bench.fidelity.ingest_one), and fails without the behaviour it names; the guards
at the end keep what the new rules must not take (a 号 inside a title, a title naming no office before 关于).
"""

from __future__ import annotations

import pytest
from helpers import real_inputs, tune_page, tune_page_right

from bench.fidelity import same
from index.readers.text import plain_title, signature


def stored(name: str) -> dict[str, object]:
    """The compared fields the portal stores for a tune page of text11.json (``pages/text11-<name>-1.txt.gz``)."""
    return tune_page(f"pages/text11-{name}-1.txt.gz")[1]


def right(name: str, *fields: str) -> bool:
    return tune_page_right(f"pages/text11-{name}-1.txt.gz", *fields)


@real_inputs
def test_rows_of_labels_of_no_field_leave_the_label_table_going_on():
    # 公开责任部门: 区政府办 发文日期: / 生效日期: 信息时效期: / 公开方式: … / 文件名称: 关于印发…的通知
    values = stored("tianxin")
    assert values["title"] == "关于印发《天心区地质灾害应急预案》的通知"
    assert "欢迎浏览" not in str(values["title"])


@real_inputs
def test_a_numbered_list_of_bracketed_labels_is_the_label_table():
    # 1. [主题分类] … 2. [发文机构] … 3. [实施日期] ---- … 8. [有效性] 现行有效
    assert right("bjchy", "title", "doc_no", "publisher", "category", "written_date", "pub_date", "validity")


@real_inputs
def test_values_printed_without_their_labels_are_read_by_their_form():
    # • 736916953/2024-000372 / • 2024-01-10 15:30:00 / • 标题 / • 五政办规〔2024〕1号 / • 现行有效
    values = stored("wdlc")
    assert values["index_no"] == "736916953/2024-000372"
    assert right("wdlc", "doc_no", "validity", "title", "body_head")
    assert not str(values["title"]).startswith("•")


@real_inputs
def test_an_unlabelled_list_of_values_names_the_publisher_beside_its_index_no():
    # text9's 新郑: • 005299478/2022-00137 / • 新郑市卫生健康委员会 / • 应急 / • 2022-08-10 …
    entry, values = tune_page("pages/xinzheng-pagetext-1.txt.gz")
    assert values["index_no"] == "005299478/2022-00137"
    assert same("publisher", entry["expected"]["publisher"], values["publisher"])


@real_inputs
def test_a_heading_under_the_labels_sheds_the_doc_no_glued_before_its_title():
    # 筑府办函〔2020〕78号市人民政府办公厅关于印发贵阳市气象灾害应急预案的通知
    assert stored("guiyang")["title"] == "市人民政府办公厅关于印发贵阳市气象灾害应急预案的通知"


@real_inputs
def test_a_doc_no_alone_between_a_plain_text_s_headings_is_its_doc_no():
    # the title / 石柱府办发〔2023〕41号 / the red head's issuer and title over three lines / the 主送
    assert stored("cqszx")["doc_no"] == "石柱府办发〔2023〕41号"


@real_inputs
def test_a_doc_no_alone_over_a_plain_text_s_heading_is_its_doc_no():
    # 鹤政发〔2025〕4号 / 鹤岗市人民政府 鹤岗市中级人民法院印发 / 关于完善…的通知
    assert stored("hgds")["doc_no"] == "鹤政发〔2025〕4号"


@real_inputs
def test_a_signature_date_with_its_month_and_day_glued_is_read():
    # 长沙市天心区人民政府办公室 / 2016年1013日: 10月13日 is the only reading
    assert stored("tianxin")["written_date"] == "2016-10-13"


@pytest.mark.parametrize(
    ("date", "written"), [("2016年1013日", "2016-10-13"), ("2020年1231日", "2020-12-31"), ("2021年111日", "")]
)
def test_only_one_month_and_day_reading_of_a_glued_month_and_day_signs(date, written):
    # 2021年111日 is 1月11日 or 11月1日: the issuers sign, with no date
    found = signature(["现将预案印发给你们，请认真遵照执行。", "长沙市天心区人民政府办公室", date])
    assert found == (["长沙市天心区人民政府办公室"], written)


@real_inputs
def test_the_issuer_a_title_names_is_the_publisher_where_nothing_else_is():
    # 宁明县人民政府办公室关于印发…的通知, its signature a date alone, no label
    assert same("publisher", "宁明县人民政府办公室", stored("gxyjt")["publisher"])


@real_inputs
def test_page_tools_and_an_empty_related_box_over_the_text_are_no_part_of_it():
    # 取消收藏成功! / 相关办事指南 / 各盟行政公署、市人民政府…
    values = stored("nmg")
    assert str(values["body_head"]).startswith("各盟行政公署")
    assert right("nmg", "body_head")


@real_inputs
def test_labels_real_pages_use():
    assert right("xjboz", "category")  # 公开目录: 政府文件
    assert stored("qqhr")["pub_date"] == "2019-11-21"  # 上载日期: 2019-11-21
    assert right("szbaja", "publisher")  # 来自:襄阳市政府门户网站


# Guards: what the rules must leave alone ---------------------------------------------------------------------


def test_a_title_whose_words_before_a_hao_are_no_doc_no_keeps_them():
    lines = ["关于做好2024年第1号台风防御工作的通知", "各乡镇人民政府：", "现将有关事项通知如下。"]
    assert plain_title(lines) == (0, "关于做好2024年第1号台风防御工作的通知")


def test_a_glued_doc_no_leaves_a_plain_title_too():
    lines = ["筑府办函〔2020〕78号市人民政府办公厅关于印发贵阳市气象灾害应急预案的通知", "各区、市、县人民政府："]
    assert plain_title(lines) == (0, "市人民政府办公厅关于印发贵阳市气象灾害应急预案的通知")


@real_inputs
def test_a_bracketed_label_of_no_field_ends_the_table_and_is_no_title():
    # 【所属类别】政策参考 / 【文件来源】山西省 / <blank> / 山西省人民政府关于印发…的通知
    values = stored("chinacourt")
    assert values["title"] == "山西省人民政府关于印发2008年省人民政府工作目标责任分解的通知"
    assert right("chinacourt", "category", "body_head")


@real_inputs
def test_spaced_and_slashed_labels_of_no_field_keep_the_table_going_to_its_status():
    # 发布日期: … / 失效/废止日期: / 发布文号: / 实施日期: … / 状       态: 现行
    assert right("eshian", "validity", "pub_date", "publisher")
