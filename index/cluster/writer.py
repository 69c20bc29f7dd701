"""Writing rows to the cluster: each to its shard (:meth:`.topology.Topology.owner`), on every replica of it.

Writes are ``REPLACE INTO`` by the document's integer id, so writing a batch twice (a retried task, a re-run
ingest) leaves the index as writing it once did. Sphinx 2.2 has no replication, so the writer itself writes each
mirror; on Manticore, a replication cluster does that (docs/scale-out.md) and the topology names one node per
shard. An ingest ends with :func:`flush`, its commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from index.cluster.sphinxql import connect
from index.cluster.topology import Address, Topology, doc_key

MAX_STATEMENT_BYTES = 2 * 2**20  # well below max_packet_size (32M): one statement is a short wait for searchd


def split_by_shard(topology: Topology, rows: Iterable[dict]) -> dict[int, list[dict]]:
    """Rows grouped by the shard that owns them."""
    shards: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        shards[topology.owner(row["doc_id"])].append(row)
    return dict(shards)


def replace_rows(address: Address, index: str, rows: list[dict]) -> int:
    """``REPLACE INTO index`` the rows on one node, in statements of at most MAX_STATEMENT_BYTES; returns rows
    written. Raises pymysql errors (the caller retries: the write is idempotent)."""
    if not rows:
        return 0
    columns = list(rows[0])
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"REPLACE INTO {index} ({', '.join(columns)}) VALUES "
    connection = connect(address)
    try:
        with connection.cursor() as cursor:
            batch: list[dict] = []
            size = 0
            for row in rows:
                row_size = sum(len(value) if isinstance(value, str) else 16 for value in row.values())
                if batch and size + row_size > MAX_STATEMENT_BYTES:
                    _replace(cursor, head, placeholders, columns, batch)
                    batch, size = [], 0
                batch.append(row)
                size += row_size
            _replace(cursor, head, placeholders, columns, batch)
    finally:
        connection.close()
    return len(rows)


def _replace(cursor, head: str, placeholders: str, columns: list[str], batch: list[dict]) -> None:
    args = []
    for row in batch:
        args += [tuple(row[c]) if isinstance(row[c], list) else row[c] for c in columns]
    cursor.execute(head + ", ".join([placeholders] * len(batch)), args)


def write_shard(topology: Topology, shard: int, rows: list[dict]) -> int:
    """Write ``rows`` (all owned by ``shard``) to every replica of the shard; returns rows written per replica.
    Each row records its shard (``shard``): a query that lost an agent can tell whether the shard still answered."""
    rows = [{**row, "shard": shard} for row in rows]
    for address in topology.shards[shard]:
        replace_rows(address, topology.shard_index(shard), rows)
    return len(rows)


def delete_ids(topology: Topology, doc_ids: list[str]) -> int:
    """Delete documents by their string ids from every replica of their shards."""
    by_shard: dict[int, list[int]] = defaultdict(list)
    for doc_id in doc_ids:
        by_shard[topology.owner(doc_id)].append(doc_key(doc_id))
    for shard, keys in by_shard.items():
        for address in topology.shards[shard]:
            connection = connect(address)
            try:
                with connection.cursor() as cursor:
                    for start in range(0, len(keys), 1000):
                        chunk = keys[start : start + 1000]
                        cursor.execute(
                            f"DELETE FROM {topology.shard_index(shard)} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                            chunk,
                        )
            finally:
                connection.close()
    return len(doc_ids)


def flush(topology: Topology) -> None:
    """Make everything written so far durable on every replica: ``FLUSH RTINDEX`` saves each shard's RAM chunk.

    Sphinx 2.2.11 keeps its binlog in a buffer whatever ``binlog_flush`` says: a searchd killed after REPLACE
    returned lost the rows when restarted (tests/test_cluster.py). So an ingest is committed when it has flushed,
    at its end, as a Whoosh ingest is when it commits; one killed before that is written again by the next run
    (unchanged documents are recognised by their content hash). Saving the RAM chunk costs time growing with it,
    so it is done once per ingest, not per batch. Manticore honours ``binlog_flush = 1``; there it is a no-op in
    effect, the binlog already holding every statement.
    """
    for shard, replicas in enumerate(topology.shards):
        for address in replicas:
            connection = connect(address)
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"FLUSH RTINDEX {topology.shard_index(shard)}")
            finally:
                connection.close()
