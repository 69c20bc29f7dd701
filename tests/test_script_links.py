"""Attachments written as script links or as markup (leftover of issue 18's hardening).

An export's attachment list item ``<a href='javascript:x'>附件</a>`` kept its markup as its name. Such an item is
named by its visible text and takes its address from the link's attributes (``href``, ``data-*``, a quoted path in
``onclick``), or has none; a page's ``<a href="javascript:void(0)" onclick="…">`` file link likewise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.readers.html import parse_html
from index.record import Document

# A TRS-style export record (the shape of tests/fidelity's json exports): the attachment list as the CMS's markup.
RECORD = {
    "DOCTITLE": "关于印发西河市城市道路占用挖掘管理办法的通知",
    "DOCPUBURL": "https://www.xihe.gov.cn/art/2024/3/5/art_1229_5.html",
    "FWZH": "西政规〔2024〕3号",
    "FBRQ": "2024-03-05",
    "ZW": "各区人民政府，市政府各部门：现将《西河市城市道路占用挖掘管理办法》印发给你们，请认真贯彻执行。",
}


def ingest_export(tmp_path: Path, attachments: object) -> Document:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": {"list": [RECORD | {"attachments": attachments}]}}, ensure_ascii=False))
    items = list(read_file(path, DEFAULTS))
    assert len(items) == 1, items
    report = IngestReport()
    doc = read_document(items[0], DEFAULTS, report)  # type: ignore[arg-type]
    assert doc is not None, report.rejected
    return doc


@pytest.mark.parametrize(
    ("item", "name", "url"),
    [
        pytest.param("<a href='javascript:x'>附件</a>", "附件", "", id="script-link-without-address"),
        pytest.param(
            '<a href="javascript:void(0)" onclick="downloadFile(\'/module/download/downfile.jsp?filename=a.pdf\');'
            'return false;">占用挖掘管理办法.pdf</a>',
            "占用挖掘管理办法.pdf",
            "/module/download/downfile.jsp?filename=a.pdf",
            id="address-in-onclick",
        ),
        pytest.param(
            '<a href="#" data-url="https://www.xihe.gov.cn/attach/0/P020240305.docx">附件1：收费标准</a>',
            "附件1：收费标准",
            "https://www.xihe.gov.cn/attach/0/P020240305.docx",
            id="address-in-data-attribute",
        ),
        pytest.param('<span class="fj">附件：申请表</span>', "附件：申请表", "", id="markup-without-link"),
    ],
)
def test_a_list_attachment_written_as_markup_is_named_by_its_visible_text(
    tmp_path: Path, item: str, name: str, url: str
) -> None:
    for value in ([item], item):  # a list of items, or the whole field one string
        doc = ingest_export(tmp_path, value)
        assert [(a.name, a.url) for a in doc.attachments] == [(name, url)]
        assert not any("<" in a.name or "javascript" in a.url for a in doc.attachments)


def test_names_without_links_are_one_attachment_a_line(tmp_path: Path) -> None:
    doc = ingest_export(tmp_path, "附件1：申请表.doc<br/>附件2：承诺书.doc")
    assert [(a.name, a.url) for a in doc.attachments] == [("附件1：申请表.doc", ""), ("附件2：承诺书.doc", "")]


def test_several_links_in_one_item_are_several_attachments(tmp_path: Path) -> None:
    item = (
        "<p><a href='javascript:void(0)' onclick=\"openFile('./P1.pdf')\">附件1</a><br><a href='P2.xls'>附件2</a></p>"
    )
    doc = ingest_export(tmp_path, [item])
    assert [(a.name, a.url, a.kind) for a in doc.attachments] == [
        ("附件1", "./P1.pdf", "pdf"),
        ("附件2", "P2.xls", "xls"),
    ]


@pytest.mark.parametrize(
    "item",
    [
        "<a href='javascript:",
        "<a>",
        "<<a href=x>>",
        "<a href='javascript:x' onclick='\x00'>\x00附\x1b件</a>",
        "<a/>" * 500,
    ],
)
def test_broken_markup_never_crashes_or_keeps_its_tags(tmp_path: Path, item: str) -> None:
    doc = ingest_export(tmp_path, [item])
    assert not any("<a" in a.name or "javascript" in a.url for a in doc.attachments)


def test_a_page_file_link_opened_by_a_script_takes_its_address_from_the_handler() -> None:
    page = """<html><head><title>关于公布2024年度项目名单的通知</title></head><body>
    <div class="article"><h1>关于公布2024年度项目名单的通知</h1><p>现将项目名单予以公布。</p>
    <p>附件：<a href="javascript:void(0)" onclick="window.open('/files/2024/P020240305.pdf')">项目名单</a></p>
    <p><a href="javascript:void(0)">收藏本页.pdf</a></p></div></body></html>"""
    record = parse_html(page.encode(), source="inline", url="https://www.xihe.gov.cn/art/2024/3/5/art_1.html")
    assert record.fields["attachments"] == [
        {"name": "项目名单", "url": "https://www.xihe.gov.cn/files/2024/P020240305.pdf", "kind": "pdf"}
    ]
