"""The cluster store (index/cluster/) against Debian's Sphinx 2.2.11 searchd, standing in for Manticore: three
processes on loopback (shard 0, shard 1, a mirror of shard 0), started and stopped here.

What must agree with the Whoosh store on the same documents: which documents match (totals, every id, facet
counts) for every kind of query, date orders, lookups, documents, relations, feeds, the sitemap, statistics.
What may differ is the order of equally dated results and of relevance-ranked ones (Sphinx ranks with its own
BM25, docs/scale-out.md); for titles typed whole both put the document first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from helpers import DOCUMENTS, ROOT, SEED_INDEX_NO, WEB_FIXTURES, needs_searchd
from starlette.testclient import TestClient

from bench.latency import MIX
from index.cluster.catalog import PARTIAL, RUN_FRAGMENTS, ClusterCatalog
from index.cluster.ingest import ingest_cluster
from index.cluster.local import LocalCluster
from index.cluster.rows import _TOKEN as TOKEN
from index.cluster.rows import grams, to_row, words
from index.cluster.sphinxql import Cluster
from index.cluster.topology import jump_hash, parse_topology
from index.ingest import iter_files
from index.localports import free_port
from index.query import SearchRequest
from index.query.request import FACETS
from index.readers import read_file
from index.record import ReadError
from index.whoosh.catalog import Catalog
from portal.app import create_app
from portal.settings import load_settings

LAYOUT = [(0,), (1,), (0,)]  # node0: shard 0, node1: shard 1, node2: a mirror of shard 0
QUERIES = [
    "低保",
    "最低生活保障",
    "民政局 工作",
    "养老保险 医疗",
    "市民政局2018年一季度工作情况",
    "關於",  # traditional characters
    '"政府信息公开"',
    '"第二季度"',
    "低保 OR 殡葬",
    "民政 -低保",
    "NOT 通知",
    "标题:通知",
    "正文:救助",
    "发布机构:民政局",
    "文号:宿民发〔2019〕56号",
    "索引号:014319733/2018-00019",
    "014319733/2018-00019",  # an identifier in the search box finds what lookup finds (issue 17)
    "2018-00019",
    "宿民发[2019]56号",
    "COVID-19",
    "2023年",
    "关于进一步做好特困人员救助供养工作的通知 民政局",  # many units: the minimum match as clauses
    "量子引力波",
]
REQUESTS = [
    SearchRequest(q="", filters={"year": ["2019"]}),
    SearchRequest(q="", filters={"publisher": ["宿迁市民政局"]}),
    SearchRequest(q="通知", filters={"validity": ["有效"], "kind": ["原文"]}),
    SearchRequest(q="", date_from="2019-01-01", date_to="2020-12"),
    SearchRequest(q="", scoped={"title": "通知", "body": "民政"}),
    SearchRequest(q="", filters={"category_topic": ["民政、扶贫、救灾"]}),
]


@pytest.fixture(scope="module")
def whoosh(web_index: Path):
    catalog = Catalog(web_index)
    yield catalog
    catalog.close()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    needs_searchd()
    with LocalCluster(tmp_path_factory.mktemp("cluster"), LAYOUT) as cluster:
        report = ingest_cluster([DOCUMENTS, WEB_FIXTURES], cluster.topology)
        assert not report.rejected, report.rejected
        yield cluster


@pytest.fixture(scope="module")
def store(nodes):
    catalog = ClusterCatalog(nodes.topology)
    yield catalog
    catalog.close()


def every_id(catalog, req: SearchRequest) -> tuple[int, list[frozenset[str]], dict]:
    """Total, every hit (as the set of the document and its copies: which copy leads may differ), facets."""
    first = catalog.search(SearchRequest(**{**vars(req), "per_page": 50}))
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += catalog.search(SearchRequest(**{**vars(req), "per_page": 50, "page": page})).hits
    ids = sorted((frozenset([hit.id, *(c.id for c in hit.copies)]) for hit in hits), key=sorted)
    facets = {key: [(v.value, v.count) for v in values] for key, values in first.facets.items()}
    return first.total, ids, facets


@pytest.mark.parametrize("q", QUERIES)
def test_a_query_matches_the_same_documents_with_the_same_facet_counts(whoosh, store, q):
    total, ids, facets = every_id(whoosh, SearchRequest(q=q))
    cluster_total, cluster_ids, cluster_facets = every_id(store, SearchRequest(q=q))
    assert (cluster_total, cluster_ids) == (total, ids)
    assert cluster_facets == facets


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: str({k: v for k, v in vars(r).items() if v}))
def test_filters_date_ranges_and_field_conditions_agree(whoosh, store, req):
    total, ids, facets = every_id(whoosh, req)
    assert total  # each request finds something, or it would prove little
    assert every_id(store, req) == (total, ids, facets)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("q", ["", "民政", "通知"])
def test_date_orders_agree(whoosh, store, q, sort):
    """Dates in the same order; documents of one date may come in another order (Whoosh: by score, then its
    internal order; the cluster: by its score, then id)."""

    def dated(catalog):
        hits = catalog.search(SearchRequest(q=q, sort=sort, per_page=50)).hits
        return [hit.pub_date or hit.written_date for hit in hits], {
            frozenset([h.id, *(c.id for c in h.copies)]) for h in hits
        }

    assert dated(store) == dated(whoosh)


@pytest.mark.parametrize(
    "title", ["市民政局2018年一季度工作情况", "市民政局关于推进节地生态安葬的实施意见", "关于测试转义的通知"]
)
def test_a_title_typed_whole_puts_its_document_first_in_both(whoosh, store, title):
    assert store.search(SearchRequest(q=title)).hits[0].id == whoosh.search(SearchRequest(q=title)).hits[0].id


def test_highlights_and_copies_are_built_alike(whoosh, store):
    for q in ("低保", '"政府信息公开"', "民政 工作"):
        by_id = {hit.id: hit for hit in whoosh.search(SearchRequest(q=q, per_page=50)).hits}
        for hit in store.search(SearchRequest(q=q, per_page=50)).hits:
            twin = by_id[hit.id]
            assert (hit.title_html, hit.snippet_html, hit.attachment_hits) == (
                twin.title_html,
                twin.snippet_html,
                twin.attachment_hits,
            )
            assert sorted(c.id for c in hit.copies) == sorted(c.id for c in twin.copies)


def test_a_page_past_the_end_and_undecodable_text_are_answered_alike(whoosh, store):
    past = SearchRequest(q="低保", page=99, per_page=5)
    assert (store.search(past).page, store.search(past).notices) == (
        whoosh.search(past).page,
        whoosh.search(past).notices,
    )
    assert store.search(past).notices  # the page says it showed the last page
    lone = "低保\udcff"  # a command line's undecodable byte
    assert store.search(SearchRequest(q=lone)).total == whoosh.search(SearchRequest(q=lone)).total
    assert (store.lookup(lone), store.get(lone), store.suggest(lone)) == (
        whoosh.lookup(lone),
        None,
        whoosh.suggest(lone),
    )


def test_synonyms_are_reported_alike(whoosh, store):
    assert store.search(SearchRequest(q="低保")).expansions == whoosh.search(SearchRequest(q="低保")).expansions
    assert store.search(SearchRequest(q="低保", literal=True)).expansions == []


def test_lookups_documents_relations_feeds_and_statistics_agree(whoosh, store):
    for typed in (SEED_INDEX_NO, "014319733-2018-00019", "2018-00019", "宿民发〔2019〕56号", "宿民发[2019]56号"):
        assert {d.id for d in store.lookup(typed)} == {d.id for d in whoosh.lookup(typed)}, typed
    for doc_id, _ in whoosh.document_dates():
        doc = store.get(doc_id)
        assert doc == whoosh.get(doc_id)
        assert store.relations(doc) == whoosh.relations(doc)
        # by title and date: of a document's copies (same title and body) either store may list another
        cited = {(r.title, r.pub_date) for r in whoosh.related(doc_id) if r.reason != "同主题"}
        assert cited <= {(r.title, r.pub_date) for r in store.related(doc_id)}
    assert sorted(store.document_dates()) == sorted(whoosh.document_dates())
    assert [d.pub_date for d in store.latest(10)] == [d.pub_date for d in whoosh.latest(10)]
    assert store.facet_counts() == whoosh.facet_counts()
    figures, expected = store.stats(), whoosh.stats()
    assert {k: figures[k] for k in ("documents", "publishers", "years", "flagged")} == {
        k: expected[k] for k in ("documents", "publishers", "years", "flagged")
    }
    assert [t for _, t in store.suggest("民政").titles] == [t for _, t in whoosh.suggest("民政").titles]
    rescued, expected_rescue = store.search(SearchRequest(q="地保")), whoosh.search(SearchRequest(q="地保"))
    assert rescued.rescue == expected_rescue.rescue and rescued.rescue.correction == "低保"
    assert rescued.total == expected_rescue.total
    little, expected_little = store.search(SearchRequest(q="低保 丧葬")), whoosh.search(SearchRequest(q="低保 丧葬"))
    assert little.rescue == expected_little.rescue and little.rescue.together == 1  # one holds both: either word
    assert little.total == expected_little.total


def test_both_stores_list_every_document_for_the_bulk_export(whoosh, store):
    listed = {doc.id: doc for doc in store.documents()}
    expected = list(whoosh.documents())
    assert [doc.id for doc in expected] == sorted(doc.id for doc in expected)  # Whoosh: in id order
    assert listed == {doc.id: doc for doc in expected}  # every document, copies each on its own, field for field


def test_the_store_is_sent_the_projects_own_tokens():
    """A row's words and grams are what the Whoosh fields hold (index/schema.py to_fields, analysed by this
    project): the store segments nothing itself, and grams sharing a position come one after another."""
    from index.analysis import fast_segmenter, word_counts
    from index.bigrams import gram_positions
    from index.ingest import IngestReport, read_document
    from index.limits import current
    from index.schema import content_hash, to_fields

    record = next(r for r in read_file(next(iter_files([DOCUMENTS]))) if not hasattr(r, "message"))
    doc = read_document(record, current(), IngestReport())
    row, fields = to_row(doc), to_fields(doc, content_hash(doc))
    assert row["title_g"].split() == [gram for gram, _ in gram_positions(fields["title_grams"])]
    assert row["body_g"].split() == [gram for gram, _ in gram_positions(fields["body_grams"])]
    held = word_counts(fields["body"], fast_segmenter())
    assert set(row["body_w"].split()) == {word for word in held if TOKEN.match(word)}
    assert len(row["body_w"].split()) == sum(n for word, n in held.items() if TOKEN.match(word))
    assert grams("2023年第30号") == "2023 年 年第 第 30 号"
    assert grams("covid-19疫情") == "covid-19 covid 19 疫 疫情"
    assert words("COVID-19疫情防控", fast_segmenter()).split() == ["covid", "19", "疫情", "防控"]


def test_documents_are_spread_by_a_jump_consistent_hash():
    topology = parse_topology("127.0.0.1:1|127.0.0.1:3,127.0.0.1:2")
    ids = [f"014319733/2018-{n:05d}" for n in range(2000)]
    shares = [sum(topology.owner(i) == shard for i in ids) for shard in range(2)]
    assert min(shares) > 800  # about half each
    moved = sum(jump_hash(hash_, 3) != jump_hash(hash_, 2) for hash_ in range(0, 2**40, 2**40 // 3000))
    assert 0.2 < moved / 3000 < 0.45  # growing 2 → 3 shards moves about a third, not most


def test_a_rerun_writes_nothing_and_prune_marks_what_is_gone_withdrawn(tmp_path, nodes, store):
    again = ingest_cluster([DOCUMENTS, WEB_FIXTURES], nodes.topology)
    assert (again.added, again.updated, again.unchanged) == ([], [], store.stats()["documents"])
    extra = tmp_path / "extra.json"
    extra.write_text(
        '[{"标题": "临时文件关于集群测试的通知", "正文": "集群测试正文", "索引号": "014319733/2030-00001"}]'
    )
    assert ingest_cluster([extra], nodes.topology).added == ["014319733/2030-00001"]
    assert store.search(SearchRequest(q="集群测试", literal=True)).total == 1
    extra.unlink()
    (tmp_path / "placeholder.json").write_text("[]")
    assert ingest_cluster([tmp_path], nodes.topology, prune=True).withdrawn == ["014319733/2030-00001"]
    kept = store.search(SearchRequest(q="集群测试", literal=True, filters={"status": ["已撤下"]}))
    assert [hit.id for hit in kept.hits] == ["014319733/2030-00001"]  # kept, marked 已撤下 (index.history)
    assert store.search(SearchRequest(q="集群测试", literal=True, filters={"status": ["在线"]})).total == 0


def test_a_shard_killed_mid_query_gives_a_partial_answer_with_a_notice_and_its_mirror_takes_over(tmp_path):
    needs_searchd()
    with LocalCluster(tmp_path, LAYOUT) as cluster:
        ingest_cluster([DOCUMENTS], cluster.topology)
        catalog = ClusterCatalog(cluster.topology)
        whole = catalog.search(SearchRequest(q="", per_page=50))
        answers, errors, stop = [], [], threading.Event()

        def ask() -> None:
            while not stop.is_set():
                try:
                    answers.append(catalog.search(SearchRequest(q="工作", per_page=50)))
                except Exception as exc:  # what the test forbids: a query that fails outright
                    errors.append(exc)

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        try:
            time.sleep(0.3)
            cluster.kill(0)  # shard 0's first holder dies while queries run: its mirror (node2) answers
            time.sleep(0.5)
            mirrored = catalog.search(SearchRequest(q="", per_page=50))
            assert mirrored.total == whole.total and PARTIAL not in mirrored.notices
            cluster.kill(1)  # shard 1 has no mirror: what is left is a partial answer, and the page says so
            time.sleep(0.5)
        finally:  # a failed assertion must not leave the thread asking a cluster that is being stopped
            stop.set()
            asking.join()
        assert not errors, errors
        partial = catalog.search(SearchRequest(q="", per_page=50))
        assert 0 < partial.total < whole.total and PARTIAL in partial.notices
        assert {hit.id for hit in partial.hits} < {hit.id for hit in whole.hits}
        assert all(a.total == answers[0].total or PARTIAL in a.notices for a in answers)
        cluster.start(0)
        cluster.start(1)
        assert catalog.search(SearchRequest(q="", per_page=50)).total == whole.total
        catalog.close()


def test_a_partial_answer_is_said_and_not_counted_in_the_query_log(tmp_path):
    """With shard 1 (no mirror) stopped, the cluster's answer is partial: the result says so, the page shows the
    notice, ``/search.json`` says ``"partial": true`` (a machine reads no Chinese notice), and the query log counts
    it neither as a search that found nothing nor as one that found something (热搜词 and `portal stats` would
    otherwise list a query with hits as finding nothing)."""
    needs_searchd()
    with LocalCluster(tmp_path / "cluster", LAYOUT) as cluster:
        ingest_cluster([DOCUMENTS], cluster.topology)
        env = {"PORTAL_INDEX_DIR": str(tmp_path / "index"), "PORTAL_STORE": "manticore"}
        settings = load_settings({**env, "PORTAL_MANTICORE": str(cluster.topology)})
        settings = replace(settings, allowed_hosts=("testserver",), query_log=tmp_path / "querylog")
        catalog = ClusterCatalog(cluster.topology)
        whole = catalog.search(SearchRequest(q="工作"))
        assert whole.total > 0 and not whole.partial
        with TestClient(create_app(settings)) as client:
            assert client.get("/search", params={"q": "工作"}).status_code == 200  # the whole cluster: counted
            answer = client.get("/search.json", params={"q": "工作"}).json()
            assert answer["partial"] is False and answer["total"] == whole.total
            cluster.kill(1)
            partial = catalog.search(SearchRequest(q="工作"))
            assert partial.partial and PARTIAL in partial.notices and partial.total < whole.total
            for q in ("工作", "量子引力波"):
                page = client.get("/search", params={"q": q})
                assert page.status_code == 200 and PARTIAL in page.text
            answer = client.get("/search.json", params={"q": "工作"}).json()
            assert answer["partial"] is True and PARTIAL in answer["notices"] and answer["total"] == partial.total
        catalog.close()
    [day] = json.loads((tmp_path / "querylog" / "counts.json").read_text("utf-8"))["days"].values()
    assert day["searched"] == {"工作": 1} and day["empty"] == {}


def test_a_search_asks_the_version_once_in_one_round_trip_per_query_and_sees_a_later_commit(tmp_path, monkeypatch):
    """A search asks the cluster's version (what its cached vocabulary, compounds and speller are checked against)
    once, and sends each SELECT with its SHOW META as one batch; a commit made after it by another writer (the
    catalog is not told) is found by the next search, and the vocabulary built before it is built again."""
    needs_searchd()
    import pymysql.cursors

    first, later = tmp_path / "first.json", tmp_path / "later" / "later.json"
    first.write_text(
        '[{"标题": "关于最低生活保障标准的通知", "正文": "最低生活保障标准调整", "索引号": "014319733/2031-00001"}]'
    )
    later.parent.mkdir()
    later.write_text('[{"标题": "殡葬改革试点工作方案", "正文": "殡葬改革试点", "索引号": "014319733/2031-00002"}]')
    sent: list[str] = []
    execute = pymysql.cursors.Cursor.execute
    monkeypatch.setattr(
        pymysql.cursors.Cursor, "execute", lambda self, q, a=None: sent.append(q) or execute(self, q, a)
    )
    with LocalCluster(tmp_path / "nodes", [(0,)]) as cluster:
        ingest_cluster([first], cluster.topology)
        catalog = ClusterCatalog(cluster.topology)
        try:
            catalog.suggest("殡葬")  # builds the vocabulary of the first commit
            sent.clear()
            found = catalog.search(SearchRequest(q="最低生活保障 殡葬"))  # nothing as typed: relaxed (counts, speller)
            assert [hit.id for hit in found.hits] == ["014319733/2031-00001"] and found.rescue is not None
            assert sum("MAX(indexed_at)" in q for q in sent) == 1
            assert len(sent) > 5 and all(q.rstrip().endswith("SHOW META") for q in sent)
            ingest_cluster([later.parent], cluster.topology)
            sent.clear()
            assert [hit.id for hit in catalog.search(SearchRequest(q="殡葬改革")).hits] == ["014319733/2031-00002"]
            assert sum("MAX(indexed_at)" in q for q in sent) == 1
            assert "殡葬改革试点工作方案" in [title for _, title in catalog.suggest("殡葬").titles]
        finally:
            catalog.close()


def _shown(result) -> dict:
    """All a result page shows (the time it took left out)."""
    shown = asdict(result)
    shown.pop("elapsed_ms")
    return shown


def test_statements_sent_in_one_batch_answer_as_each_sent_alone(store, monkeypatch):
    """A search sends its total, facet counts, page and copies as multi-statement batches (one round trip each,
    Cluster.select_many): for every request of bench.latency's mix, a page past the end and a filtered one, the
    page is the same, hit for hit and count for count, as when every statement goes alone."""
    requests = [SearchRequest(q=q, filters=filters, sort=sort) for _, q, filters, sort in MIX]
    requests += [SearchRequest(q="民政", page=9), SearchRequest(q="工作", filters={"year": ["2019"]}, per_page=3)]
    batched = [_shown(store.search(req)) for req in requests]
    assert sum(page["total"] for page in batched) and any(page["hits"] for page in batched)
    monkeypatch.setattr(
        Cluster, "select_many", lambda self, statements: [self._select_once([s])[0] for s in statements]
    )
    store._cache.clear()
    assert [_shown(store.search(req)) for req in requests] == batched


def test_a_search_sends_its_total_facets_and_page_in_one_round_trip(store, monkeypatch):
    """What one query matched is counted, faceted, copy-collapsed and paged in one round trip: the version, that
    batch and the page's stored fields are all a search of a word with hits sends."""
    import pymysql.cursors

    sent: list[str] = []
    execute = pymysql.cursors.Cursor.execute
    monkeypatch.setattr(
        pymysql.cursors.Cursor, "execute", lambda self, q, a=None: sent.append(q) or execute(self, q, a)
    )
    result = store.search(SearchRequest(q="工作"))
    assert result.total >= 20 and result.hits and not result.rescue  # searched as typed: no counts of rescues
    [batch] = [q for q in sent if "GROUP BY pubs" in q]
    for part in [
        "GROUP BY shard",
        "GROUP BY dedup",
        "dup = 1",
        *(f"GROUP BY {key}" for key in FACETS if key != "publisher"),
    ]:
        assert part in batch
    assert len(sent) == 3, sent


