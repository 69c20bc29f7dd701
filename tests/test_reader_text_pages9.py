"""Page texts of sites the collection had not seen (issue 17, tests/fidelity/manifest.d/text9.json, tune part):
a date line marked as a list item or glued to the labels after it, a visit counter glued to a value, a value's
trailing comma, a label list marked with dashes whose last labels are empty, a signature date whose 年月日 were
lost, and a 来源 naming the office's site account.

Each test reads a real page of the collection (tune split only; held-out pages are never read here) through
``portal ingest``'s own path (bench.fidelity.ingest_one), and fails without the behaviour it names; two guard what
the new rules keep (numbers glued two ways sign nothing; a • date line over a plan's title leaves it the title).
"""

from __future__ import annotations

import pytest
from helpers import real_inputs, tune_page, tune_page_right

from index.readers.text import signature


def stored(name: str) -> dict[str, object]:
    """The compared fields the portal stores for a tune page of the collection (``pages/<name>.txt.gz``)."""
    return tune_page(f"pages/{name}.txt.gz")[1]


def right(name: str, field: str) -> bool:
    return tune_page_right(f"pages/{name}.txt.gz", field)


@real_inputs
def test_a_date_line_marked_as_a_list_item_is_the_publication_date():
    # •  2024-04-18 11:44 / • 来源:… / • 发布机构: (gkmlpt-style post pages as a text rendering draws them)
    values = stored("shantou-wjj-pagetext-1")
    assert values["pub_date"] == "2024-04-18"
    assert right("shantou-wjj-pagetext-1", "title")


@real_inputs
def test_a_date_line_glued_to_the_labels_after_it_is_read_with_them():
    # 2015-11-10 01:51:51信息来源:浏览次数:字体:[ ] over the text (Hanweb jcms)
    values = stored("yanzhou-pagetext-1")
    assert values["pub_date"] == "2015-11-10"
    assert right("yanzhou-pagetext-1", "body_head")
    assert "信息来源" not in str(values["body_head"])
    # 信息来源: is empty, the counter and the 字体 switch printed where its value would be
    assert right("yanzhou-pagetext-1", "publisher")


@real_inputs
def test_a_visit_counter_glued_to_a_value_ends_it():
    # 信息来源: 芜湖市教育局阅读次数:编辑:倪雪梅 字体:【
    assert right("wuhu-jyj-pagetext-1", "publisher")


@real_inputs
def test_a_value_keeps_no_trailing_comma():
    # 发布机构:政府办, 发文日期:2020年05月07日
    assert right("zjkyx-pagetext-1", "publisher")


@real_inputs
def test_a_dashed_label_list_with_empty_labels_last_leaves_the_title_to_the_heading():
    # - 生效日期: / - 失效日期: / - 文件状态: empty, then the 红头 and the title
    values = stored("shmh-pagetext-1")
    assert "日期" not in str(values["title"])
    assert right("shmh-pagetext-1", "title")


@real_inputs
def test_a_signature_date_that_lost_its_year_month_and_day_characters_is_read():
    # 2024327 / (此件主动公开): the seal image stands for the issuer, the date's 年月日 were images too
    assert stored("wuhu-jyj-pagetext-1")["written_date"] == "2024-03-27"


@real_inputs
def test_a_source_naming_the_office_s_site_account_names_the_office():
    # 来源:仁化住房和城乡规划建设局管理员
    assert right("sgrh-pagetext-1", "publisher")


@pytest.mark.parametrize(
    ("numbers", "written"),
    [("2024327", "2024-03-27"), ("2023515", "2023-05-15"), ("20231108", "2023-11-08"), ("2023111", None)],
)
def test_only_one_month_and_day_reading_of_glued_numbers_signs(numbers, written):
    # 2023111 is 1月11日 or 11月1日: no date; 2024327 can only be 3月27日
    found = signature(["现将方案印发给你们，请认真贯彻执行。", numbers, "（此件主动公开）"])
    assert (found[1] if found else None) == written


@real_inputs
def test_a_plan_is_a_document_kind_a_title_ends_with():
    # 新郑市突发公共事件医疗卫生救援应急预案 under five • values whose labels were lost
    assert right("xinzheng-pagetext-1", "title")


@real_inputs
def test_a_link_s_leave_the_site_notice_is_no_part_of_the_text():
    # …2024年4月18日 / 相关附件: / 您访问的链接即将离开“…门户网站”,是否继续?
    body = str(stored("shantou-wjj-pagetext-1")["body_tail"])
    assert "即将离开" not in body
    assert body.rstrip().endswith("2024年4月18日")
