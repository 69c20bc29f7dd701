"""A legal takedown: an operator removes one document from the store and from its history, and the removal is
logged (what, when, why) in the history's ``takedowns`` table (:meth:`index.history.History.takedown`).

This is the only way a document leaves the portal: a document whose source is gone is kept, marked 已撤下
(:mod:`index.history`). Later ingests skip a taken-down id (each such record is a rejection saying so), so a
file that still holds it does not bring it back.
"""

from __future__ import annotations

from pathlib import Path

from index import history
from index.history import Takedown
from index.whoosh import generations


class UnknownDocument(LookupError):
    """Neither the store nor the history holds the id given."""


def take_down(
    doc_id: str,
    reason: str,
    *,
    index_dir: Path,
    history_path: Path,
    topology=None,
    lock_timeout: float = 30.0,
) -> Takedown:
    """Remove ``doc_id`` from the Whoosh index at ``index_dir`` (or, with ``topology``, from the cluster) and
    from the history at ``history_path``, and log it with ``reason``. Raises ValueError for an empty reason,
    UnknownDocument when nothing holds the id, generations.IndexBusy when an ingest holds the index."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a takedown needs a reason (--reason)")
    with generations.ingest_lock(index_dir, lock_timeout), history.History(history_path) as hist:
        held = _remove_from_cluster(topology, doc_id) if topology is not None else _remove_from_index(index_dir, doc_id)
        logged = hist.takedown(doc_id, reason)
        if logged is None:
            if not held:
                raise UnknownDocument(f"no document {doc_id!r} in the store or the history")
            logged = hist.log_takedown(doc_id, reason, title=held)
        return logged


def _remove_from_index(index_dir: Path, doc_id: str) -> str:
    """Delete ``doc_id`` from the live Whoosh index; its title, or '' when the index does not hold it."""
    from index.whoosh.ingest import _prepare_search
    from index.whoosh.writer import BulkWriter

    if generations.current_generation(index_dir) is None:
        return ""
    ix = generations.open_current(index_dir)
    with ix.searcher() as searcher:
        stored = searcher.document(id=doc_id)
    if stored is None:
        return ""
    with BulkWriter(ix) as writer:
        writer.delete_by_term("id", doc_id)
    _prepare_search(index_dir)
    return str(stored.get("title") or doc_id)


def _remove_from_cluster(topology, doc_id: str) -> str:
    from index.cluster.catalog import ClusterCatalog
    from index.cluster.writer import delete_ids, flush

    catalog = ClusterCatalog(topology)
    try:
        doc = catalog.get(doc_id)
    finally:
        catalog.close()
    if doc is None:
        return ""
    delete_ids(topology, [doc_id])
    flush(topology)
    return doc.title or doc_id
