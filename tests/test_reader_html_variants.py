"""The HTML reader on real pages of the fidelity collection, and on the same pages with their metadata block written
in the other markups real sites use: every form gives the fields the page itself gives.

Each variant keeps the real page whole and rewrites only its metadata block (the labels and values as the page
prints them), so the page's own furniture, text and scripts stay as they were.
"""

from __future__ import annotations

import gzip
import html
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import real_inputs
from lxml.html import HtmlElement, fragment_fromstring, tostring

from bench.fidelity import COLLECTION, ingest_one, load_manifest, same
from index.htmltext import decode_html, parse_tree
from index.readers.html import label_pairs

pytestmark = real_inputs  # every test here reads the real third-party inputs

_METADATA = ("index_no", "doc_no", "publisher", "category", "written_date", "pub_date", "validity", "title")

Pairs = list[tuple[str, str]]


def _rows(pairs: Pairs, cell: Callable[[str, str], str], per_row: int = 2) -> str:
    groups = [pairs[i : i + per_row] for i in range(0, len(pairs), per_row)]
    return "<table>" + "".join("<tr>" + "".join(cell(k, v) for k, v in row) + "</tr>" for row in groups) + "</table>"


def _items(pairs: Pairs, outer: str, item: Callable[[str, str], str]) -> str:
    return f"<{outer}>" + "".join(item(k, v) for k, v in pairs) + f"</{outer}>"


# Markups real 信息公开 pages write their metadata in (label, then value), each as a function of the pairs.
FORMS: dict[str, Callable[[Pairs], str]] = {
    "table-label-cell-value-cell": lambda p: _rows(p, lambda k, v: f"<td>{k}：</td><td>{v}</td>", 1),
    "table-label-and-value-in-one-cell": lambda p: _rows(p, lambda k, v: f"<td>{k}：{v}</td>"),
    "table-th-td-without-colon": lambda p: _rows(p, lambda k, v: f"<th>{k}</th><td>{v}</td>"),
    "table-colon-in-a-cell-of-its-own": lambda p: _rows(p, lambda k, v: f"<td>{k}</td><td>：</td><td>{v}</td>", 1),
    "table-strong-label-in-cell": lambda p: _rows(p, lambda k, v: f"<td><strong>{k}：</strong></td><td>{v}</td>"),
    "dl-dt-dd": lambda p: _items(p, "dl", lambda k, v: f"<dt>{k}：</dt><dd>{v}</dd>"),
    "ul-li-span-label-text-value": lambda p: _items(p, "ul", lambda k, v: f"<li><span>{k}：</span>{v}</li>"),
    "ul-li-span-span-without-colon": lambda p: _items(
        p, "ul", lambda k, v: f"<li><span>{k}</span><span>{v}</span></li>"
    ),
    "ul-li-div-clear": lambda p: _items(
        p, "ul", lambda k, v: f"<li><div class='l'>{k}：</div><div class='r'>{v}</div><div class='clear'></div></li>"
    ),
    "div-label-div-value": lambda p: _items(
        p, "div", lambda k, v: f"<div class='row'><div class='label'>{k}</div><div class='value'>{v}</div></div>"
    ),
    "div-strong-label-div-value": lambda p: _items(
        p, "div", lambda k, v: f"<div><strong>{k}：</strong><div>{v}</div></div>"
    ),
    "p-strong-label": lambda p: _items(p, "div", lambda k, v: f"<p><strong>{k}：</strong>{v}</p>"),
    "bracketed-labels": lambda p: _items(p, "div", lambda k, v: f"<span>[{k}]</span> <span>{v}</span><br>"),
}


def _entry(name: str) -> dict:
    return next(entry for entry in load_manifest()["pages"] if entry["file"] == f"pages/{name}.gz")


def _metadata_block(root: HtmlElement) -> tuple[HtmlElement, Pairs]:
    """The element holding the page's metadata pairs (the table or list most of them share), and the pairs."""
    pairs = [pair for pair in label_pairs(root) if pair.field != "?" and pair.value]
    group = Counter(id(pair.group) for pair in pairs).most_common(1)[0][0]
    mine = [pair for pair in pairs if id(pair.group) == group]
    chains = [list(reversed([el, *el.iterancestors()])) for pair in mine for el in pair.elements]
    common = [level[0] for level in zip(*chains, strict=False) if all(el is level[0] for el in level)]
    return common[-1], [(html.escape(pair.label), html.escape(pair.value)) for pair in mine]


def _ingest(page: str, rewrite: Callable[[Pairs], str] | None = None) -> dict[str, object]:
    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes())
    if rewrite is not None:
        text = decode_html(data, None)
        root = parse_tree(text, page)
        block, pairs = _metadata_block(root)
        new = fragment_fromstring(rewrite(pairs))
        new.tail = block.tail
        block.getparent().replace(block, new)
        data = tostring(root, encoding="unicode").encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.gz"
        path.write_bytes(gzip.compress(data))
        outcome = ingest_one(path, page)
    assert not outcome.error, outcome.error
    return outcome.values


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("page", ["govcn-zhengce-1.html", "gd-pkulaw-01.html"])
def test_metadata_in_any_common_markup(page: str, form: str) -> None:
    expected = {k: v for k, v in _entry(page)["expected"].items() if k in _METADATA and v is not None}
    got = _ingest(page, FORMS[form])
    wrong = {k: got.get(k) for k, v in expected.items() if not same(k, v, got.get(k, ""))}
    assert not wrong, f"{page} with its metadata as {form}: {wrong}"


