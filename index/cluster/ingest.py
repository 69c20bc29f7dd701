"""Distributed ingest into the cluster with Dask (``dask.distributed``): workers read, normalise and analyse;
the lead decides what to write; workers write each batch to the shards that own its documents.

1. The files under the given paths are split into slices of at most ``slice_records`` records (a JSON Lines
   file of 10,000 documents is 20 tasks, not one); a worker counts each file's records first.
2. ``analyse`` tasks read a slice (:func:`index.readers.read_file`), normalise each record
   (:func:`index.ingest.read_document`: limits, attachments) and make its row (:func:`.rows.to_row`: jieba and
   bigrams). The rows stay on the worker; the lead gathers only each document's version (id, content hash,
   公开日期, source) and the rejections.
3. The lead applies the Whoosh ingest's rules to the versions, in file and record order: a document seen twice
   is read once, an unchanged one is skipped, two different documents under one 索引号 are a conflict the later
   公开日期 (then the later path) wins, copies (same title and body) are marked. It compares against what the
   cluster already holds (read at the start), so a re-run writes only what changed.
4. ``write`` tasks take an ``analyse`` task's rows, keep those the lead chose and ``REPLACE INTO`` each into its
   shard on every replica (:mod:`.writer`).

A worker lost mid-batch loses nothing: Dask runs its tasks again elsewhere (an ``analyse`` result that lived
only on the lost worker is recomputed from its file slice), ``write`` tasks are retried, and a write is
idempotent (REPLACE by id), so a batch written twice is a batch written once. Without a Dask scheduler the same
tasks run in this process, one after another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import history, limits
from index.cluster.rows import stored_of, to_row
from index.cluster.sphinxql import Cluster, connect
from index.cluster.topology import Topology, doc_key
from index.cluster.writer import flush, split_by_shard, write_shard
from index.decoding import file_name
from index.ingest import (
    Conflict,
    DocWarning,
    Duplicate,
    IngestReport,
    Rejection,
    Version,
    existing,
    iter_files,
    read_document,
    under,
)
from index.limits import Limits
from index.readers import read_file
from index.record import ReadError
from index.schema import content_hash, dedup_key

SLICE_RECORDS = 500
WRITE_RETRIES = 5


@dataclass
class Meta:
    """What the lead needs of one analysed document to decide whether it is written."""

    doc_id: str
    version: Version
    dedup: str
    warnings: list = field(default_factory=list)
    observation: history.Observation | None = None  # what the history records of this reading


@dataclass
class Batch:
    """An ``analyse`` task's result: rows (in record order), their versions, rejections."""

    rows: list[dict]
    metas: list[Meta]
    rejected: list[Rejection]


def count_records(path: str, bounds: Limits) -> int:
    """How many items (records and read errors) :func:`index.readers.read_file` yields for a file."""
    return sum(1 for _ in read_file(Path(path), bounds))


def analyse(path: str, start: int, stop: int, bounds: Limits, userdict: str | None) -> Batch:
    """Read, normalise and analyse records ``start``–``stop`` of a file (see the module docstring)."""
    from index.analysis import fast_segmenter

    cut = fast_segmenter(userdict)
    report = IngestReport()
    rows, metas = [], []
    for position, item in enumerate(read_file(Path(path), bounds)):
        if position < start:
            continue
        if position >= stop:
            break
        if isinstance(item, ReadError):
            report.rejected.append(Rejection(item.source, item.locator, item.field, item.message))
            continue
        doc = read_document(item, bounds, report)
        if doc is None:
            continue
        digest = content_hash(doc)
        try:
            row = to_row(doc, digest, cut)
        except Exception as exc:  # whatever the analysis trips over costs this record only
            report.rejected.append(Rejection(doc.source, doc.locator, "", f"could not be indexed: {exc}"))
            continue
        source = str(Path(doc.source).resolve()) if doc.source else ""
        version = Version(digest, doc.pub_date, source, doc.locator, item.where)
        rows.append(row)
        metas.append(Meta(doc.id, version, dedup_key(doc), list(doc.warnings), history.observe(doc, item)))
    return Batch(rows, metas, report.rejected)


