"""Endpoints for feed readers, crawlers and browsers: Atom feeds, sitemap, OpenSearch, robots.txt."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from portal import feeds
from portal.links import base_url, bounded, browse_path, doc_path
from portal.pages import search_page
from portal.views import catalog_of, parsed_search, settings_of

FEED_SIZE = 20


def _base(request: Request) -> str:
    return base_url(request, settings_of(request).base_url)


def _doc_url(request: Request) -> Any:
    base = _base(request)
    return lambda item: base + doc_path(item.id)


def search_atom(request: Request) -> Response:
    """``/search.atom?…``: the newest documents a search finds, newest first whatever ``sort`` says (a
    subscription is for what is new; a relevance feed would miss new documents that rank low)."""
    parsed = parsed_search(request)
    parsed = replace(parsed, request=replace(parsed.request, sort="newest", page=1))
    page = search_page(catalog_of(request), parsed)
    base, site_name = _base(request), settings_of(request).site_name
    title = f"{site_name}：{parsed.request.q or page.heading or '全部文件'}"
    feed = feeds.Feed(
        title, base + bounded(page.links.feed()), base + bounded(page.links.html()), f"共 {page.result.total} 条"
    )
    return Response(feeds.atom_feed(feed, page.result.hits, _doc_url(request)), media_type=feeds.ATOM_TYPE)


def latest_atom(request: Request) -> Response:
    """``/feed.atom``: the newest documents."""
    base, site_name = _base(request), settings_of(request).site_name
    feed = feeds.Feed(f"{site_name}：最新公开", base + "/feed.atom", base + "/")
    items = catalog_of(request).latest(FEED_SIZE)
    return Response(feeds.atom_feed(feed, items, _doc_url(request)), media_type=feeds.ATOM_TYPE)


def sitemap(request: Request) -> Response:
    """``/sitemap.xml``: home, browse pages and every document."""
    catalog, base = catalog_of(request), _base(request)
    entries = [(base + "/", ""), (base + "/browse", "")]
    for key, values in catalog.facet_counts().items():
        entries += [(base + browse_path(key, value.value), "") for value in values]
    entries += [(base + doc_path(doc_id), date) for doc_id, date in catalog.document_dates()]  # copies once
    return Response(feeds.sitemap(entries), media_type="application/xml")


def opensearch(request: Request) -> Response:
    return Response(feeds.opensearch(settings_of(request).site_name, _base(request)), media_type=feeds.OPENSEARCH_TYPE)


def robots(request: Request) -> Response:
    return PlainTextResponse(feeds.robots(_base(request)))


def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG."""
    return RedirectResponse("/static/icon.svg", status_code=301)
