"""The Starlette application: routes, middleware, error handlers, and a lifespan that opens the index once.

Every route is GET (HEAD comes with it): the portal only reads the index.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from index.cluster.sphinxql import StoreUnavailable
from index.history import History
from index.query.protocols import SearchStore, StoreError
from index.whoosh.generations import DamagedIndex, NoIndex
from portal import bulkdata, changes, discovery, versions, views
from portal.disconnect import CancelOnDisconnect
from portal.errors import (
    ErrorPageMiddleware,
    damaged_index,
    error_response,
    http_exception,
    no_index,
    server_error,
)
from portal.lanes import Lanes, fast_lanes, in_lane
from portal.openapi import openapi
from portal.origin import PublicOriginMiddleware
from portal.pagecache import MAX_BYTES, PageCache
from portal.preferences import display
from portal.querylog import QueryLog
from portal.security import SecurityHeadersMiddleware
from portal.settings import Settings, load_settings
from portal.stores import catalog_for
from portal.templating import STATIC_DIR, make_templates

log = logging.getLogger(__name__)


def _get(path: str, endpoint: Callable, name: str | None = None) -> Route:
    """A GET route; a sync view computes through the server's fast lane (portal/lanes.py)."""
    return Route(
        path, endpoint if inspect.iscoroutinefunction(endpoint) else in_lane(endpoint), methods=["GET"], name=name
    )


