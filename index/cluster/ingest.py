"""Distributed ingest into the cluster with Dask (``dask.distributed``): the cluster's answers to the write
questions of the one ingest pipeline (:class:`index.query.protocols.StoreWriter`, asked by :mod:`index.pipeline`,
which keeps the rules), with the reading done on Dask workers.

1. The files under the given paths are split into slices of at most ``slice_records`` records (a JSON Lines
   file of 10,000 documents is 20 tasks, not one); a worker counts each file's records first.
2. ``analyse`` tasks read a slice (:func:`index.ingest.read_records`: limits, normalising, attachments) and make
   each document's row (:func:`.rows.to_row`: jieba and bigrams). The rows stay on the worker; the lead gathers
   only each document's reading (id, content hash, 公开日期, source, and what the history records) and the
   rejections, and the pipeline decides on them in file and record order.
3. At a commit ``write`` tasks take an ``analyse`` task's rows, keep those the pipeline chose and ``REPLACE
   INTO`` each into its shard on every replica (:mod:`.writer`); documents the pipeline hands over itself (a
   version read again, a document kept 已撤下) are made rows by the lead. Copies (same title and body) are
   marked, then every shard is flushed.

The cluster keeps no record of the files it read, so every file under the paths is read again: its files record
is what it holds (:meth:`_ClusterWriter.files_record`), and a re-run writes only what changed (but for an id one
file holds twice with different contents: a file read again writes its first record, then the winner; see
:mod:`index.pipeline`). A worker lost
mid-batch loses nothing: Dask runs its tasks again elsewhere (an ``analyse`` result that lived only on the lost
worker is recomputed from its file slice), ``write`` tasks are retried, and a write is idempotent (REPLACE by
id), so a batch written twice is a batch written once. Without a Dask scheduler the same tasks run in this
process, one after another.
"""

from __future__ import annotations

import contextlib
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index import history, pipeline
from index.cluster.rows import stored_of, to_row
from index.cluster.sphinxql import Cluster, connect
from index.cluster.topology import Topology, doc_key, value_key
from index.cluster.writer import delete_ids, flush, split_by_shard, write_shard
from index.decoding import file_name
from index.ingest import Held, IngestReport, Known, Reading, Rejection, per_record, read_records, resolved
from index.limits import Limits
from index.query.protocols import Unwritable
from index.readers import read_file

SLICE_RECORDS = 500
WRITE_RETRIES = 5


@dataclass
class Batch:
    """An ``analyse`` task's result: rows (in record order), their readings (without the documents), rejections."""

    rows: list[dict]
    readings: list[Reading]
    rejected: list[Rejection]


def count_records(path: str, bounds: Limits) -> int:
    """How many items (records and read errors) :func:`index.readers.read_file` yields for a file."""
    return sum(1 for _ in read_file(Path(path), bounds))


def analyse(path: str, start: int, stop: int, bounds: Limits, userdict: str | None) -> Batch:
    """Read, normalise and analyse records ``start``–``stop`` of a file (see the module docstring)."""
    from index.analysis import fast_segmenter

    cut = fast_segmenter(userdict)
    batch = Batch([], [], [])
    for item in read_records(Path(path), bounds, start, stop):
        if isinstance(item, Rejection):
            batch.rejected.append(item)
            continue
        assert item.doc is not None
        try:  # whatever the analysis trips over costs this record only (per_record)
            row = per_record(functools.partial(to_row, digest=item.version.digest, cut=cut), item.doc)
            item.observed()
        except Unwritable as exc:
            rejection = Rejection(item.source, item.version.locator, exc.field, f"could not be indexed: {exc}")
            batch.rejected.append(rejection)
            continue
        item.doc = item.record = None  # the lead needs the version; the row stays here
        batch.rows.append(row)
        batch.readings.append(item)
    return batch


def readings(batch: Batch) -> tuple[list[Reading], list[Rejection]]:
    return batch.readings, batch.rejected


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
    status: str = ""


