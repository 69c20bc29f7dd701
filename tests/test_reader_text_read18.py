"""Labels and shapes of the weak held-out text families (round 13, read18), held on TUNE pages.

The families bench.fidelity names for the held-out split (its aggregates only) print 信息索取号 and 信息类别 rows
(``- 信息类别: …`` lists), one bracketed line of 信息时间 beside the page's tools (【信息时间：…】【我要打印】
【关闭】) and labels and values as separate list items (``• label`` / ``• value``). No tune page prints them, and
the repositories searched this round held no dump that does (README, round 13), so each test puts the label, the
line or the shape in place of what a tune page of the fidelity collection (``../shared/fidelity``,
bench.fidelity.real_inputs) prints for the same field, as public sources print it (named at each case), and
compares with the page's hand-read value from its manifest entry. Held-out pages are never read here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import page_text, read_page_text, real_inputs, tune_entry

from bench.fidelity import same, stored_values
from index.labels import line_pairs


def read_values(tmp_path: Path, file: str, text: str) -> dict[str, object]:
    """The stored field values of ``text`` read as the fidelity input ``file`` (helpers.read_page_text)."""
    return stored_values(read_page_text(tmp_path, file, text))


# Labels ---------------------------------------------------------------------------------------------------------

# - 信息索取号 (and 索取号): the 索引号 as 江西's 信息公开 pages print it (a city portal's news table dumped to SQL:
#   ``信息索取号: E00070/2017-00419	责任部门:市公安局``; 依申请公开 forms ask for 所需信息索取号, an admin table labels
#   its indexNum column 信息索取号), put where 闵行's ``- 索引号:`` list row and 蔚县's spaced 索 引 号 stand;
# - 信息类别: a 信息公开 page's category row (CMS forms label their category select 信息类别), where 牟定's page prints
#   公文目录;
# - 信息时间: the date of the 公共资源交易 and 口岸 pages' info line (a 陕西 公共资源交易 spider's test string
#   【信息时间：2017-12-13】 【我要打印】 【关闭】; 〖信息时间：2026-3-17〗 on a 天津 page), where 芜湖's page
#   prints 发布时间.
LABELS = [
    ("pages/shmh-pagetext-1.txt.gz", "- 索引号:", "- 信息索取号:", "index_no"),
    ("pages/zjkyx-pagetext-1.txt.gz", "索 引 号:", "信息索取号:", "index_no"),
    ("pages/zjkyx-pagetext-1.txt.gz", "索 引 号:", "索取号:", "index_no"),
    ("pages/mdx-pagetext-1.txt.gz", "公文目录:", "信息类别:", "category"),
    ("pages/wuhu-jyj-pagetext-1.txt.gz", "发布时间:", "信息时间:", "pub_date"),
]


@real_inputs
@pytest.mark.parametrize(("file", "printed", "label", "field"), LABELS)
def test_a_weak_familys_label_gives_its_field_on_a_real_page(tmp_path, file, printed, label, field):
    expected = tune_entry(file)["expected"][field]
    text = page_text(file)
    assert printed in text and expected
    assert same(field, expected, read_values(tmp_path, file, text.replace(printed, label, 1))[field])
    mark = "- " if printed.startswith("- ") else ""  # a list row stays one, under a label no table knows
    unknown = read_values(tmp_path, file, text.replace(printed, mark + "公文页码:", 1))
    assert not same(field, expected, unknown[field])


# The bracketed info line ----------------------------------------------------------------------------------------

# 芜湖's page prints its date, source and counter on one line under the title (发布时间:2024-03-28 09:33信息来源: 芜湖市
# 教育局阅读次数:编辑:倪雪梅 字体:【). Printed instead as the bracketed line other sites print, the page keeps its date
# (and its source where the line names one), and the line, tools and all, stays out of the text.
PRINTED = "发布时间:2024-03-28 09:33信息来源: 芜湖市教育局阅读次数:编辑:倪雪梅 字体:【  "
BRACKETED = [
    "【信息时间：2024-03-28 09:33 阅读次数：】【我要打印】【关闭】",  # the 口岸 / 公共资源交易 line
    "【信息时间：  2024/3/28 9:33:02          阅读次数：    】【我要打印】【关闭】",  # the same padded, a saved page's
    "〖信息时间：2024-3-28〗",  # a 天津 page's
    "【信息时间：2024-03-28 来源：芜湖市教育局】【我要打印】【关闭】",  # 扶余's, 来源 inside the brackets
]


@real_inputs
@pytest.mark.parametrize("line", BRACKETED)
def test_a_real_pages_info_line_in_brackets_gives_its_date_and_leaves_the_text(tmp_path, line):
    file = "pages/wuhu-jyj-pagetext-1.txt.gz"
    expected = tune_entry(file)["expected"]
    text = page_text(file)
    assert PRINTED in text
    values = read_values(tmp_path, file, text.replace(PRINTED, line, 1))
    assert same("pub_date", expected["pub_date"], values["pub_date"])
    assert same("title", expected["title"], values["title"])
    assert same("body_head", expected["body_head"], values["body_head"]), str(values["body_head"])[:80]
    if "来源" in line:
        assert same("publisher", expected["publisher"], values["publisher"])


def test_a_bracketed_label_with_its_value_outside_is_read_as_before():
    """Only a line made of bracketed segments, each but the tools holding a label's colon, is unwrapped: a bracketed
    label with its value after it, and bracketed words that are no labels, read as before."""
    assert line_pairs("【发文字号】京政发〔2021〕2号") == [("发文字号", "京政发〔2021〕2号")]
    assert line_pairs("【信息时间：2017-12-13】 【我要打印】 【关闭】") == [("信息时间", "2017-12-13")]
    assert line_pairs("【编者按：本文转自人民日报】") == []
    assert line_pairs("【我要打印】【关闭】") == []


# Values listed as items of their own ------------------------------------------------------------------------------


# 镇巴's page text lists each label as an item and prints its value indented on the line below (``  • 发文字号:`` then
# ``    镇政发〔2024〕7号``). A text rendering that lists labels and values as separate items (the brief's 柴桑 family:
# ``• label`` and ``• value``) gives each value its own mark; the value is read without it, with or without the
# labels' colons.
def listed_values(text: str, colon: bool) -> str:
    lines = []
    for line in text.splitlines():
        label = line.strip().removeprefix("• ").removesuffix(":")
        if line.startswith("  • ") and line.rstrip().endswith(":"):
            lines.append("  • " + label + (":" if colon else ""))
        elif line.startswith("    ") and line.strip() and lines and lines[-1].strip() == "":
            lines.append("  • " + line.strip())  # the value, under its label past the page's blank line
        else:
            lines.append(line)
    return "\n".join(lines)


@real_inputs
@pytest.mark.parametrize("colon", [True, False])
def test_a_real_pages_values_listed_as_items_of_their_own_are_read_without_their_marks(tmp_path, colon):
    file = "pages/zb-pagetext-1.txt.gz"
    expected = tune_entry(file)["expected"]
    text = page_text(file)
    listed = listed_values(text, colon)
    assert "  • 6107280000/2024-001005" in listed and "  • 镇政发〔2024〕7号" in listed
    values = read_values(tmp_path, file, listed)
    for field in ("title", "index_no", "doc_no", "pub_date", "written_date"):
        assert same(field, expected[field], values[field]), (field, values[field])
