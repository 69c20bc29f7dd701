"""Which store the settings name (``PORTAL_STORE``), opened to read or to write: what the server and the command line
share. Kept apart from the web application, so a search from the shell imports no web framework."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.settings import Settings

if TYPE_CHECKING:
    from index.query.protocols import IngestStore, SearchStore


def catalog_for(settings: Settings, check: str = "open") -> SearchStore:
    """The store ``PORTAL_STORE`` names: the Whoosh index at ``PORTAL_INDEX_DIR``, or the cluster of
    ``PORTAL_MANTICORE`` (index/cluster/), both behind the same read API (index/query/protocols.py). ``check``: when
    the Whoosh index's files are checked against their checksums, all at open (``"open"``), each block
    before its first read (``"read"``, a command that reads a little and ends), or both, the whole files hashed by a
    thread beside the start-up (``"behind"``, a server: portal.app.open_catalog); index.whoosh.catalog.Catalog."""
    if settings.store == "manticore":
        from index.cluster.catalog import ClusterCatalog
        from index.cluster.topology import parse_topology

        return ClusterCatalog(
            parse_topology(settings.manticore), synonyms=settings.synonyms, userdict=str(settings.userdict)
        )
    from index.whoosh.catalog import Catalog

    return Catalog(settings.index_dir, synonyms=settings.synonyms, check=check)


def ingest_store_for(settings: Settings, scheduler: str | None = None, workers: int = 0) -> IngestStore:
    """The store ``PORTAL_STORE`` names, to write: the Whoosh index at ``PORTAL_INDEX_DIR`` (built with the
    analyzer of ``PORTAL_USERDICT``), or the cluster of ``PORTAL_MANTICORE``, ingested through the Dask
    ``scheduler`` or ``workers`` local Dask workers where given; both behind one write API
    (index/query/protocols.py), which the one ingest pipeline (index/pipeline.py) and a takedown ask."""
    if settings.store == "manticore":
        from index.cluster.ingest import ClusterIngest
        from index.cluster.topology import parse_topology

        return ClusterIngest(
            parse_topology(settings.manticore),
            scheduler=scheduler,
            workers=workers,
            userdict=str(settings.userdict),
            where=f"集群 {settings.manticore}",
        )
    from index.analysis import ChineseAnalyzer
    from index.whoosh.ingest import WhooshIngest

    return WhooshIngest(settings.index_dir, settings.lock_timeout, ChineseAnalyzer(str(settings.userdict)))