def test_a_restart_loses_nothing_committed(tmp_path):
    """An ingest that returned has flushed every shard (writer.flush, its commit): a node killed outright and
    started again holds every document written to it. Stands in for Manticore's binlog_flush = 1, which Sphinx
    2.2.11 does not honour (docs/scale-out.md)."""
    needs_searchd()
    with LocalCluster(tmp_path, LAYOUT) as cluster:
        ingest_cluster([DOCUMENTS], cluster.topology)
        catalog = ClusterCatalog(cluster.topology)
        before = catalog.document_dates()
        for node in range(len(LAYOUT)):
            cluster.kill(node)
        for node in range(len(LAYOUT)):
            cluster.start(node)
        catalog.close()
        catalog = ClusterCatalog(cluster.topology)
        assert sorted(catalog.document_dates()) == sorted(before)
        assert catalog.get(SEED_INDEX_NO).index_no.normalised == SEED_INDEX_NO
        catalog.close()


def test_dask_workers_ingest_and_a_worker_lost_mid_batch_loses_nothing(tmp_path, whoosh):
    """Two Dask workers (processes on loopback) ingest in slices of two records; one is killed while it holds
    tasks. Dask runs them again elsewhere and the writes are idempotent, so every document arrives once."""
    needs_searchd()
    distributed = pytest.importorskip("dask.distributed")
    import os
    import signal

    with (
        LocalCluster(tmp_path / "searchd", LAYOUT) as cluster,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        ) as dask_cluster,
        distributed.Client(dask_cluster) as client,
    ):
        pids = client.run(os.getpid)
        result: dict = {}
        ingesting = threading.Thread(
            target=lambda: result.update(
                report=ingest_cluster([DOCUMENTS, WEB_FIXTURES], cluster.topology, client=client, slice_records=2)
            )
        )
        ingesting.start()
        killed = None
        deadline = time.monotonic() + 60
        while killed is None and time.monotonic() < deadline:
            for worker, keys in client.processing().items():
                if keys and worker in pids:
                    os.kill(pids[worker], signal.SIGKILL)
                    killed = worker
                    break
            time.sleep(0.005)
        ingesting.join(timeout=240)
        assert killed is not None
        report = result["report"]
        assert not report.rejected
        catalog = ClusterCatalog(cluster.topology)
        assert sorted(catalog.document_dates()) == sorted(whoosh.document_dates())
        catalog.close()