def versions(batch: Batch) -> tuple[list[Meta], list[Rejection]]:
    return batch.metas, batch.rejected


def write(batch: Batch, keep: list[int], dup_ids: set[str], topology: Topology) -> int:
    """Write the rows at positions ``keep`` of ``batch`` to their shards (every replica), marking copies."""
    rows = []
    for position in keep:
        row = dict(batch.rows[position])
        row["dup"] = 1 if row["doc_id"] in dup_ids else 0
        rows.append(row)
    return sum(write_shard(topology, shard, part) for shard, part in split_by_shard(topology, rows).items())


class _Here:
    """Runs tasks in this process, with the part of Dask's Client interface used here."""

    def submit(self, function, *args, pure: bool = True, retries: int = 0, **kwargs):
        return function(*args, **kwargs)

    def gather(self, futures):
        return futures


@dataclass
class _Incumbent:
    digest: str
    dedup: int
    source: str
    locator: str
    pub_date: str
    dup: int


class ClusterIngest:
    """The cluster ``topology`` as an :class:`index.query.protocols.IngestStore`: :func:`ingest_cluster`, through
    the Dask ``scheduler`` (an address) or ``workers`` local Dask workers where given, else in this process.
    ``rebuild`` writes in place (the cluster keeps no generations)."""

    def __init__(
        self,
        topology: Topology,
        scheduler: str | None = None,
        workers: int = 0,
        userdict: str | None = None,
        where: str = "",
        bounds: Limits | None = None,
        history_path: Path | None = None,
    ) -> None:
        self.topology, self.scheduler, self.workers, self.userdict = topology, scheduler, workers, userdict
        self.bounds, self.history_path = bounds, history_path
        self.where = where or f"集群 {topology}"
        self._client: Any = None

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        rebuild: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        if self._client is None and self.scheduler:
            from dask.distributed import Client

            self._client = Client(self.scheduler)
        elif self._client is None and self.workers:
            self._client = local_client(self.workers)
        return ingest_cluster(
            paths,
            self.topology,
            client=self._client,
            prune=prune,
            userdict=self.userdict,
            progress=progress,
            bounds=self.bounds,
            history_path=self.history_path,
        )

    def close(self) -> None:
        """Closes the Dask client, and the local workers it started."""
        client, self._client = self._client, None
        if client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and not self.scheduler:
                cluster.close()


def ingest_cluster(
    paths: Iterable[Path],
    topology: Topology,
    *,
    client=None,
    prune: bool = False,
    slice_records: int = SLICE_RECORDS,
    userdict: str | None = None,
    progress: Callable[[str], None] | None = None,
    bounds: Limits | None = None,
    history_path: Path | None = None,
) -> IngestReport:
    """Ingest every document under ``paths`` into the cluster (see the module docstring).

    Every document read is recorded in the history at ``history_path`` (:mod:`index.history`; none kept when
    None); with ``prune`` a document whose file is gone or no longer holds it is kept, marked 已撤下.

    ``client`` is a ``dask.distributed.Client`` (its workers must see ``paths`` at the same place, e.g. a shared
    file system); None runs the tasks in this process. Every task is held to ``bounds``, the limits read once here
    (None: from this process's environment, :func:`index.limits.current`), never to a worker's environment.
    Returns the Whoosh ingest's report. Raises FileNotFoundError for a path that does not exist,
    StoreUnavailable when the cluster does not answer.
    """
    paths = existing(paths)
    bounds = bounds or limits.current()
    runner = client or _Here()
    report = IngestReport()
    hist = history.History(history_path) if history_path is not None else None
    try:
        return _ingest(paths, topology, runner, bounds, report, hist, prune, slice_records, userdict, progress)
    finally:
        if hist is not None:
            hist.close()