def test_data_table_row_is_one_line_with_its_placeholder_cells() -> None:
    """A 任务分工表 row of Word-pasted cells (<td><p>…</p></td>) reads as one line, its "/" cell (no unit) kept,
    not as one paragraph per cell with the "/" lost (the gkmlpt page of the city health commission)."""
    last_row = str(_ingest("gzwjw-gkmlpt-08.html")["body_tail"]).split("\n\n")[-1]
    assert last_row.startswith("24 加强宣传引导。 各区、各部门要采取群众易于接受的方式")
    assert last_row.endswith("创造良好的社会氛围。 各区政府、市卫生健康委 / 基层处 宣传处")


@pytest.mark.parametrize(
    ("labels", "field"),
    [
        # 国家能源局's 信息公开 pages: a 目录项的基本信息 block of 公开事项名称, 索引号, 主办单位, 制发日期,
        # 发文字号 (the labels public crawlers of the site strip from its text)
        ({"成文日期": "制发日期"}, "written_date"),
        ({"标 题": "公开事项名称"}, "title"),
        # a 法规 page reprinted with 发文时间：2014-8-27; 实施时间：2014-9-1 (the 发文日期 label's other spelling)
        ({"成文日期": "发文时间"}, "written_date"),
    ],
)
def test_metadata_label_synonyms(labels: dict[str, str], field: str) -> None:
    """The gov.cn page's own table with one label spelt as other real pages spell it."""
    page = "govcn-zhengce-1.html"
    pairs_of = {label: value for label, value in _metadata_block(_root(page))[1]}
    expected = _entry(page)["expected"][field]
    assert any(old in pairs_of for old in labels), pairs_of

    def relabel(pairs: Pairs) -> str:
        return _rows([(labels.get(k, k), v) for k, v in pairs], lambda k, v: f"<td><b>{k}：</b></td><td>{v}</td>")

    assert same(field, expected, _ingest(page, relabel).get(field, ""))


def _root(page: str) -> HtmlElement:
    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes())
    return parse_tree(decode_html(data, None), page)


def test_nested_text_found_without_a_known_container_name() -> None:
    """The 广东 law database page with its text container renamed (an unseen template's class): the law's text,
    nested 条 > 款 > 项 wrappers deep under the one block holding it all, is found whole, not one 条 of it."""
    page = "gd-pkulaw-06.html"
    expected = _entry(page)["expected"]

    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes())
    assert data.count(b'<div class="content">') == 1
    renamed = data.replace(b'<div class="content">', b'<div class="main-wrap">')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.gz"
        path.write_bytes(gzip.compress(renamed))
        got = ingest_one(path, page).values
    assert same("body_head", expected["body_head"], got["body_head"])
    assert same("body_tail", expected["body_tail"], got["body_tail"])


@pytest.mark.parametrize(
    "bar",
    [
        "<div>【我要纠错】 【打印本页】 【关闭窗口】</div>",
        "<div><a href='#'>打印页面</a> <a href='#'>关闭本页</a></div>",
        "<div><a href='#'>打印文档</a><a href='#'>关闭窗口</a></div>",
    ],
)
def test_tool_bar_under_the_text_is_not_text(bar: str) -> None:
    """A real law page with a tool bar as sites print it under the text, inside the text's container."""
    page = "gd-pkulaw-02.html"
    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes()).decode("utf-8")
    end = data.index("*本数据库提供的电子文本正式引用时请与标准文本核对。")
    end = data.index("</a>", end) + len("</a>")  # inside the text's container, after its last line
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.gz"
        path.write_bytes(gzip.compress((data[:end] + bar + data[end:]).encode("utf-8")))
        got = ingest_one(path, page).values
    assert same("body_tail", _entry(page)["expected"]["body_tail"], got["body_tail"]), str(got["body_tail"])[-80:]


def test_breadcrumb_heading_is_no_title() -> None:
    """万载县's Hanweb page prints its breadcrumb (您当前所在位置：首页>政务公开>…) in an <h2> above the 信息公开
    table; without the page's ArticleTitle meta the title is still the document's, never the breadcrumb."""
    page = "wanzai-tjgb-2022.html"
    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes()).decode("utf-8")
    start = data.index('<meta name="ArticleTitle"')
    without_meta = data[:start] + data[data.index(">", start) + 1 :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.gz"
        path.write_bytes(gzip.compress(without_meta.encode("utf-8")))
        got = ingest_one(path, page).values
    assert same("title", _entry(page)["expected"]["title"], got["title"]), got["title"]


@pytest.mark.parametrize("label", ["来源", "文章来源"])
def test_source_line_labels(label: str) -> None:
    """The city portal's 来源 line as district portals of the same city write it (越秀's 文章来源：…), read from
    the line itself (the page's ContentSource meta taken out)."""
    page = "gz-portal-06.html"
    data = gzip.decompress((COLLECTION / "pages" / f"{page}.gz").read_bytes()).decode("utf-8")
    line = '<span wzades="来源：广州市医疗保障局">来源：<b>'
    meta = '<meta name="ContentSource" content="广州市医疗保障局"/>'
    assert data.count(line) == 1 and data.count(meta) == 1
    relabelled = data.replace(meta, "").replace(line, f'<span wzades="{label}：广州市医疗保障局">{label}：<b>')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.gz"
        path.write_bytes(gzip.compress(relabelled.encode("utf-8")))
        got = ingest_one(path, page).values
    assert same("publisher", _entry(page)["expected"]["publisher"], got["publisher"]), got["publisher"]
