"""The cluster store's warm-up (index/cluster/catalog.py: ClusterCatalog.warm), what ``portal serve`` calls before
taking requests (portal/app.py: open_catalog): it derives the lexicon's table, so the first search does not; a
cluster that does not answer yet at start-up does not stop the server, and its first search then pays; the
speller's tables (index/query/spelling.py: Speller.prepare) are built at start-up, not by the first correction.

Against a real searchd (one node, one shard), skipped where none is installed."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from helpers import needs_searchd

import index.query.lexicon as lexicon
from index.cluster.catalog import ClusterCatalog
from index.cluster.ingest import ingest_cluster
from index.cluster.local import LocalCluster
from index.query import SearchRequest
from portal.app import open_catalog
from portal.settings import load_settings


def _docs() -> list[dict]:
    return [
        {
            "id": f"medical-{n}",
            "title": f"关于做好第{n}批参保人员异地就医直接结算工作的通知",
            "body": "参保人员异地就医的，住院费用直接结算。" * (n % 3 + 1),
            "pub_date": f"2021-06-{n:02d}",
        }
        for n in range(1, 12)
    ]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    needs_searchd()
    folder = tmp_path_factory.mktemp("warm-docs")
    (folder / "docs.json").write_text(json.dumps(_docs(), ensure_ascii=False), "utf-8")
    with LocalCluster(tmp_path_factory.mktemp("warm-cluster"), [(0,)]) as running:
        assert not ingest_cluster([folder], running.topology).rejected
        yield running


@pytest.fixture
def derivations(monkeypatch) -> list[int]:
    """One entry per derivation of the lexicon's table (index.query.lexicon.lexicon_alternatives)."""
    calls: list[int] = []
    derive = lexicon.lexicon_alternatives

    def counted(*args, **kwargs):
        calls.append(1)
        return derive(*args, **kwargs)

    monkeypatch.setattr(lexicon, "lexicon_alternatives", counted)
    return calls


def _settings(cluster: LocalCluster, tmp_path: Path):
    return load_settings(
        {"PORTAL_STORE": "manticore", "PORTAL_MANTICORE": str(cluster.topology), "PORTAL_INDEX_DIR": str(tmp_path)}
    )


def test_the_server_derives_the_table_before_its_first_search(cluster, tmp_path, derivations):
    catalog = open_catalog(_settings(cluster, tmp_path))
    try:
        assert isinstance(catalog, ClusterCatalog)
        assert derivations == [1]  # at start-up
        found = [catalog.search(SearchRequest(q=q, per_page=50)) for q in ("异地就医", "看病", "结算 通知")]
    finally:
        catalog.close()
    assert derivations == [1]  # not again by the searches
    assert found[0].total == 11 and not found[0].notices


def test_the_speller_tables_are_built_before_the_first_correction(cluster, tmp_path):
    catalog = open_catalog(_settings(cluster, tmp_path))
    try:
        assert isinstance(catalog, ClusterCatalog)
        _vocabulary, speller = catalog._vocabulary()
        built = speller.__dict__.get("_character_tables", {})
        assert built and set(built) == set(speller._by_length)  # every word length, before any search corrects
    finally:
        catalog.close()


def test_a_cluster_not_up_at_start_leaves_it_to_the_first_search(cluster, tmp_path, derivations, caplog):
    cluster.stop(0)
    try:
        with caplog.at_level(logging.INFO):
            catalog = open_catalog(_settings(cluster, tmp_path))  # returns: the server starts
    finally:
        cluster.start(0)
    try:
        assert derivations == []
        result = catalog.search(SearchRequest(q="异地就医", per_page=50))
        assert derivations == [1]  # the first search paid
        catalog.search(SearchRequest(q="结算", per_page=50))
    finally:
        catalog.close()
    assert derivations == [1] and result.total == 11
    said = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1 and said[0][0] == "WARNING" and said[0][2] is None, said
    assert "the search cluster does not answer" in said[0][1]
