"""``searchd`` configuration for one node of the cluster: its real-time shard indexes and the distributed
index ``docs`` over every shard, mirrors as ``agent = a|b:docs_<i>`` lines.

Written for Sphinx 2.2.11 (Debian's ``sphinxsearch``, the CI stand-in) in the configuration format Manticore
Search still reads (``index`` sections, ``rt_field``/``rt_attr_*``); docs/scale-out.md says what to change for a
Manticore production cluster (replication clusters instead of writing every mirror, no ``workers``).

``python -m index.cluster.config --data DIR NODE…`` writes one file per node, each NODE given as
``name=host:sqlport:apiport:shard[+shard…]``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from index.cluster.rows import GRAM_FIELDS, STRING_ATTRIBUTES, WORD_FIELDS
from index.cluster.topology import INDEX, Address, Topology

# The characters tokens are made of (rows.TOKEN_CHARS) and nothing else: the store splits on everything else,
# i.e. on the spaces between the tokens this project's analysis sends. No ngram_chars: it must not segment.
CHARSET_TABLE = "0..9, a..z, U+2D, U+3A, U+2F, U+2E, U+3007, U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF"
FULLTEXT_FIELDS = (
    *(f"{name}_w" for name in WORD_FIELDS),
    *(f"{name}_g" for name in GRAM_FIELDS),
    "keywords",
    "keys",
)
UINT_ATTRIBUTES = ("year", "has_date", "dup", "shard")
BIGINT_ATTRIBUTES = ("date_key", "dedup")
AGENT_CONNECT_MS = 1000  # a dead node is given up within a second, and its mirror asked instead
AGENT_QUERY_MS = 5000


@dataclass(frozen=True)
class Node:
    """One ``searchd``: its SphinxQL and API (agent) ports, and the shards it holds."""

    name: str
    host: str
    sql_port: int
    api_port: int
    shards: tuple[int, ...]

    @property
    def sql(self) -> Address:
        return Address(self.host, self.sql_port)


def topology_of(nodes: list[Node], index: str = INDEX) -> Topology:
    """The Topology the portal is given for these nodes (PORTAL_MANTICORE): each shard's holders in order."""
    count = max(shard for node in nodes for shard in node.shards) + 1
    return Topology(tuple(tuple(node.sql for node in nodes if shard in node.shards) for shard in range(count)), index)


def rt_index(name: str, path: Path, mem_limit: str = "128M") -> str:
    lines = [f"index {name}", "{", "    type = rt", f"    path = {path}"]
    lines += [f"    rt_field = {field}" for field in FULLTEXT_FIELDS]
    lines += [f"    rt_attr_string = {attr}" for attr in STRING_ATTRIBUTES]
    lines += [f"    rt_attr_uint = {attr}" for attr in UINT_ATTRIBUTES]
    lines += [f"    rt_attr_bigint = {attr}" for attr in BIGINT_ATTRIBUTES]
    lines += ["    rt_attr_multi_64 = pubs", "    rt_attr_timestamp = indexed_at"]
    lines += [
        f"    charset_table = {CHARSET_TABLE}",
        "    min_word_len = 1",
        "    index_field_lengths = 1",
        f"    rt_mem_limit = {mem_limit}",
        "}",
    ]
    return "\n".join(lines)


def searchd_config(node: Node, nodes: list[Node], data: Path, index: str = INDEX) -> str:
    """The configuration of ``node`` in a cluster of ``nodes``, its files under ``data`` (created)."""
    data.mkdir(parents=True, exist_ok=True)
    topology = topology_of(nodes, index)
    parts = [rt_index(topology.shard_index(shard), data / topology.shard_index(shard)) for shard in node.shards]
    dist = [f"index {index}", "{", "    type = distributed"]
    for shard in range(len(topology.shards)):
        if shard in node.shards:
            dist.append(f"    local = {topology.shard_index(shard)}")
        else:
            mirrors = "|".join(f"{other.host}:{other.api_port}" for other in nodes if shard in other.shards)
            dist.append(f"    agent = {mirrors}:{topology.shard_index(shard)}")
    dist += [
        f"    agent_connect_timeout = {AGENT_CONNECT_MS}",
        f"    agent_query_timeout = {AGENT_QUERY_MS}",
        # Sphinx 2.2.11 asks a failed agent again on the mirror it chose, whatever agent_retry_count says; noerrors
        # stops choosing a mirror that fails, and the client asks a statement a dead mirror spoilt again
        # (sphinxql.Cluster.select). Manticore retries on the next mirror itself (mirror_retry_count).
        "    ha_strategy = noerrors",
        "}",
    ]
    parts.append("\n".join(dist))
    parts.append(
        "\n".join(
            [
                "searchd",
                "{",
                f"    listen = {node.host}:{node.sql_port}:mysql41",
                f"    listen = {node.host}:{node.api_port}",
                f"    log = {data / 'searchd.log'}",
                f"    query_log = {data / 'query.log'}",
                f"    pid_file = {data / 'searchd.pid'}",
                f"    binlog_path = {data}",
                "    binlog_flush = 1",  # every committed write is on disk before REPLACE returns
                "    workers = threads",
                "    collation_server = binary",  # string attributes sort and compare as bytes, as Python does
                "    max_packet_size = 32M",
                "}",
            ]
        )
    )
    return "\n\n".join(parts) + "\n"


def _node(spec: str) -> Node:
    name, _, rest = spec.partition("=")
    host, sql, api, shards = rest.split(":")
    return Node(name, host, int(sql), int(api), tuple(int(s) for s in shards.split("+")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder; each node gets DATA/<name>/")
    parser.add_argument("nodes", nargs="+", help="name=host:sqlport:apiport:shard[+shard…]")
    args = parser.parse_args()
    nodes = [_node(spec) for spec in args.nodes]
    for node in nodes:
        path = args.data / node.name / "searchd.conf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(searchd_config(node, nodes, args.data / node.name / "data"), encoding="utf-8")
        print(path)
    print(f"PORTAL_MANTICORE={topology_of(nodes)}")


if __name__ == "__main__":
    main()