class ClusterIngest:
    """The cluster ``topology`` as an :class:`index.query.protocols.IngestStore`, through ``client`` (a Dask
    client), else the Dask ``scheduler`` (an address) or ``workers`` local Dask workers where given, else in this
    process; ``userdict`` is the jieba dictionary rows are analysed with. A rebuild writes in place (the cluster
    keeps no generations)."""

    def __init__(
        self,
        topology: Topology,
        scheduler: str | None = None,
        workers: int = 0,
        userdict: str | None = None,
        where: str = "",
        *,
        client: Any = None,
        slice_records: int = SLICE_RECORDS,
    ) -> None:
        self.topology, self.scheduler, self.workers, self.userdict = topology, scheduler, workers, userdict
        self.slice_records = slice_records
        self.where = where or f"集群 {topology}"
        self._client: Any = client
        self._own_client = client is None

    @contextlib.contextmanager
    def writing(self, *, rebuild: bool = False) -> Iterator[_ClusterWriter]:
        if self._client is None and self.scheduler:
            from dask.distributed import Client

            self._client = Client(self.scheduler)
        elif self._client is None and self.workers:
            self._client = local_client(self.workers)
        writer = _ClusterWriter(self.topology, self._client or _Here(), self.userdict, self.slice_records)
        try:
            yield writer
        finally:
            writer.close()

    def lock(self) -> contextlib.AbstractContextManager[object]:
        """None: the cluster's writes are idempotent REPLACEs, and an ingest takes no lock either."""
        return contextlib.nullcontext()

    def remove(self, doc_id: str) -> str:
        """Delete ``doc_id`` from every shard holding it; its title, or "" where the cluster holds none."""
        from index.cluster.catalog import ClusterCatalog

        catalog = ClusterCatalog(self.topology)
        try:
            doc = catalog.get(doc_id)
        finally:
            catalog.close()
        if doc is None:
            return ""
        delete_ids(self.topology, [doc_id])
        flush(self.topology)
        return doc.title or doc_id

    def close(self) -> None:
        """Closes the Dask client this store started, and the local workers it started."""
        client, self._client = self._client, None
        if client is not None and self._own_client:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and not self.scheduler:
                cluster.close()