def _ingest(paths, topology, runner, bounds, report, hist, prune, slice_records, userdict, progress) -> IngestReport:
    incumbents = _held(topology)
    files = [str(path.resolve()) for path in iter_files(paths)]
    report.files_read = len(files)
    counts = runner.gather([runner.submit(count_records, path, bounds, pure=False) for path in files])
    slices = [
        (path, start, min(start + slice_records, count))
        for path, count in zip(files, counts, strict=True)
        for start in range(0, count, slice_records)
    ]
    batches = [runner.submit(analyse, path, start, stop, bounds, userdict, pure=False) for path, start, stop in slices]
    gathered = runner.gather([runner.submit(versions, batch, pure=False) for batch in batches])
    keep: list[list[int]] = [[] for _ in batches]
    written: dict[str, Version] = {}
    chosen_at: dict[str, tuple[int, int]] = {}  # id → (batch, position) of the version to write
    seen: dict[str, str] = {}
    # Every file under ``paths`` is read again, so a document the cluster holds from one of them (or, with
    # ``prune``, from a file under them that is gone) competes with nothing: only this run's versions do.
    roots = [root.resolve() for root in paths]
    named = {file_name(path) for path in files}  # as documents name their source (RawRecord)
    rivals = {
        doc_id: held
        for doc_id, held in incumbents.items()
        if held.source not in named and not (prune and under(held.source, roots))
    }
    taken_down = hist.taken_down() if hist is not None else set()
    for number, (metas, rejected) in enumerate(gathered):
        report.rejected += rejected
        for position, meta in enumerate(metas):
            if progress:
                progress(meta.version.where)
            if meta.doc_id in taken_down:
                where = meta.version
                report.rejected.append(
                    Rejection(where.source, where.locator, "", f"{meta.doc_id} was taken down (portal takedown)")
                )
                continue
            _decide(meta, number, position, incumbents, rivals, written, chosen_at, seen, report)
            if hist is not None and meta.observation is not None and written.get(meta.doc_id) is meta.version:
                hist.apply(meta.observation)
        if hist is not None:
            hist.commit()
    for doc_id, (number, position) in chosen_at.items():
        keep[number].append(position)
        (report.updated if doc_id in incumbents else report.added).append(doc_id)
    dup_ids = _copies(incumbents, gathered, chosen_at)
    writes = [
        runner.submit(write, batch, sorted(positions), dup_ids, topology, pure=False, retries=WRITE_RETRIES)
        for batch, positions in zip(batches, keep, strict=True)
        if positions
    ]
    runner.gather(writes)
    _mark_copies(topology, incumbents, dup_ids, set(chosen_at))
    if prune:
        read = {meta.doc_id for metas, _ in gathered for meta in metas}  # conflicts' losers too
        gone = [
            doc_id
            for doc_id, held in incumbents.items()
            if doc_id not in read and doc_id not in chosen_at and held.source and under(held.source, roots)
        ]
        _withdraw(topology, gone, incumbents, hist, userdict, report)
    flush(topology)  # the commit: everything written is durable from here (writer.flush)
    return report


def _withdraw(topology: Topology, gone: list[str], incumbents, hist, userdict, report: IngestReport) -> None:
    """Keep documents whose source is gone, rewritten marked 已撤下 (from the history's latest version, else
    from what the cluster stores), never deleted; the history records the withdrawal."""
    from index.analysis import fast_segmenter
    from index.schema import from_stored

    cluster = Cluster(topology)
    rows = []
    try:
        for doc_id in sorted(gone):
            found = cluster.select(f"SELECT stored, source FROM {topology.index} WHERE id = %s", [doc_key(doc_id)]).rows
            if not found:
                continue
            stored = stored_of(found[0]["stored"])
            if stored.get("status") == history.WITHDRAWN:
                continue  # noticed by an earlier run
            latest = hist.version(doc_id) if hist is not None else None
            doc = latest.document if latest is not None else from_stored(stored)
            doc.status = history.WITHDRAWN
            rows.append(to_row(doc, content_hash(doc), fast_segmenter(userdict)))
            source = str(found[0]["source"] or "")
            if hist is not None:
                hist.withdraw(doc_id, "missing_from_export" if source and Path(source).is_file() else "file_gone")
            report.withdrawn.append(doc_id)
    finally:
        cluster.close()
    for row in rows:
        row["dup"] = incumbents[row["doc_id"]].dup if row["doc_id"] in incumbents else 0
    for shard, part in split_by_shard(topology, rows).items():
        write_shard(topology, shard, part)
    if hist is not None:
        hist.commit()


