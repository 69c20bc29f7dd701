"""The cluster as the portal sees it: shards, each held by one or more replicas (mirrors), and which shard owns
a document.

``PORTAL_MANTICORE`` names it in the form of Sphinx's ``agent`` lines: shards separated by commas, the replicas
of one shard by ``|``, each a SphinxQL ``host:port``::

    PORTAL_MANTICORE=10.0.0.1:9306|10.0.0.3:9306,10.0.0.2:9306

is two shards, the first held by two nodes. Shard ``i`` is the real-time index ``docs_<i>`` on each of its
replicas; every node also serves the distributed index ``docs`` over all shards (see :mod:`.config`), so a query
may go to any node.

A document's shard is a jump consistent hash (Lamping & Veach 2014, "A Fast, Minimal Memory, Consistent Hash
Algorithm") of a 63-bit hash of its id: stable across runs and machines, and growing from N to N+1 shards moves
only the documents the new shard takes (about 1/(N+1) of them), which is what re-sharding copies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

INDEX = "docs"  # the distributed index every node serves; shard i is INDEX_i


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Topology:
    """Shard ``i`` is held by the nodes ``shards[i]`` (its replicas, first preferred)."""

    shards: tuple[tuple[Address, ...], ...]
    index: str = INDEX

    def shard_index(self, shard: int) -> str:
        """The real-time index holding shard ``shard`` on each of its replicas."""
        return f"{self.index}_{shard}"

    @property
    def nodes(self) -> list[Address]:
        """Every node once, in the order named: where queries may go."""
        return list(dict.fromkeys(address for replicas in self.shards for address in replicas))

    def owner(self, doc_id: str) -> int:
        """The shard that holds the document ``doc_id``."""
        return jump_hash(doc_key(doc_id), len(self.shards))

    def __str__(self) -> str:
        return ",".join("|".join(map(str, replicas)) for replicas in self.shards)


def parse_topology(spec: str, index: str = INDEX) -> Topology:
    """``a:9306|c:9306,b:9306`` → a Topology; ValueError naming the part that is not ``host:port``."""
    shards = []
    for part in spec.split(","):
        if not part.strip():
            continue
        replicas = []
        for address in part.split("|"):
            host, _, port = address.strip().rpartition(":")
            if not host or not (port.isascii() and port.isdigit()):
                raise ValueError(f"PORTAL_MANTICORE: {address.strip()!r} is not host:port (in {spec!r})")
            replicas.append(Address(host, int(port)))
        shards.append(tuple(replicas))
    if not shards:
        raise ValueError("PORTAL_MANTICORE names no shard: give host:port of each, e.g. 127.0.0.1:9306")
    return Topology(tuple(shards), index)


def doc_key(doc_id: str) -> int:
    """The document's integer id in the store: the first 63 bits of the SHA-1 of its id (never 0).

    Sphinx ids are unsigned 64-bit; 63 bits stay positive in every client. Two ids colliding is a chance of about
    n²/2⁶⁴ (1 in 10⁷ for a million documents); the string id is stored beside it and checked on every lookup.
    """
    key = int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big") >> 1
    return key or 1


def term_key(field: str, term: str) -> str:
    """An exact term (a 索引号 key, a 文号 form, a facet value, a relation token) as one token of the ``keys``
    field: ``k`` and 15 hex digits of the SHA-1 of field and term. Terms hold any character (URLs, brackets);
    their hash is a single token the store neither splits nor folds."""
    return "k" + hashlib.sha1(f"{field}\0{term}".encode()).hexdigest()[:15]


def value_key(field: str, value: str) -> int:
    """A facet value as a 63-bit integer (multi-valued attributes hold integers), e.g. each 发布机构."""
    return int(term_key(field, value)[1:], 16)


def jump_hash(key: int, buckets: int) -> int:
    """Jump consistent hash: the bucket in ``range(buckets)`` of a 64-bit ``key``."""
    b, j = -1, 0
    while j < buckets:
        b = j
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        j = int((b + 1) * (float(1 << 31) / float((key >> 33) + 1)))
    return b
