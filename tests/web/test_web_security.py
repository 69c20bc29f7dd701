"""Escaping, security headers, link checks, read-only routes, and typed junk that never reaches a 500."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from portal_testing import XSS_INDEX_NO
from starlette.routing import Mount, Route

from portal.security import CONTENT_SECURITY_POLICY, safe_href

PAGES = [
    "/",
    "/search?q=低保",
    "/search.json?q=低保",
    "/search.atom?q=低保",
    "/doc/014319733/2018-00019",
    "/doc/014319733/2018-00019.json",
    "/lookup?q=2018-00019",
    "/browse",
    "/feed.atom",
    "/sitemap.xml",
    "/opensearch.xml",
    "/robots.txt",
    "/openapi.json",
    "/static/portal.css",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_csp_allows_this_origin_only_and_nothing_inline() -> None:
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


class Inline(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names or tag == "style":
            self.found.append(f"<{tag}>")
        self.found += [f"{tag} {name}" for name in names if name.startswith("on") or name == "style"]
        self.found += [f"{tag} {name}" for name, value in attrs if (value or "").startswith("javascript:")]


@pytest.mark.parametrize("path", ["/", "/search?q=测试转义", f"/doc/{XSS_INDEX_NO}", "/browse", "/lookup?q=x"])
def test_no_inline_script_style_or_handler(client, path: str) -> None:
    parser = Inline()
    parser.feed(client.get(path).text)
    assert parser.found == []


def test_a_script_title_shows_as_text_everywhere(client) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    doc = client.get(f"/doc/{XSS_INDEX_NO}").text
    assert "<script>alert(1)</script>" not in doc
    assert escaped in doc
    # inline marks round a one-line value are search-highlight residue, dropped at ingest (normalise.clean_line)
    assert "<b>测试发布机构</b>" not in doc and "测试发布机构" in doc
    assert "&lt;img src=x onerror=alert(2)&gt;" in doc
    assert "<img src=x" not in doc
    results = client.get("/search", params={"q": "测试转义", "field": "title"}).text
    assert "<script>alert(1)</script>" not in results
    assert "&lt;script&gt;" in results
    home = client.get("/").text
    assert "<script>alert(1)</script>" not in home


def test_only_mark_survives_in_highlights(client) -> None:
    html = client.get("/search", params={"q": "测试转义"}).text
    tags = set(re.findall(r"<(/?[a-z0-9]+)", html.split('<ol class="results"')[1].split("</ol>")[0]))
    assert tags <= {
        "li",
        "/li",
        "h3",
        "/h3",
        "a",
        "/a",
        "p",
        "/p",
        "mark",
        "/mark",
        "dl",
        "/dl",
        "div",
        "/div",
        "dt",
        "/dt",
        "dd",
        "/dd",
        "span",
        "/span",
    }


def test_hostile_links_are_not_links(client) -> None:
    html = client.get(f"/doc/{XSS_INDEX_NO}").text
    assert "javascript:" not in html
    assert 'href="https://www.example.gov.cn/art/2024/12/30/files/fujian.docx"' in html  # resolved against the page
    assert 'href="https://www.example.gov.cn/art/2024/12/30/jiedu.html"' in html


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        pytest.param("https://www.gov.cn/a.pdf", "", "https://www.gov.cn/a.pdf", id="absolute"),
        pytest.param("javascript:alert(1)", "", "", id="javascript"),
        pytest.param(" JavaScript:alert(1)", "https://a.gov.cn/", "", id="javascript-mixed-case"),
        pytest.param("java\nscript:alert(1)", "", "", id="control-character"),
        pytest.param("data:text/html,<script>", "", "", id="data"),
        pytest.param("vbscript:x", "", "", id="vbscript"),
        pytest.param("/files/a.pdf", "", "", id="relative-without-base"),
        pytest.param("/files/a.pdf", "https://a.gov.cn/art/1.html", "https://a.gov.cn/files/a.pdf", id="relative"),
        pytest.param("", "https://a.gov.cn/", "", id="empty"),
    ],
)
def test_safe_href(url: str, base: str, expected: str) -> None:
    assert safe_href(url, base) == expected


def test_every_route_is_read_only(app, client) -> None:
    for route in app.routes:
        if isinstance(route, Route):
            assert route.methods <= {"GET", "HEAD"}, route.path
        else:
            assert isinstance(route, Mount)
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/search?q=低保").status_code == 405
        assert client.request(method, f"/doc/{XSS_INDEX_NO}").status_code == 405


def test_head_works(client) -> None:
    assert client.head("/search?q=低保").status_code == 200


JUNK = [
    '"',
    '"低保',
    "'",
    "(",
    ")",
    "((低保)",
    "[",
    "]",
    "{",
    "}",
    "低保 AND",
    "AND OR NOT",
    "NOT",
    "OR 低保",
    "标题:",
    "标题：",
    "索引号:",
    "文号:[",
    "正文:(",
    "*",
    "?",
    "低保*",
    "~",
    "低保~2",
    "^",
    "低保^",
    "[2017 TO 2018]",
    "{a TO}",
    "title:低保",
    "field:value:other",
    "\\",
    "/",
    "//",
    "%00",
    "\x00",
    "低\x00保",
    "😀",
    "😀" * 150,
    "低保" * 150,
    "a" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "０１４３１９７３３／",
    "〔2017〕",
    "[2017]150号",
    "宿政办发〔〕号",
    "-",
    "2018-",
    "-00019",
    "014319733/",
    "\u202e\u200b",
    "　",
]


@pytest.mark.parametrize("q", JUNK)
@pytest.mark.parametrize("path", ["/search", "/search.json", "/search.atom", "/lookup", "/lookup.json"])
def test_junk_queries_never_reach_a_500(client, path: str, q: str) -> None:
    response = client.get(path, params={"q": q})
    assert response.status_code in (200, 303), (path, q, response.status_code)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "x"},
        {"page": "-1"},
        {"page": "1e9"},
        {"per_page": "0"},
        {"per_page": "9999"},
        {"sort": "'; DROP"},
        {"field": "<b>"},
        {"date_from": "2018-13-45"},
        {"date_to": "tomorrow"},
        {"date_from": "2020", "date_to": "2010"},
        {"year": "abc"},
        {"year": "2018", "publisher": "\x00"},
        {"publisher": "x" * 5000},
        {"category_topic": "城乡建设、环境保护\\城市规划"},
        {"within": "1", "prev": "(" * 50},
        {"go": "0", "q": "2018-00019"},
        {"unknown": "value"},
    ],
    ids=lambda params: "&".join(f"{k}={v[:12]!r}" for k, v in params.items()),
)
def test_junk_parameters_never_reach_a_500(client, params: dict[str, str]) -> None:
    for path in ("/search", "/search.json", "/search.atom"):
        assert client.get(path, params={"q": "低保", **params}).status_code in (200, 303)


def test_over_long_query_gets_a_friendly_message(client) -> None:
    response = client.get("/search", params={"q": "低保" * 150})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "过长" in response.text
    assert client.get("/search.json", params={"q": "低保" * 150}).json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/doc/%00",
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/doc/" + "x" * 3000,
        "/browse/year/abc",
        "/browse/year/99999",
        "/browse/category/nope/x",
        "/browse/publisher/%3Cscript%3E",
        "/static/../portal/app.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_junk_paths_are_404_not_500(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "<script>" not in response.text
