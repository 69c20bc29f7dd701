"""Paths and helpers the tests share (importable, unlike conftest.py)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
from dataclasses import replace
from pathlib import Path

import pytest

import bench.fidelity as _fidelity

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "documents"
SHARED = ROOT.parent / "shared"
SEED = DOCUMENTS / "000_475aefbc56821e6d.txt"
WEB_FIXTURES = ROOT / "tests" / "web" / "fixtures"
FIXTURES = ROOT / "tests" / "fixtures"  # invented fixtures (names, numbers and bodies made up), in the repository
# Real third-party inputs live outside the repository (bench.fidelity.real_inputs: $PORTAL_REAL_INPUTS, else
# ../shared/fidelity): the fidelity collection's files under pages/, the real pages and responses the tests read
# under fixtures/html and fixtures/exports. A test that reads them carries this marker (skipped where they are absent).
REAL_PAGES = _fidelity.PAGES
REAL_FIXTURES = _fidelity.FIXTURES
real_inputs = pytest.mark.real_inputs
SEED_INDEX_NO = "014319733/2018-00019"
SEED_TITLE = "市民政局2018年一季度工作情况"


# Hypothesis examples: `make test` runs each property with the number its test gives (a few seconds each, within the
# suite's budget); `make hunt` runs only the properties (pytest's ``hypothesis`` marker) with PORTAL_HUNT times as
# many, the derandomized ones drawn afresh.
HUNT = max(1, int(os.environ.get("PORTAL_HUNT") or 1))


def examples(count: int) -> int:
    """Hypothesis's ``max_examples`` for a property that draws ``count`` examples in `make test`."""
    return count * HUNT


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, skipping the test where a fresh clone has no ../shared beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared is beside the checkout in CI, not on a user's fresh clone)")
    return path


# The store the portal's own tests run against: PORTAL_STORE=manticore runs them against a cluster of searchd
# processes (two shards and a mirror) holding the same documents as each Whoosh index they build (.ci/run runs
# tests/web a second time so). Settings and subprocess environments come from here so that both runs share them.
TEST_STORE = os.environ.get("PORTAL_STORE", "whoosh")
CLUSTER_LAYOUT = [(0,), (1,), (0,)]
_clusters: dict[Path, object] = {}


def needs_searchd() -> None:
    """Skip where Debian's sphinxsearch (or Manticore) is not installed; .ci/run installs it."""
    from index.cluster.local import searchd_binary

    if searchd_binary() is None:
        pytest.skip("needs searchd (apt-get install sphinxsearch; .ci/run installs it)")


def start_cluster(root: Path, layout=CLUSTER_LAYOUT):
    """A LocalCluster of searchd processes under ``root``, started; stop_clusters() stops it with the rest."""
    from index.cluster.local import LocalCluster

    needs_searchd()
    cluster = LocalCluster(root, list(layout)).__enter__()
    _clusters[root] = cluster
    return cluster


def stop_clusters() -> None:
    while _clusters:
        _, cluster = _clusters.popitem()
        cluster.__exit__(None, None, None)


@contextlib.contextmanager
def dask_worker(env: dict[str, str]):
    """A Dask client of one local worker process whose own environment is ``env`` (skipped without Dask)."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 may be taken by another cluster (a warning, an error here)
            env=env,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def build_index(paths, index_dir: Path, **options):
    """``ingest_paths`` into the Whoosh index at ``index_dir`` (its report is returned); under
    PORTAL_STORE=manticore the same paths also go into the cluster standing for that index."""
    from index.whoosh.ingest import ingest_paths

    report = ingest_paths(paths, index_dir, **options)
    if TEST_STORE == "manticore":
        from index.cluster.ingest import ingest_cluster

        cluster = _clusters.get(Path(index_dir)) or start_cluster(Path(index_dir))
        _clusters[Path(index_dir)] = cluster
        ingest_cluster(paths, cluster.topology, prune=options.get("prune", False))
    return report


def store_environment(index_dir: Path) -> dict[str, str]:
    """The PORTAL_* variables that point the portal at the store standing for ``index_dir``."""
    if TEST_STORE != "manticore":
        return {"PORTAL_INDEX_DIR": str(index_dir)}
    cluster = _clusters.get(Path(index_dir))
    # No cluster for this folder: an address nothing listens on, as a cluster that is down.
    layout = str(cluster.topology) if cluster is not None else f"127.0.0.1:{_dead_port()}"
    return {"PORTAL_INDEX_DIR": str(index_dir), "PORTAL_STORE": "manticore", "PORTAL_MANTICORE": layout}


def portal_settings(index_dir: Path, **changes):
    """The portal's settings for the store standing for ``index_dir`` (defaults otherwise), with ``changes``."""
    from portal.settings import load_settings

    return replace(load_settings(store_environment(index_dir)), **changes)


def _dead_port() -> int:
    from index.localports import free_port

    return free_port()


