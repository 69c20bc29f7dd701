"""``portal doctor`` on the cluster store (``PORTAL_STORE=manticore``) against real ``searchd`` processes: two
shards and a mirror of the first, on loopback (skipped where searchd is not installed, as in tests/test_cluster.py).

It says each shard's searchd answers and holds its tables and how many documents, that the counts agree with the
documents the cluster lists, and what it does not check; a node down, a table missing or replicas that disagree
are damage (exit status 1), named by address and table.
"""

from __future__ import annotations

import pytest
from helpers import DOCUMENTS, needs_searchd

from index.cluster.ingest import ingest_cluster
from index.cluster.local import LocalCluster
from index.cluster.sphinxql import connect
from index.cluster.topology import doc_key


def doctor(manticore: str):
    from click.testing import CliRunner

    from portal.cli import cli

    return CliRunner().invoke(cli, ["doctor"], env={"PORTAL_STORE": "manticore", "PORTAL_MANTICORE": manticore})


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """One cluster for the module: each test that harms it puts it right again."""
    needs_searchd()
    with LocalCluster(tmp_path_factory.mktemp("cluster"), [(0,), (1,), (0,)]) as nodes:
        report = ingest_cluster([DOCUMENTS], nodes.topology)
        assert report.added and not report.rejected
        yield nodes


def test_a_sound_cluster_passes_with_counts_per_shard_and_says_what_it_does_not_check(cluster) -> None:
    topology = cluster.topology
    result = doctor(str(topology))
    assert result.exit_code == 0, result.output
    for shard, replicas in enumerate(topology.shards):
        for address in replicas:
            assert f"正常：{address}: searchd 可连接，表 docs_{shard} 与 docs 都在，docs_{shard} 有 " in result.output
    assert "各分片篇数与之相符" in result.output and "损坏" not in result.output
    assert "注意：集群存储不检查" in result.output


def test_a_node_down_is_damage_naming_its_address(cluster) -> None:
    down = cluster.topology.shards[1][0]
    cluster.stop(1)
    try:
        result = doctor(str(cluster.topology))
    finally:
        cluster.start(1)
    assert result.exit_code == 1, result.output
    assert f"损坏：{down}: searchd 无法连接" in result.output
    assert "未与收录记录比较篇数" in result.output  # shard 1 has no replica left to count
    assert doctor(str(cluster.topology)).exit_code == 0


def test_replicas_holding_different_counts_are_damage(cluster) -> None:
    topology = cluster.topology
    mirror = topology.shards[0][1]
    some_id = next(doc_id for doc_id in _ids(topology) if topology.owner(doc_id) == 0)
    _delete(mirror, doc_key(some_id))
    result = doctor(str(topology))
    _delete(topology.shards[0][0], doc_key(some_id))  # both replicas without it: they agree again
    assert result.exit_code == 1, result.output
    assert "损坏：分片 0（docs_0）的副本篇数不同" in result.output
    assert doctor(str(topology)).exit_code == 0


def test_a_missing_table_is_damage_naming_it(cluster) -> None:
    """A layout naming a third shard on a node that holds none: the node answers, the table is not there."""
    topology = cluster.topology
    third = topology.shards[1][0]
    result = doctor(f"{topology},{third}")
    assert result.exit_code == 1, result.output
    assert f"损坏：{third}: searchd 可连接，但没有表 docs_2" in result.output


def test_a_layout_that_is_not_host_port_is_a_clear_error() -> None:
    result = doctor("not-an-address")
    assert result.exit_code != 0 and "is not host:port" in result.output


def _delete(address, key: int) -> None:
    connection = connect(address)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM docs_0 WHERE id = %s", [key])
    finally:
        connection.close()


def _ids(topology) -> list[str]:
    from index.cluster.ingest import held_documents

    return sorted(held_documents(topology))
