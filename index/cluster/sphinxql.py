"""SphinxQL over the MySQL protocol (``pymysql``): connections to the cluster's nodes, failing over between
them, and the warnings a distributed query leaves (a shard that did not answer).

Values always travel as pymysql parameters, so a query's text never reaches SQL unescaped; the text inside
``MATCH()`` is escaped for Sphinx's own query syntax by :func:`match_token` first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.cluster.topology import Address, Topology
from index.query.protocols import StoreError

if TYPE_CHECKING:
    from pymysql.connections import Connection

CONNECT_TIMEOUT = 2.0  # seconds; a node that does not answer by then is skipped for the next
READ_TIMEOUT = 120.0  # a write to a busy node (a RAM chunk being saved) may take a while
_MATCH_SPECIAL = re.compile(r"""([\\()|\-!@~"&/^$=<'*])""")
_AGENT = re.compile(r"agent ([^:\s]+:\d+)")


class StoreUnavailable(StoreError):
    """No node of the cluster answered (the portal answers 503, as before a first ingest)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the search cluster does not answer: {detail}")


def match_token(token: str) -> str:
    """A token escaped for Sphinx's extended query syntax (``covid-19`` → ``covid\\-19``)."""
    return _MATCH_SPECIAL.sub(r"\\\1", token)


@dataclass
class Answer:
    """Rows of one SELECT (dicts), what ``SHOW META`` said, and the warning of a shard that did not answer."""

    rows: list[dict]
    meta: dict[str, str] = field(default_factory=dict)
    warning: str = ""


def connect(address: Address, timeout: float = CONNECT_TIMEOUT):
    """A SphinxQL connection to ``address``, in plain text: Sphinx 2.2.11 speaks no TLS, and PyMySQL 1.2 would
    otherwise load the system's CA certificates for every connection (about 65 ms each) only to find that out."""
    import pymysql

    return pymysql.connect(
        host=address.host,
        port=address.port,
        ssl_disabled=True,
        autocommit=True,
        charset="utf8",
        connect_timeout=timeout,
        read_timeout=READ_TIMEOUT,
        write_timeout=READ_TIMEOUT,
        cursorclass=pymysql.cursors.DictCursor,
        client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS,  # a SELECT and its SHOW META in one round trip
    )


class Cluster:
    """Queries to the distributed index through any node (the first that answers, then stuck to), one
    connection per thread; writes to a named node (:meth:`execute_on`)."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self._local = threading.local()
        self._lock = threading.Lock()
        self._preferred = 0
        self._open: list[Connection] = []

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        import pymysql

        nodes = self.topology.nodes
        errors = []
        for step in range(len(nodes)):
            index = (self._preferred + step) % len(nodes)
            try:
                connection = connect(nodes[index])
            except pymysql.err.OperationalError as exc:
                errors.append(f"{nodes[index]}: {exc.args[-1]}")
                continue
            with self._lock:
                self._preferred = index
                self._open.append(connection)
            self._local.connection = connection
            return connection
        raise StoreUnavailable("; ".join(errors))

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            with self._lock:
                if connection in self._open:
                    self._open.remove(connection)
                self._preferred = (self._preferred + 1) % len(self.topology.nodes)
            try:
                connection.close()
            except Exception:  # already gone: the node died
                pass

    def select(self, sql: str, args: Iterable[object] = ()) -> Answer:
        """Run one SELECT on the distributed index (:meth:`select_many` of one statement)."""
        return self.select_many([(sql, tuple(args))])[0]

    def select_many(self, statements: Sequence[tuple[str, Iterable[object]]]) -> list[Answer]:
        """Run SELECTs on the distributed index in one round trip, an :class:`Answer` each, in order (each SELECT
        followed by its SHOW META): searchd runs such a batch as one multi-query, and may share the matching of
        statements that differ only in what they select, group and sort (a search's total, facets and page). A node
        lost on the way is replaced by the next, once each.

        A batch any answer of which names a failed agent is asked for again, up to once per other mirror of a shard:
        the node's ``ha_strategy`` (:mod:`.config`) then sends the shard's part to a mirror that answers. What
        still names a failed agent after that is returned as it is (a shard with no replica answering)."""
        batch = [(sql, tuple(args)) for sql, args in statements]
        answers = self._select_once(batch)
        for _ in range(self._mirror_retries):
            if not any(failed_agents(answer.warning) for answer in answers):
                break
            answers = self._select_once(batch)
        return answers

    @property
    def _mirror_retries(self) -> int:
        return max(len(replicas) for replicas in self.topology.shards) - 1

    def _select_once(self, batch: list[tuple[str, tuple]]) -> list[Answer]:
        import pymysql

        # one round trip: every SELECT followed by its SHOW META, sent as one multi-statement query
        sql = ";\n".join(f"{statement};\nSHOW META" for statement, _ in batch)
        args = tuple(arg for _, statement_args in batch for arg in statement_args)
        last: Exception | None = None
        for _ in range(len(self.topology.nodes) + 1):
            connection = self._connection()
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql, args)
                    answers = []
                    for i in range(len(batch)):
                        if i:
                            cursor.nextset()
                        rows = list(cursor.fetchall())
                        cursor.nextset()
                        meta = {row["Variable_name"]: row["Value"] for row in cursor.fetchall()}
                        answers.append(Answer(rows, meta, meta.get("warning", "")))
                    return answers
            except pymysql.err.OperationalError as exc:
                last = exc
                self._drop()
            except pymysql.err.InterfaceError as exc:
                last = exc
                self._drop()
            except pymysql.err.ProgrammingError as exc:
                # Every agent of the distributed index failed (a head node holding no shard itself): the
                # node answered, the cluster did not. Anything else is a malformed query, and raises.
                if "agent" not in str(exc.args[-1]):
                    raise
                raise StoreUnavailable(str(exc.args[-1])) from exc
        raise StoreUnavailable(str(last))

    def close(self) -> None:
        with self._lock:
            for connection in self._open:
                try:
                    connection.close()
                except Exception:  # a node that died: nothing to close
                    pass
            self._open.clear()
        self._local = threading.local()


def failed_agents(warning: str) -> list[str]:
    """The ``host:port`` of every agent a distributed query's warning says did not answer."""
    return list(dict.fromkeys(_AGENT.findall(warning)))
