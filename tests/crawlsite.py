"""A small government disclosure site on a real loopback server, for the crawler's tests.

It has the traps a real site has: paginated lists, robots.txt, a page that always
fails, one that fails once, one that is too slow, a moved page, a rate limit,
conditional GETs, a GBK page and attachments; and hostile ones: a redirect to any
address (``/go?to=…``) and a page that trickles a byte at a time. It records every
request it sees so tests can assert what the crawler did (and did not) ask for.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

PUBLISHER = "示例市民政局"
ORG_CODE = "014319733"  # a 组织机构代码 whose GB 11714 check digit is right


@dataclass(frozen=True)
class Detail:
    serial: int
    title: str
    pub_date: str
    doc_no: str
    topic: str
    paragraphs: tuple[str, ...]
    path: str = ""  # defaults to /xxgk/2024/t<date>_<serial>.html
    charset: str = "utf-8"
    attachments: tuple[tuple[str, str], ...] = ()  # (link text, path)

    @property
    def url_path(self) -> str:
        return self.path or f"/xxgk/2024/t{self.pub_date.replace('-', '')}_{self.serial}.html"

    @property
    def index_no(self) -> str:
        return f"{ORG_CODE}/2024-{self.serial - 1000:05d}"


PDF_PATH = "/xxgk/files/P020240105_1001_1.pdf"
BIG_ZIP_PATH = "/xxgk/files/P020240105_1001_2.zip"
BIG_ZIP_BYTES = 64 * 1024

DETAILS: tuple[Detail, ...] = (
    Detail(
        1001,
        "关于做好2024年元旦春节期间困难群众走访慰问工作的通知",
        "2024-01-05",
        "示民发〔2024〕1号",
        "民政、扶贫、救灾\\社会救助",
        (
            "各县（区）民政局，市各有关单位：",
            "元旦春节将至，为切实保障困难群众基本生活，让困难群众过上一个欢乐祥和的节日，"
            "现就做好2024年元旦春节期间困难群众走访慰问工作通知如下。",
            "一、摸清底数，精准确定慰问对象。二、落实资金，及时发放慰问金。三、加强监督，确保资金安全。",
        ),
        attachments=(
            ("附件1：走访慰问对象名单.pdf", PDF_PATH),
            ("附件2：全市走访慰问影像资料.zip", BIG_ZIP_PATH),
        ),
    ),
    Detail(
        1002,
        "示例市民政局关于公布2023年度社会组织年度检查结果的公告",
        "2024-01-12",
        "示民告〔2024〕2号",
        "民政、扶贫、救灾\\社会组织",
        (
            "根据《社会团体登记管理条例》等规定，我局对全市社会组织2023年度工作情况进行了检查，现将结果予以公告。",
            "年检合格的社会组织共计326家，基本合格的18家，不合格的5家。",
        ),
        charset="gbk",
    ),
    Detail(
        1003,
        "关于印发《示例市最低生活保障审核确认办法》的通知",
        "2024-01-20",
        "示民规〔2024〕1号",
        "民政、扶贫、救灾\\社会救助",
        (
            "现将《示例市最低生活保障审核确认办法》印发给你们，请认真贯彻执行。",
            "本办法自2024年3月1日起施行。",
        ),
    ),
    Detail(
        1004,
        "示例市2023年民政事业发展统计公报",
        "2024-02-01",
        "",
        "综合政务\\统计信息",
        ("2023年，全市民政事业持续健康发展。",),
    ),
    Detail(
        1005,
        "关于进一步加强殡葬服务收费管理的实施意见",
        "2024-02-15",
        "示民发〔2024〕6号",
        "民政、扶贫、救灾\\殡葬管理",
        ("为规范殡葬服务收费行为，减轻群众丧葬负担，结合我市实际，提出如下实施意见。",),
    ),
    Detail(
        1006,
        "示例市养老服务设施布局规划（2024—2035年）",
        "2024-03-01",
        "",
        "民政、扶贫、救灾\\养老服务",
        ("到2035年，全市建成布局合理、功能完善的养老服务设施体系。",),
    ),
    Detail(
        1007,
        "关于开展2024年度养老机构等级评定工作的通知",
        "2024-03-10",
        "示民函〔2024〕15号",
        "民政、扶贫、救灾\\养老服务",
        ("为提升养老机构服务质量，决定开展2024年度养老机构等级评定工作。",),
    ),
    Detail(
        1008,
        "示例市民政局2023年政府信息公开工作年度报告",
        "2024-03-20",
        "",
        "综合政务\\政务公开",
        ("本报告根据《中华人民共和国政府信息公开条例》要求编制。",),
    ),
    Detail(
        1009,
        "关于内部培训安排的通知",
        "2024-04-01",
        "",
        "综合政务\\其他",
        ("本通知仅限内部传阅。",),
        path="/private/t20240401_1009.html",
    ),
)

BY_SERIAL = {detail.serial: detail for detail in DETAILS}
ALWAYS_500 = BY_SERIAL[1004].url_path
FLAKY = BY_SERIAL[1005].url_path  # 503 on the first request, then fine
SLOW = BY_SERIAL[1006].url_path
MOVED_FROM = "/xxgk/old/1007.html"  # 301 to detail 1007
RATE_LIMITED = BY_SERIAL[1008].url_path  # 429 with Retry-After on the first request
PRIVATE = BY_SERIAL[1009].url_path
GBK_PAGE = BY_SERIAL[1002].url_path
REDIRECT = "/go"  # 302 to the address in ?to=
TRICKLE = "/xxgk/2024/trickle.html"  # a page sent a byte every TRICKLE_INTERVAL seconds
TRICKLE_INTERVAL = 0.05
TRICKLE_BYTES = 2000
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"

# The list shows these links, three to a page; MOVED_FROM stands in for 1007's own URL.
LISTED = (1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009)
LIST_PAGES = ("/xxgk/index.html", "/xxgk/index_1.html", "/xxgk/index_2.html")
LAST_MODIFIED = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)


def stored_paths() -> set[str]:
    """Detail paths a polite, retrying crawl ends up storing (as linked, before redirects)."""
    return {BY_SERIAL[serial].url_path for serial in (1001, 1002, 1003, 1005, 1008)} | {MOVED_FROM}


@dataclass
class SeenRequest:
    method: str
    path: str
    host: str
    headers: dict[str, str]


@dataclass
class CrawlSite:
    """The site's switches and what it has seen."""

    slow_seconds: float = 2.0
    with_slow_page: bool = True
    requests: list[SeenRequest] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    not_modified_sent: int = 0
    robots_txt: str = ROBOTS_TXT
    trickled: int = 0  # bytes of TRICKLE sent before the client hung up
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: Request) -> int:
        """Log a request; returns how many times its path has been asked for, this one included."""
        seen = SeenRequest(request.method, request.url.path, request.headers.get("host", ""), dict(request.headers))
        with self._lock:
            self.requests.append(seen)
            self.hits[request.url.path] += 1
            return self.hits[request.url.path]

    def paths(self) -> list[str]:
        with self._lock:
            return [seen.path for seen in self.requests]

    def conditional_requests(self) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if "if-none-match" in r.headers or "if-modified-since" in r.headers]

    def listed(self) -> list[Detail]:
        return [BY_SERIAL[s] for s in LISTED if self.with_slow_page or BY_SERIAL[s].url_path != SLOW]


