"""What a fetched page or sitemap links to: its anchors, its attachments, a sitemap's locations.

Pages are decoded and attachments found by the HTML reader's own functions, so the crawler and the
reader agree on what a page says and which URLs are its attachments.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from index.crawl.urls import absolute_url
from index.htmltext import attachment_links, decode_html, parse_tree
from index.record import ReadError

MB = 1024 * 1024
MAX_SITEMAP_BYTES = 50 * MB  # the sitemap protocol's own limit for one uncompressed file
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Anchor:
    url: str
    text: str


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header names, lower-cased, or None."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1).lower() if match else None


def page_anchors(body: bytes, base_url: str, encoding: str | None = None) -> list[Anchor]:
    """Every <a href> to a web page, made absolute (honouring <base href>), with its text."""
    try:
        doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", decode_html(body, encoding)))
    except (lxml.etree.ParserError, ValueError):
        return []
    base = _base(doc, base_url)
    anchors = []
    for element in doc.iter("a"):
        url = absolute_url(base, element.get("href") or "")
        if url:
            # lxml-stubs types iter() as giving _Element; a document lxml.html parsed gives HtmlElement
            content = element.text_content()  # type: ignore[attr-defined]
            text = " ".join(content.split()) or (element.get("title") or "").strip()
            anchors.append(Anchor(url, text))
    return anchors


def attachment_anchors(body: bytes, base_url: str, encoding: str | None = None) -> list[Anchor]:
    """The page's attachment links, found as the HTML reader finds them (so the two agree on URLs)."""
    try:
        root = parse_tree(decode_html(body, encoding), base_url)
    except ReadError:
        return []
    base = _base(root, base_url)
    found = ((absolute_url(base, link["url"]), link["name"]) for link in attachment_links(root, base))
    return [Anchor(url, name) for url, name in found if url]


def _base(root: lxml.html.HtmlElement, page_url: str) -> str:
    bases = root.xpath("//base/@href")
    return urljoin(page_url, bases[0].strip()) if bases else page_url


def sitemap_locations(body: bytes) -> tuple[str, list[str]] | None:
    """("urlset" | "sitemapindex", the <loc> URLs), or None when ``body`` is not a sitemap (sitemaps.org 0.9)."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith(b"<"):
        return None
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return None
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return None
    return kind, [loc.text.strip() for loc in root.iter("{*}loc") if loc.text and loc.text.strip()]


def _gunzip(body: bytes) -> bytes:
    # Bounded, so a gzip bomb cannot fill memory.
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""
