"""Page text as real sites and crawlers vary it, and page text without its labels (issue 17).

Built from the TUNE pages of the fidelity collection (tests/fidelity, kind ``text``; held-out pages are never
read here) and from documents of the shared corpus written out as plain text. Each page is varied the ways real
dumps differ (see VARIATIONS: colons full- or half-width or none, a tab, brackets or a bullet round a label, a
value on the line under its label, a browser title joined by ' - ' or ' | ', blank lines doubled, a crawler's
log lines first, a site footer appended, the text printed twice, U+3000 or NBSP for spaces, CRLF) and must keep
every field its own reading gets right, also with a few variations combined. Stripped of its labels or its
browser title, it must still give a document with the right title and text.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import HUNT, examples, present_pages, real_inputs, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fidelity import COLLECTION, same, squeeze, stored_values
from index.ingest import IngestReport, read_document
from index.labels import canonical_field
from index.limits import DEFAULTS
from index.readers import detect_reader, read_file
from index.readers import text as reader
from index.record import RawRecord

TUNE_TEXT = [entry for entry in present_pages() if entry["split"] == "tune" and entry["kind"] == "text"]


def page_text(entry: dict) -> str:
    return gzip.decompress((COLLECTION / entry["file"]).read_bytes()).decode("utf-8")


def file_name(entry: dict) -> str:
    return entry.get("name") or Path(entry["file"]).name.removesuffix(".gz")


def read_values(folder: Path, name: str, text: str) -> tuple[dict[str, object] | None, list[str]]:
    """The compared fields of the file's first document (None where it gives none), and its findings' codes."""
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    for item in read_file(path):
        if isinstance(item, RawRecord) and (doc := read_document(item, DEFAULTS, IngestReport())) is not None:
            return stored_values(doc), [finding.code for finding in doc.warnings]
    return None, []


def right_fields(entry: dict, values: dict[str, object] | None, only: set[str] | None = None) -> set[str]:
    judged = {name: value for name, value in entry["expected"].items() if value is not None}
    return {
        name
        for name, value in judged.items()
        if values is not None and (only is None or name in only) and same(name, value, values.get(name, ""))
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, set[str]]:
    """Per tune text page, the fields its own reading gets right."""
    folder = tmp_path_factory.mktemp("baseline")
    return {
        entry["file"]: right_fields(entry, read_values(folder, file_name(entry), page_text(entry))[0])
        for entry in TUNE_TEXT
    }


@real_inputs
def test_the_tune_text_pages_are_many_sites():
    assert len(TUNE_TEXT) >= 20 and len({entry["site"] for entry in TUNE_TEXT}) >= 5


# The variations real dumps show ---------------------------------------------------------------------------------

_LABEL_LINE = re.compile(
    r"(?m)^(索引号|发文字号|发布机构|发文机关|成文日期|发布日期|主题分类|文号|来源)[:：]\s*([^:：\t\n]+)$"
)
_FOOTER = "\n\n网站地图\n联系我们\n主办单位：某某市人民政府办公室\n网站标识码：1100000001\n京ICP备05000001号\n"
# Footers as sites print them (湖南省市场监督管理局's, 秦皇岛市应急管理局's), lines long or ending as a sentence does.
_SENTENCE_FOOTER = (
    "\n版权所有：湖南省市场监督管理局\n地 址：湖南省长沙市芙蓉南路二段118号 邮 编：410004 电 话：0731-8569300\n"
    "公安机关备案号：43010302000524 网站标识码：4300000077\n建议使用IE9及以上版本浏览器访问本网站。\n"
)
_LONG_FOOTER = (
    "\n秦皇岛市应急管理局 地址：秦皇岛市燕山大街109号 电话：0335-3650560 冀公网安备：13030202002230 "
    "网站标识码：1303000020 邮政编码：066001 ICP备案号：冀ICP备15003849号 技术支持：秦皇岛昊锐科技有限公司 "
    "您是本站第 1234567 位访问者，欢迎您的光临！\n"
)
_CRAWLER_LOG = (
    "2024-05-01 10:00:01 [scrapy.core.engine] INFO: Spider opened\n"
    "2024-05-01 10:00:02 [scrapy.core.engine] DEBUG: Crawled (200) <GET https://www.example.gov.cn/art/1.html>\n"
)


def _before_footer(text: str, extra: list[str]) -> str:
    """The text with ``extra`` lines under it: above its footer (扫一扫, 网站地图 …), else at its end."""
    lines = text.rstrip("\n").split("\n")
    footer = (i for i, line in enumerate(lines) if line.strip() in reader._FOOTER_LINKS or "扫一扫" in line)
    cut = next((i for i in footer if i > len(lines) // 2), len(lines))
    return "\n".join([*lines[:cut], *extra, *lines[cut:]])


def _first_line(text: str, change: Callable[[str], str]) -> str:
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    return "\n".join([*lines[:first], change(lines[first]), *lines[first + 1 :]])


# What a page's text holds first, then how the file is written (line ends, spacing), as a crawler does it.
VARIATIONS: dict[str, Callable[[str], str]] = {
    "half-width colons": lambda text: text.replace("：", ":"),
    "full-width colons after a label": lambda text: re.sub(r"(?m)^(\S{2,6}):[ \t]*", r"\1：", text),
    "the value on the line under its label": lambda text: _LABEL_LINE.sub(r"\1：\n\2", text),
    "a label and its value without a colon": lambda text: _LABEL_LINE.sub(r"\1 \2", text),
    "a label and its value on lines of their own": lambda text: _LABEL_LINE.sub(r"\1\n\2", text),
    "a blank line between a label and its value": lambda text: _LABEL_LINE.sub(r"\1：\n\n\2", text),
    "a tab after a label's colon": lambda text: re.sub(r"(?m)^(\S{2,6}[:：])[ ]*(?=\S)", "\\1\t", text),
    "a label in brackets (【来源】…)": lambda text: _LABEL_LINE.sub(r"【\1】\2", text),
    "a bullet before a label (· 来源：…)": lambda text: _LABEL_LINE.sub(r"· \1：\2", text),
    # A text rendering of the page (a store's, a text browser's): label rows as table cells, or as list items with
    # the value indented under the label (zb-pagetext-1, dx-pagetext-1).
    "a label row drawn as table cells (来源: | … |)": lambda text: _LABEL_LINE.sub(r"\1: | \2 |", text),
    "a label as a list item, its value indented under it": lambda text: _LABEL_LINE.sub(r"  • \1:\n\n    \2", text),
    "the browser title's parts joined by ' - '": lambda text: _first_line(text, lambda line: line.replace("_", " - ")),
    "the browser title's parts joined by ' | '": lambda text: _first_line(text, lambda line: line.replace("_", " | ")),
    "a crawler's log lines first": lambda text: _CRAWLER_LOG + text,
    "a site footer appended": lambda text: text.rstrip("\n") + _FOOTER,
    "a site footer of sentences appended": lambda text: text.rstrip("\n") + _SENTENCE_FOOTER,
    "a site footer on one long line appended": lambda text: text.rstrip("\n") + _LONG_FOOTER,
    "page tools and a counter under the text": lambda text: _before_footer(
        text,
        ["【打印本页】 【关闭窗口】", "分享到：", "浏览次数：1234", "上一篇：关于开展安全检查的通知", "下一篇：没有了"],
    ),
    "the page's labels again under the text (来源, 作者, 浏览次数)": lambda text: _before_footer(
        text, ["来源：某某局    作者：张三    浏览次数：12"]
    ),
    "credits under the text (责任编辑, 关键词, 扫码)": lambda text: _before_footer(
        text, ["责任编辑：王某某", "关键词：安全 检查", "手机扫码打开本页面"]
    ),
    "a related-reading list under the text": lambda text: _before_footer(
        text, ["相关阅读：", "关于开展2020年安全检查的通知", "关于印发2020年工作要点的通知"]
    ),
    "the text printed twice (desktop and mobile)": lambda text: text + "\n" + text,
    "U+3000 for spaces": lambda text: text.replace(" ", "\u3000"),
    "NBSP for spaces (a browser's copy of &nbsp;)": lambda text: text.replace(" ", "\u00a0"),
    "trailing spaces": lambda text: re.sub(r"(?m)$", "  ", text),
    "a blank line after every line": lambda text: text.replace("\n", "\n\n"),
    "CRLF line ends": lambda text: text.replace("\n", "\r\n"),
}


# A text with no label table (a document's own text, as a PDF of it gives it) has no labels to print again under it:
# the labels and credits these variations add are then its only labels, and are read as such.
_NEEDS_LABELS = {
    "the page's labels again under the text (来源, 作者, 浏览次数)",
    "credits under the text (责任编辑, 关键词, 扫码)",
}
# A PDF's text starts with the document's own title: it has no browser title to lose.
_PDF_TEXT = "PDF text dump"
# A page text that starts with the document's own title, its issuer or its first label (text9.json's stored pages):
# its first line is no browser title, so stripping it takes a field away.
_NO_BROWSER_TITLE = "no browser title"


def has_labels(text: str) -> bool:
    """Whether a text holds a metadata label line (a page's label table), not only the text's own labels."""
    return any(
        {canonical_field(label) for label, _value in reader.metadata_pairs(line)} - {None, "attachments", "body"}
        for line in text.split("\n")
    )


@real_inputs
@pytest.mark.parametrize("variation", list(VARIATIONS))
def test_a_variation_real_dumps_show_keeps_every_field(tmp_path, baseline, variation):
    wrong = {}
    for entry in TUNE_TEXT:
        if variation in _NEEDS_LABELS and not has_labels(page_text(entry)):
            continue
        values, _codes = read_values(tmp_path, file_name(entry), VARIATIONS[variation](page_text(entry)))
        if lost := baseline[entry["file"]] - right_fields(entry, values):
            wrong[entry["file"]] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:80] for name in sorted(lost)}
    assert not wrong, wrong


# Variations combine (a CRLF dump with its values under their labels, …), applied in VARIATIONS' order; a whole
# page printed twice is met on its own, not after another crawler's changes.
_COMBINABLE = [name for name in VARIATIONS if "twice" not in name]


def varied(entry: dict, variations: list[str]) -> str:
    """The page's text with each of ``variations`` applied, in VARIATIONS' order (those that add labels only to a
    page that has a label table: see _NEEDS_LABELS)."""
    text = page_text(entry)
    labelled = has_labels(text)
    for name in sorted(variations, key=list(VARIATIONS).index):
        if labelled or name not in _NEEDS_LABELS:
            text = VARIATIONS[name](text)
    return text


@real_inputs
@pytest.mark.parametrize("first", _COMBINABLE)
def test_every_two_variations_combined_keep_every_field(tmp_path, baseline, first):
    """Every pair of variations, each pair on one tune page in turn (the pair's number modulo the pages): the same
    cases every run, and every pair met."""
    pairs = list(itertools.combinations(_COMBINABLE, 2))
    wrong = {}
    for second in _COMBINABLE[_COMBINABLE.index(first) + 1 :]:
        entry = TUNE_TEXT[pairs.index((first, second)) % len(TUNE_TEXT)]
        values, _codes = read_values(tmp_path, file_name(entry), varied(entry, [first, second]))
        if lost := baseline[entry["file"]] - right_fields(entry, values):
            wrong[(entry["file"], second)] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:80] for name in lost}
    assert not wrong, wrong


# A known fault (round 14, on main since before round 13; drawn once the collection's new pages changed the draws):
# pages17-gzpec-4 is a page dump ending in its site's footer, so "a related-reading list under the text" lands
# among the footer's links (after 政策法规, which _after_footer_link takes for a footer's), and with a second footer
# appended the 相关附件 list no longer ends the text: its names are read from the body's file-name lines, without
# their 附件1： (and, cutting the list out before the footer links instead, the body's head goes wrong). Kept out of
# the drawn cases above and held by the xfail test below it, so that the fault stays in sight until it is fixed.
_COMBINED_EXCEPT = {"pages/pages17-gzpec-4.txt.gz"}


# Derandomized in `make test` (the same draws every run and no example database, so that CI's verdict is the code's,
# not the draw's: drawn afresh, xjb-nea-2 with a label row as table cells and as a list item lost its body_tail in
# some runs on main); `make hunt` draws afresh and PORTAL_HUNT times as many.
@real_inputs
@settings(
    max_examples=examples(40),
    derandomize=HUNT == 1,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    entry=st.sampled_from([entry for entry in TUNE_TEXT if entry["file"] not in _COMBINED_EXCEPT]),
    variations=st.lists(st.sampled_from(_COMBINABLE), min_size=2, max_size=4, unique=True),
)
def test_variations_combined_keep_every_field(tmp_path, baseline, entry, variations):
    values, _codes = read_values(tmp_path, file_name(entry), varied(entry, variations))
    assert not baseline[entry["file"]] - right_fields(entry, values), values


@real_inputs
@pytest.mark.xfail(strict=True, reason="known fault: a related list among a page dump's footer links, then a footer")
def test_a_related_list_among_the_footer_links_then_a_footer_keeps_the_attachments(tmp_path, baseline):
    [entry] = [entry for entry in TUNE_TEXT if entry["file"] in _COMBINED_EXCEPT]
    variations = ["a site footer appended", "a related-reading list under the text"]
    values, _codes = read_values(tmp_path, file_name(entry), varied(entry, variations))
    assert not baseline[entry["file"]] - right_fields(entry, values), values


# Faults the combined variations found drawn afresh (before they were derandomized), as cases of their own: a label
# row drawn as table cells, then the label as a list item with its value (``| … |``) indented under it.
_CELLS_UNDER_ITEMS = [
    "a label row drawn as table cells (来源: | … |)",
    "a label as a list item, its value indented under it",
]


@real_inputs
@pytest.mark.parametrize(
    ("file", "field"),
    [
        # The 字体 switch's icon (``Aa``) where the empty 来源 value is: ``| Aa |`` kept its walls, was not known as
        # the page's frame and became the text.
        ("pages/xjb-nea-2.txt.gz", "body_tail"),
        # A double-spaced dump: its one blank line is no line, so ``| 兰政办发〔2021〕178号 |`` came straight under
        # ``• 发文字号:`` and, its walls kept, was no value: the label table ended there and became the text.
        ("pages/ehs-gold-pagetext-1.txt.gz", "doc_no"),
    ],
)
def test_a_label_row_drawn_as_cells_under_list_items_keeps_every_field(tmp_path, baseline, file, field):
    entry = next((entry for entry in TUNE_TEXT if entry["file"] == file), None)
    if entry is None:
        pytest.skip(f"{file} is absent from ../shared/fidelity")
    values, _codes = read_values(tmp_path, file_name(entry), varied(entry, _CELLS_UNDER_ITEMS))
    assert field in baseline[entry["file"]]
    assert not baseline[entry["file"]] - right_fields(entry, values), values


# Without labels ---------------------------------------------------------------------------------------------------

# A crawler's key export (title: / url: / content:) has no structure but its keys: without its title: line nothing
# names a title. govcn-pagetext-8 prints its heading with ○ (U+25CB) where its 标题 label has 〇; govcn-zck-2
# spreads its labels over lines (标 / 题：…), so stripping whole label lines leaves their letters behind.
# dx-pagetext-1's only heading is 说 明 (two letters, spaced): without its label table no line reads as a title.
# text11-xam-kjj-1 is a gazette issue's page: without its 来源 line the only heading that names a document is its
# first document's (…的决定), and nothing says the page is the issue's.
# (pages15-govcn-pagetext-55, which letterspaces its title over three lines, 国 务 院 批 转 / 国家计委关于… /
# 区 域 规 划 纲 要 的 通 知, was here until round 14 read such lines as a heading's: text._unspread.)
# pages17-fjb-nea-7 and -8 print no text (nothing, or the heading again as a download's words): without their date
# and 来源 lines a title is all that is left, no page (a title line without text under it is none, by design).
# read22-jiangxi-art_18825_1496018 is a page's text box alone with no addressees and no signature (稿源 / 通讯员
# credits close it): it gives no document at all (a known fault, round 14: nothing in it says it is a 公文).
_WITHOUT_LABELS_EXCEPT = {
    "pages/read22-jiangxi-art_18825_1496018.txt.gz",
    "pages/pages17-fjb-nea-7.txt.gz",
    "pages/pages17-fjb-nea-8.txt.gz",
    "pages/govcn-pagetext-8.txt.gz",
    "pages/govcn-zck-2.txt.gz",
    "pages/dx-pagetext-1.txt.gz",
    "pages/text11-xam-kjj-1.txt.gz",
}
_KEY_EXPORT = "crawler text export"
TITLE_AND_TEXT = {"title", "body_head", "body_tail"}


def without_labels(text: str) -> str:
    """The text without its metadata's label lines (an attachment list's 附件： heading and 正文： stay)."""
    kept = []
    for line in text.split("\n"):
        fields = {canonical_field(label) for label, _value in reader.metadata_pairs(line)}
        if not fields - {"attachments", "body", None} or fields & {"attachments", "body"}:
            kept.append(line)  # a label row of ours beside one of no field (发文日期: … 生效时间: …) is a label line
    return "\n".join(kept)


def without_first_line(text: str) -> str:
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    return "\n".join(lines[first + 1 :])


STRIPPED = {
    "labels": without_labels,
    "labels and the first line (the browser title)": lambda text: without_labels(without_first_line(text)),
}


@real_inputs
@pytest.mark.parametrize("stripped", list(STRIPPED))
def test_a_page_text_without_its_labels_still_gives_its_title_and_text(tmp_path, baseline, stripped):
    wrong = {}
    for entry in TUNE_TEXT:
        if _KEY_EXPORT in entry["family"] or entry["file"] in _WITHOUT_LABELS_EXCEPT:
            continue
        if (_PDF_TEXT in entry["family"] or _NO_BROWSER_TITLE in entry["family"]) and "first line" in stripped:
            continue  # its first line is its title, no browser title
        values, codes = read_values(tmp_path, file_name(entry), STRIPPED[stripped](page_text(entry)))
        lost = (baseline[entry["file"]] & TITLE_AND_TEXT) - right_fields(entry, values, TITLE_AND_TEXT)
        if lost or "read_without_labels" not in codes:
            wrong[entry["file"]] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:80] for name in lost} or codes
    assert not wrong, wrong


@real_inputs
def test_a_page_text_without_its_browser_title_keeps_every_field(tmp_path, baseline):
    wrong = {}
    for entry in TUNE_TEXT:
        if _KEY_EXPORT in entry["family"] or _PDF_TEXT in entry["family"] or _NO_BROWSER_TITLE in entry["family"]:
            continue  # its first line is its title (a key, or the document's own heading)
        values, _codes = read_values(tmp_path, file_name(entry), without_first_line(page_text(entry)))
        if lost := baseline[entry["file"]] - right_fields(entry, values):
            wrong[entry["file"]] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:80] for name in sorted(lost)}
    assert not wrong, wrong


@real_inputs
def test_a_tab_separated_label_table_is_page_text_not_csv(tmp_path):
    """gov.cn's 国务院文件 page copies its label table as 索引号：<tab>…<tab>主题分类：<tab>…; where the breadcrumb
    line above it is gone, the CSV sniffer fits the file too, and took it ("no title column")."""
    entry = next(entry for entry in TUNE_TEXT if entry["file"] == "pages/govcn-pagetext-1.txt.gz")
    path = tmp_path / "page.txt"
    path.write_text(without_first_line(page_text(entry)), "utf-8")
    assert detect_reader(path) is reader
    values, _codes = read_values(tmp_path, "page.txt", path.read_text("utf-8"))
    assert values is not None and same("index_no", entry["expected"]["index_no"], values["index_no"])


def _corpus_sample(every: int = 100) -> list[dict]:
    with gzip.open(shared_path("corpus", "real.jsonl.gz"), "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for number, line in enumerate(handle) if number % every == 0]
    return [record for record in records if record.get("title") and record.get("body")]


def test_shared_corpus_documents_written_as_plain_text_are_read(tmp_path):
    """Every 100th document of ../shared/corpus (no label, no page frame: its title, a blank line, its text)."""
    sample = _corpus_sample()
    read, titled = 0, 0
    for number, record in enumerate(sample):
        values, _codes = read_values(tmp_path, f"{number}.txt", f"{record['title']}\n\n{record['body']}\n")
        read += values is not None
        titled += values is not None and same("title", record["title"], values["title"])
    assert len(sample) >= 100
    assert read >= 0.98 * len(sample), (read, len(sample))
    assert titled >= 0.9 * len(sample), (titled, len(sample))


# The mechanisms one by one ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            [
                "国务院办公厅转发",
                "",
                "电子振兴领导小组关于搞好我国计算机",
                "推广应用工作汇报提纲的通知",
                "各省：",
                "现转发给你们。请认真贯彻执行，抓好落实工作。",
            ],
            "国务院办公厅转发电子振兴领导小组关于搞好我国计算机推广应用工作汇报提纲的通知",
        ),
        (
            ["关于转发《国家发展改革委关于印发", "<", "电力中长期交易基本规则>的通知》的通知"],
            "关于转发《国家发展改革委关于印发<电力中长期交易基本规则>的通知》的通知",
        ),
        (
            [
                "中华人民共和国海南自由贸易港法",
                "第四章 财政税收制度",
                "第二十五条 在海南自由贸易港开发建设阶段，中央财政根据实际给予支持。",
            ],
            "中华人民共和国海南自由贸易港法",
        ),
        (
            ["首页 > 信息公开 > 国务院文件 > 综合政务", "关于做好春节期间安全生产工作的通知"],
            "关于做好春节期间安全生产工作的通知",
        ),
        (["国家能源局新疆监管办公室", "设为首页", "新疆电力市场运行情况的报告"], "新疆电力市场运行情况的报告"),
        (
            ["关于公布“美丽中国，我是行动者”先进典型名单的通知", "各市："],
            "关于公布“美丽中国，我是行动者”先进典型名单的通知",
        ),
        (["这是一段正文，不是标题，后面的通知不算标题。", "关于某事的通知"], None),
    ],
)
def test_the_title_of_a_text_without_labels(lines, title):
    found = reader.plain_title(lines)
    assert (found[1] if found else None) == title


def test_a_title_line_without_text_under_it_or_garbage_is_no_page():
    assert not reader.sniff(Path("x.txt"), "关于做好春节期间安全生产工作的通知\n".encode())
    assert not reader.sniff(Path("x.txt"), "会议纪要\n今天讨论了三件事，都很重要，需要各单位抓紧落实到位。\n".encode())
    noise = "关于做好安全生产工作的通知\n" + "\ue000\x07" * 200 + "\n正文第一段，内容很长很长很长很长很长很长。\n"
    assert not reader.sniff(Path("x.txt"), noise.encode())


def test_a_double_spaced_dump_is_known_by_its_head():
    assert reader._is_double_spaced("\n\n".join(f"第{n}行" for n in range(20)))
    paragraphs = "\n".join(f"第{n}行" for n in range(20)) + "\n\n" + "\n".join(f"第{n}段" for n in range(5))
    assert not reader._is_double_spaced(paragraphs)


def test_a_publisher_on_the_line_under_its_label(tmp_path):
    lines = [
        "关于开展安全检查的通知_某某能源监管办",
        "关于开展安全检查的通知",
        "2024-03-01 10:00",
        "来源：",
        "江苏能源监管办",
    ]
    text = "\n".join([*lines, "Aa", "各有关单位：", "现将有关事项通知如下，请认真贯彻执行。"])
    values, _codes = read_values(tmp_path, "page.txt", text)
    assert values is not None and values["publisher"] == ["江苏能源监管办"]


def test_labels_printed_under_the_text_keep_the_text(tmp_path):
    """A page printing 发布日期, 来源 and 责任编辑 under its text (above the footer): the text is the body, not the
    line above the labels; the title is the text's own; the labels still count."""
    lines = [
        "关于做好2024年春季农业生产工作的通知_某某县人民政府",
        "首页",
        "政务公开",
        "关于做好2024年春季农业生产工作的通知",
        "各乡镇人民政府，县直各有关单位：",
        "为切实做好今年春季农业生产工作，确保粮食稳产增产，现就有关事项通知如下。",
        "一、抓好春播备耕。各乡镇要组织农户及早准备种子、化肥、农药等农资。",
        "某某县人民政府办公室",
        "2024年3月1日",
        "发布日期：2024-03-02",
        "来源：某某县人民政府办公室",
        "网站地图",
        "主办单位：某某县人民政府办公室",
        "网站标识码：1234567890",
    ]
    values, _codes = read_values(tmp_path, "page.txt", "\n".join(lines))
    assert values is not None
    assert values["title"] == "关于做好2024年春季农业生产工作的通知"
    assert values["pub_date"] == "2024-03-02" and values["publisher"] == ["某某县人民政府办公室"]
    body = str(values["body_head"])
    assert body.startswith("各乡镇人民政府，县直各有关单位：") and body.endswith("某某县人民政府办公室\n\n2024年3月1日")


@real_inputs
def test_an_empty_value_whose_spacing_was_lost_leaves_the_next_label_its_own(tmp_path, baseline):
    """Found by the combined property in CI: gov.cn's 发文字号 cell is empty, and a dump that re-writes colons and
    drops the tabs after them prints ``发文字号：发布日期:2009年05月12日``. The date is not the 文号."""
    entry = next(entry for entry in TUNE_TEXT if entry["file"] == "pages/govcn-pagetext-0.txt.gz")
    text = page_text(entry)
    for name in ("half-width colons", "full-width colons after a label"):
        text = VARIATIONS[name](text)
    assert "发文字号：发布日期" in text
    values, _codes = read_values(tmp_path, file_name(entry), text)
    assert not baseline[entry["file"]] - right_fields(entry, values), values


def _before_text(text: str, head: str, extra: list[str]) -> str | None:
    """The text with ``extra`` lines over the body's first line (the line ``head``, the expected start, opens)."""
    lines = text.split("\n")
    key = squeeze(head)[:8]
    at = next((i for i, line in enumerate(lines) if key and squeeze(line).startswith(key)), None)
    return None if at is None else "\n".join([*lines[:at], *extra, *lines[at:]])


@real_inputs
def test_a_label_line_between_the_heading_and_the_text_leaves_the_text(tmp_path, baseline):
    """Some pages print their date and counter (and the label table again) between the heading and the text; the
    text starts after them, whatever the page's heading over them (one line or several, its 文号 under it)."""
    wrong, tried = {}, 0
    for entry in TUNE_TEXT:
        head = entry["expected"].get("body_head")
        if not isinstance(head, str) or not head:
            continue
        text = _before_text(page_text(entry), head, ["发布时间：2020-01-01 10:00  浏览次数：123"])
        if text is None:
            continue
        tried += 1
        values, _codes = read_values(tmp_path, file_name(entry), text)
        lost = (baseline[entry["file"]] & TITLE_AND_TEXT) - right_fields(entry, values, TITLE_AND_TEXT)
        if lost:
            wrong[entry["file"]] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:80] for name in lost}
    assert tried >= 20 and not wrong, wrong


@real_inputs
def test_without_labels_a_documents_signature_gives_its_issuer_and_date(tmp_path, baseline):
    """A 公文 signs its text (GB/T 9704: 发文机关署名 over the 成文日期); a notice that forwards a report signs before
    the report, whose own signature ends the page. Stripped of their label tables, the gov.cn 国务院文件 pages still
    give the 发文机关 and the 成文日期 their labels gave."""
    wrong, tried = {}, 0
    for entry in TUNE_TEXT:
        if "国务院文件" not in entry["family"] or entry["file"] in _WITHOUT_LABELS_EXCEPT:
            continue
        judged = {name for name in ("publisher", "written_date") if entry["expected"].get(name)}
        if "written_date" not in judged or not judged <= baseline[entry["file"]]:
            continue  # a text with no 成文日期 (a plan printed without a signature) signs nothing
        tried += 1
        values, _codes = read_values(tmp_path, file_name(entry), without_labels(page_text(entry)))
        if lost := judged - right_fields(entry, values, judged):
            wrong[entry["file"]] = {name: str((values or {}).get(name, "NO DOCUMENT"))[:60] for name in lost}
    assert tried >= 15 and not wrong, wrong
