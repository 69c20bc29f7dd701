"""Machine-readable documents for feed readers, crawlers and browsers: Atom, sitemap, OpenSearch, robots.txt.

Built with ElementTree so every document-supplied string is escaped by the serialiser.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
OPENSEARCH_TYPE = "application/opensearchdescription+xml; charset=utf-8"
# Disclosure dates carry no time zone; they are Beijing dates.
TIME_ZONE = "+08:00"
EPOCH = "1970-01-01T00:00:00Z"
_TAG = re.compile(r"<[^>]*>")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Feed:
    title: str
    feed_id: str  # absolute URL of the feed itself
    html_url: str  # the page the feed mirrors
    subtitle: str = ""


@dataclass
class ChangeEntry:
    """A change to a document (portal/changes.py) as an Atom entry: its own id, the version's URL, the UTC time."""

    entry_id: str
    title: str
    url: str
    updated: str  # ISO 8601 UTC (2026-12-06T15:30:00Z)
    publisher: str
    summary: str


def rfc3339(day: str, fallback: str = EPOCH) -> str:
    """``2018-04-10`` → ``2018-04-10T00:00:00+08:00``; ``2018`` and ``2018-04`` become the first day."""
    parts = day.split("-") if day else []
    if not parts or not parts[0].isdigit() or len(parts[0]) != 4:
        return fallback
    year, month, dom = (parts + ["01", "01"])[:3]
    return f"{year}-{month}-{dom}T00:00:00{TIME_ZONE}"


def plain_text(markup: str) -> str:
    """Highlight markup turned back into text (for feeds and meta descriptions)."""
    return html.unescape(_TAG.sub("", markup))


def xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text:
        element.text = xml_text(text)
    return element


def _entry(feed: ET.Element, item: Any, url: str) -> None:
    """One document: its publisher as author, its date (公开日期, else 成文日期), and as summary the search
    snippet or the document's abstract, after a line of its 文号 and 索引号."""
    entry = _sub(feed, "entry")
    _sub(entry, "title", item.title or "（无标题）")
    _sub(entry, "id", url)
    _sub(entry, "link", href=url, rel="alternate", type="text/html")
    _sub(entry, "updated", rfc3339(item.pub_date or item.written_date))
    if item.publisher:
        _sub(_sub(entry, "author"), "name", item.publisher)
    for category in item.categories:
        _sub(entry, "category", term=xml_text(category))
    abstract = plain_text(getattr(item, "snippet_html", "") or "") or item.abstract
    meta = " · ".join(part for part in (item.doc_no, item.index_no, item.validity) if part)
    _sub(entry, "summary", "\n".join(part for part in (meta, abstract) if part), type="text")


def _change_entry(feed: ET.Element, change: ChangeEntry) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "title", change.title)
    _sub(entry, "id", change.entry_id)
    _sub(entry, "link", href=change.url, rel="alternate", type="text/html")
    _sub(entry, "updated", change.updated or EPOCH)
    if change.publisher:
        _sub(_sub(entry, "author"), "name", change.publisher)
    _sub(entry, "summary", change.summary, type="text")


def atom_feed(feed: Feed, items: Iterable[Any], url_of: Any, changes: Iterable[ChangeEntry] = ()) -> bytes:
    """An Atom 1.0 feed of DocSummary/Hit ``items`` (``url_of(item)`` gives each absolute URL), then ``changes``
    to documents, each an entry of its own."""
    items, changes = list(items), list(changes)
    root = ET.Element("feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _sub(root, "title", feed.title)
    if feed.subtitle:
        _sub(root, "subtitle", feed.subtitle)
    _sub(root, "id", feed.feed_id)
    _sub(root, "link", href=feed.feed_id, rel="self", type="application/atom+xml")
    _sub(root, "link", href=feed.html_url, rel="alternate", type="text/html")
    dates = [rfc3339(item.pub_date or item.written_date) for item in items] + [c.updated for c in changes if c.updated]
    _sub(root, "updated", max(dates, key=_instant, default=EPOCH))
    _sub(_sub(root, "author"), "name", feed.title)
    for item in items:
        _entry(root, item, url_of(item))
    for change in changes:
        _change_entry(root, change)
    return _serialise(root)


def _instant(stamp: str) -> datetime:
    """An RFC 3339 time as an aware datetime, to compare times given in different zones."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def sitemap(entries: Iterable[tuple[str, str]]) -> bytes:
    """A sitemap of ``(absolute URL, ISO date or "")`` pairs."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, lastmod in entries:
        url = _sub(root, "url")
        _sub(url, "loc", loc)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod or ""):
            _sub(url, "lastmod", lastmod)
    return _serialise(root)


def sitemap_index(locations: Iterable[str]) -> bytes:
    """A sitemap index (sitemaps.org) listing the sitemaps at ``locations`` (absolute URLs)."""
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for loc in locations:
        _sub(_sub(root, "sitemap"), "loc", loc)
    return _serialise(root)


def opensearch(site_name: str, base: str) -> bytes:
    """An OpenSearch description so browsers can add the portal as a search engine."""
    root = ET.Element("OpenSearchDescription", {"xmlns": OPENSEARCH_NS})
    _sub(root, "ShortName", site_name[:16])
    _sub(root, "Description", f"{site_name}：按标题、正文、文号、索引号检索政府信息公开文件")
    _sub(root, "InputEncoding", "UTF-8")
    _sub(root, "Language", "zh-CN")
    _sub(root, "Url", type="text/html", method="get", template=f"{base}/search?q={{searchTerms}}")
    _sub(root, "Url", type="application/atom+xml", template=f"{base}/search.atom?q={{searchTerms}}")
    _sub(root, "Url", type="application/json", template=f"{base}/search.json?q={{searchTerms}}")
    _sub(root, "Url", type="application/opensearchdescription+xml", rel="self", template=f"{base}/opensearch.xml")
    _sub(root, "Image", f"{base}/static/icon.svg", height="64", width="64", type="image/svg+xml")
    return _serialise(root)


def robots(base: str) -> str:
    """Crawl the documents and browse pages, not the endless space of search results."""
    return "\n".join(
        (
            "User-agent: *",
            "Disallow: /search",
            "Disallow: /lookup",
            "Disallow: /display",
            "Allow: /",
            f"Sitemap: {base}/sitemap.xml",
            "",
        )
    )


def _serialise(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
