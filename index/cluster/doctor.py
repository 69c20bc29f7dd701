"""``portal doctor`` for the cluster store (``PORTAL_STORE=manticore``): what can be checked from outside ``searchd``.

For each shard, on each of its replicas: that the node answers SphinxQL, that it serves the shard's real-time index
(``docs_<i>``) and the distributed index (``docs``), and how many documents the shard holds there; that the
replicas of one shard hold as many; and that the documents the cluster lists through its distributed index (its
sources record: each document's id and source file, :func:`index.cluster.ingest.held_documents`) come to that
count on the shard each one's id hashes to. What it does not check is said as a finding of its own
(:data:`NOT_CHECKED`).
"""

from __future__ import annotations

from collections import Counter

from index.cluster.sphinxql import StoreUnavailable, connect
from index.cluster.topology import Address, Topology
from index.diagnosis import DAMAGED, NOTE, OK, Finding

NOT_CHECKED = (
    "集群存储不检查：searchd 自己的索引文件与 binlog 是否完好（没有提交时的校验和，由 searchd 启动时自行检查），"
    "副本之间内容是否逐条一致（只比较篇数），以及来源文件是否仍与所收录的一致（运行 portal ingest --prune）"
)


def diagnose(topology: Topology) -> list[Finding]:
    """Every finding about the cluster ``topology`` names; a DAMAGED one means a node is down, a table missing,
    or the shards disagree with each other or with the documents the cluster lists."""
    findings: list[Finding] = []
    counts: dict[int, dict[Address, int]] = {}
    for shard, replicas in enumerate(topology.shards):
        table = topology.shard_index(shard)
        counts[shard] = {}
        for address in replicas:
            found, count = _node(address, table, topology.index)
            findings += found
            if count is not None:
                counts[shard][address] = count
        held = set(counts[shard].values())
        if len(held) > 1:
            each = "，".join(f"{address} {n} 篇" for address, n in counts[shard].items())
            findings.append(
                Finding(DAMAGED, f"分片 {shard}（{table}）的副本篇数不同：{each}（重新运行 portal ingest）")
            )
    findings += _listed(topology, counts)
    findings.append(Finding(NOTE, NOT_CHECKED))
    return findings


def _node(address: Address, table: str, distributed: str) -> tuple[list[Finding], int | None]:
    """One replica of one shard: reachable, serving ``table`` and ``distributed``, and its document count."""
    import pymysql

    try:
        connection = connect(address)
    except pymysql.err.MySQLError as exc:
        return [Finding(DAMAGED, f"{address}: searchd 无法连接（{exc.args[-1]}）")], None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW TABLES")
            tables = {row["Index"] for row in cursor.fetchall()}
            missing = [name for name in (table, distributed) if name not in tables]
            if missing:
                text = f"{address}: searchd 可连接，但没有表 {'、'.join(missing)}（检查 searchd 的配置）"
                return [Finding(DAMAGED, text)], None
            cursor.execute(f"SELECT COUNT(*) AS n FROM {table}")
            count = int(cursor.fetchall()[0]["n"])
    except pymysql.err.MySQLError as exc:
        return [Finding(DAMAGED, f"{address}: 查询 {table} 失败（{exc.args[-1]}）")], None
    finally:
        connection.close()
    return [
        Finding(OK, f"{address}: searchd 可连接，表 {table} 与 {distributed} 都在，{table} 有 {count} 篇文档")
    ], count


def _listed(topology: Topology, counts: dict[int, dict[Address, int]]) -> list[Finding]:
    """The documents the cluster lists through its distributed index, by the shard each id hashes to, against
    each shard's own count."""
    from index.cluster.ingest import held_documents

    if any(not counts[shard] for shard in counts):
        return [Finding(NOTE, "有分片没有一个副本可查，未与收录记录比较篇数")]
    try:
        listed = held_documents(topology)
    except StoreUnavailable as exc:
        return [Finding(DAMAGED, f"分布式表 {topology.index} 查询失败：{exc}")]
    per_shard = Counter(topology.owner(doc_id) for doc_id in listed)
    sources = len({entry.source for entry in listed.values() if entry.source})
    findings = []
    for shard, replicas in counts.items():
        count, expected = next(iter(replicas.values())), per_shard.get(shard, 0)
        table = topology.shard_index(shard)
        if count != expected:
            findings.append(
                Finding(
                    DAMAGED,
                    f"分片 {shard}（{table}）有 {count} 篇，收录记录里归它的有 {expected} 篇"
                    "（文档不在它所属的分片上，或分布式表没有读到它；运行 portal ingest --rebuild）",
                )
            )
    if not findings:
        findings.append(Finding(OK, f"收录记录：{len(listed)} 篇文档，来自 {sources} 个来源文件，各分片篇数与之相符"))
    return findings