def routes() -> list[BaseRoute]:
    # JSON twins come before their page: "/doc/{doc_id:path}" would otherwise swallow ".json".
    return [
        _get("/", views.home, "home"),
        _get("/index.json", views.home_json),
        _get("/search", views.search, "search"),
        _get("/search.json", views.search_json),
        _get("/search.atom", discovery.search_atom),
        _get("/suggest.json", views.suggest_json),
        _get("/advanced", views.advanced, "advanced"),
        _get("/advanced.json", views.advanced_json),
        _get("/stats", views.stats, "stats"),
        _get("/stats.json", views.stats_json),
        _get("/lookup", views.lookup, "lookup"),
        _get("/lookup.json", views.lookup_json),
        # 引用本文 downloads (portal/citation.py) first: "{doc_id:path}.bib" would take "<id>/v/1" as an id, and
        # ".json" routes "<id>.csl" or a version "1.csl"
        _get("/doc/{doc_id:path}/v/{n}.csl.json", views.doc_csl),
        _get("/doc/{doc_id:path}/v/{n}.bib", views.doc_bibtex),
        _get("/doc/{doc_id:path}.csl.json", views.doc_csl),
        _get("/doc/{doc_id:path}.bib", views.doc_bibtex),
        # A document's versions, diffs and raw pages (portal/versions.py): before "/doc/{doc_id:path}".
        _get("/doc/{doc_id:path}/changes.atom", changes.document_atom),
        _get("/doc/{doc_id:path}/v/{n}.json", versions.version_json),
        _get("/doc/{doc_id:path}/v/{n}", versions.version_page, "version"),
        _get("/doc/{doc_id:path}/diff.json", versions.diff_json),
        _get("/doc/{doc_id:path}/diff", versions.diff_page, "diff"),
        _get("/doc/{doc_id:path}/raw/{sha256}", versions.raw_page),
        _get("/doc/{doc_id:path}.json", views.doc_json),
        _get("/doc/{doc_id:path}", views.doc, "doc"),
        _get("/browse", views.browse_index, "browse"),
        _get("/browse.json", views.browse_index_json),
        # a facet and no value: its list on /browse (before the routes below, which take an empty value)
        _get("/browse/category/{dimension}", views.browse_facet_list),
        _get("/browse/category/{dimension}/", views.browse_facet_list),
        _get("/browse/{facet}", views.browse_facet_list),
        _get("/browse/{facet}/", views.browse_facet_list),
        _get("/browse/category/{dimension}/{value:path}.json", views.browse_json),
        _get("/browse/category/{dimension}/{value:path}", views.browse),
        _get("/browse/year/{year}.json", views.browse_json),
        _get("/browse/year/{year}", views.browse),
        # publisher, validity, kind (views.BROWSE_FACETS); after the two above, which it would also match
        _get("/browse/{facet}/{value:path}.json", views.browse_json),
        _get("/browse/{facet}/{value:path}", views.browse),
        _get("/changes", changes.changes_page, "changes"),
        _get("/changes.json", changes.changes_json),
        _get("/changes.atom", changes.changes_atom),
        _get("/data", bulkdata.data_page, "data"),
        _get("/data.json", bulkdata.data_json),
        _get("/data/{snapshot}/{file}", bulkdata.data_file),
        _get("/feed.atom", discovery.latest_atom),
        _get("/sitemap.xml", discovery.sitemap),
        _get("/sitemap-{part:int}.xml", discovery.sitemap_part),
        _get("/opensearch.xml", discovery.opensearch),
        _get("/robots.txt", discovery.robots),
        _get("/openapi.json", openapi),
        _get("/favicon.ico", discovery.favicon),
        _get("/display", display),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def open_catalog(settings: Settings) -> SearchStore:
    """The store, opened and its segmenter loaded now rather than on the first request.

    A missing index or a cluster that does not answer does not stop the server: pages answer 503 until
    ``portal ingest`` has run or the cluster is back.
    """
    catalog = catalog_for(settings, check="behind")
    try:
        catalog.warm()
    except DamagedIndex as exc:  # pages answer 503 until the index is rebuilt
        log.error("%s", exc)
    except StoreError as exc:  # no index yet, or the cluster does not answer
        log.warning("%s", exc)
    return catalog


CLUSTER_DOWN = "检索服务暂时不可用：检索集群没有应答，请稍后再试。"


def store_unavailable(request, exc: Exception):
    """The cluster does not answer (every node of a shard down): 503, and the page says to try again."""
    log.warning("%s", exc)
    return error_response(request, 503, CLUSTER_DOWN)


def create_app(
    settings: Settings | None = None,
    catalog_factory: Callable[[Settings], SearchStore] = open_catalog,
    processes: int = 1,
) -> Starlette:
    """The portal; ``catalog_factory`` opens the index for each server run (the benchmarks pass another);
    ``processes``: how many server processes share the machine's cores (``portal serve``'s PORTAL_WORKERS, each
    running its own app), for the fast lanes of each (portal/lanes.py)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, object]]:
        # Lifespan state: each server (or TestClient) run gets its own catalog as request.state.catalog, and
        # its own query log (counts held in memory are written when it stops).
        # The views are sync and run on anyio's worker threads, as many at a time as there are cores until one is
        # slow (portal/lanes.py): a search is CPU work holding the GIL most of the time, so more threads than
        # cores only contend for it (on this 2-core machine, 8 clients on the corpus index got 45 searches/s with 40
        # threads and 70 with 2, p99 614 → 187 ms; on 100,000 documents 14 and 19, p99 2.6 → 0.8 s, peak memory
        # 527 → 345 MB: python -m bench.web). PORTAL_THREADS caps the slow searches computing at once.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        catalog = catalog_factory(settings)
        querylog = QueryLog.from_settings(settings, processes)
        try:
            yield {"catalog": catalog, "querylog": querylog, "lanes": Lanes(fast_lanes(settings.threads, processes))}
        finally:
            querylog.flush()
            catalog.close()

    app = Starlette(
        routes=routes(),
        # Outermost first: the public origin is fixed before anything reads the request's URL, security headers
        # go on every response, and an unexpected exception becomes the error page inside them.
        middleware=[
            Middleware(CancelOnDisconnect),  # a request whose client has gone is dropped (portal/disconnect.py)
            Middleware(PublicOriginMiddleware, settings=settings),
            Middleware(SecurityHeadersMiddleware),
            Middleware(ErrorPageMiddleware),
        ],
        exception_handlers={
            HTTPException: http_exception,
            NoIndex: no_index,
            DamagedIndex: damaged_index,
            StoreUnavailable: store_unavailable,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    # The history of every document (index/history.py), read-only; a missing file reads as empty.
    app.state.history = History(settings.history_path, readonly=True)
    app.state.templates = make_templates(settings)
    app.state.page_cache = PageCache(MAX_BYTES // max(1, processes))  # the bound is for the server in all
    return app