def _decide(meta: Meta, number, position, incumbents, rivals, written, chosen_at, seen, report) -> None:
    """The Whoosh ingest's rules (index.whoosh.ingest._ingest_file) for one version, in file and record order; only
    ``rivals`` of what the cluster holds compete with it."""
    version, doc_id = meta.version, meta.doc_id
    incumbent = written.get(doc_id)
    rival = rivals.get(doc_id)
    if incumbent is None and rival is not None:
        incumbent = Version(
            rival.digest, rival.pub_date, rival.source, rival.locator, f"{rival.source} {rival.locator}"
        )
    if incumbent and incumbent.digest == version.digest and doc_id in seen:
        report.duplicates.append(Duplicate(doc_id, version.where, doc_id, seen[doc_id]))
        return
    rereading = incumbent and incumbent.source == version.source and doc_id not in seen
    if incumbent and incumbent.digest != version.digest and not rereading:
        winner, loser = (version, incumbent) if version.wins_over(incumbent) else (incumbent, version)
        report.conflicts.append(Conflict(doc_id, winner.where, winner.pub_date, loser.where, loser.pub_date))
        if winner is incumbent:
            return
    seen[doc_id] = version.where
    written[doc_id] = version
    report.warnings += [DocWarning(doc_id, version.where, finding) for finding in meta.warnings]
    held = incumbents.get(doc_id)
    if held is not None and held.digest == version.digest and held.source == version.source:
        report.unchanged += 1
        chosen_at.pop(doc_id, None)
        return
    chosen_at[doc_id] = (number, position)


def _held(topology: Topology) -> dict[str, _Incumbent]:
    """What the cluster holds: id → its content hash, copy group, source and 公开日期 (read a page at a time)."""
    cluster = Cluster(topology)
    found: dict[str, _Incumbent] = {}
    last = 0
    try:
        while True:
            rows = cluster.select(
                f"SELECT id, doc_id, content_hash, dedup, source, locator, pub_date, dup FROM {topology.index} "
                "WHERE id > %s ORDER BY id ASC LIMIT 1000 OPTION max_matches=1000",
                [last],
            ).rows
            for row in rows:
                found[row["doc_id"]] = _Incumbent(
                    row["content_hash"], row["dedup"], row["source"], row["locator"], row["pub_date"], row["dup"]
                )
            if len(rows) < 1000:
                return found
            last = rows[-1]["id"]
    finally:
        cluster.close()


def _copies(incumbents: dict[str, _Incumbent], gathered, chosen_at) -> set[str]:
    """Ids of documents sharing their copy group (same title and body) with another, after this run."""
    from index.cluster.topology import value_key

    group_of = {doc_id: held.dedup for doc_id, held in incumbents.items()}
    for number, (metas, _) in enumerate(gathered):
        for position, meta in enumerate(metas):
            if chosen_at.get(meta.doc_id) == (number, position):
                group_of[meta.doc_id] = value_key("dedup", meta.dedup) if meta.dedup else value_key("id", meta.doc_id)
    members: dict[int, list[str]] = defaultdict(list)
    for doc_id, group in group_of.items():
        members[group].append(doc_id)
    return {doc_id for ids in members.values() if len(ids) > 1 for doc_id in ids}


def _mark_copies(topology: Topology, incumbents: dict[str, _Incumbent], dup_ids: set[str], rewritten: set[str]):
    """Set ``dup`` on documents this run did not rewrite whose copy group gained or lost a member."""
    changes: dict[tuple[int, int], list[int]] = defaultdict(list)  # (shard, value) → ids
    for doc_id, held in incumbents.items():
        wanted = 1 if doc_id in dup_ids else 0
        if doc_id not in rewritten and held.dup != wanted:
            changes[(topology.owner(doc_id), wanted)].append(doc_key(doc_id))
    for (shard, value), keys in changes.items():
        for address in topology.shards[shard]:
            connection = connect(address)
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {topology.shard_index(shard)} SET dup = {value} "
                        f"WHERE id IN ({', '.join(['%s'] * len(keys))})",
                        keys,
                    )
            finally:
                connection.close()


def local_client(workers: int = 2):
    """A Dask cluster of ``workers`` processes on loopback, and its client (close both when done)."""
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    )
    return Client(cluster)