class _ClusterWriter:
    """The cluster answering :class:`index.query.protocols.StoreWriter` for one ingest."""

    rebuilt = False

    def __init__(self, topology: Topology, runner: Any, userdict: str | None, slice_records: int) -> None:
        self.topology, self.runner, self.userdict, self.slice_records = topology, runner, userdict, slice_records
        self.cleaned: list[str] = []
        self._held: dict[str, _Incumbent] = {}
        self._groups: dict[str, int] = {}  # id → copy group, after this run's writes
        self._batches: list[Any] = []  # the analyse tasks (Dask futures, or their results)
        self._keep: dict[int, list[int]] = defaultdict(list)  # analyse task → positions of the rows to write
        self._rows: list[dict] = []  # rows the lead made (documents the pipeline handed over)
        self._written: set[str] = set()  # ids written in this batch
        self._cluster: Cluster | None = None  # for stored(): one connection per batch

    def held(self) -> dict[str, Held]:
        self._held = held_documents(self.topology)
        self._groups = {doc_id: entry.dedup for doc_id, entry in self._held.items()}
        return {doc_id: Held(e.digest, resolved(e.source), e.dedup) for doc_id, e in self._held.items()}

    def stored(self, doc_id: str) -> dict[str, object] | None:
        if self._cluster is None:  # opened on the first id asked about, closed by the commit
            self._cluster = Cluster(self.topology)
        found = self._cluster.select(f"SELECT stored FROM {self.topology.index} WHERE id = %s", [doc_key(doc_id)])
        return stored_of(found.rows[0]["stored"]) if found.rows else None

    def files_record(self) -> dict[str, dict]:
        """What the cluster holds in service, as the files it came from would hold it (no SHA-1: read again)."""
        record: dict[str, dict] = {}
        for doc_id, entry in self._held.items():
            if entry.source and entry.status != history.WITHDRAWN:
                held = record.setdefault(
                    file_name(Path(entry.source).resolve()), {"sha1": "", "ids": [], "versions": {}}
                )
                held["ids"].append(doc_id)
                held["versions"][doc_id] = [entry.digest, entry.pub_date, entry.locator]
        return record

    def group(self, dedup: str) -> int | None:
        return value_key("dedup", dedup) if dedup else None

    def read(
        self, paths: list[Path], bounds: Limits, known: list[Known] | None = None
    ) -> Iterator[Iterable[Reading | Rejection]]:
        """Every record read in full on the workers (``known`` is not used: a worker reads a slice of a file)."""
        runner, files = self.runner, [str(path.resolve()) for path in paths]
        counts = runner.gather([runner.submit(count_records, path, bounds, pure=False) for path in files])
        slices = [
            (path, start, min(start + self.slice_records, count))
            for path, count in zip(files, counts, strict=True)
            for start in range(0, count, self.slice_records)
        ]
        self._batches = [
            runner.submit(analyse, path, start, stop, bounds, self.userdict, pure=False) for path, start, stop in slices
        ]
        gathered = runner.gather([runner.submit(readings, batch, pure=False) for batch in self._batches])
        of_file: dict[str, list[Reading | Rejection]] = defaultdict(list)
        for number, ((path, _, _), (found, rejected)) in enumerate(zip(slices, gathered, strict=True)):
            for position, item in enumerate(found):
                item.handle = (number, position)
            of_file[path] += [*rejected, *found]
        return (of_file[path] for path in files)

    def begin(self, checkpoint: dict | None = None) -> None:
        self._keep.clear()
        self._rows = []
        self._written = set()

    def write(self, reading: Reading, *, new: bool) -> None:
        if reading.handle is not None:
            number, position = reading.handle
            self._keep[number].append(position)
        else:
            from index.analysis import fast_segmenter

            assert reading.doc is not None
            row = functools.partial(to_row, digest=reading.version.digest, cut=fast_segmenter(self.userdict))
            self._rows.append(per_record(row, reading.doc))  # raises Unwritable naming the field
        self._written.add(reading.doc_id)
        dedup = reading.dedup
        self._groups[reading.doc_id] = value_key("dedup", dedup) if dedup else value_key("id", reading.doc_id)

    def commit(self) -> list[tuple[dict, str]]:
        self.close()
        members: dict[int, list[str]] = defaultdict(list)
        for doc_id, group in self._groups.items():
            members[group].append(doc_id)
        dup_ids = {doc_id for ids in members.values() if len(ids) > 1 for doc_id in ids}
        runner = self.runner
        writes = [
            runner.submit(
                write,
                self._batches[number],
                sorted(positions),
                dup_ids,
                self.topology,
                pure=False,
                retries=WRITE_RETRIES,
            )
            for number, positions in sorted(self._keep.items())
        ]
        runner.gather(writes)
        for row in self._rows:
            row["dup"] = 1 if row["doc_id"] in dup_ids else 0
        for shard, part in split_by_shard(self.topology, self._rows).items():
            write_shard(self.topology, shard, part)
        _mark_copies(self.topology, self._held, dup_ids, self._written)
        flush(self.topology)  # the commit: everything written is durable from here (writer.flush)
        for doc_id, entry in self._held.items():
            entry.dup = 1 if doc_id in dup_ids else 0
        self.begin()
        return []

    def save_record(self, record: dict[str, dict]) -> None:
        """The cluster keeps none: its files record is what it holds."""

    def close(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


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
    """Ingest every document under ``paths`` into the cluster: :func:`index.pipeline.ingest` on
    :class:`ClusterIngest` (see the module docstring).

    ``client`` is a ``dask.distributed.Client`` (its workers must see ``paths`` at the same place, e.g. a shared
    file system); None runs the tasks in this process. Every task is held to ``bounds``, the limits read once here
    (None: from this process's environment, :func:`index.limits.current`), never to a worker's environment.
    Every document read is recorded in the history at ``history_path`` (none kept when None). Raises
    FileNotFoundError for a path that does not exist, StoreUnavailable when the cluster does not answer.
    """
    store = ClusterIngest(topology, userdict=userdict, client=client, slice_records=slice_records)
    return pipeline.ingest(store, paths, prune=prune, progress=progress, bounds=bounds, history_path=history_path)


def held_documents(topology: Topology) -> dict[str, _Incumbent]:
    """What the cluster holds: id → its content hash, copy group, source, 公开日期, copy flag and status (read a
    page at a time)."""
    cluster = Cluster(topology)
    found: dict[str, _Incumbent] = {}
    last = 0
    try:
        while True:
            rows = cluster.select(
                f"SELECT id, doc_id, content_hash, dedup, source, locator, pub_date, dup, status FROM {topology.index} "
                "WHERE id > %s ORDER BY id ASC LIMIT 1000 OPTION max_matches=1000",
                [last],
            ).rows
            for row in rows:
                found[row["doc_id"]] = _Incumbent(
                    row["content_hash"],
                    row["dedup"],
                    row["source"],
                    row["locator"],
                    row["pub_date"],
                    row["dup"],
                    row["status"],
                )
            if len(rows) < 1000:
                return found
            last = rows[-1]["id"]
    finally:
        cluster.close()


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