# --- pages -----------------------------------------------------------------------------------------

_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{title}_示例市民政局</title>
<meta name="SiteName" content="示例市民政局">
<meta name="ColumnName" content="政府信息公开">
{meta}<link rel="stylesheet" href="/static/css/site.css">
</head><body>
<div class="header"><a href="/">网站首页</a> <a href="/xxgk/">政府信息公开</a>
<a href="mailto:mzj@example.gov.cn">联系我们</a> <a href="javascript:void(0)">无障碍浏览</a>
<a href="http://localhost:{port}/xxgk/2024/t20240101_elsewhere.html">友情链接</a></div>
"""

_DETAIL = """<div class="xxgk-detail">
<table class="xxgk-meta">
<tr><th>索引号：</th><td>{index_no}</td><th>主题分类：</th><td>{topic}</td></tr>
<tr><th>发布机构：</th><td>{publisher}</td><th>公开日期：</th><td>{pub_date}</td></tr>
<tr><th>名　　称：</th><td colspan="3">{title}</td></tr>
<tr><th>文　　号：</th><td>{doc_no}</td><th>有效性：</th><td>有效</td></tr>
</table>
<h1 class="article-title">{title}</h1>
<div class="article-content" id="zoom">
{body}
</div>
{attachments}</div>
</body></html>
"""


def detail_html(detail: Detail, port: int) -> str:
    meta = (
        f'<meta name="ArticleTitle" content="{detail.title}">\n'
        f'<meta name="PubDate" content="{detail.pub_date} 09:30">\n'
        f'<meta name="ContentSource" content="{PUBLISHER}">\n'
    )
    links = "".join(f'<li><a href="{path}">{text}</a></li>' for text, path in detail.attachments)
    attachments = f'<div class="attachments">附件：<ul>{links}</ul></div>\n' if links else ""
    head = _HEAD.format(charset=detail.charset, title=detail.title, meta=meta, port=port)
    return head + _DETAIL.format(
        index_no=detail.index_no,
        topic=detail.topic,
        publisher=PUBLISHER,
        pub_date=detail.pub_date,
        title=detail.title,
        doc_no=detail.doc_no,
        body="\n".join(f"<p>{paragraph}</p>" for paragraph in detail.paragraphs),
        attachments=attachments,
    )


def list_html(site: CrawlSite, page: int, port: int) -> str:
    listed = site.listed()
    per_page = -(-len(listed) // len(LIST_PAGES))
    rows = []
    for detail in listed[page * per_page : (page + 1) * per_page]:
        href = MOVED_FROM if detail.serial == 1007 else detail.url_path
        link = f'<a href="{href}" title="{detail.title}">{detail.title}</a>'
        rows.append(f"<li>{link}<span>{detail.pub_date}</span></li>")
    return (
        _HEAD.format(charset="utf-8", title="政府信息公开", meta="", port=port)
        + f'<ul class="xxgk-list">\n{chr(10).join(rows)}\n</ul>\n'
        + pagination_html(page)
        + "</body></html>\n"
    )


def pagination_html(page: int) -> str:
    """TRS-style pagination: 首页 上一页 1 2 3 下一页 尾页 (relative links, as real sites write them)."""

    def href(number: int) -> str:
        return "index.html" if number == 0 else f"index_{number}.html"

    last = len(LIST_PAGES) - 1
    parts = [f'<a href="{href(0)}">首页</a>']
    if page > 0:
        parts.append(f'<a href="{href(page - 1)}">上一页</a>')
    parts += [f'<a href="{href(n)}">{n + 1}</a>' if n != page else f"<span>{n + 1}</span>" for n in range(last + 1)]
    if page < last:
        parts.append(f'<a href="{href(page + 1)}">下一页</a>')
    parts.append(f'<a href="{href(last)}">尾页</a>')
    return f'<div class="page">共{last + 1}页 {" ".join(parts)}</div>\n'


def tiny_pdf() -> bytes:
    """A one-page PDF saying a few words, with a correct xref table."""
    stream = b"BT /F1 12 Tf 72 720 Td (Minzheng weiwen mingdan 2024) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- the app ---------------------------------------------------------------------------------------


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def _not_modified(request: Request, etag: str) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(since) >= LAST_MODIFIED
    except (TypeError, ValueError):
        return False


def _port(request: Request) -> int:
    return request.url.port or 80


def build_app(site: CrawlSite) -> Starlette:
    by_path = {detail.url_path: detail for detail in DETAILS}

    async def robots(request: Request) -> Response:
        site.record(request)
        return PlainTextResponse(site.robots_txt)

    async def list_page(request: Request) -> Response:
        site.record(request)
        name = request.path_params["name"]
        path = f"/xxgk/{name}"
        if path not in LIST_PAGES:
            return PlainTextResponse("404", status_code=404)
        return Response(list_html(site, LIST_PAGES.index(path), _port(request)), media_type="text/html")

    async def detail_page(request: Request) -> Response:
        count = site.record(request)
        path = request.url.path
        if path == MOVED_FROM:
            return RedirectResponse(BY_SERIAL[1007].url_path, status_code=301)
        detail = by_path.get(path)
        if detail is None:
            return PlainTextResponse("404", status_code=404)
        if path == ALWAYS_500:
            return PlainTextResponse("Internal Server Error", status_code=500)
        if path == FLAKY and count == 1:
            return PlainTextResponse("Service Unavailable", status_code=503)
        if path == RATE_LIMITED and count == 1:
            return PlainTextResponse("Too Many Requests", status_code=429, headers={"Retry-After": "0"})
        if path == SLOW and await _slept_until_gone(request, site.slow_seconds):
            return PlainTextResponse("too late", status_code=504)
        return _page_response(request, site, detail)

    async def files(request: Request) -> Response:
        site.record(request)
        if request.url.path == PDF_PATH:
            return Response(tiny_pdf(), media_type="application/pdf")
        if request.url.path == BIG_ZIP_PATH:
            # Streamed without Content-Length, so only the byte count can stop the crawler.
            return StreamingResponse(_zeros(BIG_ZIP_BYTES), media_type="application/zip")
        return PlainTextResponse("404", status_code=404)

    async def sitemap(request: Request) -> Response:
        site.record(request)
        base = f"{request.url.scheme}://{request.url.netloc}"
        if request.url.path == "/sitemap.xml":
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"<sitemap><loc>{base}/sitemap-xxgk.xml</loc></sitemap>\n</sitemapindex>\n"
            )
        else:
            locs = "".join(f"<url><loc>{base}{BY_SERIAL[s].url_path}</loc></url>\n" for s in (1001, 1002, 1003))
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}</urlset>\n'
            )
        return Response(body, media_type="application/xml")

    async def go(request: Request) -> Response:
        site.record(request)
        return Response(status_code=302, headers={"Location": request.query_params.get("to", "/")})

    async def trickle(request: Request) -> Response:
        site.record(request)
        return StreamingResponse(_trickle(site), media_type="text/html")

    async def other(request: Request) -> Response:
        site.record(request)
        return PlainTextResponse("404", status_code=404)

    return Starlette(
        routes=[
            Route("/robots.txt", robots),
            Route("/sitemap.xml", sitemap),
            Route("/sitemap-xxgk.xml", sitemap),
            Route(REDIRECT, go),
            Route(TRICKLE, trickle),
            Route("/xxgk/files/{name}", files),
            Route("/xxgk/{name}", list_page),
            Route("/xxgk/{year}/{name}", detail_page),
            Route("/private/{name}", detail_page),
            Route("/{rest:path}", other),
        ]
    )


def _page_response(request: Request, site: CrawlSite, detail: Detail) -> Response:
    body = detail_html(detail, _port(request)).encode(detail.charset)
    headers = {"ETag": etag_for(body), "Last-Modified": format_datetime(LAST_MODIFIED, usegmt=True)}
    if _not_modified(request, headers["ETag"]):
        with site._lock:
            site.not_modified_sent += 1
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=f"text/html; charset={detail.charset.upper()}")


async def _slept_until_gone(request: Request, seconds: float) -> bool:
    """Sleep ``seconds`` (a slow backend), stopping early when the client hangs up; True if it did."""
    step = 0.05
    for _ in range(round(seconds / step)):
        if await request.is_disconnected():
            return True
        await asyncio.sleep(step)
    return False


async def _trickle(site: CrawlSite) -> AsyncIterator[bytes]:
    """A page one byte at a time: every read completes quickly, the whole never does."""
    page = (b"<html><body>" + b"x" * TRICKLE_BYTES)[:TRICKLE_BYTES]
    for index in range(TRICKLE_BYTES):
        yield page[index : index + 1]
        with site._lock:
            site.trickled += 1
        await asyncio.sleep(TRICKLE_INTERVAL)


async def _zeros(total: int) -> AsyncIterator[bytes]:
    chunk = b"\0" * 8192
    for _ in range(total // len(chunk)):
        yield chunk


# --- the server ------------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """A uvicorn server that tells another thread when it is listening (or gave up)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


