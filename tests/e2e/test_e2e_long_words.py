"""Whatever a document holds, a phone shows its pages without scrolling sideways: a URL, an attachment's file name
or a Latin run in a title, 文号 or issuer's name longer than the screen breaks inside its box (portal.css,
``overflow-wrap: anywhere`` on the body) — in the metadata table, the breadcrumb, results, lookup, 变更记录 and the
version page's table of sightings. Before, such a document made its page 2,098 px wide at 320 px."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from helpers import DOCUMENTS, build_index, portal_settings

from index.localports import free_port
from portal.server import server_config, serving

pytestmark = pytest.mark.browser

LONG_ID = "014319733/2020-00077"
LONG_URL = "https://www.example.gov.cn/xxgk/" + "a1b2c3d4e5" * 15 + ".html"
RECORD = {
    "title": "关于" + "Z" * 120 + "的通知",
    "index_no": LONG_ID,
    "doc_no": "宿政发〔2020〕" + "9" * 60 + "号",
    "publisher": "宿迁市" + "B" * 80 + "局",
    "pub_date": "2020-05-06",
    "category": "民政/" + "C" * 90,
    "keywords": ["K" * 100, "低保"],
    "url": LONG_URL,
    "body": "第一条 " + "D" * 300 + "\n第二条 低保标准见" + LONG_URL,
    "attachments": [{"name": "E" * 120 + ".pdf", "url": LONG_URL}],
}
PAGES = [
    f"/doc/{LONG_ID}",
    f"/doc/{LONG_ID}/v/1",
    f"/lookup?q={LONG_ID}",
    "/search?q=低保标准",
    "/changes",
    "/browse",
    "/stats",
]


@pytest.fixture(scope="module")
def long_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("long-words")
    (folder / "long.json").write_text(json.dumps([RECORD], ensure_ascii=False), "utf-8")
    index_dir = folder / "index"
    build_index([DOCUMENTS, folder / "long.json"], index_dir)
    settings = portal_settings(index_dir, host="127.0.0.1", port=free_port())
    with serving(server_config(settings, log_level="warning")) as base_url:
        yield base_url


@pytest.mark.parametrize("path", PAGES)
def test_a_phone_shows_long_unbroken_values_without_sideways_scroll(browser, long_server: str, path: str) -> None:
    context = browser.new_context(base_url=long_server, locale="zh-CN", viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        assert page.goto(path).status == 200
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    finally:
        context.close()
