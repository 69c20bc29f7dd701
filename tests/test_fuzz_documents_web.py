"""Odd documents the reader fuzzing gives (tests/test_fuzz_readers.py), indexed for real and asked for on every page.

A real tune export record (tests/fidelity, ``sthjt-fujian-flfg.json``) with its values swapped the fuzz test's ways:
a title that is a number, attachments as nested lists and objects of lists, a 10,000-character 文号, dates in 0001,
1900, 2999 and 9999 (also as epoch milliseconds), control characters and URL syntax in the title, 文号, publisher and
category, joint issuers, and 索引号 that look like the portal's own routes (``a/v/1``, ``….bib``). They are ingested
into a real Whoosh index, and a real server (uvicorn on loopback, as `portal serve` runs it) is asked for every page
that shows them — search and its JSON and feed, the document and its JSON, citation and version pages, each facet's
browse page, lookup by 索引号 and 文号, the feeds and the sitemap — and for every link those pages give: none may
answer 500, and no link a page gives may be not found.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import quote, urlsplit

import httpx
import pytest
from helpers import portal_settings, real_inputs

from bench.fidelity import COLLECTION
from index.localports import free_port
from index.whoosh.ingest import ingest_paths
from portal.app import create_app
from portal.server import server_config, serving

pytestmark = real_inputs


@functools.cache
def base() -> dict[str, object]:
    """The real record the odd documents are made from (read from the real-input folder)."""
    return json.loads(gzip.decompress((COLLECTION / "pages/sthjt-fujian-flfg.json.gz").read_bytes()))[0]


LONG_DOC_NO = "闽环发〔2016〕" + "1" * 10_000 + "号"


def odd(index_no: str, **changes: object) -> dict[str, object]:
    return {**base(), "index_no": index_no, "content": "正文。", **changes}


@functools.cache
def odd_documents() -> list[dict[str, object]]:
    """The real record with its values swapped the fuzz test's ways."""
    return [
        odd("FJ00101-1300-2016-00062", title=20231016, doc_no="闽环发〔2016〕1号"),
        odd(
            "FJ00101-1300-2016-00063",
            title="附件是嵌套列表的文件",
            attachments=[
                ["a.pdf", ["http://x.gov.cn/a.pdf"]],
                [["b.doc"]],
                {"name": ["x.pdf"], "url": {"href": 3}},
                {"name": None, "url": []},
                "<a href='javascript:x'>附件</a>",
            ],
        ),
        odd("FJ00101-1300-2016-00064", title="超长文号的文件", doc_no=LONG_DOC_NO),
        odd(
            "FJ00101-1300-2016-00065",
            title="一九〇〇年与二九九九年",
            publish_time="1900-01-01",
            written_date="2999-12-31",
        ),
        odd(
            "FJ00101-1300-2016-00066",
            title="控制字符\x00\x1b\u2028标题\ufeff",
            content="正\x00文\x07\u2029。",
            doc_no="闽\x1b环发〔2016〕7号",
            source="福建省\x00生态环境厅/..%2F?#",
            category="a/b.json%00/..",
            keywords=["%", "/", "..", "a?b#c"],
        ),
        odd("FJ00101-1300-2016-00067", title="联合发文的文件", source="福建省生态环境厅、福建省财政厅"),
        odd(
            "FJ00101-1300-2016-00068",
            title="公元一年与九九九九年",
            publish_time="0001-01-01",
            written_date=253402300799999,
        ),
        # 索引号 that read as the portal's own routes once under /doc/: a version page, a citation download
        odd("a/v/1", title="索引号像版本页的文件"),
        odd("014319733/2024-0.bib", title="索引号像引用下载的文件"),
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client of a real server on an index of the odd documents (not following redirects)."""
    folder = tmp_path_factory.mktemp("odd")
    (folder / "odd.json").write_text(json.dumps(odd_documents(), ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("odd-index")
    report = ingest_paths([folder], index_dir)
    assert len(report.added) == len(odd_documents()), [str(r) for r in report.rejected]
    settings = portal_settings(index_dir, host="127.0.0.1", port=free_port())
    with serving(server_config(settings, create_app(settings), log_level="critical")):
        with httpx.Client(base_url=f"http://{settings.host}:{settings.port}", timeout=30) as http:
            yield http


def get(client: httpx.Client, url: str, linked: bool = False) -> tuple[int, str]:
    """The status and text of ``url``: never a server error, and for a link a page gave, never a 404."""
    response = client.get(url)
    assert response.status_code < 500, f"{url}: {response.status_code} {response.text[:300]}"
    assert not linked or response.status_code != 404, f"a page links to {url}, which is not found"
    return response.status_code, response.text


LINK = re.compile(r"""(?:href|src)=["'](/[^"'#]*)""")


def links(text: str) -> set[str]:
    """The portal's own links on a page (not static files)."""
    return {unescape(link) for link in LINK.findall(text) if not link.startswith(("/static/", "//"))}


def test_every_odd_document_is_indexed_and_every_page_about_it_answers(client: httpx.Client) -> None:
    hits = json.loads(get(client, "/search.json?per_page=50&q=" + quote("正文"))[1])
    ids = [hit["id"] for hit in hits["hits"]]
    assert len(ids) == len(odd_documents()), hits
    pages = {"/", "/browse", "/stats", "/changes", "/feed.atom", "/sitemap.xml", "/changes.atom", "/data"}
    for doc_id in ids:
        path = "/doc/" + quote(doc_id, safe="/")
        doc = json.loads(get(client, path + ".json")[1])
        pages |= {path, path + ".bib", path + ".csl.json", path + "/changes.atom", path + "/v/1", path + "/v/1.json"}
        for value in (doc_id, doc.get("index_no") or "", doc.get("doc_no") or "", str(doc.get("title") or "")):
            for route in ("/lookup?q=", "/lookup.json?q=", "/search?q=", "/search.json?q=", "/search.atom?q="):
                pages.add(route + quote(value[:300]))
    seen: set[str] = set()
    for depth in range(2):  # the pages, then every link on them
        found: set[str] = set()
        for url in sorted(pages - seen):
            seen.add(url)
            status, text = get(client, url, linked=depth > 0)
            if status == 200 and depth == 0 and not url.endswith((".json", ".atom", ".xml", ".bib")):
                found |= {link for link in links(text) if urlsplit(link).path not in ("/search",) or "q=" in link}
        pages = found
    assert len(seen) > 60, len(seen)
