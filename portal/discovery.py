"""Endpoints for feed readers, crawlers and browsers: Atom feeds, sitemap, OpenSearch, robots.txt."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from index.query.request import PER_PAGE_MAX
from portal import changes, feeds
from portal.links import base_url, bounded, browse_path, doc_path
from portal.pages import search_page
from portal.versions import history_of
from portal.views import catalog_of, parsed_search, settings_of

FEED_SIZE = 20


def _base(request: Request) -> str:
    return base_url(request, settings_of(request).base_url)


def _doc_url(request: Request) -> Any:
    base = _base(request)
    return lambda item: base + doc_path(item.id)


def search_atom(request: Request) -> Response:
    """``/search.atom?…``: the newest documents a search finds, newest first whatever ``sort`` says (a
    subscription is for what is new; a relevance feed would miss new documents that rank low).

    With ``changes=1``, also the latest changes (new version, withdrawal, restoration: portal/changes.py) of the
    CHANGES_WATCHED newest documents the search finds, each an entry of its own.
    """
    parsed = parsed_search(request)
    parsed = replace(parsed, request=replace(parsed.request, sort="newest", page=1))
    page = search_page(catalog_of(request), parsed)
    base, site_name = _base(request), settings_of(request).site_name
    title = f"{site_name}：{parsed.request.q or page.heading or '全部文件'}"
    watch = request.query_params.get("changes") == "1"
    feed_path = page.links.feed()
    if watch:
        feed_path += ("&" if "?" in feed_path else "?") + "changes=1"
    total = f"共 {page.result.total} 条"
    feed = feeds.Feed(title, base + bounded(feed_path), base + bounded(page.links.html()), total)
    changed = _watched_changes(request, parsed, base) if watch else []
    body = feeds.atom_feed(feed, page.result.hits, _doc_url(request), changes=changed)
    return Response(body, media_type=feeds.ATOM_TYPE)


CHANGES_WATCHED = PER_PAGE_MAX  # documents of a saved search whose changes its feed carries (the newest found)


def _watched_changes(request: Request, parsed, base: str) -> list[feeds.ChangeEntry]:
    """The latest changes of the newest documents the search finds, newest first, at most FEED_SIZE."""
    wide = replace(parsed, request=replace(parsed.request, per_page=CHANGES_WATCHED))
    found = catalog_of(request).search(wide.request)
    items = changes.changes_of(history_of(request), [hit.id for hit in found.hits])[:FEED_SIZE]
    return changes.feed_changes(items, base)


def latest_atom(request: Request) -> Response:
    """``/feed.atom``: the newest documents."""
    base, site_name = _base(request), settings_of(request).site_name
    feed = feeds.Feed(f"{site_name}：最新公开", base + "/feed.atom", base + "/")
    items = catalog_of(request).latest(FEED_SIZE)
    return Response(feeds.atom_feed(feed, items, _doc_url(request)), media_type=feeds.ATOM_TYPE)


# sitemaps.org: a sitemap lists at most 50,000 URLs; more are split into sitemaps listed by a sitemap index.
SITEMAP_URLS = 50_000


@dataclass
class _Sitemaps:
    """The sitemap's entries for one state of the index and one base URL, and the parts drawn from them."""

    key: tuple[object, ...]
    entries: list[tuple[str, str]]
    drawn: dict[int, bytes] = field(default_factory=dict)  # part (0: the whole, or the index) → XML


_SITEMAP_LOCK = threading.Lock()


def _sitemaps(request: Request) -> _Sitemaps:
    """The sitemap of the index as it is now, built once per commit (and base URL, and split size)."""
    catalog, base = catalog_of(request), _base(request)
    stats = catalog.stats()
    key = (id(catalog), stats.get("generation"), stats.get("last_commit"), stats.get("documents"), base, SITEMAP_URLS)
    with _SITEMAP_LOCK:
        cached = getattr(request.app.state, "sitemaps", None)
        if cached is not None and cached.key == key:
            return cached
    entries = [(base + "/", ""), (base + "/browse", "")]
    for facet, values in catalog.facet_counts().items():
        entries += [(base + browse_path(facet, value.value), "") for value in values]
    entries += [(base + doc_path(doc_id), date) for doc_id, date in catalog.document_dates()]
    built = _Sitemaps(key, entries)
    with _SITEMAP_LOCK:
        request.app.state.sitemaps = built
    return built


def _sitemap_part(sitemaps: _Sitemaps, part: int, base: str) -> bytes:
    drawn = sitemaps.drawn.get(part)
    if drawn is None:
        entries = sitemaps.entries
        if part == 0 and len(entries) <= SITEMAP_URLS:
            drawn = feeds.sitemap(entries)
        elif part == 0:
            parts = -(-len(entries) // SITEMAP_URLS)
            drawn = feeds.sitemap_index(f"{base}/sitemap-{n}.xml" for n in range(1, parts + 1))
        else:
            drawn = feeds.sitemap(entries[(part - 1) * SITEMAP_URLS : part * SITEMAP_URLS])
        sitemaps.drawn[part] = drawn
    return drawn


def sitemap(request: Request) -> Response:
    """``/sitemap.xml``: home, browse pages and every document; past SITEMAP_URLS, an index of
    ``/sitemap-N.xml`` parts. Drawn once per commit of the index."""
    return Response(_sitemap_part(_sitemaps(request), 0, _base(request)), media_type="application/xml")


def sitemap_part(request: Request) -> Response:
    """``/sitemap-N.xml``: the N-th SITEMAP_URLS entries of the sitemap, when it is split; 404 otherwise."""
    sitemaps, part = _sitemaps(request), request.path_params["part"]
    if len(sitemaps.entries) <= SITEMAP_URLS or not 1 <= part <= -(-len(sitemaps.entries) // SITEMAP_URLS):
        raise HTTPException(404, "没有这一部分站点地图。")
    return Response(_sitemap_part(sitemaps, part, _base(request)), media_type="application/xml")


def opensearch(request: Request) -> Response:
    return Response(feeds.opensearch(settings_of(request).site_name, _base(request)), media_type=feeds.OPENSEARCH_TYPE)


def robots(request: Request) -> Response:
    return PlainTextResponse(feeds.robots(_base(request)))


def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG."""
    return RedirectResponse("/static/icon.svg", status_code=301)