@contextmanager
def serve(site: CrawlSite) -> Iterator[str]:
    """Run the site on a free 127.0.0.1 port in a background thread; yields its base URL."""
    with serve_app(build_app(site)) as base:
        yield base


@contextmanager
def serve_app(app: Starlette, name: str = "crawlsite") -> Iterator[str]:
    """Run any ASGI app on a free 127.0.0.1 port in a background thread; yields its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        ws="none",
        timeout_graceful_shutdown=3,
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    if not server.ready.wait(10) or not server.started:
        server.should_exit = True
        thread.join(10)
        raise RuntimeError("the test site did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# --- a site of many links: a list page of `links` documents, each with `attachments` files ---------


@dataclass
class BulkSite:
    """A list page linking ``links`` detail pages, each linking ``attachments`` files of ``file_bytes`` bytes."""

    links: int = 3000
    attachments: int = 0
    file_bytes: int = 10_000
    hits: Counter[str] = field(default_factory=Counter)

    def files_sent(self) -> int:
        return sum(n for path, n in self.hits.items() if path.startswith("/bulk/files/"))


def bulk_app(site: BulkSite) -> Starlette:
    async def robots(request: Request) -> Response:
        return PlainTextResponse("User-agent: *\nAllow: /\n")

    async def list_page(request: Request) -> Response:
        site.hits[request.url.path] += 1
        items = "".join(f'<li><a href="/bulk/doc-{n}.html">关于第{n}号事项的通知</a></li>' for n in range(site.links))
        return HTMLResponse(f"<html><head><meta charset='utf-8'><title>通知公告</title></head><body><ul>{items}</ul>")

    async def detail(request: Request) -> Response:
        site.hits[request.url.path] += 1
        n = request.path_params["n"]
        files = "".join(f'<li><a href="/bulk/files/f-{n}-{m}.pdf">附件{m}</a></li>' for m in range(site.attachments))
        return HTMLResponse(
            f"<html><head><meta charset='utf-8'><title>关于第{n}号事项的通知</title></head><body>"
            f"<h1>关于第{n}号事项的通知</h1><p>第{n}号事项的正文。</p><ul>{files}</ul></body></html>"
        )

    async def files(request: Request) -> Response:
        site.hits[request.url.path] += 1
        return Response(b"%PDF-1.4\n" + b"0" * (site.file_bytes - 9), media_type="application/pdf")

    return Starlette(
        routes=[
            Route("/robots.txt", robots),
            Route("/bulk/list.html", list_page),
            Route("/bulk/doc-{n:int}.html", detail),
            Route("/bulk/files/{name}", files),
        ]
    )
