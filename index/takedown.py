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
from index.query.protocols import IngestStore


class UnknownDocument(LookupError):
    """Neither the store nor the history holds the id given."""


def take_down(doc_id: str, reason: str, *, store: IngestStore, history_path: Path) -> Takedown:
    """Remove ``doc_id`` from ``store`` (:meth:`index.query.protocols.IngestStore.remove`) and from the history at
    ``history_path``, and log it with ``reason``. Raises ValueError for an empty reason, UnknownDocument when
    nothing holds the id, a StoreError where the store cannot be written (generations.IndexBusy when an ingest
    holds the Whoosh index)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a takedown needs a reason (--reason)")
    with store.lock(), history.History(history_path) as hist:
        held = store.remove(doc_id)
        logged = hist.takedown(doc_id, reason)
        if logged is None:
            if not held:
                raise UnknownDocument(f"no document {doc_id!r} in the store or the history")
            logged = hist.log_takedown(doc_id, reason, title=held)
        return logged