def test_a_run_fragment_the_cluster_cannot_find_is_said_on_the_page(whoosh, store):
    """The Whoosh store finds a piece of a Latin/digit run ending inside a part; the cluster does not yet
    (docs/scale-out.md), and its page says so rather than just "nothing found"."""
    fragment = SearchRequest(q='"0527-843"')
    assert whoosh.search(fragment).total > 0
    result = store.search(fragment)
    assert result.total == 0 and RUN_FRAGMENTS in result.notices
    assert RUN_FRAGMENTS not in store.search(SearchRequest(q="低保")).notices


def _portal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_portal_ingest_writes_whichever_store_portal_store_names(tmp_path) -> None:
    """`portal ingest` asks the store PORTAL_STORE names through one write interface (portal.app.ingest_store_for):
    under manticore the documents go into the cluster, and the CLI's search reads them back from it."""
    needs_searchd()
    with LocalCluster(tmp_path / "cluster", [(0,)]) as cluster:
        env = {
            **os.environ,
            "PORTAL_STORE": "manticore",
            "PORTAL_MANTICORE": str(cluster.topology),
            "PORTAL_INDEX_DIR": str(tmp_path / "no-whoosh-index"),
        }
        done = _portal(env, "ingest", "--json", str(DOCUMENTS))
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        expected = len({doc.id for doc in _documents_of(DOCUMENTS)})
        assert report["added"] == expected and not report["rejected"]
        # nothing was written to the Whoosh store: its folder holds at most the history every ingest keeps
        folder = tmp_path / "no-whoosh-index"
        held = {path.name for path in folder.iterdir()} if folder.exists() else set()
        assert held <= {"history.sqlite", "history.sqlite-wal", "history.sqlite-shm"}, held
        found = _portal(env, "lookup", "--json", SEED_INDEX_NO)
        assert found.returncode == 0, found.stderr
        assert [doc["index_no"] for doc in json.loads(found.stdout)] == [SEED_INDEX_NO]


def test_portal_ingest_into_a_cluster_that_does_not_answer_fails_clearly(tmp_path) -> None:
    """A store error (here the cluster's StoreUnavailable, a StoreError) is the CLI's one clear failure."""
    env = {**os.environ, "PORTAL_STORE": "manticore", "PORTAL_MANTICORE": f"127.0.0.1:{free_port()}"}
    done = _portal(env, "ingest", str(DOCUMENTS))
    assert done.returncode == 1
    assert "the search cluster does not answer" in done.stderr and "Traceback" not in done.stderr


def _documents_of(path: Path):
    from index.ingest import IngestReport, read_document
    from index.limits import current

    for file in iter_files([path]):
        for item in read_file(file):
            doc = read_document(item, current(), IngestReport()) if not isinstance(item, ReadError) else None
            if doc is not None:
                yield doc
