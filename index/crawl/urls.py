"""URL rules: what the crawler may fetch (scheme, and the allowed hosts however an address is spelt) and what a
link is (another page of a list, a detail page, an asset).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urldefrag, urljoin, urlsplit

import httpx

from index.attachments import kind_of
from index.htmltext import ATTACHMENT_KINDS
from index.htmltext import file_name as path_name

CRAWLABLE_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Never detail pages: styles, scripts, media, and the attachments (fetched separately when asked).
ASSET_EXTENSIONS = ATTACHMENT_KINDS | {
    "css", "js", "json", "xml", "png", "jpg", "jpeg", "gif", "bmp", "ico", "svg", "webp", "tif", "tiff",
    "woff", "woff2", "ttf", "eot", "mp3", "mp4", "avi", "flv", "wmv", "swf", "ppt", "pptx", "7z", "gz", "et",
}  # fmt: skip
NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "next", "next page", "›", "»", ">", ">>"})
LIST_STEM = re.compile(r"^(index|default|list)([_-]\d+)?$", re.IGNORECASE)
PAGE_PARAMS = frozenset({"page", "p", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn"})


class UnsupportedURL(ValueError):
    """A URL the crawler does not fetch: another scheme (``file:``, ``ftp:``, ``javascript:``) or no host."""


def check_crawlable(url: str) -> str:
    """``url`` without surrounding space, if the crawler can fetch it; raises :class:`UnsupportedURL` saying why."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:  # a stray bracket, a full-width colon in the host (bpo-36216): a line typed wrong
        raise UnsupportedURL(f"{url!r}: not a URL ({exc})") from exc
    if scheme not in CRAWLABLE_SCHEMES:
        what = f"the {scheme}: scheme is" if scheme else "a URL without a scheme is"
        raise UnsupportedURL(f"{url!r}: {what} not crawled; give an http:// or https:// URL")
    if canonical_host(url) is None:
        raise UnsupportedURL(f"{url!r}: no valid host name")
    return url


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; None for links that are not web pages, and for
    one urllib cannot split (ValueError: a full-width colon in the host, CPython's bpo-36216 check, or a stray
    bracket), which used to cost every link of the page it was on."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urldefrag(urljoin(base, href)).url
        return url if urlsplit(url).scheme in CRAWLABLE_SCHEMES else None
    except ValueError:
        return None


# --- hosts -----------------------------------------------------------------------------------------


def canonical_host(url: str) -> str | None:
    """The host ``url`` connects to, spelt one way however it is written; None when there is none.

    Names come IDNA-encoded and lower-cased from httpx (the client that makes the connection, so the
    check and the request read the URL alike), with a trailing dot dropped. An IPv4 address in any form
    the C resolver accepts (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``) becomes a dotted quad;
    an IPv6 address its compressed form, and an IPv4-mapped one (``::ffff:127.0.0.1``) its IPv4 address.
    """
    try:
        host = httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError):
        return None
    host = host.rstrip(".").lower()
    if not host:
        return None
    address = _ip_address(host)
    return str(address) if address is not None else host


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if ":" in host:
        try:
            address = ipaddress.IPv6Address(unquote(host))  # "%25eth0": a zone id, percent-encoded in URLs
        except ValueError:
            return None
        return address.ipv4_mapped or address
    if any(char.isspace() for char in host):
        return None  # inet_aton ignores what follows a space; getaddrinfo would not
    try:
        # inet_aton is the parser getaddrinfo applies to a numeric host: what it accepts is where we connect.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def origin_of(url: str) -> tuple[str, int] | None:
    """(canonical host, port) of an http(s) URL, the port filled in from the scheme; None for other URLs."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    host = canonical_host(url)
    if host is None or parsed.scheme not in DEFAULT_PORTS:
        return None
    return host, parsed.port or DEFAULT_PORTS[parsed.scheme]


@dataclass(frozen=True)
class Scope:
    """The hosts a crawl may fetch from: each start URL's host, on the start's port or a default one (80, 443).

    Sites move between http and https, so both default ports are in; another port on the same host is
    another service, and is not.
    """

    origins: frozenset[tuple[str, int]]

    @classmethod
    def of(cls, urls: Iterable[str]) -> Scope:
        origins = set()
        for url in urls:
            origin = origin_of(url)
            if origin is not None:
                host, port = origin
                origins |= {(host, port), (host, 80), (host, 443)}
        return cls(frozenset(origins))

    def allows(self, url: str) -> bool:
        return origin_of(url) in self.origins


def same_origin(url: str, other: str) -> bool:
    """Same host (however spelt) and port."""
    origin = origin_of(url)
    return origin is not None and origin == origin_of(other)


# --- lists and details -----------------------------------------------------------------------------


def is_list_page(url: str, list_url: str) -> bool:
    """Whether ``url`` is another page of the list at ``list_url`` (index_2.html, ?page=3, …)."""
    if not same_origin(url, list_url):
        return False
    a, b = urlsplit(url), urlsplit(list_url)
    if a.path == b.path:
        return _only_page_params_differ(a.query, b.query)
    return _same_list_file(PurePosixPath(a.path or "/"), b.path or "/")


def _only_page_params_differ(query: str, list_query: str) -> bool:
    mine, theirs = dict(parse_qsl(query)), dict(parse_qsl(list_query))
    differing = {key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)}
    return all(key.lower() in PAGE_PARAMS and mine.get(key, "0").isdigit() for key in differing)


def _same_list_file(path: PurePosixPath, list_path: str) -> bool:
    # "/xxgk/" lists are served as /xxgk/index.html and paged as /xxgk/index_1.html.
    directory, stem = (list_path, "index") if list_path.endswith("/") else _split_list_path(list_path)
    if str(path.parent).rstrip("/") != directory.rstrip("/"):
        return False
    base = re.sub(r"[_-]\d+$", "", stem)
    return re.fullmatch(rf"{re.escape(base)}([_-]\d+)?", path.stem, re.IGNORECASE) is not None


def _split_list_path(list_path: str) -> tuple[str, str]:
    pure = PurePosixPath(list_path)
    return str(pure.parent), pure.stem


def looks_like_detail(url: str, scope: Scope, pattern: re.Pattern[str] | None = None) -> bool:
    """A link in ``scope`` that is neither a section index nor an asset (and matches ``pattern``)."""
    if not scope.allows(url) or kind_of(url) in ASSET_EXTENSIONS or is_section_index(url):
        return False
    return pattern is None or pattern.search(url) is not None


def is_section_index(url: str) -> bool:
    """A site's or column's front page (/, /xxgk/, index_2.html), not a document.

    ``index.php?id=12`` is a document: a query naming more than a page number picks one out.
    """
    parts = urlsplit(url)
    if any(key.lower() not in PAGE_PARAMS for key, _ in parse_qsl(parts.query)):
        return False
    path = parts.path
    return path in ("", "/") or path.endswith("/") or LIST_STEM.match(PurePosixPath(path).stem) is not None


def is_next_link(text: str) -> bool:
    """Whether a link's text says it leads to the next page of a list (下一页, next, »)."""
    return text.strip().lower() in NEXT_TEXTS


def file_name(url: str) -> str:
    """The last segment of a URL's path (``a.pdf``, percent-escapes decoded), or the URL itself when its path has
    none; never raises (:func:`index.htmltext.file_name`)."""
    return path_name(url) or url