def read_documents(path: Path) -> list:
    """The documents ``portal ingest`` would make of the file at ``path`` (its reader, then read_document with the
    default limits); asserts that the file gives no read error and every record a document."""
    from index.ingest import IngestReport, read_document
    from index.limits import DEFAULTS
    from index.readers import read_file
    from index.record import RawRecord, ReadError

    items = list(read_file(path))
    assert not [item for item in items if isinstance(item, ReadError)], items
    docs = [read_document(item, DEFAULTS, IngestReport()) for item in items if isinstance(item, RawRecord)]
    assert all(doc is not None for doc in docs)
    return docs


def index_of_records(tmp_path_factory, records: list[dict], name: str) -> Path:
    """A fresh Whoosh index of ``records`` (written as one JSON file, ingested by ``ingest_paths``), in folders named
    after ``name``; asserts that no record is rejected."""
    import json

    from index.whoosh.ingest import ingest_paths

    folder = tmp_path_factory.mktemp(f"{name}-docs")
    (folder / "docs.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    index_dir = tmp_path_factory.mktemp(f"{name}-index")
    assert not ingest_paths([folder], index_dir).rejected
    return index_dir


def present_pages() -> list[dict]:
    """The fidelity manifest's entries whose file the real-input folder holds (bench.fidelity.present); the tests
    that walk the collection walk these, and ``test_fidelity_collection`` names the absent ones in a skip."""
    return _fidelity.present(_fidelity.load_manifest()["pages"])[0]


def tune_records(file: str) -> list[tuple[dict, object]]:
    """Each tune entry of the fidelity file ``file`` (``pages/<name>.gz``; one a record of an export; its held-out
    entries are never read) with what ``portal ingest``'s own path gives for it (bench.fidelity.ingest_one's
    outcome: ``values``, ``error``). Skips the test where the file is absent from the real-input folder; a test
    calling this carries ``real_inputs``."""
    from bench.fidelity import COLLECTION, ingest_one, load_manifest

    if not (COLLECTION / file).is_file():
        pytest.skip(f"{file} is absent from {COLLECTION} (the real inputs live outside the repository)")
    name = Path(file).name.removesuffix(".gz")
    entries = [page for page in load_manifest()["pages"] if page["file"] == file and page["split"] == "tune"]
    assert entries, f"no tune entry names {file}"
    return [(entry, ingest_one(COLLECTION / file, entry.get("name") or name, entry.get("record"))) for entry in entries]


def tune_entry(file: str) -> dict:
    """The manifest entry of the fidelity input ``file`` (``pages/<name>.gz``) on the tune split; skips the test
    where the file is absent from the real-input folder."""
    entry = next((entry for entry in present_pages() if entry["file"] == file and entry["split"] == "tune"), None)
    if entry is None:
        pytest.skip(f"{file} is absent from the real-input folder")
    return entry


def page_text(file: str) -> str:
    """The text of the fidelity input ``file`` (``pages/<name>.gz``, UTF-8)."""
    return gzip.decompress((REAL_PAGES / Path(file).name).read_bytes()).decode("utf-8")


def read_page_text(tmp_path: Path, file: str, text: str):
    """The document ``portal ingest``'s path reads from ``text`` saved under ``file``'s name in ``tmp_path`` (a real
    page's text, edited by the test)."""
    from index.ingest import IngestReport, read_document
    from index.limits import DEFAULTS
    from index.readers import read_file

    path = tmp_path / Path(file).name.removesuffix(".gz")
    path.write_text(text, "utf-8")
    doc = read_document(next(iter(read_file(path, DEFAULTS))), DEFAULTS, IngestReport())
    assert doc is not None
    return doc


@functools.cache  # a page is ingested once per test process: tests read its fields, never change them
def tune_page(file: str) -> tuple[dict, dict[str, object]]:
    """A tune page of the fidelity collection (``file`` as its manifest names it, ``pages/<name>.txt.gz``): its
    manifest entry and the compared fields ``portal ingest``'s own path stores for it (bench.fidelity.ingest_one).
    Fails the test where the page gives no document; a held-out page is never read (KeyError). The page is read from
    the real-input folder (bench.fidelity.real_inputs): a test calling this carries the ``real_inputs`` marker."""
    from bench.fidelity import COLLECTION, ingest_one, load_manifest

    entry = {page["file"]: page for page in load_manifest()["pages"] if page["split"] == "tune"}[file]
    if not (COLLECTION / file).is_file():
        pytest.skip(f"{file} is absent from {COLLECTION} (the real inputs live outside the repository)")
    outcome = ingest_one(COLLECTION / file, entry.get("name") or Path(file).name.removesuffix(".gz"))  # as scored
    assert not outcome.error, outcome.error
    return entry, outcome.values


def tune_page_right(file: str, *fields: str) -> bool:
    """Whether ``portal ingest`` stores each of ``fields`` of the tune page ``file`` (:func:`tune_page`) as its
    manifest's right value, compared as bench.fidelity compares (``same``)."""
    from bench.fidelity import same

    entry, values = tune_page(file)
    return all(same(field, entry["expected"][field], values[field]) for field in fields)
